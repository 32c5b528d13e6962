package ipfs_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/banxmedia/banx/internal/ipfs/kubo"
	"github.com/banxmedia/banx/internal/ipfs/kubotest"
)

// benchWorkers is the number of concurrent writers: about what a busy Banx node
// sees when many authors publish at once.
const benchWorkers = 8

// BenchmarkAdd4KiB adds distinct 4 KiB documents (pinned, with the contract's
// settings) from 8 goroutines and reports documents per second. Both stores run in
// the same invocation so their figures are comparable:
//
//	go test ./internal/ipfs -run '^$' -bench Add4KiB -benchtime 5000x
func BenchmarkAdd4KiB(b *testing.B) {
	for _, bs := range benchStores(b) {
		b.Run(bs.name, func(b *testing.B) {
			benchmarkAdd(b, bs.store)
		})
	}
}

type namedStore struct {
	name  string
	store store
}

// benchStores returns the stores to compare: Kubo on its default flatfs
// datastore (the shared daemon), Kubo on pebbleds, and the embedded store. Kubo's
// throughput is bound by its datastore (flatfs creates a file per block), which
// the pebbleds figure makes visible.
func benchStores(b *testing.B) []namedStore {
	k, e := openStores(b)
	d := kubotest.StartWith(b, kubotest.Options{Profiles: []string{"pebbleds"}})
	kp, err := kubo.Open(kubo.Config{API: d.API})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { kp.Close() })
	return []namedStore{{"kubo-flatfs", k}, {"kubo-pebbleds", kp}, {"embedded", e}}
}

// benchmarkAdd runs exactly benchWorkers goroutines (RunParallel would tie their
// number to GOMAXPROCS) that share b.N adds between them.
func benchmarkAdd(b *testing.B, s store) {
	ctx := context.Background()
	base := randomBytes(7, 4<<10)
	var next atomic.Int64
	salt := uint64(rand.Uint32()) << 32 // documents no earlier run has stored
	b.SetBytes(4 << 10)
	b.ResetTimer()
	var wg sync.WaitGroup
	for range benchWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			doc := bytes.Clone(base)
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				// distinct content, so every add stores a new block
				binary.LittleEndian.PutUint64(doc, salt+uint64(i))
				if _, err := s.Add(ctx, bytes.NewReader(doc)); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}

// BenchmarkCat4KiB reads 4 KiB documents back (every block hash-checked on the
// embedded side) from 8 goroutines and reports documents per second:
//
//	go test ./internal/ipfs -run '^$' -bench Cat4KiB -benchtime 5000x
func BenchmarkCat4KiB(b *testing.B) {
	for _, bs := range benchStores(b) {
		s := bs.store
		b.Run(bs.name, func(b *testing.B) {
			ctx := context.Background()
			cids := make([]string, 500)
			for i := range cids {
				c, err := s.Add(ctx, bytes.NewReader(randomBytes(uint64(1000+i), 4<<10)))
				if err != nil {
					b.Fatal(err)
				}
				cids[i] = c
			}
			var next atomic.Int64
			b.SetBytes(4 << 10)
			b.ResetTimer()
			var wg sync.WaitGroup
			for range benchWorkers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					buf := make([]byte, 8<<10)
					for {
						i := next.Add(1)
						if i > int64(b.N) {
							return
						}
						rc, err := s.Cat(ctx, cids[int(i)%len(cids)])
						if err != nil {
							b.Error(err)
							return
						}
						n, err := io.ReadFull(rc, buf)
						rc.Close()
						if n != 4<<10 || err != io.ErrUnexpectedEOF {
							b.Errorf("read %d bytes, %v; want 4096, unexpected EOF", n, err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
		})
	}
}
