package publish_test

import (
	"context"
	"errors"
	"testing"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/publish/publishtest"
	"github.com/banxmedia/banx/internal/xrpl"
)

// TestBatchAnchor anchors versions by several authors (one unfunded, one
// signing with its regular key) in one platform transaction; each gets a
// proof that verifies offline, and an edit in batch mode chains to it.
func TestBatchAnchor(t *testing.T) {
	ctx := publishtest.Context(t)
	f := newFixture(t)
	funded, unfunded, withRegular := f.author(t), publishtest.NewEd25519Wallet(t), f.author(t)
	regular := publishtest.NewWallet(t)
	publishtest.SetRegularKey(t, ctx, f.client, withRegular, regular)

	var ids []int64
	for i, a := range []struct {
		author, signer string
	}{{funded.Seed, funded.Seed}, {unfunded.Seed, unfunded.Seed}, {withRegular.Seed, regular.Seed}, {funded.Seed, funded.Seed}} {
		w := walletOf(t, a.author)
		d := draft(t, f.svc, w, "Batch article "+string(rune('A'+i)), "")
		signer := walletOf(t, a.signer)
		l := signLeaf(t, d, w)
		if a.signer != a.author {
			l, _ = anchor.SignLeaf(anchor.Leaf{NetworkID: d.NetworkID, Author: w.ClassicAddress.String(), SHA256: l.SHA256, CID: l.CID}, signer.Seed)
		}
		got, err := f.svc.QueueBatch(ctx, w.ClassicAddress.String(), d.Detail.Version.ID, l.PublicKey, l.Signature)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version.Status != banx.StatusAnchoring {
			t.Fatalf("queued version is %s", got.Version.Status)
		}
		ids = append(ids, d.Detail.Version.ID)
	}
	before := sequence(t, f.client, f.platform.ClassicAddress.String())
	n, err := f.svc.AnchorBatch(ctx)
	if err != nil || n != len(ids) {
		t.Fatalf("AnchorBatch = %d, %v", n, err)
	}
	if after := sequence(t, f.client, f.platform.ClassicAddress.String()); after != before+1 {
		t.Fatalf("platform sequence %d -> %d: want one transaction for the batch", before, after)
	}
	var hash string
	for _, id := range ids {
		v := waitFinal(t, f.db, id)
		if v.Version.Status != banx.StatusPublished {
			t.Fatalf("version %d is %s: %s", id, v.Version.Status, v.Anchoring.FailureReason)
		}
		if hash == "" {
			hash = v.Version.AnchorTxHash
		} else if v.Version.AnchorTxHash != hash {
			t.Fatal("versions of one batch have different anchor transactions")
		}
		b := verifyProof(t, f.svc, v)
		if b.Mode != anchor.KindBatch || b.Tx.Account != f.platform.ClassicAddress.String() {
			t.Fatalf("bundle mode %s account %s", b.Mode, b.Tx.Account)
		}
	}
	if n, err := f.svc.AnchorBatch(ctx); n != 0 || err != nil {
		t.Fatalf("empty batch: %d, %v", n, err)
	}

	t.Run("OKEditInBatch", func(t *testing.T) {
		first, _ := f.db.FindVersion(ctx, ids[1])
		d2 := draft(t, f.svc, unfunded, "Batch article B, revised", first.Version.AnchorTxHash)
		l := signLeaf(t, d2, unfunded)
		if _, err := f.svc.QueueBatch(ctx, unfunded.ClassicAddress.String(), d2.Detail.Version.ID, l.PublicKey, l.Signature); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AnchorBatch(ctx); err != nil {
			t.Fatal(err)
		}
		v2 := waitFinal(t, f.db, d2.Detail.Version.ID)
		if v2.Version.Status != banx.StatusPublished || v2.Version.Version != 2 || v2.Version.PreviousTx != hash {
			t.Fatalf("edit: %+v", v2.Version)
		}
		verifyProof(t, f.svc, v2)
	})
	t.Run("ErrAmbiguousEdit", func(t *testing.T) {
		// funded has two articles in the first batch: previous alone cannot say which.
		_, err := f.svc.CreateDraft(ctx, funded.ClassicAddress.String(), manifestDoc(funded.ClassicAddress.String(), "Which one?", hash), 0)
		wantErr(t, err, banx.ECONFLICT, "name one with the article parameter")
		first, _ := f.db.FindVersion(ctx, ids[0])
		d, err := f.svc.CreateDraft(ctx, funded.ClassicAddress.String(), manifestDoc(funded.ClassicAddress.String(), "This one", hash), first.Version.ArticleID)
		if err != nil || d.Detail.Version.ArticleID != first.Version.ArticleID {
			t.Fatalf("draft %+v, %v", d, err)
		}
	})
}

// TestBatchRefusals: leaves that are not the author's consent to this
// version are refused with the reason and nothing is queued.
func TestBatchRefusals(t *testing.T) {
	ctx := publishtest.Context(t)
	f := newFixture(t)
	w, mallory := f.author(t), f.author(t)
	me := w.ClassicAddress.String()
	d := draft(t, f.svc, w, "Leaf refusals", "")
	other := draft(t, f.svc, w, "Other leaf", "")
	good := signLeaf(t, d, w)
	otherLeaf := signLeaf(t, other, w)
	mal, _ := anchor.SignLeaf(anchor.Leaf{NetworkID: d.NetworkID, Author: me, SHA256: good.SHA256, CID: good.CID}, mallory.Seed)
	wrongNet, _ := anchor.SignLeaf(anchor.Leaf{NetworkID: d.NetworkID + 1, Author: me, SHA256: good.SHA256, CID: good.CID}, w.Seed)
	cases := []struct {
		name, author, pub, sig, code, reason string
	}{
		{"ErrSignatureOverOtherVersion", me, good.PublicKey, otherLeaf.Signature, banx.EINVALID, "does not verify"},
		{"ErrOtherNetwork", me, good.PublicKey, wrongNet.Signature, banx.EINVALID, "does not verify"},
		{"ErrMalformedKey", me, "04" + good.PublicKey[2:], good.Signature, banx.EINVALID, "public_key"},
		{"ErrOtherAccountsKey", me, mal.PublicKey, mal.Signature, banx.EFORBIDDEN, "neither the master key nor the regular key"},
		{"ErrOtherAuthorsDraft", mallory.ClassicAddress.String(), good.PublicKey, good.Signature, banx.EFORBIDDEN, "another author"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.svc.QueueBatch(ctx, tc.author, d.Detail.Version.ID, tc.pub, tc.sig)
			wantErr(t, err, tc.code, tc.reason)
			if v, _ := f.db.FindVersion(ctx, d.Detail.Version.ID); v.Version.Status != banx.StatusStored {
				t.Fatalf("status %s after refusal", v.Version.Status)
			}
		})
	}
	if n, err := f.svc.AnchorBatch(ctx); n != 0 || err != nil {
		t.Fatalf("a refused leaf was anchored: %d, %v", n, err)
	}
}

// TestRecovery crashes the service at the worst moments and restarts it on
// the same database: every in-flight anchor is resolved by looking its hash up
// first, and no version is ever anchored twice.
func TestRecovery(t *testing.T) {
	crash := errors.New("crash")
	queue := func(t *testing.T, f *fixture) int64 {
		w := publishtest.NewWallet(t)
		d := draft(t, f.svc, w, "Crash "+t.Name(), "")
		l := signLeaf(t, d, w)
		if _, err := f.svc.QueueBatch(context.Background(), w.ClassicAddress.String(), d.Detail.Version.ID, l.PublicKey, l.Signature); err != nil {
			t.Fatal(err)
		}
		return d.Detail.Version.ID
	}
	platformTxs := func(t *testing.T, f *fixture) uint32 {
		return sequence(t, f.client, f.platform.ClassicAddress.String())
	}

	t.Run("OKCrashAfterSubmit", func(t *testing.T) {
		f := newFixture(t)
		id := queue(t, f)
		// No auto-accept: the submitted batch stays unvalidated until the crash.
		manual := publishtest.Dial(t, f.ledger.URL)
		crashed := f.start(t, manual, func(a *banx.Anchor) error {
			if _, err := manual.Submit(context.Background(), a.Blob); err != nil {
				t.Error(err)
			}
			return crash
		})
		f.svc.Close()
		before := platformTxs(t, f)
		if _, err := crashed.AnchorBatch(context.Background()); err != nil {
			t.Fatal(err)
		}
		crashed.Close()
		inflight, _ := f.db.InFlightAnchors(context.Background())
		if len(inflight) != 1 {
			t.Fatalf("%d anchors in flight after the crash, want 1", len(inflight))
		}
		hash := inflight[0].TxHash
		f.ledger.Accept() // the network validates it while Banx is down
		f.start(t, f.client, nil)
		v := waitFinal(t, f.db, id)
		if v.Version.Status != banx.StatusPublished || v.Version.AnchorTxHash != hash {
			t.Fatalf("after restart: %s %s (want %s)", v.Version.Status, v.Version.AnchorTxHash, hash)
		}
		if after := platformTxs(t, f); after != before+1 {
			t.Fatalf("platform sent %d transactions, want 1", after-before)
		}
	})
	t.Run("OKCrashBeforeSubmit", func(t *testing.T) {
		f := newFixture(t)
		id := queue(t, f)
		f.svc.Close()
		crashed := f.start(t, f.client, func(*banx.Anchor) error { return crash })
		before := platformTxs(t, f)
		crashed.AnchorBatch(context.Background())
		crashed.Close()
		inflight, _ := f.db.InFlightAnchors(context.Background())
		if len(inflight) != 1 {
			t.Fatalf("%d anchors in flight, want 1", len(inflight))
		}
		f.start(t, f.client, nil)
		v := waitFinal(t, f.db, id)
		if v.Version.Status != banx.StatusPublished || v.Version.AnchorTxHash != inflight[0].TxHash {
			t.Fatalf("after restart: %s %s, want the persisted blob %s", v.Version.Status, v.Version.AnchorTxHash, inflight[0].TxHash)
		}
		if after := platformTxs(t, f); after != before+1 {
			t.Fatalf("platform sent %d transactions, want 1", after-before)
		}
	})
	t.Run("OKNewBatchWaitsForInFlight", func(t *testing.T) {
		f := newFixture(t)
		first := queue(t, f)
		f.svc.Close()
		crashed := f.start(t, f.client, func(*banx.Anchor) error { return crash })
		before := platformTxs(t, f)
		crashed.AnchorBatch(context.Background())
		crashed.Close()
		inflight, _ := f.db.InFlightAnchors(context.Background())
		second := queue(t, f)
		svc := f.start(t, f.client, nil)
		if n, err := svc.AnchorBatch(context.Background()); err != nil || n != 1 {
			t.Fatalf("AnchorBatch = %d, %v", n, err)
		}
		v1, v2 := waitFinal(t, f.db, first), waitFinal(t, f.db, second)
		if v1.Version.Status != banx.StatusPublished || v2.Version.Status != banx.StatusPublished {
			t.Fatalf("statuses %s %s", v1.Version.Status, v2.Version.Status)
		}
		if v1.Version.AnchorTxHash != inflight[0].TxHash || v2.Version.AnchorTxHash == v1.Version.AnchorTxHash {
			t.Fatalf("in-flight batch was not resumed as persisted: %s, want %s", v1.Version.AnchorTxHash, inflight[0].TxHash)
		}
		if after := platformTxs(t, f); after != before+2 {
			t.Fatalf("platform sent %d transactions, want 2", after-before)
		}
	})
	t.Run("OKExpiredWhileDown", func(t *testing.T) {
		f := newFixture(t)
		id := queue(t, f)
		f.svc.Close()
		crashed := f.start(t, f.client, func(*banx.Anchor) error { return crash })
		before := platformTxs(t, f)
		crashed.AnchorBatch(context.Background())
		crashed.Close()
		inflight, _ := f.db.InFlightAnchors(context.Background())
		for f.ledger.Validated().Index <= inflight[0].LastLedgerSequence {
			f.ledger.Accept()
		}
		f.start(t, f.client, nil)
		v := waitFinal(t, f.db, id)
		if v.Version.Status != banx.StatusPublished || v.Version.AnchorTxHash == inflight[0].TxHash {
			t.Fatalf("after restart: %s %s: want a re-signed transaction", v.Version.Status, v.Version.AnchorTxHash)
		}
		if _, err := f.client.Tx(context.Background(), inflight[0].TxHash); !xrpl.IsNotFound(err) {
			t.Fatalf("expired transaction: %v", err)
		}
		if after := platformTxs(t, f); after != before+1 {
			t.Fatalf("platform sent %d transactions, want 1", after-before)
		}
		verifyProof(t, f.svc, v)
	})
	t.Run("OKSelfExpiredWhileDown", func(t *testing.T) {
		f := newFixture(t)
		w := f.author(t)
		me := w.ClassicAddress.String()
		d := draft(t, f.svc, w, "Self crash", "")
		f.svc.Close()
		crashed := f.start(t, f.client, func(*banx.Anchor) error { return crash })
		p, _ := crashed.PrepareSelf(context.Background(), me, d.Detail.Version.ID)
		if _, err := crashed.SubmitSelf(context.Background(), me, d.Detail.Version.ID, signPrepared(t, p, w)); err != nil {
			t.Fatal(err)
		}
		crashed.Close()
		for f.ledger.Validated().Index <= p.LastLedgerSequence {
			f.ledger.Accept()
		}
		f.start(t, f.client, nil)
		v, _ := f.db.FindVersion(context.Background(), d.Detail.Version.ID)
		if v.Version.Status != banx.StatusFailed || v.Anchoring.FailureReason == "" {
			t.Fatalf("after restart: %s %q", v.Version.Status, v.Anchoring.FailureReason)
		}
	})
}
