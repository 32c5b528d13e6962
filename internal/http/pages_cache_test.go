package http

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"html/template"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/level"
	"github.com/banxmedia/banx/internal/reward"
)

// TestVersionCacheBounded checks the version cache against its bounds: it
// never holds more than maxCachedVersions entries or maxCachedVersionBytes
// bytes, evicts the least recently read, and serves the same value on a hit.
// It is an internal test because the bounds are deliberately unexported.
func TestVersionCacheBounded(t *testing.T) {
	ctx := context.Background()
	value := func(key string, size int) func(context.Context) (*renderedVersion, error) {
		return func(context.Context) (*renderedVersion, error) {
			return &renderedVersion{Body: template.HTML("<p>" + key + "</p>"), size: size}, nil
		}
	}
	t.Run("OKSameOutput", func(t *testing.T) {
		var c versionCache
		a, err := c.get(ctx, "k", value("k", 10))
		if err != nil {
			t.Fatal(err)
		}
		b, err := c.get(ctx, "k", func(context.Context) (*renderedVersion, error) { t.Fatal("rebuilt a cached version"); return nil, nil })
		if err != nil || a != b || b.Body != "<p>k</p>" {
			t.Fatalf("hit = %v %v, want the first value", b, err)
		}
	})
	t.Run("OKEntryBound", func(t *testing.T) {
		var c versionCache
		for i := range maxCachedVersions + 500 {
			k := fmt.Sprint(i)
			if _, err := c.get(ctx, k, value(k, 1)); err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				continue
			}
			c.get(ctx, "0", value("0", 1)) // keep the first one hot
		}
		if n, bytes, _ := c.stats(); n != maxCachedVersions || bytes != maxCachedVersions {
			t.Fatalf("%d entries, %d bytes; want %d", n, bytes, maxCachedVersions)
		}
		_, _, before := c.stats()
		c.get(ctx, "0", value("0", 1))
		if _, _, after := c.stats(); after != before {
			t.Fatal("the most recently read entry was evicted")
		}
		c.get(ctx, "1", value("1", 1))
		if _, _, after := c.stats(); after != before+1 {
			t.Fatal("the least recently read entry was kept")
		}
	})
	t.Run("OKByteBound", func(t *testing.T) {
		var c versionCache
		big := maxCachedVersionBytes / 4
		for i := range 10 {
			k := fmt.Sprint(i)
			c.get(ctx, k, value(k, big))
		}
		if n, bytes, _ := c.stats(); n != 4 || bytes != 4*big {
			t.Fatalf("%d entries, %d bytes; want 4, %d", n, bytes, 4*big)
		}
		c.get(ctx, "huge", value("huge", maxCachedVersionBytes+1))
		if n, _, _ := c.stats(); n != 4 {
			t.Fatalf("a value over the byte bound evicted the cache: %d entries", n)
		}
	})
	t.Run("OKOneBuildForConcurrentMisses", func(t *testing.T) {
		var c versionCache
		release := make(chan struct{})
		var wg sync.WaitGroup
		got := make([]*renderedVersion, 50)
		for i := range got {
			wg.Go(func() {
				v, err := c.get(ctx, "k", func(context.Context) (*renderedVersion, error) {
					<-release
					return &renderedVersion{size: 1}, nil
				})
				if err != nil {
					t.Error(err)
				}
				got[i] = v
			})
		}
		for {
			c.mu.Lock()
			waiting := c.inflight["k"] != nil
			c.mu.Unlock()
			if waiting {
				break
			}
		}
		close(release)
		wg.Wait()
		if _, _, builds := c.stats(); builds != 1 {
			t.Fatalf("%d builds for one version, want 1", builds)
		}
		for _, v := range got {
			if v != got[0] {
				t.Fatal("concurrent readers got different values")
			}
		}
	})
	t.Run("ErrNotCached", func(t *testing.T) {
		var c versionCache
		boom := errors.New("ipfs down")
		if _, err := c.get(ctx, "k", func(context.Context) (*renderedVersion, error) { return nil, boom }); err != boom {
			t.Fatalf("err = %v, want %v", err, boom)
		}
		if v, err := c.get(ctx, "k", value("k", 1)); err != nil || v.Body != "<p>k</p>" {
			t.Fatalf("after a failure: %v %v, want a fresh build", v, err)
		}
	})
}

// memLedger is a view ledger in memory for the tally: one counted view per
// row, ids from 1. gate, when set, holds every read until it is closed.
type memLedger struct {
	mu    sync.Mutex
	rows  []reward.ArticleViews
	err   error
	gate  chan struct{}
	reads int
}

func (m *memLedger) add(author string, article int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.rows = append(m.rows, reward.ArticleViews{Author: author, ArticleID: article, Views: 1})
}

func (m *memLedger) CountedViewsAfter(ctx context.Context, after int64) ([]reward.ArticleViews, int64, error) {
	m.mu.Lock()
	gate := m.gate
	m.mu.Unlock()
	if gate != nil {
		<-gate
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.reads++
	if m.err != nil {
		return nil, 0, m.err
	}
	return slices.Clone(m.rows[after:]), int64(len(m.rows)), nil
}

// TestViewTally checks that the incremental tally gives every request the
// views counted before it began, and shares refreshes between requests.
func TestViewTally(t *testing.T) {
	ctx := context.Background()
	t.Run("OKReadsViewsCountedBefore", func(t *testing.T) {
		var tally viewTally
		m := &memLedger{}
		for i := range 5 {
			m.add("rA", 1)
			if i%2 == 0 {
				m.add("rA", 2)
			}
			m.add("rB", 3)
			a, art, err := tally.counts(ctx, m, "rA", 1)
			if err != nil || a != int64(i+1+(i+2)/2) || art != int64(i+1) {
				t.Fatalf("round %d: author %d, article %d, %v", i, a, art, err)
			}
		}
		if b, art, _ := tally.counts(ctx, m, "rB", 2); b != 5 || art != 3 {
			t.Fatalf("author rB %d views, article 2 %d views; want 5 and 3", b, art)
		}
	})
	t.Run("OKSharedRefresh", func(t *testing.T) {
		var tally viewTally
		m := &memLedger{gate: make(chan struct{})}
		m.add("rA", 1)
		first := make(chan error, 1)
		go func() { _, _, err := tally.counts(ctx, m, "rA", 1); first <- err }()
		g := &tally.refreshes
		for running := false; !running; {
			g.mu.Lock()
			running = g.keys[""] != nil && g.keys[""].running != nil
			g.mu.Unlock()
		}
		var wg sync.WaitGroup
		for range 50 {
			wg.Go(func() {
				if a, _, err := tally.counts(ctx, m, "rA", 1); err != nil || a != 1 {
					t.Errorf("author views %d, %v; want 1", a, err)
				}
			})
		}
		for queued := false; !queued; {
			g.mu.Lock()
			queued = g.keys[""].next != nil && g.keys[""].next.waiters == 50
			g.mu.Unlock()
		}
		m.mu.Lock()
		close(m.gate)
		m.gate = nil
		m.mu.Unlock()
		wg.Wait()
		if err := <-first; err != nil {
			t.Fatal(err)
		}
		if m.reads != 2 {
			t.Fatalf("%d ledger reads for 51 concurrent requests, want 2 (the running one and one shared by the rest)", m.reads)
		}
	})
	t.Run("ErrLedger", func(t *testing.T) {
		var tally viewTally
		m := &memLedger{err: errors.New("disk I/O error")}
		m.add("rA", 1)
		if _, _, err := tally.counts(ctx, m, "rA", 1); err == nil {
			t.Fatal("a failed read gave counts")
		}
		m.err = nil
		if a, _, err := tally.counts(ctx, m, "rA", 1); err != nil || a != 1 {
			t.Fatalf("after recovery: %d, %v; want 1", a, err)
		}
	})
}

// TestPageCache checks the rendered page cache's bounds and key.
func TestPageCache(t *testing.T) {
	t.Run("OKEntryBound", func(t *testing.T) {
		var pc pageCache
		for i := range maxCachedPages*2 + 10 {
			pc.put(sha256.Sum256([]byte(fmt.Sprint(i))), &cachedPage{body: []byte("x")})
			if n, _ := pc.len(); n > maxCachedPages {
				t.Fatalf("%d entries, bound %d", n, maxCachedPages)
			}
		}
	})
	t.Run("OKByteBound", func(t *testing.T) {
		var pc pageCache
		big := make([]byte, maxCachedPageBytes/3)
		for i := range 10 {
			pc.put(sha256.Sum256([]byte(fmt.Sprint(i))), &cachedPage{body: big})
			if _, b := pc.len(); b > maxCachedPageBytes {
				t.Fatalf("%d bytes, bound %d", b, maxCachedPageBytes)
			}
		}
		pc.put(sha256.Sum256([]byte("huge")), &cachedPage{body: make([]byte, maxCachedPageBytes)})
		if pc.get(sha256.Sum256([]byte("huge"))) != nil {
			t.Fatal("a page over the byte bound was kept")
		}
	})
	t.Run("OKKeyCoversEveryField", func(t *testing.T) {
		p := articlePage{ID: 1, Views: 3, ViewsKnown: true, PageURL: "http://a.test/a/1"}
		base, _ := articlePageKey("v1", p)
		body := p
		body.Body = "<p>other body, same version</p>"
		if k, _ := articlePageKey("v1", body); k != base {
			t.Fatal("the version's own body changed the key: it is already named by the version")
		}
		for name, change := range map[string]func(*articlePage){
			"views": func(p *articlePage) { p.Views++ },
			"host":  func(p *articlePage) { p.PageURL = "http://b.test/a/1" },
			"level": func(p *articlePage) { p.Level = &level.Level{ID: "BEGINNER"} },
			"score": func(p *articlePage) { p.Score.Total++ },
			"time":  func(p *articlePage) { p.Anchor.LedgerTime = "2026-11-25T12:00:00Z" },
			"rows":  func(p *articlePage) { p.Versions = append(p.Versions, versionRow{N: 2}) },
		} {
			q := p
			change(&q)
			if k, _ := articlePageKey("v1", q); k == base {
				t.Errorf("changing the %s kept the key", name)
			}
		}
		if k, _ := articlePageKey("v2", p); k == base {
			t.Error("another version kept the key")
		}
	})
}

// TestFreshGroup checks what the tally test does not: keys are independent,
// a caller that leaves does not cancel the shared read, a panic in a read is
// an error, and finished keys are forgotten.
func TestFreshGroup(t *testing.T) {
	ctx := context.Background()
	t.Run("OKKeysApart", func(t *testing.T) {
		var g freshGroup[string]
		for _, k := range []string{"a", "b"} {
			if v, err := g.do(ctx, k, func(context.Context) (string, error) { return k, nil }); err != nil || v != k {
				t.Fatalf("key %s: %q, %v", k, v, err)
			}
		}
		for left := 1; left > 0; { // a key is forgotten just after its answer
			g.mu.Lock()
			reads := g.reads
			left = len(g.keys)
			g.mu.Unlock()
			if reads != 2 {
				t.Fatalf("%d reads for two keys, want 2", reads)
			}
		}
	})
	t.Run("OKLeaverDoesNotCancel", func(t *testing.T) {
		var g freshGroup[string]
		release := make(chan struct{})
		read := func(ctx context.Context) (string, error) {
			<-release
			return "v", ctx.Err()
		}
		gone, cancel := context.WithCancel(ctx)
		left := make(chan error, 1)
		go func() { _, err := g.do(gone, "k", read); left <- err }()
		for started := false; !started; {
			g.mu.Lock()
			started = g.keys["k"] != nil
			g.mu.Unlock()
		}
		stayed := make(chan string, 1)
		go func() { v, _ := g.do(ctx, "k", read); stayed <- v }()
		cancel()
		if err := <-left; banx.ErrorCode(err) != banx.EUNAVAILABLE {
			t.Fatalf("the caller that left got %v, want EUNAVAILABLE", err)
		}
		close(release)
		if v := <-stayed; v != "v" {
			t.Fatalf("the caller that stayed got %q, want v", v)
		}
	})
	t.Run("ErrPanic", func(t *testing.T) {
		var g freshGroup[int]
		_, err := g.do(ctx, "k", func(context.Context) (int, error) { panic("boom") })
		if banx.ErrorCode(err) != banx.EINTERNAL || !strings.Contains(err.Error(), "boom") {
			t.Fatalf("err = %v, want EINTERNAL naming the panic", err)
		}
	})
}
