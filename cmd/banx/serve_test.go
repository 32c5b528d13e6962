package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/ipfs/kubotest"
)

// syncBuffer lets the test read what `banx serve` prints while it runs.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// server is a `banx serve` running in-process on a free port.
type server struct {
	url     string
	token   string
	dataDir string
	out     *syncBuffer // what serve printed, for the addresses it announces
	errb    *syncBuffer
}

func (s *server) stdout() string { return s.out.String() }
func (s *server) stderr() string { return s.errb.String() }

// startServe runs `banx serve` on 127.0.0.1:0 with a temp data dir and the given
// environment, waits until /healthz answers and stops the server at cleanup.
func startServe(t *testing.T, environ map[string]string, extraArgs ...string) *server {
	t.Helper()
	data := t.TempDir()
	getenv := func(k string) string {
		if k == "BANX_DATA_DIR" {
			return data
		}
		if k == "BANX_LEDGER_ADDR" && environ[k] == "" {
			return "127.0.0.1:0"
		}
		return environ[k]
	}
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, extraArgs...), getenv, strings.NewReader(""), stdout, stderr)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop within 15s of cancel")
		}
	})
	// The first start sets up BXE and funds wallets on the embedded ledger,
	// which takes a while under the race detector on 2 cores.
	deadline := time.Now().Add(60 * time.Second)
	var url string
	for url == "" {
		select {
		case err := <-done:
			t.Fatalf("serve exited early: %v\nstderr: %s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve printed no URL in 60s\nstdout: %s\nstderr: %s", stdout.String(), stderr.String())
		}
		if _, after, ok := strings.Cut(stdout.String(), "running at "); ok {
			url, _, _ = strings.Cut(after, " ")
		}
		time.Sleep(10 * time.Millisecond)
	}
	resp, err := http.Get(url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/healthz = %d", resp.StatusCode)
	}
	tok, err := os.ReadFile(filepath.Join(data, "operator-token"))
	if err != nil {
		t.Fatal(err)
	}
	return &server{url: url, token: strings.TrimSpace(string(tok)), dataDir: data, out: stdout, errb: stderr}
}

func (s *server) do(t *testing.T, method, path, token string, body []byte) (int, []byte, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, s.url+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b, resp.Header
}

func randomBytes(t *testing.T, n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// TestServeContent is the walking skeleton end to end: POST content, then GET it
// back by CID, with the embedded store and with a real Kubo daemon.
func TestServeContent(t *testing.T) {
	kubo := kubotest.Start(t)
	stores := map[string]map[string]string{
		"embedded": nil,
		"kubo":     {"BANX_IPFS_API": kubo.API},
	}
	var cids = map[string]string{}
	payload := randomBytes(t, 300<<10)
	for name, environ := range stores {
		t.Run(name, func(t *testing.T) {
			s := startServe(t, environ)
			code, body, _ := s.do(t, "GET", "/healthz", "", nil)
			var health struct {
				Status string `json:"status"`
				Store  struct{ Kind, Status string }
				Ledger struct{ Kind, Status string }
			}
			if err := json.Unmarshal(body, &health); err != nil || code != 200 || health.Store.Kind != name || health.Store.Status != "ok" ||
				health.Ledger.Kind != "embedded" || health.Ledger.Status != "ok" {
				t.Fatalf("/healthz = %d %s", code, body)
			}

			code, body, _ = s.do(t, "POST", "/api/v1/content", s.token, payload)
			if code != http.StatusCreated {
				t.Fatalf("POST content = %d %s", code, body)
			}
			var added struct {
				CID    string `json:"cid"`
				SHA256 string `json:"sha256"`
				Size   int    `json:"size"`
			}
			if err := json.Unmarshal(body, &added); err != nil {
				t.Fatal(err)
			}
			if added.Size != len(payload) || len(added.SHA256) != 64 || !strings.HasPrefix(added.CID, "bafy") {
				t.Fatalf("added = %+v", added)
			}
			cids[name] = added.CID

			code, got, hdr := s.do(t, "GET", "/ipfs/"+added.CID, "", nil)
			if code != 200 || !bytes.Equal(got, payload) {
				t.Fatalf("GET /ipfs/%s = %d, %d bytes, equal=%v", added.CID, code, len(got), bytes.Equal(got, payload))
			}
			if hdr.Get("ETag") != `"`+added.CID+`"` || !strings.Contains(hdr.Get("Cache-Control"), "immutable") {
				t.Fatalf("headers = %v", hdr)
			}
			req, _ := http.NewRequest("GET", s.url+"/ipfs/"+added.CID, nil)
			req.Header.Set("If-None-Match", `"`+added.CID+`"`)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotModified {
				t.Fatalf("conditional GET = %d, want 304", resp.StatusCode)
			}
		})
	}
	if cids["embedded"] == "" || cids["embedded"] != cids["kubo"] {
		t.Fatalf("embedded CID %q != Kubo CID %q", cids["embedded"], cids["kubo"])
	}
}

// TestServeBadInput checks that each kind of bad request gets its own status and
// an error body naming the reason.
func TestServeBadInput(t *testing.T) {
	s := startServe(t, nil)
	html := []byte("<html><script>alert(1)</script></html>")
	code, body, _ := s.do(t, "POST", "/api/v1/content", s.token, html)
	if code != http.StatusCreated {
		t.Fatalf("POST = %d %s", code, body)
	}
	var added struct{ CID string }
	json.Unmarshal(body, &added)

	cases := []struct {
		name, method, path, token string
		body                      []byte
		status                    int
		code, reason              string
	}{
		{"ErrNoToken", "POST", "/api/v1/content", "", []byte("x"), 401, "unauthorized", "operator credentials required"},
		{"ErrWrongToken", "POST", "/api/v1/content", "not-the-token-at-all", []byte("x"), 401, "unauthorized", "not valid"},
		{"ErrTooLarge", "POST", "/api/v1/content", s.token, make([]byte, 12<<20), 413, "too_large", "larger than"},
		{"ErrMalformedCID", "GET", "/ipfs/not-a-cid", "", nil, 400, "invalid", "malformed CID"},
		{"ErrUnknownCID", "GET", "/ipfs/bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy", "", nil, 404, "not_found", ""},
		{"ErrNoRoute", "GET", "/nope", "", nil, 404, "not_found", "no route"},
		{"ErrMethod", "DELETE", "/healthz", "", nil, 405, "method_not_allowed", "not allowed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, body, hdr := s.do(t, tc.method, tc.path, tc.token, tc.body)
			var e struct {
				Error struct{ Code, Message, RequestID string } `json:"error"`
			}
			if err := json.Unmarshal(body, &e); err != nil {
				t.Fatalf("%d %s: not an error body: %v", code, body, err)
			}
			if code != tc.status || e.Error.Code != tc.code || !strings.Contains(e.Error.Message, tc.reason) {
				t.Fatalf("got %d %s, want %d %s containing %q", code, body, tc.status, tc.code, tc.reason)
			}
			if hdr.Get("X-Request-Id") == "" {
				t.Fatal("no X-Request-Id")
			}
		})
	}
	t.Run("OKActiveContentIsInert", func(t *testing.T) {
		code, got, hdr := s.do(t, "GET", "/ipfs/"+added.CID, "", nil)
		if code != 200 || !bytes.Equal(got, html) {
			t.Fatalf("GET = %d %q", code, got)
		}
		if ct := hdr.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
			t.Fatalf("HTML served as %q, want text/plain", ct)
		}
		if !strings.Contains(hdr.Get("Content-Security-Policy"), "sandbox") {
			t.Fatalf("CSP = %q", hdr.Get("Content-Security-Policy"))
		}
	})
}

// TestContentCLI adds a file with `banx content add` and reads it back with
// `banx content get`, against the embedded store in a data dir.
func TestContentCLI(t *testing.T) {
	data := t.TempDir()
	getenv := func(k string) string {
		if k == "BANX_DATA_DIR" {
			return data
		}
		return ""
	}
	in := filepath.Join(t.TempDir(), "in.bin")
	payload := randomBytes(t, 5000)
	os.WriteFile(in, payload, 0o600)
	var out bytes.Buffer
	if err := run(context.Background(), []string{"content", "add", in}, getenv, nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	var cid string
	fmt.Sscanf(out.String(), "cid %s", &cid)
	if !strings.HasPrefix(cid, "baf") {
		t.Fatalf("output %q has no CID", out.String())
	}
	var got bytes.Buffer
	if err := run(context.Background(), []string{"content", "get", cid}, getenv, nil, &got, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), payload) {
		t.Fatal("content get returned different bytes")
	}
	t.Run("ErrUnknownCommand", func(t *testing.T) {
		err := run(context.Background(), []string{"frobnicate"}, getenv, nil, io.Discard, io.Discard)
		if err == nil || exitCode(err) != 2 {
			t.Fatalf("err = %v (exit %d), want usage error", err, exitCode(err))
		}
	})
	t.Run("ErrMissingFile", func(t *testing.T) {
		err := run(context.Background(), []string{"content", "add", filepath.Join(data, "missing")}, getenv, nil, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "missing") {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestConfigValidate checks that every bad setting names itself and the reason.
func TestConfigValidate(t *testing.T) {
	cases := []struct {
		name, key, value, want string
	}{
		{"ErrAddr", "BANX_ADDR", "localhost", "addr (BANX_ADDR)"},
		{"ErrPort", "BANX_ADDR", "127.0.0.1:99999", "port"},
		{"ErrIPFS", "BANX_IPFS_API", "ftp://x", "ipfs-api (BANX_IPFS_API)"},
		{"ErrMultiaddr", "BANX_IPFS_API", "/ip4/127.0.0.1/udp/5001", "multiaddr"},
		{"ErrXRPL", "BANX_XRPL_URL", "gopher://x", "xrpl (BANX_XRPL_URL)"},
		{"ErrLogLevel", "BANX_LOG_LEVEL", "loud", "log-level"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			getenv := func(k string) string {
				switch k {
				case tc.key:
					return tc.value
				case "BANX_DATA_DIR":
					return t.TempDir()
				}
				return ""
			}
			err := run(context.Background(), []string{"serve"}, getenv, nil, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want mention of %q", err, tc.want)
			}
		})
	}
	t.Run("ErrTokenFileMode", func(t *testing.T) {
		data := t.TempDir()
		os.WriteFile(filepath.Join(data, "operator-token"), []byte("0123456789abcdef0123"), 0o644)
		getenv := func(k string) string {
			if k == "BANX_DATA_DIR" {
				return data
			}
			return ""
		}
		err := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0"}, getenv, nil, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "chmod 600") {
			t.Fatalf("err = %v, want refusal of a world-readable token file", err)
		}
	})
}
