package http_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/banxmedia/banx/internal/auth"
	banxhttp "github.com/banxmedia/banx/internal/http"
	"github.com/banxmedia/banx/internal/ipfs/embedded"
	"github.com/banxmedia/banx/internal/publish"
	"github.com/banxmedia/banx/internal/publish/publishtest"
	"github.com/banxmedia/banx/internal/xrpl"
)

const dashOperatorToken = "operator-token-for-dashboard-tests"

// startDashboards runs the pages with author sign-in on the real embedded
// ledger, database and content store; rewards and views are off, which the
// dashboards must say rather than fail.
func startDashboards(t *testing.T) (string, *xrpl.Client) {
	t.Helper()
	l := publishtest.StartLedger(t)
	c := publishtest.Dial(t, l.URL, xrpl.WithAutoAccept())
	db := publishtest.OpenDB(t)
	store, err := embedded.Open(filepath.Join(t.TempDir(), "ipfs"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := &banxhttp.Server{Addr: "127.0.0.1:0", Store: store, DB: db, Ledger: pubLedger{c}, Logger: logger,
		OperatorTokenHash: sha256.Sum256([]byte(dashOperatorToken)),
		Auth:              &auth.Service{Store: db, Accounts: c, Domain: "banx.test"},
		Publish:           publish.New(db, store, c, publish.Config{Logger: logger}), Site: &banxhttp.Site{ViewCounts: db}}
	if err := srv.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(context.Background()) })
	return srv.URL(), c
}

// send makes one request without following redirects.
func send(t *testing.T, method, u string, form url.Values, header ...string) (int, http.Header, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, u, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	cl := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := cl.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// TestOperatorPages checks the operator sign-in and the refusals that keep
// the dashboard's forms from being used by anyone else or from another origin.
func TestOperatorPages(t *testing.T) {
	base, _ := startDashboards(t)
	origin := "Origin"
	login := func(token string, header ...string) (int, http.Header, string) {
		return send(t, "POST", base+"/operator/login", url.Values{"token": {token}}, header...)
	}

	t.Run("OKSignIn", func(t *testing.T) {
		code, _, body := send(t, "GET", base+"/operator", nil)
		if code != 401 || !strings.Contains(body, `action="/operator/login"`) {
			t.Fatalf("GET /operator signed out = %d, want 401 with the sign-in form:\n%s", code, body)
		}
		code, hdr, body := login(dashOperatorToken, origin, base)
		if code != 303 || hdr.Get("Location") != "/operator" {
			t.Fatalf("login = %d %s %s", code, hdr.Get("Location"), body)
		}
		ck := hdr.Get("Set-Cookie")
		for _, want := range []string{banxhttp.OperatorCookie + "=", "HttpOnly", "SameSite=Strict", "Path=/operator", "Max-Age=28800"} {
			if !strings.Contains(ck, want) {
				t.Errorf("Set-Cookie %q lacks %q", ck, want)
			}
		}
		if strings.Contains(ck, dashOperatorToken) {
			t.Fatal("the cookie carries the operator token itself")
		}
		cookie := strings.SplitN(ck, ";", 2)[0]
		code, hdr, body = send(t, "GET", base+"/operator", nil, "Cookie", cookie)
		if code != 200 || !strings.Contains(body, "<h1>Operator dashboard</h1>") || !strings.Contains(hdr.Get("Content-Security-Policy"), "script-src 'self'") {
			t.Fatalf("GET /operator signed in = %d:\n%s", code, body)
		}
		if !strings.Contains(body, "Rewards are not configured") || !strings.Contains(body, "view ledger is not enabled") {
			t.Error("a server without rewards or views should say so on the dashboard")
		}

		// Cross-origin and unsigned writes are refused even with the cookie.
		for _, tc := range []struct {
			name   string
			header []string
			status int
			want   string
		}{
			{"ErrCrossOrigin", []string{"Cookie", cookie, origin, "http://evil.example"}, 403, "cross-origin requests are refused"},
			{"ErrNoOrigin", []string{"Cookie", cookie}, 403, "cross-origin requests are refused"},
			{"ErrOtherPort", []string{"Cookie", cookie, origin, strings.Replace(base, "127.0.0.1:", "127.0.0.1:1", 1)}, 403, "cross-origin"},
			{"ErrNoSession", []string{origin, base}, 401, "Sign in as the operator first."},
			{"ErrForgedSession", []string{"Cookie", banxhttp.OperatorCookie + "=" + strings.Repeat("ab", 32), origin, base}, 401, "Sign in as the operator first."},
		} {
			t.Run(tc.name, func(t *testing.T) {
				for _, path := range []string{"/operator/plan", "/operator/run"} {
					code, _, body := send(t, "POST", base+path, url.Values{"epoch": {"3"}}, tc.header...)
					if code != tc.status || !strings.Contains(body, tc.want) {
						t.Fatalf("POST %s = %d, want %d with %q:\n%s", path, code, tc.status, tc.want, body)
					}
				}
			})
		}

		code, hdr, _ = send(t, "POST", base+"/operator/logout", url.Values{}, "Cookie", cookie, origin, base)
		if code != 303 || !strings.Contains(hdr.Get("Set-Cookie"), "Max-Age=0") {
			t.Fatalf("logout = %d %q", code, hdr.Get("Set-Cookie"))
		}
		if code, _, _ := send(t, "GET", base+"/operator", nil, "Cookie", cookie); code != 401 {
			t.Fatalf("GET /operator after sign-out = %d, want 401", code)
		}
	})

	for _, tc := range []struct {
		name, token string
		header      []string
		status      int
		want        string
	}{
		{"ErrWrongToken", "not-the-token", []string{origin, base}, 401, "That operator token is not valid."},
		{"ErrEmptyToken", "", []string{origin, base}, 401, "That operator token is not valid."},
		{"ErrLoginCrossOrigin", dashOperatorToken, []string{origin, "http://evil.example"}, 403, "cross-origin requests are refused"},
		{"ErrLoginNoOrigin", dashOperatorToken, nil, 403, "cross-origin requests are refused"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, hdr, body := login(tc.token, tc.header...)
			if code != tc.status || !strings.Contains(body, tc.want) || strings.Contains(hdr.Get("Set-Cookie"), banxhttp.OperatorCookie) {
				t.Fatalf("login = %d (cookie %q), want %d with %q:\n%s", code, hdr.Get("Set-Cookie"), tc.status, tc.want, body)
			}
		})
	}
}

// TestDashboardPage checks that the author dashboard needs a live session and
// shows a signed-in author's page.
func TestDashboardPage(t *testing.T) {
	base, c := startDashboards(t)
	t.Run("ErrNoCookie", func(t *testing.T) {
		code, _, body := send(t, "GET", base+"/dashboard", nil)
		if code != 401 || !strings.Contains(body, "You are not signed in.") || !strings.Contains(body, `href="/publish"`) {
			t.Fatalf("GET /dashboard = %d, want 401 with how to sign in:\n%s", code, body)
		}
	})
	t.Run("ErrBadCookie", func(t *testing.T) {
		code, _, body := send(t, "GET", base+"/dashboard", nil, "Cookie", banxhttp.SessionCookie+"=nope")
		if code != 401 || !strings.Contains(body, "expired or was ended") {
			t.Fatalf("GET /dashboard = %d:\n%s", code, body)
		}
	})
	t.Run("OK", func(t *testing.T) {
		ctx := publishtest.Context(t)
		w := publishtest.NewWallet(t)
		publishtest.Fund(t, ctx, c, w, 50_000_000)
		var ch struct{ Message string }
		code, _, body := sendJSON(t, base+"/api/v1/auth/challenge", map[string]string{"address": w.ClassicAddress.String()})
		if code != 201 || json.Unmarshal([]byte(body), &ch) != nil {
			t.Fatalf("challenge = %d %s", code, body)
		}
		pub, sig, err := auth.SignWith(ch.Message, w)
		if err != nil {
			t.Fatal(err)
		}
		code, hdr, body := sendJSON(t, base+"/api/v1/auth/session", map[string]string{"message": ch.Message, "public_key": pub, "signature": sig})
		if code != 201 {
			t.Fatalf("session = %d %s", code, body)
		}
		cookie := strings.SplitN(hdr.Get("Set-Cookie"), ";", 2)[0]
		code, _, body = send(t, "GET", base+"/dashboard", nil, "Cookie", cookie)
		if code != 200 || !strings.Contains(body, "<h1>Your dashboard</h1>") || !strings.Contains(body, w.ClassicAddress.String()) {
			t.Fatalf("GET /dashboard = %d:\n%s", code, body)
		}
		for _, want := range []string{`<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-stacked" id="author-views"`, `role="img"`,
			"You have no published articles yet.", "Rewards are not configured on this server."} {
			if !strings.Contains(body, want) {
				t.Errorf("dashboard lacks %q", want)
			}
		}
	})
}

func sendJSON(t *testing.T, u string, v any) (int, http.Header, string) {
	t.Helper()
	b, _ := json.Marshal(v)
	resp, err := http.Post(u, "application/json", strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(out)
}
