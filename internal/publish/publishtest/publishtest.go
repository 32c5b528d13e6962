// Package publishtest starts the real parts that sign-in and publishing tests
// run against: the embedded standalone XRP Ledger served on loopback, a ledger
// client, funded author accounts and a SQLite database in a temp dir. Nothing
// here is a mock.
package publishtest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/Peersyst/xrpl-go/pkg/crypto"
	"github.com/Peersyst/xrpl-go/xrpl/interfaces"
	"github.com/Peersyst/xrpl-go/xrpl/transaction"
	"github.com/Peersyst/xrpl-go/xrpl/transaction/types"
	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/internal/ledger"
	"github.com/banxmedia/banx/internal/sqlite"
	"github.com/banxmedia/banx/internal/xrpl"
)

// Genesis account of a standalone ledger: it holds all XRP.
const (
	GenesisAddress = "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh"
	GenesisSeed    = "snoPBrXtMeMyMHUVTgbuqAfg1SUTb"
)

// Ledger is an embedded ledger served on 127.0.0.1.
type Ledger struct {
	*ledger.Ledger
	URL string
}

// StartLedger opens an in-memory embedded ledger that closes only on demand
// and serves its API on a free loopback port until the test ends.
func StartLedger(tb testing.TB) *Ledger {
	tb.Helper()
	cfg := ledger.DefaultConfig()
	cfg.DataDir = ""
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	l, err := ledger.Open(context.Background(), cfg)
	if err != nil {
		tb.Fatalf("open embedded ledger: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	srv := &http.Server{Handler: l.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	tb.Cleanup(func() {
		srv.Close()
		if err := l.Close(); err != nil {
			tb.Errorf("close ledger: %v", err)
		}
	})
	return &Ledger{Ledger: l, URL: "http://" + ln.Addr().String() + "/"}
}

// Dial connects a client that closes ledgers itself while waiting (nothing
// else closes a test ledger) unless opts say otherwise.
func Dial(tb testing.TB, url string, opts ...xrpl.Option) *xrpl.Client {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := xrpl.Dial(ctx, url, opts...)
	if err != nil {
		tb.Fatalf("dial %s: %v", url, err)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

// Genesis returns the genesis wallet.
func Genesis(tb testing.TB) *wallet.Wallet {
	tb.Helper()
	w, err := wallet.FromSeed(GenesisSeed, "")
	if err != nil {
		tb.Fatal(err)
	}
	return &w
}

// NewWallet returns a fresh secp256k1 wallet that is not on the ledger.
func NewWallet(tb testing.TB) *wallet.Wallet { return newWallet(tb, crypto.SECP256K1()) }

// NewEd25519Wallet returns a fresh ed25519 wallet that is not on the ledger.
func NewEd25519Wallet(tb testing.TB) *wallet.Wallet { return newWallet(tb, crypto.ED25519()) }

func newWallet(tb testing.TB, alg interfaces.CryptoImplementation) *wallet.Wallet {
	tb.Helper()
	w, err := wallet.New(alg)
	if err != nil {
		tb.Fatal(err)
	}
	return &w
}

// Fund creates w's account with drops from genesis. c must be able to close
// ledgers (auto-accept or a close interval).
func Fund(tb testing.TB, ctx context.Context, c *xrpl.Client, w *wallet.Wallet, drops uint64) {
	tb.Helper()
	pay := &transaction.Payment{
		BaseTx:      transaction.BaseTx{Account: GenesisAddress},
		Destination: w.ClassicAddress,
		Amount:      types.XRPCurrencyAmount(drops),
	}
	if _, err := c.SubmitAndWait(ctx, pay, Genesis(tb)); err != nil {
		tb.Fatalf("fund %s with %d drops: %v", w.ClassicAddress, drops, err)
	}
}

// SetRegularKey makes regular the regular key of w's account.
func SetRegularKey(tb testing.TB, ctx context.Context, c *xrpl.Client, w, regular *wallet.Wallet) {
	tb.Helper()
	tx := &transaction.SetRegularKey{BaseTx: transaction.BaseTx{Account: w.ClassicAddress}, RegularKey: regular.ClassicAddress}
	if _, err := c.SubmitAndWait(ctx, tx, w); err != nil {
		tb.Fatalf("set regular key of %s: %v", w.ClassicAddress, err)
	}
}

// DisableMaster sets asfDisableMaster on w's account (which must have a
// regular key); the ledger requires the master key to sign it.
func DisableMaster(tb testing.TB, ctx context.Context, c *xrpl.Client, w *wallet.Wallet) {
	tb.Helper()
	tx := &transaction.AccountSet{BaseTx: transaction.BaseTx{Account: w.ClassicAddress}, SetFlag: transaction.AsfDisableMaster}
	if _, err := c.SubmitAndWait(ctx, tx, w); err != nil {
		tb.Fatalf("disable master key of %s: %v", w.ClassicAddress, err)
	}
}

// OpenDB opens a real SQLite database file in a temp dir.
func OpenDB(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "banx.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// Context returns a context that ends with the test or after a minute.
func Context(tb testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	tb.Cleanup(cancel)
	return ctx
}
