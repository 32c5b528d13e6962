package main

import (
	"strings"
	"testing"
	"time"

	"github.com/Peersyst/xrpl-go/xrpl/transaction/types"
	"github.com/Peersyst/xrpl-go/xrpl/wallet"
	"github.com/chromedp/chromedp"

	"github.com/banxmedia/banx/internal/publish/publishtest"
)

// TestBrowserPublishAuthorName publishes from the Publish page in chromium
// with "Your name as shown to readers" filled: the stored manifest carries
// author_name, the article page's byline shows the name with its initial as
// the avatar, and editing the article prefills the name.
func TestBrowserPublishAuthorName(t *testing.T) {
	alloc := browser(t)
	ctx := publishtest.Context(t)
	ledgerAddr := freeAddr(t)
	s := startServe(t, map[string]string{"BANX_LEDGER_ADDR": ledgerAddr})
	tctx, _ := tab(t, alloc)

	if err := chromedp.Do(tctx, chromedp.Navigate(s.url+"/publish"), chromedp.WaitReady(`main[data-ready="true"]`),
		chromedp.Click("#wallet-generate"), chromedp.WaitVisible("#wallet-info")); err != nil {
		t.Fatal(err)
	}
	author, err := chromedp.Run(tctx, chromedp.Text("#wallet-address"))
	if err != nil {
		t.Fatal(err)
	}
	publishtest.Fund(t, ctx, publishtest.Dial(t, "http://"+ledgerAddr+"/"), &wallet.Wallet{ClassicAddress: types.Address(author)}, 50_000_000)
	const name = "Zoë <Reporter>"
	if err := chromedp.Do(tctx, chromedp.Click("#sign-in"), chromedp.WaitVisible(`#session-status[data-kind="ok"]`),
		chromedp.WaitEnabled("#title"),
		chromedp.SetValue("#title", "Named from the browser"),
		chromedp.SetValue("#summary", "An article whose author gives a name."),
		chromedp.SetValue("#author_name", "  "+name+" "),
		chromedp.SetValue("#body", "The body.\n"),
		chromedp.SetValue("#category", "technology"),
		chromedp.Click(`input[name=mode][value=self]`),
		chromedp.Click(`[data-testid=publish]`),
	); err != nil {
		t.Fatal(err)
	}
	done, err := chromedp.Run(tctx, chromedp.Poll[bool](`(() => document.querySelector('#progress [data-step=validated]').dataset.state === "done" ||
		document.getElementById("publish-error").textContent !== "")()`, chromedp.WithPollingTimeout(2*time.Minute)))
	p, perr := chromedp.Run(tctx, chromedp.Evaluate[progress](readProgress))
	if err != nil || !done || perr != nil || p.Error != "" {
		t.Fatalf("publish: %v %v, progress %+v", err, perr, p)
	}

	code, page, _ := s.do(t, "GET", p.ArticleHref, "", nil)
	if code != 200 {
		t.Fatalf("GET %s = %d", p.ArticleHref, code)
	}
	for _, want := range []string{`<span class="avatar" aria-hidden="true">Z</span>`,
		`data-testid="author-name"><span class="visually-hidden">Author </span>Zoë &lt;Reporter&gt;</span>`,
		`href="/author/` + author + `"`} {
		if !strings.Contains(string(page), want) {
			t.Errorf("article page lacks %s", want)
		}
	}
	code, stored, _ := s.do(t, "GET", "/ipfs/"+p.CID, "", nil)
	if code != 200 || !strings.Contains(string(stored), `"author_name":"Zoë <Reporter>"`) {
		t.Errorf("GET /ipfs/%s = %d %s, want the trimmed author_name", p.CID, code, stored)
	}

	id := strings.Split(strings.TrimPrefix(p.ArticleHref, "/a/"), "/")[0]
	if err := chromedp.Do(tctx, chromedp.Navigate(s.url+"/publish?edit="+id), chromedp.WaitReady(`main[data-ready="true"]`)); err != nil {
		t.Fatal(err)
	}
	if got, err := chromedp.Run(tctx, chromedp.Evaluate[string](`document.getElementById("author_name").value`)); err != nil || got != name {
		t.Errorf("edit page author_name = %q, %v; want %q", got, err, name)
	}
}
