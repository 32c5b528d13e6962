package payout_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/internal/amount"
	"github.com/banxmedia/banx/internal/payout"
	"github.com/banxmedia/banx/internal/reward"
	"github.com/banxmedia/banx/internal/sqlite"
	"github.com/banxmedia/banx/internal/xrpl"
)

// TestMain lets the test binary double as the payout process of the crash
// tests: with BANX_PAYOUT_CHILD set it runs one payout run and exits, and the
// test kills it with SIGKILL wherever it is told to.
func TestMain(m *testing.M) {
	if os.Getenv("BANX_PAYOUT_CHILD") == "1" {
		if err := childRun(); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// childRun is `banx payout run` reduced to its core: open the database, dial
// the ledger, run the executor. BANX_CHILD_CRASH=boundary:n makes it SIGKILL
// itself right after the n-th time it passes the named boundary.
func childRun() error {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, os.Getenv("BANX_CHILD_DB"))
	if err != nil {
		return err
	}
	defer db.Close()
	c, err := xrpl.Dial(ctx, os.Getenv("BANX_CHILD_URL"))
	if err != nil {
		return err
	}
	defer c.Close()
	w, err := wallet.FromSeed(os.Getenv("BANX_CHILD_SEED"), "")
	if err != nil {
		return err
	}
	epoch, _ := strconv.ParseUint(os.Getenv("BANX_CHILD_EPOCH"), 10, 64)
	batch, _ := strconv.Atoi(os.Getenv("BANX_CHILD_BATCH"))
	pipeline, _ := strconv.Atoi(os.Getenv("BANX_CHILD_PIPELINE"))
	ex := &payout.Executor{Store: db, Ledger: c, Wallet: &w, Currency: os.Getenv("BANX_CHILD_CURRENCY"), Issuer: os.Getenv("BANX_CHILD_ISSUER"),
		BatchSize: batch, Standalone: true, Pipeline: pipeline}
	if spec := os.Getenv("BANX_CHILD_CRASH"); spec != "" {
		name, nth, _ := strings.Cut(spec, ":")
		want, _ := strconv.Atoi(nth)
		hits := 0
		ex.Hook = func(b string) {
			if b != name {
				return
			}
			if hits++; hits == want {
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
				time.Sleep(time.Hour) // the signal is on its way
			}
		}
	}
	_, err = ex.Run(ctx, epoch)
	return err
}

// crashEnv is one ledger with the token set up, shared by all trials.
type crashEnv struct {
	*env
	seed string
	// pipeline is the child's Executor.Pipeline (0: one submission at a
	// time); batch its BatchSize (4 unless set).
	pipeline, batch int
}

// trial is one epoch paid under crashes: a fresh database and fresh author
// accounts, so every balance starts at zero and must end exactly at the plan.
type trial struct {
	dbPath  string
	authors []string // with a trust line
	noLine  []string // without: deferred
}

func newCrashEnv(t *testing.T) *crashEnv {
	e := startEnv(t)
	return &crashEnv{env: e, seed: e.distribution(t).Seed}
}

// plan funds 12 authors (10 with a trust line), writes their views into a
// fresh database and plans epoch 3: 12 leaves, one split between two accounts,
// 13 payments.
func (ce *crashEnv) plan(t *testing.T) *trial {
	t.Helper()
	tr := &trial{dbPath: filepath.Join(t.TempDir(), "banx.db")}
	for range 10 {
		tr.authors = append(tr.authors, ce.fund(t, true).ClassicAddress.String())
	}
	for range 2 {
		tr.noLine = append(tr.noLine, ce.fund(t, false).ClassicAddress.String())
	}
	db := openDB(t, tr.dbPath)
	start := epochStart(t, 3)
	for i, a := range append(append([]string{}, tr.authors...), tr.noLine...) {
		addViews(t, tr.dbPath, int64(i+1), a, 1+i%4, start.Add(time.Duration(i)*time.Minute))
	}
	ctx := testContext(t)
	if err := db.SetBeneficiaries(ctx, tr.authors[0], []reward.Share{{Account: tr.authors[0], BasisPoints: 5000}, {Account: tr.authors[1], BasisPoints: 5000}}, 8); err != nil {
		t.Fatal(err)
	}
	if _, err := planner(t, db, ce.env).PlanEpoch(ctx, 3, false); err != nil {
		t.Fatal(err)
	}
	return tr
}

// runChild runs one payout process; killAfter > 0 kills it after that delay.
// It reports whether the process was killed.
func (ce *crashEnv) runChild(t *testing.T, dbPath, crash string, killAfter time.Duration) bool {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "BANX_PAYOUT_CHILD=1", "BANX_CHILD_DB="+dbPath, "BANX_CHILD_URL="+ce.url,
		"BANX_CHILD_SEED="+ce.seed, "BANX_CHILD_ISSUER="+ce.token.Issuer, "BANX_CHILD_CURRENCY="+ce.token.Currency,
		"BANX_CHILD_EPOCH=3", "BANX_CHILD_BATCH="+strconv.Itoa(max(ce.batch, 4)), "BANX_CHILD_CRASH="+crash,
		"BANX_CHILD_PIPELINE="+strconv.Itoa(ce.pipeline))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if killAfter > 0 {
		timer := time.AfterFunc(killAfter, func() { cmd.Process.Kill() })
		defer timer.Stop()
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			return true
		}
		t.Fatalf("payout process failed: %v\n%s", err, stderr.String())
	}
	if err != nil {
		t.Fatal(err)
	}
	return false
}

// check asserts the outcome of a trial: every payment final, every account with
// a trust line holding exactly what the plan pays it (so nobody was paid twice
// or skipped), every account without one deferred and untouched.
func (ce *crashEnv) check(t *testing.T, tr *trial) {
	t.Helper()
	db := openDB(t, tr.dbPath)
	ps, err := db.Payouts(testContext(t), 3)
	if err != nil {
		t.Fatal(err)
	}
	owed := map[string]amount.IOU{}
	for _, p := range ps {
		switch {
		case p.Status == payout.StatusPaid:
			v, _ := amount.ParseIOU(p.Amount)
			owed[p.Account], _ = amount.Add(owed[p.Account], v)
			if p.Delivered != p.Amount {
				t.Fatalf("payment %d delivered %s of %s", p.ID, p.Delivered, p.Amount)
			}
		case p.Status == payout.StatusDeferred:
			if !slices.Contains(tr.noLine, p.Account) {
				t.Fatalf("payment to %s deferred: %+v", p.Account, p)
			}
		default:
			t.Fatalf("payment %d ended %s: %+v", p.ID, p.Status, p)
		}
	}
	for _, a := range tr.authors {
		if got := ce.balance(t, a); !got.Equal(owed[a]) {
			t.Fatalf("%s holds %s, the plan pays it %s", a, got, owed[a])
		}
	}
	for _, a := range tr.noLine {
		if ce.balance(t, a) != nil {
			t.Fatalf("%s has a trust line", a)
		}
	}
}

// TestCrashRecovery kills the payout process (SIGKILL) right after every state
// boundary, and at random moments, restarts it until it finishes, and checks
// the ledger against the plan after each trial.
func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Log("short mode: crash trials reduced to one per boundary")
	}
	ce := newCrashEnv(t)
	trials, kills := 0, 0
	finish := func(t *testing.T, dbPath string) {
		for range 20 {
			if !ce.runChild(t, dbPath, "", 0) {
				return
			}
		}
		t.Fatal("the payout process never finished")
	}

	hits := []int{1, 2}
	if testing.Short() {
		hits = []int{1}
	}
	for _, b := range []string{payout.BoundarySigned, payout.BoundarySubmit, payout.BoundarySubmitted, payout.BoundaryValidated, payout.BoundaryFinal} {
		for _, n := range hits {
			t.Run(fmt.Sprintf("%s:%d", b, n), func(t *testing.T) {
				tr := ce.plan(t)
				if !ce.runChild(t, tr.dbPath, fmt.Sprintf("%s:%d", b, n), 0) {
					t.Fatalf("boundary %s was not reached %d times", b, n)
				}
				kills++
				finish(t, tr.dbPath)
				ce.check(t, tr)
				trials++
			})
		}
	}

	// Expiry: signed blobs never submitted, and the ledger moves past their
	// LastLedgerSequence; the restart must declare them dead before re-signing.
	t.Run("expired", func(t *testing.T) {
		tr := ce.plan(t)
		if !ce.runChild(t, tr.dbPath, payout.BoundarySigned+":1", 0) {
			t.Fatal("not killed at signed")
		}
		for range xrpl.DefaultLedgerOffset + 2 {
			if _, err := ce.ledger.Accept(); err != nil {
				t.Fatal(err)
			}
		}
		if !ce.runChild(t, tr.dbPath, payout.BoundaryExpired+":1", 0) {
			t.Fatal("not killed at expired")
		}
		kills += 2
		finish(t, tr.dbPath)
		ce.check(t, tr)
		db := openDB(t, tr.dbPath)
		ps, _ := db.Payouts(testContext(t), 3)
		resigned := 0
		for _, p := range ps {
			if p.Attempt > 1 {
				resigned++
			}
		}
		if resigned == 0 {
			t.Fatal("no payment was re-signed after expiry")
		}
		trials++
	})

	r := rand.New(rand.NewPCG(7, 11))
	random := 8
	if testing.Short() {
		random = 2
	}
	for i := range random {
		t.Run(fmt.Sprintf("random-%d", i), func(t *testing.T) {
			tr := ce.plan(t)
			for range 3 {
				if ce.runChild(t, tr.dbPath, "", time.Duration(20+r.IntN(200))*time.Millisecond) {
					kills++
				}
			}
			finish(t, tr.dbPath)
			ce.check(t, tr)
			trials++
		})
	}
	// Pipelined submission: several blobs are on the wire when the process
	// dies, some answered, some received but unanswered, some never sent.
	t.Run("pipelined", func(t *testing.T) {
		ce.pipeline, ce.batch = 8, 7
		defer func() { ce.pipeline, ce.batch = 0, 0 }()
		points := []string{payout.BoundarySubmit + ":1", payout.BoundarySubmit + ":3", payout.BoundarySubmit + ":6",
			payout.BoundarySubmit + ":9", payout.BoundarySubmitted + ":1", payout.BoundarySigned + ":2"}
		if testing.Short() {
			points = points[:3]
		}
		for _, point := range points {
			t.Run(point, func(t *testing.T) {
				tr := ce.plan(t)
				if !ce.runChild(t, tr.dbPath, point, 0) {
					t.Fatalf("%s was not reached", point)
				}
				kills++
				finish(t, tr.dbPath)
				ce.check(t, tr)
				trials++
			})
		}
		for i := range random / 2 {
			t.Run(fmt.Sprintf("random-%d", i), func(t *testing.T) {
				tr := ce.plan(t)
				for range 3 {
					if ce.runChild(t, tr.dbPath, "", time.Duration(20+r.IntN(200))*time.Millisecond) {
						kills++
					}
				}
				finish(t, tr.dbPath)
				ce.check(t, tr)
				trials++
			})
		}
	})
	t.Logf("crash recovery: %d trials, %d SIGKILLs, every trial ended with ledger balances equal to the plan", trials, kills)
}
