package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/banxmedia/banx/internal/publish/publishtest"
)

// chromiumPath is Debian's chromium, installed by make test-deps.
const chromiumPath = "/usr/bin/chromium"

// readerUA is what the test browser calls itself. Headless Chromium names
// itself HeadlessChrome, which the view ledger rightly filters as a bot; the
// journey plays a real reader, so it presents as the desktop browser it is.
const readerUA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36"

// browser starts chromium with a fresh profile and returns its first tab;
// tab opens the others in it.
func browser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatal("chromium not found: run make test-deps (apt-get install chromium)")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("disable-blink-features", "AutomationControlled"),
		chromedp.UserAgent(readerUA),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(cancelBrowser)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", chromiumPath, err)
	}
	return ctx
}

// tab opens a tab in a new browser context (its own cookies: another reader)
// and records every JavaScript dialog the pages open.
func tab(t *testing.T, alloc context.Context) (context.Context, func() []string) {
	t.Helper()
	ctx, cancel := chromedp.NewContext(alloc, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(cancelTimeout)
	var mu sync.Mutex
	var dialogs []string
	if err := chromedp.Listen(ctx, func(ev any) {
		if d, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			mu.Lock()
			dialogs = append(dialogs, d.Message)
			mu.Unlock()
			go chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}); err != nil {
		t.Fatal(err)
	}
	return ctx, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), dialogs...) }
}

// screenshot saves a full-page screenshot under $BANX_SCREENSHOTS or the
// test's temporary directory, and logs where.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("BANX_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s", path)
}

// viewport saves what the reader sees without scrolling, like screenshot.
func viewport(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("BANX_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

// coverPNG is a real image for the seed article's cover, so the page shows a
// picture served from Banx's own /ipfs/ gateway.
func coverPNG(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 640, 360))
	for y := range 360 {
		for x := range 640 {
			img.Set(x, y, color.RGBA{uint8(20 + x/8), uint8(60 + y/6), 140, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// seedArticle is contracts/testdata/manifest/seed.md by author, with its cover
// replaced by an image stored under cid.
func seedArticle(t *testing.T, author, cid string, size int) string {
	raw, err := os.ReadFile("../../contracts/testdata/manifest/seed.md")
	if err != nil {
		t.Fatal(err)
	}
	s := regexp.MustCompile(`(?m)^author: .*$`).ReplaceAllString(string(raw), "author: "+author)
	s = regexp.MustCompile(`(?m)^  - cid: .*$`).ReplaceAllString(s, "  - cid: "+cid)
	s = regexp.MustCompile(`(?m)^    mime_type: .*$`).ReplaceAllString(s, "    mime_type: image/png")
	s = regexp.MustCompile(`(?m)^    size: .*$`).ReplaceAllString(s, "    size: "+strconv.Itoa(size))
	return s
}

// xssArticle carries an XSS corpus in every field an author controls that a
// page shows.
func xssArticle(author string) string {
	return `---
title: '<script>alert("title")</script> XSS corpus'
summary: '<img src=x onerror=alert("summary")> summary'
category: technology
tags: [xss, banx]
sources:
  - name: '<script>alert("source")</script>'
    url: https://example.com/?q=%3Cscript%3Ealert(1)%3C/script%3E
  - name: '" onmouseover="alert(2)'
    url: https://www.reuters.com/
language: en
author: ` + author + `
created: 2026-11-25T12:00:00Z
---

<script>alert("body")</script>

<img src=x onerror=alert("img")>

<svg onload=alert("svg")></svg>

[click](javascript:alert("link"))

![x](javascript:alert("image"))

<iframe src="javascript:alert('frame')"></iframe>

<a href="#" onclick="alert('click')">a</a>

| a |
|---|
| <img src=y onerror=alert("table")> |
`
}

// pageFacts is what the article page shows, read from the DOM.
type pageFacts struct {
	Title, Category, Summary, Author, Level, ReadTime, Views, Score string
	Signals                                                         []string
	CredibilityLabel                                                string
	Disclaimer                                                      string
	Sources                                                         []string
	SourceRels                                                      []string
	Tags                                                            []string
	Share                                                           []string
	Tx, CID, LedgerTime, VerifyHref                                 string
	Cover, CoverAlt                                                 string
	CoverLoaded                                                     bool
	Ecosystem                                                       string
	Scripts                                                         []string
	ScrollWidth, InnerWidth                                         int
}

const readFacts = `(() => {
  const q = s => document.querySelector(s);
  const txt = s => (q(s) ? q(s).textContent.trim().replace(/\s+/g, " ") : "");
  const all = (s, f) => Array.from(document.querySelectorAll(s)).map(f);
  const img = q("[data-testid=cover] img");
  return {
    Title: txt("[data-testid=title]"), Category: txt("[data-testid=category]"), Summary: txt("[data-testid=summary]"),
    Author: txt("[data-testid=author]"), Level: txt("[data-testid=level]"), ReadTime: txt("[data-testid=read-time]"),
    Views: txt("[data-testid=view-count]"), Score: txt("[data-testid=score]"),
    Signals: all("[data-testid=credibility] tbody tr", r => Array.from(r.cells).map(c => c.textContent.trim()).join(" ")),
    CredibilityLabel: txt("[data-testid=credibility] .note"),
    Disclaimer: txt("[data-testid=ai-disclaimer]"),
    Sources: all("[data-testid=sources] a", a => a.textContent.trim()),
    SourceRels: all("[data-testid=sources] a", a => a.rel),
    Tags: all("[data-testid=tags] a", a => a.getAttribute("href") + " " + a.textContent.trim()),
    Share: all("[data-share]", a => a.getAttribute("data-share")),
    Tx: txt("[data-testid=tx]"), CID: txt("[data-testid=cid]"), LedgerTime: txt("[data-testid=ledger-time]"),
    VerifyHref: q("[data-testid=verify]") ? q("[data-testid=verify]").getAttribute("href") : "",
    Cover: img ? img.getAttribute("src") : "", CoverAlt: img ? img.alt : "", CoverLoaded: !!(img && img.complete && img.naturalWidth > 0),
    Ecosystem: txt("[data-testid=ecosystem]"),
    Scripts: all("script", s => s.getAttribute("src") || "inline:" + s.textContent.slice(0, 40)),
    ScrollWidth: document.documentElement.scrollWidth, InnerWidth: window.innerWidth,
  };
})()`

func facts(t *testing.T, ctx context.Context) pageFacts {
	t.Helper()
	f, err := chromedp.Run(ctx, chromedp.Evaluate[pageFacts](readFacts))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestBrowserJourney publishes the seed article on an in-process banx serve
// and reads it in chromium: every element of the seed page is there with real
// data, the page fits a phone, an XSS corpus renders inert, and a second
// reader's view is counted.
func TestBrowserJourney(t *testing.T) {
	alloc := browser(t)
	ctx := publishtest.Context(t)
	ledgerAddr := freeAddr(t)
	s := startServe(t, map[string]string{"BANX_LEDGER_ADDR": ledgerAddr, "BANX_VIEW_DWELL": "1s"})
	dir := t.TempDir()
	seedFile := filepath.Join(dir, "author.seed")
	out, err := cli(ctx, nil, "wallet", "new", "--out", seedFile)
	if err != nil {
		t.Fatal(err)
	}
	author := field(out, "address")
	publishtest.Fund(t, ctx, publishtest.Dial(t, "http://"+ledgerAddr+"/"), walletFromFile(t, seedFile), 50_000_000)

	cover := coverPNG(t)
	code, body, _ := s.do(t, "POST", "/api/v1/content", s.token, cover)
	var added struct{ CID string }
	if code != 201 || json.Unmarshal(body, &added) != nil {
		t.Fatalf("POST content = %d %s", code, body)
	}
	publish := func(name, text string) map[string]string {
		t.Helper()
		path := filepath.Join(dir, name)
		os.WriteFile(path, []byte(text), 0o644)
		out, err := cli(ctx, nil, "publish", "--server", s.url, "--seed-file", seedFile, "--mode", "self", path)
		if err != nil {
			t.Fatalf("publish %s: %v\n%s", name, err, out)
		}
		return map[string]string{"article": field(out, "article"), "tx": field(out, "tx"), "cid": field(out, "cid")}
	}
	seed := publish("seed.md", seedArticle(t, author, added.CID, len(cover)))
	xss := publish("xss.md", xssArticle(author))
	articleURL := s.url + "/a/" + seed["article"]

	t.Run("OKArticlePage", func(t *testing.T) {
		tctx, dialogs := tab(t, alloc)
		if err := chromedp.Do(tctx, chromedp.Navigate(articleURL), chromedp.WaitVisible("[data-testid=title]")); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Run(tctx, chromedp.Poll[bool](`(() => { const i = document.querySelector("[data-testid=cover] img"); return i && i.complete; })()`)); err != nil {
			t.Fatal(err)
		}
		f := facts(t, tctx)
		want := []struct{ name, got, want string }{
			{"title", f.Title, "“A New Opening? What the US-Iran Talks in Oman Could Mean for Middle East Diplomacy”"},
			{"category", f.Category, "World"},
			{"summary", f.Summary, "US and Iran recently concluded high-stakes talks in Oman, focusing on nuclear concerns, regional stability, and sanctions relief. The outcome remains unclear, but the talks offer a glimmer of diplomatic hope."},
			{"level", f.Level, "BEGINNER"},
			{"read time", f.ReadTime, "5 min read"},
			{"score", f.Score, "Credibility Score: 97/100"},
			{"disclaimer", f.Disclaimer, "AI Image Disclaimer Visuals were produced with AI tools and are not real photographs."},
			{"tx", f.Tx, seed["tx"]},
			{"cid", f.CID, seed["cid"]},
			{"cover", f.Cover, "/ipfs/" + added.CID},
			{"cover alt", f.CoverAlt, "Illustration of United States and Iranian delegations seated across a negotiating table in Muscat, Oman"},
		}
		for _, w := range want {
			if w.got != w.want {
				t.Errorf("%s = %q, want %q", w.name, w.got, w.want)
			}
		}
		if !strings.Contains(f.Author, author[:6]+"…"+author[len(author)-4:]) || !f.CoverLoaded {
			t.Errorf("author %q (want %s), cover loaded %v", f.Author, author, f.CoverLoaded)
		}
		if v, err := strconv.Atoi(f.Views); err != nil || v < 0 {
			t.Errorf("views = %q", f.Views)
		}
		if len(f.Signals) != 7 || !strings.Contains(f.CredibilityLabel, "Banx's assessment") ||
			!strings.Contains(strings.Join(f.Signals, "\n"), "Validated anchor 30/30") ||
			!strings.Contains(strings.Join(f.Signals, "\n"), "5 of 5 sources are known news outlets") {
			t.Errorf("credibility breakdown = %q, label %q", f.Signals, f.CredibilityLabel)
		}
		if strings.Join(f.Sources, ",") != "BBC,The Guardian,Al Jazeera,Reuters,The New York Times" {
			t.Errorf("sources = %q", f.Sources)
		}
		for _, rel := range f.SourceRels {
			if rel != "noopener noreferrer nofollow" {
				t.Errorf("source rel = %q", rel)
			}
		}
		if strings.Join(f.Tags, ",") != "/tag/USIranTalks #USIranTalks,/tag/MiddleEastDiplomacy #MiddleEastDiplomacy" {
			t.Errorf("tags = %q", f.Tags)
		}
		if strings.Join(f.Share, ",") != "x,facebook,linkedin,telegram,email,copy" {
			t.Errorf("share = %q", f.Share)
		}
		if _, err := time.Parse(time.RFC3339, f.LedgerTime); err != nil || !strings.HasPrefix(f.VerifyHref, "/verify/"+seed["tx"]) {
			t.Errorf("ledger time %q, verify link %q", f.LedgerTime, f.VerifyHref)
		}
		if !strings.Contains(f.Ecosystem, "Powered by the XRP Ledger & BXE Token") || !strings.Contains(f.Ecosystem, "Become an author and earn BXE") {
			t.Errorf("ecosystem block = %q", f.Ecosystem)
		}
		for _, src := range f.Scripts {
			if !strings.HasPrefix(src, "/static/") {
				t.Errorf("script %q is not a static asset", src)
			}
		}
		screenshot(t, tctx, "article-desktop")

		if err := chromedp.Do(tctx, chromedp.EmulateViewport(375, 812, chromedp.EmulateScale(2), chromedp.EmulateMobile),
			chromedp.Reload(), chromedp.WaitVisible("[data-testid=title]")); err != nil {
			t.Fatal(err)
		}
		if f := facts(t, tctx); f.ScrollWidth > f.InnerWidth || f.InnerWidth != 375 {
			t.Errorf("phone: scrollWidth %d > innerWidth %d", f.ScrollWidth, f.InnerWidth)
		}
		screenshot(t, tctx, "article-phone")
		viewport(t, tctx, "article-phone-top")
		if err := chromedp.Do(tctx, chromedp.Click("[data-testid=credibility] summary"), chromedp.WaitVisible("[data-testid=credibility] table")); err != nil {
			t.Fatal(err)
		}
		viewport(t, tctx, "article-phone-credibility")

		if err := chromedp.Do(tctx, chromedp.EmulateViewport(1280, 900), chromedp.Click("[data-testid=verify]"),
			chromedp.WaitVisible("[data-testid=verdict]")); err != nil {
			t.Fatal(err)
		}
		verdict, err := chromedp.Run(tctx, chromedp.Text("[data-testid=verdict]"))
		if err != nil || !strings.HasPrefix(verdict, "✓ Verified") {
			t.Errorf("verify page verdict = %q, %v", verdict, err)
		}
		screenshot(t, tctx, "verify")
		// The verify pages fit a phone: the proof bundle's file input must not
		// be wider than a 375 px screen.
		verifyURL, err := chromedp.Run(tctx, chromedp.Evaluate[string](`location.href`))
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range []string{verifyURL, s.url + "/verify"} {
			if err := chromedp.Do(tctx, chromedp.EmulateViewport(375, 812, chromedp.EmulateScale(2), chromedp.EmulateMobile),
				chromedp.Navigate(u), chromedp.WaitVisible("[data-testid=bundle]")); err != nil {
				t.Fatal(err)
			}
			if f := facts(t, tctx); f.ScrollWidth > f.InnerWidth || f.InnerWidth != 375 {
				t.Errorf("phone %s: scrollWidth %d > innerWidth %d", u, f.ScrollWidth, f.InnerWidth)
			}
		}
		screenshot(t, tctx, "verify-phone")
		if d := dialogs(); len(d) > 0 {
			t.Errorf("dialogs opened: %q", d)
		}
	})

	t.Run("OKListPages", func(t *testing.T) {
		tctx, _ := tab(t, alloc)
		for _, p := range []struct{ path, shot string }{{"/", "home"}, {"/category/world", "category"}, {"/tag/usirantalks", "tag"}} {
			if err := chromedp.Do(tctx, chromedp.Navigate(s.url+p.path), chromedp.WaitVisible("h1")); err != nil {
				t.Fatal(err)
			}
			links, err := chromedp.Run(tctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(".card h2 a")).map(a => a.getAttribute("href"))`))
			if err != nil || !slices.ContainsFunc(links, func(l string) bool { return strings.HasPrefix(l, "/a/"+seed["article"]+"/") }) {
				t.Errorf("%s: cards %q, %v", p.path, links, err)
			}
			screenshot(t, tctx, p.shot)
		}
	})

	t.Run("OKXSSInert", func(t *testing.T) {
		tctx, dialogs := tab(t, alloc)
		if err := chromedp.Do(tctx, chromedp.Navigate(s.url+"/a/"+xss["article"]), chromedp.WaitVisible("[data-testid=title]")); err != nil {
			t.Fatal(err)
		}
		f := facts(t, tctx)
		for _, src := range f.Scripts {
			if !strings.HasPrefix(src, "/static/") {
				t.Errorf("script from content in the DOM: %q", src)
			}
		}
		handlers, err := chromedp.Run(tctx, chromedp.Evaluate[int](`Array.from(document.querySelectorAll("*")).filter(e =>
			Array.from(e.attributes).some(a => a.name.startsWith("on") || /^\s*javascript:/i.test(a.value))).length`))
		if err != nil || handlers != 0 {
			t.Errorf("%d elements carry handlers or javascript: URLs (%v)", handlers, err)
		}
		if !strings.Contains(f.Title, `<script>alert("title")</script>`) || !strings.Contains(f.Summary, "onerror") {
			t.Errorf("title %q and summary %q should show the markup as text", f.Title, f.Summary)
		}
		// Mouse over and click everything a handler could hide in.
		chromedp.Do(tctx, chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("a, img, [data-testid=body] *").forEach(e => {
			e.dispatchEvent(new MouseEvent("mouseover", {bubbles: true})); })`))
		screenshot(t, tctx, "xss")
		if d := dialogs(); len(d) > 0 {
			t.Errorf("dialogs opened: %q", d)
		}
	})

	t.Run("OKViewCounted", func(t *testing.T) {
		tctx, _ := tab(t, alloc)
		if err := chromedp.Do(tctx, chromedp.Navigate(articleURL), chromedp.WaitVisible("[data-testid=view-count]")); err != nil {
			t.Fatal(err)
		}
		before, _ := strconv.Atoi(facts(t, tctx).Views)
		if err := chromedp.Do(tctx, chromedp.WaitReady("main[data-view-sent]")); err != nil {
			t.Fatal(err)
		}
		var after int
		for range 50 {
			if err := chromedp.Do(tctx, chromedp.Reload(), chromedp.WaitVisible("[data-testid=view-count]")); err != nil {
				t.Fatal(err)
			}
			if after, _ = strconv.Atoi(facts(t, tctx).Views); after > before {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if after != before+1 {
			code, body, _ := s.do(t, "GET", "/api/v1/views/stats", s.token, nil)
			t.Fatalf("views %d -> %d, want +1; stats %d %s", before, after, code, body)
		}
		screenshot(t, tctx, fmt.Sprintf("article-views-%d", after))
	})
}
