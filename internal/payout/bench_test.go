package payout_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	addresscodec "github.com/Peersyst/xrpl-go/address-codec"
	"github.com/Peersyst/xrpl-go/pkg/crypto"
	"github.com/Peersyst/xrpl-go/xrpl/transaction"
	"github.com/Peersyst/xrpl-go/xrpl/transaction/types"
	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/internal/ledger"
	"github.com/banxmedia/banx/internal/payout"
	"github.com/banxmedia/banx/internal/reward"
	"github.com/banxmedia/banx/internal/sqlite"
	"github.com/banxmedia/banx/internal/xrpl"
)

// benchRecipients opens accounts with BXE trust lines straight on the ledger
// (signed in parallel, submitted in-process, one ledger per step): the setup of
// the payout benchmark, not what it measures.
func benchRecipients(b *testing.B, e *env, n int) []string {
	b.Helper()
	ctx := testContext(b)
	funder, err := wallet.New(crypto.ED25519())
	if err != nil {
		b.Fatal(err)
	}
	pay := &transaction.Payment{BaseTx: transaction.BaseTx{Account: types.Address(ledger.GenesisAddress)},
		Destination: funder.ClassicAddress, Amount: types.XRPCurrencyAmount(uint64(n+10) * 10_000_000)}
	if _, err := e.client.SubmitAndWait(ctx, pay, genesis(b)); err != nil {
		b.Fatal(err)
	}
	info, err := e.client.AccountInfo(ctx, funder.ClassicAddress.String())
	if err != nil {
		b.Fatal(err)
	}
	wallets := make([]wallet.Wallet, n)
	for i := range wallets {
		if wallets[i], err = wallet.New(crypto.ED25519()); err != nil {
			b.Fatal(err)
		}
	}
	lls := e.ledger.CurrentIndex() + 50
	submitAll(b, e, n, func(i int) (transaction.FlatTransaction, *wallet.Wallet) {
		tx := (&transaction.Payment{BaseTx: transaction.BaseTx{Account: funder.ClassicAddress}, Destination: wallets[i].ClassicAddress,
			Amount: types.XRPCurrencyAmount(5_000_000)}).Flatten()
		tx["Sequence"], tx["Fee"], tx["LastLedgerSequence"] = info.Sequence+uint32(i), "10", lls
		return tx, &funder
	})
	created := e.ledger.Validated().Index
	_, net := tokenContract(b)
	submitAll(b, e, n, func(i int) (transaction.FlatTransaction, *wallet.Wallet) {
		tx := (&transaction.TrustSet{BaseTx: transaction.BaseTx{Account: wallets[i].ClassicAddress},
			LimitAmount: types.IssuedCurrencyAmount{Currency: e.token.Currency, Issuer: types.Address(e.token.Issuer), Value: net.AuthorTrustLimit}}).Flatten()
		tx["Sequence"], tx["Fee"], tx["LastLedgerSequence"] = created, "10", lls
		return tx, &wallets[i]
	})
	out := make([]string, n)
	for i, w := range wallets {
		out[i] = w.ClassicAddress.String()
	}
	return out
}

// submitAll signs n transactions on every CPU, submits them in order to the
// in-process ledger and closes one ledger; every one must succeed.
func submitAll(b *testing.B, e *env, n int, build func(i int) (transaction.FlatTransaction, *wallet.Wallet)) {
	b.Helper()
	blobs := make([][]byte, n)
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				tx, wl := build(i)
				s, err := xrpl.Sign(tx, wl)
				if err != nil {
					panic(err)
				}
				blobs[i], _ = hex.DecodeString(s.Blob)
			}
		}()
	}
	wg.Wait()
	for i, blob := range blobs {
		res, err := e.ledger.Submit(blob)
		if err != nil || res.EngineResult != "tesSUCCESS" {
			b.Fatalf("setup tx %d: %v %s", i, err, res.EngineResult)
		}
	}
	hdr, err := e.ledger.Accept()
	if err != nil || hdr.TxCount != n {
		b.Fatalf("setup ledger: %v, %d transactions of %d", err, hdr.TxCount, n)
	}
}

// BenchmarkPayout10k pays a plan of 10,000 authors on the embedded ledger, from
// signing to validated and recorded: the figure the issue asks to keep under
// 15 s. Batches of 1000 consecutive sequence numbers from the distribution
// account go into one ledger each. BANX_BENCH_TRACE=1 prints the time of each
// state boundary and where the calls to the node went; BANX_BENCH_WS=1 pays
// over WebSocket; BANX_BENCH_PAYOUTS=N pays N instead; BANX_BENCH_BATCH=N
// signs N per ledger; BANX_BENCH_PIPELINE=N keeps N submissions in flight
// (1: one at a time); BANX_BENCH_CPUPROFILE=file profiles the payout run
// alone (both sides: the ledger runs in-process), without the setup.
//
//	go test -run '^$' -bench Payout10k -benchtime 1x ./internal/payout
func BenchmarkPayout10k(b *testing.B) {
	n := 10_000
	if v, err := strconv.Atoi(os.Getenv("BANX_BENCH_PAYOUTS")); err == nil && v > 0 {
		n = v // a smaller run while profiling
	}
	e := startEnv(b)
	recipients := benchRecipients(b, e, n)
	ctx := testContext(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		path := filepath.Join(b.TempDir(), "banx.db")
		db := openDB(b, path)
		start := epochStart(b, 3)
		raw, err := sql.Open("sqlite3", path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := raw.Exec(viewsSchema); err != nil {
			b.Fatal(err)
		}
		tx, _ := raw.Begin()
		zero := strings.Repeat("0", 64)
		for j, a := range recipients {
			ts := start.Add(time.Duration(j) * time.Second).UTC().Format("2006-01-02T15:04:05.000000000Z07:00")
			if _, err := tx.Exec(`INSERT INTO views (article_id, author, counted, reason, recorded_at, prev_hash, hash) VALUES (?, ?, 1, 'counted', ?, ?, ?)`,
				j+1, a, ts, zero, zero); err != nil {
				b.Fatal(err)
			}
		}
		tx.Commit()
		raw.Close()
		plan, err := planner(b, db, e).PlanEpoch(ctx, 3, false)
		if err != nil || plan.Totals.Payments != n {
			b.Fatalf("plan: %v", err)
		}
		ex := &payout.Executor{Store: db, Ledger: e.client, Wallet: e.distribution(b), Currency: e.token.Currency, Issuer: e.token.Issuer,
			BatchSize: benchBatch(), Standalone: true, Concurrency: 4, Pipeline: benchPipeline()}
		if os.Getenv("BANX_BENCH_WS") != "" {
			wsc, err := xrpl.Dial(ctx, "ws"+strings.TrimPrefix(e.url, "http"))
			if err != nil {
				b.Fatal(err)
			}
			defer wsc.Close()
			ex.Ledger = wsc
		}
		var tl *timingLedger
		if os.Getenv("BANX_BENCH_TRACE") != "" {
			tl = &timingLedger{inner: ex.Ledger}
			ex.Ledger = tl
			t0 := time.Now()
			ex.Hook = func(boundary string) {
				if boundary != payout.BoundarySubmit && boundary != payout.BoundaryValidated {
					fmt.Fprintf(os.Stderr, "%8.3fs %s\n", time.Since(t0).Seconds(), boundary)
				}
			}
		}
		stopProfile := benchProfile(b)
		b.StartTimer()
		ps, err := ex.Run(ctx, 3)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		stopProfile()
		if tl != nil {
			for k, v := range tl.d {
				fmt.Fprintf(os.Stderr, "%-8s calls=%d total=%v max=%v\n", k, tl.n[k], v, tl.max[k])
			}
		}
		if s := payout.Summarize(3, ps); s.Paid != n {
			b.Fatalf("summary %+v", s)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "payments/s")
}

// benchProfile starts a CPU profile into BANX_BENCH_CPUPROFILE, if set, and
// returns what stops it. BANX_BENCH_MEMPROFILE=file writes the allocations
// profile at the start (file.base) and the end of the run: compare them with
// `go tool pprof -sample_index=alloc_space -base file.base test.bin file`.
func benchProfile(b *testing.B) (stop func()) {
	if mem := os.Getenv("BANX_BENCH_MEMPROFILE"); mem != "" {
		writeAllocs(b, mem+".base")
		defer func() {
			inner := stop
			stop = func() {
				inner()
				writeAllocs(b, mem)
			}
		}()
	}
	path := os.Getenv("BANX_BENCH_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

func writeAllocs(b *testing.B, path string) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		b.Fatal(err)
	}
}

// The planning benchmark compares `banx payout plan` over a view ledger of
// 10 million rows with the sqlite3 shell running the same GROUP BY on the same
// file. The database is generated once (by the sqlite3 shell, about a minute)
// under the temp dir and reused by later runs.
//
//	go test -run '^$' -bench 'PlanEpoch10M|SQLiteShellGroupBy10M' -benchtime 3x ./internal/payout
const (
	benchViews   = 10_000_000
	benchAuthors = 2_000
	benchArticle = 20_000
)

var benchDBOnce struct {
	sync.Once
	path string
	err  error
}

// benchViewsDB returns the path of the 10-million-view database.
func benchViewsDB(b *testing.B) string {
	b.Helper()
	sqlite3, err := exec.LookPath("sqlite3")
	if err != nil {
		b.Fatal("the sqlite3 shell is needed for this benchmark: apt-get install sqlite3")
	}
	benchDBOnce.Do(func() {
		// v2: no views before epoch 3, which a first plan may not skip.
		dir := filepath.Join(os.TempDir(), "banx-bench-views-10m-v2")
		path := filepath.Join(dir, "banx.db")
		benchDBOnce.path = path
		if _, err := os.Stat(path + ".done"); err == nil {
			return
		}
		os.RemoveAll(dir)
		db, err := sqlite.Open(context.Background(), path)
		if err != nil {
			benchDBOnce.err = err
			return
		}
		db.Close()
		var sqlText strings.Builder
		sqlText.WriteString("PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; BEGIN;\nCREATE TEMP TABLE bench_authors (idx INTEGER PRIMARY KEY, addr TEXT NOT NULL);\n")
		for i := range benchAuthors {
			fmt.Fprintf(&sqlText, "INSERT INTO bench_authors VALUES (%d, '%s');\n", i, benchAddr(i))
		}
		start := epochStart(b, 3)
		// Views spread over 8 days from the start of epoch 3 (a week), so 1 in 8
		// falls after it; 1 in 10 is not counted. None falls before it: epoch 3
		// is the database's first plan, and a first plan may not skip views.
		fmt.Fprintf(&sqlText, `INSERT INTO views (article_id, author, counted, reason, recorded_at, prev_hash, hash)
WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < %d)
SELECT i %% %d + 1, (SELECT addr FROM bench_authors WHERE idx = (i %% %d) %% %d),
  CASE WHEN i %% 10 = 0 THEN 0 ELSE 1 END, CASE WHEN i %% 10 = 0 THEN 'bot' ELSE 'counted' END,
  strftime('%%Y-%%m-%%dT%%H:%%M:%%S', '%s', printf('%%+d seconds', (i * 69) / 1000)) || '.' || printf('%%09d', ((i * 69) %% 1000) * 1000000) || 'Z',
  '%s', '%s' FROM seq;
COMMIT;
`, benchViews-1, benchArticle, benchArticle, benchAuthors, start.Format("2006-01-02 15:04:05"), strings.Repeat("0", 64), strings.Repeat("0", 64))
		cmd := exec.Command(sqlite3, path)
		cmd.Stdin = strings.NewReader(sqlText.String())
		if out, err := cmd.CombinedOutput(); err != nil {
			benchDBOnce.err = fmt.Errorf("generate %s: %v\n%s", path, err, out)
			return
		}
		benchDBOnce.err = os.WriteFile(path+".done", nil, 0o644)
	})
	if benchDBOnce.err != nil {
		b.Fatal(benchDBOnce.err)
	}
	return benchDBOnce.path
}

// BenchmarkPlanEpoch10M plans epoch 3 (dry run: nothing stored, so every
// iteration does the whole work) from 10 million view records.
func BenchmarkPlanEpoch10M(b *testing.B) {
	path := benchViewsDB(b)
	db := openDB(b, path)
	policy, err := reward.DefaultPolicy()
	if err != nil {
		b.Fatal(err)
	}
	pl := &payout.Planner{Store: db, Policy: policy, Network: "embedded", Currency: "BXE", Issuer: benchAddr(99999),
		Now: func() time.Time { return time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC) }}
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		plan, err := pl.PlanEpoch(ctx, 3, true)
		if err != nil {
			b.Fatal(err)
		}
		// Authors whose index is a multiple of 10 only have uncounted views.
		if plan.Views.Counted == 0 || len(plan.Leaves) != benchAuthors*9/10 {
			b.Fatalf("plan: %d views, %d leaves", plan.Views.Counted, len(plan.Leaves))
		}
		b.ReportMetric(float64(plan.Views.Counted), "counted-views")
	}
}

// BenchmarkSQLiteShellGroupBy10M is the baseline: the sqlite3 shell running the
// planner's query on the same file, its output discarded.
func BenchmarkSQLiteShellGroupBy10M(b *testing.B) {
	path := benchViewsDB(b)
	start, end := reward.Policy{}.Genesis, time.Time{}
	if p, err := reward.DefaultPolicy(); err == nil {
		start, end = p.Epoch(3)
	}
	f := "2006-01-02T15:04:05.000000000Z07:00"
	query := fmt.Sprintf(`SELECT author, article_id, COUNT(*) FROM views WHERE counted = 1 AND recorded_at >= '%s' AND recorded_at < '%s' GROUP BY author, article_id;`,
		start.UTC().Format(f), end.UTC().Format(f))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var stderr strings.Builder
		cmd := exec.Command("sqlite3", path, query)
		cmd.Stdout, cmd.Stderr = io.Discard, &stderr
		if err := cmd.Run(); err != nil {
			b.Fatalf("%v: %s", err, stderr.String())
		}
	}
}

// benchAddr is a deterministic classic address for benchmark account i.
func benchAddr(i int) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("banx payout bench %d", i)))
	a, err := addresscodec.EncodeAccountIDToClassicAddress(h[:20])
	if err != nil {
		panic(err)
	}
	return a
}

// benchBatch is the payout batch size, 1000 unless BANX_BENCH_BATCH says.
func benchBatch() int {
	if v, err := strconv.Atoi(os.Getenv("BANX_BENCH_BATCH")); err == nil && v > 0 {
		return v
	}
	return 1000
}

// benchPipeline is how many submissions are in flight, 64 unless
// BANX_BENCH_PIPELINE says.
func benchPipeline() int {
	if v, err := strconv.Atoi(os.Getenv("BANX_BENCH_PIPELINE")); err == nil && v > 0 {
		return v
	}
	return 64
}
