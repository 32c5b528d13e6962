package http_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/auth"
	banxhttp "github.com/banxmedia/banx/internal/http"
	"github.com/banxmedia/banx/internal/ipfs/embedded"
	"github.com/banxmedia/banx/internal/payout"
	"github.com/banxmedia/banx/internal/publish"
	"github.com/banxmedia/banx/internal/publish/publishtest"
	"github.com/banxmedia/banx/internal/reward"
	"github.com/banxmedia/banx/internal/xrpl"
)

// authorOperatorToken is the operator token of startAuthorTools.
const authorOperatorToken = "operator-token-for-author-tests"

// startAuthorTools runs everything an author touches: sign-in, publishing,
// the pages (Publish, dashboard) and the reward preferences, on the real
// embedded ledger, a SQLite file and the embedded content store.
func startAuthorTools(t *testing.T) *pubAPI {
	t.Helper()
	ctx := publishtest.Context(t)
	l := publishtest.StartLedger(t)
	c := publishtest.Dial(t, l.URL, xrpl.WithAutoAccept())
	db := publishtest.OpenDB(t)
	store, err := embedded.Open(filepath.Join(t.TempDir(), "ipfs"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
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
	srv := &banxhttp.Server{Addr: "127.0.0.1:0", Store: store, DB: db, Ledger: pubLedger{c}, Logger: logger,
		OperatorTokenHash: sha256.Sum256([]byte(authorOperatorToken)),
		Auth:              &auth.Service{Store: db, Accounts: c, Domain: "banx.test"},
		Publish:           pub, Rewards: rewards, Site: &banxhttp.Site{ViewCounts: db}}
	if err := srv.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(context.Background()) })
	return &pubAPI{url: srv.URL(), srv: srv, client: c, db: db, spec: loadOpenAPI(t)}
}

// publishSelf publishes a manifest for w through the API, self-anchored, and
// returns the article id and its version 1.
func (a *pubAPI) publishSelf(t *testing.T, w *wallet.Wallet, token string, manifest []byte) (int64, map[string]any) {
	t.Helper()
	me := w.ClassicAddress.String()
	var d draftBody
	a.must(t, "POST", "/api/v1/drafts", "/api/v1/drafts", token, manifest, 201, &d)
	var p struct {
		UnsignedTx string `json:"unsigned_tx"`
	}
	a.must(t, "POST", "/api/v1/drafts/{id}/anchor", fmt.Sprintf("/api/v1/drafts/%d/anchor", d.ID), token, map[string]string{"mode": "self"}, 200, &p)
	var prev string
	var m struct{ Previous string }
	json.Unmarshal(manifest, &m)
	prev = m.Previous
	fields, err := publish.CheckUnsignedAnchor(p.UnsignedTx, me, anchor.SelfMemo(d.SHA256, d.CID, me, prev), 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	blob, _, err := w.Sign(fields)
	if err != nil {
		t.Fatal(err)
	}
	a.must(t, "POST", "/api/v1/drafts/{id}/submit", fmt.Sprintf("/api/v1/drafts/%d/submit", d.ID), token, map[string]string{"tx_blob": blob}, 202, nil)
	return d.ArticleID, a.waitPublished(t, d.ArticleID, d.Version)
}

// cookieRequest sends a browser-like request: the session cookie, and the
// Origin of this server unless origin says otherwise ("-" sends none).
func cookieRequest(t *testing.T, method, u, token, origin, contentType string, body io.Reader) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest(method, u, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.AddCookie(&http.Cookie{Name: banxhttp.SessionCookie, Value: token})
	}
	if origin != "-" {
		if origin == "" {
			p, _ := url.Parse(u)
			origin = p.Scheme + "://" + p.Host
		}
		req.Header.Set("Origin", origin)
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

// TestAuthorRewardSettingsAPI checks who may change an author's beneficiaries
// and rewards preference: the author from their own session, the operator,
// nobody else, and never a browser on another origin.
func TestAuthorRewardSettingsAPI(t *testing.T) {
	a := startAuthorTools(t)
	alice, bob, carol := publishtest.NewWallet(t), publishtest.NewWallet(t), publishtest.NewWallet(t)
	me, other, third := alice.ClassicAddress.String(), bob.ClassicAddress.String(), carol.ClassicAddress.String()
	token, bobToken := a.signIn(t, alice), a.signIn(t, bob)
	ben := func(author string) string { return "/api/v1/authors/" + author + "/beneficiaries" }
	rew := func(author string) string { return "/api/v1/authors/" + author + "/rewards" }
	const benRoute, rewRoute = "/api/v1/authors/{address}/beneficiaries", "/api/v1/authors/{address}/rewards"
	split := func(shares ...any) map[string]any {
		var out []map[string]any
		for i := 0; i+1 < len(shares); i += 2 {
			out = append(out, map[string]any{"account": shares[i], "basis_points": shares[i+1]})
		}
		if out == nil {
			out = []map[string]any{}
		}
		return map[string]any{"beneficiaries": out}
	}
	ok := []struct {
		name, route, path, token string
		body                     any
		want                     string
	}{
		{"OKSelfBeneficiaries", benRoute, ben(me), token, split(other, 6000, third, 4000), `"basis_points":6000`},
		{"OKSelfDecline", rewRoute, rew(me), token, map[string]bool{"declined": true}, `"declined":true`},
		{"OKSelfAccept", rewRoute, rew(me), token, map[string]bool{"declined": false}, `"declined":false`},
		{"OKOperatorForAnother", benRoute, ben(other), authorOperatorToken, split(third, 10000), `"basis_points":10000`},
		{"OKOperatorDecline", rewRoute, rew(third), authorOperatorToken, map[string]bool{"declined": true}, `"declined":true`},
		{"OKSelfPaidInFull", benRoute, ben(other), bobToken, split(), `{"beneficiaries":[],"warnings":[]}`},
	}
	for _, tc := range ok {
		t.Run(tc.name, func(t *testing.T) {
			r := a.must(t, "PUT", tc.route, tc.path, tc.token, tc.body, 200, nil)
			if !strings.Contains(string(r.body), tc.want) {
				t.Fatalf("PUT %s = %s, want %s", tc.path, r.body, tc.want)
			}
		})
	}
	refused := []struct {
		name, route, path, token string
		body                     any
		status                   int
		reason                   string
	}{
		{"ErrNotSignedIn", benRoute, ben(me), "", split(other, 10000), 401, "sign in first"},
		{"ErrBadToken", rewRoute, rew(me), "nope", map[string]bool{"declined": true}, 401, "not valid"},
		{"ErrOtherAuthorBeneficiaries", benRoute, ben(me), bobToken, split(other, 10000), 403,
			"signed in as " + other + ": an author may change only their own reward settings, not those of " + me},
		{"ErrOtherAuthorRewards", rewRoute, rew(me), bobToken, map[string]bool{"declined": true}, 403, "only their own reward settings"},
		{"ErrSharesSum", benRoute, ben(me), token, split(other, 6000, third, 3000), 400, "shares sum to 9000 basis points (90.00%), they must sum to exactly 10000 (100%)"},
		{"ErrShareAccount", benRoute, ben(me), token, split("rNotAnAddress", 10000), 400, "is not a classic XRPL address"},
		{"ErrDuplicate", benRoute, ben(me), token, split(other, 5000, other, 5000), 400, "appears twice"},
		{"ErrDeclinedMissing", rewRoute, rew(me), token, map[string]string{}, 400, "declined (true or false) is required"},
		{"ErrUnknownField", benRoute, ben(me), token, map[string]any{"beneficiaries": []any{}, "x": 1}, 400, "unknown field"},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			a.refused(t, "PUT", tc.route, tc.path, tc.token, tc.body, tc.status, tc.reason)
		})
	}
	t.Run("ErrCrossOriginCookie", func(t *testing.T) {
		code, _, body := cookieRequest(t, "PUT", a.url+rew(me), token, "https://evil.example", "application/json", strings.NewReader(`{"declined":true}`))
		if code != 403 || !strings.Contains(body, "cross-origin write refused") {
			t.Fatalf("cross-origin PUT = %d %s", code, body)
		}
	})
	t.Run("OKSameOriginCookie", func(t *testing.T) {
		code, _, body := cookieRequest(t, "PUT", a.url+rew(me), token, "", "application/json", strings.NewReader(`{"declined":false}`))
		if code != 200 {
			t.Fatalf("same-origin PUT = %d %s", code, body)
		}
	})
	// What was refused changed nothing: alice's split is the one she set.
	var got struct{ Beneficiaries []reward.Share }
	a.must(t, "GET", benRoute, ben(me), "", nil, 200, &got)
	if len(got.Beneficiaries) != 2 || got.Beneficiaries[0].BasisPoints+got.Beneficiaries[1].BasisPoints != 10000 {
		t.Fatalf("alice's beneficiaries after the refusals = %+v", got.Beneficiaries)
	}
}

// TestDashboardRewardSettings drives the dashboard's beneficiaries and
// rewards forms as a browser would: saved settings show on the dashboard,
// refusals come back with their reason and the rows as typed, and forms from
// another origin or without a session are refused.
func TestDashboardRewardSettings(t *testing.T) {
	a := startAuthorTools(t)
	alice, bob, carol := publishtest.NewWallet(t), publishtest.NewWallet(t), publishtest.NewWallet(t)
	me, other, third := alice.ClassicAddress.String(), bob.ClassicAddress.String(), carol.ClassicAddress.String()
	token := a.signIn(t, alice)
	post := func(t *testing.T, path, token, origin string, form url.Values) (int, http.Header, string) {
		return cookieRequest(t, "POST", a.url+path, token, origin, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	}
	rows := func(pairs ...string) url.Values {
		f := url.Values{}
		for i := 0; i+1 < len(pairs); i += 2 {
			f.Add("account", pairs[i])
			f.Add("percent", pairs[i+1])
		}
		return f
	}
	tests := []struct {
		name, path, token, origin string
		form                      url.Values
		status                    int
		want                      []string
	}{
		{"ErrSum", "/dashboard/beneficiaries", token, "", rows(other, "60", third, "30", "", ""), 400,
			[]string{"The shares add up to 90 %: they must add up to exactly 100 %.", `value="` + other + `"`, `value="30"`}},
		{"ErrPercent", "/dashboard/beneficiaries", token, "", rows(other, "12.345", third, "87.655"), 400, []string{"Row 1: the share &#34;12.345&#34; is not a percentage like 50 or 12.5 (at most two decimals)"}},
		{"ErrMissingAccount", "/dashboard/beneficiaries", token, "", rows("", "100"), 400, []string{"Row 1: the account is missing for 100 %."}},
		{"ErrBadAddress", "/dashboard/beneficiaries", token, "", rows("rNOTANADDRESS", "100"), 400,
			[]string{"Row 1: &#34;rNOTANADDRESS&#34; is not an XRP Ledger account address", `aria-label="Account 1"`, `aria-label="Share of account 1 in percent"`}},
		{"ErrBadAddressRow2", "/dashboard/beneficiaries", token, "", rows(other, "50", "", "", "rNOTANADDRESS", "50"), 400, []string{"Row 2: &#34;rNOTANADDRESS&#34;"}},
		{"ErrTwice", "/dashboard/beneficiaries", token, "", rows(other, "50", other, "50"), 400, []string{"Row 2: " + other + " is already in row 1"}},
		{"ErrZeroShare", "/dashboard/beneficiaries", token, "", rows(other, "0", third, "100"), 400, []string{"Row 1: the share 0 % must be from 0.01 to 100."}},
		{"ErrRowsMismatch", "/dashboard/beneficiaries", token, "", url.Values{"account": {other}}, 400, []string{"The form sent 1 accounts and 0 percentages"}},
		{"ErrDeclinedValue", "/dashboard/rewards", token, "", url.Values{"declined": {"maybe"}}, 400, []string{"declined must be true or false"}},
		{"ErrCrossOrigin", "/dashboard/beneficiaries", token, "https://evil.example", rows(other, "100"), 403, []string{"cross-origin requests are refused"}},
		{"ErrNoOrigin", "/dashboard/rewards", token, "-", url.Values{"declined": {"true"}}, 403, []string{"cross-origin requests are refused"}},
		{"ErrNotSignedIn", "/dashboard/beneficiaries", "", "", rows(other, "100"), 401, []string{"You are not signed in."}},
		{"OKSplit", "/dashboard/beneficiaries", token, "", rows(other, "66.67", third, "33.33", "", ""), 303, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, hdr, body := post(t, tc.path, tc.token, tc.origin, tc.form)
			if code != tc.status {
				t.Fatalf("POST %s = %d, want %d\n%s", tc.path, code, tc.status, body)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("answer lacks %q\n%s", w, body)
				}
			}
			for _, bad := range []string{"beneficiaries of r", "[0]", `aria-label="Account 0"`} {
				if strings.Contains(body, bad) {
					t.Errorf("answer has the technical %q", bad)
				}
			}
			if code == 303 && hdr.Get("Location") != "/dashboard?saved=beneficiaries#settings-h" {
				t.Errorf("Location = %q", hdr.Get("Location"))
			}
		})
	}
	var got struct{ Beneficiaries []reward.Share }
	a.must(t, "GET", "/api/v1/authors/{address}/beneficiaries", "/api/v1/authors/"+me+"/beneficiaries", "", nil, 200, &got)
	want := map[string]int{other: 6667, third: 3333}
	if len(got.Beneficiaries) != 2 || want[got.Beneficiaries[0].Account] != got.Beneficiaries[0].BasisPoints || want[got.Beneficiaries[1].Account] != got.Beneficiaries[1].BasisPoints {
		t.Fatalf("beneficiaries after the form = %+v, want %v", got.Beneficiaries, want)
	}
	t.Run("OKShownOnDashboard", func(t *testing.T) {
		code, _, body := cookieRequest(t, "GET", a.url+"/dashboard?saved=beneficiaries", token, "-", "", nil)
		for _, w := range []string{"Your beneficiaries are saved", `value="` + other + `"`, `value="66.67"`, `value="33.33"`, "Accepted."} {
			if code != 200 || !strings.Contains(body, w) {
				t.Errorf("dashboard (%d) lacks %q", code, w)
			}
		}
	})
	t.Run("OKDecline", func(t *testing.T) {
		code, hdr, body := post(t, "/dashboard/rewards", token, "", url.Values{"declined": {"true"}})
		if code != 303 || hdr.Get("Location") != "/dashboard?saved=rewards#settings-h" {
			t.Fatalf("decline = %d %s", code, body)
		}
		_, _, body = cookieRequest(t, "GET", a.url+"/dashboard", token, "-", "", nil)
		if !strings.Contains(body, "Declined: you are left out of the next plans") || !strings.Contains(body, `value="true" checked`) {
			t.Errorf("dashboard does not show the decline:\n%s", body)
		}
	})
	t.Run("OKPaidInFull", func(t *testing.T) {
		if code, _, body := post(t, "/dashboard/beneficiaries", token, "", rows("", "", "", "")); code != 303 {
			t.Fatalf("clear = %d %s", code, body)
		}
		a.must(t, "GET", "/api/v1/authors/{address}/beneficiaries", "/api/v1/authors/"+me+"/beneficiaries", "", nil, 200, &got)
		if len(got.Beneficiaries) != 0 {
			t.Fatalf("beneficiaries after clearing = %+v", got.Beneficiaries)
		}
	})
}
