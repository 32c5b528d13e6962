package http

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/banxmedia/banx/web"
	"github.com/gin-gonic/gin"
)

// pageCSP is the Content-Security-Policy of every HTML page: scripts and
// styles only from Banx's own origin (no inline script, no CDN), images from
// Banx's /ipfs/ gateway, nothing may frame the page, and no <base> can redirect
// relative links.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"font-src 'self'; manifest-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// asset is a static file served under a name that carries its content hash
// (site.3f2a1b4c5d6e.css), so browsers may cache it forever: a new version is
// a new URL.
type asset struct {
	body        []byte
	contentType string
	etag        string
}

// siteAssets maps hashed names to files, and plain names to hashed URLs.
type siteAssets struct {
	byHashed map[string]asset
	urlOf    map[string]string
	plain    map[string]asset // e.g. robots.txt, served at a fixed URL
}

// loadAssets reads web/static and names every file by its SHA-256.
func loadAssets() (*siteAssets, error) {
	a := &siteAssets{byHashed: map[string]asset{}, urlOf: map[string]string{}, plain: map[string]asset{}}
	err := fs.WalkDir(web.FS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(web.FS, p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		ext := path.Ext(name)
		sum := sha256.Sum256(body)
		hash := hex.EncodeToString(sum[:6])
		ct := mime.TypeByExtension(ext)
		if ct == "" {
			ct = "application/octet-stream"
		}
		hashed := strings.TrimSuffix(name, ext) + "." + hash + ext
		as := asset{body: body, contentType: ct, etag: `"` + hash + `"`}
		a.byHashed[hashed] = as
		a.plain[name] = as
		a.urlOf[name] = "/static/" + hashed
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("static assets: %w", err)
	}
	return a, nil
}

// url returns the hashed URL of a static file; templates call it as {{asset "site.css"}}.
// An unknown name is a template defect, reported when the page is built.
func (a *siteAssets) url(name string) (string, error) {
	u, ok := a.urlOf[name]
	if !ok {
		return "", fmt.Errorf("no static asset %q", name)
	}
	return u, nil
}

// pageTemplates parses layout.html with each page template into one set per page.
func pageTemplates(a *siteAssets, pages ...string) (map[string]*template.Template, error) {
	funcs := template.FuncMap{"asset": a.url}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(web.FS, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	out := map[string]*template.Template{}
	for _, p := range pages {
		t, err := template.Must(base.Clone()).ParseFS(web.FS, "templates/"+p+".html")
		if err != nil {
			return nil, fmt.Errorf("templates: %w", err)
		}
		out[p] = t
	}
	return out, nil
}

// handleStatic serves a hashed static file with immutable caching.
func (s *Server) handleStatic(c *gin.Context) {
	a, ok := s.Site.assets.byHashed[strings.TrimPrefix(c.Param("file"), "/")]
	if !ok {
		s.notFound(c)
		return
	}
	h := c.Writer.Header()
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", a.etag)
	if c.GetHeader("If-None-Match") == a.etag {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(http.StatusOK, a.contentType, a.body)
}

// handleRobots serves robots.txt at the root, where crawlers look for it.
func (s *Server) handleRobots(c *gin.Context) {
	a := s.Site.assets.plain["robots.txt"]
	c.Header("Cache-Control", "public, max-age=3600")
	c.Data(http.StatusOK, "text/plain; charset=utf-8", a.body)
}

// handleFavicon serves the site's icon at /favicon.ico, where browsers and
// feed readers look for it when a page names none (pages name the hashed
// favicon.svg). Modern browsers take an SVG icon by its Content-Type.
func (s *Server) handleFavicon(c *gin.Context) {
	a := s.Site.assets.plain["favicon.svg"]
	c.Header("Cache-Control", "public, max-age=86400")
	c.Data(http.StatusOK, a.contentType, a.body)
}

// renderPage writes a page with the page security headers. The page is built
// in memory first so a template failure becomes an error page, not half a page.
func (s *Server) renderPage(c *gin.Context, status int, page string, data any) {
	var buf bytes.Buffer
	if err := s.Site.templates[page].ExecuteTemplate(&buf, "layout", data); err != nil {
		s.Logger.Error("render page", "request_id", requestIDOf(c), "page", page, "err", err)
		buf.Reset()
		status = http.StatusInternalServerError
		fmt.Fprintf(&buf, "<!doctype html><title>Error</title><p>This page could not be shown. Request id %s.", requestIDOf(c))
	}
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-cache")
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}
