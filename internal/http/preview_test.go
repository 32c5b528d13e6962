package http_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/publish"
	"github.com/banxmedia/banx/internal/publish/publishtest"
)

// xssBody is Markdown carrying every kind of active content an author could
// try to slip into the preview pane.
const xssBody = `<script>alert("body")</script>

<img src=x onerror=alert("img")>

<svg onload=alert("svg")></svg>

[click](javascript:alert("link"))

![x](javascript:alert("image"))

![y](https://evil.example/track.png)

<iframe src="javascript:alert('frame')"></iframe>

<a href="#" onclick="alert('click')">a</a>

<style>body{display:none}</style>

| a |
|---|
| <img src=y onerror=alert("table")> |

**safe** text`

// TestPreview checks POST /api/v1/preview: it renders like the article page
// (headings moved down, images only from the draft's own media), its HTML is
// inert whatever the author writes, and it is for signed-in authors with
// bodies within the manifest's limit.
func TestPreview(t *testing.T) {
	a := startAuthorTools(t)
	token := a.signIn(t, publishtest.NewWallet(t))
	const route = "/api/v1/preview"
	const cid = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"
	preview := func(t *testing.T, body string, media []string) string {
		t.Helper()
		var out struct{ HTML string }
		r := a.must(t, "POST", route, route, token, map[string]any{"body": body, "media": media}, 200, &out)
		if r.header.Get("Cache-Control") != "no-store" {
			t.Errorf("Cache-Control = %q", r.header.Get("Cache-Control"))
		}
		return out.HTML
	}
	ok := []struct {
		name, body string
		media      []string
		want, not  []string
	}{
		{"OKMarkdown", "# Heading\n\nSome **bold** and a [link](https://www.reuters.com/).\n\n| a | b |\n|---|---|\n| 1 | 2 |", nil,
			[]string{"<h2>Heading</h2>", "<strong>bold</strong>", `<a href="https://www.reuters.com/" rel="nofollow noreferrer">link</a>`, "<table>"}, []string{"<h1>"}},
		{"OKListedImage", "![A chart](ipfs://" + cid + ")", []string{cid}, []string{`<img src="/ipfs/` + cid + `" alt="A chart">`}, nil},
		{"OKUnlistedImageDropped", "Text ![A chart](ipfs://" + cid + ")", nil, []string{"Text"}, []string{"<img"}},
		{"OKEmpty", "", nil, nil, []string{"<"}},
	}
	for _, tc := range ok {
		t.Run(tc.name, func(t *testing.T) {
			html := preview(t, tc.body, tc.media)
			for _, w := range tc.want {
				if !strings.Contains(html, w) {
					t.Errorf("preview lacks %s:\n%s", w, html)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(html, n) {
					t.Errorf("preview has %s:\n%s", n, html)
				}
			}
		})
	}
	t.Run("OKXSSInert", func(t *testing.T) {
		html := preview(t, xssBody, nil)
		// Text may quote the markup (escaped, inert); no tag may be active.
		active := regexp.MustCompile(`(?i)^<\s*/?\s*(script|iframe|svg|style|object|embed|img)|\son\w+\s*=|javascript:|evil\.example`)
		for _, tag := range regexp.MustCompile(`<[^>]*>`).FindAllString(html, -1) {
			if active.MatchString(tag) {
				t.Errorf("active tag %s survived in the preview", tag)
			}
		}
		if !strings.Contains(html, "&lt;img src=x onerror=") {
			t.Errorf("the quoted markup should show as text:\n%s", html)
		}
		if !strings.Contains(html, "<strong>safe</strong>") {
			t.Errorf("the safe part is gone:\n%s", html)
		}
	})
	big, _ := json.Marshal(map[string]string{"body": strings.Repeat("a", 1<<20+1)})
	refused := []struct {
		name, token string
		body        any
		status      int
		reason      string
	}{
		{"ErrNotSignedIn", "", map[string]string{"body": "x"}, 401, "sign in first"},
		{"ErrBadToken", "nope", map[string]string{"body": "x"}, 401, "not valid"},
		{"ErrTooLarge", token, big, 413, "body: 1048577 bytes, max 1048576"},
		{"ErrBadCID", token, map[string]any{"body": "x", "media": []string{"QmNotBase32"}}, 400, "media[0]"},
		{"ErrUnknownField", token, map[string]any{"body": "x", "title": "t"}, 400, "unknown field"},
		{"ErrNotJSON", token, []byte("# not json"), 400, "request body"},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			a.refused(t, "POST", route, route, tc.token, tc.body, tc.status, tc.reason)
		})
	}
	t.Run("ErrCrossOrigin", func(t *testing.T) {
		code, _, body := cookieRequest(t, "POST", a.url+route, token, "https://evil.example", "application/json", strings.NewReader(`{"body":"x"}`))
		if code != 403 || !strings.Contains(body, "cross-origin write refused") {
			t.Fatalf("cross-origin preview = %d %s", code, body)
		}
	})
}

// TestAuthorPageTexts checks what the author pages tell a person: the edit
// notice names the next version's number, the Tags field states its rule and
// checks it in the page, an AI-generated image's Origin shows the AI source
// type, and the join page leads to the Publish page with the wallet, funding
// and trust line explained.
func TestAuthorPageTexts(t *testing.T) {
	ctx := publishtest.Context(t)
	a := startAuthorTools(t)
	alice := publishtest.NewWallet(t)
	publishtest.Fund(t, ctx, a.client, alice, 20_000_000)
	me := alice.ClassicAddress.String()
	token := a.signIn(t, alice)
	var cover struct {
		CID  string `json:"cid"`
		Size int    `json:"size"`
	}
	a.must(t, "POST", "/api/v1/media", "/api/v1/media", token, smallPNG(t, 40, 30), 201, &cover)
	m := map[string]any{"schema": "banx.manifest/1", "title": "Texts", "summary": "A summary.",
		"body": "Body.", "category": "science", "language": "en", "author": me, "created": "2026-11-25T12:00:00Z",
		"sources":       []map[string]string{{"name": "Reuters", "url": "https://www.reuters.com/"}},
		"ai_disclosure": "The cover was made with an image model.",
		"media": []map[string]any{{"cid": cover.CID, "role": "cover", "mime_type": "image/png", "size": cover.Size,
			"alt": "A bar chart", "digital_source_type": "trainedAlgorithmicMedia"}}}
	doc, _ := json.Marshal(m)
	articleID := publishAndWait(t, a, alice, token, doc)

	pages := []struct {
		name, path string
		want, not  []string
	}{
		{"OKEditNotice", "/publish?edit=" + strconv.FormatInt(articleID, 10),
			[]string{"(version 1). Publishing makes version 2, chained",
				"Tags: letters, digits and _ only", `pattern="[#\p{L}\p{M}\p{Nd}_\s,]*"`, `id="tags-error"`,
				`<option value="trainedAlgorithmicMedia" data-ai-option selected>AI-generated (trained model)</option>`},
			[]string{"+ 1", `<option value="digitalCapture" selected>`}},
		{"OKNewArticle", "/publish", []string{`data-ai-option hidden>`}, nil},
		{"OKJoin", "/authors/join", []string{`href="/publish"`, "never sent to Banx", "Fund the address", "BXE trust line", `href="/dashboard"`}, nil},
	}
	for _, tc := range pages {
		t.Run(tc.name, func(t *testing.T) {
			code, _, body := cookieRequest(t, "GET", a.url+tc.path, token, "-", "", nil)
			if code != 200 {
				t.Fatalf("GET %s = %d\n%s", tc.path, code, body)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s lacks %q", tc.path, w)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(body, w) {
					t.Errorf("GET %s has %q", tc.path, w)
				}
			}
		})
	}
}

// publishAndWait publishes a self-anchored manifest for w and waits, as its
// author (anyone else sees the article only once published), until version 1
// is published; it returns the article id.
func publishAndWait(t *testing.T, a *pubAPI, w *wallet.Wallet, token string, manifest []byte) int64 {
	t.Helper()
	me := w.ClassicAddress.String()
	var d draftBody
	a.must(t, "POST", "/api/v1/drafts", "/api/v1/drafts", token, manifest, 201, &d)
	var p struct {
		UnsignedTx string `json:"unsigned_tx"`
	}
	a.must(t, "POST", "/api/v1/drafts/{id}/anchor", fmt.Sprintf("/api/v1/drafts/%d/anchor", d.ID), token, map[string]string{"mode": "self"}, 200, &p)
	fields, err := publish.CheckUnsignedAnchor(p.UnsignedTx, me, anchor.SelfMemo(d.SHA256, d.CID, me, ""), 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	blob, _, err := w.Sign(fields)
	if err != nil {
		t.Fatal(err)
	}
	a.must(t, "POST", "/api/v1/drafts/{id}/submit", fmt.Sprintf("/api/v1/drafts/%d/submit", d.ID), token, map[string]string{"tx_blob": blob}, 202, nil)
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		r := a.call(t, "GET", fmt.Sprintf("/api/v1/articles/%d", d.ArticleID), token, nil)
		var art struct {
			Versions []map[string]any `json:"versions"`
		}
		if r.status == 200 && json.Unmarshal(r.body, &art) == nil && len(art.Versions) > 0 {
			switch art.Versions[0]["status"] {
			case "published":
				return d.ArticleID
			case "failed":
				t.Fatalf("version 1 failed: %v", art.Versions[0]["failure_reason"])
			}
		}
	}
	t.Fatalf("article %d not published within a minute", d.ArticleID)
	return 0
}
