package http_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	banxhttp "github.com/banxmedia/banx/internal/http"
	"github.com/banxmedia/banx/internal/ipfs/embedded"
	"github.com/banxmedia/banx/internal/publish"
	"github.com/banxmedia/banx/internal/publish/publishtest"
)

// startSite runs a server with the web pages on the real embedded ledger,
// database and content store, without a verifier or a view ledger.
func startSite(t *testing.T) string {
	t.Helper()
	l := publishtest.StartLedger(t)
	c := publishtest.Dial(t, l.URL)
	db := publishtest.OpenDB(t)
	store, err := embedded.Open(filepath.Join(t.TempDir(), "ipfs"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	pub := publish.New(db, store, c, publish.Config{Logger: logger})
	srv := &banxhttp.Server{Addr: "127.0.0.1:0", Store: store, DB: db, Ledger: pubLedger{c}, Logger: logger,
		Publish: pub, Site: &banxhttp.Site{ViewCounts: db}}
	if err := srv.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(context.Background()) })
	return srv.URL()
}

func get(t *testing.T, url string, header ...string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// TestPages checks status, content type and security headers of every page
// kind, and that errors on pages are HTML pages, not JSON.
func TestPages(t *testing.T) {
	url := startSite(t)
	for _, tc := range []struct {
		name, path string
		status     int
		want       string
	}{
		{"OKHome", "/", 200, "No articles yet."},
		{"OKCategory", "/category/world", 200, "<h1>World</h1>"},
		{"OKTag", "/tag/USIranTalks", 200, "<h1>#USIranTalks</h1>"},
		{"OKJoin", "/authors/join", 200, "Become an author"},
		{"OKVerifyForm", "/verify", 200, `<input id="tx" name="tx"`},
		{"OKAuthor", "/author/rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh", 200, "Articles by rHb9CJ…tyTh"},
		{"ErrNoArticle", "/a/999", 404, "<h1>Not found</h1>"},
		{"ErrArticleID", "/a/x%3Cscript%3E", 404, "<h1>Not found</h1>"},
		{"ErrCategory", "/category/nope", 404, "there is no category &#34;nope&#34;"},
		{"ErrPage", "/?page=0", 400, "page must be a number"},
		{"ErrAuthor", "/author/rNotAnAddress", 400, "is not an XRPL classic address"},
		{"ErrTagTooLong", "/tag/" + strings.Repeat("a", 200), 400, "a tag has 1 to 32 characters"},
		{"ErrNoVerifier", "/verify/" + strings.Repeat("A", 64), 503, "no verifier"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, h, body := get(t, url+tc.path)
			if code != tc.status || !strings.Contains(body, tc.want) {
				t.Fatalf("GET %s = %d, want %d with %q:\n%s", tc.path, code, tc.status, tc.want, body)
			}
			if h.Get("Content-Type") != "text/html; charset=utf-8" || !strings.HasPrefix(body, "<!doctype html>") {
				t.Fatalf("Content-Type %q", h.Get("Content-Type"))
			}
			csp := h.Get("Content-Security-Policy")
			for _, d := range []string{"script-src 'self';", "style-src 'self';", "img-src 'self' data:;", "frame-ancestors 'none';",
				"base-uri 'none';", "form-action 'self'", "default-src 'none';"} {
				if !strings.Contains(csp, d) {
					t.Fatalf("CSP %q lacks %q", csp, d)
				}
			}
			if strings.Contains(csp, "unsafe-inline") || h.Get("Referrer-Policy") == "" || h.Get("X-Content-Type-Options") != "nosniff" {
				t.Fatalf("headers %v", h)
			}
			if regexp.MustCompile(`<script>|<script [^>]*>[^<]|\son[a-z]+=|style=`).MatchString(body) {
				t.Fatalf("page has inline script, handler or style:\n%s", body)
			}
		})
	}
}

// TestStatic checks that assets are served under hashed names, cached
// forever, revalidated by ETag, and that no other name is served.
func TestStatic(t *testing.T) {
	url := startSite(t)
	_, _, home := get(t, url+"/")
	links := regexp.MustCompile(`/static/(site|beacon)\.[0-9a-f]{12}\.(css|js)`).FindAllString(home, -1)
	if len(links) != 2 {
		t.Fatalf("home links %q, want site.css and site.js", links)
	}
	for _, l := range links {
		code, h, body := get(t, url+l)
		if code != 200 || h.Get("Cache-Control") != "public, max-age=31536000, immutable" || body == "" || h.Get("ETag") == "" {
			t.Fatalf("GET %s = %d %v", l, code, h)
		}
		if !strings.HasPrefix(h.Get("Content-Type"), map[bool]string{true: "text/css", false: "text/javascript"}[strings.HasSuffix(l, ".css")]) {
			t.Fatalf("GET %s: Content-Type %q", l, h.Get("Content-Type"))
		}
		if code, _, _ := get(t, url+l, "If-None-Match", h.Get("ETag")); code != http.StatusNotModified {
			t.Fatalf("revalidate %s = %d", l, code)
		}
	}
	for _, p := range []string{"/static/site.css", "/static/site.000000000000.css", "/static/..%2fweb.go"} {
		if code, _, _ := get(t, url+p); code != 404 {
			t.Fatalf("GET %s = %d, want 404", p, code)
		}
	}
	if code, _, body := get(t, url+"/robots.txt"); code != 200 || body == "" {
		t.Fatalf("robots.txt = %d", code)
	}
	// The icon: named by every page under its hashed name, and at the root.
	icon := regexp.MustCompile(`<link rel="icon" href="(/static/favicon\.[0-9a-f]{12}\.svg)" type="image/svg\+xml">`).FindStringSubmatch(home)
	if icon == nil {
		t.Fatalf("home names no icon")
	}
	for _, p := range []string{icon[1], "/favicon.ico"} {
		code, h, body := get(t, url+p)
		if code != 200 || h.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(body, "<svg ") || strings.Contains(body, "<script") {
			t.Fatalf("GET %s = %d %q %.40q", p, code, h.Get("Content-Type"), body)
		}
	}
}
