package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

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

	srv := &banxhttp.Server{Addr: cfg.Addr, Store: store, DB: db, Logger: logger, OperatorTokenHash: tokenHash,
		Ledger: ledgerHealth{client, ledgerKind}, Views: reg.CountViews(viewLedger), Site: &banxhttp.Site{ViewCounts: db},
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
	fmt.Fprintf(e.stdout, "Banx is running at %s (Ctrl-C to stop)\n", srv.URL())

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
