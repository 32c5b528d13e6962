package http_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/banxmedia/banx/contracts"
	banxhttp "github.com/banxmedia/banx/internal/http"
	"github.com/banxmedia/banx/internal/ipfs/embedded"
	"github.com/banxmedia/banx/internal/payout"
	"github.com/banxmedia/banx/internal/publish/publishtest"
	"github.com/banxmedia/banx/internal/reward"
	"github.com/banxmedia/banx/internal/sqlite"
	"github.com/banxmedia/banx/internal/xrpl"
)

// rewardsHealth reports the ledger client for /healthz.
type rewardsHealth struct{ c *xrpl.Client }

func (h rewardsHealth) Ping(ctx context.Context) error { _, err := h.c.ServerInfo(ctx); return err }
func (h rewardsHealth) Kind() string                   { return "embedded" }

// rewardsStack is what the reward tests serve: BXE set up with its dev
// authors on a real embedded ledger, a real database, an embedded content
// store, and the default reward policy.
type rewardsStack struct {
	c        *xrpl.Client
	db       *sqlite.DB
	store    *embedded.Store
	currency string
	token    *payout.Token
	dev      *payout.DevAccounts
	policy   reward.Policy
}

func newRewardsStack(t *testing.T) *rewardsStack {
	t.Helper()
	ctx := publishtest.Context(t)
	l := publishtest.StartLedger(t)
	r := &rewardsStack{c: publishtest.Dial(t, l.URL, xrpl.WithAutoAccept()), db: publishtest.OpenDB(t)}
	store, err := embedded.Open(filepath.Join(t.TempDir(), "ipfs"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	r.store = store
	tok, err := contracts.LoadToken()
	if err != nil {
		t.Fatal(err)
	}
	net, _ := tok.Network("embedded")
	r.currency = tok.Currency
	if r.token, r.dev, err = payout.DevSetup(ctx, r.c, publishtest.Genesis(t), filepath.Join(t.TempDir(), "wallets"), tok.Currency, net, nil); err != nil {
		t.Fatal(err)
	}
	if r.policy, err = reward.DefaultPolicy(); err != nil {
		t.Fatal(err)
	}
	return r
}

// service is the payout service over the stack, its plans read and stored
// through store, planning with policy at the time now.
func (r *rewardsStack) service(store payout.Store, policy reward.Policy, now time.Time) *payout.Service {
	return &payout.Service{Store: store, Preferences: r.db, Token: r.token,
		Planner:  &payout.Planner{Store: store, Policy: policy, Network: "embedded", Currency: r.currency, Issuer: r.token.Issuer, Now: func() time.Time { return now }},
		Executor: &payout.Executor{Store: store, Ledger: r.c, Wallet: r.token.DistributionWallet, Currency: r.currency, Issuer: r.token.Issuer, Standalone: true}}
}

// startRewardsAPI serves the payout service over a real embedded ledger (BXE
// set up with its dev authors) and a real database; the operator token is "op".
func startRewardsAPI(t *testing.T) (string, *payout.DevAccounts, string) {
	t.Helper()
	r := newRewardsStack(t)
	svc := r.service(r.db, r.policy, time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC))
	srv := &banxhttp.Server{Addr: "127.0.0.1:0", Store: r.store, DB: r.db, Ledger: rewardsHealth{r.c},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), OperatorTokenHash: sha256.Sum256([]byte("op")), Rewards: svc}
	if err := srv.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(context.Background()) })
	return srv.URL(), r.dev, r.db.Path
}

// addEpochViews records counted views of article by author in epoch 3, a
// minute apart, as the view beacon would.
func addEpochViews(t *testing.T, dbPath string, article int64, author string, n int) {
	t.Helper()
	policy, _ := reward.DefaultPolicy()
	start, _ := policy.Epoch(3)
	insertCountedViews(t, dbPath, article, author, n, start, time.Minute)
}

// insertCountedViews writes n counted views of article by author from start,
// step apart, straight into the table (the hash chain is the view ledger's
// business, not the reward tests').
func insertCountedViews(t *testing.T, dbPath string, article int64, author string, n int, start time.Time, step time.Duration) {
	t.Helper()
	raw, err := sql.Open("sqlite3", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	zero := strings.Repeat("0", 64)
	for i := range n {
		at := start.Add(time.Duration(i) * step).UTC().Format("2006-01-02T15:04:05.000000000Z07:00")
		if _, err := raw.Exec(`INSERT INTO views (article_id, author, counted, reason, recorded_at, prev_hash, hash) VALUES (?, ?, 1, 'counted', ?, ?, ?)`,
			article, author, at, zero, zero); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRewardsAPI(t *testing.T) {
	url, dev, dbPath := startRewardsAPI(t)
	a1, a2 := dev.Authors[0].Address, dev.Authors[1].Address
	do := func(method, path, token, body string) (int, string, http.Header) {
		t.Helper()
		req, _ := http.NewRequest(method, url+path, strings.NewReader(body))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Header
	}
	tests := []struct {
		name, method, path, token, body string
		status                          int
		want                            string
	}{
		{"OKToken", "GET", "/api/v1/token", "", "", 200, `"default_ripple":true`},
		{"OKNoBeneficiaries", "GET", "/api/v1/authors/" + a1 + "/beneficiaries", "", "", 200, `{"beneficiaries":[]}`},
		{"ErrBeneficiariesAddress", "GET", "/api/v1/authors/bob/beneficiaries", "", "", 400, "not a classic"},
		{"ErrBeneficiariesWrongToken", "PUT", "/api/v1/authors/" + a1 + "/beneficiaries", "nope", `{"beneficiaries":[]}`, 401, "not valid"},
		{"ErrBeneficiariesBody", "PUT", "/api/v1/authors/" + a1 + "/beneficiaries", "op", `{"beneficiaries":[{"account":"` + a2 + `","basis_points":"all"}]}`, 400, "request body"},
		{"ErrBeneficiariesDuplicate", "PUT", "/api/v1/authors/" + a1 + "/beneficiaries", "op", `{"beneficiaries":[{"account":"` + a2 + `","basis_points":5000},{"account":"` + a2 + `","basis_points":5000}]}`, 400, "appears twice"},
		{"OKBeneficiaries", "PUT", "/api/v1/authors/" + a1 + "/beneficiaries", "op", `{"beneficiaries":[{"account":"` + a2 + `","basis_points":10000}]}`, 200, `"basis_points":10000`},
		{"OKDecline", "PUT", "/api/v1/authors/" + a2 + "/rewards", "op", `{"declined":true}`, 200, `"declined":true`},
		{"ErrDryRunValue", "POST", "/api/v1/payouts/3/plan?dry_run=maybe", "op", "", 400, "dry_run"},
		{"OKDryRun", "POST", "/api/v1/payouts/3/plan?dry_run=true", "op", "", 200, `"version": "banx.reward-plan/1"`},
		{"ErrDryRunStoredNothing", "GET", "/api/v1/payouts/3/plan", "", "", 404, "no plan"},
		{"ErrEpochTooBig", "GET", "/api/v1/payouts/99999999999/plan", "", "", 400, "epoch"},
		{"ErrEpochLeadingZero", "GET", "/api/v1/payouts/03", "", "", 400, "epoch"},
		{"ErrFormat", "GET", "/api/v1/payouts/3?format=xml", "", "", 400, "format"},
		{"ErrRunWithoutPlan", "POST", "/api/v1/payouts/3/run", "op", "", 404, "no plan"},
		{"ErrProofWithoutPlan", "GET", "/api/v1/payouts/3/proofs/" + a1, "", "", 404, "no plan"},
		{"ErrTrustLineEmpty", "POST", "/api/v1/token/trustline/prepare", "", `{}`, 400, "account is required"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, body, _ := do(tc.method, tc.path, tc.token, tc.body)
			if code != tc.status || !strings.Contains(body, tc.want) {
				t.Fatalf("%s %s = %d %s, want %d containing %q", tc.method, tc.path, code, body, tc.status, tc.want)
			}
		})
	}
	t.Run("OKPlanRunProof", func(t *testing.T) {
		// a1's views pay a2, its only beneficiary; a2 declines, so its own
		// views do not count and a1 takes the whole pool (up to the caps).
		addEpochViews(t, dbPath, 1, a1, 2)
		addEpochViews(t, dbPath, 2, a2, 5)
		code, body, _ := do("POST", "/api/v1/payouts/3/plan", "op", "")
		var plan reward.Plan
		if err := json.Unmarshal([]byte(body), &plan); err != nil || code != 200 {
			t.Fatalf("plan = %d %s", code, body)
		}
		if len(plan.Leaves) != 1 || plan.Views.Declined != 5 || plan.Leaves[0].Payments[0].Account != a2 || plan.Leaves[0].Amount != "5000" {
			t.Fatalf("plan = %s", body)
		}
		code, body, _ = do("POST", "/api/v1/payouts/3/run", "op", "")
		var rep payout.Report
		if err := json.Unmarshal([]byte(body), &rep); err != nil || code != 200 || rep.Summary.Paid != 1 || rep.Payments[0].Delivered != "5000" {
			t.Fatalf("run = %d %s", code, body)
		}
		code, body, _ = do("GET", "/api/v1/payouts/3/proofs/"+a1, "", "")
		var proof reward.LeafProof
		if err := json.Unmarshal([]byte(body), &proof); err != nil || code != 200 || proof.Verify() != nil || proof.Root != plan.Root {
			t.Fatalf("proof = %d %s", code, body)
		}
		code, body, _ = do("GET", "/api/v1/payouts/3/proofs/"+a2, "", "")
		if code != 404 || !strings.Contains(body, "no leaf") {
			t.Fatalf("proof of a decliner = %d %s", code, body)
		}
		code, body, hdr := do("GET", "/api/v1/payouts/3?format=csv", "", "")
		if code != 200 || hdr.Get("Content-Type") != "text/csv; charset=utf-8" || !strings.HasPrefix(body, strings.Join(payout.CSVHeader, ",")+"\n") {
			t.Fatalf("csv = %d %s", code, body)
		}
	})
}
