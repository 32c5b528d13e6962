package http

import (
	"container/list"
	"context"
	"errors"
	"html/template"
	"strconv"
	"sync"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/credibility"
	"github.com/banxmedia/banx/internal/manifest"
	"github.com/banxmedia/banx/internal/publish"
)

// Bounds of the article version cache. An attacker can ask for every
// published version in turn, so the cache holds at most this many entries and
// this many bytes of manifest and rendered HTML, evicting the least recently
// read first.
const (
	maxCachedVersions     = 1024
	maxCachedVersionBytes = 64 << 20
)

// renderedVersion is everything an article page derives from one published
// version. A published version is immutable (its manifest is named by its CID
// and SHA-256, its anchor is in a validated ledger), so an entry never goes
// stale: an edit is a new version with a new CID and a new entry. Entries are
// shared between requests and must not be modified.
type renderedVersion struct {
	M           *manifest.Manifest
	Body        template.HTML // sanitized HTML of the Markdown body
	ReadMinutes int
	Cover       *manifest.Media // into M.Media; nil without a cover
	AIMedia     bool
	Offline     anchor.Report // offline verification of the version's proof bundle
	Sources     []sourceLink
	SourceURLs  []string
	AllNews     bool
	size        int // bytes counted against maxCachedVersionBytes
}

// versionKey names a published version exactly: its manifest CID (the
// content), its anchor transaction (the proof) and its row id.
func versionKey(v *publish.VersionView) string {
	return v.Version.ManifestCID + "/" + v.Anchor.TxHash + "/" + strconv.FormatInt(v.Version.ID, 10)
}

// renderedVersionOf returns the derived parts of a published version of an
// article, building them once per version however many readers ask at once.
func (s *Server) renderedVersionOf(ctx context.Context, articleID int64, v *publish.VersionView) (*renderedVersion, error) {
	return s.Site.versions.get(ctx, versionKey(v), func(ctx context.Context) (*renderedVersion, error) {
		return s.renderVersion(ctx, articleID, v.Version.Version)
	})
}

// renderVersion reads version n of an article back from IPFS through its
// proof bundle (checked against its anchored hash), verifies the bundle
// offline, and renders the manifest.
func (s *Server) renderVersion(ctx context.Context, articleID int64, n int) (*renderedVersion, error) {
	bundle, err := s.Publish.Proof(ctx, articleID, n)
	if err != nil {
		return nil, err
	}
	m, err := manifest.Parse(bundle.Manifest.Bytes)
	if err != nil {
		return nil, banx.Wrap(banx.EINTERNAL, err, "manifest of article %d", articleID)
	}
	r := &renderedVersion{M: &m, ReadMinutes: manifest.ReadingTime(m.Body), Offline: anchor.VerifyOffline(*bundle)}
	images := map[string]bool{}
	for i, md := range m.Media {
		images[md.CID] = true
		r.AIMedia = r.AIMedia || md.IsAIGenerated()
		if md.Role == manifest.RoleCover && r.Cover == nil {
			r.Cover = &m.Media[i]
		}
	}
	if r.Body, err = s.Site.render.Body(m.Body, images); err != nil {
		return nil, banx.Wrap(banx.EINTERNAL, err, "render article %d", articleID)
	}
	rules, err := credibility.DefaultRules()
	if err != nil {
		return nil, banx.Wrap(banx.EINTERNAL, err, "credibility rules")
	}
	r.AllNews = len(m.Sources) > 0
	for _, src := range m.Sources {
		news := rules.IsNewsOutlet(src.URL)
		r.AllNews = r.AllNews && news
		r.SourceURLs = append(r.SourceURLs, src.URL)
		r.Sources = append(r.Sources, sourceLink{Name: src.Name, URL: src.URL, News: news})
	}
	r.size = len(bundle.Manifest.Bytes) + len(r.Body) + 1024
	return r, nil
}

// versionCache is a size-bounded LRU of rendered versions that also merges
// concurrent misses for one key into a single build. Its zero value is ready.
type versionCache struct {
	mu       sync.Mutex
	order    *list.List // of *versionEntry, most recently read first
	items    map[string]*list.Element
	bytes    int
	inflight map[string]*versionCall
	builds   int // builds started, for tests
}

type versionEntry struct {
	key string
	v   *renderedVersion
}

// versionCall is a build in progress; done closes when v and err are set.
type versionCall struct {
	done chan struct{}
	v    *renderedVersion
	err  error
}

// get returns the cached value for key, or builds it with build. Concurrent
// callers for the same key wait for one build. Errors are not cached; a caller
// whose own request is still alive retries if the build failed only because
// the building request went away.
func (c *versionCache) get(ctx context.Context, key string, build func(context.Context) (*renderedVersion, error)) (*renderedVersion, error) {
	for {
		c.mu.Lock()
		if c.items == nil {
			c.order, c.items, c.inflight = list.New(), map[string]*list.Element{}, map[string]*versionCall{}
		}
		if e, ok := c.items[key]; ok {
			c.order.MoveToFront(e)
			v := e.Value.(*versionEntry).v
			c.mu.Unlock()
			return v, nil
		}
		if call, ok := c.inflight[key]; ok {
			c.mu.Unlock()
			select {
			case <-call.done:
			case <-ctx.Done():
				return nil, banx.Wrap(banx.EUNAVAILABLE, ctx.Err(), "render article")
			}
			if call.err != nil && isContextError(call.err) && ctx.Err() == nil {
				continue
			}
			return call.v, call.err
		}
		call := &versionCall{done: make(chan struct{})}
		c.inflight[key] = call
		c.builds++
		c.mu.Unlock()

		call.v, call.err = build(ctx)
		c.mu.Lock()
		delete(c.inflight, key)
		if call.err == nil {
			c.add(key, call.v)
		}
		c.mu.Unlock()
		close(call.done)
		return call.v, call.err
	}
}

// add stores v and evicts the least recently read entries beyond the bounds;
// a value larger than the byte bound alone is served but not kept. c.mu is held.
func (c *versionCache) add(key string, v *renderedVersion) {
	if v.size > maxCachedVersionBytes {
		return
	}
	c.items[key] = c.order.PushFront(&versionEntry{key: key, v: v})
	c.bytes += v.size
	for c.order.Len() > maxCachedVersions || c.bytes > maxCachedVersionBytes {
		e := c.order.Back()
		old := e.Value.(*versionEntry)
		c.order.Remove(e)
		delete(c.items, old.key)
		c.bytes -= old.v.size
	}
}

// stats reports the entries, bytes and builds started, for tests.
func (c *versionCache) stats() (entries, bytes, builds int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items), c.bytes, c.builds
}

// isContextError reports whether err came from a cancelled or expired context,
// however it was wrapped.
func isContextError(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
