package http_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/auth"
	banxhttp "github.com/banxmedia/banx/internal/http"
	"github.com/banxmedia/banx/internal/ipfs/embedded"
	"github.com/banxmedia/banx/internal/publish"
	"github.com/banxmedia/banx/internal/sqlite"
	"github.com/banxmedia/banx/internal/verify"
)

// startLimitServer runs a real server with sign-in and verification routes,
// behind a trusted proxy on loopback so each request can name its client in
// X-Forwarded-For. The verifier's node is never reached: every bundle sent
// here is refused before.
func startLimitServer(t *testing.T, configure func(*banxhttp.Server)) string {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "banx.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	store, err := embedded.Open(filepath.Join(dir, "ipfs"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	node, err := verify.NewXRPLNode("http://127.0.0.1:1", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	srv := &banxhttp.Server{Addr: "127.0.0.1:0", Store: store, DB: db, Ledger: healthyLedger{},
		Logger:         slog.New(slog.NewTextHandler(io.Discard, nil)),
		Auth:           &auth.Service{Store: db, Domain: "banx.test"},
		Verifier:       verify.NewService(&verify.Verifier{Ledger: node}, 1),
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}
	if configure != nil {
		configure(srv)
	}
	if srv.Site != nil { // pages need Publish; nothing here reaches its ledger
		srv.Publish = publish.New(db, store, nil, publish.Config{Logger: srv.Logger})
	}
	if err := srv.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(context.Background()) })
	return srv.URL()
}

// postFrom posts body to path as if from client (through the trusted proxy).
func postFrom(t *testing.T, base, path, client, body string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest("POST", base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", client)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func TestNetworkRateLimits(t *testing.T) {
	base := startLimitServer(t, func(s *banxhttp.Server) {
		s.ChallengeLimit = banxhttp.RateLimit{Max: 3, Window: time.Hour}
		s.SignInLimit = banxhttp.RateLimit{Max: 2, Window: time.Hour}
		s.VerifyLimit = banxhttp.RateLimit{Max: 2, Window: time.Hour}
	})
	challenge := `{"address":"rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh"}`
	cases := []struct {
		name, path, client, body string
		times                    int // sent this many times, each answered status
		status                   int
		reason                   string
	}{
		{"OKChallenges", "/api/v1/auth/challenge", "198.51.100.7", challenge, 3, 201, ""},
		{"ErrChallengeOverLimit", "/api/v1/auth/challenge", "198.51.100.7", challenge, 1, 429,
			"too many sign-in challenges from network 198.51.100.0/24: at most 3 per 1h0m0s; try again in "},
		{"ErrChallengeSameNetwork", "/api/v1/auth/challenge", "198.51.100.250", challenge, 1, 429, "network 198.51.100.0/24"},
		{"OKChallengeOtherNetwork", "/api/v1/auth/challenge", "198.51.101.7", challenge, 3, 201, ""},
		{"OKChallengesIPv6", "/api/v1/auth/challenge", "2001:db8:1:2::1", challenge, 3, 201, ""},
		{"ErrChallengeSameIPv6Network", "/api/v1/auth/challenge", "2001:db8:1:ffff::9", challenge, 1, 429, "network 2001:db8:1::/48"},
		{"OKChallengeOtherIPv6Network", "/api/v1/auth/challenge", "2001:db8:2::1", challenge, 1, 201, ""},
		// Refused attempts count too: the limit is on what a network costs.
		{"OKSignInRefused", "/api/v1/auth/session", "198.51.100.7", `{}`, 2, 400, "sign-in message"},
		{"ErrSignInOverLimit", "/api/v1/auth/session", "198.51.100.7", `{}`, 1, 429,
			"too many sign-in attempts from network 198.51.100.0/24: at most 2 per 1h0m0s"},
		{"OKSignInOtherNetwork", "/api/v1/auth/session", "203.0.113.9", `{}`, 1, 400, "sign-in message"},
		{"OKVerifyRefused", "/api/v1/verify", "198.51.100.7", `{}`, 2, 400, "proof bundle"},
		{"ErrVerifyOverLimit", "/api/v1/verify", "198.51.100.7", `{}`, 1, 429,
			"too many verifications from network 198.51.100.0/24: at most 2 per 1h0m0s"},
		{"ErrVerifyPageSharesLimit", "/verify", "198.51.100.9", `{}`, 1, 429, "too many verifications"},
		{"OKVerifyOtherNetwork", "/api/v1/verify", "203.0.113.9", `{}`, 1, 400, "proof bundle"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for range tc.times {
				code, body, hdr := postFrom(t, base, tc.path, tc.client, tc.body)
				if code != tc.status || !strings.Contains(body, tc.reason) {
					t.Fatalf("POST %s from %s = %d %s, want %d containing %q", tc.path, tc.client, code, body, tc.status, tc.reason)
				}
				if code != 429 {
					continue
				}
				var e struct {
					Error struct{ Code, Message, RequestID string } `json:"error"`
				}
				if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error.Code != "too_many_requests" {
					t.Fatalf("not a too_many_requests error: %s", body)
				}
				if secs, err := strconv.Atoi(hdr.Get("Retry-After")); err != nil || secs < 1 || secs > 3600 {
					t.Errorf("Retry-After %q, want whole seconds within the window", hdr.Get("Retry-After"))
				}
				if !strings.Contains(e.Error.Message, "try again in "+hdr.Get("Retry-After")+" s") {
					t.Errorf("message %q does not match Retry-After %s", e.Error.Message, hdr.Get("Retry-After"))
				}
				if hdr.Get("X-Request-Id") == "" || hdr.Get("X-Content-Type-Options") != "nosniff" {
					t.Errorf("refusal without the usual headers: %v", hdr)
				}
			}
		})
	}
	t.Run("OKOtherRoutesUnlimited", func(t *testing.T) {
		resp, err := http.Get(base + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("GET /healthz = %d", resp.StatusCode)
		}
	})
}

// TestVerifyPageRateLimit: the verify page's refusal is a page, with the
// reason, the request id and Retry-After.
func TestVerifyPageRateLimit(t *testing.T) {
	base := startLimitServer(t, func(s *banxhttp.Server) {
		s.VerifyLimit = banxhttp.RateLimit{Max: 1, Window: time.Hour}
		s.Site = &banxhttp.Site{}
	})
	if code, body, _ := postFrom(t, base, "/verify", "198.51.100.7", "bundle=x"); code != 400 {
		t.Fatalf("first upload: %d %s", code, body)
	}
	code, body, hdr := postFrom(t, base, "/verify", "198.51.100.7", "bundle=x")
	if code != 429 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") || hdr.Get("Retry-After") == "" ||
		!strings.Contains(body, "<h1>Too many requests</h1>") ||
		!strings.Contains(body, "too many verifications from network 198.51.100.0/24: at most 1 per 1h0m0s; try again in ") ||
		!strings.Contains(body, hdr.Get("X-Request-Id")) {
		t.Fatalf("second upload: %d %v\n%s", code, hdr, body)
	}
}

// TestNetworkRateLimitOff: a negative Max turns a limit off.
func TestNetworkRateLimitOff(t *testing.T) {
	base := startLimitServer(t, func(s *banxhttp.Server) { s.SignInLimit = banxhttp.RateLimit{Max: -1} })
	for i := range 100 {
		if code, body, _ := postFrom(t, base, "/api/v1/auth/session", "198.51.100.7", `{}`); code != 400 {
			t.Fatalf("attempt %d: %d %s", i+1, code, body)
		}
	}
}

// TestBodyDeadline: a client trickling its body is cut off at the body
// deadline with a reason (300 ms, plus 1000 bytes at 64 KiB/s), and the
// server goes on serving.
func TestBodyDeadline(t *testing.T) {
	base := startLimitServer(t, func(s *banxhttp.Server) { s.BodyReadTimeout = 300 * time.Millisecond })
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/auth/challenge HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
	stop := make(chan struct{})
	defer close(stop)
	go func() { // one byte every 50 ms, until the server hangs up
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if _, err := conn.Write([]byte(" ")); err != nil {
					return
				}
			}
		}
	}()
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("no answer to a trickled body: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !bytes.Contains(body, []byte("the request body did not arrive within 315ms")) {
		t.Fatalf("trickled body: %d %s", resp.StatusCode, body)
	}
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("the connection stays open after the deadline (read: %v)", err)
	}
	t.Run("OKServerHealthy", func(t *testing.T) {
		code, body, _ := postFrom(t, base, "/api/v1/auth/challenge", "198.51.100.7", `{"address":"rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh"}`)
		if code != 201 {
			t.Fatalf("challenge after a trickler: %d %s", code, body)
		}
	})
}
