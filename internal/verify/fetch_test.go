package verify_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/verify"
)

func TestProofURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://banx.example/articles/42/versions/3":               "https://banx.example/api/v1/articles/42/versions/3/proof",
		"https://banx.example/articles/42/versions/3/?x=1#top":      "https://banx.example/api/v1/articles/42/versions/3/proof",
		"http://127.0.0.1:8080/api/v1/articles/42/versions/3/proof": "http://127.0.0.1:8080/api/v1/articles/42/versions/3/proof",
		"https://mirror.example/bundles/42-3.json":                  "https://mirror.example/bundles/42-3.json",
	} {
		got, err := verify.ProofURL(in)
		if err != nil || got != want {
			t.Errorf("ProofURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "articles/42", "ftp://x/articles/1/versions/1", "file:///etc/passwd"} {
		if _, err := verify.ProofURL(bad); banx.ErrorCode(err) != banx.EINVALID {
			t.Errorf("ProofURL(%q): %v, want EINVALID", bad, err)
		}
	}
}

func TestFetchBundleBounds(t *testing.T) {
	ctx := context.Background()
	hc := &http.Client{Timeout: 2 * time.Second}
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/huge":
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"bundle":"`))
			w.Write([]byte(strings.Repeat("x", anchor.MaxProofBundleBytes)))
		case "/html":
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html></html>"))
		case "/loop":
			http.Redirect(w, r, srv.URL+"/loop", http.StatusFound)
		case "/down":
			http.Error(w, "down", http.StatusServiceUnavailable)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	for path, c := range map[string]struct{ code, msg string }{
		"/huge":    {banx.ETOOLARGE, "larger than"},
		"/html":    {banx.EINVALID, "not a proof bundle"},
		"/loop":    {banx.EUNAVAILABLE, "more than 3 redirects"},
		"/down":    {banx.EUNAVAILABLE, "HTTP 503"},
		"/missing": {banx.ENOTFOUND, "no proof bundle"},
	} {
		_, err := verify.FetchBundle(ctx, hc, srv.URL+path)
		if banx.ErrorCode(err) != c.code || !strings.Contains(banx.ErrorMessage(err), c.msg) {
			t.Errorf("%s: %v (%s), want %s containing %q", path, err, banx.ErrorCode(err), c.code, c.msg)
		}
	}
}

// TestResolveProofURL maps an article's reader page to its latest published
// version's proof on the same site, and leaves other URLs to ProofURL.
func TestResolveProofURL(t *testing.T) {
	ctx := context.Background()
	hc := &http.Client{Timeout: 2 * time.Second}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/api/v1/articles/4":
			w.Write([]byte(`{"id":4,"versions":[{"version":1,"status":"published","cid":"c1"},{"version":3,"status":"published","cid":"c3"},{"version":4,"status":"anchoring","cid":"c4"}]}`))
		case "/api/v1/articles/5":
			w.Write([]byte(`{"id":5,"versions":[{"version":1,"status":"stored","cid":"c1"}]}`))
		case "/api/v1/articles/6":
			w.Write([]byte(`[1,2]`))
		case "/api/v1/articles/7":
			http.Error(w, "down", http.StatusBadGateway)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	for in, want := range map[string]verify.ArticleProof{
		srv.URL + "/a/4":                   {URL: srv.URL + "/api/v1/articles/4/versions/3/proof", Version: 3, CID: "c3"},
		srv.URL + "/a/4/a-slug?ref=x#top":  {URL: srv.URL + "/api/v1/articles/4/versions/3/proof", Version: 3, CID: "c3"},
		srv.URL + "/articles/4/versions/1": {URL: srv.URL + "/api/v1/articles/4/versions/1/proof"},
		srv.URL + "/a/4/slug/extra":        {URL: srv.URL + "/a/4/slug/extra"},
	} {
		got, err := verify.ResolveProofURL(ctx, hc, in)
		if err != nil || got != want {
			t.Errorf("ResolveProofURL(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for path, c := range map[string]struct{ code, msg string }{
		"/a/5":  {banx.ENOTFOUND, "article 5 on " + strings.TrimPrefix(srv.URL, "http://") + " has no published version to verify"},
		"/a/6":  {banx.EINVALID, "is not a Banx article (JSON)"},
		"/a/7":  {banx.EUNAVAILABLE, "HTTP 502"},
		"/a/99": {banx.ENOTFOUND, "has no article 99"},
	} {
		_, err := verify.ResolveProofURL(ctx, hc, srv.URL+path)
		if banx.ErrorCode(err) != c.code || !strings.Contains(banx.ErrorMessage(err), c.msg) {
			t.Errorf("%s: %v (%s), want %s containing %q", path, err, banx.ErrorCode(err), c.code, c.msg)
		}
	}
}
