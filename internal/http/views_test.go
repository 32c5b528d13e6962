package http_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/banx"
	banxhttp "github.com/banxmedia/banx/internal/http"
	"github.com/banxmedia/banx/internal/ipfs/embedded"
	"github.com/banxmedia/banx/internal/sqlite"
	"github.com/banxmedia/banx/internal/views"
)

const (
	author        = "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh"
	operatorToken = "operator-token-for-tests-0123456789"
	firefox       = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
)

// testClock is the ledger's clock; tests move it instead of sleeping.
// Benchmarks let it run with real time from where it stands.
type testClock struct {
	mu    sync.Mutex
	t     time.Time
	start time.Time // zero unless running
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.start.IsZero() {
		return c.t.Add(time.Since(c.start))
	}
	return c.t
}

// Run makes the clock follow real time from now on.
func (c *testClock) Run() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.start = time.Now()
}
func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// noLedger stands in for the XRP Ledger, which the view routes do not use.
type noLedger struct{}

func (noLedger) Kind() string                   { return "none" }
func (noLedger) Ping(ctx context.Context) error { return nil }

// viewServer is a real banx HTTP server on loopback, over a real SQLite file.
type viewServer struct {
	url     string
	db      *sqlite.DB
	ledger  *sqlite.ViewLedger
	clock   *testClock
	article int64 // published
	draft   int64 // not published
	policy  views.Policy
}

func startViewServer(t testing.TB, key []byte) *viewServer {
	t.Helper()
	return startViewServerWith(t, key, nil)
}

// startViewServerWith lets a test set server fields before it opens.
func startViewServerWith(t testing.TB, key []byte, configure func(*banxhttp.Server)) *viewServer {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "banx.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clock := &testClock{t: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	ledger, err := db.OpenViewLedger(ctx, sqlite.ViewLedgerConfig{Key: key, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ledger.Close() })
	store, err := embedded.Open(filepath.Join(dir, "ipfs"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	s := &viewServer{db: db, ledger: ledger, clock: clock, policy: ledger.Policy()}
	s.article = createArticle(t, db, "read-me", banx.StatusPublished)
	s.draft = createArticle(t, db, "not-yet", banx.StatusDraft)
	srv := &banxhttp.Server{Addr: "127.0.0.1:0", Store: store, DB: db, Ledger: noLedger{}, Views: ledger,
		Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)), OperatorTokenHash: sha256.Sum256([]byte(operatorToken))}
	if configure != nil {
		configure(srv)
	}
	if err := srv.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(context.Background()) })
	s.url = srv.URL()
	return s
}

func createArticle(t testing.TB, db *sqlite.DB, slug string, status banx.ArticleStatus) int64 {
	t.Helper()
	a := &banx.Article{Author: author, Slug: slug}
	sum := sha256.Sum256([]byte(slug))
	v := &banx.ArticleVersion{ManifestCID: "bafk" + slug, SHA256: fmt.Sprintf("%x", sum), Author: author, Title: slug, Status: status}
	if err := db.CreateArticle(context.Background(), a, v); err != nil {
		t.Fatal(err)
	}
	return a.ID
}

var testKey = bytes.Repeat([]byte{0x5a}, views.MinKeySize)

// browser is one reader's browser: its own cookie jar, User-Agent and source
// address. Every 127.x.y.z is loopback on Linux, so browsers on different /24s
// are really different peers to the server.
type browser struct {
	client *http.Client
	ua     string
}

func newBrowser(t testing.TB, localIP, ua string) *browser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(localIP)}}
	tr := &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 4}
	t.Cleanup(tr.CloseIdleConnections)
	return &browser{client: &http.Client{Jar: jar, Transport: tr}, ua: ua}
}

func (b *browser) do(t testing.TB, method, url, contentType string, body []byte, header ...string) (int, []byte, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("User-Agent", b.ua)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := b.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out, resp.Header
}

type tokenResponse struct {
	Token     string    `json:"token"`
	ArticleID int64     `json:"article_id"`
	IssuedAt  time.Time `json:"issued_at"`
	NotBefore time.Time `json:"not_before"`
	ExpiresAt time.Time `json:"expires_at"`
	DwellMS   int64     `json:"dwell_ms"`
	BeaconURL string    `json:"beacon_url"`
}

func (b *browser) token(t testing.TB, s *viewServer, article int64) string {
	t.Helper()
	code, body, _ := b.do(t, "GET", fmt.Sprintf("%s/api/v1/articles/%d/view-token", s.url, article), "", nil)
	var tok tokenResponse
	if code != http.StatusOK || json.Unmarshal(body, &tok) != nil || tok.Token == "" {
		t.Fatalf("view-token = %d %s", code, body)
	}
	return tok.Token
}

// beacon sends the token as navigator.sendBeacon(url, token) does.
func (b *browser) beacon(t testing.TB, s *viewServer, token string) {
	t.Helper()
	code, body, _ := b.do(t, "POST", s.url+"/api/v1/views", "text/plain;charset=UTF-8", []byte(token))
	if code != http.StatusCreated {
		t.Fatalf("beacon = %d %s", code, body)
	}
}

// read is one page view: fetch a token, stay for the dwell time, send the beacon.
func (b *browser) read(t testing.TB, s *viewServer, article int64) {
	t.Helper()
	tok := b.token(t, s, article)
	s.clock.Add(s.policy.Dwell)
	b.beacon(t, s, tok)
}

// reasons counts the recorded decisions by reason, straight from the table.
func (s *viewServer) reasons(t testing.TB) map[views.Reason]int {
	t.Helper()
	out := map[views.Reason]int{}
	var after int64
	for {
		recs, err := s.db.ListViews(context.Background(), after, 10000)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) == 0 {
			return out
		}
		for _, r := range recs {
			if r.Counted != (r.Reason == views.Counted) {
				t.Fatalf("record %+v", r)
			}
			out[r.Reason]++
			after = r.ID
		}
	}
}

func TestViewOneReaderRefreshing(t *testing.T) {
	s := startViewServer(t, testKey)
	b := newBrowser(t, "127.0.0.1", firefox)
	for i := 0; i < 1000; i++ {
		b.read(t, s, s.article)
	}
	got := s.reasons(t)
	if got[views.Counted] != 1 || got[views.Duplicate] != 999 {
		t.Fatalf("1000 refreshes recorded %v, want 1 counted and 999 duplicates", got)
	}
}

func TestViewBotsCountZero(t *testing.T) {
	agents := []struct{ name, ua, hint string }{
		{"Googlebot", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", ""},
		{"curl", "curl/8.5.0", ""},
		{"python-requests", "python-requests/2.31.0", ""},
		{"HeadlessChrome", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36", ""},
		{"HeadlessClientHint", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", `"HeadlessChrome";v="131"`},
		{"PhantomJS", "Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) PhantomJS/2.1.1 Safari/538.1", ""},
	}
	for _, tc := range agents {
		t.Run(tc.name, func(t *testing.T) {
			s := startViewServer(t, testKey)
			b := newBrowser(t, "127.0.0.1", tc.ua)
			tok := b.token(t, s, s.article)
			s.clock.Add(s.policy.Dwell)
			code, body, _ := b.do(t, "POST", s.url+"/api/v1/views", "text/plain", []byte(tok), "Sec-CH-UA", tc.hint)
			if code != http.StatusCreated {
				t.Fatalf("beacon = %d %s", code, body)
			}
			if got := s.reasons(t); got[views.Counted] != 0 || got[views.Bot] != 1 {
				t.Fatalf("recorded %v, want one bot", got)
			}
		})
	}
	t.Run("Webdriver", func(t *testing.T) {
		s := startViewServer(t, testKey)
		b := newBrowser(t, "127.0.0.1", firefox)
		tok := b.token(t, s, s.article)
		s.clock.Add(s.policy.Dwell)
		code, body, _ := b.do(t, "POST", s.url+"/api/v1/views", "text/plain", []byte(`{"token":"`+tok+`","webdriver":true}`))
		if code != http.StatusCreated {
			t.Fatalf("beacon = %d %s", code, body)
		}
		if got := s.reasons(t); got[views.Bot] != 1 {
			t.Fatalf("recorded %v, want one bot", got)
		}
	})
}

// TestViewRingCapped is a ring of 100 cookie ids behind one /24 all reading one
// article: only NetArticleCap of them count. A reader elsewhere still counts.
func TestViewRingCapped(t *testing.T) {
	s := startViewServer(t, testKey)
	for i := 0; i < 100; i++ {
		newBrowser(t, fmt.Sprintf("127.0.9.%d", 1+i%200), firefox).read(t, s, s.article)
	}
	newBrowser(t, "127.0.10.1", firefox).read(t, s, s.article)
	got := s.reasons(t)
	if got[views.Counted] != s.policy.NetArticleCap+1 || got[views.Capped] != 100-s.policy.NetArticleCap {
		t.Fatalf("ring recorded %v, want %d counted (cap + 1 elsewhere) and %d capped", got, s.policy.NetArticleCap+1, 100-s.policy.NetArticleCap)
	}
}

// TestViewBadTokens sends forged, expired, early, replayed and stolen tokens:
// none counts and each is recorded with its reason.
func TestViewBadTokens(t *testing.T) {
	forger, _ := views.NewKeys(bytes.Repeat([]byte{1}, views.MinKeySize))
	cases := []struct {
		name string
		send func(t *testing.T, s *viewServer, b *browser)
		want views.Reason
	}{
		{"Forged", func(t *testing.T, s *viewServer, b *browser) {
			tok := b.token(t, s, s.article) // sets the cookie
			raw := []byte(tok)
			// break the signature, keep the shape: another base64url letter
			if raw[len(raw)-2] == 'A' {
				raw[len(raw)-2] = 'B'
			} else {
				raw[len(raw)-2] = 'A'
			}
			if raw[len(raw)-2] == tok[len(tok)-2] {
				t.Fatal("no change")
			}
			s.clock.Add(s.policy.Dwell)
			b.beacon(t, s, string(raw))
		}, views.BadToken},
		{"ForgedOtherKey", func(t *testing.T, s *viewServer, b *browser) {
			b.token(t, s, s.article)
			tok, _, _ := forger.IssueToken(s.article, strings.Repeat("ab", 16), s.clock.Now().Add(-time.Minute))
			b.beacon(t, s, tok)
		}, views.BadToken},
		{"StolenFromOtherReader", func(t *testing.T, s *viewServer, b *browser) {
			tok := newBrowser(t, "127.0.0.1", firefox).token(t, s, s.article)
			b.token(t, s, s.article)
			s.clock.Add(s.policy.Dwell)
			b.beacon(t, s, tok)
		}, views.BadToken},
		{"NoCookie", func(t *testing.T, s *viewServer, b *browser) {
			tok := b.token(t, s, s.article)
			s.clock.Add(s.policy.Dwell)
			code, body, _ := (&browser{client: &http.Client{}, ua: firefox}).do(t, "POST", s.url+"/api/v1/views", "text/plain", []byte(tok))
			if code != http.StatusCreated {
				t.Fatalf("beacon = %d %s", code, body)
			}
		}, views.BadToken},
		{"Expired", func(t *testing.T, s *viewServer, b *browser) {
			tok := b.token(t, s, s.article)
			s.clock.Add(s.policy.TokenTTL + time.Second)
			b.beacon(t, s, tok)
		}, views.Expired},
		{"Early", func(t *testing.T, s *viewServer, b *browser) {
			tok := b.token(t, s, s.article)
			s.clock.Add(s.policy.Dwell - time.Second)
			b.beacon(t, s, tok)
		}, views.Early},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := startViewServer(t, testKey)
			tc.send(t, s, newBrowser(t, "127.0.0.1", firefox))
			if got := s.reasons(t); got[views.Counted] != 0 || got[tc.want] != 1 || len(got) != 1 {
				t.Fatalf("recorded %v, want one %s", got, tc.want)
			}
		})
	}
	t.Run("Replayed", func(t *testing.T) {
		s := startViewServer(t, testKey)
		b := newBrowser(t, "127.0.0.1", firefox)
		tok := b.token(t, s, s.article)
		s.clock.Add(s.policy.Dwell)
		b.beacon(t, s, tok)
		for i := 0; i < 5; i++ {
			s.clock.Add(time.Minute)
			b.beacon(t, s, tok)
		}
		if got := s.reasons(t); got[views.Counted] != 1 || got[views.Replayed] != 5 {
			t.Fatalf("recorded %v, want the first counted and 5 replays", got)
		}
	})
}

// TestViewBeaconBodies checks every body navigator.sendBeacon can send, and the
// refusals of bodies that carry no token.
func TestViewBeaconBodies(t *testing.T) {
	s := startViewServer(t, testKey)
	b := newBrowser(t, "127.0.0.1", firefox)
	ok := []struct {
		name, contentType string
		body              func(tok string) string
	}{
		{"TextPlain", "text/plain;charset=UTF-8", func(tok string) string { return tok + "\n" }},
		{"NoContentType", "", func(tok string) string { return tok }},
		{"JSON", "application/json", func(tok string) string { return `{"token":"` + tok + `"}` }},
		{"JSONAsText", "text/plain;charset=UTF-8", func(tok string) string { return `{"token":"` + tok + `"}` }},
		{"Form", "application/x-www-form-urlencoded", func(tok string) string { return "token=" + tok }},
	}
	for _, tc := range ok {
		t.Run("OK"+tc.name, func(t *testing.T) {
			tok := b.token(t, s, s.article)
			s.clock.Add(s.policy.Dwell)
			code, body, _ := b.do(t, "POST", s.url+"/api/v1/views", tc.contentType, []byte(tc.body(tok)))
			var rec struct {
				ID   int64  `json:"id"`
				Hash string `json:"hash"`
			}
			if code != http.StatusCreated || json.Unmarshal(body, &rec) != nil || rec.ID == 0 || len(rec.Hash) != 64 {
				t.Fatalf("beacon = %d %s", code, body)
			}
		})
	}
	bad := []struct {
		name, contentType, body string
		status                  int
		reason                  string
	}{
		{"ErrEmpty", "text/plain", "", 400, "empty"},
		{"ErrGarbage", "text/plain", "not a token", 400, "must be 103 characters"},
		{"ErrJSONNoToken", "application/json", `{"tok":"x"}`, 400, "malformed"},
		{"ErrJSONBroken", "application/json", `{"token":`, 400, "malformed"},
		{"ErrFormNoToken", "application/x-www-form-urlencoded", "a=b", 400, "beacon form has no"},
		{"ErrContentType", "image/png", "x", 400, "not supported"},
		{"ErrTooLarge", "text/plain", strings.Repeat("x", 2000), 413, "larger than"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			code, body, _ := b.do(t, "POST", s.url+"/api/v1/views", tc.contentType, []byte(tc.body))
			if code != tc.status || !strings.Contains(string(body), tc.reason) {
				t.Fatalf("got %d %s, want %d with %q", code, body, tc.status, tc.reason)
			}
		})
	}
	t.Run("ErrUnknownArticle", func(t *testing.T) {
		keys, _ := views.NewKeys(testKey)
		tok, _, _ := keys.IssueToken(999, strings.Repeat("ab", 16), s.clock.Now())
		code, body, _ := b.do(t, "POST", s.url+"/api/v1/views", "text/plain", []byte(tok))
		if code != http.StatusNotFound || !strings.Contains(string(body), "does not exist") {
			t.Fatalf("got %d %s", code, body)
		}
	})
}

func TestViewToken(t *testing.T) {
	s := startViewServer(t, testKey)
	b := newBrowser(t, "127.0.0.1", firefox)
	t.Run("OK", func(t *testing.T) {
		code, body, hdr := b.do(t, "GET", fmt.Sprintf("%s/api/v1/articles/%d/view-token", s.url, s.article), "", nil)
		var tok tokenResponse
		if code != 200 || json.Unmarshal(body, &tok) != nil {
			t.Fatalf("%d %s", code, body)
		}
		if tok.ArticleID != s.article || len(tok.Token) != views.TokenLen || tok.DwellMS != 10000 ||
			!tok.NotBefore.Equal(tok.IssuedAt.Add(10*time.Second)) || tok.BeaconURL != "/api/v1/views" {
			t.Fatalf("token = %+v", tok)
		}
		cookie := hdr.Get("Set-Cookie")
		for _, attr := range []string{"banx_reader=", "HttpOnly", "SameSite=Lax", "Path=/", "Max-Age="} {
			if !strings.Contains(cookie, attr) {
				t.Errorf("Set-Cookie %q lacks %s", cookie, attr)
			}
		}
		if strings.Contains(cookie, "Secure") {
			t.Errorf("Set-Cookie %q is Secure on plain HTTP", cookie)
		}
		if hdr.Get("Cache-Control") != "no-store" {
			t.Errorf("Cache-Control = %q", hdr.Get("Cache-Control"))
		}
		// The browser keeps its cookie: no new one on the next request.
		_, _, hdr = b.do(t, "GET", fmt.Sprintf("%s/api/v1/articles/%d/view-token", s.url, s.article), "", nil)
		if hdr.Get("Set-Cookie") != "" {
			t.Errorf("cookie set again: %q", hdr.Get("Set-Cookie"))
		}
	})
	cases := []struct {
		name, path string
		status     int
		reason     string
	}{
		{"ErrDraft", fmt.Sprintf("/api/v1/articles/%d/view-token", s.draft), 409, "no published version"},
		{"ErrUnknown", "/api/v1/articles/4242/view-token", 404, "does not exist"},
		{"ErrNotANumber", "/api/v1/articles/abc/view-token", 400, "not a positive integer"},
		{"ErrNegative", "/api/v1/articles/-3/view-token", 400, "not a positive integer"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, body, _ := b.do(t, "GET", s.url+tc.path, "", nil)
			if code != tc.status || !strings.Contains(string(body), tc.reason) {
				t.Fatalf("got %d %s, want %d with %q", code, body, tc.status, tc.reason)
			}
		})
	}
}

func TestViewStats(t *testing.T) {
	s := startViewServer(t, testKey)
	b := newBrowser(t, "127.0.0.1", firefox)
	b.read(t, s, s.article)
	b.read(t, s, s.article)
	newBrowser(t, "127.0.0.1", "curl/8.5.0").read(t, s, s.article)
	path := "/api/v1/views/stats?from=2026-11-01&to=2026-11-30"
	t.Run("ErrNoToken", func(t *testing.T) {
		if code, body, _ := b.do(t, "GET", s.url+path, "", nil); code != 401 {
			t.Fatalf("%d %s", code, body)
		}
	})
	t.Run("ErrBadDate", func(t *testing.T) {
		code, body, _ := b.do(t, "GET", s.url+"/api/v1/views/stats?from=yesterday", "", nil, "Authorization", "Bearer "+operatorToken)
		if code != 400 || !strings.Contains(string(body), "not a date") {
			t.Fatalf("%d %s", code, body)
		}
	})
	t.Run("OK", func(t *testing.T) {
		code, body, _ := b.do(t, "GET", s.url+path, "", nil, "Authorization", "Bearer "+operatorToken)
		var st views.Stats
		if code != 200 || json.Unmarshal(body, &st) != nil {
			t.Fatalf("%d %s", code, body)
		}
		if st.From != "2026-11-01" || st.To != "2026-11-30" || st.Records != 3 || len(st.Days) != 1 ||
			st.Days[0].Day != "2026-11-25" || st.Days[0].Counted != 1 || st.Days[0].Filtered != 2 ||
			st.Totals[views.Duplicate] != 1 || st.Totals[views.Bot] != 1 || st.Totals[views.Counted] != 1 {
			t.Fatalf("stats = %s", body)
		}
	})
}

// TestViewConcurrentBeacons sends 200 beacons at once over HTTP: every one is
// acknowledged, and the chain holds them all without gaps.
func TestViewConcurrentBeacons(t *testing.T) {
	s := startViewServer(t, testKey)
	const n = 200
	browsers := make([]*browser, n)
	toks := make([]string, n)
	for i := range browsers {
		browsers[i] = newBrowser(t, fmt.Sprintf("127.1.%d.1", i), firefox)
		toks[i] = browsers[i].token(t, s, s.article)
	}
	s.clock.Add(s.policy.Dwell)
	var wg sync.WaitGroup
	for i := range browsers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			browsers[i].beacon(t, s, toks[i])
		}()
	}
	wg.Wait()
	if got := s.reasons(t); got[views.Counted] != n {
		t.Fatalf("recorded %v, want %d counted", got, n)
	}
	a, err := s.db.AuditViews(context.Background())
	if err != nil || a.Break != nil || a.Records != n {
		t.Fatalf("audit = %v, %v", a, err)
	}
}

// TestViewNoRawIP reads from a distinctive address and greps the database files
// for it in text and binary form.
func TestViewNoRawIP(t *testing.T) {
	s := startViewServer(t, testKey)
	b := newBrowser(t, "127.23.45.67", firefox)
	for i := 0; i < 30; i++ {
		b.read(t, s, s.article)
	}
	if got := s.reasons(t); got[views.Counted] != 1 {
		t.Fatalf("recorded %v", got)
	}
	for _, suffix := range []string{"", "-wal"} {
		data, err := os.ReadFile(s.db.Path + suffix)
		if err != nil {
			t.Fatal(err)
		}
		for _, needle := range [][]byte{[]byte("127.23.45.67"), []byte("127.23.45"), {127, 23, 45, 67}} {
			if bytes.Contains(data, needle) {
				t.Errorf("%s contains %q", filepath.Base(s.db.Path+suffix), needle)
			}
		}
	}
}

// TestViewTrustedProxy checks whose word is taken for the reader's address: a
// trusted proxy's X-Forwarded-For, and nobody else's.
func TestViewTrustedProxy(t *testing.T) {
	keys, _ := views.NewKeys(testKey)
	proxy := func(srv *banxhttp.Server) { srv.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")} }
	lastNet := func(t *testing.T, s *viewServer) string {
		recs, err := s.db.ListViews(context.Background(), 0, 1000)
		if err != nil || len(recs) == 0 {
			t.Fatal(err)
		}
		return recs[len(recs)-1].NetHash
	}
	readVia := func(t *testing.T, s *viewServer, b *browser, xff string) {
		tok := b.token(t, s, s.article)
		s.clock.Add(s.policy.Dwell)
		code, body, _ := b.do(t, "POST", s.url+"/api/v1/views", "text/plain", []byte(tok), "X-Forwarded-For", xff)
		if code != http.StatusCreated {
			t.Fatalf("beacon = %d %s", code, body)
		}
	}
	t.Run("OKFromProxy", func(t *testing.T) {
		s := startViewServerWith(t, testKey, proxy)
		readVia(t, s, newBrowser(t, "127.0.0.1", firefox), "6.6.6.6, 203.0.113.5")
		if lastNet(t, s) != keys.NetHash(netip.MustParseAddr("203.0.113.5")) {
			t.Fatal("the reader was not counted in the network the proxy named")
		}
	})
	t.Run("OKChainOfProxies", func(t *testing.T) {
		s := startViewServerWith(t, testKey, func(srv *banxhttp.Server) {
			srv.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.0.0.0/8")}
		})
		readVia(t, s, newBrowser(t, "127.0.0.1", firefox), "203.0.113.5, 10.1.2.3")
		if lastNet(t, s) != keys.NetHash(netip.MustParseAddr("203.0.113.5")) {
			t.Fatal("the inner proxy's address was taken for the reader's")
		}
	})
	t.Run("ErrSpoofedByClient", func(t *testing.T) {
		s := startViewServerWith(t, testKey, proxy)
		readVia(t, s, newBrowser(t, "127.0.9.1", firefox), "203.0.113.5")
		if lastNet(t, s) != keys.NetHash(netip.MustParseAddr("127.0.9.1")) {
			t.Fatal("an untrusted peer chose its network with X-Forwarded-For")
		}
	})
	t.Run("ErrRingBehindProxyCapped", func(t *testing.T) {
		s := startViewServerWith(t, testKey, proxy)
		for i := 0; i < 60; i++ {
			readVia(t, s, newBrowser(t, "127.0.0.1", firefox), fmt.Sprintf("198.51.100.%d", i))
		}
		if got := s.reasons(t); got[views.Counted] != s.policy.NetArticleCap || got[views.Capped] != 60-s.policy.NetArticleCap {
			t.Fatalf("recorded %v", got)
		}
	})
	t.Run("OKSecureCookieBehindTLSProxy", func(t *testing.T) {
		s := startViewServerWith(t, testKey, proxy)
		_, _, hdr := newBrowser(t, "127.0.0.1", firefox).do(t, "GET", fmt.Sprintf("%s/api/v1/articles/%d/view-token", s.url, s.article), "", nil, "X-Forwarded-Proto", "https")
		if !strings.Contains(hdr.Get("Set-Cookie"), "Secure") {
			t.Fatalf("Set-Cookie %q is not Secure behind a TLS proxy", hdr.Get("Set-Cookie"))
		}
		_, _, hdr = newBrowser(t, "127.0.9.1", firefox).do(t, "GET", fmt.Sprintf("%s/api/v1/articles/%d/view-token", s.url, s.article), "", nil, "X-Forwarded-Proto", "https")
		if strings.Contains(hdr.Get("Set-Cookie"), "Secure") {
			t.Fatal("an untrusted peer's X-Forwarded-Proto was believed")
		}
	})
}

// TestViewBeaconHeaders sends the reader cookie and the proxy's addresses in
// the shapes browsers and proxies use besides the plain one: the cookie among
// others, quoted, after a malformed one of the same name, and X-Forwarded-For
// split over several header lines.
func TestViewBeaconHeaders(t *testing.T) {
	keys, _ := views.NewKeys(testKey)
	send := func(t *testing.T, s *viewServer, cookies []string, xff []string) views.Record {
		t.Helper()
		id := views.NewReaderID()
		tok, _, err := keys.IssueToken(s.article, keys.ReaderHash(id), s.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		s.clock.Add(s.policy.Dwell)
		req, _ := http.NewRequest("POST", s.url+"/api/v1/views", strings.NewReader(tok))
		req.Header.Set("User-Agent", firefox)
		for _, c := range cookies {
			req.Header.Add("Cookie", strings.ReplaceAll(c, "ID", id))
		}
		for _, x := range xff {
			req.Header.Add("X-Forwarded-For", x)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("beacon = %d %s", resp.StatusCode, body)
		}
		recs, err := s.db.ListViews(context.Background(), 0, 1000)
		if err != nil || len(recs) == 0 {
			t.Fatal(err)
		}
		return *recs[len(recs)-1]
	}
	cookies := []struct {
		name    string
		cookies []string
		reason  views.Reason
	}{
		{"OKAmongOthers", []string{"theme=dark; banx_reader=ID; lang=en"}, views.Counted},
		{"OKQuoted", []string{`banx_reader="ID"`}, views.Counted},
		{"OKSecondLine", []string{"theme=dark", "banx_reader=ID"}, views.Counted},
		{"OKAfterInvalidBytes", []string{`banx_reader=a\b; banx_reader=ID`}, views.Counted},
		{"ErrOtherName", []string{"banx_reader2=ID"}, views.BadToken},
		{"ErrFirstWins", []string{"banx_reader=AAAAAAAAAAAAAAAAAAAAAA; banx_reader=ID"}, views.BadToken},
	}
	for _, tc := range cookies {
		t.Run("Cookie"+tc.name, func(t *testing.T) {
			s := startViewServer(t, testKey)
			if r := send(t, s, tc.cookies, nil); r.Reason != tc.reason {
				t.Fatalf("recorded %s, want %s", r.Reason, tc.reason)
			}
		})
	}
	chain := func(srv *banxhttp.Server) {
		srv.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.0.0.0/8")}
	}
	proxies := []struct {
		name string
		xff  []string
		want string
	}{
		{"OKTwoLines", []string{"6.6.6.6, 203.0.113.5", "10.1.2.3"}, "203.0.113.5"},
		{"OKAllTrustedLastLine", []string{"203.0.113.5", "10.1.2.3, 10.4.5.6"}, "203.0.113.5"},
		{"ErrEmptyHopEnds", []string{"203.0.113.5", ",10.1.2.3"}, "10.1.2.3"},
		{"ErrMalformedEnds", []string{"203.0.113.5, nonsense, 10.1.2.3"}, "10.1.2.3"},
	}
	for _, tc := range proxies {
		t.Run("Proxy"+tc.name, func(t *testing.T) {
			s := startViewServerWith(t, testKey, chain)
			if r := send(t, s, []string{"banx_reader=ID"}, tc.xff); r.NetHash != keys.NetHash(netip.MustParseAddr(tc.want)) {
				t.Fatalf("the reader was counted in another network than %s's", tc.want)
			}
		})
	}
}
