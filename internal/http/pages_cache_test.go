package http

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"sync"
	"testing"
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
