package http

import (
	"context"
	"errors"
	"html/template"
	"io"
	"net/http"
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
	"github.com/banxmedia/banx/internal/search"
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
	// Search is the full-text index behind /?q= and /api/v1/articles?q=;
	// nil uses the server's DB when it is one, and otherwise search answers
	// EUNAVAILABLE.
	Search ArticleSearch

	assets     *siteAssets
	templates  map[string]*template.Template
	render     *render.Renderer
	categories []manifest.Category
	manifests  manifestCache
	verified   sync.Map            // tx hash + CID -> *pageReport, for settled verifications only
	versions   versionCache        // rendered published versions, bounded; see pages_cache.go
	indexing   sync.Mutex          // one request at a time fills the index's missing text
	unreadable map[int64]time.Time // under indexing: versions whose manifest could not be read, until when to leave them
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
	Query       string // the search in the header's search box
}

func (s *Server) base(title, description string) pageBase {
	return pageBase{Title: title, Description: description, Lang: "en", Categories: s.Site.categories}
}

// card is an article in a list.
type card struct {
	URL, Title, Summary, Category, CategoryName string
	Author, AuthorShort                         string
	AuthorName                                  string // the manifest's author_name; "" shows the address alone
	ReadMinutes                                 int
	Published, PublishedISO                     string
	// TitleMarks and Snippet are set on search results: plain text with the
	// matched words marked, drawn by the template, which escapes the text.
	TitleMarks, Snippet []search.Segment
}

type listPage struct {
	pageBase
	Heading, Intro string
	Cards          []card
	Newer, Older   string
	// Search results only: the search was run (or refused with
	// SearchError), Total articles match, and this is page Page of Pages.
	Searched           bool
	SearchError        string
	Total, Page, Pages int
}

// pageSize is how many cards a list page shows.
const pageSize = 20

// maxScan bounds how many published articles a category or tag page reads to
// fill one page: without an index by category or tag (a later slice), deep
// pages of rare tags stop here rather than read the whole archive.
const maxScan = 2000

// listFilter selects the cards of a list page; nil keeps all.
type listFilter func(*manifest.Manifest) bool

// handleHomePage lists the latest published articles, or with ?q= the
// articles matching a search.
func (s *Server) handleHomePage(c *gin.Context) {
	if q, ok := c.GetQuery("q"); ok {
		s.searchPage(c, q)
		return
	}
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
	// A tag no manifest may carry has no page: an invisible or bidi
	// character would otherwise be shown in the heading and title.
	if err := manifest.ValidateTag(tag); err != nil {
		s.pageError(c, banx.Errorf(banx.EINVALID, "%s", banx.ErrorMessage(err)))
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
	page, err := pageNumber(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	ctx := c.Request.Context()
	skip, want := (page-1)*pageSize, pageSize+1 // one more than shown: is there an older page?
	var cards []card
	newestName := "" // author pages: the name in the author's newest published manifest
	const batch = 100
	for offset := 0; len(cards) < want && offset < maxScan; offset += batch {
		list, err := s.Publish.Articles(ctx, author, batch, offset)
		if err != nil {
			s.pageError(c, err)
			return
		}
		for i, p := range list {
			m, err := s.manifestOf(ctx, p.Latest.ManifestCID, p.Latest.SHA256)
			if err != nil {
				s.Logger.Warn("list: manifest unreadable", "request_id", requestIDOf(c), "article", p.Article.ID, "err", err)
				continue
			}
			if author != "" && offset == 0 && i == 0 {
				newestName = m.AuthorName
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
	if newestName != "" {
		heading = "Articles by " + newestName
		b.Title = heading
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

// pageNumber reads ?page=N, from 1; pages past 1000 are refused rather than
// read.
func pageNumber(c *gin.Context) (int, error) {
	q := c.Query("page")
	if q == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(q)
	if err != nil || n < 1 || n > 1000 {
		return 0, banx.Errorf(banx.EINVALID, "page must be a number from 1 to 1000, got %q", truncate(q, 20))
	}
	return n, nil
}

// pageURL is the address of another page of the same list, keeping the search.
func pageURL(c *gin.Context, page int) string {
	q := url.Values{}
	if s, ok := c.GetQuery("q"); ok {
		q.Set("q", s)
	}
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	u := url.URL{Path: c.Request.URL.Path, RawQuery: q.Encode()}
	return u.String()
}

func (s *Server) cardOf(p banx.PublishedArticle, m *manifest.Manifest) card {
	return card{URL: articleURL(p.Article.ID, p.Article.Slug), Title: m.Title, Summary: m.Summary, Category: m.Category,
		CategoryName: s.categoryName(m.Category), Author: m.Author, AuthorShort: shortAddress(m.Author), AuthorName: m.AuthorName,
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
	// A body cut by limitBody is the client's fault, as in writeError.
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err = banx.Errorf(banx.ETOOLARGE, "the request is larger than %d bytes", mbe.Limit)
	}
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
	case banx.ETOOLARGE:
		heading = "Too large"
	case banx.ETOOMANY:
		heading = "Too many requests"
	}
	if errors.Is(c.Request.Context().Err(), context.Canceled) {
		return
	}
	s.renderPage(c, status, "error", errorPage{pageBase: s.base(heading, ""), Heading: heading, Message: msg, RequestID: requestIDOf(c)})
	c.Abort()
}

// ArticleSearch is the full-text index of published articles
// (internal/sqlite implements it). It holds each article's newest published
// version; the text only manifests carry is filled in by the server.
type ArticleSearch interface {
	// SearchArticles returns one page of the articles matching the reader's
	// search q, best first, and how many match in all. EINVALID for a blank,
	// overlong or wordless q, or a limit outside 1..100, or a negative offset.
	SearchArticles(ctx context.Context, q string, limit, offset int) ([]search.Hit, int, error)
	// ArticleTextWanted returns up to limit versions, by id after afterID, that
	// the index shows without their text. EINVALID for a limit below 1.
	ArticleTextWanted(ctx context.Context, afterID int64, limit int) ([]*banx.ArticleVersion, error)
	// SetArticleText stores a version's searchable text. ENOTFOUND for an
	// unknown version.
	SetArticleText(ctx context.Context, versionID int64, t search.Text) error
}

// maxSearchFill bounds how many versions one search indexes before it runs,
// so the first search after a large import answers in bounded time; the
// next searches go on with the rest.
const maxSearchFill = 500

// searchRetry is how long the index waits before reading again a manifest
// that could not be read.
const searchRetry = time.Minute

// maxSearchLimit is the most results one search answers, the bound the
// index itself enforces (sqlite.MaxSearchResults) and the article list's.
const maxSearchLimit = 100

// articleSearch checks the search q and its page (limit, offset), then
// returns the full-text index, first filling in the text of versions
// published since the last search (or before the index existed). The checks
// come first so that a refused search writes nothing. EINVALID for a search
// search.Parse refuses or a page out of bounds; EUNAVAILABLE when the server
// has no index.
func (s *Server) articleSearch(ctx context.Context, q string, limit, offset int) (ArticleSearch, error) {
	if limit < 1 || limit > maxSearchLimit {
		return nil, banx.Errorf(banx.EINVALID, "limit must be from 1 to %d, got %d", maxSearchLimit, limit)
	}
	if offset < 0 {
		return nil, banx.Errorf(banx.EINVALID, "offset must not be negative, got %d", offset)
	}
	if _, err := search.Parse(q); err != nil {
		return nil, err
	}
	var idx ArticleSearch
	if s.Site != nil && s.Site.Search != nil {
		idx = s.Site.Search
	} else if db, ok := s.DB.(ArticleSearch); ok {
		idx = db
	} else {
		return nil, banx.Errorf(banx.EUNAVAILABLE, "search is not available on this server")
	}
	if s.Site != nil && s.Store != nil {
		s.fillSearchText(ctx, idx)
	}
	return idx, nil
}

// fillSearchText indexes the summary, body, tags and category of versions the
// index shows without them. The database knows titles and authors but not
// what the manifests on IPFS say, so the server, which reads manifests for
// its pages anyway, writes it. One request does it at a time; the others
// search what is indexed.
func (s *Server) fillSearchText(ctx context.Context, idx ArticleSearch) {
	st := s.Site
	if !st.indexing.TryLock() {
		return
	}
	defer st.indexing.Unlock()
	if st.unreadable == nil || len(st.unreadable) > maxCachedManifests {
		st.unreadable = map[int64]time.Time{}
	}
	var after int64
	for done := 0; done < maxSearchFill; {
		wanted, err := idx.ArticleTextWanted(ctx, after, 50)
		if err != nil {
			s.Logger.Warn("search: list versions to index", "err", err)
			return
		}
		if len(wanted) == 0 {
			return
		}
		for _, v := range wanted {
			after = v.ID
			if st.Now().Before(st.unreadable[v.ID]) {
				continue
			}
			m, err := s.manifestOf(ctx, v.ManifestCID, v.SHA256)
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				s.Logger.Warn("search: manifest unreadable, indexed by title only for now", "version", v.ID, "err", err)
				st.unreadable[v.ID] = st.Now().Add(searchRetry)
				continue
			}
			delete(st.unreadable, v.ID)
			if err := idx.SetArticleText(ctx, v.ID, search.TextOf(m)); err != nil {
				s.Logger.Warn("search: store text", "version", v.ID, "err", err)
				return
			}
			done++
		}
	}
}

// searchPage renders one page (?page=N) of the articles matching ?q=. A
// search the index refuses (blank, too long, no words) is answered on the
// same page, with the reason and the search box, as 400.
func (s *Server) searchPage(c *gin.Context, q string) {
	b := s.base("Search: "+truncate(q, 60), "Articles on Banx matching a search.")
	b.Query = q
	page, err := pageNumber(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	ctx := c.Request.Context()
	lp := listPage{pageBase: b, Heading: "Search", Searched: true, Page: page}
	idx, err := s.articleSearch(ctx, q, pageSize, (page-1)*pageSize)
	if banx.ErrorCode(err) == banx.EINVALID {
		lp.SearchError = banx.ErrorMessage(err)
		s.renderPage(c, 400, "list", lp)
		return
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	hits, total, err := idx.SearchArticles(ctx, q, pageSize, (page-1)*pageSize)
	if banx.ErrorCode(err) == banx.EINVALID {
		lp.SearchError = banx.ErrorMessage(err)
		s.renderPage(c, 400, "list", lp)
		return
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	lp.Total, lp.Pages = total, (total+pageSize-1)/pageSize
	for _, h := range hits {
		lp.Cards = append(lp.Cards, s.hitCard(c, h))
	}
	if page < lp.Pages {
		lp.Older = pageURL(c, page+1)
	}
	if page > 1 {
		lp.Newer = pageURL(c, min(page-1, max(lp.Pages, 1)))
	}
	s.renderPage(c, 200, "list", lp)
}

// hitCard is a search result as a card: from its manifest like every list,
// or from what the index holds when the manifest cannot be read.
func (s *Server) hitCard(c *gin.Context, h search.Hit) card {
	var cd card
	if m, err := s.manifestOf(c.Request.Context(), h.Latest.ManifestCID, h.Latest.SHA256); err == nil {
		cd = s.cardOf(h.PublishedArticle, m)
	} else {
		s.Logger.Warn("search: manifest unreadable", "request_id", requestIDOf(c), "article", h.Article.ID, "err", err)
		cd = card{URL: articleURL(h.Article.ID, h.Article.Slug), Title: h.Latest.Title, Summary: h.Summary,
			Category: h.Category, CategoryName: s.categoryName(h.Category), Author: h.Latest.Author, AuthorShort: shortAddress(h.Latest.Author),
			Published: h.Latest.UpdatedAt.UTC().Format("2 January 2006"), PublishedISO: h.Latest.UpdatedAt.UTC().Format(time.RFC3339)}
	}
	cd.TitleMarks, cd.Snippet = h.Title, h.Snippet
	return cd
}
