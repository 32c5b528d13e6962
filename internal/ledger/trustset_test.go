package ledger_test

import (
	"testing"
)

func (e *env) ownerCount(addr string) int64 {
	e.t.Helper()
	return num(e.accountData(addr, "validated")["OwnerCount"])
}

func (e *env) objects(addr, typ string) []any {
	e.t.Helper()
	p := map[string]any{"account": addr, "ledger_index": "validated"}
	if typ != "" {
		p["type"] = typ
	}
	r := e.rpc("account_objects", p)
	objs, ok := r["account_objects"].([]any)
	if !ok {
		e.t.Fatalf("account_objects: %v", r)
	}
	return objs
}

func TestTrustSet(t *testing.T) {
	e := newEnv(t)
	issuer := e.fund("1000000000", false)
	alice := e.fund("100000000", false)
	ia, aa := string(issuer.ClassicAddress), string(alice.ClassicAddress)

	t.Run("OKCreate", func(t *testing.T) {
		res, meta := e.payAndResult(alice, map[string]any{"TransactionType": "TrustSet", "LimitAmount": usd(issuer, "100")})
		if res != "tesSUCCESS" {
			t.Fatalf("result %s", res)
		}
		if e.ownerCount(aa) != 1 || e.ownerCount(ia) != 0 {
			t.Fatalf("owner counts alice %d issuer %d", e.ownerCount(aa), e.ownerCount(ia))
		}
		objs := e.objects(aa, "state")
		if len(objs) != 1 {
			t.Fatalf("objects %v", objs)
		}
		rs := objs[0].(map[string]any)
		fl := uint32(num(rs["Flags"]))
		if fl&(0x00010000|0x00020000) == 0 || fl&(0x00010000|0x00020000) == 0x00030000 {
			t.Fatalf("exactly one reserve flag expected: %#x", fl)
		}
		if len(e.objects(ia, "state")) != 1 {
			t.Fatal("line missing from the issuer's owner directory")
		}
		created := 0
		for _, n := range meta["AffectedNodes"].([]any) {
			if c, ok := n.(map[string]any)["CreatedNode"].(map[string]any); ok {
				created++
				if c["LedgerEntryType"] == "RippleState" {
					nf := c["NewFields"].(map[string]any)
					if nf["Balance"] == nil || nf["LowLimit"] == nil || nf["HighLimit"] == nil {
						t.Fatalf("RippleState NewFields %v", nf)
					}
				}
			}
		}
		if created != 3 { // the line and both owner directories
			t.Fatalf("created %d nodes: %v", created, meta["AffectedNodes"])
		}
	})
	t.Run("OKModifyLimitAndNoRipple", func(t *testing.T) {
		res, _ := e.payAndResult(alice, map[string]any{"TransactionType": "TrustSet", "LimitAmount": usd(issuer, "250"), "Flags": uint32(0x00020000)})
		if res != "tesSUCCESS" {
			t.Fatalf("result %s", res)
		}
		line := e.rpc("account_lines", map[string]any{"account": aa, "ledger_index": "validated"})["lines"].([]any)[0].(map[string]any)
		if line["limit"] != "250" || line["no_ripple"] != true {
			t.Fatalf("line %v", line)
		}
		res, _ = e.payAndResult(alice, map[string]any{"TransactionType": "TrustSet", "LimitAmount": usd(issuer, "250"), "Flags": uint32(0x00040000)})
		line = e.rpc("account_lines", map[string]any{"account": aa, "ledger_index": "validated"})["lines"].([]any)[0].(map[string]any)
		if res != "tesSUCCESS" || line["no_ripple"] != false {
			t.Fatalf("clear NoRipple: %s %v", res, line)
		}
	})
	t.Run("OKDeleteWhenDefault", func(t *testing.T) {
		// Without DefaultRipple an account's default is NoRipple set, so the line is back
		// to its default state only with a zero limit and NoRipple set again.
		res, meta := e.payAndResult(alice, map[string]any{"TransactionType": "TrustSet", "LimitAmount": usd(issuer, "0"), "Flags": uint32(0x00020000)})
		if res != "tesSUCCESS" {
			t.Fatalf("result %s", res)
		}
		if len(e.objects(aa, "")) != 0 || e.ownerCount(aa) != 0 {
			t.Fatalf("line not deleted: %v", e.objects(aa, ""))
		}
		deleted := 0
		for _, n := range meta["AffectedNodes"].([]any) {
			if d, ok := n.(map[string]any)["DeletedNode"].(map[string]any); ok {
				deleted++
				if d["LedgerEntryType"] == "RippleState" && d["FinalFields"].(map[string]any)["PreviousTxnID"] == nil {
					t.Fatalf("DeletedNode FinalFields lack PreviousTxnID: %v", d)
				}
			}
		}
		if deleted != 3 {
			t.Fatalf("deleted %d nodes", deleted)
		}
	})
	tests := []struct {
		name string
		tx   map[string]any
		want string
	}{
		{"ErrRedundant", map[string]any{"TransactionType": "TrustSet", "LimitAmount": usd(issuer, "0")}, "tecNO_LINE_REDUNDANT"},
		{"ErrNegativeLimit", map[string]any{"TransactionType": "TrustSet", "LimitAmount": usd(issuer, "-1")}, "temBAD_LIMIT"},
		{"ErrXRPLimit", map[string]any{"TransactionType": "TrustSet", "LimitAmount": "1000"}, "temBAD_LIMIT"},
		{"ErrToSelf", map[string]any{"TransactionType": "TrustSet", "LimitAmount": usd(alice, "10")}, "temDST_IS_SRC"},
		{"ErrNoIssuer", map[string]any{"TransactionType": "TrustSet", "LimitAmount": usd(newWallet(t, false), "10")}, "tecNO_DST"},
		{"ErrAuthNotRequired", map[string]any{"TransactionType": "TrustSet", "LimitAmount": usd(issuer, "10"), "Flags": uint32(0x00010000)}, "tefNO_AUTH_REQUIRED"},
		{"ErrBadFlag", map[string]any{"TransactionType": "TrustSet", "LimitAmount": usd(issuer, "10"), "Flags": uint32(0x00000100)}, "temINVALID_FLAG"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := e.accountData(aa, "validated")
			r := e.submit(alice, tc.tx)
			if r["engine_result"] != tc.want {
				t.Fatalf("got %v", r["engine_result"])
			}
			e.accept()
			after := e.accountData(aa, "validated")
			if len(e.objects(aa, "")) != 0 || num(after["OwnerCount"]) != num(before["OwnerCount"]) {
				t.Fatalf("owned objects changed: %v", e.objects(aa, ""))
			}
		})
	}
}

// TestTrustSetReserve: the first two owned objects are free to create; from the third
// on the account must hold the reserve for them.
func TestTrustSetReserve(t *testing.T) {
	e := newEnv(t)
	i1, i2, i3 := e.fund("100000000", false), e.fund("100000000", false), e.fund("100000000", false)
	poor := e.fund("1300000", false) // 1.3 XRP: base reserve + a little
	pa := string(poor.ClassicAddress)
	e.trust(poor, i1, "10", 0)
	e.trust(poor, i2, "10", 0)
	if e.ownerCount(pa) != 2 {
		t.Fatalf("owner count %d", e.ownerCount(pa))
	}
	res, _ := e.payAndResult(poor, map[string]any{"TransactionType": "TrustSet", "LimitAmount": usd(i3, "10")})
	if res != "tecNO_LINE_INSUF_RESERVE" || e.ownerCount(pa) != 2 || len(e.objects(pa, "state")) != 2 {
		t.Fatalf("third line: %s", res)
	}
	// An incoming line (created by the peer) that the poor account then raises needs
	// the reserve for its side: tecINSUF_RESERVE_LINE.
	e.trust(i3, poor, "10", 0)
	res, _ = e.payAndResult(poor, map[string]any{"TransactionType": "TrustSet", "LimitAmount": usd(i3, "10")})
	if res != "tecINSUF_RESERVE_LINE" || e.ownerCount(pa) != 2 {
		t.Fatalf("raise incoming line: %s, owners %d", res, e.ownerCount(pa))
	}
}
