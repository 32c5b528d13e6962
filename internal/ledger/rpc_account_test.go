package ledger_test

import (
	"testing"

	"github.com/Peersyst/xrpl-go/xrpl/wallet"
)

func TestAccountInfo(t *testing.T) {
	e := newEnv(t)
	alice := e.fund("100000000", false)
	aa := string(alice.ClassicAddress)
	h := e.l.Validated()
	e.mustSubmit(alice, payment(string(e.gen.ClassicAddress), "1000"), "tesSUCCESS")
	cur := e.rpc("account_info", map[string]any{"account": aa, "ledger_index": "current", "api_version": 2})
	val := e.rpc("account_info", map[string]any{"account": aa, "ledger_index": "validated", "api_version": 2})
	cd, vd := cur["account_data"].(map[string]any), val["account_data"].(map[string]any)
	if num(cd["Sequence"]) != num(vd["Sequence"])+1 || cur["validated"] != false || num(cur["ledger_current_index"]) != int64(h.Index+1) {
		t.Fatalf("current %v validated %v", cur, val)
	}
	if val["validated"] != true || num(val["ledger_index"]) != int64(h.Index) || val["ledger_hash"] != h.Hash.String() || vd["index"] == nil {
		t.Fatalf("validated %v", val)
	}
	byIndex := e.rpc("account_info", map[string]any{"account": aa, "ledger_index": h.Index - 1})
	if byIndex["error"] != "actNotFound" || byIndex["account"] != aa {
		t.Fatalf("before creation %v", byIndex)
	}
	for _, tc := range []struct {
		name   string
		params map[string]any
		err    string
	}{
		{"ErrMissing", map[string]any{}, "invalidParams"},
		{"ErrMalformed", map[string]any{"account": "rBadAddress"}, "actMalformed"},
		{"ErrNotFound", map[string]any{"account": string(newWallet(t, false).ClassicAddress)}, "actNotFound"},
		{"ErrNotString", map[string]any{"account": 5}, "invalidParams"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r := e.rpc("account_info", tc.params); r["error"] != tc.err || r["status"] != "error" {
				t.Fatalf("result %v", r)
			}
		})
	}
}

func TestAccountLinesPagingAndGatewayBalances(t *testing.T) {
	e := newEnv(t)
	issuer := e.fund("1000000000", false)
	e.mustSubmit(issuer, map[string]any{"TransactionType": "AccountSet", "SetFlag": uint32(8)}, "tesSUCCESS")
	e.accept()
	holders := make([]wallet.Wallet, 5)
	for i := range holders {
		holders[i] = e.fund("50000000", i%2 == 0)
		e.trust(holders[i], issuer, "1000", 0)
	}
	hot := holders[0]
	for i, h := range holders {
		e.payAndResult(issuer, map[string]any{"TransactionType": "Payment", "Destination": string(h.ClassicAddress), "Amount": usd(issuer, itoa(int64(10*(i+1))))})
	}
	ia := string(issuer.ClassicAddress)

	t.Run("OKPaging", func(t *testing.T) {
		seen := map[string]bool{}
		var marker any
		pages := 0
		for {
			p := map[string]any{"account": ia, "limit": 2, "ledger_index": "validated"}
			if marker != nil {
				p["marker"] = marker
			}
			r := e.rpc("account_lines", p)
			lines := r["lines"].([]any)
			if len(lines) > 2 {
				t.Fatalf("page of %d", len(lines))
			}
			for _, l := range lines {
				peer := l.(map[string]any)["account"].(string)
				if seen[peer] {
					t.Fatalf("peer %s twice", peer)
				}
				seen[peer] = true
			}
			pages++
			marker = r["marker"]
			if marker == nil {
				break
			}
		}
		if len(seen) != 5 || pages != 3 {
			t.Fatalf("%d lines in %d pages", len(seen), pages)
		}
	})
	t.Run("OKPeerFilter", func(t *testing.T) {
		r := e.rpc("account_lines", map[string]any{"account": ia, "peer": string(holders[3].ClassicAddress)})
		lines := r["lines"].([]any)
		if len(lines) != 1 || lines[0].(map[string]any)["balance"] != "-40" || lines[0].(map[string]any)["limit_peer"] != "1000" {
			t.Fatalf("lines %v", lines)
		}
	})
	t.Run("ErrBadMarker", func(t *testing.T) {
		if r := e.rpc("account_lines", map[string]any{"account": ia, "marker": "zz"}); r["error"] != "invalidParams" {
			t.Fatalf("result %v", r)
		}
	})
	t.Run("ErrBadLimit", func(t *testing.T) {
		if r := e.rpc("account_lines", map[string]any{"account": ia, "limit": -1}); r["error"] != "invalidParams" {
			t.Fatalf("result %v", r)
		}
	})
	t.Run("OKGatewayBalances", func(t *testing.T) {
		r := e.rpc("gateway_balances", map[string]any{"account": ia, "hotwallet": string(hot.ClassicAddress), "strict": true, "ledger_index": "validated"})
		if ob := r["obligations"].(map[string]any); ob["USD"] != "140" {
			t.Fatalf("obligations %v", r)
		}
		hb := r["balances"].(map[string]any)[string(hot.ClassicAddress)].([]any)[0].(map[string]any)
		if hb["currency"] != "USD" || hb["value"] != "10" || r["validated"] != true {
			t.Fatalf("balances %v", r["balances"])
		}
	})
	t.Run("ErrHotWallet", func(t *testing.T) {
		if r := e.rpc("gateway_balances", map[string]any{"account": ia, "hotwallet": "nope"}); r["error"] != "invalidHotWallet" {
			t.Fatalf("result %v", r)
		}
	})
	t.Run("OKObjectsTypeFilter", func(t *testing.T) {
		if n := len(e.objects(ia, "state")); n != 5 {
			t.Fatalf("state objects %d", n)
		}
		if n := len(e.objects(ia, "ticket")); n != 0 {
			t.Fatalf("ticket objects %d", n)
		}
		if r := e.rpc("account_objects", map[string]any{"account": ia, "type": "bogus"}); r["error"] != "invalidParams" {
			t.Fatalf("bogus type %v", r)
		}
		r := e.rpc("account_objects", map[string]any{"account": ia, "limit": 3})
		if len(r["account_objects"].([]any)) != 3 || r["marker"] == nil {
			t.Fatalf("paged objects %v", r)
		}
	})
}

func TestAccountTx(t *testing.T) {
	e := newEnv(t)
	alice := e.fund("100000000", false)
	bob := e.fund("100000000", false)
	aa := string(alice.ClassicAddress)
	var hashes []string
	for i := 0; i < 5; i++ {
		r := e.mustSubmit(alice, payment(string(bob.ClassicAddress), itoa(int64(1000+i))), "tesSUCCESS")
		hashes = append(hashes, hashOf(r))
		e.accept()
	}
	t.Run("OKNewestFirstV2", func(t *testing.T) {
		r := e.rpc("account_tx", map[string]any{"account": aa, "api_version": 2})
		txs := r["transactions"].([]any)
		if len(txs) != 6 || txs[0].(map[string]any)["hash"] != hashes[4] || r["validated"] != true {
			t.Fatalf("account_tx %v", r)
		}
		first := txs[0].(map[string]any)
		if first["tx_json"] == nil || first["meta"] == nil || first["validated"] != true {
			t.Fatalf("entry %v", first)
		}
	})
	t.Run("OKForwardPaging", func(t *testing.T) {
		var got []string
		var marker any
		for {
			p := map[string]any{"account": aa, "forward": true, "limit": 2, "api_version": 2}
			if marker != nil {
				p["marker"] = marker
			}
			r := e.rpc("account_tx", p)
			for _, tx := range r["transactions"].([]any) {
				got = append(got, tx.(map[string]any)["hash"].(string))
			}
			if marker = r["marker"]; marker == nil {
				break
			}
		}
		if len(got) != 6 || got[1] != hashes[0] || got[5] != hashes[4] {
			t.Fatalf("forward %v", got)
		}
	})
	t.Run("OKReceiverSeesIncoming", func(t *testing.T) {
		r := e.rpc("account_tx", map[string]any{"account": string(bob.ClassicAddress), "api_version": 2})
		if len(r["transactions"].([]any)) != 6 {
			t.Fatalf("bob's txs %v", r["transactions"])
		}
	})
	t.Run("OKV1Shape", func(t *testing.T) {
		r := e.rpc("account_tx", map[string]any{"account": aa, "limit": 1})
		tx := r["transactions"].([]any)[0].(map[string]any)
		if tx["tx"].(map[string]any)["hash"] != hashes[4] || tx["meta"] == nil {
			t.Fatalf("v1 entry %v", tx)
		}
	})
	t.Run("ErrLedgerRange", func(t *testing.T) {
		if r := e.rpc("account_tx", map[string]any{"account": aa, "ledger_index_min": 9, "ledger_index_max": 4}); r["error"] != "lgrIdxsInvalid" {
			t.Fatalf("result %v", r)
		}
	})
}

func TestFaucet(t *testing.T) {
	e := newEnv(t)
	status, body := e.postPath("/accounts", `{"xrpAmount":"250"}`)
	if status != 200 {
		t.Fatalf("faucet %d %s", status, body)
	}
	acct := body["account"].(map[string]any)
	addr := acct["classicAddress"].(string)
	if acct["address"] != addr || acct["secret"] == nil || acct["xAddress"] == nil || body["amount"] != float64(250) {
		t.Fatalf("faucet response %v", body)
	}
	if got := e.balance(addr); got != "250000000" {
		t.Fatalf("funded balance %s", got)
	}
	status, body = e.postPath("/accounts", `{"destination":"`+addr+`"}`)
	if status != 200 || e.balance(addr) != "1250000000" {
		t.Fatalf("fund existing %d %v", status, body)
	}
	for _, tc := range []struct{ name, body string }{
		{"ErrBadDestination", `{"destination":"nope"}`},
		{"ErrBadAmount", `{"xrpAmount":"-1"}`},
		{"ErrTooPrecise", `{"xrpAmount":"1.0000001"}`},
		{"ErrNotJSON", `{`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if status, body := e.postPath("/accounts", tc.body); status != 400 || body["error"] == nil {
				t.Fatalf("%d %v", status, body)
			}
		})
	}
	t.Run("ErrDisabledOutsideDev", func(t *testing.T) {
		prod := newEnv(t, func(c *ledgerConfigAlias) { c.Dev = false })
		if status, body := prod.postPath("/accounts", `{}`); status != 403 || body["error"] == nil {
			t.Fatalf("%d %v", status, body)
		}
	})
}
