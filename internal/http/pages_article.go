package http

import (
	"context"
	"encoding/json"
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/credibility"
	"github.com/banxmedia/banx/internal/level"
	"github.com/banxmedia/banx/internal/manifest"
	"github.com/banxmedia/banx/internal/publish"
	"github.com/banxmedia/banx/internal/views"
	"github.com/gin-gonic/gin"
)

// articlePage is everything the article template shows, each item backed by
// the manifest, the anchor, the view ledger or a verification.
type articlePage struct {
	pageBase
	ID            int64
	M             *manifest.Manifest
	CategoryName  string
	Body          template.HTML
	Cover         *manifest.Media
	AIMedia       bool
	Author        string
	AuthorName    string // the manifest's author_name, the author's own claim; "" shows the address alone
	AuthorShort   string
	AuthorInitial string
	Level         *level.Level
	ReadMinutes   int
	Views         int64
	ViewsKnown    bool
	Score         credibility.Score
	Sources       []sourceLink
	AllNews       bool
	Share         []shareLink
	PageURL       string
	Anchor        anchorView
	VerifyURL     string
	Versions      []versionRow
	DwellMS       int64
}

type sourceLink struct {
	Name, URL string
	News      bool
}

type shareLink struct{ ID, Name, URL string }

type anchorView struct {
	Version     int
	Mode        banx.AnchorMode
	TxHash      string
	CID         string
	SHA256      string
	LedgerIndex uint32
	LedgerTime  string // RFC 3339, from a verification against the ledger; "" if not known
}

type versionRow struct {
	N                  int
	Current            bool
	Date, ISO, TxShort string
	VerifyURL          string
}

// articleState is an article and its versions as one read saw them; it is
// shared by the requests whose reads were merged and must not be modified.
type articleState struct {
	a        *banx.Article
	versions []publish.VersionView
}

// authorPublished is an author's published article count and first
// publication, as one read saw them.
type authorPublished struct {
	articles int
	first    time.Time
}

// handleArticlePage shows the newest published version of an article. Under
// load many readers ask for the same article at once: their reads of the
// article and of its author's history are merged (freshGroup), each still
// seeing every change committed before its request.
func (s *Server) handleArticlePage(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		s.pageError(c, banx.Errorf(banx.ENOTFOUND, "article %q does not exist", truncate(c.Param("id"), 40)))
		return
	}
	ctx := c.Request.Context()
	art, err := s.articles.do(ctx, strconv.FormatInt(id, 10), func(ctx context.Context) (articleState, error) {
		a, versions, err := s.Publish.Article(ctx, id)
		return articleState{a, versions}, err
	})
	a, versions := art.a, art.versions
	if err != nil {
		s.pageError(c, err)
		return
	}
	var latest *publish.VersionView
	for i := range versions {
		v := &versions[i]
		if v.Version.Status == banx.StatusPublished && v.Anchor != nil && (latest == nil || v.Version.Version > latest.Version.Version) {
			latest = v
		}
	}
	if latest == nil {
		s.pageError(c, banx.Errorf(banx.ENOTFOUND, "article %d has no published version yet", id))
		return
	}
	rv, err := s.renderedVersionOf(ctx, id, latest)
	if err != nil {
		s.pageError(c, err)
		return
	}
	m := rv.M
	p := articlePage{pageBase: s.base(m.Title, m.Summary), ID: id, M: m, CategoryName: s.categoryName(m.Category),
		Author: m.Author, AuthorName: m.AuthorName, AuthorShort: shortAddress(m.Author), AuthorInitial: authorInitial(m),
		ReadMinutes: rv.ReadMinutes, Body: rv.Body, Cover: rv.Cover, AIMedia: rv.AIMedia, Sources: rv.Sources, AllNews: rv.AllNews}
	p.Lang, p.Current, p.Beacon = m.Language, m.Category, s.Views != nil
	page := requestBase(c) + articleURL(a.ID, a.Slug)
	p.PageURL, p.Canonical = page, page
	p.Share = shareLinks(page, m.Title)
	p.Anchor = anchorView{Version: latest.Version.Version, Mode: latest.Anchor.Mode, TxHash: latest.Anchor.TxHash,
		CID: latest.Version.ManifestCID, SHA256: latest.Version.SHA256, LedgerIndex: latest.Anchor.LedgerIndex}
	p.VerifyURL = verifyURL(id, latest)
	for i := len(versions) - 1; i >= 0; i-- {
		v := versions[i]
		if v.Version.Status != banx.StatusPublished || v.Anchor == nil {
			continue
		}
		p.Versions = append(p.Versions, versionRow{N: v.Version.Version, Current: v.Version.ID == latest.Version.ID,
			Date: v.Version.UpdatedAt.UTC().Format("2 January 2006 15:04 MST"), ISO: v.Version.UpdatedAt.UTC().Format(time.RFC3339),
			TxShort: v.Anchor.TxHash[:12] + "…", VerifyURL: verifyURL(id, &v)})
	}
	if pv, ok := s.Views.(interface{ Policy() views.Policy }); ok {
		p.DwellMS = pv.Policy().Dwell.Milliseconds()
	}

	// The version's proof bundle, not its transaction hash alone: only the
	// bundle lets a batch anchor's content, leaf signature and key be checked.
	report := rv.Offline
	if online := s.settledBundleReport(ctx, rv.Bundle); online != nil {
		p.Anchor.LedgerTime = online.CloseTime
		report = anchor.Report{Checks: online.Checks}
	}
	hist, views, known := s.authorHistory(ctx, m.Author, id)
	p.Views, p.ViewsKnown = views, known
	if rules, err := level.DefaultRules(); err == nil {
		if l, ok := rules.Of(hist, s.Site.Now()); ok {
			p.Level = &l
		}
	} else {
		s.Logger.Error("level rules", "err", err)
	}
	rules, err := credibility.DefaultRules()
	if err != nil {
		s.pageError(c, banx.Wrap(banx.EINTERNAL, err, "credibility rules"))
		return
	}
	facts := credibility.Facts{
		AnchorValidated: latest.Anchor.Status == banx.AnchorValidated,
		ContentMatches:  passed(report, anchor.CheckContentSHA256) && passed(report, anchor.CheckContentCID),
		SignatureValid:  signatureValid(report, latest.Anchor.Mode),
		AIMedia:         p.AIMedia, AIDisclosed: m.AIDisclosure != "",
		SourceURLs: rv.SourceURLs,
	}
	if p.Level != nil {
		facts.AuthorLevel = p.Level.ID
	}
	p.Score = rules.Score(facts)
	key, err := articlePageKey(versionKey(latest), p)
	if err != nil {
		s.pageError(c, banx.Wrap(banx.EINTERNAL, err, "article page key"))
		return
	}
	s.renderCachedPage(c, key, "article", p)
}

// passed reports whether a report's check id passed.
func passed(r anchor.Report, id string) bool {
	c, ok := r.Get(id)
	return ok && c.Status == anchor.StatusPass
}

// signatureValid: the author's key signed this version (the transaction in
// self mode, the leaf in batch mode), and the key is the author's (master key,
// or the RegularKey the ledger named at the time).
func signatureValid(r anchor.Report, mode banx.AnchorMode) bool {
	signed := passed(r, anchor.CheckTxSignature) && passed(r, anchor.CheckAuthor)
	if mode == banx.ModeBatch {
		signed = passed(r, anchor.CheckLeafSignature)
	}
	return signed && (passed(r, anchor.CheckAuthorKey) || passed(r, anchor.CheckLedgerRegularKey))
}

// authorHistory gathers an author's verifiable history (anchored articles,
// counted views, first publication) and the counted views of one article.
// known is false when the view ledger could not be read.
//
// With the SQLite store it costs one indexed aggregate and a share of an
// incremental view tally (see viewTally) per request; any other ViewCounter
// is asked for the whole ledger's counts each time.
func (s *Server) authorHistory(ctx context.Context, author string, articleID int64) (h level.History, articleViews int64, known bool) {
	if ap, ok := s.Site.ViewCounts.(authorPublishedReader); ok {
		p, err := s.published.do(ctx, author, func(ctx context.Context) (authorPublished, error) {
			n, first, err := ap.AuthorPublished(ctx, author)
			return authorPublished{n, first}, err
		})
		if err != nil {
			s.Logger.Warn("author history", "author", author, "err", err)
		}
		h.AnchoredArticles, h.FirstPublished = p.articles, p.first
	} else {
		h = s.listAuthorHistory(ctx, author)
	}
	if s.Site.ViewCounts == nil {
		return h, 0, false
	}
	if cv, ok := s.Site.ViewCounts.(countedViewsReader); ok {
		var err error
		if h.CountedViews, articleViews, err = s.tally.counts(ctx, cv, author, articleID); err != nil {
			s.Logger.Warn("view counts", "err", err)
			return h, 0, false
		}
		return h, articleViews, true
	}
	counts, err := s.Site.ViewCounts.EpochViews(ctx, time.Unix(0, 0), s.Site.Now().Add(time.Minute))
	if err != nil {
		s.Logger.Warn("view counts", "err", err)
		return h, 0, false
	}
	for _, v := range counts {
		if v.Author == author {
			h.CountedViews += v.Views
		}
		if v.ArticleID == articleID {
			articleViews += v.Views
		}
	}
	return h, articleViews, true
}

// listAuthorHistory reads an author's anchored articles and first publication
// by listing the author's published articles, for stores without an aggregate.
func (s *Server) listAuthorHistory(ctx context.Context, author string) (h level.History) {
	const batch, maxPages = 100, 50
	mine := map[int64]bool{}
	for page := 0; page < maxPages; page++ {
		list, err := s.Publish.Articles(ctx, author, batch, page*batch)
		if err != nil {
			s.Logger.Warn("author history", "author", author, "err", err)
			break
		}
		for _, p := range list {
			mine[p.Article.ID] = true
			if h.FirstPublished.IsZero() || p.Article.CreatedAt.Before(h.FirstPublished) {
				h.FirstPublished = p.Article.CreatedAt
			}
		}
		if len(list) < batch {
			break
		}
	}
	h.AnchoredArticles = len(mine)
	return h
}

// requestBase is the scheme and host the reader used, for share links and the
// canonical URL.
func requestBase(c *gin.Context) string {
	scheme := "http"
	if c.Request.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host
}

// shareLinks are plain links to each network's share endpoint: no widget, no
// third-party script, nothing loads until the reader clicks.
func shareLinks(page, title string) []shareLink {
	u, t := url.QueryEscape(page), url.QueryEscape(title)
	return []shareLink{
		{"x", "X", "https://x.com/intent/post?url=" + u + "&text=" + t},
		{"facebook", "Facebook", "https://www.facebook.com/sharer/sharer.php?u=" + u},
		{"linkedin", "LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?url=" + u},
		{"telegram", "Telegram", "https://t.me/share/url?url=" + u + "&text=" + t},
		{"email", "E-mail", "mailto:?subject=" + url.PathEscape(title) + "&body=" + url.PathEscape(page)},
	}
}

// verifyURL is the Verify page of a published version: its transaction, what
// it anchors, and the article version whose proof bundle the page verifies.
func verifyURL(articleID int64, v *publish.VersionView) string {
	q := url.Values{"cid": {v.Version.ManifestCID}, "sha256": {v.Version.SHA256},
		"article": {strconv.FormatInt(articleID, 10)}, "version": {strconv.Itoa(v.Version.Version)}}
	return "/verify/" + v.Anchor.TxHash + "?" + q.Encode()
}

// pageReport is the part of a verification result the pages show.
type pageReport struct {
	Verdict     string         `json:"verdict"`
	TxHash      string         `json:"tx_hash"`
	LedgerIndex uint32         `json:"ledger_index"`
	CloseTime   string         `json:"close_time"`
	Checks      []anchor.Check `json:"checks"`
	Manifest    *struct {
		CID    string `json:"cid"`
		SHA256 string `json:"sha256"`
	} `json:"manifest"`
}

// verifyPageTimeout bounds the verification an article page waits for.
const verifyPageTimeout = 5 * time.Second

func (s *Server) verifyReport(ctx context.Context, tx, cid, sha string) (*pageReport, error) {
	res, err := s.Verifier.VerifyTx(ctx, tx, cid, sha)
	if err != nil {
		return nil, err
	}
	raw, err := res.MarshalJSON()
	if err != nil {
		return nil, banx.Wrap(banx.EINTERNAL, err, "encode verification report")
	}
	var r pageReport
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, banx.Wrap(banx.EINTERNAL, err, "decode verification report")
	}
	return &r, nil
}

// authorInitial is the letter of the byline avatar: the first character of the
// author's name when the manifest gives one, else the first character after
// the address's leading "r".
func authorInitial(m *manifest.Manifest) string {
	if r, _ := utf8.DecodeRuneInString(m.AuthorName); m.AuthorName != "" && r != utf8.RuneError {
		return strings.ToUpper(string(r))
	}
	return strings.ToUpper(m.Author[1:2])
}
