package ledger_test

import "testing"

func TestTickets(t *testing.T) {
	e := newEnv(t)
	alice := e.fund("100000000", false)
	bob := e.fund("100000000", false)
	aa := string(alice.ClassicAddress)
	for _, tc := range []struct {
		name  string
		count uint32
		want  string
	}{{"ErrZero", 0, "temINVALID_COUNT"}, {"ErrTooMany", 251, "temINVALID_COUNT"}} {
		t.Run(tc.name, func(t *testing.T) {
			e.unchanged(func() {
				if r := e.submit(alice, map[string]any{"TransactionType": "TicketCreate", "TicketCount": tc.count}); r["engine_result"] != tc.want {
					t.Fatalf("got %v", r["engine_result"])
				}
			})
		})
	}
	seq := e.seq(aa)
	res, meta := e.payAndResult(alice, map[string]any{"TransactionType": "TicketCreate", "TicketCount": uint32(3)})
	if res != "tesSUCCESS" {
		t.Fatalf("TicketCreate: %s", res)
	}
	ad := e.accountData(aa, "validated")
	if num(ad["OwnerCount"]) != 3 || num(ad["TicketCount"]) != 3 || uint32(num(ad["Sequence"])) != seq+4 {
		t.Fatalf("account after TicketCreate: %v", ad)
	}
	tickets := e.objects(aa, "ticket")
	if len(tickets) != 3 || len(e.objects(aa, "state")) != 0 {
		t.Fatalf("tickets %v", tickets)
	}
	if got := uint32(num(tickets[0].(map[string]any)["TicketSequence"])); got < seq+1 || got > seq+3 {
		t.Fatalf("ticket sequence %d", got)
	}
	if len(meta["AffectedNodes"].([]any)) != 5 { // account, directory, three tickets
		t.Fatalf("affected nodes %v", meta["AffectedNodes"])
	}
	useTicketAmount := func(ticket uint32, drops string) map[string]any {
		return e.submit(alice, map[string]any{"TransactionType": "Payment", "Destination": string(bob.ClassicAddress),
			"Amount": drops, "Sequence": uint32(0), "TicketSequence": ticket})
	}
	useTicket := func(ticket uint32) map[string]any { return useTicketAmount(ticket, "1000000") }
	t.Run("OKUseTicket", func(t *testing.T) {
		r := useTicket(seq + 2)
		if r["engine_result"] != "tesSUCCESS" {
			t.Fatalf("use ticket: %v", r)
		}
		e.accept()
		ad := e.accountData(aa, "validated")
		if num(ad["OwnerCount"]) != 2 || num(ad["TicketCount"]) != 2 || uint32(num(ad["Sequence"])) != seq+4 {
			t.Fatalf("after ticket use: %v", ad)
		}
	})
	t.Run("ErrTicketUsed", func(t *testing.T) {
		e.unchanged(func() {
			if r := useTicketAmount(seq+2, "1000001"); r["engine_result"] != "tefNO_TICKET" {
				t.Fatalf("reuse: %v", r["engine_result"])
			}
		})
	})
	t.Run("ErrFutureTicket", func(t *testing.T) {
		e.unchanged(func() {
			if r := useTicket(seq + 50); r["engine_result"] != "terPRE_TICKET" {
				t.Fatalf("future: %v", r["engine_result"])
			}
		})
	})
	t.Run("OKLastTicketsRemoveCount", func(t *testing.T) {
		for _, tk := range []uint32{seq + 1, seq + 3} {
			if r := useTicket(tk); r["engine_result"] != "tesSUCCESS" {
				t.Fatalf("ticket %d: %v", tk, r)
			}
		}
		e.accept()
		ad := e.accountData(aa, "validated")
		if _, ok := ad["TicketCount"]; ok || num(ad["OwnerCount"]) != 0 {
			t.Fatalf("after all tickets: %v", ad)
		}
	})
}
