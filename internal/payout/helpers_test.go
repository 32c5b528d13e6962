package payout_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Peersyst/xrpl-go/pkg/crypto"
	"github.com/Peersyst/xrpl-go/xrpl/transaction"
	"github.com/Peersyst/xrpl-go/xrpl/transaction/types"
	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/contracts"
	"github.com/banxmedia/banx/internal/amount"
	"github.com/banxmedia/banx/internal/ledger"
	"github.com/banxmedia/banx/internal/payout"
	"github.com/banxmedia/banx/internal/reward"
	"github.com/banxmedia/banx/internal/sqlite"
	"github.com/banxmedia/banx/internal/xrpl"
)

// env is a real embedded ledger served on loopback, a client with auto-accept,
// the BXE token set up with its dev wallets, and a fresh database.
type env struct {
	ledger *ledger.Ledger
	url    string
	client *xrpl.Client
	token  *payout.Token
	dev    *payout.DevAccounts
	dir    string
}

func testContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func tokenContract(t testing.TB) (string, contracts.TokenNetwork) {
	t.Helper()
	tok, err := contracts.LoadToken()
	if err != nil {
		t.Fatal(err)
	}
	n, err := tok.Network("embedded")
	if err != nil {
		t.Fatal(err)
	}
	return tok.Currency, n
}

func genesis(t testing.TB) *wallet.Wallet {
	w, err := wallet.FromSeed(ledger.GenesisSeed, "")
	if err != nil {
		t.Fatal(err)
	}
	return &w
}

// startEnv opens the ledger and runs the dev setup on it.
func startEnv(t testing.TB) *env {
	t.Helper()
	ctx := testContext(t)
	cfg := ledger.DefaultConfig()
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	l, err := ledger.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(l.Handler())
	t.Cleanup(func() { srv.Close(); l.Close() })
	c, err := xrpl.Dial(ctx, srv.URL+"/", xrpl.WithAutoAccept())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	e := &env{ledger: l, url: srv.URL + "/", client: c, dir: t.TempDir()}
	cur, net := tokenContract(t)
	e.token, e.dev, err = payout.DevSetup(ctx, c, genesis(t), filepath.Join(e.dir, "wallets"), cur, net, nil)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// fund creates a funded account, with a BXE trust line when trust is set.
func (e *env) fund(t testing.TB, trust bool) *wallet.Wallet {
	t.Helper()
	ctx := testContext(t)
	w, err := wallet.New(crypto.SECP256K1())
	if err != nil {
		t.Fatal(err)
	}
	pay := &transaction.Payment{BaseTx: transaction.BaseTx{Account: types.Address(ledger.GenesisAddress)},
		Destination: w.ClassicAddress, Amount: types.XRPCurrencyAmount(50_000_000)}
	if _, err := e.client.SubmitAndWait(ctx, pay, genesis(t)); err != nil {
		t.Fatal(err)
	}
	if trust {
		if _, err := e.token.AddTrustLine(ctx, &w); err != nil {
			t.Fatal(err)
		}
	}
	return &w
}

// balance is account's BXE balance in the validated ledger.
func (e *env) balance(t testing.TB, account string) *amount.IOU {
	t.Helper()
	lines, err := e.client.AccountLines(testContext(t), account, e.token.Issuer)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		if l.Currency == e.token.Currency {
			v, err := amount.ParseIOU(l.Balance)
			if err != nil {
				t.Fatal(err)
			}
			return &v
		}
	}
	return nil
}

func (e *env) distribution(t testing.TB) *wallet.Wallet {
	w, err := payout.LoadWallet("distribution", filepath.Join(e.dir, "wallets", payout.DistributionSeedFile), "X", "")
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func openDB(t testing.TB, path string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// viewsSchema is the view ledger's table (migration 004's columns), created
// only when that migration is absent from this tree.
const viewsSchema = `CREATE TABLE IF NOT EXISTS views (
	id INTEGER PRIMARY KEY, article_id INTEGER NOT NULL, author TEXT NOT NULL,
	counted INTEGER NOT NULL, reason TEXT NOT NULL, recorded_at TEXT NOT NULL,
	reader_hash TEXT, net_hash TEXT, token_id TEXT, agent TEXT,
	prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS views_counted_recorded_at ON views (counted, recorded_at);`

// addViews records n counted views of article by author at time at.
func addViews(t testing.TB, dbPath string, article int64, author string, n int, at time.Time) {
	t.Helper()
	raw, err := sql.Open("sqlite3", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(viewsSchema); err != nil {
		t.Fatal(err)
	}
	tx, err := raw.Begin()
	if err != nil {
		t.Fatal(err)
	}
	zero := strings.Repeat("0", 64)
	for i := range n {
		ts := at.Add(time.Duration(i) * time.Millisecond).UTC().Format("2006-01-02T15:04:05.000000000Z07:00")
		if _, err := tx.Exec(`INSERT INTO views (article_id, author, counted, reason, recorded_at, prev_hash, hash) VALUES (?, ?, 1, 'counted', ?, ?, ?)`,
			article, author, ts, zero, zero); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

func planner(t testing.TB, db *sqlite.DB, e *env) *payout.Planner {
	p, err := reward.DefaultPolicy()
	if err != nil {
		t.Fatal(err)
	}
	return &payout.Planner{Store: db, Policy: p, Network: "embedded", Currency: e.token.Currency, Issuer: e.token.Issuer,
		Now: func() time.Time { return time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC) }}
}

func epochStart(t testing.TB, epoch uint64) time.Time {
	p, err := reward.DefaultPolicy()
	if err != nil {
		t.Fatal(err)
	}
	s, _ := p.Epoch(epoch)
	return s
}

func statusCount(ps []payout.Payout) string {
	m := map[payout.Status]int{}
	for _, p := range ps {
		m[p.Status]++
	}
	return fmt.Sprint(m)
}
