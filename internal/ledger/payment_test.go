package ledger_test

import (
	"testing"

	"github.com/Peersyst/xrpl-go/xrpl/wallet"
)

func usd(issuer wallet.Wallet, v string) map[string]any {
	return map[string]any{"currency": "USD", "issuer": string(issuer.ClassicAddress), "value": v}
}

// trust opens a USD line from holder to issuer and validates it.
func (e *env) trust(holder, issuer wallet.Wallet, limit string, flags uint32) {
	e.t.Helper()
	e.mustSubmit(holder, map[string]any{"TransactionType": "TrustSet", "LimitAmount": usd(issuer, limit), "Flags": flags}, "tesSUCCESS")
	e.accept()
}

// lineBalance is holder's USD balance with issuer from account_lines ("" when no line).
func (e *env) lineBalance(holder, issuer wallet.Wallet) string {
	e.t.Helper()
	r := e.rpc("account_lines", map[string]any{"account": string(holder.ClassicAddress), "peer": string(issuer.ClassicAddress), "ledger_index": "validated"})
	lines, _ := r["lines"].([]any)
	if len(lines) == 0 {
		return ""
	}
	return lines[0].(map[string]any)["balance"].(string)
}

// payAndResult submits, validates and returns the final result and metadata.
func (e *env) payAndResult(w wallet.Wallet, tx map[string]any) (string, map[string]any) {
	e.t.Helper()
	r := e.submit(w, tx)
	if _, ok := r["tx_json"]; !ok {
		e.t.Fatalf("submit: %v", r)
	}
	e.accept()
	return e.txResult(hashOf(r))
}

func TestPaymentXRP(t *testing.T) {
	e := newEnv(t)
	alice := e.fund("100000000", false) // 100 XRP
	aliceAddr := string(alice.ClassicAddress)

	t.Run("OKCreatesAccount", func(t *testing.T) {
		bob := newWallet(t, true)
		created := e.l.CurrentIndex()
		res, meta := e.payAndResult(alice, payment(string(bob.ClassicAddress), "1000000"))
		if res != "tesSUCCESS" {
			t.Fatalf("result %s", res)
		}
		ad := e.accountData(string(bob.ClassicAddress), "validated")
		if ad["Balance"] != "1000000" || uint32(num(ad["Sequence"])) != created {
			t.Fatalf("new account %v, want Sequence %d", ad, created)
		}
		if meta["delivered_amount"] != "1000000" {
			t.Fatalf("delivered_amount %v", meta["delivered_amount"])
		}
		var createdNode map[string]any
		for _, n := range meta["AffectedNodes"].([]any) {
			if c, ok := n.(map[string]any)["CreatedNode"]; ok {
				createdNode = c.(map[string]any)
			}
		}
		nf, _ := createdNode["NewFields"].(map[string]any)
		if createdNode["LedgerEntryType"] != "AccountRoot" || nf["Balance"] != "1000000" || nf["Account"] != string(bob.ClassicAddress) {
			t.Fatalf("CreatedNode %v", createdNode)
		}
		if _, ok := nf["Flags"]; ok {
			t.Fatalf("NewFields must omit default Flags: %v", nf)
		}
	})
	t.Run("ErrNoDstInsufXRP", func(t *testing.T) {
		before := e.accountData(aliceAddr, "validated")
		bob := newWallet(t, false)
		res, _ := e.payAndResult(alice, payment(string(bob.ClassicAddress), "999999"))
		if res != "tecNO_DST_INSUF_XRP" {
			t.Fatalf("result %s", res)
		}
		after := e.accountData(aliceAddr, "validated")
		if num(after["Sequence"]) != num(before["Sequence"])+1 || after["Balance"] != subDrops(before["Balance"], 10) {
			t.Fatalf("tec must only claim fee and sequence: %v -> %v", before, after)
		}
		if e.accountData(string(bob.ClassicAddress), "validated") != nil {
			t.Fatal("destination created")
		}
	})
	t.Run("ErrUnfunded", func(t *testing.T) {
		bob := e.fund("50000000", false)
		bal := e.balance(aliceAddr)
		// Spending down to below the 1 XRP reserve is refused.
		res, _ := e.payAndResult(alice, payment(string(bob.ClassicAddress), subDrops(bal, 1000000-1)))
		if res != "tecUNFUNDED_PAYMENT" {
			t.Fatalf("result %s", res)
		}
		if e.balance(string(bob.ClassicAddress)) != "50000000" {
			t.Fatal("destination credited")
		}
	})
	t.Run("OKTotalCoinsShrinkByFees", func(t *testing.T) {
		before := e.l.Validated().TotalDrops
		e.mustSubmit(alice, payment(string(e.gen.ClassicAddress), "1000"), "tesSUCCESS")
		e.mustSubmit(alice, map[string]any{"TransactionType": "AccountSet", "Fee": "25"}, "tesSUCCESS")
		if after := e.accept().TotalDrops; after != before-35 {
			t.Fatalf("total coins %d -> %d, want -35", before, after)
		}
	})
}

func subDrops(v any, d int64) string {
	var n int64
	for _, c := range v.(string) {
		n = n*10 + int64(c-'0')
	}
	return itoa(n - d)
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	if neg {
		b = append([]byte{'-'}, b...)
	}
	return string(b)
}

func TestPaymentIssuedCurrency(t *testing.T) {
	e := newEnv(t)
	issuer := e.fund("1000000000", false)
	alice := e.fund("100000000", false)
	bob := e.fund("100000000", true)
	carol := e.fund("100000000", false)
	e.mustSubmit(issuer, map[string]any{"TransactionType": "AccountSet", "SetFlag": uint32(8)}, "tesSUCCESS")
	e.accept()
	e.trust(alice, issuer, "1000", 0x00020000) // holders set NoRipple on their side
	e.trust(bob, issuer, "100", 0x00020000)
	to := func(w wallet.Wallet) string { return string(w.ClassicAddress) }

	t.Run("OKIssue", func(t *testing.T) {
		res, meta := e.payAndResult(issuer, map[string]any{"TransactionType": "Payment", "Destination": to(alice), "Amount": usd(issuer, "500")})
		if res != "tesSUCCESS" || e.lineBalance(alice, issuer) != "500" || e.lineBalance(issuer, alice) != "-500" {
			t.Fatalf("result %s, alice %s", res, e.lineBalance(alice, issuer))
		}
		if d, _ := meta["delivered_amount"].(map[string]any); d["value"] != "500" {
			t.Fatalf("delivered_amount %v", meta["delivered_amount"])
		}
	})
	t.Run("ErrNoLine", func(t *testing.T) {
		res, _ := e.payAndResult(issuer, map[string]any{"TransactionType": "Payment", "Destination": to(carol), "Amount": usd(issuer, "5")})
		if res != "tecPATH_DRY" || e.lineBalance(carol, issuer) != "" {
			t.Fatalf("result %s", res)
		}
	})
	t.Run("ErrOverLimit", func(t *testing.T) {
		res, _ := e.payAndResult(issuer, map[string]any{"TransactionType": "Payment", "Destination": to(bob), "Amount": usd(issuer, "101")})
		if res != "tecPATH_PARTIAL" || e.lineBalance(bob, issuer) != "0" {
			t.Fatalf("result %s, bob %s", res, e.lineBalance(bob, issuer))
		}
	})
	t.Run("OKRippleHolderToHolder", func(t *testing.T) {
		res, _ := e.payAndResult(alice, map[string]any{"TransactionType": "Payment", "Destination": to(bob), "Amount": usd(issuer, "40")})
		if res != "tesSUCCESS" || e.lineBalance(alice, issuer) != "460" || e.lineBalance(bob, issuer) != "40" {
			t.Fatalf("result %s alice %s bob %s", res, e.lineBalance(alice, issuer), e.lineBalance(bob, issuer))
		}
	})
	t.Run("OKRedeem", func(t *testing.T) {
		res, _ := e.payAndResult(bob, map[string]any{"TransactionType": "Payment", "Destination": to(issuer), "Amount": usd(issuer, "15.5")})
		if res != "tesSUCCESS" || e.lineBalance(bob, issuer) != "24.5" {
			t.Fatalf("result %s bob %s", res, e.lineBalance(bob, issuer))
		}
	})
	t.Run("ErrUnfundedIOU", func(t *testing.T) {
		res, _ := e.payAndResult(bob, map[string]any{"TransactionType": "Payment", "Destination": to(alice), "Amount": usd(issuer, "25")})
		if res != "tecPATH_PARTIAL" || e.lineBalance(bob, issuer) != "24.5" {
			t.Fatalf("result %s", res)
		}
	})
	t.Run("OKPartialWithDeliverMin", func(t *testing.T) {
		res, meta := e.payAndResult(bob, map[string]any{"TransactionType": "Payment", "Destination": to(alice),
			"Amount": usd(issuer, "25"), "DeliverMin": usd(issuer, "20"), "Flags": uint32(0x00020000)})
		if res != "tesSUCCESS" {
			t.Fatalf("result %s", res)
		}
		d, _ := meta["delivered_amount"].(map[string]any)
		if d["value"] != "24.5" || meta["DeliveredAmount"] == nil || e.lineBalance(bob, issuer) != "0" {
			t.Fatalf("delivered %v, bob %s", meta["delivered_amount"], e.lineBalance(bob, issuer))
		}
	})
	t.Run("ErrPartialBelowDeliverMin", func(t *testing.T) {
		e.payAndResult(issuer, map[string]any{"TransactionType": "Payment", "Destination": to(bob), "Amount": usd(issuer, "10")})
		res, _ := e.payAndResult(bob, map[string]any{"TransactionType": "Payment", "Destination": to(alice),
			"Amount": usd(issuer, "25"), "DeliverMin": usd(issuer, "20"), "Flags": uint32(0x00020000)})
		if res != "tecPATH_PARTIAL" || e.lineBalance(bob, issuer) != "10" {
			t.Fatalf("result %s", res)
		}
	})
	t.Run("ErrIOUToMissingAccount", func(t *testing.T) {
		res, _ := e.payAndResult(issuer, map[string]any{"TransactionType": "Payment", "Destination": string(newWallet(t, false).ClassicAddress), "Amount": usd(issuer, "1")})
		if res != "tecNO_DST" {
			t.Fatalf("result %s", res)
		}
	})
	t.Run("OKTransferRateChargesSender", func(t *testing.T) {
		e.mustSubmit(issuer, map[string]any{"TransactionType": "AccountSet", "TransferRate": uint32(1_010_000_000)}, "tesSUCCESS")
		e.accept()
		// Without SendMax the sender cannot cover the 1% fee.
		res, _ := e.payAndResult(alice, map[string]any{"TransactionType": "Payment", "Destination": to(bob), "Amount": usd(issuer, "10")})
		if res != "tecPATH_PARTIAL" {
			t.Fatalf("without SendMax: %s", res)
		}
		before := e.lineBalance(alice, issuer)
		res, _ = e.payAndResult(alice, map[string]any{"TransactionType": "Payment", "Destination": to(bob), "Amount": usd(issuer, "10"), "SendMax": usd(issuer, "10.1")})
		if res != "tesSUCCESS" {
			t.Fatalf("with SendMax: %s", res)
		}
		if before != "484.5" || e.lineBalance(alice, issuer) != "474.4" || e.lineBalance(bob, issuer) != "20" {
			t.Fatalf("alice %s -> %s, bob %s", before, e.lineBalance(alice, issuer), e.lineBalance(bob, issuer))
		}
	})
	t.Run("ErrNoRippleThroughNonIssuer", func(t *testing.T) {
		// carol trusts alice (not the issuer) for alice's own USD; paying carol alice-issued
		// USD from bob needs rippling through alice, whose lines carry NoRipple.
		e.trust(carol, alice, "100", 0)
		res, _ := e.payAndResult(bob, map[string]any{"TransactionType": "Payment", "Destination": to(carol),
			"Amount": usd(alice, "1")})
		if res != "tecPATH_DRY" {
			t.Fatalf("result %s", res)
		}
	})
}

// TestPaymentNoRipple: an issuer without DefaultRipple gets NoRipple on its side of
// each new line, so holder-to-holder payments cannot ripple through it.
func TestPaymentNoRipple(t *testing.T) {
	e := newEnv(t)
	issuer := e.fund("1000000000", false)
	alice := e.fund("100000000", false)
	bob := e.fund("100000000", false)
	e.trust(alice, issuer, "1000", 0)
	e.trust(bob, issuer, "1000", 0)
	res, _ := e.payAndResult(issuer, map[string]any{"TransactionType": "Payment", "Destination": string(alice.ClassicAddress), "Amount": usd(issuer, "50")})
	if res != "tesSUCCESS" {
		t.Fatalf("issue: %s", res)
	}
	lines := e.rpc("account_lines", map[string]any{"account": string(issuer.ClassicAddress), "ledger_index": "validated"})["lines"].([]any)
	for _, l := range lines {
		if l.(map[string]any)["no_ripple"] != true {
			t.Fatalf("issuer side must be NoRipple: %v", l)
		}
	}
	res, _ = e.payAndResult(alice, map[string]any{"TransactionType": "Payment", "Destination": string(bob.ClassicAddress), "Amount": usd(issuer, "5")})
	if res != "tecPATH_DRY" || e.lineBalance(alice, issuer) != "50" || e.lineBalance(bob, issuer) != "0" {
		t.Fatalf("ripple through a NoRipple issuer: %s", res)
	}
}

// TestPaymentRequireAuth: with RequireAuth an issuer can only pay lines it authorised.
func TestPaymentRequireAuth(t *testing.T) {
	e := newEnv(t)
	issuer := e.fund("1000000000", false)
	alice := e.fund("100000000", false)
	e.mustSubmit(issuer, map[string]any{"TransactionType": "AccountSet", "SetFlag": uint32(2)}, "tesSUCCESS")
	e.accept()
	e.trust(alice, issuer, "1000", 0)
	res, _ := e.payAndResult(issuer, map[string]any{"TransactionType": "Payment", "Destination": string(alice.ClassicAddress), "Amount": usd(issuer, "5")})
	if res != "tecPATH_DRY" || e.lineBalance(alice, issuer) != "0" {
		t.Fatalf("unauthorised line: %s", res)
	}
	res, _ = e.payAndResult(issuer, map[string]any{"TransactionType": "TrustSet", "LimitAmount": map[string]any{"currency": "USD", "issuer": string(alice.ClassicAddress), "value": "0"}, "Flags": uint32(0x00010000)})
	if res != "tesSUCCESS" {
		t.Fatalf("authorise: %s", res)
	}
	res, _ = e.payAndResult(issuer, map[string]any{"TransactionType": "Payment", "Destination": string(alice.ClassicAddress), "Amount": usd(issuer, "5")})
	if res != "tesSUCCESS" || e.lineBalance(alice, issuer) != "5" {
		t.Fatalf("authorised line: %s %s", res, e.lineBalance(alice, issuer))
	}
}

// TestPaymentNeedsOrderBook: this ledger has no order books, so a cross-currency
// payment, or one restricted to explicit paths, delivers nothing: tecPATH_DRY.
func TestPaymentNeedsOrderBook(t *testing.T) {
	e := newEnv(t)
	issuer := e.fund("100000000", false)
	alice := e.fund("100000000", false)
	e.trust(alice, issuer, "100", 0)
	for _, tc := range []struct {
		name string
		tx   map[string]any
	}{
		{"ErrXRPForIOU", map[string]any{"TransactionType": "Payment", "Destination": string(alice.ClassicAddress),
			"Amount": usd(issuer, "1"), "SendMax": "5000000", "Account": string(e.gen.ClassicAddress)}},
		{"ErrOtherCurrency", map[string]any{"TransactionType": "Payment", "Destination": string(alice.ClassicAddress),
			"Amount": usd(issuer, "1"), "SendMax": map[string]any{"currency": "EUR", "issuer": string(issuer.ClassicAddress), "value": "2"}}},
		{"ErrOnlyExplicitPaths", map[string]any{"TransactionType": "Payment", "Destination": string(alice.ClassicAddress),
			"Amount": usd(issuer, "1"), "Flags": uint32(0x00010000)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := issuer
			if tc.tx["Account"] != nil {
				w = e.gen
			}
			res, _ := e.payAndResult(w, tc.tx)
			if res != "tecPATH_DRY" || e.lineBalance(alice, issuer) != "0" {
				t.Fatalf("result %s, alice %s", res, e.lineBalance(alice, issuer))
			}
		})
	}
}

// TestIssuedValuesInRippledText: large and tiny issued values read back in rippled's
// text form (mantissa and exponent outside 1e-5..1e11) from JSON metadata and objects.
func TestIssuedValuesInRippledText(t *testing.T) {
	e := newEnv(t)
	issuer := e.fund("100000000", false)
	alice := e.fund("100000000", false)
	e.trust(alice, issuer, "1e20", 0)
	res, meta := e.payAndResult(issuer, map[string]any{"TransactionType": "Payment", "Destination": string(alice.ClassicAddress), "Amount": usd(issuer, "123456789012345600")})
	if res != "tesSUCCESS" {
		t.Fatalf("result %s", res)
	}
	if d := meta["delivered_amount"].(map[string]any)["value"]; d != "1234567890123456e2" {
		t.Fatalf("delivered_amount %v", d)
	}
	if got := e.lineBalance(alice, issuer); got != "1234567890123456e2" {
		t.Fatalf("balance %s", got)
	}
	rs := e.objects(string(alice.ClassicAddress), "state")[0].(map[string]any)
	for _, f := range []string{"LowLimit", "HighLimit"} {
		if v := rs[f].(map[string]any)["value"]; v != "0" && v != "1000000000000000e5" {
			t.Fatalf("%s %v", f, v)
		}
	}
}
