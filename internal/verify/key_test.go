package verify_test

import (
	"context"
	"testing"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/verify"
	"github.com/banxmedia/banx/internal/verify/verifytest"
)

// TestKeyUnfundedAuthor covers authors whose account is not on the ledger at
// the anchor (batch mode is the path for authors without XRP): only their
// master key can speak for them.
func TestKeyUnfundedAuthor(t *testing.T) {
	s := verifytest.Start(t)
	ctx := context.Background()
	v := verifier(t, s, false, verify.ModeRPC)
	platform := s.NewAccount(t)
	ghost := verifytest.Wallet(t, 0x99, false)   // never funded, secp256k1
	spirit := verifytest.Wallet(t, 0x9A, true)   // funded only after the anchor, ed25519
	stranger := verifytest.Wallet(t, 0x9B, true) // a key that is not ghost's
	own := s.NewArticle(t, string(ghost.ClassicAddress), "Ghost", "")
	later := s.NewArticle(t, string(spirit.ClassicAddress), "Spirit", "")
	forged := s.NewArticle(t, string(ghost.ClassicAddress), "Ghost, signed by a stranger", "")
	batch := s.AnchorBatch(t, platform,
		verifytest.Leaf(t, own, ghost), verifytest.Leaf(t, later, spirit), verifytest.Leaf(t, forged, stranger))
	s.Fund(t, spirit)

	for name, a := range map[string]verifytest.Article{"OK/NeverFunded": own, "OK/FundedAfterAnchor/Ed25519": later} {
		t.Run(name, func(t *testing.T) {
			res := v.VerifyBundle(ctx, batch.Bundle(t, a.SHA256))
			everyCheckPasses(t, res, anchor.KindBatch)
			want(t, res, anchor.VerdictVerified, pass(anchor.CheckAuthorKey,
				"account not on the ledger: only its master key can sign for it, and this is it ("+a.Author+" at ledger "+itoa(batch.LedgerIndex)+")"))
		})
	}
	t.Run("ErrForeignKey", func(t *testing.T) {
		want(t, v.VerifyBundle(ctx, batch.Bundle(t, forged.SHA256)), anchor.VerdictFailed,
			pass(anchor.CheckLeafSignature, ""), pass(anchor.CheckMerklePath, ""),
			fail(anchor.CheckAuthorKey, "account not on the ledger: only its master key can sign for it, and key "),
			fail(anchor.CheckAuthorKey, "belongs to "+string(stranger.ClassicAddress)+", not "+forged.Author),
			fail(anchor.CheckLedgerRegularKey, forged.Author+" does not exist in ledger "+itoa(batch.LedgerIndex)))
	})
}
