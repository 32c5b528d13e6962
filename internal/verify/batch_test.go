package verify_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/verify"
	"github.com/banxmedia/banx/internal/verify/verifytest"
)

func TestBatchAnchor(t *testing.T) {
	s := verifytest.Start(t)
	ctx := context.Background()
	platform, alice := s.NewAccount(t), s.NewAccount(t)
	bob := verifytest.Wallet(t, 0xB0, true) // ed25519
	s.Fund(t, bob)
	carol := verifytest.Wallet(t, 0xC0, false) // a key that is nobody's regular key
	a1 := s.NewArticle(t, string(alice.ClassicAddress), "One", "")
	a2 := s.NewArticle(t, string(bob.ClassicAddress), "Two", "")
	a3 := s.NewArticle(t, string(alice.ClassicAddress), "Three", "")
	a4 := s.NewArticle(t, string(alice.ClassicAddress), "Four, signed by Carol", "")
	batch := s.AnchorBatch(t, platform,
		verifytest.Leaf(t, a1, alice), verifytest.Leaf(t, a2, bob), verifytest.Leaf(t, a3, alice), verifytest.Leaf(t, a4, carol))
	rpc := verifier(t, s, false, verify.ModeRPC)

	t.Run("OK/RPC", func(t *testing.T) {
		res := rpc.VerifyBundle(ctx, batch.Bundle(t, a1.SHA256))
		everyCheckPasses(t, res, anchor.KindBatch)
		want(t, res, anchor.VerdictVerified,
			pass(anchor.CheckAuthorKey, "the master key of "+a1.Author+", not disabled at ledger"),
			pass(anchor.CheckTxSignature, "the master key of "+batch.Platform))
	})
	t.Run("OK/Gateway/Ed25519/Marshalled", func(t *testing.T) {
		b, err := anchor.ParseProofBundle(verifytest.MarshalBundle(t, batch.Bundle(t, a2.SHA256)))
		if err != nil {
			t.Fatal(err)
		}
		everyCheckPasses(t, verifier(t, s, true, verify.ModeGateway).VerifyBundle(ctx, b), anchor.KindBatch)
	})
	t.Run("ErrTxHashWithoutBundle", func(t *testing.T) {
		res, err := rpc.VerifyTx(ctx, verify.Target{TxHash: batch.Hash, CID: a1.CID})
		if err != nil {
			t.Fatal(err)
		}
		want(t, res, anchor.VerdictIncomplete,
			pass(anchor.CheckMemo, "batch anchor v1, 4 leaves"), pass(anchor.CheckLedgerTx, ""),
			skip(anchor.CheckMerklePath, "needs the article's proof bundle"))
	})
	t.Run("ErrProofPathTampered", func(t *testing.T) {
		b := batch.Bundle(t, a3.SHA256)
		b.Batch.Path[0][5] ^= 0x01
		want(t, rpc.VerifyBundle(ctx, b), anchor.VerdictFailed,
			pass(anchor.CheckLeafSignature, ""), fail(anchor.CheckMerklePath, "not the anchored root"))
		b = batch.Bundle(t, a3.SHA256)
		b.Batch.Index ^= 1
		want(t, rpc.VerifyBundle(ctx, b), anchor.VerdictFailed, fail(anchor.CheckMerklePath, ""))
	})
	t.Run("ErrSignatureForged", func(t *testing.T) {
		b := batch.Bundle(t, a1.SHA256)
		b.Batch.Signature = batch.Bundle(t, a3.SHA256).Batch.Signature // Alice's, over another leaf
		want(t, rpc.VerifyBundle(ctx, b), anchor.VerdictFailed,
			fail(anchor.CheckLeafSignature, "signature does not verify"), skip(anchor.CheckAuthorKey, "no verified signature"))
	})
	t.Run("ErrSignedWithAnotherAccountsKey", func(t *testing.T) {
		want(t, rpc.VerifyBundle(ctx, batch.Bundle(t, a4.SHA256)), anchor.VerdictFailed,
			pass(anchor.CheckLeafSignature, ""), pass(anchor.CheckMerklePath, ""),
			fail(anchor.CheckAuthorKey, "belongs to "+string(carol.ClassicAddress)+", which is neither "+a4.Author+"'s master key nor its RegularKey"),
			fail(anchor.CheckLedgerRegularKey, "RegularKey at ledger "+itoa(batch.LedgerIndex)+" is not "+string(carol.ClassicAddress)+": it had none"))
	})
	t.Run("ErrAuthorSwapped", func(t *testing.T) {
		b := batch.Bundle(t, a1.SHA256)
		b.Author = string(bob.ClassicAddress)
		want(t, rpc.VerifyBundle(ctx, b), anchor.VerdictFailed,
			fail(anchor.CheckLeafSignature, "signature does not verify"), fail(anchor.CheckMerklePath, ""),
			fail(anchor.CheckManifestAuthor, "the manifest names author "+a1.Author))
	})
	t.Run("ErrBodyChanged", func(t *testing.T) {
		edited := s.NewArticle(t, a1.Author, "One, edited", "")
		b := batch.Bundle(t, a1.SHA256)
		b.Manifest = anchor.ManifestRef{CID: edited.CID, SHA256: edited.SHA256}
		want(t, rpc.VerifyBundle(ctx, b), anchor.VerdictFailed,
			fail(anchor.CheckLeafSignature, "signature does not verify"), fail(anchor.CheckMerklePath, ""))
	})
	t.Run("ErrReplayedOnAnotherNetwork", func(t *testing.T) {
		b := batch.Bundle(t, a1.SHA256)
		b.Network.ID = 1
		want(t, rpc.VerifyBundle(ctx, b), anchor.VerdictFailed,
			fail(anchor.CheckLeafSignature, ""), fail(anchor.CheckLedgerNetwork, "on network 0, the anchor on network 1"))
	})
	t.Run("ErrModeMismatch", func(t *testing.T) {
		b := batch.Bundle(t, a1.SHA256)
		b.Mode, b.Batch = anchor.KindSelf, nil
		want(t, rpc.VerifyBundle(ctx, b), anchor.VerdictFailed, fail(anchor.CheckMemo, "batch anchor but the bundle is in mode self"))
	})
}

func TestKeyOwnership(t *testing.T) {
	s := verifytest.Start(t)
	ctx := context.Background()
	v := verifier(t, s, false, verify.ModeRPC)
	platform := s.NewAccount(t)

	t.Run("OK/RegularKeySetBeforeAnchor", func(t *testing.T) {
		dave, regular := s.NewAccount(t), verifytest.Wallet(t, 0xD1, true)
		s.SetRegularKey(t, dave, regular)
		self := s.NewArticle(t, string(dave.ClassicAddress), "Dave, self", "")
		res := v.VerifyBundle(ctx, s.AnchorSelf(t, self, regular))
		everyCheckPasses(t, res, anchor.KindSelf)
		want(t, res, anchor.VerdictVerified,
			pass(anchor.CheckAuthorKey, "was "+self.Author+"'s RegularKey at ledger"),
			pass(anchor.CheckLedgerRegularKey, "RegularKey at ledger"))

		leaf := s.NewArticle(t, string(dave.ClassicAddress), "Dave, batch", "")
		batch := s.AnchorBatch(t, platform, verifytest.Leaf(t, leaf, regular))
		res = v.VerifyBundle(ctx, batch.Bundle(t, leaf.SHA256))
		everyCheckPasses(t, res, anchor.KindBatch)
		want(t, res, anchor.VerdictVerified, pass(anchor.CheckLedgerRegularKey, "RegularKey"))
	})
	t.Run("ErrRegularKeySetAfterAnchor", func(t *testing.T) {
		erin, later := s.NewAccount(t), verifytest.Wallet(t, 0xE1, false)
		a := s.NewArticle(t, string(erin.ClassicAddress), "Erin", "")
		batch := s.AnchorBatch(t, platform, verifytest.Leaf(t, a, later))
		s.SetRegularKey(t, erin, later)
		want(t, v.VerifyBundle(ctx, batch.Bundle(t, a.SHA256)), anchor.VerdictFailed,
			fail(anchor.CheckAuthorKey, "nor its RegularKey at ledger "+itoa(batch.LedgerIndex)+" (it had none)"))
	})
	t.Run("ErrMasterKeyDisabled", func(t *testing.T) {
		gina, regular := s.NewAccount(t), verifytest.Wallet(t, 0xF1, false)
		before := s.NewArticle(t, string(gina.ClassicAddress), "Gina, before", "")
		early := s.AnchorBatch(t, platform, verifytest.Leaf(t, before, gina))
		s.SetRegularKey(t, gina, regular)
		disabledAt := s.DisableMaster(t, gina)
		after := s.NewArticle(t, string(gina.ClassicAddress), "Gina, after", "")
		late := s.AnchorBatch(t, platform, verifytest.Leaf(t, after, gina))
		if late.LedgerIndex <= disabledAt {
			t.Fatalf("batch in ledger %d, master disabled in %d", late.LedgerIndex, disabledAt)
		}
		want(t, v.VerifyBundle(ctx, late.Bundle(t, after.SHA256)), anchor.VerdictFailed,
			pass(anchor.CheckLeafSignature, ""),
			fail(anchor.CheckAuthorKey, "the master key of "+after.Author+", which was disabled at ledger "+itoa(late.LedgerIndex)))
		// The anchor made while the master key was in force stays valid.
		everyCheckPasses(t, v.VerifyBundle(ctx, early.Bundle(t, before.SHA256)), anchor.KindBatch)
	})
}

func itoa(n uint32) string { return fmt.Sprint(n) }
