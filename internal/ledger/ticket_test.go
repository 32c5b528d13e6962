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

// TestOwnerDirectoryPages: more than 32 owned objects spill into a second directory
// page; consuming them empties and deletes that page; a restart rebuilds the same
// state tree (Open refuses a state whose hash differs from the last header).
func TestOwnerDirectoryPages(t *testing.T) {
	dir := t.TempDir()
	e := newEnv(t, func(c *ledgerConfigAlias) { c.DataDir = dir })
	alice := e.fund("100000000", false)
	aa := string(alice.ClassicAddress)
	seq := e.seq(aa)
	res, _ := e.payAndResult(alice, map[string]any{"TransactionType": "TicketCreate", "TicketCount": uint32(40)})
	if res != "tesSUCCESS" {
		t.Fatalf("TicketCreate: %s", res)
	}
	r := e.rpc("account_objects", map[string]any{"account": aa, "limit": 400})
	if n := len(r["account_objects"].([]any)); n != 40 {
		t.Fatalf("%d tickets listed", n)
	}
	dirs := e.rpc("ledger", map[string]any{"ledger_index": "validated", "transactions": true, "expand": true, "api_version": 2})
	created := 0
	for _, tx := range dirs["ledger"].(map[string]any)["transactions"].([]any) {
		for _, n := range tx.(map[string]any)["meta"].(map[string]any)["AffectedNodes"].([]any) {
			if c, ok := n.(map[string]any)["CreatedNode"].(map[string]any); ok && c["LedgerEntryType"] == "DirectoryNode" {
				created++
			}
		}
	}
	if created != 2 {
		t.Fatalf("%d directory pages created, want root and page 1", created)
	}
	// Use the last eight tickets (they sit on page 1), then everything else.
	for i := uint32(40); i >= 1; i-- {
		tk := seq + i
		if r := e.submit(alice, map[string]any{"TransactionType": "AccountSet", "Sequence": uint32(0), "TicketSequence": tk}); r["engine_result"] != "tesSUCCESS" {
			t.Fatalf("ticket %d: %v", tk, r["engine_result"])
		}
		if i == 33 {
			e.accept()
			if n := len(e.objects(aa, "ticket")); n != 32 {
				t.Fatalf("%d tickets left", n)
			}
		}
	}
	h := e.accept()
	if n := len(e.objects(aa, "")); n != 0 {
		t.Fatalf("%d objects left", n)
	}
	e.srv.Close()
	if err := e.l.Close(); err != nil {
		t.Fatal(err)
	}
	cfg := ledgerDefaultConfig()
	cfg.DataDir = dir
	cfg.Logger = quietLogger()
	l2, err := ledgerOpen(cfg)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer l2.Close()
	if got := l2.Validated(); got.AccountHash != h.AccountHash || got.Hash != h.Hash {
		t.Fatalf("after restart %+v, want %+v", got, h)
	}
}
