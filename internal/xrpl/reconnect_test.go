package xrpl_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/ledger"
)

// TestReconnect stops the node under connected clients and starts it again on the
// same address: reads fail as EUNAVAILABLE while it is down and work again
// afterwards, over both transports, without re-dialing.
func TestReconnect(t *testing.T) {
	cfg := ledger.DefaultConfig()
	cfg.DataDir = t.TempDir()
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	start := func(ln net.Listener) (stop func()) {
		l, err := ledger.Open(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		srv := &http.Server{Handler: l.Handler(), ReadHeaderTimeout: 5 * time.Second}
		go srv.Serve(ln)
		return func() {
			srv.Close()
			if err := l.Close(); err != nil {
				t.Errorf("close ledger: %v", err)
			}
		}
	}
	stop := start(ln)

	ctx := testContext(t)
	httpc := dial(t, "http://"+addr+"/")
	wsc := dial(t, "ws://"+addr+"/")
	reads := map[string]func() error{
		"http": func() error { _, err := httpc.Ledger(ctx); return err },
		"ws":   func() error { _, err := wsc.Ledger(ctx); return err },
	}

	stop()
	for name, read := range reads {
		if err := read(); banx.ErrorCode(err) != banx.EUNAVAILABLE {
			t.Errorf("%s while down: %v, want EUNAVAILABLE", name, err)
		}
	}

	ln, err = net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen again on %s: %v", addr, err)
	}
	defer start(ln)()
	for name, read := range reads {
		if err := read(); err != nil {
			t.Errorf("%s after the node came back: %v", name, err)
		}
	}
}
