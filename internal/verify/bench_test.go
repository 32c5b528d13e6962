package verify_test

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/verify"
	"github.com/banxmedia/banx/internal/verify/verifytest"
)

// offlineBatch builds, without any node, a batch of n leaves by one author
// (secp256k1, or ed25519) anchored by a platform transaction, and returns the
// full bundle (signed blob and manifest bytes inline) of one leaf.
func offlineBatch(b *testing.B, n int, ed25519 bool) anchor.ProofBundle {
	b.Helper()
	author := verifytest.Wallet(b, 0xA1, ed25519)
	platform := verifytest.Wallet(b, 0xF0, false)
	leaves := make([]anchor.Leaf, n)
	var first verifytest.Article
	for i := range leaves {
		a := verifytest.Manifest(b, string(author.ClassicAddress), "Article "+itoa(uint32(i)), "")
		if i == 0 {
			first = a
		}
		leaves[i] = verifytest.Leaf(b, a, author)
	}
	tree, err := anchor.BuildTree(leaves)
	if err != nil {
		b.Fatal(err)
	}
	memo := verifytest.Memo(b, anchor.BatchMemo(tree, ""))
	blob, hash, err := platform.Sign(map[string]any{
		"TransactionType": "AccountSet", "Account": string(platform.ClassicAddress), "Fee": "12",
		"Sequence": uint32(5), "LastLedgerSequence": uint32(40), "Flags": uint32(0),
		"Memos": []any{map[string]any{"Memo": map[string]any{"MemoType": memo.Type, "MemoFormat": memo.Format, "MemoData": memo.Data}}},
	})
	if err != nil {
		b.Fatal(err)
	}
	batch := verifytest.Batch{Tree: tree, Memo: memo, Hash: hash, LedgerIndex: 20, Platform: string(platform.ClassicAddress)}
	bundle := batch.Bundle(b, first.SHA256)
	bundle.Tx.Blob, bundle.Manifest.Bytes = blob, first.Bytes
	return bundle
}

// BenchmarkVerifyOffline measures offline proof verification with all cores
// (GOMAXPROCS): LeafProof is the author signature plus the Merkle path in a
// batch of 4,096; Bundle is everything VerifyOffline does with a full
// bundle (also the platform's transaction signature, the memo and the
// manifest). proofs/s is wall-clock throughput; cpu-ns/op is the process CPU
// time per proof, which other load on a shared machine barely changes, so
// 2e9/cpu-ns/op estimates proofs/s on two idle cores.
func BenchmarkVerifyOffline(b *testing.B) {
	for _, c := range []struct {
		name    string
		ed25519 bool
	}{{"secp256k1", false}, {"ed25519", true}} {
		bundle := offlineBatch(b, 4096, c.ed25519)
		if r := anchor.VerifyOffline(bundle); r.Verdict() == anchor.VerdictFailed {
			b.Fatalf("the bundle does not verify: %+v", r.Checks)
		}
		leaf := bundle.Leaf()
		memo, _ := anchor.DecodeMemoHex(bundle.Memo)
		proof := anchor.Proof{Index: bundle.Batch.Index, Size: memo.Leaves, Path: bundle.Batch.Path}
		root := memo.RootHash()
		b.Run("LeafProof/"+c.name, func(b *testing.B) {
			defer reportCPU(b)()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := anchor.VerifyLeafSignature(leaf); err != nil {
						b.Fatal(err)
					}
					h, _ := anchor.LeafHash(leaf)
					if err := anchor.VerifyProof(h, proof, root); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
		b.Run("Bundle/"+c.name, func(b *testing.B) {
			defer reportCPU(b)()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					anchor.VerifyOffline(bundle)
				}
			})
		})
	}
}

// reportCPU reports the process CPU time per operation and proofs/s.
func reportCPU(b *testing.B) func() {
	start := cpuTime()
	return func() {
		b.ReportMetric(float64((cpuTime()-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "proofs/s")
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkVerifyOnline measures one full verification against the embedded
// stack on loopback: the embedded ledger (JSON-RPC or WebSocket) and a real
// Kubo daemon (RPC API or gateway), one verification at a time. Read ns/op as
// the latency a reader sees, minus their network.
func BenchmarkVerifyOnline(b *testing.B) {
	s := verifytest.Start(b)
	ctx := context.Background()
	author, platform := s.NewAccount(b), s.NewAccount(b)
	self := s.AnchorSelf(b, s.NewArticle(b, string(author.ClassicAddress), "Self", ""), author)
	a := s.NewArticle(b, string(author.ClassicAddress), "Batched", "")
	batch := s.AnchorBatch(b, platform, verifytest.Leaf(b, a, author), verifytest.Leaf(b, s.NewArticle(b, a.Author, "Other", ""), author))
	for _, c := range []struct {
		name   string
		ws     bool
		mode   verify.IPFSMode
		bundle anchor.ProofBundle
	}{
		{"Self/HTTP/RPC", false, verify.ModeRPC, self},
		{"Self/WS/Gateway", true, verify.ModeGateway, self},
		{"Batch/HTTP/RPC", false, verify.ModeRPC, batch.Bundle(b, a.SHA256)},
	} {
		b.Run(c.name, func(b *testing.B) {
			v := verifier(b, s, c.ws, c.mode)
			v.Timeout = 10 * time.Second
			for b.Loop() {
				if res := v.VerifyBundle(ctx, c.bundle); res.Verdict() != anchor.VerdictVerified {
					b.Fatalf("verdict %s\n%s", res.Verdict(), dump(res))
				}
			}
		})
	}
	b.Run("TxHash/HTTP/RPC", func(b *testing.B) {
		v := verifier(b, s, false, verify.ModeRPC)
		for b.Loop() {
			if res, err := v.VerifyTx(ctx, verify.Target{TxHash: self.Tx.Hash}); err != nil || res.Verdict() != anchor.VerdictVerified {
				b.Fatalf("%v %s", err, res.Verdict())
			}
		}
	})
}
