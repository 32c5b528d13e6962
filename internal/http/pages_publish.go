package http

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/manifest"
	"github.com/banxmedia/banx/internal/publish"
	"github.com/gin-gonic/gin"
)

// publishPage is the Publish page: a form the server renders and
// web/static/publish.js (built from web/wallet) enhances with an in-page
// wallet. The server never sees the author's seed; the page signs.
type publishPage struct {
	pageBase
	// Edit is the article being edited (?edit=ID), nil for a new article.
	Edit *editForm
	// BlankMedia is the image row the page's script copies for an upload.
	BlankMedia mediaRow
	// MaxMediaMiB is the upload limit per image, for the form's hint.
	MaxMediaMiB int
}

// editForm prefills the Publish page with the latest published version of an
// article, which the new version names as its previous anchor.
type editForm struct {
	ArticleID int64
	Version   int    // the version being replaced
	Previous  string // its anchor transaction, the new manifest's previous
	Author    string
	URL       string
	M         *manifest.Manifest
	Tags      string
	Sources   []manifest.Source // at least one row, maybe empty
	Media     []mediaRow
}

// mediaRow is an image of the form: a manifest media item, with its
// digital source type split into the AI checkbox and a non-AI term.
type mediaRow struct {
	manifest.Media
	Types    []sourceType // the non-AI terms the select offers
	AI       bool
	AITerm   string // the AI term to keep when AI stays ticked
	NonAI    string // the non-AI term the select shows
	IsCover  bool
	SizeText string
}

// sourceType is a non-AI IPTC digital source type with a label for people.
type sourceType struct{ Term, Label string }

// sourceTypes lists the non-AI terms the form offers, most common first.
var sourceTypes = []sourceType{
	{"digitalCapture", "Photograph (digital camera)"},
	{"humanEdits", "Photograph edited by a person"},
	{"minorHumanEdits", "Photograph with minor edits"},
	{"screenCapture", "Screenshot"},
	{"digitalArt", "Digital art made by a person"},
	{"digitalCreation", "Digital creation (graphics, charts)"},
	{"dataDrivenMedia", "Data-driven media (plots, maps)"},
	{"compositeCapture", "Composite of photographs"},
	{"computationalCapture", "Computational capture (phone HDR, night mode)"},
	{"algorithmicallyEnhanced", "Algorithmically enhanced"},
	{"algorithmicMedia", "Algorithmic media (not trained AI)"},
	{"negativeFilm", "Scan of a negative film"},
	{"positiveFilm", "Scan of a positive film or slide"},
	{"print", "Scan of a print"},
	{"virtualRecording", "Virtual recording"},
}

// loadPublish prepares the Publish page's template with the others, at Open,
// so a broken template stops the server from starting.
func (st *Site) loadPublish() error {
	t, err := pageTemplates(st.assets, "publish")
	if err != nil {
		return err
	}
	if _, err := st.assets.url("publish.js"); err != nil {
		return fmt.Errorf("publish page: %w (build it with make web)", err)
	}
	st.templates["publish"] = t["publish"]
	return nil
}

// handlePublishPage serves the Publish page. It needs no session: signing
// in happens in the page, with the author's key. With ?edit=ID it is
// prefilled with the article's latest published version; a browser signed
// in as another author gets 403, and the drafts API refuses an edit of
// another author's article whoever asks.
func (s *Server) handlePublishPage(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	p := publishPage{pageBase: s.base("Publish an article", "Sign in with your XRP Ledger key and publish an article anchored on the XRP Ledger."),
		BlankMedia: mediaRow{Types: sourceTypes}, MaxMediaMiB: MaxMediaBytes >> 20}
	if raw, ok := c.GetQuery("edit"); ok {
		edit, err := s.editForm(c, raw)
		if err != nil {
			s.pageError(c, err)
			return
		}
		p.Edit = edit
		p.Title = "Edit: " + edit.M.Title
	}
	s.renderPage(c, http.StatusOK, "publish", p)
}

// editForm loads the article to edit and checks a signed-in browser is its
// author's.
func (s *Server) editForm(c *gin.Context, raw string) (*editForm, error) {
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return nil, banx.Errorf(banx.EINVALID, "edit must be an article id (a positive integer), got %q", truncate(raw, 40))
	}
	ctx := c.Request.Context()
	a, versions, err := s.Publish.Article(ctx, id)
	if err != nil {
		return nil, err
	}
	if sess, _ := s.authorSession(c); sess != nil && sess.Address != a.Author {
		return nil, banx.Errorf(banx.EFORBIDDEN, "article %d is by %s and you are signed in as %s: only its author can edit it", id, a.Author, sess.Address)
	}
	var latest *publish.VersionView
	for i := range versions {
		v := &versions[i]
		if v.Version.Status == banx.StatusPublished && v.Anchor != nil && (latest == nil || v.Version.Version > latest.Version.Version) {
			latest = v
		}
	}
	if latest == nil {
		return nil, banx.Errorf(banx.ECONFLICT, "article %d has no published version yet: only a published version can be edited", id)
	}
	m, err := s.manifestOf(ctx, latest.Version.ManifestCID, latest.Version.SHA256)
	if err != nil {
		return nil, err
	}
	e := &editForm{ArticleID: id, Version: latest.Version.Version, Previous: latest.Anchor.TxHash, Author: a.Author,
		URL: articleURL(a.ID, a.Slug), M: m, Tags: strings.Join(m.Tags, " "), Sources: slices.Clone(m.Sources)}
	if len(e.Sources) == 0 {
		e.Sources = []manifest.Source{{}}
	}
	for _, md := range m.Media {
		r := mediaRow{Media: md, Types: sourceTypes, AI: md.IsAIGenerated(), IsCover: md.Role == manifest.RoleCover, NonAI: md.DigitalSourceType,
			SizeText: strconv.FormatInt(int64(md.Size+1023)/1024, 10) + " KiB"}
		if r.AI {
			r.AITerm, r.NonAI = md.DigitalSourceType, sourceTypes[0].Term
		}
		e.Media = append(e.Media, r)
	}
	return e, nil
}
