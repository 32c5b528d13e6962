package http

import (
	"context"
	"errors"
	"html/template"
	"io"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/banxmedia/banx/internal/address"
	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/manifest"
	"github.com/banxmedia/banx/internal/render"
	"github.com/banxmedia/banx/internal/reward"
	"github.com/gin-gonic/gin"
)

// ViewCounter reads counted views from the view ledger.
type ViewCounter interface {
	// EpochViews returns the counted views per article recorded in [start, end).
	// EUNAVAILABLE when the view ledger cannot be read.
	EpochViews(ctx context.Context, start, end time.Time) ([]reward.ArticleViews, error)
}

// Site is the server-rendered web application for readers: the home page,
// category, tag and author lists, article pages and the verification page. It
// reads through the server's Publish, Store, Views and Verifier; it adds no
// business rule of its own beyond presentation.
type Site struct {
	// ViewCounts reads counted views; nil shows pages without view counts.
	ViewCounts ViewCounter
	// Now is the clock for author levels; nil means time.Now.
	Now func() time.Time

	assets     *siteAssets
	templates  map[string]*template.Template
	render     *render.Renderer
	categories []manifest.Category
	manifests  manifestCache
	verified   sync.Map     // tx hash + CID -> *pageReport, for settled verifications only
	versions   versionCache // rendered published versions, bounded; see pages_cache.go
}

// load prepares templates and assets once, at Open: a broken template is a
// build defect and should stop the server from starting, not fail a reader.
func (st *Site) load() error {
	var err error
	if st.assets, err = loadAssets(); err != nil {
		return err
	}
	if st.templates, err = pageTemplates(st.assets, "list", "article", "verify", "join", "error"); err != nil {
		return err
	}
	if st.categories, err = manifest.Categories(); err != nil {
		return err
	}
	if st.Now == nil {
		st.Now = time.Now
	}
	st.render = render.New()
	st.manifests.items = map[string]*manifest.Manifest{}
	return nil
}

// maxCachedManifests bounds the manifest cache; manifests are immutable (a
// CID names one byte sequence), so entries never go stale, only cold.
const maxCachedManifests = 4096

// manifestCache keeps parsed manifests by CID so list pages need not read
// every card's manifest from IPFS on every request.
type manifestCache struct {
	mu    sync.Mutex
	items map[string]*manifest.Manifest
}

func (m *manifestCache) get(cid string) *manifest.Manifest {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.items[cid]
}

func (m *manifestCache) put(cid string, man *manifest.Manifest) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.items) >= maxCachedManifests {
		clear(m.items)
	}
	m.items[cid] = man
}

// manifestOf returns the manifest stored under cid, checked against its
// anchored SHA-256 before it is believed.
func (s *Server) manifestOf(ctx context.Context, cid, sha string) (*manifest.Manifest, error) {
	if m := s.Site.manifests.get(cid); m != nil {
		return m, nil
	}
	rc, err := s.Store.Cat(ctx, cid)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	body, err := io.ReadAll(io.LimitReader(rc, manifest.MaxManifestBytes+1))
	if err != nil {
		return nil, banx.Wrap(banx.EUNAVAILABLE, err, "read manifest %s", cid)
	}
	if manifest.Hash(body) != sha {
		return nil, banx.Errorf(banx.EINTERNAL, "manifest %s does not hash to its anchored %s", cid, sha)
	}
	m, err := manifest.Parse(body)
	if err != nil {
		return nil, banx.Wrap(banx.EINTERNAL, err, "stored manifest %s", cid)
	}
	s.Site.manifests.put(cid, &m)
	return &m, nil
}

// pageBase is what the layout needs on every page.
type pageBase struct {
	Title       string
	Description string
	Canonical   string
	Lang        string
	Categories  []manifest.Category
	Current     string // the category id the page is about, for aria-current
	Beacon      bool   // load beacon.js
}

func (s *Server) base(title, description string) pageBase {
	return pageBase{Title: title, Description: description, Lang: "en", Categories: s.Site.categories}
}

// card is an article in a list.
type card struct {
	URL, Title, Summary, Category, CategoryName string
	Author, AuthorShort                         string
	ReadMinutes                                 int
	Published, PublishedISO                     string
}

type listPage struct {
	pageBase
	Heading, Intro string
	Cards          []card
	Newer, Older   string
}

// pageSize is how many cards a list page shows.
const pageSize = 20

// maxScan bounds how many published articles a category or tag page reads to
// fill one page: without an index by category or tag (a later slice), deep
// pages of rare tags stop here rather than read the whole archive.
const maxScan = 2000

// listFilter selects the cards of a list page; nil keeps all.
type listFilter func(*manifest.Manifest) bool

// handleHomePage lists the latest published articles.
func (s *Server) handleHomePage(c *gin.Context) {
	s.listArticles(c, s.base("Latest articles", "The latest articles published on Banx, anchored on the XRP Ledger."),
		"Latest articles", "Original reporting, stored on IPFS and anchored on the XRP Ledger.", "", nil)
}

// handleJoinPage invites readers to become authors and says how to publish.
func (s *Server) handleJoinPage(c *gin.Context) {
	s.renderPage(c, 200, "join", s.base("Become an author", "Publish on Banx and earn BXE rewards."))
}

// handleCategoryPage lists published articles in one category.
func (s *Server) handleCategoryPage(c *gin.Context) {
	id := c.Param("id")
	for _, cat := range s.Site.categories {
		if cat.ID == id {
			b := s.base(cat.Name, cat.Description)
			b.Current = cat.ID
			s.listArticles(c, b, cat.Name, cat.Description, "", func(m *manifest.Manifest) bool { return m.Category == id })
			return
		}
	}
	s.pageError(c, banx.Errorf(banx.ENOTFOUND, "there is no category %q", truncate(id, 40)))
}

// handleTagPage lists published articles carrying a hashtag (case-insensitive).
func (s *Server) handleTagPage(c *gin.Context) {
	tag := c.Param("tag")
	if tag == "" || len(tag) > 4*manifest.MaxTagChars {
		s.pageError(c, banx.Errorf(banx.EINVALID, "a tag has 1 to %d characters", manifest.MaxTagChars))
		return
	}
	s.listArticles(c, s.base("#"+tag, "Articles tagged #"+tag+" on Banx."), "#"+tag, "", "",
		func(m *manifest.Manifest) bool {
			for _, t := range m.Tags {
				if strings.EqualFold(t, tag) {
					return true
				}
			}
			return false
		})
}

// handleAuthorPage lists one author's published articles.
func (s *Server) handleAuthorPage(c *gin.Context) {
	addr := c.Param("address")
	if !address.IsClassic(addr) {
		s.pageError(c, banx.Errorf(banx.EINVALID, "%q is not an XRPL classic address", truncate(addr, 40)))
		return
	}
	s.listArticles(c, s.base("Articles by "+shortAddress(addr), "Articles by "+addr+" on Banx."),
		"Articles by "+shortAddress(addr), addr, addr, nil)
}

// listArticles renders one page (?page=N, from 1) of published articles,
// newest first, that pass keep.
func (s *Server) listArticles(c *gin.Context, b pageBase, heading, intro, author string, keep listFilter) {
	page := 1
	if q := c.Query("page"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > 1000 {
			s.pageError(c, banx.Errorf(banx.EINVALID, "page must be a number from 1 to 1000, got %q", truncate(q, 20)))
			return
		}
		page = n
	}
	ctx := c.Request.Context()
	skip, want := (page-1)*pageSize, pageSize+1 // one more than shown: is there an older page?
	var cards []card
	const batch = 100
	for offset := 0; len(cards) < want && offset < maxScan; offset += batch {
		list, err := s.Publish.Articles(ctx, author, batch, offset)
		if err != nil {
			s.pageError(c, err)
			return
		}
		for _, p := range list {
			m, err := s.manifestOf(ctx, p.Latest.ManifestCID, p.Latest.SHA256)
			if err != nil {
				s.Logger.Warn("list: manifest unreadable", "request_id", requestIDOf(c), "article", p.Article.ID, "err", err)
				continue
			}
			if keep != nil && !keep(m) {
				continue
			}
			if skip > 0 {
				skip--
				continue
			}
			if len(cards) < want {
				cards = append(cards, s.cardOf(p, m))
			}
		}
		if len(list) < batch {
			break
		}
	}
	lp := listPage{pageBase: b, Heading: heading, Intro: intro, Cards: cards}
	if len(cards) > pageSize {
		lp.Cards = cards[:pageSize]
		lp.Older = pageURL(c, page+1)
	}
	if page > 1 {
		lp.Newer = pageURL(c, page-1)
	}
	s.renderPage(c, 200, "list", lp)
}

func pageURL(c *gin.Context, page int) string {
	q := url.Values{}
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	u := url.URL{Path: c.Request.URL.Path, RawQuery: q.Encode()}
	return u.String()
}

func (s *Server) cardOf(p banx.PublishedArticle, m *manifest.Manifest) card {
	return card{URL: articleURL(p.Article.ID, p.Article.Slug), Title: m.Title, Summary: m.Summary, Category: m.Category,
		CategoryName: s.categoryName(m.Category), Author: m.Author, AuthorShort: shortAddress(m.Author),
		ReadMinutes: manifest.ReadingTime(m.Body), Published: p.Latest.UpdatedAt.UTC().Format("2 January 2006"),
		PublishedISO: p.Latest.UpdatedAt.UTC().Format(time.RFC3339)}
}

func (s *Server) categoryName(id string) string {
	for _, c := range s.Site.categories {
		if c.ID == id {
			return c.Name
		}
	}
	return id
}

// articleURL is the canonical path of an article page: its id, then its slug
// for people reading the address.
func articleURL(id int64, slug string) string {
	u := "/a/" + strconv.FormatInt(id, 10)
	if slug != "" {
		u += "/" + url.PathEscape(slug)
	}
	return u
}

// shortAddress shortens an XRPL address for display: rHb9CJ…TyTh.
func shortAddress(a string) string {
	if len(a) <= 12 {
		return a
	}
	return a[:6] + "…" + a[len(a)-4:]
}

type errorPage struct {
	pageBase
	Heading, Message, RequestID string
}

// pageError renders an error as an HTML page with the status from the one
// code-to-status map; internal detail is logged, never shown.
func (s *Server) pageError(c *gin.Context, err error) {
	code := banx.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		status, code = statusOf[banx.EINTERNAL], banx.EINTERNAL
	}
	msg := banx.ErrorMessage(err)
	if status >= 500 {
		s.Logger.Error("page failed", "request_id", requestIDOf(c), "code", code, "err", err)
	}
	heading := "Something went wrong"
	switch code {
	case banx.ENOTFOUND:
		heading = "Not found"
	case banx.EINVALID:
		heading = "That address is not right"
	case banx.EUNAVAILABLE:
		heading = "Temporarily unavailable"
	}
	if errors.Is(c.Request.Context().Err(), context.Canceled) {
		return
	}
	s.renderPage(c, status, "error", errorPage{pageBase: s.base(heading, ""), Heading: heading, Message: msg, RequestID: requestIDOf(c)})
	c.Abort()
}
