package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/ledger"
)

// runLedger implements `banx ledger serve`: the embedded standalone XRP Ledger on
// its own address, for development and for tools that expect a rippled URL.
func runLedger(ctx context.Context, args []string, e env) error {
	if len(args) > 0 && isHelp(args[0]) {
		fmt.Fprint(e.stdout, "usage: banx ledger serve [flags]\n\n  serve   run the embedded standalone XRP Ledger (its dev faucet funds accounts: banx wallet fund ADDRESS)\n\nRun 'banx ledger serve -h' for its flags.\n")
		return nil
	}
	if len(args) == 0 || args[0] != "serve" {
		return usageError("ledger needs a subcommand: serve")
	}
	fs := newFlagSet("ledger serve", e)
	addr := fs.String("addr", "127.0.0.1:5005", "listen address for rippled's JSON-RPC and WebSocket API (host:port)")
	data := fs.String("data", "", "directory for the ledger's state and history; empty keeps it in memory")
	interval := fs.Duration("close-interval", time.Second, "close a ledger this often; 0 closes only on ledger_accept")
	dev := fs.Bool("dev", true, "development mode: enables the faucet (POST /accounts)")
	level := fs.String("log-level", "info", "log level: debug, info, warn, error")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(fmt.Sprintf("ledger serve takes no arguments, got %q", fs.Args()))
	}
	if err := validateHostPort("addr", *addr); err != nil {
		return err
	}
	lvl, err := parseLogLevel(*level)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewJSONHandler(e.stderr, &slog.HandlerOptions{Level: lvl}))
	if *data != "" {
		// Two ledgers closing into one history would corrupt it (F25).
		release, err := lockDataDir(*data)
		if err != nil {
			return err
		}
		defer release()
	}
	cfg := ledger.DefaultConfig()
	cfg.DataDir, cfg.CloseInterval, cfg.Dev, cfg.Logger = *data, *interval, *dev, logger
	l, err := ledger.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer l.Close()
	srv, url, err := serveLedger(l, *addr, logger)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Embedded XRP Ledger at %s (JSON-RPC and WebSocket; data: %s)\n", url, orDefault(*data, "in memory"))
	<-ctx.Done()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

// serveLedger serves l's API on addr in the background and returns the server and
// its base URL.
func serveLedger(l *ledger.Ledger, addr string, logger *slog.Logger) (*http.Server, string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", banx.Wrap(banx.EUNAVAILABLE, err, "listen on %s for the embedded ledger", addr)
	}
	srv := &http.Server{
		Handler:           l.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	go srv.Serve(ln)
	return srv, "http://" + ln.Addr().String(), nil
}

// ledgerDir is where `banx serve` keeps the embedded ledger.
func ledgerDir(cfg Config) string { return filepath.Join(cfg.DataDir, "ledger") }
