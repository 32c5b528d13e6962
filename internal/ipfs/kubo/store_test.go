package kubo_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/ipfs/kubo"
	"github.com/banxmedia/banx/internal/ipfs/kubotest"
	shell "github.com/ipfs/go-ipfs-api"
)

// daemon is shared by the tests that do not stop it.
var daemon *kubotest.Daemon

func TestMain(m *testing.M) {
	d, err := kubotest.StartDaemon()
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		os.Exit(1)
	}
	daemon = d
	code := m.Run()
	d.Stop()
	os.Exit(code)
}

func open(t *testing.T, api string) *kubo.Store {
	t.Helper()
	s, err := kubo.Open(kubo.Config{API: api})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestOpen(t *testing.T) {
	tests := []struct {
		name, api, reason string
	}{
		{"OKMultiaddr", daemon.API, ""},
		{"OKURL", daemon.URL, ""},
		{"OKURLSlash", daemon.URL + "/", ""},
		{"ErrEmpty", "", "IPFS API address is empty"},
		{"ErrMultiaddr", "/ip4/127.0.0.1/tcp/notaport", "not a valid multiaddr"},
		{"ErrScheme", "ftp://127.0.0.1:5001", "scheme must be http or https"},
		{"ErrNoPort", "http://127.0.0.1", "host and port are required"},
		{"ErrPath", "http://127.0.0.1:5001/api/v0", "only scheme://host:port is allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := kubo.Open(kubo.Config{API: tt.api})
			if tt.reason == "" {
				if err != nil {
					t.Fatal(err)
				}
				if err := s.Ping(context.Background()); err != nil {
					t.Fatalf("Ping: %v", err)
				}
				return
			}
			if banx.ErrorCode(err) != banx.EINVALID || !strings.Contains(err.Error(), tt.reason) {
				t.Fatalf("err = %v, want EINVALID %q", err, tt.reason)
			}
		})
	}
}

// TestDaemonStopped stops a daemon under a working store: every call must then
// fail with EUNAVAILABLE and name the address, which is what an operator needs.
func TestDaemonStopped(t *testing.T) {
	d := kubotest.Start(t)
	s := open(t, d.API)
	ctx := context.Background()
	c, err := s.Add(ctx, strings.NewReader("kept"))
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Stop(); err != nil {
		t.Fatal(err)
	}
	calls := map[string]func() error{
		"Ping":      func() error { return s.Ping(ctx) },
		"Add":       func() error { _, err := s.Add(ctx, strings.NewReader("lost")); return err },
		"Cat":       func() error { _, err := s.Cat(ctx, c); return err },
		"Has":       func() error { _, err := s.Has(ctx, c); return err },
		"Pinned":    func() error { _, err := s.Pinned(ctx, c); return err },
		"ExportCAR": func() error { return s.ExportCAR(ctx, c, io.Discard) },
	}
	for name, call := range calls {
		t.Run("Err"+name, func(t *testing.T) {
			err := call()
			if banx.ErrorCode(err) != banx.EUNAVAILABLE || !strings.Contains(err.Error(), d.API) {
				t.Fatalf("err = %v, want EUNAVAILABLE naming %s", err, d.API)
			}
		})
	}
}

// TestUnknownCID asks an offline daemon for content it never had. Without
// --offline on reads Kubo would search the network until the deadline; the
// deadline here only turns such a hang into a failure.
func TestUnknownCID(t *testing.T) {
	s := open(t, daemon.API)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const unknown = "bafybeibo7ymcgripez2tdgohhvnxdn4zexcxkrlzm5t3bauzlfiqfjroaa"
	if _, err := s.Cat(ctx, unknown); banx.ErrorCode(err) != banx.ENOTFOUND {
		t.Fatalf("Cat: err = %v, want ENOTFOUND", err)
	}
	if err := s.ExportCAR(ctx, unknown, io.Discard); banx.ErrorCode(err) != banx.ENOTFOUND {
		t.Fatalf("ExportCAR: err = %v, want ENOTFOUND", err)
	}
	if err := s.Pin(ctx, unknown); banx.ErrorCode(err) != banx.ENOTFOUND {
		t.Fatalf("Pin: err = %v, want ENOTFOUND", err)
	}
}

func TestAddReaderError(t *testing.T) {
	s := open(t, daemon.API)
	tooLarge := banx.Errorf(banx.ETOOLARGE, "body is over 1 byte")
	_, err := s.Add(context.Background(), io.MultiReader(strings.NewReader("ab"), errReader{tooLarge}))
	if banx.ErrorCode(err) != banx.ETOOLARGE {
		t.Fatalf("err = %v, want the reader's ETOOLARGE", err)
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// TestDaemonImportConfigIgnored runs a daemon whose Import defaults would change
// every CID; the explicit add flags from the contract must make them irrelevant.
func TestDaemonImportConfigIgnored(t *testing.T) {
	d := kubotest.StartWith(t, kubotest.Options{Config: map[string]string{
		"Import.CidVersion":         "0",
		"Import.UnixFSRawLeaves":    "false",
		"Import.UnixFSChunker":      `"size-1024"`,
		"Import.UnixFSDAGLayout":    `"trickle"`,
		"Import.UnixFSFileMaxLinks": "8",
	}})
	ctx := context.Background()
	data := bytes.Repeat([]byte("banx "), 100_000) // 500 KB: two chunks under the contract
	got, err := open(t, d.API).Add(ctx, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	want, err := open(t, daemon.API).Add(ctx, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("daemon Import config changed the CID: %s, want %s", got, want)
	}
	// Control: without the contract's flags this daemon does produce another CID,
	// so the test above is not vacuous.
	plain, err := shell.NewShell(d.URL).Add(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if plain == want {
		t.Fatalf("the daemon's Import config had no effect (plain add gave %s)", plain)
	}
}

// TestVerify runs a daemon whose dag-pb field order (a setting with no add flag)
// would change every multi-block CID; Verify must refuse it.
func TestVerify(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		if err := open(t, daemon.API).Verify(ctx); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("OKExplicitDefault", func(t *testing.T) {
		d := kubotest.StartWith(t, kubotest.Options{Config: map[string]string{"Import.UnixFSPBNodeFieldOrder": `"links-first"`}})
		if err := open(t, d.API).Verify(ctx); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrDataFirst", func(t *testing.T) {
		d := kubotest.StartWith(t, kubotest.Options{Config: map[string]string{"Import.UnixFSPBNodeFieldOrder": `"data-first"`}})
		err := open(t, d.API).Verify(ctx)
		if banx.ErrorCode(err) != banx.EINVALID || !strings.Contains(err.Error(), "Import.UnixFSPBNodeFieldOrder = data-first") {
			t.Fatalf("err = %v, want EINVALID naming the setting", err)
		}
	})
}
