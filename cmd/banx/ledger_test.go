package main

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/xrpl"
)

// startLedger runs `banx ledger serve` in-process and returns its URL; the ledger
// stops when the test ends.
func startLedger(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"ledger", "serve", "--addr", "127.0.0.1:0", "--close-interval", "0"}, args...),
			func(string) string { return "" }, nil, stdout, io.Discard)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("ledger serve returned %v", err)
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if _, after, ok := strings.Cut(stdout.String(), "Ledger at "); ok {
			url, _, _ := strings.Cut(after, " ")
			return url
		}
		select {
		case err := <-done:
			t.Fatalf("ledger serve exited: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("ledger serve printed no URL: %q", stdout.String())
	return ""
}

// TestLedgerServe drives `banx ledger serve` over the network with Banx's client:
// it answers server_info, closes ledgers on ledger_accept and, with --data, keeps
// its history across a restart.
func TestLedgerServe(t *testing.T) {
	data := t.TempDir()
	ctx := context.Background()
	var closed uint32
	t.Run("OK", func(t *testing.T) {
		url := startLedger(t, "--data", data)
		c, err := xrpl.Dial(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		first, err := c.AcceptLedger(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if closed, err = c.AcceptLedger(ctx); err != nil || closed != first+1 {
			t.Fatalf("second ledger_accept = %d, %v; want %d", closed, err, first+1)
		}
	})
	t.Run("OKRestartKeepsHistory", func(t *testing.T) {
		url := startLedger(t, "--data", data)
		c, err := xrpl.Dial(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		h, err := c.Ledger(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if h.Index < closed {
			t.Fatalf("validated ledger after restart = %d, want >= %d", h.Index, closed)
		}
	})
	t.Run("ErrUsage", func(t *testing.T) {
		for _, args := range [][]string{{"ledger"}, {"ledger", "run"}, {"ledger", "serve", "--addr", "nope"}, {"ledger", "serve", "extra"}} {
			err := run(ctx, args, func(string) string { return "" }, nil, io.Discard, io.Discard)
			if err == nil {
				t.Errorf("%q: no error", args)
			}
		}
	})
}

// TestLedgerServeDataLocked: a second `banx ledger serve` on a data directory
// in use is refused before it opens the history, and the first keeps serving.
func TestLedgerServeDataLocked(t *testing.T) {
	dir := t.TempDir()
	url := startLedger(t, "--data", dir)
	err := run(context.Background(), []string{"ledger", "serve", "--addr", "127.0.0.1:0", "--data", dir},
		func(string) string { return "" }, nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "is in use by another banx") {
		t.Fatalf("second ledger serve = %v, want a refusal naming the data directory in use", err)
	}
	c, err := xrpl.Dial(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Ledger(context.Background()); err != nil {
		t.Fatalf("the first ledger stopped answering: %v", err)
	}
}
