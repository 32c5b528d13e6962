package payout_test

import (
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"

	"github.com/Peersyst/xrpl-go/xrpl/transaction"
	"github.com/Peersyst/xrpl-go/xrpl/transaction/types"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/payout"
	"github.com/banxmedia/banx/internal/xrpl"
)

// TestReceiveProblems checks, on the real embedded ledger, which beneficiary
// accounts a BXE payment would not reach and that each reason names the
// account and what it must do.
func TestReceiveProblems(t *testing.T) {
	e := startEnv(t)
	ctx := testContext(t)
	trusting := e.dev.Authors[0].Address
	bare := e.fund(t, false).ClassicAddress.String()
	const missing = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe"

	// full trusts the issuer for 1 BXE and is then paid 1 BXE: no room left.
	fullW := e.fund(t, false)
	full := fullW.ClassicAddress.String()
	limit := types.IssuedCurrencyAmount{Currency: e.token.Currency, Issuer: types.Address(e.token.Issuer), Value: "1"}
	if _, err := e.client.SubmitAndWait(ctx, &transaction.TrustSet{BaseTx: transaction.BaseTx{Account: types.Address(full)}, LimitAmount: limit}, fullW); err != nil {
		t.Fatal(err)
	}
	if got, err := e.token.ReceiveProblems(ctx, []string{full}); err != nil || len(got) != 0 {
		t.Fatalf("a line with room = %+v, %v; want no problem", got, err)
	}
	dist := e.distribution(t)
	pay := &transaction.Payment{BaseTx: transaction.BaseTx{Account: dist.ClassicAddress}, Destination: types.Address(full), Amount: limit}
	if _, err := e.client.SubmitAndWait(ctx, pay, dist); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name     string
		accounts []string
		want     map[string][]string // account -> parts of its reason
	}{
		{"OKTrustLine", []string{trusting}, nil},
		{"OKEmpty", nil, nil},
		{"ErrNoTrustLine", []string{trusting, bare}, map[string][]string{
			bare: {bare + " has no trust line for BXE issued by " + e.token.Issuer, "its share is deferred until it adds one", "banx token trustline"}}},
		{"ErrNotOnLedger", []string{missing}, map[string][]string{
			missing: {missing + " does not exist on the embedded ledger yet", "cannot receive BXE until it is funded", "adds a BXE trust line"}}},
		{"ErrLimitReached", []string{full}, map[string][]string{
			full: {full + " holds 1 BXE, its trust line's whole limit of 1", "raises the limit"}}},
		{"ErrIssuer", []string{e.token.Issuer}, map[string][]string{
			e.token.Issuer: {"is the BXE issuer", "redeemed, not received"}}},
		{"ErrDistribution", []string{e.token.Distribution}, map[string][]string{
			e.token.Distribution: {"is the account that pays the rewards"}}},
		{"ErrAddress", []string{"rNotAnAddress"}, map[string][]string{
			"rNotAnAddress": {`"rNotAnAddress" is not a classic XRP Ledger address`}}},
		{"ErrSeveralOnceEach", []string{bare, missing, trusting, bare}, map[string][]string{
			bare: {"has no trust line"}, missing: {"does not exist"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := e.token.ReceiveProblems(ctx, tc.accounts)
			if err != nil {
				t.Fatal(err)
			}
			if got == nil || len(got) != len(tc.want) {
				t.Fatalf("problems = %+v, want %d", got, len(tc.want))
			}
			for _, p := range got {
				parts, ok := tc.want[p.Account]
				if !ok {
					t.Fatalf("unexpected problem %+v", p)
				}
				for _, part := range parts {
					if !strings.Contains(p.Reason, part) {
						t.Errorf("reason for %s = %q, want it to contain %q", p.Account, p.Reason, part)
					}
				}
			}
		})
	}

	t.Run("OKService", func(t *testing.T) {
		svc := &payout.Service{Token: e.token}
		got, err := svc.ReceiveProblems(ctx, []string{trusting, bare})
		if err != nil || len(got) != 1 || got[0].Account != bare {
			t.Fatalf("service problems = %+v, %v", got, err)
		}
	})
	t.Run("ErrServiceWithoutToken", func(t *testing.T) {
		_, err := (&payout.Service{}).ReceiveProblems(ctx, []string{bare})
		if banx.ErrorCode(err) != banx.EUNAVAILABLE || !strings.Contains(err.Error(), "not configured") {
			t.Fatalf("err = %v, want EUNAVAILABLE", err)
		}
	})
	t.Run("ErrLedgerUnreachable", func(t *testing.T) {
		// A proxy to the ledger answers the client's dial, then goes away.
		target, err := url.Parse(e.url)
		if err != nil {
			t.Fatal(err)
		}
		proxy := httptest.NewServer(httputil.NewSingleHostReverseProxy(target))
		c, err := xrpl.Dial(ctx, proxy.URL+"/")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		proxy.Close()
		tok := *e.token
		tok.Ledger = c
		_, err = tok.ReceiveProblems(ctx, []string{bare})
		if banx.ErrorCode(err) != banx.EUNAVAILABLE {
			t.Fatalf("err = %v (%s), want EUNAVAILABLE", err, banx.ErrorCode(err))
		}
	})
}
