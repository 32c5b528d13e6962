package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/payout"
	"github.com/banxmedia/banx/internal/reward"
)

// devAuthors reads the dev author addresses `banx serve` printed.
var devAuthorLine = regexp.MustCompile(`Dev author wallet (r\w+) \(seed in ([^)]+)\)`)

// addCountedViews records counted views straight into the view ledger's table,
// as the beacon would; the hash chain is the view ledger's business.
func addCountedViews(t *testing.T, dataDir string, article int64, author string, n int, at time.Time) {
	t.Helper()
	raw, err := sql.Open("sqlite3", filepath.Join(dataDir, "banx.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	zero := strings.Repeat("0", 64)
	for i := range n {
		ts := at.Add(time.Duration(i) * time.Second).UTC().Format("2006-01-02T15:04:05.000000000Z07:00")
		if _, err := raw.Exec(`INSERT INTO views (article_id, author, counted, reason, recorded_at, prev_hash, hash) VALUES (?, ?, 1, 'counted', ?, ?, ?)`,
			article, author, ts, zero, zero); err != nil {
			t.Fatal(err)
		}
	}
}

// rewardServer is `banx serve` on the embedded stack (BXE set up, dev
// authors funded); its printed output tells the tests the dev addresses.
type rewardServer struct {
	*server
}

// ledgerURL is the embedded ledger's URL as serve printed it.
func (s *rewardServer) ledgerURL() string {
	_, u, _ := strings.Cut(s.stdout(), "Embedded XRP Ledger at ")
	u, _, _ = strings.Cut(u, " ")
	return u
}

// startRewardServe runs `banx serve` on free ports with a temp data dir, waits
// for /healthz and stops it at cleanup.
func startRewardServe(t *testing.T) *rewardServer {
	t.Helper()
	return &rewardServer{startServe(t, nil)}
}

// TestServeRewards drives the BXE token and a whole epoch through `banx serve`
// on the embedded ledger: dev wallets, token status, trust-line preparation,
// preferences, plan, proof, run and report.
func TestServeRewards(t *testing.T) {
	s := startRewardServe(t)
	out := s.stdout()
	if !strings.Contains(out, "BXE token ready: issuer r") {
		t.Fatalf("serve did not report the token:\n%s", out)
	}
	m := devAuthorLine.FindAllStringSubmatch(out, -1)
	if len(m) != 2 {
		t.Fatalf("want two dev authors in:\n%s", out)
	}
	for _, f := range []string{m[0][2], m[1][2], filepath.Join(s.dataDir, "wallets", "issuer.seed"), filepath.Join(s.dataDir, "wallets", "distribution.seed")} {
		info, err := os.Stat(f)
		if err != nil || info.Mode().Perm() != 0o600 {
			t.Fatalf("seed file %s: %v %v", f, info, err)
		}
		seed, _ := os.ReadFile(f)
		if strings.Contains(out, strings.TrimSpace(string(seed))) || strings.Contains(s.stderr(), strings.TrimSpace(string(seed))) {
			t.Fatalf("a seed was printed")
		}
	}
	a1, a2 := m[0][1], m[1][1]

	code, body, _ := s.do(t, "GET", "/api/v1/token", "", nil)
	var st payout.TokenStatus
	if err := json.Unmarshal(body, &st); err != nil || code != 200 || !st.DefaultRipple || st.Outstanding != "1000000000" || st.TrustLines != 3 {
		t.Fatalf("GET /api/v1/token = %d %s", code, body)
	}

	cases := []struct {
		name, method, path, token, body string
		status                          int
		reason                          string
	}{
		{"ErrTrustLineExists", "POST", "/api/v1/token/trustline/prepare", "", `{"account":"` + a1 + `"}`, 409, "already trusts"},
		{"ErrTrustLineUnfunded", "POST", "/api/v1/token/trustline/prepare", "", `{"account":"rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe"}`, 404, "does not exist"},
		{"ErrTrustLineBadAccount", "POST", "/api/v1/token/trustline/prepare", "", `{"account":"nope"}`, 400, "not a classic"},
		{"ErrTrustLineUnknownField", "POST", "/api/v1/token/trustline/prepare", "", `{"acount":"x"}`, 400, "unknown field"},
		{"ErrBeneficiariesNoToken", "PUT", "/api/v1/authors/" + a1 + "/beneficiaries", "", `{"beneficiaries":[]}`, 401, "sign in first: send Authorization: Bearer "},
		{"ErrBeneficiariesSum", "PUT", "/api/v1/authors/" + a1 + "/beneficiaries", s.token, `{"beneficiaries":[{"account":"` + a1 + `","basis_points":6000},{"account":"` + a2 + `","basis_points":3000}]}`, 400, "sum to 9000"},
		{"ErrPlanNoToken", "POST", "/api/v1/payouts/3/plan", "", "", 401, "operator"},
		{"ErrRunNoToken", "POST", "/api/v1/payouts/3/run", "", "", 401, "operator"},
		{"ErrEpoch", "GET", "/api/v1/payouts/x1/plan", "", "", 400, "epoch"},
		{"ErrNoPlan", "GET", "/api/v1/payouts/2/plan", "", "", 404, "no plan"},
		{"ErrNotClosed", "POST", "/api/v1/payouts/100000/plan", s.token, "", 409, "cannot be planned before"},
		{"ErrDeclinedMissing", "PUT", "/api/v1/authors/" + a1 + "/rewards", s.token, `{}`, 400, "declined"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, body, _ := s.do(t, tc.method, tc.path, tc.token, []byte(tc.body))
			if code != tc.status || !strings.Contains(string(body), tc.reason) {
				t.Fatalf("%s %s = %d %s, want %d containing %q", tc.method, tc.path, code, body, tc.status, tc.reason)
			}
		})
	}

	code, body, _ = s.do(t, "PUT", "/api/v1/authors/"+a2+"/beneficiaries", s.token,
		[]byte(`{"beneficiaries":[{"account":"`+a2+`","basis_points":7500},{"account":"`+a1+`","basis_points":2500}]}`))
	if code != 200 || !strings.Contains(string(body), `"basis_points":7500`) {
		t.Fatalf("PUT beneficiaries = %d %s", code, body)
	}

	policy, _ := reward.DefaultPolicy()
	start, _ := policy.Epoch(3)
	addCountedViews(t, s.dataDir, 1, a1, 3, start)
	addCountedViews(t, s.dataDir, 2, a2, 1, start.Add(time.Hour))

	code, planA, _ := s.do(t, "POST", "/api/v1/payouts/3/plan", s.token, nil)
	if code != 200 {
		t.Fatalf("plan = %d %s", code, planA)
	}
	_, planB, _ := s.do(t, "GET", "/api/v1/payouts/3/plan", "", nil)
	if !bytes.Equal(planA, planB) {
		t.Fatal("the stored plan differs from the one returned at planning")
	}
	plan, err := reward.ParsePlan(planA)
	if err != nil {
		t.Fatal(err)
	}
	code, body, _ = s.do(t, "GET", "/api/v1/payouts/3/proofs/"+a1, "", nil)
	var proof reward.LeafProof
	if err := json.Unmarshal(body, &proof); err != nil || code != 200 || proof.Verify() != nil || proof.Root != plan.Root {
		t.Fatalf("proof = %d %s", code, body)
	}

	code, body, _ = s.do(t, "POST", "/api/v1/payouts/3/run", s.token, nil)
	var rep payout.Report
	if err := json.Unmarshal(body, &rep); err != nil || code != 200 || rep.Summary.Paid != 3 || rep.Summary.Total != 3 || rep.Root != plan.Root {
		t.Fatalf("run = %d %s", code, body)
	}
	code, csv, hdr := s.do(t, "GET", "/api/v1/payouts/3?format=csv", "", nil)
	if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") || strings.Count(string(csv), "\n") != 4 || strings.Count(string(csv), ",paid,") != 3 {
		t.Fatalf("csv = %d %s", code, csv)
	}
	_, body, _ = s.do(t, "GET", "/api/v1/token", "", nil)
	json.Unmarshal(body, &st)
	if st.Holders != 2 || st.Circulating != plan.Totals.Paid {
		t.Fatalf("after the run: holders %d circulating %s, plan paid %s", st.Holders, st.Circulating, plan.Totals.Paid)
	}
}

// TestPayoutCLI runs the CLI against a served embedded ledger: plan twice
// (byte-identical), dry run, run with reports, status, proof, preferences.
func TestPayoutCLI(t *testing.T) {
	s := startRewardServe(t)
	m := devAuthorLine.FindAllStringSubmatch(s.stdout(), -1)
	ledgerURL := s.ledgerURL()
	a1 := m[0][1]
	getenv := func(k string) string {
		switch k {
		case "BANX_DATA_DIR":
			return s.dataDir
		case "BANX_XRPL_URL":
			return ledgerURL
		case "BANX_NETWORK":
			return "embedded"
		}
		return ""
	}
	banx := func(args ...string) (string, error) {
		var out, errb bytes.Buffer
		err := run(context.Background(), args, getenv, strings.NewReader(""), &out, &errb)
		return out.String(), err
	}
	policy, _ := reward.DefaultPolicy()
	start, _ := policy.Epoch(3)
	addCountedViews(t, s.dataDir, 1, a1, 2, start)

	if out, err := banx("payout", "decline", "--author", m[1][1]); err != nil || !strings.Contains(out, "declines") {
		t.Fatalf("decline: %v %s", err, out)
	}
	if out, err := banx("payout", "beneficiaries", "--author", a1, "--set", a1+"=9000,"+m[1][1]+"=1000"); err != nil || !strings.Contains(out, "90.00%") {
		t.Fatalf("beneficiaries: %v %s", err, out)
	}
	dry, err := banx("payout", "plan", "--epoch", "3", "--dry-run")
	if err != nil {
		t.Fatal(err)
	}
	p1, err := banx("payout", "plan", "--epoch", "3")
	if err != nil {
		t.Fatal(err)
	}
	p2, _ := banx("payout", "plan", "--epoch", "3")
	if p1 != p2 || p1 != dry {
		t.Fatal("plan output is not byte-identical across runs")
	}
	if out, err := banx("payout", "run", "--epoch", "3", "--dry-run"); err != nil || strings.Count(out, "would pay") != 2 {
		t.Fatalf("dry run: %v %s", err, out)
	}
	reportDir := t.TempDir()
	out, err := banx("payout", "run", "--epoch", "3", "--json", filepath.Join(reportDir, "r.json"), "--csv", filepath.Join(reportDir, "r.csv"))
	if err != nil || !strings.Contains(out, "2 payments: 2 paid") {
		t.Fatalf("run: %v %s", err, out)
	}
	for _, f := range []string{"r.json", "r.csv"} {
		if b, err := os.ReadFile(filepath.Join(reportDir, f)); err != nil || !strings.Contains(string(b), "paid") {
			t.Fatalf("%s: %v %s", f, err, b)
		}
	}
	if out, err := banx("payout", "status", "--epoch", "3"); err != nil || !strings.Contains(out, "2 paid") {
		t.Fatalf("status: %v %s", err, out)
	}
	out, err = banx("payout", "proof", "--epoch", "3", "--author", a1)
	var proof reward.LeafProof
	if err != nil || json.Unmarshal([]byte(out), &proof) != nil || proof.Verify() != nil {
		t.Fatalf("proof: %v %s", err, out)
	}
	if out, err := banx("token", "status"); err != nil || !strings.Contains(out, "holders               2") {
		t.Fatalf("token status: %v %s", err, out)
	}
	if out, err := banx("token", "setup"); err != nil || strings.Contains(out, "applied") {
		t.Fatalf("second token setup applied something: %v %s", err, out)
	}

	errCases := []struct {
		name string
		args []string
		want string
	}{
		{"ErrNoEpoch", []string{"payout", "plan"}, "needs --epoch"},
		{"ErrSubcommand", []string{"payout", "pay"}, "unknown payout subcommand"},
		{"ErrTokenSubcommand", []string{"token", "mint"}, "unknown token subcommand"},
		{"ErrSkipEpoch", []string{"payout", "plan", "--epoch", "5"}, "plan epoch 4 first"},
		{"ErrSetFormat", []string{"payout", "beneficiaries", "--author", a1, "--set", "x"}, "ACCOUNT=BASIS_POINTS"},
		{"ErrTrustlineSeed", []string{"token", "trustline"}, "BANX_AUTHOR_SEED"},
	}
	for _, tc := range errCases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := banx(tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
	t.Run("ErrSeedFileMode", func(t *testing.T) {
		f := filepath.Join(t.TempDir(), "author.seed")
		seed, _ := os.ReadFile(m[0][2])
		os.WriteFile(f, seed, 0o644)
		_, err := banx("token", "trustline", "--seed-file", f)
		if err == nil || !strings.Contains(err.Error(), "chmod 600") {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestPayoutCLICrashChild is not a test of its own: TestPayoutCLICrash runs the
// test binary again with BANX_CLI_CHILD set, and this runs `banx` with the
// arguments in BANX_CLI_ARGS, the way the real binary would.
func TestPayoutCLICrashChild(t *testing.T) {
	if os.Getenv("BANX_CLI_CHILD") != "1" {
		return
	}
	err := run(context.Background(), strings.Fields(os.Getenv("BANX_CLI_ARGS")), os.Getenv, strings.NewReader(""), os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "banx:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// TestPayoutCLICrash kills `banx payout run` with BANX_PAYOUT_CRASH after each
// state boundary of its first batch, against the ledger of a running `banx
// serve`, and checks that a plain rerun finishes the epoch with every payment
// made once.
func TestPayoutCLICrash(t *testing.T) {
	s := startRewardServe(t)
	m := devAuthorLine.FindAllStringSubmatch(s.stdout(), -1)
	ledgerURL := s.ledgerURL()
	policy, _ := reward.DefaultPolicy()
	boundaries := []string{payout.BoundarySigned, payout.BoundarySubmit, payout.BoundarySubmitted, payout.BoundaryValidated, payout.BoundaryFinal}
	for i, b := range boundaries {
		epoch := uint64(3 + i)
		start, _ := policy.Epoch(epoch)
		addCountedViews(t, s.dataDir, int64(2*i+1), m[0][1], 1, start)
		addCountedViews(t, s.dataDir, int64(2*i+2), m[1][1], 3, start)
		cli := func(crash string, args ...string) (killed bool, out string) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestPayoutCLICrashChild$")
			cmd.Env = append(os.Environ(), "BANX_CLI_CHILD=1", "BANX_CLI_ARGS="+strings.Join(args, " "), "BANX_DATA_DIR="+s.dataDir,
				"BANX_XRPL_URL="+ledgerURL, "BANX_NETWORK=embedded", "BANX_PAYOUT_CRASH="+crash)
			b, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
					return true, string(b)
				}
			}
			if err != nil {
				t.Fatalf("banx %s: %v\n%s", strings.Join(args, " "), err, b)
			}
			return false, string(b)
		}
		ep := fmt.Sprint(epoch)
		if _, out := cli("", "payout", "plan", "--epoch", ep); !strings.Contains(out, `"root"`) {
			t.Fatalf("plan: %s", out)
		}
		if killed, out := cli(b+":1", "payout", "run", "--epoch", ep); !killed {
			t.Fatalf("%s: banx payout run was not killed:\n%s", b, out)
		}
		if _, out := cli("", "payout", "run", "--epoch", ep); !strings.Contains(out, "2 payments: 2 paid") {
			t.Fatalf("%s: rerun: %s", b, out)
		}
		_, body, _ := s.do(t, "GET", "/api/v1/payouts/"+ep, "", nil)
		var rep payout.Report
		if err := json.Unmarshal(body, &rep); err != nil || rep.Summary.Paid != 2 {
			t.Fatalf("%s: report %s", b, body)
		}
		for _, p := range rep.Payments {
			if p.Attempt != 1 || p.Delivered != p.Amount {
				t.Fatalf("%s: payment %+v was signed twice or not fully delivered", b, p)
			}
		}
	}
	// Every epoch paid each author exactly its plan: the circulating supply is
	// the sum of the plans.
	_, body, _ := s.do(t, "GET", "/api/v1/token", "", nil)
	var st payout.TokenStatus
	json.Unmarshal(body, &st)
	if st.Circulating != fmt.Sprint(len(boundaries)*2*5000) {
		t.Fatalf("circulating %s after %d epochs of 10000", st.Circulating, len(boundaries))
	}
}
