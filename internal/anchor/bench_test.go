package anchor_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/Peersyst/xrpl-go/xrpl/wallet"
	"github.com/banxmedia/banx/internal/anchor"
)

// benchBatchSize is the product goal: one anchor transaction per 10,000 articles.
const benchBatchSize = 10000

// signedBatch builds, once per algorithm, a tree of benchBatchSize leaves with
// real signatures by one author.
var signedBatch = sync.OnceValue(func() map[string]*anchor.Tree {
	t := &testing.T{}
	k := testKeys(t)
	out := map[string]*anchor.Tree{}
	for name, w := range map[string]wallet.Wallet{"secp256k1": k.alice, "ed25519": k.bob} {
		leaves := make([]anchor.Leaf, benchBatchSize)
		for i := range leaves {
			sum := sha256.Sum256([]byte(fmt.Sprint("bench article ", i)))
			l := anchor.Leaf{Author: string(w.ClassicAddress), SHA256: hex.EncodeToString(sum[:]), CID: dagPBCID(fmt.Sprint(i)),
				PublicKey: strings.ToUpper(w.PublicKey)}
			sig, err := anchor.SignMessage(anchor.SigningMessage(l), w.PrivateKey)
			if err != nil {
				panic(err)
			}
			l.Signature = sig
			leaves[i] = l
		}
		tree, err := anchor.BuildTree(leaves)
		if err != nil {
			panic(err)
		}
		out[name] = tree
	}
	return out
})

// BenchmarkBuildTreeAndProofs builds a 10,000-leaf batch and every proof.
func BenchmarkBuildTreeAndProofs(b *testing.B) {
	leaves := fakeLeaves(b, benchBatchSize)
	b.ReportAllocs()
	for b.Loop() {
		tree, err := anchor.BuildTree(leaves)
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < tree.Len(); i++ {
			_ = tree.Proof(i)
		}
	}
}

// BenchmarkVerifyProofAndSignature is the offline check of one batch article:
// leaf hash recomputed, Merkle path to the root of a 10,000-leaf tree, author
// signature. The Parallel variants use every core (GOMAXPROCS).
func BenchmarkVerifyProofAndSignature(b *testing.B) {
	trees := signedBatch()
	for _, alg := range []string{"secp256k1", "ed25519"} {
		tree := trees[alg]
		root := tree.Root()
		proofs := make([]anchor.Proof, tree.Len())
		for i := range proofs {
			proofs[i] = tree.Proof(i)
		}
		verify := func(b *testing.B, i int) {
			l := tree.Leaf(i)
			h, err := anchor.LeafHash(l)
			if err != nil {
				b.Fatal(err)
			}
			if err := anchor.VerifyProof(h, proofs[i], root); err != nil {
				b.Fatal(err)
			}
			if err := anchor.VerifyLeafSignature(l); err != nil {
				b.Fatal(err)
			}
		}
		b.Run(alg, func(b *testing.B) {
			i := 0
			for b.Loop() {
				verify(b, i%len(proofs))
				i++
			}
		})
		b.Run(alg+"/Parallel", func(b *testing.B) {
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					verify(b, i%len(proofs))
					i += 7
				}
			})
		})
	}
}

// BenchmarkVerifyOffline runs the whole offline verification of a bundle with
// inline manifest and transaction blob (two signatures, one blob decode).
func BenchmarkVerifyOffline(b *testing.B) {
	bt := newBatch(b)
	for name, bundle := range map[string]anchor.ProofBundle{"self": selfBundle(b), "batch": bt.bundle(0)} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if r := anchor.VerifyOffline(bundle); r.Verdict() != anchor.VerdictIncomplete {
					b.Fatal(r.Verdict())
				}
			}
		})
	}
}

func BenchmarkDecodeMemo(b *testing.B) {
	typ, format, data, err := anchor.EncodeMemo(anchor.SelfMemo(sha, cidOfTest, alice, txh))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := anchor.DecodeMemo(typ, format, data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseProofBundle(b *testing.B) {
	data, err := newBatch(b).bundle(0).Marshal()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := anchor.ParseProofBundle(data); err != nil {
			b.Fatal(err)
		}
	}
}
