package anchor_test

import (
	"testing"

	"github.com/banxmedia/banx/internal/anchor"
)

// selfBundle anchors one article by Alice in her own transaction and returns
// the full bundle (signed blob and manifest bytes inline).
func selfBundle(t testing.TB) anchor.ProofBundle {
	t.Helper()
	k := testKeys(t)
	a := newArticle(t, string(k.alice.ClassicAddress), "Self-anchored", "")
	return selfBundleFor(t, k, a, "")
}

func selfBundleFor(t testing.TB, k keys, a article, prev string) anchor.ProofBundle {
	t.Helper()
	memo, err := anchor.EncodeMemoHex(anchor.SelfMemo(a.sha256, a.cid, a.author, prev))
	if err != nil {
		t.Fatal(err)
	}
	blob, hash := anchorTx(t, k.alice, memo)
	return anchor.ProofBundle{
		Version:  anchor.BundleVersion,
		Mode:     anchor.KindSelf,
		Network:  anchor.Network{ID: 0, Name: "mainnet"},
		Author:   a.author,
		Manifest: anchor.ManifestRef{CID: a.cid, SHA256: a.sha256, Bytes: a.bytes},
		Tx:       anchor.TxRef{Hash: hash, LedgerIndex: 96, Account: string(k.alice.ClassicAddress), Blob: blob},
		Memo:     memo,
	}
}

// batch is a platform batch of five article versions by Alice (secp256k1)
// and Bob (ed25519), anchored by the platform account.
type batch struct {
	tree     *anchor.Tree
	articles map[string]article // by leaf SHA256
	memo     anchor.MemoHex
	blob     string
	hash     string
	platform string
}

func newBatch(t testing.TB) batch {
	t.Helper()
	k := testKeys(t)
	var articles []article
	var leaves []anchor.Leaf
	for _, x := range []struct {
		who   string
		title string
	}{{"alice", "One"}, {"bob", "Two"}, {"alice", "Three"}, {"bob", "Four"}, {"alice", "Five"}} {
		w := k.alice
		if x.who == "bob" {
			w = k.bob
		}
		a := newArticle(t, string(w.ClassicAddress), x.title, "")
		articles = append(articles, a)
		leaves = append(leaves, signedLeaf(t, w, a))
	}
	return batchOf(t, articles, leaves)
}

// batchOf builds the tree over leaves and has the platform anchor it.
func batchOf(t testing.TB, articles []article, leaves []anchor.Leaf) batch {
	t.Helper()
	k := testKeys(t)
	b := batch{articles: map[string]article{}, platform: string(k.platform.ClassicAddress)}
	for _, a := range articles {
		b.articles[a.sha256] = a
	}
	tree, err := anchor.BuildTree(leaves)
	if err != nil {
		t.Fatal(err)
	}
	b.tree = tree
	b.memo, err = anchor.EncodeMemoHex(anchor.BatchMemo(tree, "2026-01-01.0001"))
	if err != nil {
		t.Fatal(err)
	}
	b.blob, b.hash = anchorTx(t, k.platform, b.memo)
	return b
}

// bundle returns the proof bundle of the i-th leaf in tree order.
func (b batch) bundle(i int) anchor.ProofBundle {
	l := b.tree.Leaf(i)
	p := b.tree.Proof(i)
	a := b.articles[l.SHA256]
	return anchor.ProofBundle{
		Version:  anchor.BundleVersion,
		Mode:     anchor.KindBatch,
		Network:  anchor.Network{ID: 0, Name: "mainnet"},
		Author:   l.Author,
		Manifest: anchor.ManifestRef{CID: l.CID, SHA256: l.SHA256, Bytes: a.bytes},
		Tx:       anchor.TxRef{Hash: b.hash, LedgerIndex: 97, Account: b.platform, Blob: b.blob},
		Memo:     b.memo,
		Batch:    &anchor.BatchProof{PublicKey: l.PublicKey, Signature: l.Signature, Index: p.Index, Path: p.Path},
	}
}

// leafBy returns the tree index of the first leaf whose public key starts with prefix.
func (b batch) leafBy(t testing.TB, prefix string) int {
	t.Helper()
	for i := 0; i < b.tree.Len(); i++ {
		if b.tree.Leaf(i).PublicKey[:2] == prefix || (prefix == "0" && b.tree.Leaf(i).PublicKey[0] == '0') {
			return i
		}
	}
	t.Fatalf("no leaf with key prefix %s", prefix)
	return 0
}
