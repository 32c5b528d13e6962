package anchor

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/manifest"
)

// VerifyOffline performs every check of a proof bundle that needs neither the
// ledger nor IPFS, and returns them as an ordered report. Checks that need the
// network are present as skips when they stand in for an offline check (for
// example CheckContentSHA256 without inline manifest bytes), and are otherwise
// left for the caller to add with Report.Set (the Check* constants under
// "Online"). A bundle that does not parse or validate yields a report with one
// failed CheckBundle item.
func VerifyOffline(b ProofBundle) Report {
	r := Report{Mode: b.Mode, Author: b.Author, TxHash: b.Tx.Hash, LedgerIndex: b.Tx.LedgerIndex, NetworkID: b.Network.ID}
	if err := b.Validate(); err != nil {
		r.Set(CheckBundle, StatusFail, errorDetail(err))
		return r
	}
	r.Set(CheckBundle, StatusPass, fmt.Sprintf("%s, mode %s, network %d", b.Version, b.Mode, b.Network.ID))

	memo, memoErr := DecodeMemoHex(b.Memo)
	if memoErr == nil && memo.Kind != b.Mode {
		memoErr = banx.Errorf(banx.EINVALID, "anchor memo: the memo is a %s anchor but the bundle is in mode %s", memo.Kind, b.Mode)
	}
	r.SetErr(CheckMemo, memoErr, memoSummary(memo))
	const needMemo = "not checked: the memo is not a valid anchor memo"

	switch b.Mode {
	case KindSelf:
		verifySelf(&r, b, memo, memoErr == nil, needMemo)
	case KindBatch:
		verifyBatch(&r, b, memo, memoErr == nil, needMemo)
	}
	verifyTxBlob(&r, b)
	if len(b.Manifest.Bytes) > 0 {
		r.VerifyContent(b, b.Manifest.Bytes)
	} else {
		const fetch = "the bundle does not carry the manifest: fetch it by CID and check it (content.fetch)"
		r.Set(CheckContentSHA256, StatusSkip, fetch)
		r.Set(CheckContentCID, StatusSkip, fetch)
		r.Set(CheckManifestAuthor, StatusSkip, fetch)
	}
	// Nothing offline proves the transaction is in a validated ledger: say so, so an
	// offline report is at best "incomplete" and never reads "verified".
	const needNode = "not checked offline: needs an XRPL node"
	r.Set(CheckLedgerNetwork, StatusSkip, needNode)
	r.Set(CheckLedgerTx, StatusSkip, needNode)
	return r
}

func memoSummary(m Memo) string {
	if m.Kind == KindBatch {
		return fmt.Sprintf("batch anchor v%d, %d leaves, root %s", m.Version, m.Leaves, m.Root)
	}
	return fmt.Sprintf("self anchor v%d by %s", m.Version, m.Author)
}

func verifySelf(r *Report, b ProofBundle, memo Memo, memoOK bool, needMemo string) {
	if !memoOK {
		r.Set(CheckMemoContent, StatusSkip, needMemo)
		r.Set(CheckAuthor, StatusSkip, needMemo)
		return
	}
	switch {
	case memo.SHA256 != b.Manifest.SHA256:
		r.Set(CheckMemoContent, StatusFail, fmt.Sprintf("the memo anchors sha256 %s, not this manifest's %s", memo.SHA256, b.Manifest.SHA256))
	case memo.CID != b.Manifest.CID:
		r.Set(CheckMemoContent, StatusFail, fmt.Sprintf("the memo anchors CID %s, not this manifest's %s", memo.CID, b.Manifest.CID))
	default:
		r.Set(CheckMemoContent, StatusPass, "sha256 "+memo.SHA256+", CID "+memo.CID)
	}
	switch {
	case memo.Author != b.Author:
		r.Set(CheckAuthor, StatusFail, fmt.Sprintf("the memo names author %s, the bundle claims %s", memo.Author, b.Author))
	case b.Tx.Account != memo.Author:
		r.Set(CheckAuthor, StatusFail, fmt.Sprintf("the memo names author %s but transaction Account %s signed it: a self anchor must be signed by its author", memo.Author, b.Tx.Account))
	default:
		r.Set(CheckAuthor, StatusPass, memo.Author+" signed the anchor transaction itself")
	}
}

func verifyBatch(r *Report, b ProofBundle, memo Memo, memoOK bool, needMemo string) {
	leaf := b.Leaf()
	sigErr := VerifyLeafSignature(leaf)
	r.SetErr(CheckLeafSignature, sigErr, fmt.Sprintf("%s signed %s for network %d", leaf.PublicKey, LeafDomain, leaf.NetworkID))
	if sigErr == nil {
		own, err := KeyOwner(b.Author, leaf.PublicKey)
		switch {
		case err != nil:
			r.Set(CheckAuthorKey, StatusFail, errorDetail(err))
		case own.Master:
			r.Key = &own
			r.Set(CheckAuthorKey, StatusPass, "the master key of "+b.Author+" (whether it was disabled at that ledger is a ledger check)")
		default:
			r.Key = &own
			r.Set(CheckAuthorKey, StatusSkip, fmt.Sprintf(
				"key %s (address %s) is not %s's master key: the ledger must show it was %s's RegularKey at ledger %d (ledger.regular_key)",
				own.PublicKey, own.KeyAddress, b.Author, b.Author, b.Tx.LedgerIndex))
		}
	} else {
		r.Set(CheckAuthorKey, StatusSkip, "not checked: the signature does not verify")
	}
	if !memoOK {
		r.Set(CheckMerklePath, StatusSkip, needMemo)
		return
	}
	h, err := LeafHash(leaf)
	if err == nil {
		err = VerifyProof(h, Proof{Index: b.Batch.Index, Size: memo.Leaves, Path: b.Batch.Path}, memo.RootHash())
	}
	r.SetErr(CheckMerklePath, err, fmt.Sprintf("leaf %d of %d, %d path hashes, root %s", b.Batch.Index, memo.Leaves, len(b.Batch.Path), memo.Root))
}

// verifyTxBlob checks the transaction blob, when the bundle has one: its ID is
// the anchored hash, it carries the memo and Account, and its signature is valid.
func verifyTxBlob(r *Report, b ProofBundle) {
	if b.Tx.Blob == "" {
		const ledger = "the bundle does not carry the signed transaction: the ledger lookup (ledger.tx) covers it"
		r.Set(CheckTxHash, StatusSkip, ledger)
		r.Set(CheckTxMemo, StatusSkip, ledger)
		r.Set(CheckTxSignature, StatusSkip, ledger)
		return
	}
	raw, _ := hex.DecodeString(b.Tx.Blob)
	if id := TxID(raw); id != b.Tx.Hash {
		r.Set(CheckTxHash, StatusFail, fmt.Sprintf("the blob's transaction ID is %s, not the anchored %s", id, b.Tx.Hash))
	} else {
		r.Set(CheckTxHash, StatusPass, id)
	}
	tx, err := decodeTx(b.Tx.Blob)
	if err != nil {
		r.Set(CheckTxMemo, StatusFail, err.Error())
		r.Set(CheckTxSignature, StatusSkip, "not checked: the blob does not decode")
		return
	}
	switch {
	case tx.account != b.Tx.Account:
		r.Set(CheckTxMemo, StatusFail, fmt.Sprintf("the blob's Account is %s, not %s", tx.account, b.Tx.Account))
	case !containsMemo(tx.memos, b.Memo):
		r.Set(CheckTxMemo, StatusFail, fmt.Sprintf("the transaction's %d memo(s) do not include the bundle's memo", len(tx.memos)))
	default:
		r.Set(CheckTxMemo, StatusPass, fmt.Sprintf("%s %s from %s", tx.fields["TransactionType"], "carries the memo", tx.account))
	}
	if err := tx.verifySignature(); err != nil {
		r.Set(CheckTxSignature, StatusFail, err.Error())
		return
	}
	detail := "signed by " + tx.signingPubKey
	if own, err := KeyOwner(tx.account, tx.signingPubKey); err == nil {
		if own.Master {
			detail += ", the master key of " + tx.account
		} else {
			detail += fmt.Sprintf(" (address %s), which the ledger accepted as %s's RegularKey if ledger.tx passes", own.KeyAddress, tx.account)
		}
	}
	r.Set(CheckTxSignature, StatusPass, detail)
}

func containsMemo(list []MemoHex, m MemoHex) bool {
	for _, e := range list {
		if e == m {
			return true
		}
	}
	return false
}

// VerifyContent records the checks of the manifest bytes against the bundle:
// CheckContentSHA256, CheckContentCID (settled here for a raw CID; a dag-pb CID
// is a skip for the caller to settle by re-importing the bytes with
// contracts/ipfs-import.json) and CheckManifestAuthor. The caller uses it after
// fetching the manifest by CID; VerifyOffline uses it for inline bytes.
func (r *Report) VerifyContent(b ProofBundle, manifestBytes []byte) {
	if err := CheckContent(manifestBytes, b.Manifest.SHA256); err != nil {
		r.Set(CheckContentSHA256, StatusFail, errorDetail(err))
		r.Set(CheckContentCID, StatusSkip, "not checked: the content is not the anchored content")
		r.Set(CheckManifestAuthor, StatusSkip, "not checked: the content is not the anchored content")
		return
	}
	r.Set(CheckContentSHA256, StatusPass, fmt.Sprintf("%d bytes, sha256 %s", len(manifestBytes), b.Manifest.SHA256))
	if codec, _, _ := parseCID("cid", b.Manifest.CID); codec == codecRaw {
		r.Set(CheckContentCID, StatusPass, "raw CID: its digest is the content's SHA-256")
	} else {
		r.Set(CheckContentCID, StatusSkip, "dag-pb CID: re-import the bytes with contracts/ipfs-import.json and compare")
	}
	m, err := parseManifest(manifestBytes)
	switch {
	case err != nil:
		r.Set(CheckManifestAuthor, StatusFail, "the content is not a canonical Banx manifest: "+errorDetail(err))
	case m.Author != b.Author:
		r.Set(CheckManifestAuthor, StatusFail, fmt.Sprintf("the manifest names author %s, the anchor %s", m.Author, b.Author))
	case b.Mode == KindSelf && m.Previous != selfPrevious(b):
		r.Set(CheckManifestAuthor, StatusFail, fmt.Sprintf("the manifest replaces %s but the memo says prev %s", orNone(m.Previous), orNone(selfPrevious(b))))
	default:
		r.Set(CheckManifestAuthor, StatusPass, "author "+m.Author)
	}
}

// selfPrevious is the prev of a self anchor's memo, or "" if it does not decode.
func selfPrevious(b ProofBundle) string {
	m, err := DecodeMemoHex(b.Memo)
	if err != nil {
		return ""
	}
	return m.Previous
}

func orNone(s string) string {
	if s == "" {
		return "nothing"
	}
	return s
}

// CheckContent reports whether manifestBytes hash to wantSHA256 (lower-case
// hex), as banx.EINVALID with both digests when they do not: the content was
// changed after it was anchored, or it is other content.
func CheckContent(manifestBytes []byte, wantSHA256 string) error {
	sum := sha256.Sum256(manifestBytes)
	got := hex.EncodeToString(sum[:])
	if got != wantSHA256 {
		return banx.Errorf(banx.EINVALID, "content hashes to sha256 %s, the anchor says %s: it is not the anchored content", got, wantSHA256)
	}
	return nil
}

// parseManifest is manifest.ParseCanonical made safe for hostile content:
// xrpl-go v0.3.0's address decoder, which the manifest validator calls,
// panics on a non-ASCII author, and the bytes here come from anyone.
func parseManifest(data []byte) (m manifest.Manifest, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = banx.Errorf(banx.EINVALID, "manifest: cannot be parsed (%v)", r)
		}
	}()
	return manifest.ParseCanonical(data)
}
