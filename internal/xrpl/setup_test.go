package xrpl_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Peersyst/xrpl-go/pkg/crypto"
	"github.com/Peersyst/xrpl-go/xrpl/interfaces"
	"github.com/Peersyst/xrpl-go/xrpl/transaction"
	"github.com/Peersyst/xrpl-go/xrpl/transaction/types"
	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/internal/ledger"
	"github.com/banxmedia/banx/internal/xrpl"
)

// Genesis account of a standalone ledger: it holds all XRP.
const (
	genesisAddress = "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh"
	genesisSeed    = "snoPBrXtMeMyMHUVTgbuqAfg1SUTb"
)

// testLedger is a real embedded standalone ledger served on loopback.
type testLedger struct {
	Ledger  *ledger.Ledger
	HTTPURL string
	WSURL   string

	once sync.Once
	stop func()
}

// startLedger opens an in-memory embedded ledger and serves its handler on
// 127.0.0.1. edit may change the config (fees, reserves, network id).
func startLedger(t testing.TB, edit func(*ledger.Config)) *testLedger {
	t.Helper()
	cfg := ledger.DefaultConfig()
	cfg.DataDir = ""
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	if edit != nil {
		edit(&cfg)
	}
	l, err := ledger.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("open embedded ledger: %v", err)
	}
	srv := httptest.NewServer(l.Handler())
	tl := &testLedger{Ledger: l, HTTPURL: srv.URL + "/", WSURL: "ws" + strings.TrimPrefix(srv.URL, "http") + "/"}
	tl.stop = func() {
		srv.CloseClientConnections()
		srv.Close()
		if err := l.Close(); err != nil {
			t.Errorf("close ledger: %v", err)
		}
	}
	t.Cleanup(tl.Stop)
	return tl
}

// Stop shuts the server and the ledger down, as a crash or redeploy would; it is
// safe to call more than once.
func (tl *testLedger) Stop() {
	tl.once.Do(tl.stop)
}

// dial connects a client to url with auto-accept (nothing closes a test ledger
// otherwise) and closes it at the end of the test.
func dial(t testing.TB, url string, opts ...xrpl.Option) *xrpl.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := xrpl.Dial(ctx, url, append([]xrpl.Option{xrpl.WithAutoAccept()}, opts...)...)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// transports runs f once over JSON-RPC and once over WebSocket, each against a
// fresh ledger.
func transports(t *testing.T, edit func(*ledger.Config), f func(t *testing.T, c *xrpl.Client)) {
	for _, tr := range []string{"http", "ws"} {
		t.Run(tr, func(t *testing.T) {
			l := startLedger(t, edit)
			url := l.HTTPURL
			if tr == "ws" {
				url = l.WSURL
			}
			f(t, dial(t, url))
		})
	}
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func genesis(t testing.TB) *wallet.Wallet {
	t.Helper()
	w, err := wallet.FromSeed(genesisSeed, "")
	if err != nil {
		t.Fatal(err)
	}
	if w.ClassicAddress.String() != genesisAddress {
		t.Fatalf("genesis seed derives %s", w.ClassicAddress)
	}
	return &w
}

func newWallet(t testing.TB, alg interfaces.CryptoImplementation) *wallet.Wallet {
	t.Helper()
	w, err := wallet.New(alg)
	if err != nil {
		t.Fatal(err)
	}
	return &w
}

// fund creates a new account (secp256k1 or ed25519) holding drops, paid by genesis.
func fund(t testing.TB, ctx context.Context, c *xrpl.Client, drops uint64, alg interfaces.CryptoImplementation) *wallet.Wallet {
	t.Helper()
	w := newWallet(t, alg)
	pay := &transaction.Payment{
		BaseTx:      transaction.BaseTx{Account: genesisAddress},
		Destination: w.ClassicAddress,
		Amount:      types.XRPCurrencyAmount(drops),
	}
	if _, err := c.SubmitAndWait(ctx, pay, genesis(t)); err != nil {
		t.Fatalf("fund %s with %d drops: %v", w.ClassicAddress, drops, err)
	}
	return w
}

var (
	secp    = crypto.SECP256K1()
	ed25519 = crypto.ED25519()
)
