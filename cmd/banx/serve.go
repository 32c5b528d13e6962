package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/banxmedia/banx/internal/banx"
	banxhttp "github.com/banxmedia/banx/internal/http"
	"github.com/banxmedia/banx/internal/ledger"
	"github.com/banxmedia/banx/internal/metrics"
	"github.com/banxmedia/banx/internal/sqlite"
	"github.com/banxmedia/banx/internal/xrpl"
)

// runServe starts the web server on the configured stores and blocks until ctx is
// cancelled (SIGINT/SIGTERM), then shuts down in order: HTTP first so no request
// sees a closed dependency, then the stores.
func runServe(ctx context.Context, args []string, e env) error {
	cfg := DefaultConfig()
	fs := newFlagSet("serve", e)
	cfg.bind(fs, e.getenv, "addr", "data", "ipfs-api", "xrpl", "ledger-addr", "operator-token-file", "log-level", "view-dwell", "view-key-file", "trusted-proxies")
	cfg.bind(fs, e.getenv, "domain", "anchor-seed-file", "batch-interval", "batch-max", "reward-policy")
	sample := fs.Bool("sample", false, "on a fresh embedded stack, publish the sample article as the first dev author (make run does)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(fmt.Sprintf("serve takes no arguments, got %q", fs.Args()))
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	wildcard, err := listensOnAll(cfg.Addr)
	if err != nil {
		return err
	}
	if wildcard && cfg.Domain == "" {
		return banx.Errorf(banx.EINVALID, "--domain is required when --addr listens on all interfaces (0.0.0.0 or [::]): it is the host authors' wallets sign for (addr %s)", cfg.Addr)
	}
	// Nothing touches the data directory before this process holds it.
	unlock, err := lockDataDir(cfg.DataDir)
	if err != nil {
		return err
	}
	defer unlock()
	// A port in use is reported before wallets are made and funded.
	if err := probeListen(cfg.Addr); err != nil {
		return err
	}
	level, _ := parseLogLevel(cfg.LogLevel)
	logger := slog.New(slog.NewJSONHandler(e.stderr, &slog.HandlerOptions{Level: level}))

	tokenHash, created, err := loadOperatorToken(cfg.operatorTokenPath())
	if err != nil {
		return err
	}
	db, err := sqlite.Open(ctx, filepath.Join(cfg.DataDir, "banx.db"))
	if err != nil {
		return err
	}
	defer db.Close()
	reg := metrics.New(metrics.Config{Anchors: db.CountAnchorsByState, Versions: db.CountVersionsByStatus,
		Payouts: db.CountPayoutsByState, Logger: logger})
	viewLedger, err := openViewLedger(ctx, cfg, db)
	if err != nil {
		return err
	}
	defer viewLedger.Close()
	rawStore, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer rawStore.Close()
	store := reg.CountStoreErrors(rawStore)

	xrplURL, ledgerKind := cfg.XRPLURL, "remote"
	if xrplURL == "" {
		ledgerKind = "embedded"
		lcfg := ledger.DefaultConfig()
		lcfg.DataDir, lcfg.Dev, lcfg.CloseInterval, lcfg.Logger = ledgerDir(cfg), true, time.Second, logger
		l, err := ledger.Open(ctx, lcfg)
		if err != nil {
			return err
		}
		defer l.Close()
		lsrv, url, err := serveLedger(l, cfg.LedgerAddr, logger)
		if err != nil {
			return err
		}
		defer lsrv.Close()
		xrplURL = url
		fmt.Fprintf(e.stdout, "Embedded XRP Ledger at %s (closes a ledger every second)\n", url)
	}
	client, err := xrpl.Dial(ctx, xrplURL, xrpl.WithLogger(logger), xrpl.WithErrorHook(reg.LedgerError))
	if err != nil {
		return err
	}
	defer client.Close()

	health, err := openDataHealth(db, cfg.DataDir)
	if err != nil {
		return err
	}
	defer health.Close()
	srv := &banxhttp.Server{Addr: cfg.Addr, Store: store, DB: health, Logger: logger, OperatorTokenHash: tokenHash,
		Ledger: ledgerHealth{client, ledgerKind}, Views: reg.CountViews(viewLedger), Site: &banxhttp.Site{ViewCounts: db, Search: db},
		Metrics: reg}
	srv.TrustedProxies, _ = parseTrustedProxies(cfg.TrustedProxies) // validated with the config
	closeVerifier, err := attachVerifier(srv, xrplURL, store)
	if err != nil {
		return err
	}
	defer closeVerifier()
	if err := attachRewards(ctx, srv, cfg, e, db, client, ledgerKind == "embedded", logger); err != nil {
		return err
	}
	closePublishing, err := attachPublishing(ctx, srv, cfg, e.getenv, db, store, client, ledgerKind == "embedded", logger)
	if err != nil {
		return err
	}
	defer closePublishing()
	if err := srv.Open(); err != nil {
		return err
	}
	logger.Info("banx serving", "url", srv.URL(), "config", cfg.String(), "store", store.Kind())
	if created {
		fmt.Fprintf(e.stdout, "Operator token created in %s (keep it secret).\n", cfg.operatorTokenPath())
	}
	if *sample && ledgerKind == "embedded" {
		if err := announceSample(ctx, srv, cfg, store, e); err != nil {
			logger.Warn("sample article not published", "err", err)
		}
	}
	fmt.Fprintf(e.stdout, "Banx is running at %s (Ctrl-C to stop)\n", bannerURL(srv.URL(), cfg.Domain, wildcard))

	<-ctx.Done()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Close(shutdownCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	logger.Info("banx stopped")
	return nil
}

// ledgerHealth adapts the ledger client to the server's health check: the node
// answers server_info.
type ledgerHealth struct {
	client *xrpl.Client
	kind   string
}

func (h ledgerHealth) Ping(ctx context.Context) error {
	_, err := h.client.ServerInfo(ctx)
	return err
}

func (h ledgerHealth) Kind() string { return h.kind }

// dataHealth is the database as /healthz reports it: it answers a read, a
// writer can take its lock, and the disk under the data directory takes a
// write. A read alone says too little: in WAL mode SELECT 1 keeps answering
// while another process holds the write lock or the disk is full, and every
// draft, anchor and view beacon then fails.
type dataHealth struct {
	db    *sqlite.DB
	dir   string
	probe *sql.DB
}

// writeLockWait is how long the health probe waits for the write lock. Banx's
// own writes hold it for milliseconds; a holder that keeps it longer starves
// every writer, which then fail after SQLite's busy timeout.
const writeLockWait = time.Second

// diskProbeBytes is what the disk must still take for /healthz to call it ok:
// room for a few SQLite pages and a small manifest.
const diskProbeBytes = 64 << 10

func openDataHealth(db *sqlite.DB, dir string) (*dataHealth, error) {
	probe, err := sql.Open("sqlite3", fmt.Sprintf("file:%s?_busy_timeout=%d&_txlock=immediate", db.Path, writeLockWait.Milliseconds()))
	if err != nil {
		return nil, banx.Wrap(banx.EINTERNAL, err, "open the database health probe")
	}
	probe.SetMaxOpenConns(1)
	return &dataHealth{db: db, dir: dir, probe: probe}, nil
}

// Ping reports a database that does not answer, or whose write lock another
// connection has held for longer than writeLockWait.
func (h *dataHealth) Ping(ctx context.Context) error {
	if err := h.db.Ping(ctx); err != nil {
		return err
	}
	tx, err := h.probe.BeginTx(ctx, nil)
	if err != nil {
		return banx.Wrap(banx.EUNAVAILABLE, err, "database %s is busy: no writer could take its lock within %s (another connection holds it)",
			h.db.Path, writeLockWait)
	}
	return tx.Rollback()
}

// PingDisk writes and removes a small file in the data directory, which holds
// the database and the embedded stores.
func (h *dataHealth) PingDisk(ctx context.Context) error {
	f, err := os.CreateTemp(h.dir, ".healthz-*")
	if err != nil {
		return diskError(err, h.dir)
	}
	defer os.Remove(f.Name())
	_, err = f.Write(make([]byte, diskProbeBytes))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return diskError(err, h.dir)
	}
	return nil
}

func diskError(err error, dir string) error {
	if errors.Is(err, syscall.ENOSPC) {
		return banx.Wrap(banx.EUNAVAILABLE, err, "disk full: the data directory %s cannot take %d more bytes", dir, diskProbeBytes)
	}
	return banx.Wrap(banx.EUNAVAILABLE, err, "the data directory %s does not take writes", dir)
}

// Close releases the probe's connection.
func (h *dataHealth) Close() error { return h.probe.Close() }

// listensOnAll reports whether addr (host:port, validated) listens on every
// interface: an empty host, 0.0.0.0 or [::]. Such an address names no host
// an author can reach, so it cannot stand in for the domain.
func listensOnAll(addr string) (bool, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, banx.Errorf(banx.EINVALID, "addr (BANX_ADDR): %q is not host:port", addr)
	}
	if host == "" {
		return true, nil
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsUnspecified(), nil
}

// probeListen binds addr and lets it go at once, so that an address in use is
// the first thing serve reports. Port 0 always binds.
func probeListen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return banx.Wrap(banx.EUNAVAILABLE, err, "listen on %s", addr)
	}
	return ln.Close()
}

// bannerURL is the address serve prints: where the server listens, or, when
// it listens on all interfaces, the domain authors reach it at.
func bannerURL(listening, domain string, wildcard bool) string {
	if wildcard && domain != "" {
		return "http://" + domain
	}
	return listening
}
