package verify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/verify"
	"github.com/banxmedia/banx/internal/verify/verifytest"
)

// proxy forwards JSON-RPC requests to the real ledger, letting edit change a
// request on its way (to make the node lie about one transaction).
func proxy(t *testing.T, target string, edit func(req map[string]any)) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req map[string]any
		json.NewDecoder(r.Body).Decode(&req)
		edit(req)
		body, _ := json.Marshal(req)
		resp, err := http.Post(target, "application/json", bytes.NewReader(body))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/"
}

func TestHostileLedger(t *testing.T) {
	s := verifytest.Start(t)
	ctx := context.Background()
	alice := s.NewAccount(t)
	a := s.NewArticle(t, string(alice.ClassicAddress), "Genuine", "")
	b := s.AnchorSelf(t, a, alice)
	other := s.AnchorSelf(t, s.NewArticle(t, a.Author, "Other", ""), alice)
	content, _ := verify.NewIPFSNode(s.Kubo.URL, verify.ModeRPC, 5*time.Second)
	verifierAt := func(t *testing.T, url string) *verify.Verifier {
		node, err := verify.NewXRPLNode(url, 500*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		return &verify.Verifier{Ledger: node, Content: content}
	}

	t.Run("ErrNodeSubstitutesTransaction", func(t *testing.T) {
		// The node answers every tx request with another, genuine, transaction.
		url := proxy(t, s.XRPLURL, func(req map[string]any) {
			if req["method"] == "tx" {
				req["params"].([]any)[0].(map[string]any)["transaction"] = other.Tx.Hash
			}
		})
		res := verifierAt(t, url).VerifyBundle(ctx, b)
		want(t, res, anchor.VerdictFailed,
			fail(anchor.CheckLedgerTx, "does not hash to "+b.Tx.Hash),
			fail(anchor.CheckTxHash, "not the anchored "+b.Tx.Hash),
			skip(anchor.CheckLedgerCloseTime, ""), skip(anchor.CheckAuthorKey, "no validated ledger"))
		if !res.CloseTime.IsZero() {
			t.Errorf("close time %v taken from a substituted transaction", res.CloseTime)
		}
		res, err := verifierAt(t, url).VerifyTx(ctx, verify.Target{TxHash: b.Tx.Hash})
		if err != nil {
			t.Fatal(err)
		}
		want(t, res, anchor.VerdictFailed, fail(anchor.CheckLedgerTx, "does not hash to "+b.Tx.Hash))
	})
	t.Run("ErrNodeReadsAnotherLedger", func(t *testing.T) {
		// Account state from the newest ledger instead of the anchor's: the
		// answer names another ledger and is refused, not misread.
		url := proxy(t, s.XRPLURL, func(req map[string]any) {
			if req["method"] == "account_info" {
				req["params"].([]any)[0].(map[string]any)["ledger_index"] = "validated"
			}
		})
		want(t, verifierAt(t, url).VerifyBundle(ctx, b), anchor.VerdictIncomplete,
			skip(anchor.CheckAuthorKey, "the answer is not for ledger"))
	})
	t.Run("IncompleteNodeDown", func(t *testing.T) {
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		addr := ln.Addr().String()
		ln.Close()
		for _, url := range []string{"http://" + addr + "/", "ws://" + addr + "/"} {
			res := verifierAt(t, url).VerifyBundle(ctx, b)
			want(t, res, anchor.VerdictIncomplete,
				skip(anchor.CheckLedgerTx, "could not ask the node"),
				skip(anchor.CheckLedgerNetwork, "could not ask the node"),
				pass(anchor.CheckContentCID, ""))
		}
	})
	t.Run("IncompleteAnswerTooLarge", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`{"result":{"pad":"`))
			w.Write(bytes.Repeat([]byte("x"), verify.MaxLedgerResponseBytes))
			w.Write([]byte(`"}}`))
		}))
		defer srv.Close()
		want(t, verifierAt(t, srv.URL).VerifyBundle(ctx, b), anchor.VerdictIncomplete,
			skip(anchor.CheckLedgerTx, "larger than"))
	})
	t.Run("WebSocketAfterReconnect", func(t *testing.T) {
		v := verifier(t, s, true, verify.ModeRPC)
		everyCheckPasses(t, v.VerifyBundle(ctx, b), anchor.KindSelf)
		v.Ledger.(*verify.XRPLNode).Close()
		everyCheckPasses(t, v.VerifyBundle(ctx, b), anchor.KindSelf)
	})
	t.Run("ErrServiceBusy", func(t *testing.T) {
		entered, release := make(chan struct{}), make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case entered <- struct{}{}:
			default:
			}
			<-release
		}))
		defer srv.Close()
		node, _ := verify.NewXRPLNode(srv.URL, 5*time.Second)
		svc := verify.NewService(&verify.Verifier{Ledger: node}, 1)
		done := make(chan error)
		go func() {
			_, err := svc.VerifyTx(ctx, b.Tx.Hash, "", "")
			done <- err
		}()
		<-entered
		_, err := svc.VerifyBundle(ctx, b)
		if banx.ErrorCode(err) != banx.EUNAVAILABLE || !strings.Contains(err.Error(), "too many verifications") {
			t.Errorf("second verification: %v, want EUNAVAILABLE", err)
		}
		close(release)
		if err := <-done; err != nil {
			t.Errorf("first verification: %v", err)
		}
		if _, err := svc.VerifyTx(ctx, "nope", "", ""); banx.ErrorCode(err) != banx.EINVALID {
			t.Errorf("slot not released or bad input accepted: %v", err)
		}
	})
}
