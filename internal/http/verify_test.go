package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	banxhttp "github.com/banxmedia/banx/internal/http"
	"github.com/banxmedia/banx/internal/ipfs/embedded"
	"github.com/banxmedia/banx/internal/sqlite"
	"github.com/banxmedia/banx/internal/verify"
	"github.com/banxmedia/banx/internal/verify/verifytest"
)

// healthyLedger stands in for the server's own ledger dependency, which the
// verification routes do not use: they ask the verifier's nodes.
type healthyLedger struct{}

func (healthyLedger) Kind() string               { return "test" }
func (healthyLedger) Ping(context.Context) error { return nil }

// startVerifyServer runs a real server whose verifier asks the stack's ledger
// (JSON-RPC) and Kubo gateway.
func startVerifyServer(t *testing.T, s *verifytest.Stack) string {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "banx.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	store, err := embedded.Open(filepath.Join(dir, "ipfs"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	node, err := verify.NewXRPLNode(s.XRPLURL, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	gateway, err := verify.NewIPFSNode(s.GatewayURL, verify.ModeGateway, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	srv := &banxhttp.Server{Addr: "127.0.0.1:0", Store: store, DB: db, Ledger: healthyLedger{},
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		Verifier: verify.NewService(&verify.Verifier{Ledger: node, Content: gateway}, 2)}
	if err := srv.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(context.Background()) })
	return srv.URL()
}

// report is the part of a verification report the tests read.
type report struct {
	Verdict   string `json:"verdict"`
	Mode      string `json:"mode"`
	TxHash    string `json:"tx_hash"`
	CloseTime string `json:"close_time"`
	Checks    []struct {
		ID, Status, Detail string
	} `json:"checks"`
	Error *struct{ Code, Message string } `json:"error"`
}

func call(t *testing.T, method, url string, body []byte) (int, report, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var r report
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("%s %s: %d %s", method, url, resp.StatusCode, raw)
	}
	return resp.StatusCode, r, resp.Header
}

func TestVerifyAPI(t *testing.T) {
	s := verifytest.Start(t)
	alice := s.NewAccount(t)
	a := s.NewArticle(t, string(alice.ClassicAddress), "Verified over HTTP", "")
	b := s.AnchorSelf(t, a, alice)
	base := startVerifyServer(t, s) + "/api/v1/verify"

	t.Run("OK/GetTxHash", func(t *testing.T) {
		status, r, h := call(t, http.MethodGet, base+"/"+b.Tx.Hash+"?cid="+a.CID, nil)
		if status != http.StatusOK || r.Verdict != "verified" || r.Mode != "self" || r.CloseTime == "" || len(r.Checks) != 15 {
			t.Errorf("%d %+v", status, r)
		}
		if h.Get("Cache-Control") != "no-store" {
			t.Errorf("Cache-Control %q", h.Get("Cache-Control"))
		}
	})
	t.Run("OK/PostBundle", func(t *testing.T) {
		status, r, _ := call(t, http.MethodPost, base, verifytest.MarshalBundle(t, b))
		if status != http.StatusOK || r.Verdict != "verified" {
			t.Errorf("%d %+v", status, r)
		}
	})
	t.Run("ErrFailedVerdictIsStill200", func(t *testing.T) {
		other := verifytest.Manifest(t, a.Author, "Other", "")
		status, r, _ := call(t, http.MethodGet, base+"/"+b.Tx.Hash+"?cid="+other.CID, nil)
		if status != http.StatusOK || r.Verdict != "failed" {
			t.Fatalf("%d %+v", status, r)
		}
		for _, c := range r.Checks {
			if c.ID == "memo.content" && (c.Status != "fail" || !strings.Contains(c.Detail, "not the expected "+other.CID)) {
				t.Errorf("memo.content: %+v", c)
			}
		}
	})
	t.Run("ErrBadInput", func(t *testing.T) {
		for name, c := range map[string]struct {
			method, url string
			body        []byte
			status      int
			msg         string
		}{
			"TxHash":      {http.MethodGet, base + "/1234", nil, 400, "is not 64 hexadecimal characters"},
			"CID":         {http.MethodGet, base + "/" + b.Tx.Hash + "?cid=nope", nil, 400, "malformed"},
			"NotJSON":     {http.MethodPost, base, []byte("hello"), 400, "proof bundle:"},
			"WrongBundle": {http.MethodPost, base, []byte(`{"bundle":"banx.proof/2"}`), 400, "is not a version this reader knows"},
			"TooLarge":    {http.MethodPost, base, bytes.Repeat([]byte(" "), 6<<20+1), 413, "at most"},
		} {
			t.Run(name, func(t *testing.T) {
				status, r, _ := call(t, c.method, c.url, c.body)
				if status != c.status || r.Error == nil || !strings.Contains(r.Error.Message, c.msg) {
					t.Errorf("%d %+v, want %d with %q", status, r.Error, c.status, c.msg)
				}
			})
		}
	})
}
