package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/banxmedia/banx/internal/publish/publishtest"
	"github.com/banxmedia/banx/internal/xrpl"
)

// TestPayoutBeneficiariesWarnings sets splits with `banx payout beneficiaries
// --set` against a served embedded ledger: every split is saved (exit 0), and
// stderr has one "warning:" line per account that cannot receive BXE now, or
// one saying the ledger could not be read.
func TestPayoutBeneficiariesWarnings(t *testing.T) {
	s := startRewardServe(t)
	m := devAuthorLine.FindAllStringSubmatch(s.stdout(), -1)
	ledgerURL := s.ledgerURL()
	a1, a2 := m[0][1], m[1][1]
	ctx := publishtest.Context(t)
	c := publishtest.Dial(t, ledgerURL, xrpl.WithAutoAccept())
	bareW := publishtest.NewWallet(t)
	publishtest.Fund(t, ctx, c, bareW, 20_000_000)
	bare := bareW.ClassicAddress.String()
	const missing = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe"
	gone := httptest.NewServer(nil)
	gone.Close()

	tests := []struct {
		name, set, xrplURL string
		stdout             []string
		lines              int      // "warning:" lines on stderr
		warnings           []string // parts of stderr
	}{
		{"OKAllCanReceive", a1 + "=9000," + a2 + "=1000", ledgerURL, []string{a1 + " 90.00%", a2 + " 10.00%"}, 0, nil},
		{"ErrNoTrustLine", a1 + "=5000," + bare + "=5000", ledgerURL, []string{bare + " 50.00%"}, 1,
			[]string{"warning: " + bare + " has no trust line for BXE issued by r"}},
		{"ErrNotOnLedger", missing + "=10000", ledgerURL, []string{missing + " 100.00%"}, 1,
			[]string{"warning: " + missing + " does not exist on the embedded ledger yet: it cannot receive BXE until it is funded"}},
		{"ErrBoth", bare + "=5000," + missing + "=5000", ledgerURL, []string{bare + " 50.00%", missing + " 50.00%"}, 2,
			[]string{"warning: " + bare + " has no trust line", "warning: " + missing + " does not exist"}},
		{"ErrLedgerUnreachable", bare + "=10000", gone.URL + "/", []string{bare + " 100.00%"}, 1,
			[]string{"warning: whether the beneficiaries can receive BXE could not be checked (", "the split is saved"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			getenv := func(k string) string {
				return map[string]string{"BANX_DATA_DIR": s.dataDir, "BANX_XRPL_URL": tc.xrplURL, "BANX_NETWORK": "embedded"}[k]
			}
			var out, errb bytes.Buffer
			err := run(context.Background(), []string{"payout", "beneficiaries", "--author", a1, "--set", tc.set}, getenv, strings.NewReader(""), &out, &errb)
			if err != nil {
				t.Fatalf("exit with %v, want 0: warnings must not fail the save\nstderr: %s", err, errb.String())
			}
			for _, w := range tc.stdout {
				if !strings.Contains(out.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, out.String())
				}
			}
			lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
			if errb.Len() == 0 {
				lines = nil
			}
			if len(lines) != tc.lines {
				t.Fatalf("stderr has %d lines, want %d:\n%s", len(lines), tc.lines, errb.String())
			}
			for _, l := range lines {
				if !strings.HasPrefix(l, "warning: ") {
					t.Errorf("stderr line %q is not a warning", l)
				}
			}
			for _, w := range tc.warnings {
				if !strings.Contains(errb.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, errb.String())
				}
			}
		})
	}
}
