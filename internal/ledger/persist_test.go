package ledger_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/ledger"
)

// TestRestartKeepsEverything closes a file-backed ledger and reopens it: balances,
// trust lines, ledger headers and transactions survive, and the chain continues.
func TestRestartKeepsEverything(t *testing.T) {
	dir := t.TempDir()
	open := func() (*ledger.Ledger, *env) {
		cfg := ledger.DefaultConfig()
		cfg.DataDir = dir
		cfg.Logger = quietLogger()
		cfg.Now = func() time.Time { return fixedNow }
		l, err := ledger.Open(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(l.Handler())
		return l, &env{t: t, l: l, srv: srv, gen: genesisWallet(t)}
	}
	l1, e1 := open()
	issuer := e1.fund("100000000", false)
	alice := e1.fund("50000000", true)
	e1.trust(alice, issuer, "100", 0)
	r := e1.submit(issuer, map[string]any{"TransactionType": "Payment", "Destination": string(alice.ClassicAddress), "Amount": usd(issuer, "12.5")})
	h1 := e1.accept()
	e1.srv.Close()
	if err := l1.Close(); err != nil {
		t.Fatal(err)
	}

	l2, e2 := open()
	defer func() { e2.srv.Close(); l2.Close() }()
	if got := l2.Validated(); got != h1 {
		t.Fatalf("validated after restart %+v, want %+v", got, h1)
	}
	if got := e2.balance(string(alice.ClassicAddress)); got != "49999990" { // less the TrustSet fee
		t.Fatalf("alice XRP %s", got)
	}
	if got := e2.lineBalance(alice, issuer); got != "12.5" {
		t.Fatalf("alice USD %s", got)
	}
	if res, _ := e2.txResult(hashOf(r)); res != "tesSUCCESS" {
		t.Fatalf("tx after restart: %s", res)
	}
	old := e2.rpc("ledger", map[string]any{"ledger_index": h1.Index - 1, "api_version": 2})
	if old["validated"] != true || num(old["ledger_index"]) != int64(h1.Index-1) {
		t.Fatalf("older ledger: %v", old)
	}
	// The chain continues where it stopped, and historical state is still readable.
	next := e2.accept()
	if next.Index != h1.Index+1 || next.ParentHash != h1.Hash {
		t.Fatalf("next ledger %+v after %+v", next, h1)
	}
	past := e2.rpc("account_info", map[string]any{"account": string(alice.ClassicAddress), "ledger_index": h1.Index - 3})
	if past["error"] != "actNotFound" && past["account_data"] == nil {
		t.Fatalf("historical account_info: %v", past)
	}
	e2.mustSubmit(alice, payment(string(issuer.ClassicAddress), "1000000"), "tesSUCCESS")
	e2.accept()
	if got := e2.balance(string(alice.ClassicAddress)); got != "48999980" {
		t.Fatalf("alice after payment %s", got)
	}
}
