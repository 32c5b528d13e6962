package http_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/banxmedia/banx/internal/payout"
	"github.com/banxmedia/banx/internal/publish/publishtest"
	"github.com/banxmedia/banx/internal/reward"
)

// notOnLedger is a valid classic address that no test ever funds.
const notOnLedger = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe"

// TestBeneficiaryWarnings checks, on the real embedded ledger, that a split
// naming accounts that cannot receive BXE is saved all the same and that the
// API's answer and the dashboard after saving name each such account and why.
func TestBeneficiaryWarnings(t *testing.T) {
	m := startMinuteRewards(t)
	ctx := publishtest.Context(t)
	a1, a2 := m.dev.Authors[0], m.dev.Authors[1]
	token := m.signIn(t, devWallet(t, a1))
	bareW := publishtest.NewWallet(t)
	publishtest.Fund(t, ctx, m.client, bareW, 20_000_000)
	bare := bareW.ClassicAddress.String()
	const route = "/api/v1/authors/{address}/beneficiaries"
	path := "/api/v1/authors/" + a1.Address + "/beneficiaries"
	split := func(shares ...any) map[string]any {
		out := []map[string]any{}
		for i := 0; i+1 < len(shares); i += 2 {
			out = append(out, map[string]any{"account": shares[i], "basis_points": shares[i+1]})
		}
		return map[string]any{"beneficiaries": out}
	}

	api := []struct {
		name string
		body map[string]any
		want map[string]string // account -> part of its reason
	}{
		{"OKAllCanReceive", split(a1.Address, 6000, a2.Address, 4000), nil},
		{"OKPaidInFull", split(), nil},
		{"ErrNoTrustLine", split(a1.Address, 5000, bare, 5000), map[string]string{bare: bare + " has no trust line for BXE issued by r"}},
		{"ErrNotOnLedger", split(notOnLedger, 10000), map[string]string{notOnLedger: notOnLedger + " does not exist on the embedded ledger yet"}},
		{"ErrBoth", split(bare, 5000, notOnLedger, 2500, a2.Address, 2500), map[string]string{bare: "has no trust line", notOnLedger: "does not exist"}},
	}
	for _, tc := range api {
		t.Run("API/"+tc.name, func(t *testing.T) {
			var got struct {
				Beneficiaries []reward.Share
				Warnings      []payout.ReceiveProblem
			}
			r := m.must(t, "PUT", route, path, token, tc.body, 200, &got)
			if !strings.Contains(string(r.body), `"warnings":[`) {
				t.Fatalf("answer has no warnings array: %s", r.body)
			}
			if len(got.Beneficiaries) != len(tc.body["beneficiaries"].([]map[string]any)) {
				t.Fatalf("saved %+v, want the split as sent: the warnings must not stop the save", got.Beneficiaries)
			}
			if len(got.Warnings) != len(tc.want) {
				t.Fatalf("warnings = %+v, want %d", got.Warnings, len(tc.want))
			}
			for _, w := range got.Warnings {
				if part, ok := tc.want[w.Account]; !ok || !strings.Contains(w.Reason, part) {
					t.Errorf("warning %+v, want for %s a reason containing %q", w, w.Account, part)
				}
			}
		})
	}

	post := func(t *testing.T, form url.Values) {
		t.Helper()
		code, hdr, body := cookieRequest(t, "POST", m.url+"/dashboard/beneficiaries", token, "", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
		if code != 303 || hdr.Get("Location") != "/dashboard?saved=beneficiaries#settings-h" {
			t.Fatalf("save = %d %s %s", code, hdr.Get("Location"), body)
		}
	}
	dash := []struct {
		name          string
		form          url.Values
		want, notWant []string
	}{
		{"OKAllCanReceive", url.Values{"account": {a1.Address, a2.Address}, "percent": {"60", "40"}},
			[]string{"Your beneficiaries are saved: the next plans pay them."}, []string{`data-testid="beneficiary-warnings"`, "cannot receive BXE now"}},
		{"ErrCannotReceive", url.Values{"account": {bare, notOnLedger}, "percent": {"50", "50"}},
			[]string{"Your beneficiaries are saved, but not all of them can receive BXE now", `data-testid="beneficiary-warnings"`,
				bare + " has no trust line for BXE issued by r", notOnLedger + " does not exist on the embedded ledger yet",
				`value="` + bare + `"`, `value="` + notOnLedger + `"`}, nil},
	}
	for _, tc := range dash {
		t.Run("Dashboard/"+tc.name, func(t *testing.T) {
			post(t, tc.form)
			code, hdr, body := cookieRequest(t, "GET", m.url+"/dashboard?saved=beneficiaries", token, "-", "", nil)
			if code != 200 {
				t.Fatalf("dashboard = %d %s", code, body)
			}
			if csp := hdr.Get("Content-Security-Policy"); strings.Contains(csp, "unsafe-inline") {
				t.Errorf("CSP allows inline code: %s", csp)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("dashboard lacks %q", w)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(body, w) {
					t.Errorf("dashboard has %q", w)
				}
			}
		})
	}
}

// TestBeneficiaryWarningsUnchecked checks that a server whose ledger check
// cannot be made (no BXE token configured here) still saves the split and
// says the check could not be made, with no account named.
func TestBeneficiaryWarningsUnchecked(t *testing.T) {
	a := startAuthorTools(t)
	alice, bob := publishtest.NewWallet(t), publishtest.NewWallet(t)
	token := a.signIn(t, alice)
	me := alice.ClassicAddress.String()
	var got struct {
		Beneficiaries []reward.Share
		Warnings      []payout.ReceiveProblem
	}
	a.must(t, "PUT", "/api/v1/authors/{address}/beneficiaries", "/api/v1/authors/"+me+"/beneficiaries", token,
		map[string]any{"beneficiaries": []map[string]any{{"account": bob.ClassicAddress.String(), "basis_points": 10000}}}, 200, &got)
	if len(got.Beneficiaries) != 1 || len(got.Warnings) != 1 || got.Warnings[0].Account != "" ||
		!strings.Contains(got.Warnings[0].Reason, "could not be checked just now (the BXE token is not configured on this server)") {
		t.Fatalf("answer = %+v, want the split saved and one warning that the check could not be made", got)
	}
	code, _, body := cookieRequest(t, "GET", a.url+"/dashboard?saved=beneficiaries", token, "-", "", nil)
	if code != 200 || !strings.Contains(body, "Your beneficiaries are saved: the next plans pay them. Whether the beneficiaries can receive BXE could not be checked just now") {
		t.Fatalf("dashboard (%d) does not say the check could not be made", code)
	}
}
