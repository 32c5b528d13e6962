package http_test

import (
	"context"
	"crypto/sha256"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/internal/auth"
	banxhttp "github.com/banxmedia/banx/internal/http"
	"github.com/banxmedia/banx/internal/payout"
	"github.com/banxmedia/banx/internal/publish"
	"github.com/banxmedia/banx/internal/publish/publishtest"
	"github.com/banxmedia/banx/internal/reward"
	"github.com/banxmedia/banx/internal/sqlite"
)

// countingPlans is the real database, counting the plan look-ups by epoch the
// dashboards make: with one-minute epochs a walk back to epoch 0 would make
// hundreds of thousands of them.
type countingPlans struct {
	*sqlite.DB
	lookups atomic.Int64
}

func (c *countingPlans) Plan(ctx context.Context, epoch uint64) (*payout.PlanRecord, error) {
	c.lookups.Add(1)
	return c.DB.Plan(ctx, epoch)
}

// minuteRewards is a server whose reward policy has one-minute epochs (the
// README's payout trial), on the real embedded ledger with BXE set up.
type minuteRewards struct {
	*pubAPI
	store   *countingPlans
	dev     *payout.DevAccounts
	policy  reward.Policy
	now     time.Time
	current uint64
}

func startMinuteRewards(t *testing.T) *minuteRewards {
	t.Helper()
	r := newRewardsStack(t)
	policy := r.policy
	policy.Length = time.Minute
	now := time.Date(2026, 11, 25, 22, 54, 30, 0, time.UTC)
	current, _ := policy.EpochAt(now)
	cs := &countingPlans{DB: r.db}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := &banxhttp.Server{Addr: "127.0.0.1:0", Store: r.store, DB: r.db, Ledger: pubLedger{r.c}, Logger: logger,
		OperatorTokenHash: sha256.Sum256([]byte(dashOperatorToken)),
		Auth:              &auth.Service{Store: r.db, Accounts: r.c, Domain: "banx.test"},
		Publish:           publish.New(r.db, r.store, r.c, publish.Config{Logger: logger}), Rewards: r.service(cs, policy, now),
		Site: &banxhttp.Site{ViewCounts: r.db, Now: func() time.Time { return now }}}
	if err := srv.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(context.Background()) })
	return &minuteRewards{pubAPI: &pubAPI{url: srv.URL(), srv: srv, client: r.c, db: r.db, spec: loadOpenAPI(t)},
		store: cs, dev: r.dev, policy: policy, now: now, current: current}
}

// devWallet reads a dev author's wallet from its seed file.
func devWallet(t *testing.T, a payout.DevAuthor) *wallet.Wallet {
	t.Helper()
	seed, err := os.ReadFile(a.SeedFile)
	if err != nil {
		t.Fatal(err)
	}
	w, err := wallet.FromSeed(strings.TrimSpace(string(seed)), "")
	if err != nil {
		t.Fatal(err)
	}
	return &w
}

// addViewsAt records n counted views of article by author inside epoch e.
func (m *minuteRewards) addViewsAt(t *testing.T, e uint64, article int64, author string, n int) {
	t.Helper()
	start, _ := m.policy.Epoch(e)
	insertCountedViews(t, m.db.Path, article, author, n, start, time.Second)
}

// operatorCookie signs in as the operator and returns the cookie to send.
func operatorCookie(t *testing.T, base string) string {
	t.Helper()
	code, hdr, body := send(t, "POST", base+"/operator/login", url.Values{"token": {dashOperatorToken}}, "Origin", base)
	if code != 303 {
		t.Fatalf("operator login = %d %s", code, body)
	}
	return strings.SplitN(hdr.Get("Set-Cookie"), ";", 2)[0]
}

// TestDashboardsMinuteEpochs checks the dashboards under one-minute epochs:
// they read the last plans in one query instead of one per epoch since
// genesis, a planned epoch that gave the author nothing says so, what was paid
// is split between the author and their beneficiaries, and the operator page
// refuses epochs that have not begun and shows only its own error texts.
func TestDashboardsMinuteEpochs(t *testing.T) {
	m := startMinuteRewards(t)
	if m.current < 400_000 {
		t.Fatalf("current epoch %d: the test wants one-minute epochs far from genesis", m.current)
	}
	a1, a2 := m.dev.Authors[0], m.dev.Authors[1]
	w1 := devWallet(t, a1)
	token := m.signIn(t, w1)
	// a1 keeps 60 % and gives 40 % to a2; a1's views fall in e1 only.
	e1, e2 := m.current-3, m.current-2
	m.must(t, "PUT", "/api/v1/authors/{address}/beneficiaries", "/api/v1/authors/"+a1.Address+"/beneficiaries", token,
		map[string]any{"beneficiaries": []map[string]any{{"account": a1.Address, "basis_points": 6000}, {"account": a2.Address, "basis_points": 4000}}}, 200, nil)
	m.addViewsAt(t, e1, 1, a1.Address, 2)
	m.addViewsAt(t, e2, 2, a2.Address, 3)
	// carol has no trust line: her e1 payment is deferred and carried to e2.
	ctx := publishtest.Context(t)
	carol := publishtest.NewWallet(t)
	publishtest.Fund(t, ctx, m.client, carol, 50_000_000)
	carolToken := m.signIn(t, carol)
	m.addViewsAt(t, e1, 3, carol.ClassicAddress.String(), 2)
	for _, e := range []uint64{e1, e2} {
		if _, err := m.srv.Rewards.PlanEpoch(ctx, e, false); err != nil {
			t.Fatalf("plan %d: %v", e, err)
		}
		if _, err := m.srv.Rewards.RunEpoch(ctx, e); err != nil {
			t.Fatalf("run %d: %v", e, err)
		}
	}
	dashboard := func(t *testing.T) string {
		t.Helper()
		code, _, body := cookieRequest(t, "GET", m.url+"/dashboard", token, "-", "", nil)
		if code != 200 {
			t.Fatalf("GET /dashboard = %d\n%s", code, body)
		}
		return body
	}

	t.Run("OKBoundedPlanReads", func(t *testing.T) {
		m.store.lookups.Store(0)
		dashboard(t)
		cookie := operatorCookie(t, m.url)
		if code, _, body := send(t, "GET", m.url+"/operator", nil, "Cookie", cookie); code != 200 {
			t.Fatalf("GET /operator = %d\n%s", code, body)
		}
		// Each shown plan's payments cost a look-up; nothing walks the epochs.
		if n := m.store.lookups.Load(); n > 20 {
			t.Fatalf("the dashboards looked up %d plans by epoch, want at most 20 (one per planned epoch shown)", n)
		}
	})
	t.Run("OKCarriedFrom", func(t *testing.T) {
		code, _, body := cookieRequest(t, "GET", m.url+"/dashboard", carolToken, "-", "", nil)
		if code != 200 {
			t.Fatalf("GET /dashboard = %d", code)
		}
		if row := rowOf(t, body, e1); !strings.Contains(row, "carried to your next epoch") {
			t.Errorf("epoch %d row = %s", e1, row)
		}
		if row := rowOf(t, body, e2); !strings.Contains(row, "carried from epoch E"+strconv.FormatUint(e1, 10)) {
			t.Errorf("epoch %d row = %s", e2, row)
		}
	})
	t.Run("OKPaidSplit", func(t *testing.T) {
		body := dashboard(t)
		for _, want := range []string{`data-testid="total-paid">5000</strong>`, `<span data-testid="paid-you">3000</span> BXE to you`,
			`<span data-testid="paid-beneficiaries">2000</span> BXE to your beneficiaries`} {
			if !strings.Contains(body, want) {
				t.Errorf("dashboard lacks %q", want)
			}
		}
	})
	t.Run("OKPlannedNothingEarned", func(t *testing.T) {
		body := dashboard(t)
		row := rowOf(t, body, e2)
		if !strings.Contains(row, "0 BXE <span class=\"note\">(planned, nothing earned)</span>") || strings.Contains(row, "not planned") {
			t.Errorf("epoch %d row = %s", e2, row)
		}
		if row := rowOf(t, body, m.current); !strings.Contains(row, "not planned yet") {
			t.Errorf("current epoch row = %s", row)
		}
		// One-minute epochs show their times.
		start, _ := m.policy.Epoch(e1)
		if row := rowOf(t, body, e1); !strings.Contains(row, start.UTC().Format("2006-01-02 15:04")) {
			t.Errorf("epoch %d row lacks its start time: %s", e1, row)
		}
	})

	cookie := operatorCookie(t, m.url)
	for _, tc := range []struct {
		name, query string
		want        string
	}{
		{"ErrEpochNotBegun", "?epoch=" + strconv.FormatUint(m.current+1, 10), "epoch " + strconv.FormatUint(m.current+1, 10) + " has not begun: the current epoch is " + strconv.FormatUint(m.current, 10)},
		{"ErrEpochHuge", "?epoch=1048576", "epoch 1048576 has not begun"},
		{"ErrEpochPastMax", "?epoch=1048577", "want a decimal number from 0 to 1048576"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, body := send(t, "GET", m.url+"/operator"+tc.query, nil, "Cookie", cookie)
			if code != 400 || !strings.Contains(body, tc.want) {
				t.Fatalf("GET /operator%s = %d, want 400 with %q\n%s", tc.query, code, tc.want, body)
			}
		})
	}
	t.Run("ErrSpoofedAlert", func(t *testing.T) {
		code, _, body := send(t, "GET", m.url+"/operator?epoch="+strconv.FormatUint(e1, 10)+"&error=Your+session+expired%3A+sign+in+again+at+evil.example", nil, "Cookie", cookie)
		if code != 200 || strings.Contains(body, "evil.example") || strings.Contains(body, `data-testid="op-error"`) {
			t.Fatalf("GET /operator?error= = %d shows the link's text\n%s", code, body)
		}
	})
	t.Run("OKFlashOnce", func(t *testing.T) {
		// Planning out of order is refused; the reason shows once, from the server.
		skip := strconv.FormatUint(e2+2, 10)
		code, hdr, body := send(t, "POST", m.url+"/operator/plan", url.Values{"epoch": {skip}}, "Cookie", cookie, "Origin", m.url)
		if code != 303 || strings.Contains(hdr.Get("Location"), "error") {
			t.Fatalf("POST /operator/plan = %d %q\n%s", code, hdr.Get("Location"), body)
		}
		_, _, body = send(t, "GET", m.url+hdr.Get("Location"), nil, "Cookie", cookie)
		if !strings.Contains(body, `data-testid="op-error">Epoch `+skip+": ") {
			t.Fatalf("the refusal is not shown:\n%s", body)
		}
		_, _, body = send(t, "GET", m.url+hdr.Get("Location"), nil, "Cookie", cookie)
		if strings.Contains(body, `data-testid="op-error"`) {
			t.Fatal("the refusal is shown again on the next load")
		}
	})
	t.Run("OKStates", func(t *testing.T) {
		_, _, body := send(t, "GET", m.url+"/operator", nil, "Cookie", cookie)
		if row := rowOf(t, body, e2+1); !strings.Contains(row, `class="state closed"`) {
			t.Errorf("closed epoch row = %s", row)
		}
		if row := rowOf(t, body, m.current); !strings.Contains(row, `class="state open"`) {
			t.Errorf("open epoch row = %s", row)
		}
		start, end := m.policy.Epoch(e1)
		if row := rowOf(t, body, e1); !strings.Contains(row, start.UTC().Format("2006-01-02 15:04")+" – "+end.UTC().Format("2006-01-02 15:04")) {
			t.Errorf("epoch %d row lacks its times: %s", e1, row)
		}
	})
}

// rowOf returns the table row of epoch e in a dashboard.
func rowOf(t *testing.T, body string, e uint64) string {
	t.Helper()
	i := strings.Index(body, `<tr data-epoch="`+strconv.FormatUint(e, 10)+`"`)
	if i < 0 {
		t.Fatalf("no row for epoch %d", e)
	}
	j := strings.Index(body[i:], "</tr>")
	return body[i : i+j]
}
