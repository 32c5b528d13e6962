package main

import (
	"context"
	"encoding/json"
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
