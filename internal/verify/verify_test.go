package verify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/verify"
	"github.com/banxmedia/banx/internal/verify/verifytest"
)

// verifier returns a verifier on the stack's ledger (JSON-RPC, or WebSocket
// when ws) and its Kubo node (RPC API, or the gateway).
func verifier(t testing.TB, s *verifytest.Stack, ws bool, mode verify.IPFSMode) *verify.Verifier {
	t.Helper()
	xurl := s.XRPLURL
	if ws {
		xurl = s.WSURL
	}
	node, err := verify.NewXRPLNode(xurl, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { node.Close() })
	iurl := s.Kubo.URL
	if mode == verify.ModeGateway {
		iurl = s.GatewayURL
	}
	content, err := verify.NewIPFSNode(iurl, mode, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return &verify.Verifier{Ledger: node, Content: content, Timeout: 20 * time.Second}
}

// want asserts the verdict and, for each check ID in checks, its status and a
// fragment of its detail ("" = any detail).
func want(t *testing.T, res verify.Result, verdict anchor.Verdict, checks ...wantCheck) {
	t.Helper()
	if got := res.Verdict(); got != verdict {
		t.Errorf("verdict %s, want %s\n%s", got, verdict, dump(res))
	}
	for _, w := range checks {
		c, ok := res.Get(w.id)
		if !ok {
			t.Errorf("no check %s\n%s", w.id, dump(res))
			continue
		}
		if c.Status != w.status || !strings.Contains(c.Detail, w.detail) {
			t.Errorf("check %s: %s %q\nwant %s containing %q", w.id, c.Status, c.Detail, w.status, w.detail)
		}
	}
}

type wantCheck struct {
	id     string
	status anchor.Status
	detail string
}

func pass(id, detail string) wantCheck { return wantCheck{id, anchor.StatusPass, detail} }
func fail(id, detail string) wantCheck { return wantCheck{id, anchor.StatusFail, detail} }
func skip(id, detail string) wantCheck { return wantCheck{id, anchor.StatusSkip, detail} }

func dump(res verify.Result) string {
	var b strings.Builder
	verify.WriteText(&b, res)
	return b.String()
}

// everyCheckPasses lists the checks a full verification of a bundle must pass.
func everyCheckPasses(t *testing.T, res verify.Result, mode anchor.Kind) {
	t.Helper()
	ids := []string{anchor.CheckBundle, anchor.CheckMemo, anchor.CheckAuthorKey, anchor.CheckTxHash, anchor.CheckTxSignature,
		anchor.CheckTxMemo, anchor.CheckLedgerNetwork, anchor.CheckLedgerTx, anchor.CheckLedgerCloseTime,
		anchor.CheckContentFetched, anchor.CheckContentSHA256, anchor.CheckContentCID, anchor.CheckManifestAuthor}
	if mode == anchor.KindSelf {
		ids = append(ids, anchor.CheckMemoContent, anchor.CheckAuthor)
	} else {
		ids = append(ids, anchor.CheckLeafSignature, anchor.CheckMerklePath)
	}
	var checks []wantCheck
	for _, id := range ids {
		checks = append(checks, pass(id, ""))
	}
	want(t, res, anchor.VerdictVerified, checks...)
}

func TestSelfAnchor(t *testing.T) {
	s := verifytest.Start(t)
	ctx := context.Background()
	alice := s.NewAccount(t)
	a := s.NewArticle(t, string(alice.ClassicAddress), "Self-anchored", "")
	b := s.AnchorSelf(t, a, alice)

	t.Run("OK/TxHash/RPC", func(t *testing.T) {
		v := verifier(t, s, false, verify.ModeRPC)
		res, err := v.VerifyTx(ctx, verify.Target{TxHash: b.Tx.Hash})
		if err != nil {
			t.Fatal(err)
		}
		everyCheckPasses(t, res, anchor.KindSelf)
		want(t, res, anchor.VerdictVerified,
			pass(anchor.CheckAuthorKey, "the master key of "+a.Author),
			pass(anchor.CheckContentFetched, "Kubo RPC API"),
			pass(anchor.CheckContentCID, "re-imports to "+a.CID),
			pass(anchor.CheckLedgerCloseTime, ""))
		if res.CloseTime.IsZero() || res.LedgerIndex != b.Tx.LedgerIndex || res.CID != a.CID {
			t.Errorf("close time %v, ledger %d, cid %s", res.CloseTime, res.LedgerIndex, res.CID)
		}
	})
	t.Run("OK/Bundle/WebSocket/Gateway", func(t *testing.T) {
		v := verifier(t, s, true, verify.ModeGateway)
		res := v.VerifyBundle(ctx, b)
		everyCheckPasses(t, res, anchor.KindSelf)
		want(t, res, anchor.VerdictVerified, pass(anchor.CheckContentFetched, "IPFS gateway"))
	})
	t.Run("OK/AutoDetect", func(t *testing.T) {
		for _, base := range []string{s.Kubo.URL, s.GatewayURL} {
			content, err := verify.NewIPFSNode(base, verify.ModeAuto, 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			v := &verify.Verifier{Ledger: verifier(t, s, false, verify.ModeRPC).Ledger, Content: content}
			everyCheckPasses(t, v.VerifyBundle(ctx, b), anchor.KindSelf)
		}
	})
}
