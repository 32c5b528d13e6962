package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/sqlite"
	_ "github.com/mattn/go-sqlite3"
)

// TestServeViews runs `banx serve` with a short dwell, reads an article from a
// browser on a distinctive loopback address, and audits the ledger with
// `banx views audit` before and after tampering with the file.
func TestServeViews(t *testing.T) {
	ctx := context.Background()
	s := startServe(t, map[string]string{"BANX_VIEW_DWELL": "100ms"})
	dbPath := filepath.Join(s.dataDir, "banx.db")

	info, err := os.Stat(filepath.Join(s.dataDir, "view-key"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("view key file: %v, mode %v", err, info.Mode())
	}
	db, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const author = "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh"
	a := &banx.Article{Author: author, Slug: "e2e"}
	sum := sha256.Sum256([]byte("e2e"))
	v := &banx.ArticleVersion{ManifestCID: "bafke2e", SHA256: fmt.Sprintf("%x", sum), Author: author, Title: "E2E", Status: banx.StatusPublished}
	if err := db.CreateArticle(ctx, a, v); err != nil {
		t.Fatal(err)
	}

	jar, _ := cookiejar.New(nil)
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.23.45.67")}}
	client := &http.Client{Jar: jar, Transport: &http.Transport{DialContext: d.DialContext}}
	do := func(method, path, body string) (int, []byte) {
		req, _ := http.NewRequest(method, s.url+path, strings.NewReader(body))
		req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0")
		if body != "" {
			req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
		}
		if strings.Contains(path, "stats") {
			req.Header.Set("Authorization", "Bearer "+s.token)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	for i := 0; i < 3; i++ {
		code, body := do("GET", fmt.Sprintf("/api/v1/articles/%d/view-token", a.ID), "")
		var tok struct {
			Token   string `json:"token"`
			DwellMS int64  `json:"dwell_ms"`
		}
		if code != 200 || json.Unmarshal(body, &tok) != nil || tok.DwellMS != 100 {
			t.Fatalf("view-token = %d %s", code, body)
		}
		time.Sleep(150 * time.Millisecond) // the reader reads
		if code, body := do("POST", "/api/v1/views", tok.Token); code != http.StatusCreated {
			t.Fatalf("beacon = %d %s", code, body)
		}
	}
	code, body := do("GET", "/api/v1/views/stats", "")
	var st struct {
		Totals  map[string]int64 `json:"totals"`
		Records int64            `json:"records"`
	}
	if code != 200 || json.Unmarshal(body, &st) != nil || st.Records != 3 || st.Totals["counted"] != 1 || st.Totals["duplicate"] != 2 {
		t.Fatalf("stats = %d %s", code, body)
	}

	getenv := func(k string) string { return "" }
	var out bytes.Buffer
	if err := run(ctx, []string{"views", "audit", "--data", s.dataDir}, getenv, nil, &out, io.Discard); err != nil {
		t.Fatalf("audit: %v\n%s", err, out.String())
	}
	if !strings.HasPrefix(out.String(), "views chain intact: 3 records, head ") {
		t.Fatalf("audit printed %q", out.String())
	}

	for _, suffix := range []string{"", "-wal"} {
		data, err := os.ReadFile(dbPath + suffix)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte("127.23.45.67")) || bytes.Contains(data, []byte{127, 23, 45, 67}) {
			t.Fatalf("%s holds the reader's IP address", dbPath+suffix)
		}
	}

	raw, err := sql.Open("sqlite3", "file:"+dbPath+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec("UPDATE views SET counted = 1, reason = 'counted' WHERE id = 2"); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("UPDATE with the trigger in place: %v", err)
	}
	if _, err := raw.Exec("DROP TRIGGER views_no_update; UPDATE views SET counted = 1, reason = 'counted' WHERE id = 2"); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err = run(ctx, []string{"views", "audit", "--data", s.dataDir}, getenv, nil, &out, io.Discard)
	if err == nil || exitCode(err) != 1 {
		t.Fatalf("audit of a tampered chain: err = %v (exit %d)", err, exitCode(err))
	}
	if !strings.Contains(out.String(), "BROKEN") || !strings.Contains(err.Error(), "record 2") ||
		!strings.Contains(err.Error(), `counted was 0 with reason "duplicate"`) {
		t.Fatalf("audit printed %q, err %v", out.String(), err)
	}
}

func TestViewsCLIErrors(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name string
		args []string
		exit int
		want string
	}{
		{"ErrNoSubcommand", []string{"views"}, 2, "audit"},
		{"ErrUnknownSubcommand", []string{"views", "purge"}, 2, "audit"},
		{"ErrNoDatabase", []string{"views", "audit", "--data", "/nonexistent/banx"}, 1, "no database at /nonexistent/banx/banx.db"},
		{"ErrArgs", []string{"views", "audit", "extra"}, 2, "no arguments"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := run(ctx, tc.args, func(string) string { return "" }, nil, io.Discard, io.Discard)
			if err == nil || exitCode(err) != tc.exit || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v (exit %d), want exit %d with %q", err, exitCode(err), tc.exit, tc.want)
			}
		})
	}
}

func TestViewConfig(t *testing.T) {
	serve := func(t *testing.T, data string, env map[string]string) error {
		getenv := func(k string) string {
			if k == "BANX_DATA_DIR" {
				return data
			}
			return env[k]
		}
		return run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0"}, getenv, nil, io.Discard, io.Discard)
	}
	t.Run("ErrDwellNotADuration", func(t *testing.T) {
		err := serve(t, t.TempDir(), map[string]string{"BANX_VIEW_DWELL": "forever"})
		if err == nil || !strings.Contains(err.Error(), "view-dwell (BANX_VIEW_DWELL)") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrDwellTooLong", func(t *testing.T) {
		err := serve(t, t.TempDir(), map[string]string{"BANX_VIEW_DWELL": "1h"})
		if err == nil || !strings.Contains(err.Error(), "outside 0s to 10m0s") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrTrustedProxies", func(t *testing.T) {
		err := serve(t, t.TempDir(), map[string]string{"BANX_TRUSTED_PROXIES": "10.0.0.0/8, proxy.local"})
		if err == nil || !strings.Contains(err.Error(), `trusted-proxies (BANX_TRUSTED_PROXIES): "proxy.local"`) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("OKTrustedProxies", func(t *testing.T) {
		got, err := parseTrustedProxies(" 10.1.2.3/8, 192.0.2.7 ,::1, ")
		if err != nil || fmt.Sprint(got) != "[10.0.0.0/8 192.0.2.7/32 ::1/128]" {
			t.Fatalf("got %v, %v", got, err)
		}
	})
	t.Run("ErrKeyFileMode", func(t *testing.T) {
		data := t.TempDir()
		os.WriteFile(filepath.Join(data, "view-key"), []byte(strings.Repeat("ab", 32)), 0o644)
		err := serve(t, data, nil)
		if err == nil || !strings.Contains(err.Error(), "view key file") || !strings.Contains(err.Error(), "chmod 600") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrKeyShort", func(t *testing.T) {
		data := t.TempDir()
		os.WriteFile(filepath.Join(data, "view-key"), []byte("abcd"), 0o600)
		err := serve(t, data, nil)
		if err == nil || !strings.Contains(err.Error(), "at least 32 random bytes") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("OKKeyStable", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "k", "view-key")
		k1, err := loadViewKey(path)
		if err != nil {
			t.Fatal(err)
		}
		k2, err := loadViewKey(path)
		if err != nil || !bytes.Equal(k1, k2) || len(k1) != 32 {
			t.Fatalf("reloaded key differs: %v", err)
		}
	})
}
