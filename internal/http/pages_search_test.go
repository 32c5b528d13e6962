package http_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/publish/publishtest"
)

// searchSite publishes articles through the real API (embedded ledger,
// embedded IPFS, SQLite file) and returns the server: the search index learns
// titles from the database and the rest from the manifests on IPFS.
func searchSite(t *testing.T, manifests func(author string) [][]byte) *pubAPI {
	t.Helper()
	ctx := publishtest.Context(t)
	a := startPubAPI(t, withSite)
	c := a.client

	w := publishtest.NewWallet(t)
	publishtest.Fund(t, ctx, c, w, 20_000_000)
	me := w.ClassicAddress.String()
	token := a.signIn(t, w)
	var ids []int64
	for _, doc := range manifests(me) {
		var d draftBody
		a.must(t, "POST", "/api/v1/drafts", "/api/v1/drafts", token, doc, 201, &d)
		leaf, err := anchor.SignLeaf(anchor.Leaf{NetworkID: d.NetworkID, Author: me, SHA256: d.SHA256, CID: d.CID}, w.Seed)
		if err != nil {
			t.Fatal(err)
		}
		a.must(t, "POST", "/api/v1/drafts/{id}/anchor", fmt.Sprintf("/api/v1/drafts/%d/anchor", d.ID), token,
			map[string]string{"mode": "batch", "public_key": leaf.PublicKey, "signature": leaf.Signature}, 202, nil)
		ids = append(ids, d.ArticleID)
	}
	for _, id := range ids {
		a.waitPublished(t, id, 1)
	}
	return a
}

func searchManifest(author, title, summary, body string, tags ...string) []byte {
	m := map[string]any{"schema": "banx.manifest/1", "title": title, "summary": summary, "body": body,
		"category": "world", "language": "en", "author": author, "created": "2026-11-25T12:00:00Z"}
	if len(tags) > 0 {
		m["tags"] = tags
	}
	b, _ := json.Marshal(m)
	return b
}

// TestSearchPages searches from the home page and the API: results with the
// matches marked, counts, pages that keep the search, the empty result, the
// reasons for refused searches, and an article whose text holds markup that
// must stay text.
func TestSearchPages(t *testing.T) {
	a := searchSite(t, func(me string) [][]byte {
		docs := [][]byte{
			searchManifest(me, "Harbour <i>reopens</i> after the storm", "Ships are back in port.",
				"The cranes of the **harbour** moved again.\n\nA reader sent `<script>alert(1)</script>` as a tip.", "Shipping"),
			searchManifest(me, "Café society returns", "Terraces fill up near the port.", "Espresso prices rose in every café."),
		}
		for i := range 19 {
			docs = append(docs, searchManifest(me, fmt.Sprintf("Port bulletin %d", i+1), "Daily figures from the port.", "Tonnage was normal."))
		}
		return docs
	})

	page := func(t *testing.T, q string, status int, want ...string) string {
		t.Helper()
		code, h, body := get(t, a.url+"/?"+q)
		if code != status || h.Get("Content-Type") != "text/html; charset=utf-8" {
			t.Fatalf("GET /?%.60s = %d %s, want %d:\n%s", q, code, h.Get("Content-Type"), status, body)
		}
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Fatalf("GET /?%.60s lacks %q:\n%s", q, w, body)
			}
		}
		if regexp.MustCompile(`<script>|<script [^>]*>[^<]|\son[a-z]+=|style=|<i>`).MatchString(body) {
			t.Fatalf("GET /?%.60s: markup from an article reached the page:\n%s", q, body)
		}
		return body
	}

	t.Run("OKTitleMarked", func(t *testing.T) {
		body := page(t, "q=harbour", 200, `1 article matches “harbour”.`,
			`<mark>Harbour</mark> &lt;i&gt;reopens&lt;/i&gt; after the storm</a>`,
			`The cranes of the <mark>harbour</mark> moved again.`,
			`<input id="site-q" name="q" type="search" value="harbour"`, `<input id="search-q" name="q" type="search" value="harbour"`)
		if strings.Count(body, `<li class="card">`) != 1 {
			t.Fatalf("want one card:\n%s", body)
		}
	})
	t.Run("OKSnippetMarkupIsText", func(t *testing.T) {
		page(t, "q=alert", 200, `&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;`)
	})
	t.Run("OKAccentsAndTags", func(t *testing.T) {
		page(t, "q=CAFE", 200, `<mark>Café</mark> society returns`, `Espresso prices rose in every <mark>café</mark>.`)
		page(t, "q=shipping", 200, `1 article matches “shipping”.`)
		page(t, "q=espres*", 200, `<mark>Espresso</mark> prices`)
	})
	t.Run("OKPages", func(t *testing.T) {
		first := page(t, "q=port", 200, `21 articles match “port” · page 1 of 2.`, `<a href="/?page=2&amp;q=port" rel="next">Next page →</a>`)
		if n := strings.Count(first, `<li class="card">`); n != 20 {
			t.Fatalf("page 1 has %d cards, want 20", n)
		}
		second := page(t, "q=port&page=2", 200, `page 2 of 2.`, `<a href="/?q=port" rel="prev">← Previous page</a>`)
		if n := strings.Count(second, `<li class="card">`); n != 1 || strings.Contains(second, `rel="next"`) {
			t.Fatalf("page 2 has %d cards:\n%s", n, second)
		}
		page(t, "q=port&page=9", 200, `Page 9 is past the last page of results.`, `<a href="/?page=2&amp;q=port" rel="prev">`)
	})
	t.Run("OKNoMatch", func(t *testing.T) {
		page(t, "q=volcano", 200, `No articles match “volcano”. Try other words, or fewer.`)
	})
	t.Run("OKHostile", func(t *testing.T) {
		for _, q := range []string{`NEAR(harbour`, `harbour:cranes`, `"harbour`, `harbour OR x`, `'; DROP TABLE articles; --`, `-harbour*`} {
			page(t, "q="+url.QueryEscape(q), 200, `role="search"`)
		}
		page(t, "q=harbour", 200, `1 article matches`)
	})
	for _, tc := range []struct{ name, q, msg string }{
		{"ErrEmpty", "q=", "the search is empty: type at least one word"},
		{"ErrNoWords", "q=" + url.QueryEscape(`" * :`), "the search has no letter or digit to look for"},
		{"ErrTooLong", "q=" + strings.Repeat("a", 10<<10), "the search is 10240 bytes long; at most 256 are allowed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page(t, tc.q, 400, `<p id="search-error" class="search-error" role="alert">`+tc.msg, `aria-invalid="true"`)
		})
	}
	t.Run("ErrPage", func(t *testing.T) {
		page(t, "q=port&page=0", 400, "page must be a number from 1 to 1000")
	})

	t.Run("OKAPI", func(t *testing.T) {
		var list struct {
			Articles []struct {
				Title   string
				Snippet []struct {
					Text  string
					Match bool
				}
			}
			Total  int
			Q      string
			Offset int
		}
		a.must(t, "GET", "/api/v1/articles", "/api/v1/articles?q=alert", "", nil, 200, &list)
		if list.Total != 1 || list.Q != "alert" || len(list.Articles) != 1 || list.Articles[0].Title != "Harbour <i>reopens</i> after the storm" {
			t.Fatalf("search alert: %+v", list)
		}
		var snippet strings.Builder
		for _, s := range list.Articles[0].Snippet {
			if s.Match {
				snippet.WriteString("[" + s.Text + "]")
			} else {
				snippet.WriteString(s.Text)
			}
		}
		if !strings.Contains(snippet.String(), "<script>[alert](1)</script>") {
			t.Fatalf("snippet %q", snippet.String())
		}
		a.must(t, "GET", "/api/v1/articles", "/api/v1/articles?q=port&limit=5&offset=20", "", nil, 200, &list)
		if list.Total != 21 || len(list.Articles) != 1 || list.Offset != 20 {
			t.Fatalf("search port from 20: %+v", list)
		}
		a.must(t, "GET", "/api/v1/articles", "/api/v1/articles?q=volcano", "", nil, 200, &list)
		if list.Total != 0 || len(list.Articles) != 0 {
			t.Fatalf("search volcano: %+v", list)
		}
	})
	for _, tc := range []struct{ name, path, msg string }{
		{"ErrAPIEmpty", "/api/v1/articles?q=", "the search is empty: type at least one word"},
		{"ErrAPIQuote", "/api/v1/articles?q=%22", `has no letter or digit to look for`},
		{"ErrAPITooLong", "/api/v1/articles?q=" + strings.Repeat("%2A", 300), "the search is 300 bytes long; at most 256 are allowed"},
		{"ErrAPILimit", "/api/v1/articles?q=port&limit=500", "limit must be from 1 to 100, got 500"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a.refused(t, "GET", "/api/v1/articles", tc.path, "", nil, 400, tc.msg)
		})
	}
}

// TestSiteHeader checks that every kind of page carries the site search and
// the main links, labelled for assistive technology.
func TestSiteHeader(t *testing.T) {
	u := startSite(t)
	for _, p := range []string{"/", "/category/world", "/verify", "/publish", "/a/999"} {
		_, _, body := get(t, u+p)
		for _, want := range []string{
			`<form class="site-search" role="search" aria-label="Site" action="/" method="get">`,
			`<label class="visually-hidden" for="site-q">Search articles</label>`,
			`<input id="site-q" name="q" type="search" value="" maxlength="256"`,
			`<nav class="site-links" aria-label="Main">`,
			`<a href="/publish">Publish</a>`, `<a href="/dashboard">Dashboard</a>`, `<a href="/verify">Verify</a>`,
		} {
			if !strings.Contains(body, want) {
				t.Fatalf("GET %s lacks %q:\n%s", p, want, body)
			}
		}
	}
}
