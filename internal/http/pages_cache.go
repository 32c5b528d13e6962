package http

import (
	"bytes"
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/credibility"
	"github.com/banxmedia/banx/internal/manifest"
	"github.com/banxmedia/banx/internal/publish"
	"github.com/banxmedia/banx/internal/reward"
	"github.com/gin-gonic/gin"
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
	Offline     anchor.Report      // offline verification of the version's proof bundle
	Bundle      anchor.ProofBundle // the version's proof bundle, verified online by the page
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
	r := &renderedVersion{M: &m, ReadMinutes: manifest.ReadingTime(m.Body), Offline: anchor.VerifyOffline(*bundle), Bundle: *bundle}
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
	r.size = 2*len(bundle.Manifest.Bytes) + len(r.Body) + 4096 // the bundle holds the manifest bytes too
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

// countedViewsReader is the incremental view count a database may offer (the
// SQLite store does); without it, article pages fall back to counting the
// whole view ledger per request.
type countedViewsReader interface {
	// CountedViewsAfter returns the counted views per author and article in
	// the view ledger's rows with id > after, and the ledger's last id.
	// EUNAVAILABLE when the view ledger cannot be read.
	CountedViewsAfter(ctx context.Context, after int64) ([]reward.ArticleViews, int64, error)
}

// authorPublishedReader is the aggregate an author's level needs; without
// it, article pages list the author's articles page by page.
type authorPublishedReader interface {
	// AuthorPublished returns how many of author's articles have a published
	// version and the creation time of the first (zero when none).
	AuthorPublished(ctx context.Context, author string) (int, time.Time, error)
}

// freshGroup merges concurrent reads of one key without serving anyone a
// stale answer: a caller never joins a read already under way (it may have
// started before the caller's own write committed); it waits for the next
// read, which every caller arriving meanwhile shares. So per key at most one
// read runs and one waits, however many callers, and each caller gets a value
// read after it asked. A read runs apart from the callers' requests (one
// leaving does not cancel it for the others), bounded by freshTimeout. Its
// zero value is ready.
type freshGroup[T any] struct {
	mu    sync.Mutex
	keys  map[string]*freshKey[T]
	reads int // reads started, for tests
}

type freshKey[T any] struct{ running, next *freshRound[T] }

// freshRound is one read; done closes when v and err are set.
type freshRound[T any] struct {
	read    func(context.Context) (T, error)
	done    chan struct{}
	v       T
	err     error
	waiters int // callers waiting on it, for tests
}

// freshTimeout bounds one shared read.
const freshTimeout = 10 * time.Second

// do returns read's result for key, from a read that started after do was
// called.
func (g *freshGroup[T]) do(ctx context.Context, key string, read func(context.Context) (T, error)) (T, error) {
	g.mu.Lock()
	if g.keys == nil {
		g.keys = map[string]*freshKey[T]{}
	}
	k := g.keys[key]
	if k == nil {
		k = &freshKey[T]{}
		g.keys[key] = k
	}
	r := k.next
	if r == nil {
		r = &freshRound[T]{read: read, done: make(chan struct{})}
		if k.running == nil {
			k.running = r
			go g.run(key, k, r)
		} else {
			k.next = r
		}
	}
	r.waiters++
	g.mu.Unlock()
	select {
	case <-r.done:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, banx.Wrap(banx.EUNAVAILABLE, ctx.Err(), "read %s", key)
	}
}

// run performs round r, then the round queued behind it, until none waits.
func (g *freshGroup[T]) run(key string, k *freshKey[T], r *freshRound[T]) {
	for r != nil {
		g.mu.Lock()
		g.reads++
		g.mu.Unlock()
		r.v, r.err = readRecovered(r.read)
		close(r.done)
		g.mu.Lock()
		r, k.running, k.next = k.next, k.next, nil
		if r == nil {
			delete(g.keys, key)
		}
		g.mu.Unlock()
	}
}

// readRecovered runs read under freshTimeout and turns a panic into an
// internal error: the read runs outside any request, where the server's
// panic recovery cannot reach it.
func readRecovered[T any](read func(context.Context) (T, error)) (v T, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), freshTimeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			err = banx.Errorf(banx.EINTERNAL, "panic in a shared read: %v", p)
		}
	}()
	return read(ctx)
}

// viewTally keeps the counted views per author and per article, adding only
// the view ledger's new rows on each refresh: the ledger is append-only, so a
// total once counted never needs to be counted again. Refreshes go through a
// freshGroup, so every request sees the views counted before it began and
// under any load one refresh runs at a time. Its zero value is ready.
type viewTally struct {
	refreshes freshGroup[struct{}]

	mu        sync.Mutex
	last      int64 // the ledger id up to which the totals are complete
	byAuthor  map[string]int64
	byArticle map[int64]int64
}

// counts returns the counted views of author and of article, complete up to
// at least the moment counts was called.
func (t *viewTally) counts(ctx context.Context, read countedViewsReader, author string, article int64) (authorViews, articleViews int64, err error) {
	if _, err := t.refreshes.do(ctx, "", func(ctx context.Context) (struct{}, error) { return struct{}{}, t.refresh(ctx, read) }); err != nil {
		return 0, 0, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.byAuthor[author], t.byArticle[article], nil
}

// refresh adds the rows committed since the last refresh; the freshGroup runs
// one at a time.
func (t *viewTally) refresh(ctx context.Context, read countedViewsReader) error {
	t.mu.Lock()
	after := t.last
	t.mu.Unlock()
	rows, last, err := read.CountedViewsAfter(ctx, after)
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.byAuthor == nil {
		t.byAuthor, t.byArticle = map[string]int64{}, map[int64]int64{}
	}
	for _, v := range rows {
		t.byAuthor[v.Author] += v.Views
		t.byArticle[v.ArticleID] += v.Views
	}
	t.last = max(t.last, last)
	return nil
}

// Bounds of the rendered article page cache. The key includes the Host the
// reader sent, which a client chooses freely, so the cache is bounded and
// simply emptied when full: a flood of made-up hosts costs a re-render, never
// memory.
const (
	maxCachedPages     = 512
	maxCachedPageBytes = 32 << 20
)

// pageCache keeps rendered article pages, keyed by a hash of everything the
// page shows (see articlePageKey): when a view count, a level, a verification
// or a version changes, the key changes, so an entry is never stale, only
// unused. Its zero value is ready.
type pageCache struct {
	mu    sync.Mutex
	items map[[sha256.Size]byte]*cachedPage
	bytes int
}

// cachedPage is a rendered page: the headers the renderer set and the body.
type cachedPage struct {
	header http.Header
	body   []byte
}

func (pc *pageCache) get(key [sha256.Size]byte) *cachedPage {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	return pc.items[key]
}

func (pc *pageCache) put(key [sha256.Size]byte, p *cachedPage) {
	size := len(p.body) + 512
	if size > maxCachedPageBytes {
		return
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.items == nil || len(pc.items) >= maxCachedPages || pc.bytes+size > maxCachedPageBytes {
		pc.items, pc.bytes = map[[sha256.Size]byte]*cachedPage{}, 0
	}
	if _, ok := pc.items[key]; !ok {
		pc.items[key] = p
		pc.bytes += size
	}
}

// len reports the entries and bytes held, for tests.
func (pc *pageCache) len() (entries, bytes int) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	return len(pc.items), pc.bytes
}

// articlePageKey names an article page exactly: the version it renders (whose
// manifest, body and sources are fixed by versionKey) and every other field
// of the page, encoded whole so that a field added later is part of the key
// without anyone remembering to add it. The reader's Host is in it through
// PageURL.
func articlePageKey(version string, p articlePage) ([sha256.Size]byte, error) {
	p.M, p.Body, p.Cover, p.Sources = nil, "", nil, nil
	b, err := json.Marshal(p)
	if err != nil {
		return [sha256.Size]byte{}, err
	}
	return sha256.Sum256(append([]byte(version+"\x00"), b...)), nil
}

// captureWriter copies what a handler writes, so a rendered page can be kept.
type captureWriter struct {
	gin.ResponseWriter
	body bytes.Buffer
}

func (w *captureWriter) Write(b []byte) (int, error) {
	w.body.Write(b)
	return w.ResponseWriter.Write(b)
}

func (w *captureWriter) WriteString(s string) (int, error) {
	w.body.WriteString(s)
	return w.ResponseWriter.WriteString(s)
}

// renderCachedPage serves page from the cache under key, or renders it with
// renderPage and keeps a successful result: the body and the headers the
// renderer added or changed (not the request id, which the middleware sets
// before). A request that does not end in 200 is not kept.
func (s *Server) renderCachedPage(c *gin.Context, key [sha256.Size]byte, page string, data any) {
	h := c.Writer.Header()
	if p := s.pages.get(key); p != nil {
		for k, v := range p.header {
			h[k] = v
		}
		c.Status(http.StatusOK)
		c.Writer.Write(p.body)
		return
	}
	before := h.Clone()
	w := &captureWriter{ResponseWriter: c.Writer}
	c.Writer = w
	s.renderPage(c, http.StatusOK, page, data)
	c.Writer = w.ResponseWriter
	if w.Status() != http.StatusOK {
		return
	}
	added := http.Header{}
	for k, v := range h {
		if !slices.Equal(before[k], v) {
			added[k] = slices.Clone(v)
		}
	}
	s.pages.put(key, &cachedPage{header: added, body: w.body.Bytes()})
}
