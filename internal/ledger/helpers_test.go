package ledger_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/Peersyst/xrpl-go/pkg/crypto"
	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/internal/ledger"
)

// env is a ledger served over loopback HTTP, with a fixed clock.
type env struct {
	t   *testing.T
	l   *ledger.Ledger
	srv *httptest.Server
	gen wallet.Wallet
}

var fixedNow = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func newEnv(t *testing.T, mutate ...func(*ledger.Config)) *env {
	t.Helper()
	cfg := ledger.DefaultConfig()
	cfg.Now = func() time.Time { return fixedNow }
	cfg.Dev = true
	cfg.Logger = quietLogger()
	for _, m := range mutate {
		m(&cfg)
	}
	l, err := ledger.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("open ledger: %v", err)
	}
	srv := httptest.NewServer(l.Handler())
	t.Cleanup(func() {
		srv.Close()
		if err := l.Close(); err != nil {
			t.Errorf("close ledger: %v", err)
		}
	})
	return &env{t: t, l: l, srv: srv, gen: genesisWallet(t)}
}

func genesisWallet(t *testing.T) wallet.Wallet {
	t.Helper()
	g, err := wallet.FromSeed(ledger.GenesisSeed, "")
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// rpc posts a JSON-RPC request and returns its result object.
func (e *env) rpc(method string, params map[string]any) map[string]any {
	e.t.Helper()
	if params == nil {
		params = map[string]any{}
	}
	body, _ := json.Marshal(map[string]any{"method": method, "params": []any{params}})
	resp, err := http.Post(e.srv.URL, "application/json", bytes.NewReader(body))
	if err != nil {
		e.t.Fatalf("%s: %v", method, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("%s: HTTP %d: %s", method, resp.StatusCode, raw)
	}
	var out struct {
		Result map[string]any `json:"result"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		e.t.Fatalf("%s: decode %s: %v", method, raw, err)
	}
	return out.Result
}

// newWallet makes a fresh secp256k1 (or ed25519) wallet.
func newWallet(t *testing.T, ed bool) wallet.Wallet {
	t.Helper()
	var w wallet.Wallet
	var err error
	if ed {
		w, err = wallet.New(crypto.ED25519())
	} else {
		w, err = wallet.New(crypto.SECP256K1())
	}
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// seq reads an account's next sequence from the open ledger.
func (e *env) seq(addr string) uint32 {
	e.t.Helper()
	r := e.rpc("account_info", map[string]any{"account": addr, "ledger_index": "current"})
	ad, ok := r["account_data"].(map[string]any)
	if !ok {
		e.t.Fatalf("account_info %s: %v", addr, r)
	}
	n, _ := ad["Sequence"].(json.Number).Int64()
	return uint32(n)
}

// sign fills Account, Fee and Sequence when absent and signs with w.
func (e *env) sign(w wallet.Wallet, tx map[string]any) string {
	e.t.Helper()
	tx = maps.Clone(tx)
	if _, ok := tx["Account"]; !ok {
		tx["Account"] = string(w.ClassicAddress)
	}
	if _, ok := tx["Fee"]; !ok {
		tx["Fee"] = "10"
	}
	if _, ok := tx["Sequence"]; !ok {
		tx["Sequence"] = e.seq(tx["Account"].(string))
	}
	blob, _, err := w.Sign(tx)
	if err != nil {
		e.t.Fatalf("sign %v: %v", tx, err)
	}
	return blob
}

// submit signs and submits, returning the submit result.
func (e *env) submit(w wallet.Wallet, tx map[string]any) map[string]any {
	e.t.Helper()
	return e.rpc("submit", map[string]any{"tx_blob": e.sign(w, tx)})
}

// mustSubmit submits and requires the given provisional result.
func (e *env) mustSubmit(w wallet.Wallet, tx map[string]any, want string) map[string]any {
	e.t.Helper()
	r := e.submit(w, tx)
	if r["engine_result"] != want {
		e.t.Fatalf("submit %v: got %v (%v), want %s", tx["TransactionType"], r["engine_result"], r, want)
	}
	return r
}

func (e *env) accept() ledger.LedgerHeader {
	e.t.Helper()
	h, err := e.l.Accept()
	if err != nil {
		e.t.Fatal(err)
	}
	return h
}

// fund pays drops of XRP from genesis to a new wallet and validates it.
func (e *env) fund(drops string, ed bool) wallet.Wallet {
	e.t.Helper()
	w := newWallet(e.t, ed)
	e.mustSubmit(e.gen, map[string]any{"TransactionType": "Payment", "Destination": string(w.ClassicAddress), "Amount": drops}, "tesSUCCESS")
	e.accept()
	return w
}

// accountData returns the validated AccountRoot, or nil when absent.
func (e *env) accountData(addr, ledgerIndex string) map[string]any {
	e.t.Helper()
	r := e.rpc("account_info", map[string]any{"account": addr, "ledger_index": ledgerIndex})
	ad, _ := r["account_data"].(map[string]any)
	return ad
}

func (e *env) balance(addr string) string {
	e.t.Helper()
	ad := e.accountData(addr, "validated")
	if ad == nil {
		return ""
	}
	return ad["Balance"].(string)
}

// txResult looks a validated transaction up and returns its result and meta.
func (e *env) txResult(hash string) (string, map[string]any) {
	e.t.Helper()
	r := e.rpc("tx", map[string]any{"transaction": hash, "api_version": 2})
	meta, _ := r["meta"].(map[string]any)
	if meta == nil {
		e.t.Fatalf("tx %s: no meta: %v", hash, r)
	}
	return meta["TransactionResult"].(string), meta
}

func hashOf(r map[string]any) string {
	return r["tx_json"].(map[string]any)["hash"].(string)
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// quietLogger discards the ledger's logs in benchmarks.
func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// mustSeed generates a random secp256k1 family seed.
func mustSeed(tb testing.TB) string {
	tb.Helper()
	w, err := wallet.New(crypto.SECP256K1())
	if err != nil {
		tb.Fatal(err)
	}
	return w.Seed
}

// unchanged runs fn, closes a ledger and requires the state tree to be as before:
// nothing fn did reached the ledger.
func (e *env) unchanged(fn func()) {
	e.t.Helper()
	before := e.accept().AccountHash
	fn()
	if after := e.accept().AccountHash; after != before {
		e.t.Fatalf("state changed: account_hash %s -> %s", before, after)
	}
}

// rawSubmit submits a hex blob as is.
func (e *env) rawSubmit(blob string) map[string]any {
	e.t.Helper()
	return e.rpc("submit", map[string]any{"tx_blob": blob})
}

func num(v any) int64 {
	switch x := v.(type) {
	case json.Number:
		n, _ := x.Int64()
		return n
	case float64:
		return int64(x)
	}
	return -1
}

// ledgerConfigAlias lets table tests mutate a Config without importing ledger twice.
type ledgerConfigAlias = ledger.Config

// postPath posts a body to a path of the server and decodes a JSON object reply.
func (e *env) postPath(path, body string) (int, map[string]any) {
	e.t.Helper()
	resp, err := http.Post(e.srv.URL+path, "application/json", bytes.NewReader([]byte(body)))
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func ledgerDefaultConfig() ledger.Config { return ledger.DefaultConfig() }

func ledgerOpen(cfg ledger.Config) (*ledger.Ledger, error) {
	return ledger.Open(context.Background(), cfg)
}
