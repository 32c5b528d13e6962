package http

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/publish"
	"github.com/banxmedia/banx/internal/search"
	"github.com/gin-gonic/gin"
)

type articleJSON struct {
	ID        int64         `json:"id"`
	Author    string        `json:"author"`
	Slug      string        `json:"slug"`
	CreatedAt string        `json:"created_at"`
	UpdatedAt string        `json:"updated_at"`
	Versions  []versionJSON `json:"versions"`
}

type articleSummaryJSON struct {
	ID           int64  `json:"id"`
	Author       string `json:"author"`
	Slug         string `json:"slug"`
	Title        string `json:"title"`
	Version      int    `json:"version"`
	CID          string `json:"cid"`
	SHA256       string `json:"sha256"`
	AnchorTxHash string `json:"anchor_tx_hash"`
	PublishedAt  string `json:"published_at"`
	// Snippet is set on search results only: plain text, matches marked.
	Snippet []search.Segment `json:"snippet,omitempty"`
}

type articleListJSON struct {
	Articles []articleSummaryJSON `json:"articles"`
	Limit    int                  `json:"limit"`
	Offset   int                  `json:"offset"`
	Q        *string              `json:"q,omitempty"`
	Total    *int                 `json:"total,omitempty"`
}

// handleListArticles lists published articles, newest first (?author=,
// ?limit=, ?offset=), or with ?q= those matching a full-text search, best
// first, with their count and snippets.
func (s *Server) handleListArticles(c *gin.Context) {
	limit, ok := s.intQuery(c, "limit", 20)
	if !ok {
		return
	}
	offset, ok := s.intQuery(c, "offset", 0)
	if !ok {
		return
	}
	if q, ok := c.GetQuery("q"); ok {
		idx, err := s.articleSearch(c.Request.Context(), q, limit, offset)
		if err != nil {
			s.writeError(c, err)
			return
		}
		hits, total, err := idx.SearchArticles(c.Request.Context(), q, limit, offset)
		if err != nil {
			s.writeError(c, err)
			return
		}
		out := articleListJSON{Articles: make([]articleSummaryJSON, len(hits)), Limit: limit, Offset: offset, Q: &q, Total: &total}
		for i, h := range hits {
			out.Articles[i] = articleSummaryJSON{ID: h.Article.ID, Author: h.Article.Author, Slug: h.Article.Slug, Title: h.Latest.Title,
				Version: h.Latest.Version, CID: h.Latest.ManifestCID, SHA256: h.Latest.SHA256, AnchorTxHash: h.Latest.AnchorTxHash,
				PublishedAt: h.Latest.UpdatedAt.UTC().Format(time.RFC3339Nano), Snippet: h.Snippet}
		}
		c.JSON(http.StatusOK, out)
		return
	}
	list, err := s.Publish.Articles(c.Request.Context(), c.Query("author"), limit, offset)
	if err != nil {
		s.writeError(c, err)
		return
	}
	out := articleListJSON{Articles: make([]articleSummaryJSON, len(list)), Limit: limit, Offset: offset}
	for i, p := range list {
		out.Articles[i] = articleSummaryJSON{ID: p.Article.ID, Author: p.Article.Author, Slug: p.Article.Slug, Title: p.Latest.Title,
			Version: p.Latest.Version, CID: p.Latest.ManifestCID, SHA256: p.Latest.SHA256, AnchorTxHash: p.Latest.AnchorTxHash,
			PublishedAt: p.Latest.UpdatedAt.UTC().Format(time.RFC3339Nano)}
	}
	c.JSON(http.StatusOK, out)
}

// handleGetArticle answers an article with its versions, their status and
// anchor: the chain of edits, each naming the anchor of the one before.
// Anyone sees the published versions (404 when there is none); the signed-in
// author (bearer token or session cookie) also sees their own drafts.
func (s *Server) handleGetArticle(c *gin.Context) {
	id, ok := s.idParam(c, "id")
	if !ok {
		return
	}
	a, views, err := s.Publish.Article(c.Request.Context(), id)
	if err != nil {
		s.writeError(c, err)
		return
	}
	viewer := ""
	if s.Auth != nil {
		token, bearer := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
		if !bearer {
			if ck, cerr := c.Request.Cookie(SessionCookie); cerr == nil {
				token = ck.Value
			}
		}
		if token != "" {
			if sess, aerr := s.Auth.Authenticate(c.Request.Context(), token); aerr == nil {
				viewer = sess.Address
			}
		}
	}
	if views, err = publish.VisibleTo(a, views, viewer); err != nil {
		s.writeError(c, err)
		return
	}
	out := articleJSON{ID: a.ID, Author: a.Author, Slug: a.Slug, CreatedAt: a.CreatedAt.UTC().Format(time.RFC3339Nano),
		UpdatedAt: a.UpdatedAt.UTC().Format(time.RFC3339Nano), Versions: make([]versionJSON, len(views))}
	for i, v := range views {
		out.Versions[i] = versionOf(v.VersionDetail, v.Anchor)
	}
	c.JSON(http.StatusOK, out)
}

// handleGetProof answers the proof bundle (banx.proof/1, canonical JSON) of a
// published version.
func (s *Server) handleGetProof(c *gin.Context) {
	id, ok := s.idParam(c, "id")
	if !ok {
		return
	}
	n, ok := s.idParam(c, "n")
	if !ok {
		return
	}
	b, err := s.Publish.Proof(c.Request.Context(), id, int(n))
	if err != nil {
		s.writeError(c, err)
		return
	}
	raw, err := b.Marshal()
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Data(http.StatusOK, "application/json", raw)
}

func (s *Server) intQuery(c *gin.Context, name string, def int) (int, bool) {
	q := c.Query(name)
	if q == "" {
		return def, true
	}
	v, err := strconv.Atoi(q)
	if err != nil {
		s.writeError(c, banx.Errorf(banx.EINVALID, "%s must be an integer, got %q", name, truncate(q, 40)))
		return 0, false
	}
	return v, true
}
