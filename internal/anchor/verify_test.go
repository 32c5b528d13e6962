package anchor_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/banx"
)

// wantCheck asserts the report has check id with status and a detail
// containing detail.
func wantCheck(t *testing.T, r anchor.Report, id string, status anchor.Status, detail string) {
	t.Helper()
	c, ok := r.Get(id)
	if !ok {
		t.Fatalf("no check %s in %s", id, dump(r))
	}
	if c.Status != status || !strings.Contains(c.Detail, detail) {
		t.Errorf("check %s = %s %q\nwant %s containing %q\nreport %s", id, c.Status, c.Detail, status, detail, dump(r))
	}
}

func dump(r anchor.Report) string {
	b, _ := json.MarshalIndent(r, "", "  ")
	return string(b)
}

func TestVerifyOfflineOK(t *testing.T) {
	b := newBatch(t)
	for _, tc := range []struct {
		name   string
		bundle anchor.ProofBundle
	}{
		{"OKSelf", selfBundle(t)},
		{"OKBatchSecp256k1", b.bundle(b.leafBy(t, "0"))},
		{"OKBatchEd25519", b.bundle(b.leafBy(t, "ED"))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := anchor.VerifyOffline(tc.bundle)
			if r.Verdict() != anchor.VerdictIncomplete {
				t.Fatalf("offline verdict %s, want incomplete: %s", r.Verdict(), dump(r))
			}
			for _, c := range r.Checks {
				if c.Status == anchor.StatusSkip && c.ID != anchor.CheckLedgerNetwork && c.ID != anchor.CheckLedgerTx {
					t.Errorf("check %s skipped offline: %s", c.ID, c.Detail)
				}
			}
			ids := []string{}
			for _, c := range r.Checks {
				ids = append(ids, c.ID)
				if c.Name == "" || c.Name == c.ID {
					t.Errorf("check %s has no name", c.ID)
				}
			}
			want := "bundle memo memo.content author tx.hash tx.memo tx.signature content.sha256 content.cid manifest.author ledger.network ledger.tx"
			if tc.bundle.Mode == anchor.KindBatch {
				want = "bundle memo leaf.signature author.key merkle.path tx.hash tx.memo tx.signature content.sha256 content.cid manifest.author ledger.network ledger.tx"
			}
			if got := strings.Join(ids, " "); got != want {
				t.Errorf("checks\n got %s\nwant %s", got, want)
			}
		})
	}
	t.Run("OKIncompleteWithoutBlobAndBytes", func(t *testing.T) {
		bundle := selfBundle(t)
		bundle.Tx.Blob, bundle.Manifest.Bytes = "", nil
		r := anchor.VerifyOffline(bundle)
		if r.Verdict() != anchor.VerdictIncomplete {
			t.Fatalf("verdict %s", r.Verdict())
		}
		wantCheck(t, r, anchor.CheckTxHash, anchor.StatusSkip, "ledger.tx")
		wantCheck(t, r, anchor.CheckContentSHA256, anchor.StatusSkip, "fetch it by CID")
		// The caller settles the skips online.
		r.VerifyContent(bundle, selfBundle(t).Manifest.Bytes)
		for _, id := range []string{anchor.CheckTxHash, anchor.CheckTxMemo, anchor.CheckTxSignature} {
			r.Set(id, anchor.StatusPass, "ledger")
		}
		r.Set(anchor.CheckLedgerNetwork, anchor.StatusPass, "network 0")
		r.Set(anchor.CheckLedgerTx, anchor.StatusPass, "validated in ledger 96, tesSUCCESS")
		if r.Verdict() != anchor.VerdictVerified {
			t.Fatalf("verdict after online checks %s: %s", r.Verdict(), dump(r))
		}
		if last := r.Checks[len(r.Checks)-1]; last.ID != anchor.CheckLedgerTx || last.Name != "Transaction validated with tesSUCCESS" {
			t.Errorf("appended check %+v", last)
		}
		var out struct{ Verdict string }
		data, _ := json.Marshal(r)
		if json.Unmarshal(data, &out); out.Verdict != "verified" {
			t.Errorf("JSON verdict %q in %s", out.Verdict, data)
		}
	})
}

// TestVerifyOfflineCatches runs each attack the verifier must catch, and
// checks it is caught by the right check with the right reason.
func TestVerifyOfflineCatches(t *testing.T) {
	k := testKeys(t)
	b := newBatch(t)
	secp := b.leafBy(t, "0")
	alice, bob := string(k.alice.ClassicAddress), string(k.bob.ClassicAddress)
	for _, tc := range []struct {
		name    string
		bundle  func() anchor.ProofBundle
		id      string
		status  anchor.Status
		detail  string
		verdict anchor.Verdict
	}{
		{"ErrBodyChangedAfterAnchoring", func() anchor.ProofBundle {
			x := selfBundle(t)
			x.Manifest.Bytes = newArticle(t, alice, "Self-anchored, edited", "").bytes
			return x
		}, anchor.CheckContentSHA256, anchor.StatusFail, "it is not the anchored content", anchor.VerdictFailed},
		{"ErrBatchBodyChanged", func() anchor.ProofBundle {
			x := b.bundle(secp)
			x.Manifest.Bytes = append([]byte(nil), x.Manifest.Bytes...)
			x.Manifest.Bytes[10] ^= 1
			return x
		}, anchor.CheckContentSHA256, anchor.StatusFail, "the anchor says " + b.bundle(secp).Manifest.SHA256, anchor.VerdictFailed},
		{"ErrSelfAuthorSwapped", func() anchor.ProofBundle {
			x := selfBundle(t)
			x.Author = bob
			return x
		}, anchor.CheckAuthor, anchor.StatusFail, "the memo names author " + alice + ", the bundle claims " + bob, anchor.VerdictFailed},
		{"ErrSelfReplayedByAnotherAccount", func() anchor.ProofBundle {
			// Bob copies Alice's memo into his own transaction.
			x := selfBundle(t)
			x.Tx.Blob, x.Tx.Hash = anchorTx(t, k.bob, x.Memo)
			x.Tx.Account = bob
			return x
		}, anchor.CheckAuthor, anchor.StatusFail, "the memo names author " + alice + " but transaction Account " + bob + " signed it", anchor.VerdictFailed},
		{"ErrBatchAuthorSwapped", func() anchor.ProofBundle {
			// A leaf signed by Alice presented as Bob's.
			x := b.bundle(secp)
			x.Author = bob
			return x
		}, anchor.CheckLeafSignature, anchor.StatusFail, "signature does not verify", anchor.VerdictFailed},
		{"ErrSignatureForged", func() anchor.ProofBundle {
			x := b.bundle(b.leafBy(t, "ED"))
			sig := []byte(x.Batch.Signature)
			sig[5] = map[bool]byte{true: 'B', false: 'A'}[sig[5] == 'A']
			x.Batch.Signature = string(sig)
			return x
		}, anchor.CheckLeafSignature, anchor.StatusFail, "signature does not verify", anchor.VerdictFailed},
		{"ErrSignatureByAnotherKeyClaimed", func() anchor.ProofBundle {
			x := b.bundle(secp)
			x.Batch.PublicKey = strings.ToUpper(k.carol.PublicKey)
			return x
		}, anchor.CheckLeafSignature, anchor.StatusFail, "signature does not verify", anchor.VerdictFailed},
		{"SkipSignedWithNonMasterKey", func() anchor.ProofBundle {
			// Carol's key signs Alice's article: valid only if the ledger shows
			// Carol's key as Alice's RegularKey.
			a := newArticle(t, alice, "By Alice, signed with Carol's key", "")
			l, err := anchor.SignLeaf(anchor.Leaf{Author: alice, SHA256: a.sha256, CID: a.cid}, k.carol.Seed)
			if err != nil {
				t.Fatal(err)
			}
			other := newArticle(t, bob, "Other", "")
			rb := batchOf(t, []article{a, other}, []anchor.Leaf{l, signedLeaf(t, k.bob, other)})
			i, _ := rb.tree.Index(mustLeafHash(t, l))
			return rb.bundle(i)
		}, anchor.CheckAuthorKey, anchor.StatusSkip, "is not " + alice + "'s master key: the ledger must show it was " + alice + "'s RegularKey at ledger 97", anchor.VerdictIncomplete},
		{"ErrMemoOfAnotherFormat", func() anchor.ProofBundle {
			x := b.bundle(secp)
			x.Memo.Format = "746578742F706C61696E" // text/plain
			return x
		}, anchor.CheckMemo, anchor.StatusFail, `MemoFormat "text/plain" is not "application/json"`, anchor.VerdictFailed},
		{"ErrMemoKindNotMode", func() anchor.ProofBundle {
			x := selfBundle(t)
			x.Memo = b.memo
			return x
		}, anchor.CheckMemo, anchor.StatusFail, "the memo is a batch anchor but the bundle is in mode self", anchor.VerdictFailed},
		{"ErrPathTampered", func() anchor.ProofBundle {
			x := b.bundle(secp)
			x.Batch.Path = append([][32]byte(nil), x.Batch.Path...)
			x.Batch.Path[0][0] ^= 0x80
			return x
		}, anchor.CheckMerklePath, anchor.StatusFail, "path leads to root", anchor.VerdictFailed},
		{"ErrPathTruncated", func() anchor.ProofBundle {
			x := b.bundle(secp)
			x.Batch.Path = x.Batch.Path[:len(x.Batch.Path)-1]
			return x
		}, anchor.CheckMerklePath, anchor.StatusFail, "hashes, leaf", anchor.VerdictFailed},
		{"ErrWrongIndex", func() anchor.ProofBundle {
			x := b.bundle(secp)
			x.Batch.Index ^= 1
			return x
		}, anchor.CheckMerklePath, anchor.StatusFail, "merkle proof:", anchor.VerdictFailed},
		{"ErrWrongRoot", func() anchor.ProofBundle {
			// A memo with another root, in a transaction that carries it.
			x := b.bundle(secp)
			m := anchor.Memo{Version: 1, Kind: anchor.KindBatch, Root: strings.Repeat("ab", 32), Leaves: uint64(b.tree.Len())}
			x.Memo, _ = anchor.EncodeMemoHex(m)
			x.Tx.Blob, x.Tx.Hash = anchorTx(t, k.platform, x.Memo)
			return x
		}, anchor.CheckMerklePath, anchor.StatusFail, "not the anchored root " + strings.Repeat("ab", 32), anchor.VerdictFailed},
		{"ErrOtherNetwork", func() anchor.ProofBundle {
			x := b.bundle(secp)
			x.Network = anchor.Network{ID: 1, Name: "testnet"}
			return x
		}, anchor.CheckLeafSignature, anchor.StatusFail, "signature does not verify", anchor.VerdictFailed},
		{"ErrBlobOfAnotherTransaction", func() anchor.ProofBundle {
			x := b.bundle(secp)
			x.Tx.Blob = selfBundle(t).Tx.Blob
			return x
		}, anchor.CheckTxHash, anchor.StatusFail, "not the anchored " + b.hash, anchor.VerdictFailed},
		{"ErrBlobWithoutTheMemo", func() anchor.ProofBundle {
			x := b.bundle(secp)
			other, _ := anchor.EncodeMemoHex(anchor.Memo{Version: 1, Kind: anchor.KindBatch, Root: strings.Repeat("cd", 32), Leaves: 5})
			x.Tx.Blob, x.Tx.Hash = anchorTx(t, k.platform, other)
			return x
		}, anchor.CheckTxMemo, anchor.StatusFail, "do not include the bundle's memo", anchor.VerdictFailed},
		{"ErrBlobAccountNotTxAccount", func() anchor.ProofBundle {
			x := b.bundle(secp)
			x.Tx.Account = alice
			return x
		}, anchor.CheckTxMemo, anchor.StatusFail, "the blob's Account is " + b.platform + ", not " + alice, anchor.VerdictFailed},
		{"ErrManifestOfAnotherAuthor", func() anchor.ProofBundle {
			// Alice anchors, with her key, a manifest that names Bob.
			a := newArticle(t, bob, "Bob's words", "")
			a.author = alice
			return selfBundleFor(t, k, a, "")
		}, anchor.CheckManifestAuthor, anchor.StatusFail, "the manifest names author " + bob + ", the anchor " + alice, anchor.VerdictFailed},
		{"ErrManifestPreviousDisagrees", func() anchor.ProofBundle {
			a := newArticle(t, alice, "Edit", "")
			return selfBundleFor(t, k, a, strings.Repeat("AB", 32))
		}, anchor.CheckManifestAuthor, anchor.StatusFail, "the manifest replaces nothing but the memo says prev " + strings.Repeat("AB", 32), anchor.VerdictFailed},
		{"ErrContentNotAManifest", func() anchor.ProofBundle {
			x := selfBundle(t)
			data := []byte("not a manifest")
			x.Manifest = anchor.ManifestRef{CID: rawCID(data), SHA256: sha256Hex(data), Bytes: data}
			x.Memo, _ = anchor.EncodeMemoHex(anchor.SelfMemo(x.Manifest.SHA256, x.Manifest.CID, alice, ""))
			x.Tx.Blob, x.Tx.Hash = anchorTx(t, k.alice, x.Memo)
			return x
		}, anchor.CheckManifestAuthor, anchor.StatusFail, "the content is not a canonical Banx manifest", anchor.VerdictFailed},
		{"ErrContentWithNonASCIIAuthor", func() anchor.ProofBundle {
			// Anchored content whose author field would crash a naive reader.
			x := selfBundle(t)
			data := []byte(`{"author":"r\u0780","body":"B","category":"opinion","created":"2026-01-01T00:00:00Z","language":"en","schema":"banx.manifest/1","summary":"S","title":"T"}`)
			x.Manifest = anchor.ManifestRef{CID: rawCID(data), SHA256: sha256Hex(data), Bytes: data}
			x.Memo, _ = anchor.EncodeMemoHex(anchor.SelfMemo(x.Manifest.SHA256, x.Manifest.CID, alice, ""))
			x.Tx.Blob, x.Tx.Hash = anchorTx(t, k.alice, x.Memo)
			return x
		}, anchor.CheckManifestAuthor, anchor.StatusFail, "is not a valid XRPL classic address", anchor.VerdictFailed},
		{"ErrBundleInvalid", func() anchor.ProofBundle {
			x := selfBundle(t)
			x.Tx.LedgerIndex = 0
			return x
		}, anchor.CheckBundle, anchor.StatusFail, "proof bundle: tx.ledger_index is required", anchor.VerdictFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := anchor.VerifyOffline(tc.bundle())
			wantCheck(t, r, tc.id, tc.status, tc.detail)
			if r.Verdict() != tc.verdict {
				t.Errorf("verdict %s, want %s: %s", r.Verdict(), tc.verdict, dump(r))
			}
			if tc.status == anchor.StatusSkip {
				if r.Key == nil || r.Key.Master || r.Key.KeyAddress != string(k.carol.ClassicAddress) || r.Key.Account != alice {
					t.Errorf("report key %+v, want Carol's key for Alice", r.Key)
				}
			}
		})
	}
}

func TestCheckContent(t *testing.T) {
	data := []byte("test")
	if err := anchor.CheckContent(data, sha); err != nil {
		t.Fatal(err)
	}
	err := anchor.CheckContent([]byte("test!"), sha)
	wantErr(t, err, banx.EINVALID, "the anchor says "+sha+": it is not the anchored content")
}

func mustLeafHash(t testing.TB, l anchor.Leaf) [32]byte {
	t.Helper()
	h, err := anchor.LeafHash(l)
	if err != nil {
		t.Fatal(err)
	}
	return h
}
