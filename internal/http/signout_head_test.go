package http_test

import (
	"net/http"
	"strings"
	"testing"

	banxhttp "github.com/banxmedia/banx/internal/http"
)

// TestDashboardSignOut: the dashboard's Sign out form revokes the session on
// the server, clears the cookie and asks the browser to drop the site's storage
// (where the Publish page may keep the seed for the tab); a form from another
// site signs no one out.
func TestDashboardSignOut(t *testing.T) {
	s := startSecServer(t)
	_, token := s.author(t)
	post := func(origin string) *http.Response {
		req, err := http.NewRequest("POST", s.url+"/dashboard/signout", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.AddCookie(&http.Cookie{Name: banxhttp.SessionCookie, Value: token})
		req.Header.Set("Origin", origin)
		noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if code, _, page := s.send(t, "GET", "/dashboard", nil, "Cookie", token); code != 200 || !strings.Contains(page, `action="/dashboard/signout"`) {
		t.Fatalf("dashboard = %d: no Sign out form", code)
	}
	t.Run("ErrOtherOrigin", func(t *testing.T) {
		if resp := post("https://evil.example"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("cross-site sign-out = %d, want 403", resp.StatusCode)
		}
		if code, _, body := s.send(t, "GET", "/api/v1/auth/session", nil, "Authorization", "Bearer "+token); code != 200 {
			t.Fatalf("session after a refused cross-site sign-out = %d %s, want 200", code, body)
		}
	})
	t.Run("OK", func(t *testing.T) {
		resp := post(s.url)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/dashboard" {
			t.Fatalf("sign-out = %d to %q, want 303 to /dashboard", resp.StatusCode, resp.Header.Get("Location"))
		}
		if got := resp.Header.Get("Clear-Site-Data"); got != `"storage"` {
			t.Errorf("Clear-Site-Data %q, want \"storage\"", got)
		}
		if ck := resp.Header.Get("Set-Cookie"); !strings.Contains(ck, banxhttp.SessionCookie+"=;") || !strings.Contains(ck, "Max-Age=0") {
			t.Errorf("Set-Cookie %q does not clear the session cookie", ck)
		}
		if code, _, _ := s.send(t, "GET", "/api/v1/auth/session", nil, "Authorization", "Bearer "+token); code != 401 {
			t.Fatalf("session after sign-out = %d, want 401: the server must revoke it, not only the cookie", code)
		}
		if resp := post(s.url); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("signing out again = %d, want 303", resp.StatusCode)
		}
	})
}

// TestHeadWhereGet: every page and /healthz answer HEAD as they answer GET,
// with the same status and type and no body.
func TestHeadWhereGet(t *testing.T) {
	s := startSecServer(t)
	for _, path := range []string{"/", "/healthz", "/verify", "/authors/join", "/robots.txt", "/publish", "/a/999999"} {
		t.Run(path, func(t *testing.T) {
			gcode, gh, _ := s.send(t, "GET", path, nil)
			hcode, hh, body := s.send(t, "HEAD", path, nil)
			if hcode != gcode || hh.Get("Content-Type") != gh.Get("Content-Type") || body != "" {
				t.Fatalf("HEAD %s = %d %q body %d bytes; GET = %d %q", path, hcode, hh.Get("Content-Type"), len(body), gcode, gh.Get("Content-Type"))
			}
			if hcode == http.StatusMethodNotAllowed {
				t.Fatalf("HEAD %s is not allowed", path)
			}
		})
	}
}

// TestNotFoundPageForBrowsers: an unknown path answers a browser with the
// site's HTML "Not found" page, and API clients with the JSON error.
func TestNotFoundPageForBrowsers(t *testing.T) {
	s := startSecServer(t)
	code, h, body := s.send(t, "GET", "/no/such/page", nil, "Accept", "text/html,application/xhtml+xml")
	if code != 404 || !strings.HasPrefix(h.Get("Content-Type"), "text/html") || !strings.Contains(body, "Not found") ||
		!strings.Contains(body, "there is no page at /no/such/page") {
		t.Fatalf("browser GET unknown path = %d %s\n%s", code, h.Get("Content-Type"), body)
	}
	for _, path := range []string{"/no/such/page", "/api/v1/nothing"} {
		code, h, body := s.send(t, "GET", path, nil)
		if code != 404 || !strings.HasPrefix(h.Get("Content-Type"), "application/json") || !strings.Contains(body, `"not_found"`) {
			t.Fatalf("API GET %s = %d %s %s", path, code, h.Get("Content-Type"), body)
		}
	}
	if code, h, _ := s.send(t, "GET", "/api/v1/nothing", nil, "Accept", "text/html"); code != 404 || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
		t.Fatalf("an API path answers JSON even to a browser: %d %s", code, h.Get("Content-Type"))
	}
}
