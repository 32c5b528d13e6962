package kubotest_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/banxmedia/banx/internal/ipfs/kubotest"
)

func TestStart(t *testing.T) {
	d, err := kubotest.StartDaemon()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(d.API, "/ip4/127.0.0.1/tcp/") || !strings.HasPrefix(d.URL, "http://127.0.0.1:") {
		t.Fatalf("API = %q, URL = %q: want loopback addresses", d.API, d.URL)
	}
	resp, err := http.Post(d.URL+"/api/v0/version", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("version: %s", resp.Status)
	}
	if err := d.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(d.Repo); !os.IsNotExist(err) {
		t.Fatalf("repository %s still exists after Stop (%v)", d.Repo, err)
	}
	if _, err := http.Post(d.URL+"/api/v0/version", "", nil); err == nil {
		t.Fatal("daemon still answers after Stop")
	}
	if err := d.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
}

func TestBinary(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		p, err := kubotest.Binary()
		if err != nil {
			t.Fatal(err)
		}
		if os.Getenv(kubotest.EnvBinary) == "" && !strings.HasSuffix(p, filepath.Join("bin", "ipfs")) {
			t.Fatalf("Binary() = %s, want <repo>/bin/ipfs", p)
		}
	})
	t.Run("ErrMissing", func(t *testing.T) {
		missing := filepath.Join(t.TempDir(), "ipfs")
		t.Setenv(kubotest.EnvBinary, missing)
		_, err := kubotest.StartDaemon()
		if err == nil || !strings.Contains(err.Error(), "Kubo binary not found at "+missing) ||
			!strings.Contains(err.Error(), "make tools") {
			t.Fatalf("err = %v, want it to name %s and `make tools`", err, missing)
		}
	})
}

func TestStartWith(t *testing.T) {
	d := kubotest.StartWith(t, kubotest.Options{
		Profiles: []string{"pebbleds"},
		Config:   map[string]string{"Import.UnixFSChunker": `"size-1024"`},
	})
	for key, want := range map[string]string{"Datastore.Spec.type": "pebbleds", "Import.UnixFSChunker": "size-1024"} {
		got, err := d.Run(context.Background(), "config", key)
		if err != nil {
			t.Fatal(err)
		}
		if strings.TrimSpace(got) != want {
			t.Errorf("config %s = %q, want %q", key, got, want)
		}
	}
}

// TestHaltResume checks that a halted daemon stops answering, and that Resume
// brings it back on the same API address with what it stored.
func TestHaltResume(t *testing.T) {
	ctx := context.Background()
	d := kubotest.Start(t)
	in := filepath.Join(t.TempDir(), "doc.txt")
	os.WriteFile(in, []byte("kept across a halt"), 0o600)
	out, err := d.Run(ctx, "add", "-Q", "--cid-version=1", in)
	if err != nil {
		t.Fatal(err)
	}
	cid := strings.TrimSpace(out)
	api := d.API
	if err := d.Halt(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Post(d.URL+"/api/v0/version", "", nil); err == nil {
		t.Fatal("daemon still answers after Halt")
	}
	if err := d.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	if err := d.Resume(ctx); err == nil || !strings.Contains(err.Error(), "still running") {
		t.Fatalf("Resume of a running daemon: err = %v, want a refusal", err)
	}
	if d.API != api {
		t.Fatalf("API moved from %s to %s", api, d.API)
	}
	got, err := d.Run(ctx, "cat", cid)
	if err != nil || got != "kept across a halt" {
		t.Fatalf("cat %s after Resume = %q, %v", cid, got, err)
	}
}
