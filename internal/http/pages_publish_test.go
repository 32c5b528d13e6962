package http_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	banxhttp "github.com/banxmedia/banx/internal/http"
	"github.com/banxmedia/banx/internal/ipfs/embedded"
	"github.com/banxmedia/banx/internal/publish"
	"github.com/banxmedia/banx/internal/publish/publishtest"
	"github.com/banxmedia/banx/internal/sqlite"
	"github.com/banxmedia/banx/internal/verify"
)

// TestPublishPage checks the Publish page: served with the strict CSP, its
// only scripts are hashed static assets (the wallet bundle as an ES module),
// the form is disabled until the script enables it, and the layout links it.
func TestPublishPage(t *testing.T) {
	url := startSite(t)
	code, h, body := get(t, url+"/publish")
	if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /publish = %d %s", code, h.Get("Content-Type"))
	}
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
		t.Errorf("CSP = %q", csp)
	}
	if h.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control = %q", h.Get("Cache-Control"))
	}
	scripts := regexp.MustCompile(`<script[^>]*>`).FindAllString(body, -1)
	bundle := regexp.MustCompile(`<script type="module" src="(/static/publish\.[0-9a-f]{12}\.js)"></script>`).FindStringSubmatch(body)
	if bundle == nil || len(scripts) != 2 {
		t.Fatalf("scripts %q, want site.js and the publish.js module", scripts)
	}
	for _, s := range scripts {
		if !strings.Contains(s, `src="/static/`) {
			t.Errorf("inline or foreign script %q", s)
		}
	}
	for _, want := range []string{`<fieldset id="publish-fields" disabled>`, `<option value="world">World</option>`,
		`<a href="/publish">Publish</a>`, `name="mode" value="batch"`, "<noscript>"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	code, h, js := get(t, url+bundle[1])
	if code != 200 || !strings.Contains(h.Get("Content-Type"), "javascript") || len(js) < 100_000 {
		t.Fatalf("GET %s = %d %s, %d bytes", bundle[1], code, h.Get("Content-Type"), len(js))
	}
	for _, banned := range []string{"eval(", "new Function("} {
		if strings.Contains(js, banned) {
			t.Errorf("bundle contains %s, which the CSP forbids", banned)
		}
	}
}

// TestPublishBundleUpToDate checks that the committed web/static/publish.js
// was built from the committed sources of web/wallet: build.mjs records the
// hash of both in build.sum, so a source edited without `make web` (or a
// bundle edited by hand) fails here, with no need for npm.
func TestPublishBundleUpToDate(t *testing.T) {
	const dir = "../../web/wallet"
	sum, err := os.ReadFile(filepath.Join(dir, "build.sum"))
	if err != nil {
		t.Fatal(err)
	}
	bundle, err := os.ReadFile("../../web/static/publish.js")
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("sources %s\nbundle %s\n", sourcesHash(t, dir), hexSHA256(bundle))
	if string(sum) != want {
		t.Fatalf("web/static/publish.js is stale: run make web and commit web/static/publish.js and web/wallet/build.sum\nbuild.sum:\n%swant:\n%s", sum, want)
	}
}

// sourcesHash mirrors sourcesHash in web/wallet/build.mjs.
func sourcesHash(t *testing.T, dir string) string {
	files := []string{"build.mjs", "package.json", "package-lock.json"}
	src, err := os.ReadDir(filepath.Join(dir, "src"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range src {
		if strings.HasSuffix(e.Name(), ".js") {
			files = append(files, "src/"+e.Name())
		}
	}
	slices.Sort(files)
	var b strings.Builder
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(f + " " + hexSHA256(data) + "\n")
	}
	return hexSHA256([]byte(b.String()))
}

func hexSHA256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// TestSameOriginWrites checks that an API write carrying the session cookie
// is refused when a browser says it comes from another origin, and accepted
// from the page's own origin, from non-browser clients and with a bearer token.
func TestSameOriginWrites(t *testing.T) {
	a := startPubAPI(t)
	w := publishtest.NewWallet(t)
	token := a.signIn(t, w)
	host := strings.TrimPrefix(a.url, "http://")
	n := 0
	tests := []struct {
		name    string
		headers map[string]string
		bearer  bool
		want    int
	}{
		{"OKSameOrigin", map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": a.url}, false, 201},
		{"OKOriginOnly", map[string]string{"Origin": a.url}, false, 201},
		{"OKNoBrowser", nil, false, 201},
		{"OKBearerCrossSite", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, true, 201},
		{"ErrCrossSite", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, false, 403},
		{"ErrSameSite", map[string]string{"Sec-Fetch-Site": "same-site", "Origin": "http://other." + host}, false, 403},
		{"ErrOrigin", map[string]string{"Origin": "http://evil.example"}, false, 403},
		{"ErrNullOrigin", map[string]string{"Origin": "null"}, false, 403},
		{"ErrOtherPort", map[string]string{"Origin": "http://127.0.0.1:1"}, false, 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n++
			req, _ := http.NewRequest("POST", a.url+"/api/v1/drafts", bytes.NewReader(pubManifest(w.ClassicAddress.String(), fmt.Sprintf("Origin test %d", n), "")))
			req.Header.Set("Content-Type", "application/json")
			if tt.bearer {
				req.Header.Set("Authorization", "Bearer "+token)
			} else {
				req.AddCookie(&http.Cookie{Name: banxhttp.SessionCookie, Value: token})
			}
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Fatalf("POST /api/v1/drafts = %d %s, want %d", resp.StatusCode, body, tt.want)
			}
			if tt.want == 403 && !strings.Contains(string(body), "cross-origin write refused") {
				t.Errorf("body %s lacks the reason", body)
			}
		})
	}
	t.Run("ErrCrossSiteSignIn", func(t *testing.T) {
		req, _ := http.NewRequest("POST", a.url+"/api/v1/auth/challenge", strings.NewReader(`{"address":"`+w.ClassicAddress.String()+`"}`))
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 403 {
			t.Fatalf("cross-site challenge = %d, want 403", resp.StatusCode)
		}
	})
}

// TestVerifyBundlePage checks the refusals of the Verify page's proof bundle
// upload, which are made before any node is asked; the browser journey
// (cmd/banx/browser_publish_test.go) verifies a real bundle through it.
func TestVerifyBundlePage(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "banx.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	store, err := embedded.Open(filepath.Join(dir, "ipfs"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	l := publishtest.StartLedger(t)
	c := publishtest.Dial(t, l.URL)
	node, err := verify.NewXRPLNode(l.URL, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	gateway, err := verify.NewIPFSNode("http://127.0.0.1:9", verify.ModeGateway, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := &banxhttp.Server{Addr: "127.0.0.1:0", Store: store, DB: db, Ledger: pubLedger{c}, Logger: logger,
		Verifier: verify.NewService(&verify.Verifier{Ledger: node, Content: gateway}, 2),
		Publish:  publish.New(db, store, c, publish.Config{Logger: logger}), Site: &banxhttp.Site{}}
	if err := srv.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(context.Background()) })
	upload := func(field string, data []byte) (int, string) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		fw, _ := mw.CreateFormFile(field, "article.proof.json")
		fw.Write(data)
		mw.Close()
		resp, err := http.Post(srv.URL()+"/verify", mw.FormDataContentType(), &b)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Errorf("Content-Type %q, want an HTML page", ct)
		}
		return resp.StatusCode, string(body)
	}
	tests := []struct {
		name, field string
		data        []byte
		status      int
		reason      string
	}{
		{"ErrNoFile", "other", []byte("{}"), 400, "choose a proof bundle file"},
		{"ErrNotJSON", "bundle", []byte("not json"), 400, "bundle"},
		{"ErrTooLarge", "bundle", bytes.Repeat([]byte(" "), 7<<20), 413, "bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := upload(tt.field, tt.data)
			if status != tt.status || !strings.Contains(body, tt.reason) {
				t.Fatalf("POST /verify = %d, want %d with %q\n%s", status, tt.status, tt.reason, body)
			}
			// the Verify page again, the reason beside the upload field
			if !strings.Contains(body, `data-testid="bundle-form"`) || !strings.Contains(body, `id="bundle-err"`) ||
				!strings.Contains(body, `aria-describedby="bundle-err"`) {
				t.Fatalf("a refused upload does not show the form with the reason beside the field:\n%s", body)
			}
		})
	}
}

// TestPublishPageEdit checks editing from the Publish page: ?edit=ID
// prefills every field from the latest published version (media with their
// alt text and AI flag included), a browser signed in as another author gets
// 403, and the drafts API refuses another author's edit whatever the page
// does; the author's edit publishes version 2 chained to version 1's anchor.
func TestPublishPageEdit(t *testing.T) {
	ctx := publishtest.Context(t)
	a := startAuthorTools(t)
	alice, bob := publishtest.NewWallet(t), publishtest.NewWallet(t)
	publishtest.Fund(t, ctx, a.client, alice, 20_000_000)
	me := alice.ClassicAddress.String()
	token, bobToken := a.signIn(t, alice), a.signIn(t, bob)

	var cover struct {
		CID  string `json:"cid"`
		Size int    `json:"size"`
	}
	a.must(t, "POST", "/api/v1/media", "/api/v1/media", token, smallPNG(t, 40, 30), 201, &cover)
	m := map[string]any{"schema": "banx.manifest/1", "title": `Edit me <now> & "then"`, "summary": "A summary to keep.",
		"body": "First body with ![chart](ipfs://" + cover.CID + ").", "category": "science", "language": "en-GB", "author": me,
		"created": "2026-11-25T12:00:00Z", "tags": []string{"Banx", "xrpl"},
		"sources":       []map[string]string{{"name": "Reuters", "url": "https://www.reuters.com/"}},
		"ai_disclosure": "The cover was made with an image model.",
		"media": []map[string]any{{"cid": cover.CID, "role": "cover", "mime_type": "image/png", "size": cover.Size,
			"alt": "A bar chart", "digital_source_type": "trainedAlgorithmicMedia"}}}
	doc, _ := json.Marshal(m)
	articleID, v1 := a.publishSelf(t, alice, token, doc)
	previous := v1["anchor_tx_hash"].(string)
	editURL := fmt.Sprintf("%s/publish?edit=%d", a.url, articleID)

	t.Run("OKPrefilled", func(t *testing.T) {
		for _, tok := range []string{"", token} {
			code, _, body := cookieRequest(t, "GET", editURL, tok, "-", "", nil)
			if code != 200 {
				t.Fatalf("GET /publish?edit (cookie %v) = %d\n%s", tok != "", code, body)
			}
			for _, want := range []string{"<h1>Edit an article</h1>", `data-previous="` + previous + `"`, `data-author="` + me + `"`,
				fmt.Sprintf(`data-article="%d"`, articleID), `value="Edit me &lt;now&gt; &amp; &#34;then&#34;"`,
				">A summary to keep.</textarea>", `>First body with ![chart](ipfs://` + cover.CID + `).</textarea>`,
				`<option value="science" selected>`, `value="en-GB"`, `value="Banx xrpl"`, `value="Reuters"`, `value="https://www.reuters.com/"`,
				`value="The cover was made with an image model."`, `data-cid="` + cover.CID + `"`, `data-role="cover"`,
				`data-ai-term="trainedAlgorithmicMedia"`, `value="A bar chart"`, `name="media_ai" checked`, "Publish the new version"} {
				if !strings.Contains(body, want) {
					t.Errorf("edit page lacks %s", want)
				}
			}
		}
	})
	refused := []struct {
		name, path, token string
		status            int
		reason            string
	}{
		{"ErrOtherAuthor", editURL, bobToken, 403, fmt.Sprintf("article %d is by %s and you are signed in as %s: only its author can edit it", articleID, me, bob.ClassicAddress)},
		{"ErrNotAnID", a.url + "/publish?edit=abc", "", 400, "edit must be an article id (a positive integer), got &#34;abc&#34;"},
		{"ErrUnknownArticle", a.url + "/publish?edit=999", "", 404, "not found"},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			code, h, body := cookieRequest(t, "GET", tc.path, tc.token, "-", "", nil)
			if code != tc.status || !strings.HasPrefix(h.Get("Content-Type"), "text/html") || !strings.Contains(body, tc.reason) {
				t.Fatalf("GET %s = %d %s, want %d with %q\n%s", tc.path, code, h.Get("Content-Type"), tc.status, tc.reason, body)
			}
		})
	}
	edit := func(author, title string) []byte {
		m["author"], m["title"], m["previous"], m["created"] = author, title, previous, "2026-11-25T13:00:00Z"
		b, _ := json.Marshal(m)
		return b
	}
	t.Run("ErrOtherAuthorDraft", func(t *testing.T) {
		a.refused(t, "POST", "/api/v1/drafts", fmt.Sprintf("/api/v1/drafts?article=%d", articleID), bobToken,
			edit(bob.ClassicAddress.String(), "Hijacked"), 403, "anchors another author's article: only its author can edit it")
		a.refused(t, "POST", "/api/v1/drafts", "/api/v1/drafts", bobToken, edit(me, "Hijacked"), 403, "not the signed-in author")
	})
	t.Run("OKEditPublished", func(t *testing.T) {
		var d draftBody
		a.must(t, "POST", "/api/v1/drafts", fmt.Sprintf("/api/v1/drafts?article=%d", articleID), token, edit(me, "Edited title"), 201, &d)
		if d.ArticleID != articleID || d.Version != 2 {
			t.Fatalf("edit draft = %+v, want version 2 of article %d", d, articleID)
		}
	})
}
