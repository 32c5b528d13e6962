package publish_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/publish/publishtest"
)

// rawCID is the CIDv1 (raw, sha2-256) of content with this digest.
func rawCID(digest []byte) string {
	enc := base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)
	return "b" + enc.EncodeToString(append([]byte{0x01, 0x55, 0x12, 0x20}, digest...))
}

// queueLeaves stores n versions by a few authors and queues their signed
// leaves for the next batch, straight through the store (the content itself
// plays no part in closing a batch).
func queueLeaves(b *testing.B, f *fixture, authors []*wallet.Wallet, n int) {
	b.Helper()
	ctx := context.Background()
	network := f.svc.NetworkID()
	for i := range n {
		w := authors[i%len(authors)]
		var d [32]byte
		rand.Read(d[:])
		sum := sha256.Sum256(d[:])
		sha, cid := hex.EncodeToString(sum[:]), rawCID(sum[:])
		a := &banx.Article{Author: w.ClassicAddress.String(), Slug: "bench-" + sha[:16]}
		v := &banx.ArticleVersion{ManifestCID: cid, SHA256: sha, Author: a.Author, Title: "bench", Status: banx.StatusStored}
		if err := f.db.CreateArticle(ctx, a, v); err != nil {
			b.Fatal(err)
		}
		l, err := anchor.SignLeaf(anchor.Leaf{NetworkID: network, Author: a.Author, SHA256: sha, CID: cid}, w.Seed)
		if err != nil {
			b.Fatal(err)
		}
		if err := f.db.QueueBatchLeaf(ctx, v.ID, l.PublicKey, l.Signature, network); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBatchAnchor closes one platform batch of 10,000 article versions:
// Merkle tree, one signed AccountSet, submission and validation in one ledger
// close on the embedded ledger. anchors/tx is how many articles one
// transaction (one ledger close) anchors.
func BenchmarkBatchAnchor(b *testing.B) {
	for _, n := range []int{1_000, 10_000} {
		b.Run(fmt.Sprintf("leaves=%d", n), func(b *testing.B) {
			f := newFixture(b)
			authors := []*wallet.Wallet{publishtest.NewWallet(b), publishtest.NewWallet(b), publishtest.NewEd25519Wallet(b)}
			ctx := context.Background()
			var total time.Duration
			for range b.N {
				b.StopTimer()
				queueLeaves(b, f, authors, n)
				b.StartTimer()
				start := time.Now()
				got, err := f.svc.AnchorBatch(ctx)
				total += time.Since(start)
				if err != nil || got != n {
					b.Fatalf("AnchorBatch = %d, %v", got, err)
				}
			}
			b.ReportMetric(float64(n), "anchors/tx")
			b.ReportMetric(float64(total.Microseconds())/float64(b.N*n), "µs/anchor")
		})
	}
}

// BenchmarkPublish measures end-to-end publish latency on the embedded
// stack (SQLite file, embedded IPFS, embedded ledger closing as soon as the
// service waits): draft, sign, anchor, validated.
func BenchmarkPublish(b *testing.B) {
	ctx := context.Background()
	b.Run("mode=self", func(b *testing.B) {
		f := newFixture(b)
		w := publishtest.NewWallet(b)
		publishtest.Fund(b, ctx, f.client, w, 1_000_000_000)
		me := w.ClassicAddress.String()
		b.ResetTimer()
		for i := range b.N {
			d, err := f.svc.CreateDraft(ctx, me, manifestDoc(me, fmt.Sprintf("Self %d", i), ""), 0)
			if err != nil {
				b.Fatal(err)
			}
			p, err := f.svc.PrepareSelf(ctx, me, d.Detail.Version.ID)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := f.svc.SubmitSelf(ctx, me, d.Detail.Version.ID, signPrepared(b, p, w)); err != nil {
				b.Fatal(err)
			}
			waitPublishedB(b, f, d.Detail.Version.ID)
		}
	})
	b.Run("mode=batch", func(b *testing.B) {
		f := newFixture(b)
		w := publishtest.NewWallet(b)
		me := w.ClassicAddress.String()
		b.ResetTimer()
		for i := range b.N {
			d, err := f.svc.CreateDraft(ctx, me, manifestDoc(me, fmt.Sprintf("Batch %d", i), ""), 0)
			if err != nil {
				b.Fatal(err)
			}
			v := d.Detail.Version
			l, err := anchor.SignLeaf(anchor.Leaf{NetworkID: d.NetworkID, Author: me, SHA256: v.SHA256, CID: v.ManifestCID}, w.Seed)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := f.svc.QueueBatch(ctx, me, v.ID, l.PublicKey, l.Signature); err != nil {
				b.Fatal(err)
			}
			if _, err := f.svc.AnchorBatch(ctx); err != nil {
				b.Fatal(err)
			}
			waitPublishedB(b, f, v.ID)
		}
	})
}

func waitPublishedB(b *testing.B, f *fixture, id int64) {
	for {
		d, err := f.db.FindVersion(context.Background(), id)
		if err != nil {
			b.Fatal(err)
		}
		switch d.Version.Status {
		case banx.StatusPublished:
			return
		case banx.StatusFailed:
			b.Fatalf("failed: %s", d.Anchoring.FailureReason)
		}
		time.Sleep(time.Millisecond)
	}
}
