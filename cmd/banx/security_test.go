package main

import (
	"bytes"
	"context"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/publish/publishtest"
)

// The secrets part of the security review (issue #7); the HTTP controls are
// in internal/http/security_test.go.

// secretFiles are the files under a data directory that hold a secret on
// purpose: seeds, the operator token and the view key. Each must be 0600.
func secretFiles(t *testing.T, dataDir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	filepath.WalkDir(dataDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		name := d.Name()
		if strings.HasSuffix(name, ".seed") || name == "operator-token" || name == "view-key" {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			out[path] = bytes.TrimSpace(b)
		}
		return nil
	})
	return out
}

// TestSecretsNeverLoggedOrStored runs the whole author and operator flow on
// `banx serve` at debug log level (wallet creation, publishing in both modes
// with the seed from a file and from BANX_SEED, an operator scrape), then
// checks that no seed and no token appears in anything the server or the CLI
// printed, and in no file of the data directory (the SQLite database and its
// WAL, the content store, the ledger) other than the 0600 file that holds it.
func TestSecretsNeverLoggedOrStored(t *testing.T) {
	ctx := publishtest.Context(t)
	ledgerAddr := freeAddr(t)
	s := startServe(t, map[string]string{"BANX_LEDGER_ADDR": ledgerAddr, "BANX_LOG_LEVEL": "debug", "BANX_BATCH_INTERVAL": "200ms"})
	dir := t.TempDir()
	seedFile := filepath.Join(dir, "author.seed")
	var printed strings.Builder
	out, err := cli(ctx, nil, "wallet", "new", "--out", seedFile)
	if err != nil {
		t.Fatal(err)
	}
	printed.WriteString(out)
	author := field(out, "address")
	w := walletFromFile(t, seedFile)
	publishtest.Fund(t, ctx, publishtest.Dial(t, "http://"+ledgerAddr+"/"), w, 50_000_000)
	seed, _ := os.ReadFile(seedFile)
	env := map[string]string{"BANX_SEED": strings.TrimSpace(string(seed))}
	for i, args := range [][]string{{"--seed-file", seedFile, "--mode", "self"}, {"--mode", "batch"}} {
		md := filepath.Join(dir, "a"+string(rune('0'+i))+".md")
		os.WriteFile(md, []byte(article(author, "Secret keeping "+string(rune('A'+i)), "")), 0o644)
		e := env
		if i == 0 {
			e = nil
		}
		out, err := cli(ctx, e, append(append([]string{"publish", "--server", s.url}, args...), md)...)
		printed.WriteString(out)
		if err != nil {
			printed.WriteString(err.Error())
			t.Fatalf("publish: %v\n%s", err, out)
		}
	}
	if code, _, _ := s.do(t, "GET", "/metrics", s.token, nil); code != http.StatusOK {
		t.Fatalf("operator scrape = %d", code)
	}
	if code, _, _ := s.do(t, "GET", "/metrics", s.token+"-wrong", nil); code != http.StatusUnauthorized {
		t.Fatalf("wrong operator token = %d", code)
	}
	// A request's log line is written after its response: wait for both.
	for deadline := time.Now().Add(10 * time.Second); strings.Count(s.stdout()+s.stderr(), "/metrics") < 2 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	printed.WriteString(s.stdout())
	printed.WriteString(s.stderr())
	logs := printed.String()
	if !strings.Contains(logs, "/metrics") {
		t.Fatalf("serve logged no request at debug level, so the check proves nothing:\n%s", logs)
	}

	secrets := secretFiles(t, s.dataDir)
	secrets[seedFile] = bytes.TrimSpace(seed)
	if len(secrets) < 4 {
		t.Fatalf("found only %d secret files (%v): the data directory layout changed", len(secrets), secrets)
	}
	for path, secret := range secrets {
		if len(secret) < 16 {
			t.Fatalf("%s holds %d bytes, too short to search for", path, len(secret))
		}
		if info, err := os.Stat(path); err != nil || info.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s: mode %v, %v; want 0600", path, info.Mode().Perm(), err)
		}
		if strings.Contains(logs, string(secret)) {
			t.Errorf("the secret of %s was printed or logged", path)
		}
	}
	stored := 0
	filepath.WalkDir(s.dataDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || secrets[path] != nil {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		stored++
		for from, secret := range secrets {
			if bytes.Contains(b, secret) {
				t.Errorf("%s holds the secret of %s", path, from)
			}
		}
		return nil
	})
	db, _ := filepath.Glob(filepath.Join(s.dataDir, "*.db*"))
	if len(db) == 0 || stored < len(db) {
		t.Fatalf("scanned %d files, database files %v: nothing to check", stored, db)
	}
	t.Logf("%d secrets checked against %d bytes of output and %d files", len(secrets), len(logs), stored)
}

// TestSeedFileWorldReadableRefused: a seed file, the operator token file or
// the view key file that group or others may read is refused with the mode
// and the fix (chmod 600), and the seed is not in the error.
func TestSeedFileWorldReadableRefused(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()
	good := filepath.Join(dir, "good.seed")
	out, err := cli(ctx, nil, "wallet", "new", "--out", good)
	if err != nil {
		t.Fatal(err)
	}
	author := field(out, "address")
	seed, _ := os.ReadFile(good)
	md := filepath.Join(dir, "a.md")
	os.WriteFile(md, []byte(article(author, "Loose seed", "")), 0o644)
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604, 0o660} {
		t.Run("Err"+mode.String(), func(t *testing.T) {
			loose := filepath.Join(dir, "loose-"+mode.String()+".seed")
			os.WriteFile(loose, seed, 0o600)
			os.Chmod(loose, mode)
			_, err := cli(ctx, nil, "publish", "--server", "http://127.0.0.1:1", "--seed-file", loose, md)
			if err == nil || !strings.Contains(err.Error(), "chmod 600") || strings.Contains(err.Error(), strings.TrimSpace(string(seed))) {
				t.Fatalf("publish with a %v seed file: %v; want a refusal naming chmod 600, without the seed", mode, err)
			}
			data := t.TempDir()
			for _, how := range []string{"--anchor-seed-file", "BANX_ISSUER_SEED_FILE", "BANX_DISTRIBUTION_SEED_FILE"} {
				args := []string{"serve", "--addr", "127.0.0.1:0", "--data", data}
				if strings.HasPrefix(how, "--") {
					args = append(args, how, loose)
				}
				err := run(ctx, args, func(k string) string {
					switch k {
					case "BANX_LEDGER_ADDR":
						return "127.0.0.1:0"
					case how:
						return loose
					}
					return ""
				}, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
				if err == nil || !strings.Contains(err.Error(), "chmod 600") || strings.Contains(err.Error(), strings.TrimSpace(string(seed))) {
					t.Fatalf("serve with %s naming a %v seed file: %v; want a refusal naming chmod 600", how, mode, err)
				}
			}
		})
	}
	t.Run("ErrOperatorTokenFile", func(t *testing.T) {
		tok := filepath.Join(dir, "operator-token")
		os.WriteFile(tok, []byte("a-long-enough-operator-token-value\n"), 0o644)
		os.Chmod(tok, 0o644)
		err := run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--operator-token-file", tok},
			func(string) string { return "" }, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), "chmod 600") || strings.Contains(err.Error(), "a-long-enough") {
			t.Fatalf("serve with a 0644 operator token file: %v", err)
		}
	})
}
