package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Peersyst/xrpl-go/pkg/crypto"
	"github.com/Peersyst/xrpl-go/xrpl/interfaces"
	"github.com/Peersyst/xrpl-go/xrpl/transaction/types"
	"github.com/Peersyst/xrpl-go/xrpl/wallet"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/publish/publishtest"
)

// sentRequest is what the browser sent: URL, headers and body.
type sentRequest struct {
	id, url, method, body string
	headers               []string
	bodyUnknown           bool
}

// recordRequests records every request the tab sends, with the headers as
// they go on the wire (cookies included) and the POST bodies.
func recordRequests(t *testing.T, ctx context.Context) func() []sentRequest {
	t.Helper()
	var mu sync.Mutex
	var reqs []sentRequest
	headers := func(h network.Headers) []string {
		var out []string
		for k, v := range h {
			out = append(out, k+": "+strings.TrimSpace(strings.ReplaceAll(toString(v), "\n", " ")))
		}
		return out
	}
	if err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			r := sentRequest{id: string(e.RequestID), url: e.Request.URL, method: e.Request.Method, headers: headers(e.Request.Headers)}
			for _, p := range e.Request.PostDataEntries {
				r.body += string(p.Bytes)
			}
			r.bodyUnknown = e.Request.HasPostData && len(e.Request.PostDataEntries) == 0
			reqs = append(reqs, r)
		case *network.EventRequestWillBeSentExtraInfo:
			reqs = append(reqs, sentRequest{id: string(e.RequestID), headers: headers(e.Headers)})
		}
	}); err != nil {
		t.Fatal(err)
	}
	return func() []sentRequest { mu.Lock(); defer mu.Unlock(); return append([]sentRequest(nil), reqs...) }
}

func toString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// progress is the Publish page's progress list and outcome, read from the DOM.
type progress struct {
	Steps            map[string]string
	Error            string
	Article, Tx, CID string
	ArticleHref      string
	Proof            string
}

const readProgress = `(() => {
  const steps = {};
  document.querySelectorAll("#progress [data-step]").forEach(li => { steps[li.dataset.step] = li.dataset.state || ""; });
  const a = id => document.getElementById(id);
  return {Steps: steps, Error: a("publish-error").textContent, Article: a("result-article").textContent,
    ArticleHref: a("result-article").getAttribute("href") || "", Tx: a("result-tx").textContent, CID: a("result-cid").textContent,
    Proof: a("result-proof").getAttribute("href") || ""};
})()`

// TestBrowserPublish is an author's journey on the Publish page in chromium:
// generate a key in the page, get it funded, sign in, write an article and
// publish it self-anchored and then batch-anchored, watch the progress reach
// validated, read the article page, and verify the downloaded proof bundle on
// the Verify page. Every request the browser sends is recorded: none carries
// the seed or the private key.
func TestBrowserPublish(t *testing.T) {
	alloc := browser(t)
	ctx := publishtest.Context(t)
	ledgerAddr := freeAddr(t)
	s := startServe(t, map[string]string{"BANX_LEDGER_ADDR": ledgerAddr, "BANX_BATCH_INTERVAL": "200ms"})
	tctx, dialogs := tab(t, alloc)
	sent := recordRequests(t, tctx)

	if err := chromedp.Do(tctx, chromedp.Navigate(s.url+"/publish"), chromedp.WaitReady(`main[data-ready="true"]`),
		chromedp.Click("#wallet-keep"), chromedp.Click("#wallet-generate"), chromedp.WaitVisible("#wallet-info")); err != nil {
		t.Fatal(err)
	}
	author, err := chromedp.Run(tctx, chromedp.Text("#wallet-address"))
	if err != nil {
		t.Fatal(err)
	}
	seed, err := chromedp.Run(tctx, chromedp.Evaluate[string](`document.getElementById("wallet-seed-shown").textContent`))
	if err != nil {
		t.Fatal(err)
	}
	w, err := wallet.FromSeed(seed, "")
	if err != nil || w.ClassicAddress.String() != author {
		t.Fatalf("page key: seed %q derives %s (%v), page shows %s", seed, w.ClassicAddress, err, author)
	}
	if !strings.HasPrefix(w.PublicKey, "02") && !strings.HasPrefix(w.PublicKey, "03") {
		t.Errorf("generated key %s is not secp256k1", w.PublicKey)
	}
	publishtest.Fund(t, ctx, publishtest.Dial(t, "http://"+ledgerAddr+"/"), &wallet.Wallet{ClassicAddress: types.Address(author)}, 50_000_000)

	if err := chromedp.Do(tctx, chromedp.Click("#sign-in"), chromedp.WaitVisible(`#session-status[data-kind="ok"]`)); err != nil {
		t.Fatal(err)
	}
	screenshot(t, tctx, "publish-signed-in")

	t.Run("ErrTagRule", func(t *testing.T) {
		// A tag with a hyphen is refused in the page, beside the field,
		// before anything is stored.
		drafts := func() int {
			n := 0
			for _, r := range sent() {
				if r.method == "POST" && strings.Contains(r.url, "/api/v1/drafts") {
					n++
				}
			}
			return n
		}
		before := drafts()
		if err := chromedp.Do(tctx, chromedp.WaitEnabled("#title"), chromedp.SetValue("#title", "Tag rule"),
			chromedp.SetValue("#tags", "#qa, test-tag"), chromedp.Click(`[data-testid=publish]`),
			chromedp.WaitVisible("[data-testid=tags-error]")); err != nil {
			t.Fatal(err)
		}
		label, _ := chromedp.Run(tctx, chromedp.Text(`label[for=tags]`))
		msg, _ := chromedp.Run(tctx, chromedp.Text("[data-testid=tags-error]"))
		if !strings.Contains(label, "letters, digits and _") || !strings.Contains(msg, "“test-tag” has “-”: use letters, digits and _ only") {
			t.Errorf("tags label %q, message %q", label, msg)
		}
		if n := drafts(); n != before {
			t.Errorf("a draft was sent with a bad tag (%d requests)", n-before)
		}
		if err := chromedp.Do(tctx, chromedp.SetValue("#tags", "qa test_tag"), chromedp.SendKeys("#tags", " "),
			chromedp.WaitNotVisible("[data-testid=tags-error]")); err != nil {
			t.Fatal(err)
		}
	})

	publishIn := func(t *testing.T, mode, title string) progress {
		t.Helper()
		if err := chromedp.Do(tctx,
			chromedp.WaitEnabled("#title"),
			chromedp.SetValue("#title", title),
			chromedp.SetValue("#summary", "What "+title+" is about, in one line."),
			chromedp.SetValue("#body", "The body of **"+title+"**.\n\nA second paragraph with a [link](https://www.reuters.com/).\n"),
			chromedp.SetValue("#category", "technology"),
			chromedp.SetValue("#tags", "#banx, xrpl"),
			chromedp.SetValue(`#sources [data-source]:nth-child(1) [name=source_name]`, "Reuters"),
			chromedp.SetValue(`#sources [data-source]:nth-child(1) [name=source_url]`, "https://www.reuters.com/"),
			chromedp.Click("#add-source"),
			chromedp.SetValue(`#sources [data-source]:nth-child(2) [name=source_name]`, "BBC"),
			chromedp.SetValue(`#sources [data-source]:nth-child(2) [name=source_url]`, "https://www.bbc.com/news"),
			chromedp.SetValue("#ai_disclosure", "No AI was used."),
			chromedp.Click(`input[name=mode][value=`+mode+`]`),
			chromedp.Click(`[data-testid=publish]`),
		); err != nil {
			t.Fatal(err)
		}
		done, err := chromedp.Run(tctx, chromedp.Poll[bool](`(() => document.querySelector('#progress [data-step=validated]').dataset.state === "done" ||
			document.getElementById("publish-error").textContent !== "")()`, chromedp.WithPollingTimeout(2*time.Minute)))
		p, perr := chromedp.Run(tctx, chromedp.Evaluate[progress](readProgress))
		if err != nil || !done || perr != nil || p.Error != "" {
			t.Fatalf("publish %s: %v %v, progress %+v", mode, err, perr, p)
		}
		for _, step := range []string{"stored", "signed", "submitted", "validated"} {
			if p.Steps[step] != "done" {
				t.Errorf("step %s is %q", step, p.Steps[step])
			}
		}
		if !regexp.MustCompile(`^[0-9A-F]{64}$`).MatchString(p.Tx) || !strings.HasPrefix(p.CID, "baf") || p.Article != title {
			t.Errorf("result %+v", p)
		}
		screenshot(t, tctx, "publish-"+mode)
		return p
	}

	proofFile := filepath.Join(t.TempDir(), "article.proof.json") // the last one published
	for _, mode := range []string{"self", "batch"} {
		t.Run("OK"+strings.ToUpper(mode[:1])+mode[1:], func(t *testing.T) {
			title := "Published from the browser, " + mode + " anchored"
			if mode == "batch" {
				// A reload keeps the key (the author ticked the box) and the session.
				if err := chromedp.Do(tctx, chromedp.Reload(), chromedp.WaitVisible(`#session-status[data-kind="ok"]`)); err != nil {
					t.Fatal(err)
				}
				if got, _ := chromedp.Run(tctx, chromedp.Text("#wallet-address")); got != author {
					t.Fatalf("after reload the page holds %q, want %s", got, author)
				}
			}
			p := publishIn(t, mode, title)
			code, body, _ := s.do(t, "GET", p.Proof, "", nil)
			b, err := anchor.ParseProofBundle(body)
			if code != 200 || err != nil {
				t.Fatalf("GET %s = %d %v", p.Proof, code, err)
			}
			if b.Author != author || b.Manifest.CID != p.CID || anchor.VerifyOffline(b).Verdict() == anchor.VerdictFailed {
				t.Errorf("proof bundle: author %s, cid %s, offline verdict %s", b.Author, b.Manifest.CID, anchor.VerifyOffline(b).Verdict())
			}
			if err := os.WriteFile(proofFile, body, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := chromedp.Do(tctx, chromedp.Navigate(s.url+p.ArticleHref), chromedp.WaitVisible("[data-testid=title]")); err != nil {
				t.Fatal(err)
			}
			if f := facts(t, tctx); f.Title != title || f.Tx != p.Tx || f.CID != p.CID {
				t.Errorf("article page: title %q tx %q cid %q, want %q %q %q", f.Title, f.Tx, f.CID, title, p.Tx, p.CID)
			}
			if err := chromedp.Do(tctx, chromedp.Navigate(s.url+"/publish"), chromedp.WaitReady(`main[data-ready="true"]`)); err != nil {
				t.Fatal(err)
			}
		})
	}

	uploads := map[string]string{} // file each image upload sent, by CID
	t.Run("OKPreviewImagesEdit", func(t *testing.T) {
		uploads = writeImages(t, tctx, s.url)
	})

	t.Run("OKVerifyBundleUpload", func(t *testing.T) {
		if _, err := os.Stat(proofFile); err != nil {
			t.Fatalf("no proof bundle was downloaded: %v", err)
		}
		if err := chromedp.Do(tctx, chromedp.Navigate(s.url+"/verify"), chromedp.SetUploadFiles("#bundle", []string{proofFile}),
			chromedp.Click(`[data-testid=bundle-form] button`)); err != nil {
			t.Fatal(err)
		}
		// The answer is a new page: the report, or an error page.
		// Polling across the navigation fails while the old page goes away: retry.
		for i := 0; ; i++ {
			loaded, err := chromedp.Run(tctx, chromedp.Evaluate[bool](`document.readyState === "complete" && document.title !== "Verify an article · Banx"`))
			if err == nil && loaded {
				break
			}
			if i == 600 {
				t.Fatalf("the bundle's report page did not load: %v", err)
			}
			time.Sleep(100 * time.Millisecond)
		}
		if text, _ := chromedp.Run(tctx, chromedp.Evaluate[string](`document.querySelector("[data-testid=verdict]") ? "" : document.body.innerText`)); text != "" {
			t.Fatalf("no verdict on the page:\n%s", text)
		}
		verdict, err := chromedp.Run(tctx, chromedp.Text("[data-testid=verdict]"))
		if err != nil || !strings.HasPrefix(verdict, "✓ Verified") {
			t.Errorf("bundle verdict = %q, %v", verdict, err)
		}
		screenshot(t, tctx, "verify-bundle")
	})

	// Importing a seed gives the key the CLI derives from it, for both key
	// types: xrpl.js alone would read every seed as ed25519.
	t.Run("ImportSeed", func(t *testing.T) {
		ictx, _ := tab(t, alloc)
		if err := chromedp.Do(ictx, chromedp.Navigate(s.url+"/publish"), chromedp.WaitReady(`main[data-ready="true"]`)); err != nil {
			t.Fatal(err)
		}
		for _, algo := range []struct {
			name string
			alg  interfaces.CryptoImplementation
		}{{"OKSecp256k1", crypto.SECP256K1()}, {"OKEd25519", crypto.ED25519()}} {
			t.Run(algo.name, func(t *testing.T) {
				want, err := wallet.New(algo.alg)
				if err != nil {
					t.Fatal(err)
				}
				if err := chromedp.Do(ictx, chromedp.SetValue("#wallet-seed", want.Seed), chromedp.Click("#wallet-import"),
					chromedp.WaitVisible("#wallet-info")); err != nil {
					t.Fatal(err)
				}
				got, err := chromedp.Run(ictx, chromedp.Evaluate[[]string](`[document.getElementById("wallet-address").textContent,
					document.getElementById("wallet-public-key").textContent, document.getElementById("wallet-seed").value]`))
				if err != nil || got[0] != want.ClassicAddress.String() || got[1] != strings.ToUpper(want.PublicKey) || got[2] != "" {
					t.Errorf("imported %s: page shows %q (%v), want %s %s and an emptied input", algo.name, got, err, want.ClassicAddress, want.PublicKey)
				}
			})
		}
		t.Run("ErrNotASeed", func(t *testing.T) {
			if err := chromedp.Do(ictx, chromedp.SetValue("#wallet-seed", "not a seed"), chromedp.Click("#wallet-import"),
				chromedp.WaitVisible(`#session-status[data-kind="error"]`)); err != nil {
				t.Fatal(err)
			}
			if msg, _ := chromedp.Run(ictx, chromedp.Text("#session-status")); !strings.Contains(msg, "not an XRPL seed") {
				t.Errorf("status %q", msg)
			}
		})
	})

	t.Run("OKSeedNeverSent", func(t *testing.T) {
		secrets := []string{seed, strings.ToUpper(w.PrivateKey), strings.ToLower(w.PrivateKey)}
		if len(w.PrivateKey) == 66 {
			secrets = append(secrets, strings.ToUpper(w.PrivateKey[2:]), strings.ToLower(w.PrivateKey[2:]))
		}
		reqs := sent()
		var bodies int
		for _, r := range reqs {
			if r.bodyUnknown && r.url == s.url+"/verify" {
				// The proof bundle upload: chromium does not report file
				// bodies; the file is the server's own proof bundle.
				body, _ := os.ReadFile(proofFile)
				r.body, r.bodyUnknown = string(body), false
			}
			if r.bodyUnknown && r.url == s.url+"/api/v1/media" && len(uploads) > 0 {
				// The image uploads: files the test wrote, checked whole.
				for _, f := range uploads {
					body, _ := os.ReadFile(f)
					r.body += string(body)
				}
				r.bodyUnknown = false
			}
			if r.bodyUnknown {
				t.Errorf("%s %s: chromium did not report the body, so it could not be checked", r.method, r.url)
			}
			if r.body != "" {
				bodies++
			}
			all := r.url + "\n" + strings.Join(r.headers, "\n") + "\n" + r.body
			for _, secret := range secrets {
				if strings.Contains(all, secret) {
					t.Errorf("request %s %s carries a secret (%d characters)", r.method, r.url, len(secret))
				}
			}
		}
		// The recorder saw the requests that matter: the signed sign-in
		// (with the public key) and both drafts.
		joined := ""
		for _, r := range reqs {
			joined += r.url + " " + r.body + "\n"
		}
		if bodies < 6 || !strings.Contains(joined, strings.ToUpper(w.PublicKey)) || strings.Count(joined, "/api/v1/drafts ") < 2 {
			t.Errorf("recorded %d requests, %d with bodies: the listener missed the publishing requests", len(reqs), bodies)
		}
	})
	if d := dialogs(); len(d) > 0 {
		t.Errorf("dialogs opened: %q", d)
	}
}

// gradientPNG is a real w×h PNG, different for each seed.
func gradientPNG(t *testing.T, w, h int, seed uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x) + seed, uint8(y * 2), 255 - seed, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// waitInPage waits until the Publish page's progress reaches validated or
// stops with an error, and returns it.
func waitInPage(t *testing.T, ctx context.Context) progress {
	t.Helper()
	done, err := chromedp.Run(ctx, chromedp.Poll[bool](`(() => document.querySelector('#progress [data-step=validated]').dataset.state === "done" ||
		document.getElementById("publish-error").textContent !== "")()`, chromedp.WithPollingTimeout(2*time.Minute)))
	p, perr := chromedp.Run(ctx, chromedp.Evaluate[progress](readProgress))
	if err != nil || !done || perr != nil || p.Error != "" {
		t.Fatalf("publishing in the page: %v %v, progress %+v", err, perr, p)
	}
	return p
}

// writeImages is the author's writing journey on a signed-in Publish page:
// type Markdown and watch the sanitized preview, upload a PNG cover marked
// AI-generated and an inline image, publish, find the images on the article
// page, then edit the article from the dashboard and see version 2 there. It
// returns the uploaded files by CID.
func writeImages(t *testing.T, ctx context.Context, base string) map[string]string {
	dir := t.TempDir()
	coverFile, inlineFile := filepath.Join(dir, "cover.png"), filepath.Join(dir, "inline.png")
	if err := os.WriteFile(coverFile, gradientPNG(t, 320, 180, 10), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(inlineFile, gradientPNG(t, 120, 80, 90), 0o644); err != nil {
		t.Fatal(err)
	}
	title := "Written with a live preview and images"
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/publish"), chromedp.WaitReady(`main[data-ready="true"]`),
		chromedp.WaitVisible(`#session-status[data-kind="ok"]`), chromedp.WaitEnabled("#title"),
		chromedp.SetValue("#title", title), chromedp.SetValue("#summary", "A page written with the preview beside it."),
		chromedp.SetValue("#category", "science"),
		chromedp.SendKeys("#body", "## Typed heading\n\nSome **bold** words <script>alert(\"typed\")</script> and <img src=x onerror=alert(1)>.\n\n[bad](javascript:alert(2)) end."),
	); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`(() => { const p = document.getElementById("preview");
		return !!p.querySelector("h3") && p.textContent.includes("end."); })()`, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		st, _ := chromedp.Run(ctx, chromedp.Text("#preview-status"))
		t.Fatalf("no preview of the typed Markdown: %v (status %q)", err, st)
	}
	pv, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => { const p = document.getElementById("preview");
		return [p.querySelector("h3").textContent, p.querySelector("strong").textContent,
			String(p.querySelectorAll("script, img, iframe, svg").length),
			String(Array.from(p.querySelectorAll("*")).filter(e => Array.from(e.attributes).some(a => a.name.startsWith("on") || /javascript:/i.test(a.value))).length)]; })()`))
	if err != nil || len(pv) != 4 || pv[0] != "Typed heading" || pv[1] != "bold" || pv[2] != "0" || pv[3] != "0" {
		t.Fatalf("preview: h3, strong, active elements, handlers = %q (%v)", pv, err)
	}
	screenshot(t, ctx, "publish-preview")

	if err := chromedp.Do(ctx, chromedp.SetUploadFiles("#cover-file", []string{coverFile}),
		chromedp.WaitVisible(`#media-list [data-role="cover"] img`),
		chromedp.SetValue(`#media-list [data-role="cover"] [name=media_alt]`, "A violet gradient"),
		chromedp.Click(`#media-list [data-role="cover"] [name=media_ai]`),
		chromedp.SetUploadFiles("#inline-file", []string{inlineFile}),
		chromedp.WaitVisible(`#media-list [data-role="inline"] img`),
		chromedp.SetValue(`#media-list [data-role="inline"] [name=media_alt]`, "A small chart"),
		chromedp.Click(`#media-list [data-role="inline"] [data-insert]`),
	); err != nil {
		st, _ := chromedp.Run(ctx, chromedp.Text("#media-status"))
		t.Fatalf("images: %v (status %q)", err, st)
	}
	// The ticked cover shows the AI source type it will carry, the other one a person's.
	origins, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`["cover", "inline"].map(r => { const s = document.querySelector('#media-list [data-role="' + r + '"] [name=media_source]');
		return s.value + " " + s.options[s.selectedIndex].text; })`))
	if err != nil || len(origins) != 2 || origins[0] != "trainedAlgorithmicMedia AI-generated (trained model)" || strings.HasPrefix(origins[1], "trainedAlgorithmicMedia") {
		t.Errorf("Origin selects (cover, inline) = %q (%v)", origins, err)
	}
	cids, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`["cover", "inline"].map(r => document.querySelector('#media-list [data-role="' + r + '"]').dataset.cid)
		.concat([document.getElementById("ai_disclosure").value, document.getElementById("body").value])`))
	if err != nil || len(cids) != 4 || !strings.HasPrefix(cids[0], "baf") || !strings.HasPrefix(cids[1], "baf") {
		t.Fatalf("uploaded CIDs %q (%v)", cids, err)
	}
	cover, inline := cids[0], cids[1]
	if cids[2] != "Visuals were produced with AI tools and are not real photographs." || !strings.Contains(cids[3], "\n\n![A small chart](ipfs://"+inline+")\n") {
		t.Errorf("AI disclosure %q, body %q", cids[2], cids[3])
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!!document.querySelector('#preview img[src="/ipfs/`+inline+`"]')`, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("the inserted image is not in the preview: %v", err)
	}
	screenshot(t, ctx, "publish-images")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(375, 812, chromedp.EmulateScale(2), chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	noSideScroll(t, ctx, "publish with images")
	screenshot(t, ctx, "publish-images-phone")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	// The same image again is refused: a manifest lists each image once.
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles("#inline-file", []string{inlineFile}), chromedp.WaitVisible(`#media-status[data-kind="error"]`)); err != nil {
		t.Fatal(err)
	}
	if msg, _ := chromedp.Run(ctx, chromedp.Text("#media-status")); !strings.Contains(msg, "is already in this article") {
		t.Errorf("second upload of the same image: %q", msg)
	}
	if err := chromedp.Do(ctx, chromedp.Click(`input[name=mode][value=self]`), chromedp.Click(`[data-testid=publish]`)); err != nil {
		t.Fatal(err)
	}
	p := waitInPage(t, ctx)
	articlePath := p.ArticleHref
	if err := chromedp.Do(ctx, chromedp.Navigate(base+articlePath), chromedp.WaitVisible("[data-testid=title]")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`(() => { const i = document.querySelector("[data-testid=cover] img"); return !!i && i.complete && i.naturalWidth > 0; })()`,
		chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("cover not loaded on the article page: %v", err)
	}
	f := facts(t, ctx)
	bodyImg, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector("[data-testid=body] img") || {getAttribute: () => ""}).getAttribute("src")`))
	if f.Title != title || f.Cover != "/ipfs/"+cover || f.CoverAlt != "A violet gradient" || bodyImg != "/ipfs/"+inline ||
		f.Disclaimer != "AI Image Disclaimer Visuals were produced with AI tools and are not real photographs." {
		t.Errorf("article page: title %q cover %q alt %q body image %q disclaimer %q", f.Title, f.Cover, f.CoverAlt, bodyImg, f.Disclaimer)
	}

	// Edit it from the dashboard: the Publish page comes prefilled.
	articleID := strings.Split(strings.TrimPrefix(articlePath, "/a/"), "/")[0]
	edit := `li[data-article="` + articleID + `"] [data-testid=edit-article]`
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/dashboard"), chromedp.WaitVisible(edit), chromedp.Click(edit),
		chromedp.WaitReady(`main[data-ready="true"]`), chromedp.WaitVisible(`#session-status[data-kind="ok"]`), chromedp.WaitEnabled("#title")); err != nil {
		t.Fatal(err)
	}
	pre, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[document.getElementById("title").value, document.getElementById("category").value,
		String(document.querySelectorAll("#media-list [data-media]").length), document.getElementById("edit-notice").dataset.previous,
		document.querySelector('#media-list [data-role="cover"] [name=media_ai]').checked ? "ai" : "not ai"]`))
	if err != nil || len(pre) != 5 || pre[0] != title || pre[1] != "science" || pre[2] != "2" || pre[3] != p.Tx || pre[4] != "ai" {
		t.Fatalf("edit page prefill (title, category, images, previous, cover AI) = %q (%v), want previous %s", pre, err, p.Tx)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!!document.querySelector('#preview img[src="/ipfs/`+inline+`"]')`, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Errorf("no preview of the prefilled body: %v", err)
	}
	edited := title + ", edited"
	if err := chromedp.Do(ctx, chromedp.SetValue("#title", edited), chromedp.Click(`[data-testid=publish]`)); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "publish-edit")
	p2 := waitInPage(t, ctx)
	if p2.ArticleHref == "" || !strings.HasPrefix(p2.ArticleHref, "/a/"+articleID) || p2.Tx == p.Tx {
		t.Fatalf("edit published %+v, want a new version of article %s", p2, articleID)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+p2.ArticleHref), chromedp.WaitVisible("[data-testid=versions]")); err != nil {
		t.Fatal(err)
	}
	f = facts(t, ctx)
	versions, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("[data-testid=versions] li, [data-testid=versions] tbody tr").length`))
	if f.Title != edited || f.Tx != p2.Tx || f.Cover != "/ipfs/"+cover || versions != 2 {
		t.Errorf("edited article: title %q tx %q cover %q, %d versions listed; want %q %s, 2 versions", f.Title, f.Tx, f.Cover, versions, edited, p2.Tx)
	}
	screenshot(t, ctx, "article-edited")
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/publish"), chromedp.WaitReady(`main[data-ready="true"]`)); err != nil {
		t.Fatal(err)
	}
	return map[string]string{cover: coverFile, inline: inlineFile}
}
