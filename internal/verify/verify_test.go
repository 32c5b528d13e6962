package verify_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/Peersyst/xrpl-go/xrpl/transaction"
	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/banx"
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
	t.Run("OK/NextVersion", func(t *testing.T) {
		v2 := s.NewArticle(t, a.Author, "Self-anchored, second version", b.Tx.Hash)
		res := verifier(t, s, false, verify.ModeRPC).VerifyBundle(ctx, s.AnchorSelf(t, v2, alice))
		everyCheckPasses(t, res, anchor.KindSelf)
	})
	t.Run("ErrPreviousDisagrees", func(t *testing.T) {
		// The manifest says it replaces the first version; its anchor says it
		// replaces nothing.
		v2 := s.NewArticle(t, a.Author, "Self-anchored, forked", b.Tx.Hash)
		v2.Previous = ""
		want(t, verifier(t, s, false, verify.ModeRPC).VerifyBundle(ctx, s.AnchorSelf(t, v2, alice)), anchor.VerdictFailed,
			fail(anchor.CheckManifestAuthor, "the manifest replaces "+b.Tx.Hash+" but the memo says prev nothing"))
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

func TestSelfAnchorFailures(t *testing.T) {
	s := verifytest.Start(t)
	ctx := context.Background()
	alice, bob := s.NewAccount(t), s.NewAccount(t)
	a := s.NewArticle(t, string(alice.ClassicAddress), "Self-anchored", "")
	b := s.AnchorSelf(t, a, alice)
	v := verifier(t, s, false, verify.ModeRPC)
	byHash := func(t *testing.T, target verify.Target) verify.Result {
		t.Helper()
		res, err := v.VerifyTx(ctx, target)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}

	// Nothing else may close a ledger before this one runs: it must stay pending.
	t.Run("ErrNotValidated", func(t *testing.T) {
		other := s.NewArticle(t, a.Author, "Pending", "")
		tx := s.SignMemo(t, a.Author, alice, 0, verifytest.Memo(t, anchor.SelfMemo(other.SHA256, other.CID, other.Author, "")))
		s.Submit(t, tx, false)
		res := byHash(t, verify.Target{TxHash: tx.Hash})
		want(t, res, anchor.VerdictFailed,
			pass(anchor.CheckBundle, "built from the transaction the ledger holds"),
			fail(anchor.CheckLedgerTx, "not in a validated ledger"),
			skip(anchor.CheckAuthorKey, "no validated ledger"),
			skip(anchor.CheckLedgerCloseTime, ""))
		if res.LedgerIndex != 0 || !res.CloseTime.IsZero() {
			t.Errorf("pending transaction reported in ledger %d at %v", res.LedgerIndex, res.CloseTime)
		}
		s.Accept(t)
	})
	t.Run("ErrTec", func(t *testing.T) {
		other := s.NewArticle(t, a.Author, "Failed", "")
		// Disabling the master key with no other key is tecNO_ALTERNATIVE_KEY:
		// the transaction is in the ledger, memo and all, but did not succeed.
		tx := s.SignMemo(t, a.Author, alice, transaction.AsfDisableMaster, verifytest.Memo(t, anchor.SelfMemo(other.SHA256, other.CID, other.Author, "")))
		s.Submit(t, tx, true)
		want(t, byHash(t, verify.Target{TxHash: tx.Hash}), anchor.VerdictFailed,
			fail(anchor.CheckLedgerTx, "failed with tecNO_ALTERNATIVE_KEY"),
			pass(anchor.CheckMemo, ""), pass(anchor.CheckContentCID, ""))
	})
	t.Run("ErrUnknownTx", func(t *testing.T) {
		want(t, byHash(t, verify.Target{TxHash: strings.Repeat("AB", 32)}), anchor.VerdictFailed,
			fail(anchor.CheckLedgerTx, "does not know transaction"))
		ws := verifier(t, s, true, verify.ModeRPC)
		res, err := ws.VerifyTx(ctx, verify.Target{TxHash: strings.Repeat("CD", 32)})
		if err != nil {
			t.Fatal(err)
		}
		want(t, res, anchor.VerdictFailed, fail(anchor.CheckLedgerTx, "txnNotFound"))
		missing := b
		missing.Tx.Hash = strings.Repeat("EF", 32)
		want(t, ws.VerifyBundle(ctx, missing), anchor.VerdictFailed,
			fail(anchor.CheckLedgerTx, "the node has no transaction "+missing.Tx.Hash+" in ledger"))
	})
	t.Run("ErrWrongLedgerIndex", func(t *testing.T) {
		moved := b
		moved.Tx.LedgerIndex = b.Tx.LedgerIndex - 1
		want(t, v.VerifyBundle(ctx, moved), anchor.VerdictFailed,
			fail(anchor.CheckLedgerTx, fmt.Sprintf("the transaction is in ledger %d, the bundle says %d", b.Tx.LedgerIndex, moved.Tx.LedgerIndex)))
	})
	t.Run("ErrOtherNetwork", func(t *testing.T) {
		other := b
		other.Network.ID = 1
		want(t, v.VerifyBundle(ctx, other), anchor.VerdictFailed,
			fail(anchor.CheckLedgerNetwork, "the node is on network 0, the anchor on network 1"))
	})
	t.Run("ErrBodyChanged", func(t *testing.T) {
		// The article edited after anchoring is other content with another
		// hash: the anchor does not cover it.
		edited := s.NewArticle(t, a.Author, "Self-anchored, edited", "")
		changed := b
		changed.Manifest = anchor.ManifestRef{CID: edited.CID, SHA256: edited.SHA256}
		want(t, v.VerifyBundle(ctx, changed), anchor.VerdictFailed,
			fail(anchor.CheckMemoContent, "the memo anchors sha256 "+a.SHA256+", not this manifest's "+edited.SHA256))

		// The same anchor and CID, but the bundle carries edited bytes.
		inline := b
		inline.Manifest.Bytes = edited.Bytes
		offline := &verify.Verifier{Ledger: v.Ledger}
		want(t, offline.VerifyBundle(ctx, inline), anchor.VerdictFailed,
			skip(anchor.CheckContentFetched, "no IPFS node"),
			fail(anchor.CheckContentSHA256, "content hashes to sha256 "+edited.SHA256+", the anchor says "+a.SHA256))
		want(t, v.VerifyBundle(ctx, inline), anchor.VerdictFailed,
			pass(anchor.CheckContentFetched, ""),
			fail(anchor.CheckContentSHA256, "inside the bundle differ from the content IPFS serves"))
	})
	t.Run("ErrAuthorSwapped", func(t *testing.T) {
		swapped := b
		swapped.Author = string(bob.ClassicAddress)
		want(t, v.VerifyBundle(ctx, swapped), anchor.VerdictFailed,
			fail(anchor.CheckAuthor, "the memo names author "+a.Author+", the bundle claims "+swapped.Author),
			fail(anchor.CheckManifestAuthor, "the manifest names author "+a.Author))
	})
	t.Run("ErrReplayedUnderAnotherAuthor", func(t *testing.T) {
		// Bob copies Alice's memo into a transaction of his own.
		tx := s.SignMemo(t, string(bob.ClassicAddress), bob, 0, b.Memo)
		s.Submit(t, tx, true)
		want(t, byHash(t, verify.Target{TxHash: tx.Hash}), anchor.VerdictFailed,
			pass(anchor.CheckLedgerTx, ""),
			fail(anchor.CheckAuthor, "the memo names author "+a.Author+" but transaction Account "+string(bob.ClassicAddress)+" signed it"),
			fail(anchor.CheckAuthorKey, "belongs to "+string(bob.ClassicAddress)+", which is neither "+a.Author+"'s master key nor its RegularKey"))
	})
	t.Run("ErrMemoOfAnotherFormat", func(t *testing.T) {
		hexOf := func(s string) string { return strings.ToUpper(hex.EncodeToString([]byte(s))) }
		for name, c := range map[string]struct {
			memo   anchor.MemoHex
			reason string
		}{
			"Text":      {anchor.MemoHex{Type: hexOf("text/plain"), Format: hexOf("text/plain"), Data: hexOf("hello")}, `MemoType "text/plain" is not a Banx anchor`},
			"Version2":  {anchor.MemoHex{Type: hexOf(anchor.MemoTypePrefix + "v2"), Format: b.Memo.Format, Data: b.Memo.Data}, `anchor format version "v2"`},
			"NotCanon":  {anchor.MemoHex{Type: b.Memo.Type, Format: b.Memo.Format, Data: hexOf(" " + string(mustUnhex(t, b.Memo.Data)))}, "not in canonical form"},
			"BadFormat": {anchor.MemoHex{Type: b.Memo.Type, Format: hexOf("text/plain"), Data: b.Memo.Data}, `MemoFormat "text/plain" is not "application/json"`},
		} {
			t.Run(name, func(t *testing.T) {
				tx := s.SignMemo(t, a.Author, alice, 0, c.memo)
				s.Submit(t, tx, true)
				want(t, byHash(t, verify.Target{TxHash: tx.Hash}), anchor.VerdictFailed,
					pass(anchor.CheckLedgerTx, ""), fail(anchor.CheckMemo, c.reason))
			})
		}
	})
	t.Run("ErrCIDDoesNotMatchContent", func(t *testing.T) {
		// The same bytes imported without raw leaves have a dag-pb CID that a
		// memo may carry (its digest is not the content's), and the content
		// fetched by it hashes right; only re-importing exposes it.
		m := verifytest.Manifest(t, a.Author, "Wrapped", "")
		wrapped := s.AddContent(t, m.Bytes, "raw-leaves=false")
		if !strings.HasPrefix(wrapped, "bafybei") {
			t.Fatalf("CID %s is not dag-pb", wrapped)
		}
		m.CID = wrapped
		bad := s.AnchorSelf(t, m, alice)
		want(t, v.VerifyBundle(ctx, bad), anchor.VerdictFailed,
			pass(anchor.CheckContentFetched, ""), pass(anchor.CheckContentSHA256, ""),
			fail(anchor.CheckContentCID, "re-imports to "+verifytest.Manifest(t, a.Author, "Wrapped", "").CID+", not the anchored "+wrapped))
	})
	t.Run("ErrContentNotInIPFS", func(t *testing.T) {
		m := verifytest.Manifest(t, a.Author, "Never stored", "")
		missing := s.AnchorSelf(t, m, alice)
		want(t, v.VerifyBundle(ctx, missing), anchor.VerdictFailed,
			fail(anchor.CheckContentFetched, "does not have "+m.CID),
			skip(anchor.CheckContentSHA256, "could not be fetched"))
	})
	t.Run("ErrContentTooLarge", func(t *testing.T) {
		small := *v
		small.MaxContentBytes = 100
		want(t, small.VerifyBundle(ctx, b), anchor.VerdictFailed,
			fail(anchor.CheckContentFetched, "larger than 100 bytes"))
	})
	t.Run("ErrTargetIsAnotherArticle", func(t *testing.T) {
		other := verifytest.Manifest(t, a.Author, "Another", "")
		want(t, byHash(t, verify.Target{TxHash: b.Tx.Hash, CID: other.CID}), anchor.VerdictFailed,
			fail(anchor.CheckMemoContent, "anchors CID "+a.CID+", not the expected "+other.CID))
		want(t, byHash(t, verify.Target{TxHash: b.Tx.Hash, SHA256: strings.ToUpper(other.SHA256)}), anchor.VerdictFailed,
			fail(anchor.CheckMemoContent, "anchors sha256 "+a.SHA256+", not the expected "+other.SHA256))
		want(t, byHash(t, verify.Target{TxHash: strings.ToLower(b.Tx.Hash), CID: a.CID, SHA256: a.SHA256}), anchor.VerdictVerified)
	})
	t.Run("ErrInvalidTarget", func(t *testing.T) {
		for _, target := range []verify.Target{
			{TxHash: "12"},
			{TxHash: b.Tx.Hash, CID: "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG"},
			{TxHash: b.Tx.Hash, CID: strings.ToUpper(a.CID)},
			{TxHash: b.Tx.Hash, SHA256: "xyz"},
		} {
			if _, err := v.VerifyTx(ctx, target); banx.ErrorCode(err) != banx.EINVALID {
				t.Errorf("%+v: error %v, want EINVALID", target, err)
			}
		}
	})
}

func mustUnhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
