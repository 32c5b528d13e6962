package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// serveOnce runs `banx serve` with BANX_DATA_DIR=data and the arguments, and
// returns its error; it must end by itself within 30 s.
func serveOnce(t *testing.T, data string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	getenv := func(k string) string {
		switch k {
		case "BANX_DATA_DIR":
			return data
		case "BANX_LEDGER_ADDR":
			return "127.0.0.1:0"
		}
		return ""
	}
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	err := run(ctx, append([]string{"serve"}, args...), getenv, strings.NewReader(""), stdout, stderr)
	if ctx.Err() != nil {
		t.Fatalf("serve ran until the deadline instead of refusing\nstdout: %s\nstderr: %s", stdout, stderr)
	}
	return stdout.String(), err
}

// TestServeDataDirLocked starts a second `banx serve` on a data directory a
// running one holds (F25): it is refused at once, naming the holder's pid,
// and the running server goes on.
func TestServeDataDirLocked(t *testing.T) {
	s := startServe(t, nil)
	out, err := serveOnce(t, s.dataDir, "--addr", "127.0.0.1:0")
	want := fmt.Sprintf("data directory %s is in use by another banx (pid %d)", s.dataDir, os.Getpid())
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("second serve = %v, want %q", err, want)
	}
	if strings.Contains(out, "running at") || strings.Contains(out, "Embedded XRP Ledger") {
		t.Fatalf("second serve started something: %s", out)
	}
	raw, rerr := os.ReadFile(filepath.Join(s.dataDir, dataLockName))
	if rerr != nil || strings.TrimSpace(string(raw)) != fmt.Sprint(os.Getpid()) {
		t.Fatalf("lock file = %q, %v; want this pid", raw, rerr)
	}
	resp, err := http.Get(s.url + "/healthz")
	if err != nil {
		t.Fatalf("the first server stopped answering: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("first server /healthz = %d after the refused start", resp.StatusCode)
	}
}

// TestServeLockDataDir takes and releases the data directory lock directly.
func TestServeLockDataDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "fresh")
	release, err := lockDataDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lockDataDir(dir); err == nil || !strings.Contains(err.Error(), "in use by another banx (pid ") {
		t.Fatalf("second lock = %v, want refused", err)
	}
	release()
	again, err := lockDataDir(dir)
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	again()
}

// TestServePortInUse starts serve on an address already taken (F25, related):
// "address already in use" is reported before anything is set up in the data
// directory (no database, no token, no ledger).
func TestServePortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	data := t.TempDir()
	_, err = serveOnce(t, data, "--addr", ln.Addr().String())
	if err == nil || !strings.Contains(err.Error(), "address already in use") {
		t.Fatalf("serve = %v, want address already in use", err)
	}
	entries, _ := os.ReadDir(data)
	for _, e := range entries {
		if e.Name() != dataLockName {
			t.Errorf("data directory has %s: the stack was set up before the port was bound", e.Name())
		}
	}
}
