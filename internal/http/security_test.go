package http_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/internal/auth"
	banxhttp "github.com/banxmedia/banx/internal/http"
	"github.com/banxmedia/banx/internal/ipfs/embedded"
	"github.com/banxmedia/banx/internal/metrics"
	"github.com/banxmedia/banx/internal/payout"
	"github.com/banxmedia/banx/internal/publish"
	"github.com/banxmedia/banx/internal/publish/publishtest"
	"github.com/banxmedia/banx/internal/reward"
	"github.com/banxmedia/banx/internal/sqlite"
	"github.com/banxmedia/banx/internal/views"
	"github.com/banxmedia/banx/internal/xrpl"
)

// The security review of issue #7: one test per control, each named after it.
// They run against one real server (secServer) with every part switched on:
// wallet sign-in on the embedded ledger, publishing, the pages, rewards, the
// view ledger and metrics, on a SQLite file and the embedded content store.

// secOperatorToken is the operator token of secServer.
const secOperatorToken = "operator-token-for-the-security-review-0123456789"

// secLog is the server's log, kept to check that no secret reaches it.
type secLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *secLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *secLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// secClock is the sign-in service's clock, moved by the expiry tests.
type secClock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *secClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

func (c *secClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.off += d
}

type secServer struct {
	*pubAPI
	srv   *banxhttp.Server
	log   *secLog
	clock *secClock
	dir   string
}

// secPolicy lets three beacons a minute from one network be recorded, so the
// per-network rate limit shows after a few requests.
func secPolicy() views.Policy {
	p := views.DefaultPolicy()
	p.Dwell = 0
	p.NetRate = views.Rate{Events: 3, Per: time.Minute}
	p.RecordRate = views.Rate{Events: 3, Per: time.Minute}
	return p
}

func startSecServer(t *testing.T) *secServer {
	t.Helper()
	ctx := publishtest.Context(t)
	l := publishtest.StartLedger(t)
	c := publishtest.Dial(t, l.URL, xrpl.WithAutoAccept())
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
	log := &secLog{}
	logger := slog.New(slog.NewJSONHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	pub := publish.New(db, store, c, publish.Config{Logger: logger})
	if err := pub.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pub.Close() })
	policy, err := reward.DefaultPolicy()
	if err != nil {
		t.Fatal(err)
	}
	rewards := &payout.Service{Store: db, Preferences: db, Planner: &payout.Planner{Store: db, Policy: policy, Network: "embedded",
		Now: func() time.Time { return time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC) }}}
	ledger, err := db.OpenViewLedger(ctx, sqlite.ViewLedgerConfig{Key: bytes.Repeat([]byte{9}, views.MinKeySize), Policy: secPolicy()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ledger.Close() })
	m := metrics.New(metrics.Config{Anchors: db.CountAnchorsByState, Versions: db.CountVersionsByStatus, Payouts: db.CountPayoutsByState, Logger: logger})
	clock := &secClock{}
	srv := &banxhttp.Server{Addr: "127.0.0.1:0", Store: store, DB: db, Ledger: pubLedger{c}, Logger: logger,
		OperatorTokenHash: sha256.Sum256([]byte(secOperatorToken)),
		Auth:              &auth.Service{Store: db, Accounts: c, Domain: "banx.test", Now: clock.Now},
		Publish:           pub, Rewards: rewards, Views: m.CountViews(ledger), Metrics: m, Site: &banxhttp.Site{ViewCounts: db},
		// httptest requests come from 192.0.2.1: a TLS-terminating proxy
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("192.0.2.1/32")}}
	if err := srv.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(context.Background()) })
	return &secServer{pubAPI: &pubAPI{url: srv.URL(), srv: srv, client: c, db: db, spec: loadOpenAPI(t)}, srv: srv, log: log, clock: clock, dir: dir}
}

// author is a funded wallet, signed in.
func (s *secServer) author(t *testing.T) (*wallet.Wallet, string) {
	t.Helper()
	w := publishtest.NewWallet(t)
	publishtest.Fund(t, publishtest.Context(t), s.client, w, 20_000_000)
	return w, s.signIn(t, w)
}

// send is one request with optional headers (name, value pairs).
func (s *secServer) send(t *testing.T, method, path string, body io.Reader, header ...string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, s.url+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i] == "Cookie" {
			req.AddCookie(&http.Cookie{Name: banxhttp.SessionCookie, Value: header[i+1]})
			continue
		}
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// challenge asks for a sign-in challenge for address.
func (s *secServer) challenge(t *testing.T, address string) string {
	t.Helper()
	var ch struct{ Message string }
	s.must(t, "POST", "/api/v1/auth/challenge", "/api/v1/auth/challenge", "", map[string]string{"address": address}, 201, &ch)
	return ch.Message
}

func (s *secServer) session(t *testing.T, message, pub, sig string) apiResponse {
	t.Helper()
	return s.call(t, "POST", "/api/v1/auth/session", "", map[string]string{"message": message, "public_key": pub, "signature": sig})
}

// TestAuthWalletSignatureSignIn: an author is signed in only by a signature,
// with the key of the challenged address, over the challenge exactly as the
// server issued it, once.
func TestAuthWalletSignatureSignIn(t *testing.T) {
	s := startSecServer(t)
	alice := publishtest.NewWallet(t)
	mallory := publishtest.NewWallet(t)
	for _, w := range []*wallet.Wallet{alice, mallory} {
		publishtest.Fund(t, publishtest.Context(t), s.client, w, 20_000_000)
	}
	t.Run("OK", func(t *testing.T) {
		msg := s.challenge(t, alice.ClassicAddress.String())
		pub, sig, err := auth.SignWith(msg, alice)
		if err != nil {
			t.Fatal(err)
		}
		if r := s.session(t, msg, pub, sig); r.status != 201 {
			t.Fatalf("sign-in = %d %s, want 201", r.status, r.body)
		}
	})
	refused := func(t *testing.T, msg, pub, sig string) {
		t.Helper()
		r := s.session(t, msg, pub, sig)
		if r.status != 401 && r.status != 400 {
			t.Fatalf("sign-in = %d %s, want 401 or 400", r.status, r.body)
		}
		if strings.Contains(string(r.body), `"token"`) || r.header.Get("Set-Cookie") != "" {
			t.Fatalf("a refused sign-in handed out a session: %s %v", r.body, r.header)
		}
	}
	t.Run("ErrOtherKey", func(t *testing.T) {
		msg := s.challenge(t, alice.ClassicAddress.String())
		pub, sig, _ := auth.SignWith(msg, mallory)
		refused(t, msg, pub, sig)
	})
	t.Run("ErrTamperedChallenge", func(t *testing.T) {
		msg := s.challenge(t, alice.ClassicAddress.String())
		forged := strings.Replace(msg, alice.ClassicAddress.String(), mallory.ClassicAddress.String(), 1)
		pub, sig, _ := auth.SignWith(forged, mallory)
		refused(t, forged, pub, sig)
	})
	t.Run("ErrBadSignature", func(t *testing.T) {
		msg := s.challenge(t, alice.ClassicAddress.String())
		pub, sig, _ := auth.SignWith(msg, alice)
		flipped := []byte(sig)
		flipped[10] ^= 1
		if flipped[10] > 'F' || flipped[10] < '0' || (flipped[10] > '9' && flipped[10] < 'A') {
			flipped[10] = '0'
		}
		refused(t, msg, pub, string(flipped))
	})
	t.Run("ErrReplayedChallenge", func(t *testing.T) {
		msg := s.challenge(t, alice.ClassicAddress.String())
		pub, sig, _ := auth.SignWith(msg, alice)
		if r := s.session(t, msg, pub, sig); r.status != 201 {
			t.Fatalf("first use = %d %s", r.status, r.body)
		}
		refused(t, msg, pub, sig)
	})
	t.Run("ErrExpiredChallenge", func(t *testing.T) {
		msg := s.challenge(t, alice.ClassicAddress.String())
		pub, sig, _ := auth.SignWith(msg, alice)
		s.clock.Add(auth.DefaultChallengeTTL + time.Second)
		defer s.clock.Add(-auth.DefaultChallengeTTL - time.Second)
		refused(t, msg, pub, sig)
	})
}

// TestAuthTokenExpiry: a session token stops working when its session
// expires, by the bearer header and by the cookie alike.
func TestAuthTokenExpiry(t *testing.T) {
	s := startSecServer(t)
	_, token := s.author(t)
	if code, _, body := s.send(t, "GET", "/api/v1/auth/session", nil, "Authorization", "Bearer "+token); code != 200 {
		t.Fatalf("live session = %d %s", code, body)
	}
	s.clock.Add(auth.DefaultSessionTTL + time.Second)
	for _, h := range [][]string{{"Authorization", "Bearer " + token}, {"Cookie", token}} {
		if code, _, body := s.send(t, "GET", "/api/v1/auth/session", nil, h...); code != 401 {
			t.Fatalf("expired session by %s = %d %s, want 401", h[0], code, body)
		}
		if code, _, _ := s.send(t, "POST", "/api/v1/drafts", strings.NewReader("{}"), h...); code != 401 {
			t.Fatalf("draft with an expired session by %s = %d, want 401", h[0], code)
		}
	}
}

// TestAuthRevokedSession: after sign-out the token is refused, and the
// response clears the cookie.
func TestAuthRevokedSession(t *testing.T) {
	s := startSecServer(t)
	_, token := s.author(t)
	code, h, body := s.send(t, "DELETE", "/api/v1/auth/session", nil, "Authorization", "Bearer "+token)
	if code != 204 {
		t.Fatalf("sign-out = %d %s", code, body)
	}
	if ck := h.Get("Set-Cookie"); !strings.Contains(ck, banxhttp.SessionCookie+"=;") || !strings.Contains(ck, "Max-Age=0") {
		t.Fatalf("sign-out Set-Cookie %q does not clear the session cookie", ck)
	}
	for _, hd := range [][]string{{"Authorization", "Bearer " + token}, {"Cookie", token}} {
		if code, _, body := s.send(t, "GET", "/api/v1/auth/session", nil, hd...); code != 401 {
			t.Fatalf("revoked session by %s = %d %s, want 401", hd[0], code, body)
		}
	}
	if code, _, _ := s.send(t, "DELETE", "/api/v1/auth/session", nil, "Authorization", "Bearer "+token); code != 401 {
		t.Fatalf("second sign-out = %d, want 401", code)
	}
}

// TestSessionCookieFlags: the author session cookie is HttpOnly,
// SameSite=Strict, Path=/, and Secure exactly when the request came over TLS;
// the operator's is HttpOnly, SameSite=Strict and scoped to /operator.
func TestSessionCookieFlags(t *testing.T) {
	s := startSecServer(t)
	w := publishtest.NewWallet(t)
	publishtest.Fund(t, publishtest.Context(t), s.client, w, 20_000_000)
	signIn := func(t *testing.T, overTLS bool, viaProxy bool) *http.Cookie {
		t.Helper()
		msg := s.challenge(t, w.ClassicAddress.String())
		pub, sig, err := auth.SignWith(msg, w)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := json.Marshal(map[string]string{"message": msg, "public_key": pub, "signature": sig})
		req := httptest.NewRequest("POST", "https://banx.test/api/v1/auth/session", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		switch {
		case !overTLS:
			req.TLS = nil
		case viaProxy:
			req.TLS = nil
			req.Header.Set("X-Forwarded-Proto", "https")
		default:
			req.TLS = &tls.ConnectionState{HandshakeComplete: true}
		}
		rec := httptest.NewRecorder()
		s.srv.Handler().ServeHTTP(rec, req)
		if rec.Code != 201 {
			t.Fatalf("sign-in = %d %s", rec.Code, rec.Body)
		}
		if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
			t.Fatalf("sign-in response Cache-Control %q, want no-store: it carries the token", cc)
		}
		for _, c := range rec.Result().Cookies() {
			if c.Name == banxhttp.SessionCookie {
				return c
			}
		}
		t.Fatalf("no %s cookie in %v", banxhttp.SessionCookie, rec.Header())
		return nil
	}
	for _, overTLS := range []bool{false, true} {
		t.Run(fmt.Sprintf("OKTLS=%v", overTLS), func(t *testing.T) {
			c := signIn(t, overTLS, false)
			if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" || c.Secure != overTLS || c.MaxAge <= 0 {
				t.Fatalf("cookie %+v: want HttpOnly, SameSite=Strict, Path=/, Secure=%v, a positive Max-Age", c, overTLS)
			}
		})
	}
	t.Run("OKBehindTLSProxy", func(t *testing.T) {
		if c := signIn(t, true, true); !c.Secure {
			t.Fatalf("cookie %+v over a trusted proxy's TLS: want Secure", c)
		}
	})
	t.Run("OKOperatorCookie", func(t *testing.T) {
		form := url.Values{"token": {secOperatorToken}}
		req, _ := http.NewRequest("POST", s.url+"/operator/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", s.url)
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		var op *http.Cookie
		for _, c := range resp.Cookies() {
			if c.Name == banxhttp.OperatorCookie {
				op = c
			}
		}
		if op == nil || !op.HttpOnly || op.SameSite != http.SameSiteStrictMode || op.Path != "/operator" || op.Secure {
			t.Fatalf("operator login %d: cookie %+v, want HttpOnly, SameSite=Strict, Path=/operator, not Secure over HTTP", resp.StatusCode, op)
		}
		if op.Value == secOperatorToken || strings.Contains(op.Value, secOperatorToken) {
			t.Fatal("the operator cookie carries the operator token itself")
		}
	})
}

// TestSessionBearerToken: the CLI's bearer token authenticates; a malformed
// or unknown one is refused with a WWW-Authenticate challenge; any other
// scheme is not read as a token.
func TestSessionBearerToken(t *testing.T) {
	s := startSecServer(t)
	w, token := s.author(t)
	var who struct{ Address string }
	r := s.must(t, "GET", "/api/v1/auth/session", "/api/v1/auth/session", token, nil, 200, &who)
	if who.Address != w.ClassicAddress.String() || strings.Contains(string(r.body), token) {
		t.Fatalf("session = %s, want %s and no token echoed", r.body, w.ClassicAddress)
	}
	for name, h := range map[string]string{
		"ErrUnknownToken": "Bearer " + strings.Repeat("a", len(token)),
		"ErrEmptyBearer":  "Bearer ",
		"ErrBasicScheme":  "Basic " + token,
	} {
		t.Run(name, func(t *testing.T) {
			code, hd, body := s.send(t, "GET", "/api/v1/auth/session", nil, "Authorization", h)
			if code != 401 || !strings.HasPrefix(hd.Get("WWW-Authenticate"), "Bearer") {
				t.Fatalf("%q = %d %s (WWW-Authenticate %q), want 401 with a Bearer challenge", h, code, body, hd.Get("WWW-Authenticate"))
			}
		})
	}
}

// TestSessionTokenStoredHashed: the database file holds a session's hash,
// never the token, and never the operator token.
func TestSessionTokenStoredHashed(t *testing.T) {
	s := startSecServer(t)
	_, token := s.author(t)
	s.send(t, "GET", "/metrics", nil, "Authorization", "Bearer "+secOperatorToken)
	sum := sha256.Sum256([]byte(token))
	var found bool
	var hashes []string
	raw, err := sql.Open("sqlite3", "file:"+filepath.Join(s.dir, "banx.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT token_hash FROM sessions`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var h string
		rows.Scan(&h)
		hashes = append(hashes, h)
		found = found || h == fmt.Sprintf("%x", sum)
	}
	rows.Close()
	if !found {
		t.Fatalf("sessions hold %v, want the SHA-256 of the token", hashes)
	}
	for _, f := range dbFiles(t, s.dir) {
		b, _ := os.ReadFile(f)
		for name, secret := range map[string]string{"session token": token, "operator token": secOperatorToken} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s holds the %s in clear", f, name)
			}
		}
	}
}

// dbFiles are the database file and its WAL and shared-memory files.
func dbFiles(t *testing.T, dir string) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "banx.db*"))
	if len(files) == 0 {
		t.Fatalf("no database file in %s", dir)
	}
	return files
}

// TestAccessControlOwnDrafts: an author reads, anchors and submits only their
// own drafts, and changes only their own reward settings.
func TestAccessControlOwnDrafts(t *testing.T) {
	s := startSecServer(t)
	alice, aliceToken := s.author(t)
	_, bobToken := s.author(t)
	me := alice.ClassicAddress.String()
	var d draftBody
	s.must(t, "POST", "/api/v1/drafts", "/api/v1/drafts", aliceToken, pubManifest(me, "Alice's draft", ""), 201, &d)
	draft := fmt.Sprintf("/api/v1/drafts/%d", d.ID)
	s.must(t, "GET", "/api/v1/drafts/{id}", draft, aliceToken, nil, 200, nil)
	for _, c := range []struct {
		method, path string
		body         any
	}{
		{"GET", draft, nil},
		{"POST", draft + "/anchor", map[string]string{"mode": "self"}},
		{"POST", draft + "/submit", map[string]string{"tx_blob": "1200"}},
	} {
		t.Run("ErrOther"+c.method+strings.ReplaceAll(strings.TrimPrefix(c.path, draft), "/", ""), func(t *testing.T) {
			r := s.call(t, c.method, c.path, bobToken, c.body)
			if r.status != 403 && r.status != 404 {
				t.Fatalf("%s %s by another author = %d %s, want 403 or 404", c.method, c.path, r.status, r.body)
			}
		})
	}
	t.Run("ErrOtherAuthorsDraftForMe", func(t *testing.T) {
		r := s.call(t, "POST", "/api/v1/drafts", bobToken, pubManifest(me, "In Alice's name", ""))
		if r.status == 201 {
			t.Fatalf("Bob created a draft naming Alice as author: %s", r.body)
		}
	})
	t.Run("ErrOtherAuthorsRewards", func(t *testing.T) {
		for _, p := range []string{"/api/v1/authors/" + me + "/beneficiaries", "/api/v1/authors/" + me + "/rewards"} {
			r := s.call(t, "PUT", p, bobToken, map[string]any{"beneficiaries": []any{}, "decline": true})
			if r.status != 403 {
				t.Fatalf("PUT %s by another author = %d %s, want 403", p, r.status, r.body)
			}
		}
	})
}

// TestAccessControlOperatorEndpoints: operator routes answer only to the
// operator token (kept as a hash, compared in constant time by the server);
// an author's session, a wrong token or none get 401.
func TestAccessControlOperatorEndpoints(t *testing.T) {
	s := startSecServer(t)
	_, authorToken := s.author(t)
	routes := []struct{ method, path string }{
		{"GET", "/metrics"},
		{"GET", "/api/v1/views/stats"},
		{"POST", "/api/v1/content"},
		{"POST", "/api/v1/payouts/1/plan"},
		{"POST", "/api/v1/payouts/1/run"},
	}
	for _, r := range routes {
		t.Run("Err"+r.method+r.path, func(t *testing.T) {
			for name, h := range map[string][]string{
				"none":          nil,
				"author":        {"Authorization", "Bearer " + authorToken},
				"wrong":         {"Authorization", "Bearer " + secOperatorToken + "x"},
				"author cookie": {"Cookie", authorToken},
			} {
				if code, _, body := s.send(t, r.method, r.path, nil, h...); code != 401 {
					t.Errorf("%s %s with %s credentials = %d %s, want 401", r.method, r.path, name, code, body)
				}
			}
			code, _, body := s.send(t, r.method, r.path, strings.NewReader(""), "Authorization", "Bearer "+secOperatorToken)
			if code == 401 || code == 403 {
				t.Errorf("%s %s with the operator token = %d %s", r.method, r.path, code, body)
			}
		})
	}
	t.Run("ErrOperatorPagesWithoutSession", func(t *testing.T) {
		code, _, body := s.send(t, "GET", "/operator", nil, "Authorization", "Bearer "+authorToken)
		if code != 401 || strings.Contains(body, "Plan epoch") {
			t.Fatalf("GET /operator without an operator session = %d, want the sign-in form with 401", code)
		}
		for _, p := range []string{"/operator/plan", "/operator/run"} {
			if code, _, _ := s.send(t, "POST", p, strings.NewReader("epoch=1"), "Origin", s.url,
				"Content-Type", "application/x-www-form-urlencoded"); code != 401 && code != 403 {
				t.Errorf("POST %s without an operator session = %d, want 401 or 403", p, code)
			}
		}
	})
}

// TestCSRFCrossOriginWritesRejected: a write a browser sends from another
// origin (Sec-Fetch-Site, or Origin for older browsers) is refused with 403
// on the API and on every form, including sign-in (login CSRF); the same
// write from the server's own origin, or from a non-browser client, passes.
func TestCSRFCrossOriginWritesRejected(t *testing.T) {
	s := startSecServer(t)
	w, token := s.author(t)
	me := w.ClassicAddress.String()
	challenge, _ := json.Marshal(map[string]string{"address": me})
	api := func(t *testing.T, path string, body []byte, header ...string) int {
		t.Helper()
		code, _, _ := s.send(t, "POST", path, bytes.NewReader(body), append([]string{"Content-Type", "application/json"}, header...)...)
		return code
	}
	for name, h := range map[string][]string{
		"ErrForeignOrigin":     {"Origin", "https://evil.example"},
		"ErrSiblingPort":       {"Origin", strings.Replace(s.url, "127.0.0.1:", "127.0.0.1:1", 1)},
		"ErrNullOrigin":        {"Origin", "null"},
		"ErrSecFetchCrossSite": {"Sec-Fetch-Site", "cross-site"},
		"ErrSecFetchSameSite":  {"Sec-Fetch-Site", "same-site"},
	} {
		t.Run(name, func(t *testing.T) {
			if code := api(t, "/api/v1/auth/challenge", challenge, h...); code != 403 {
				t.Errorf("cross-origin sign-in challenge = %d, want 403", code)
			}
			if code := api(t, "/api/v1/drafts", pubManifest(me, "Forged", ""), append([]string{"Cookie", token}, h...)...); code != 403 {
				t.Errorf("cross-origin draft with the session cookie = %d, want 403", code)
			}
			for _, form := range []string{"/dashboard/beneficiaries", "/dashboard/rewards", "/operator/login", "/operator/plan", "/operator/run"} {
				code, _, _ := s.send(t, "POST", form, strings.NewReader("token="+secOperatorToken),
					append([]string{"Cookie", token, "Content-Type", "application/x-www-form-urlencoded"}, h...)...)
				if code != 403 {
					t.Errorf("cross-origin POST %s = %d, want 403", form, code)
				}
			}
		})
	}
	t.Run("ErrNonBearerAuthorization", func(t *testing.T) {
		// Only a bearer token is a credential a page cannot attach; any other
		// Authorization header must not exempt a cookie-borne write.
		code := api(t, "/api/v1/drafts", pubManifest(me, "Forged", ""), "Cookie", token, "Authorization", "Basic Zm9vOmJhcg==",
			"Origin", "https://evil.example")
		if code != 403 {
			t.Errorf("cross-origin draft with the cookie and a Basic header = %d, want 403", code)
		}
	})
	t.Run("OKSameOrigin", func(t *testing.T) {
		if code := api(t, "/api/v1/auth/challenge", challenge, "Origin", s.url, "Sec-Fetch-Site", "same-origin"); code != 201 {
			t.Errorf("same-origin challenge = %d, want 201", code)
		}
		if code := api(t, "/api/v1/drafts", pubManifest(me, "Mine", ""), "Cookie", token, "Origin", s.url); code != 201 {
			t.Errorf("same-origin draft = %d, want 201", code)
		}
	})
	t.Run("OKNotABrowser", func(t *testing.T) {
		if code := api(t, "/api/v1/drafts", pubManifest(me, "From the CLI", ""), "Authorization", "Bearer "+token); code != 201 {
			t.Errorf("bearer draft without Origin = %d, want 201", code)
		}
	})
}

// TestOutputEncodingXSS: author-controlled text (title, summary, tags, body)
// reaches the article, list and author pages inert. The body's sanitizer has
// its own corpus (internal/render/render_test.go xssCorpus, TestBodyXSS), the
// preview its own (internal/http/preview_test.go xssBody, OKXSSInert), and a
// real browser runs one (cmd/banx/browser_test.go xssArticle, OKXSSInert);
// this test puts the same kinds of payload through publishing to the pages.
func TestOutputEncodingXSS(t *testing.T) {
	s := startSecServer(t)
	w, token := s.author(t)
	me := w.ClassicAddress.String()
	m := map[string]any{"schema": "banx.manifest/1",
		"title":    `<script>alert("title")</script><img src=x onerror=alert(1)>`,
		"summary":  `"><svg onload=alert("summary")> javascript:alert(2)`,
		"body":     "<script>alert(\"body\")</script>\n\n<img src=x onerror=alert(3)>\n\n[link](javascript:alert(4))\n\n<iframe src=\"https://evil.example\"></iframe>",
		"category": "opinion", "language": "en", "author": me, "created": "2026-11-25T12:00:00Z",
		"tags": []string{"xss"}}
	manifest, _ := json.Marshal(m)
	id, _ := s.publishSelf(t, w, token, manifest)
	active := regexp.MustCompile(`(?i)<script>alert|<img[^>]*onerror|<svg[^>]*onload|href="javascript:|<iframe`)
	for _, p := range []string{fmt.Sprintf("/a/%d", id), "/", "/tag/xss", "/author/" + me, "/category/opinion"} {
		code, _, body := s.send(t, "GET", p, nil)
		if code != 200 {
			t.Fatalf("GET %s = %d", p, code)
		}
		if loc := active.FindStringIndex(body); loc != nil {
			t.Errorf("GET %s renders active content: %q", p, body[max(0, loc[0]-40):min(len(body), loc[1]+40)])
		}
		if p == fmt.Sprintf("/a/%d", id) && !strings.Contains(body, "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;") {
			t.Errorf("GET %s does not show the title as text", p)
		}
	}
}

// TestSecurityHeadersEveryPageType: every HTML page kind carries a
// Content-Security-Policy without 'unsafe-inline' or 'unsafe-eval' whose
// frame-ancestors is 'none', a Referrer-Policy and nosniff; every other
// response (JSON, static files, content, errors) carries nosniff, a
// Referrer-Policy and X-Frame-Options DENY; content from IPFS is sandboxed.
func TestSecurityHeadersEveryPageType(t *testing.T) {
	s := startSecServer(t)
	w, token := s.author(t)
	me := w.ClassicAddress.String()
	id, v1 := s.publishSelf(t, w, token, pubManifest(me, "Headers", ""))
	_, _, home := s.send(t, "GET", "/", nil)
	static := regexp.MustCompile(`/static/[A-Za-z0-9._-]+`).FindString(home)
	if static == "" {
		t.Fatal("the home page links no static asset")
	}
	cid, _ := v1["cid"].(string)
	pages := []string{"/", "/category/opinion", "/tag/banx", "/author/" + me, fmt.Sprintf("/a/%d", id), "/authors/join",
		"/verify", "/verify/" + v1["anchor_tx_hash"].(string), "/publish", "/dashboard", "/operator", "/a/999999"}
	for _, p := range pages {
		t.Run("OKPage"+p, func(t *testing.T) {
			code, h, _ := s.send(t, "GET", p, nil)
			if !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
				t.Fatalf("GET %s = %d %s, want an HTML page", p, code, h.Get("Content-Type"))
			}
			csp := h.Get("Content-Security-Policy")
			for _, want := range []string{"default-src", "script-src 'self'", "frame-ancestors 'none'", "base-uri"} {
				if !strings.Contains(csp, want) {
					t.Errorf("GET %s CSP %q lacks %q", p, csp, want)
				}
			}
			if !strings.HasPrefix(csp, "default-src 'none'") && !strings.Contains(csp, "object-src 'none'") {
				t.Errorf("GET %s CSP %q lets plugins (object-src) load", p, csp)
			}
			for _, bad := range []string{"'unsafe-inline'", "'unsafe-eval'", "*"} {
				if strings.Contains(csp, bad) {
					t.Errorf("GET %s CSP %q allows %s", p, csp, bad)
				}
			}
			checkCommonHeaders(t, p, h)
		})
	}
	others := []string{"/healthz", "/api/v1/articles", fmt.Sprintf("/api/v1/articles/%d", id), "/api/v1/no-such-route", "/no-such-page", static, "/robots.txt", "/ipfs/" + cid}
	for _, p := range others {
		t.Run("OKOther"+p, func(t *testing.T) {
			code, h, _ := s.send(t, "GET", p, nil)
			if code >= 500 {
				t.Fatalf("GET %s = %d", p, code)
			}
			checkCommonHeaders(t, p, h)
			if h.Get("X-Frame-Options") != "DENY" {
				t.Errorf("GET %s X-Frame-Options %q, want DENY", p, h.Get("X-Frame-Options"))
			}
			if strings.HasPrefix(p, "/ipfs/") {
				csp := h.Get("Content-Security-Policy")
				if !strings.Contains(csp, "sandbox") || !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
					t.Errorf("GET %s CSP %q, want a sandbox with default-src 'none' and no script source", p, csp)
				}
			}
		})
	}
}

func checkCommonHeaders(t *testing.T, path string, h http.Header) {
	t.Helper()
	if h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("GET %s X-Content-Type-Options %q, want nosniff", path, h.Get("X-Content-Type-Options"))
	}
	if rp := h.Get("Referrer-Policy"); rp != "strict-origin-when-cross-origin" && rp != "no-referrer" && rp != "same-origin" {
		t.Errorf("GET %s Referrer-Policy %q", path, rp)
	}
}

// TestRateLimits: an author's media uploads are limited per window (429 with
// Retry-After, checked before the body is read), and view beacons from one
// network beyond the record rate are refused without being recorded.
func TestRateLimits(t *testing.T) {
	s := startSecServer(t)
	_, token := s.author(t)
	t.Run("ErrMediaUploads", func(t *testing.T) {
		for i := range banxhttp.MediaUploadsPerWindow {
			if code, _, body := s.send(t, "POST", "/api/v1/media", strings.NewReader("not an image"), "Authorization", "Bearer "+token); code != 415 {
				t.Fatalf("upload %d = %d %s, want 415 (counted, refused)", i+1, code, body)
			}
		}
		code, h, body := s.send(t, "POST", "/api/v1/media", strings.NewReader("not an image"), "Authorization", "Bearer "+token)
		if code != 429 || h.Get("Retry-After") == "" {
			t.Fatalf("upload %d = %d %s (Retry-After %q), want 429 with Retry-After", banxhttp.MediaUploadsPerWindow+1, code, body, h.Get("Retry-After"))
		}
	})
	t.Run("ErrViewBeaconsPerNetwork", func(t *testing.T) {
		w, tok := s.author(t)
		id, _ := s.publishSelf(t, w, tok, pubManifest(w.ClassicAddress.String(), "Rated", ""))
		policy := secPolicy()
		var refused string
		for i := range policy.RecordRate.Events + 2 {
			jar, _ := cookiejar.New(nil)
			c := &http.Client{Jar: jar}
			resp, err := c.Get(fmt.Sprintf("%s/api/v1/articles/%d/view-token", s.url, id))
			if err != nil {
				t.Fatal(err)
			}
			var vt struct{ Token string }
			json.NewDecoder(resp.Body).Decode(&vt)
			resp.Body.Close()
			req, _ := http.NewRequest("POST", s.url+"/api/v1/views", strings.NewReader(vt.Token))
			req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
			req.Header.Set("User-Agent", firefox)
			resp, err = c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if i < policy.RecordRate.Events && resp.StatusCode != 201 {
				t.Fatalf("beacon %d = %d %s, want 201", i+1, resp.StatusCode, b)
			}
			if i >= policy.RecordRate.Events {
				if resp.StatusCode == 201 {
					t.Fatalf("beacon %d from one network over a rate of %d a minute was recorded", i+1, policy.RecordRate.Events)
				}
				refused = string(b)
			}
		}
		if !strings.Contains(refused, "too many") {
			t.Fatalf("the refusal %q does not say why", refused)
		}
	})
}

// TestSecretsNotLogged: a whole session (sign-in, bearer and cookie requests,
// sign-out, operator requests, a refused token) leaves no token, signature or
// operator token in the server's log, even at debug level. Seeds never reach
// the server; cmd/banx TestSecretsNeverLoggedOrStored checks the CLI and the
// server together.
func TestSecretsNotLogged(t *testing.T) {
	s := startSecServer(t)
	w := publishtest.NewWallet(t)
	publishtest.Fund(t, publishtest.Context(t), s.client, w, 20_000_000)
	msg := s.challenge(t, w.ClassicAddress.String())
	pub, sig, err := auth.SignWith(msg, w)
	if err != nil {
		t.Fatal(err)
	}
	r := s.session(t, msg, pub, sig)
	var sess struct{ Token string }
	json.Unmarshal(r.body, &sess)
	if r.status != 201 || sess.Token == "" {
		t.Fatalf("sign-in = %d %s", r.status, r.body)
	}
	s.send(t, "GET", "/api/v1/auth/session", nil, "Authorization", "Bearer "+sess.Token)
	s.send(t, "GET", "/dashboard", nil, "Cookie", sess.Token)
	s.send(t, "GET", "/api/v1/auth/session?token="+sess.Token, nil, "Authorization", "Bearer "+sess.Token+"x")
	s.send(t, "GET", "/metrics", nil, "Authorization", "Bearer "+secOperatorToken)
	s.send(t, "GET", "/metrics", nil, "Authorization", "Bearer "+secOperatorToken+"-wrong")
	s.send(t, "POST", "/operator/login", strings.NewReader("token="+secOperatorToken), "Origin", s.url, "Content-Type", "application/x-www-form-urlencoded")
	s.send(t, "DELETE", "/api/v1/auth/session", nil, "Authorization", "Bearer "+sess.Token)
	log := s.log.String()
	if !strings.Contains(log, `"route":"/api/v1/auth/session"`) {
		t.Fatalf("the log has no request lines, so it proves nothing:\n%s", log)
	}
	for name, secret := range map[string]string{"session token": sess.Token, "signature": sig, "operator token": secOperatorToken} {
		if strings.Contains(log, secret) {
			t.Errorf("the server log holds the %s", name)
		}
	}
}
