package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/Peersyst/xrpl-go/xrpl/transaction/types"
	"github.com/Peersyst/xrpl-go/xrpl/wallet"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	banxhttp "github.com/banxmedia/banx/internal/http"
	"github.com/banxmedia/banx/internal/publish/publishtest"
	"github.com/banxmedia/banx/internal/reward"
)

// sendBeacon asks for a view token and sends the beacon at once, as agent:
// the view ledger records it as filtered (too early, or a bot).
func sendBeacon(t *testing.T, base string, article, agent string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	cl := &http.Client{Jar: jar}
	req, _ := http.NewRequest("GET", base+"/api/v1/articles/"+article+"/view-token", nil)
	req.Header.Set("User-Agent", agent)
	resp, err := cl.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct{ Token string }
	err = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("view token = %d %v", resp.StatusCode, err)
	}
	req, _ = http.NewRequest("POST", base+"/api/v1/views", strings.NewReader(`{"token":"`+tok.Token+`"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", agent)
	if resp, err = cl.Do(req); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("beacon = %d", resp.StatusCode)
	}
}

// waitAcrossNavigation waits until expr is true on the page a form's answer
// loads; polling fails while the old page goes away, so it retries.
func waitAcrossNavigation(t *testing.T, ctx context.Context, expr string) {
	t.Helper()
	for i := 0; ; i++ {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		if err == nil && ok {
			return
		}
		if i == 300 {
			t.Fatalf("the page did not show %s within 30s: %v", expr, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// noSideScroll fails when the page is wider than the phone's viewport.
func noSideScroll(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	w, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, window.innerWidth]`))
	if err != nil || len(w) != 2 || w[0] > w[1] || w[1] != 375 {
		t.Errorf("%s on a phone: scrollWidth/innerWidth = %v (%v)", name, w, err)
	}
}

// TestBrowserDashboards plays the operator and an author in chromium against
// `banx serve` on the embedded stack: the operator signs in with the token,
// reads the views chart after real beacons, plans and pays a closed epoch;
// the author's dashboard then shows the BXE the ledger delivered.
func TestBrowserDashboards(t *testing.T) {
	alloc := browser(t)
	ctx := publishtest.Context(t)
	ledgerAddr := freeAddr(t)
	s := &rewardServer{startServe(t, map[string]string{"BANX_LEDGER_ADDR": ledgerAddr})}
	m := devAuthorLine.FindAllStringSubmatch(s.stdout(), -1)
	if len(m) < 1 {
		t.Fatalf("serve printed no dev author wallets:\n%s", s.stdout())
	}
	author, seedFile := m[0][1], m[0][2]
	path := filepath.Join(t.TempDir(), "a.md")
	os.WriteFile(path, []byte(article(author, "Dashboards in Banx", "")), 0o644)
	out, err := cli(ctx, nil, "publish", "--server", s.url, "--seed-file", seedFile, "--mode", "self", path)
	if err != nil {
		t.Fatalf("publish: %v\n%s", err, out)
	}
	articleID := field(out, "article")
	id, _ := strconv.ParseInt(articleID, 10, 64)

	// Today: two filtered beacons through the API and four counted views.
	// The early check comes first, so the script is filtered as early too.
	sendBeacon(t, s.url, articleID, readerUA)
	sendBeacon(t, s.url, articleID, "curl/8.14.1")
	addCountedViews(t, s.dataDir, id, author, 4, time.Now().Add(-time.Minute))
	// Epoch 3, long closed: what the payout pays.
	policy, _ := reward.DefaultPolicy()
	start, _ := policy.Epoch(3)
	addCountedViews(t, s.dataDir, id, author, 5, start.Add(time.Hour))

	t.Run("OKOperator", func(t *testing.T) {
		tctx, dialogs := tab(t, alloc)
		if err := chromedp.Do(tctx, chromedp.Navigate(s.url+"/operator"), chromedp.WaitVisible("[data-testid=op-token]")); err != nil {
			t.Fatal(err)
		}
		screenshot(t, tctx, "operator-login")
		if err := chromedp.Do(tctx, chromedp.SendKeys("[data-testid=op-token]", "wrong-token"), chromedp.Click("[data-testid=op-signin]"),
			chromedp.WaitVisible("[data-testid=login-error]")); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(tctx, chromedp.SetValue("[data-testid=op-token]", s.token), chromedp.Click("[data-testid=op-signin]"),
			chromedp.WaitVisible("[data-testid=op-views-chart] svg")); err != nil {
			t.Fatal(err)
		}
		desc, err := chromedp.Run(tctx, chromedp.Evaluate[string](`document.querySelector("#op-views-desc").textContent`))
		today := time.Now().UTC().Format("01-02")
		if err != nil || !strings.Contains(desc, today+": counted 4 beacons, early 2 beacons.") {
			t.Errorf("views chart description = %q (%v)", desc, err)
		}
		segs, _ := chromedp.Run(tctx, chromedp.Evaluate[int](`document.querySelectorAll("#op-views rect.mark").length`))
		if segs != 2 {
			t.Errorf("views chart has %d segments, want 2 (counted, early)", segs)
		}

		if err := chromedp.Do(tctx, chromedp.SetValue("[data-testid=plan-epoch]", "3"), chromedp.Click("[data-testid=plan-any]"),
			chromedp.WaitVisible(`tr[data-epoch="3"] [data-testid=run]`)); err != nil {
			t.Fatal(err)
		}
		state, _ := chromedp.Run(tctx, chromedp.Text(`tr[data-epoch="3"] [data-testid=state]`))
		if state != "planned" {
			t.Errorf("epoch 3 state after planning = %q", state)
		}
		if err := chromedp.Do(tctx, chromedp.Click(`tr[data-epoch="3"] [data-testid=run]`)); err != nil {
			t.Fatal(err)
		}
		for i := 0; ; i++ {
			// The run answers with a redirect once every payment is final.
			done, _ := chromedp.Run(tctx, chromedp.Evaluate[bool](`(() => { const e = document.querySelector('tr[data-epoch="3"] [data-testid=state]');
				return !!e && e.textContent == "paid out"; })()`))
			if done {
				break
			}
			if i == 600 {
				t.Fatal("epoch 3 not paid out within a minute")
			}
			time.Sleep(100 * time.Millisecond)
		}
		facts, err := chromedp.Run(tctx, chromedp.Evaluate[[]string](`[document.querySelector('tr[data-epoch="3"] [data-testid=state]').textContent,
			Array.from(document.querySelectorAll("[data-testid=payments] [data-testid=pstatus]")).map(e => e.textContent).join(","),
			document.querySelector("[data-testid=holders]").textContent, (document.querySelector("[data-testid=op-error]") || {}).textContent || ""]`))
		if err != nil || len(facts) != 4 || facts[0] != "paid out" || facts[1] != "paid" || !strings.HasPrefix(facts[2], "1 ") || facts[3] != "" {
			t.Errorf("after the run: state, payments, holders, error = %q (%v)", facts, err)
		}
		screenshot(t, tctx, "operator-desktop")
		if err := chromedp.Do(tctx, chromedp.EmulateViewport(375, 812, chromedp.EmulateScale(2), chromedp.EmulateMobile),
			chromedp.Reload(), chromedp.WaitVisible("[data-testid=op-views-chart] svg")); err != nil {
			t.Fatal(err)
		}
		noSideScroll(t, tctx, "operator")
		screenshot(t, tctx, "operator-phone")
		if d := dialogs(); len(d) > 0 {
			t.Errorf("dialogs opened: %q", d)
		}
	})

	t.Run("OKAuthor", func(t *testing.T) {
		var plan reward.Plan
		code, body, _ := s.do(t, "GET", "/api/v1/payouts/3/plan", "", nil)
		if code != 200 || json.Unmarshal(body, &plan) != nil || len(plan.Leaves) != 1 {
			t.Fatalf("plan of epoch 3 = %d %s (the operator test plans it)", code, body)
		}
		c, err := newAPIClient(s.url)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.signIn(ctx, walletFromFile(t, seedFile)); err != nil {
			t.Fatal(err)
		}
		tctx, _ := tab(t, alloc)
		if err := chromedp.Do(tctx, chromedp.Navigate(s.url+"/dashboard"), chromedp.WaitVisible("[data-testid=signin-reason]")); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Call(tctx, network.SetCookie, network.SetCookieParams{Name: banxhttp.SessionCookie, Value: c.token,
			URL: s.url, HTTPOnly: new(true), SameSite: network.CookieSameSiteStrict}); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(tctx, chromedp.Navigate(s.url+"/dashboard"), chromedp.WaitVisible("[data-testid=views-chart] svg")); err != nil {
			t.Fatal(err)
		}
		got, err := chromedp.Run(tctx, chromedp.Evaluate[[]string](`["total-paid", "bxe-balance", "trustline", "articles"].map(id =>
			(document.querySelector("[data-testid=" + id + "]") || {}).textContent || "")
			.concat([document.querySelector('[data-testid=epochs] tr[data-epoch="3"] [data-testid=paid]').textContent,
			document.querySelector("#author-earned-desc").textContent])`))
		if err != nil || len(got) != 6 {
			t.Fatalf("dashboard facts = %q, %v", got, err)
		}
		amount := plan.Leaves[0].Amount
		if got[0] != amount || got[1] != amount || got[4] != amount || !strings.HasPrefix(got[2], "Set, limit") ||
			!strings.Contains(got[3], "Dashboards in Banx") || !strings.Contains(got[5], "E3: earned "+plan.Leaves[0].Share+" BXE.") {
			t.Errorf("dashboard: paid %q balance %q epoch-3 paid %q (want %s), trust line %q, articles %q, earned chart %q",
				got[0], got[1], got[4], amount, got[2], got[3], got[5])
		}
		screenshot(t, tctx, "dashboard-desktop")
		if err := chromedp.Do(tctx, chromedp.EmulateViewport(375, 812, chromedp.EmulateScale(2), chromedp.EmulateMobile),
			chromedp.Reload(), chromedp.WaitVisible("[data-testid=views-chart] svg")); err != nil {
			t.Fatal(err)
		}
		noSideScroll(t, tctx, "dashboard")
		screenshot(t, tctx, "dashboard-phone")

		// The trust line exists (the dev wallet set it): preparing one says so.
		if err := chromedp.Do(tctx, chromedp.Navigate(s.url+"/dashboard/trustline"), chromedp.WaitVisible("[data-testid=trustline-error]")); err != nil {
			t.Fatal(err)
		}
		if msg, err := chromedp.Run(tctx, chromedp.Text("[data-testid=trustline-error]")); err != nil || !strings.Contains(msg, "already trusts") {
			t.Errorf("trust line preparation = %q (%v)", msg, err)
		}

		// The author's own reward settings, from the dashboard's forms.
		one, two := publishtest.NewWallet(t).ClassicAddress.String(), publishtest.NewWallet(t).ClassicAddress.String()
		row := func(n int, field string) string {
			return `[data-testid=beneficiary-row]:nth-child(` + strconv.Itoa(n) + `) [name=` + field + `]`
		}
		if err := chromedp.Do(tctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(s.url+"/dashboard"), chromedp.WaitVisible("[data-testid=beneficiaries-form]"),
			chromedp.SetValue(row(1, "account"), one), chromedp.SetValue(row(1, "percent"), "60"),
			chromedp.SetValue(row(2, "account"), two), chromedp.SetValue(row(2, "percent"), "30"),
			chromedp.Click("[data-testid=save-beneficiaries]"), chromedp.WaitVisible("[data-testid=settings-error]")); err != nil {
			t.Fatal(err)
		}
		if msg, _ := chromedp.Run(tctx, chromedp.Text("[data-testid=settings-error]")); !strings.Contains(msg, "The shares add up to 90 %: they must add up to exactly 100 %.") {
			t.Errorf("refused split says %q", msg)
		}
		if kept, _ := chromedp.Run(tctx, chromedp.Evaluate[string](`document.querySelector('`+row(2, "account")+`').value`)); kept != two {
			t.Errorf("the refused form lost its rows: row 2 = %q", kept)
		}
		screenshot(t, tctx, "dashboard-settings-refused")
		if err := chromedp.Do(tctx, chromedp.SetValue(row(2, "percent"), "40"), chromedp.Click("[data-testid=save-beneficiaries]"),
			chromedp.WaitVisible("[data-testid=settings-saved]")); err != nil {
			t.Fatal(err)
		}
		code, body, _ = s.do(t, "GET", "/api/v1/authors/"+author+"/beneficiaries", "", nil)
		var split struct{ Beneficiaries []reward.Share }
		if code != 200 || json.Unmarshal(body, &split) != nil {
			t.Fatalf("beneficiaries = %d %s", code, body)
		}
		want := map[string]int{one: 6000, two: 4000}
		if b := split.Beneficiaries; len(b) != 2 || want[b[0].Account] != b[0].BasisPoints || want[b[1].Account] != b[1].BasisPoints {
			t.Errorf("beneficiaries after the form = %+v, want %v", b, want)
		}
		if err := chromedp.Do(tctx, chromedp.Click("[data-testid=decline-rewards]"), chromedp.Click("[data-testid=save-rewards]")); err != nil {
			t.Fatal(err)
		}
		// The answer is a new page: wait for its notice, not the old one's.
		waitAcrossNavigation(t, tctx, `(() => { const e = document.querySelector("[data-testid=settings-saved]");
			return !!e && e.textContent.includes("rewards preference"); })()`)
		facts, err := chromedp.Run(tctx, chromedp.Evaluate[[]string](`["settings-saved", "declined", "beneficiaries"].map(id => document.querySelector("[data-testid=" + id + "]").textContent.trim())`))
		if err != nil || len(facts) != 3 || !strings.Contains(facts[0], "rewards preference is saved") || !strings.HasPrefix(facts[1], "Declined") ||
			!strings.Contains(facts[2], one+": 6000 basis points") {
			t.Errorf("dashboard after declining: %q (%v)", facts, err)
		}
		screenshot(t, tctx, "dashboard-settings")
	})

	// A browser-only author: a key made on the Publish page (kept in the tab),
	// an article published there, then the dashboard's button adds the BXE
	// trust line with that key, and the next payout reaches the account.
	t.Run("OKBrowserAuthorTrustLine", func(t *testing.T) {
		tctx, dialogs := tab(t, alloc)
		sent := recordRequests(t, tctx)
		if err := chromedp.Do(tctx, chromedp.Navigate(s.url+"/publish"), chromedp.WaitReady(`main[data-ready="true"]`),
			chromedp.Click("#wallet-keep"), chromedp.Click("#wallet-generate"), chromedp.WaitVisible("#wallet-info")); err != nil {
			t.Fatal(err)
		}
		me, err := chromedp.Run(tctx, chromedp.Text("#wallet-address"))
		if err != nil {
			t.Fatal(err)
		}
		seed, err := chromedp.Run(tctx, chromedp.Evaluate[string](`document.getElementById("wallet-seed-shown").textContent`))
		if err != nil || seed == "" {
			t.Fatalf("page seed %q (%v)", seed, err)
		}
		publishtest.Fund(t, ctx, publishtest.Dial(t, "http://"+ledgerAddr+"/"), &wallet.Wallet{ClassicAddress: types.Address(me)}, 50_000_000)
		title := "Written and rewarded in the browser"
		if err := chromedp.Do(tctx, chromedp.Click("#sign-in"), chromedp.WaitVisible(`#session-status[data-kind="ok"]`),
			chromedp.WaitEnabled("#title"), chromedp.SetValue("#title", title),
			chromedp.SetValue("#summary", "An article by an author who has only a browser."),
			chromedp.SetValue("#body", "The body of the article.\n"), chromedp.SetValue("#category", "technology"),
			chromedp.SetValue(`#sources [data-source]:nth-child(1) [name=source_name]`, "Reuters"),
			chromedp.SetValue(`#sources [data-source]:nth-child(1) [name=source_url]`, "https://www.reuters.com/"),
			chromedp.Click(`input[name=mode][value=self]`), chromedp.Click(`[data-testid=publish]`)); err != nil {
			t.Fatal(err)
		}
		p := waitInPage(t, tctx)
		articleID, _ := strconv.ParseInt(strings.Split(strings.TrimPrefix(p.ArticleHref, "/a/"), "/")[0], 10, 64)

		if err := chromedp.Do(tctx, chromedp.Navigate(s.url+"/dashboard"), chromedp.WaitVisible("[data-testid=add-trustline]"),
			chromedp.WaitEnabled("[data-testid=add-trustline]"), chromedp.WaitVisible("[data-testid=trustline-wallet]")); err != nil {
			t.Fatal(err)
		}
		if line, _ := chromedp.Run(tctx, chromedp.Text("[data-testid=trustline]")); !strings.HasPrefix(line, "Not set") {
			t.Fatalf("trust line before = %q", line)
		}
		screenshot(t, tctx, "dashboard-trustline-before")
		if err := chromedp.Do(tctx, chromedp.Click("[data-testid=add-trustline]")); err != nil {
			t.Fatal(err)
		}
		waitAcrossNavigation(t, tctx, `(() => { const e = document.querySelector("[data-testid=trustline]");
			return !!e && e.textContent.startsWith("Set, limit"); })()`)
		screenshot(t, tctx, "dashboard-trustline-after")
		for _, r := range sent() {
			if strings.Contains(r.body, seed) || strings.Contains(r.url, seed) {
				t.Fatalf("the seed was sent in %s %s", r.method, r.url)
			}
			for _, h := range r.headers {
				if strings.Contains(h, seed) {
					t.Fatalf("the seed was sent in a header of %s", r.url)
				}
			}
		}

		// Views in epoch 4, planned and paid: the BXE reaches the new line.
		policy, _ := reward.DefaultPolicy()
		start, _ := policy.Epoch(4)
		addCountedViews(t, s.dataDir, articleID, me, 3, start.Add(time.Hour))
		for _, step := range []string{"plan", "run"} {
			if code, body, _ := s.do(t, "POST", "/api/v1/payouts/4/"+step, s.token, nil); code != 200 {
				t.Fatalf("%s epoch 4 = %d %s", step, code, body)
			}
		}
		var plan reward.Plan
		if code, body, _ := s.do(t, "GET", "/api/v1/payouts/4/plan", "", nil); code != 200 || json.Unmarshal(body, &plan) != nil || len(plan.Leaves) != 1 || plan.Leaves[0].Author != me {
			t.Fatalf("plan of epoch 4 = %d %s", code, body)
		}
		if err := chromedp.Do(tctx, chromedp.Reload(), chromedp.WaitVisible("[data-testid=bxe-balance]")); err != nil {
			t.Fatal(err)
		}
		got, err := chromedp.Run(tctx, chromedp.Evaluate[[]string](`["bxe-balance", "paid-you"].map(id => document.querySelector("[data-testid=" + id + "]").textContent)`))
		if err != nil || len(got) != 2 || got[0] != plan.Leaves[0].Amount || got[1] != plan.Leaves[0].Amount {
			t.Errorf("after the payout: balance, paid to you = %q (%v), want %s", got, err, plan.Leaves[0].Amount)
		}
		screenshot(t, tctx, "dashboard-trustline-paid")
		if d := dialogs(); len(d) > 0 {
			t.Errorf("dialogs opened: %q", d)
		}
	})
}
