package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	banxhttp "github.com/banxmedia/banx/internal/http"
	"github.com/banxmedia/banx/internal/sqlite"
)

// runServe starts the web server on the configured stores and blocks until ctx is
// cancelled (SIGINT/SIGTERM), then shuts down in order: HTTP first so no request
// sees a closed dependency, then the stores.
func runServe(ctx context.Context, args []string, e env) error {
	cfg := DefaultConfig()
	fs := newFlagSet("serve", e)
	cfg.bind(fs, e.getenv, "addr", "data", "ipfs-api", "xrpl", "ledger-addr", "operator-token-file", "log-level")
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
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()

	srv := &banxhttp.Server{Addr: cfg.Addr, Store: store, DB: db, Logger: logger, OperatorTokenHash: tokenHash}
	if err := srv.Open(); err != nil {
		return err
	}
	logger.Info("banx serving", "url", srv.URL(), "config", cfg.String(), "store", store.Kind())
	if created {
		fmt.Fprintf(e.stdout, "Operator token created in %s (keep it secret).\n", cfg.operatorTokenPath())
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
