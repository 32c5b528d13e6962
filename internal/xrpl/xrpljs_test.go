package xrpl_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/ledger"
)

// TestXRPLJS runs testdata/xrpljs/scenario.mjs, which drives unmodified xrpl.js 4
// against the embedded ledger over WebSocket: funding from genesis, a payment with
// memos read back from tx, AccountSet, TrustSet, an IOU payment, account_lines and
// getBalances; once with the script closing ledgers (ledger_accept), once with the
// ledger closing on its own every 200ms.
func TestXRPLJS(t *testing.T) {
	dir := filepath.Join("testdata", "xrpljs")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "xrpl", "package.json")); err != nil {
		t.Fatal("run make test-deps (npm ci in internal/xrpl/testdata/xrpljs)")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node (>= 18) is required: apt-get install nodejs, then make test-deps")
	}
	tests := []struct {
		name  string
		edit  func(*ledger.Config)
		flags []string
	}{
		{"LedgerAccept", nil, []string{"--accept"}}, // the script closes ledgers itself
		{"CloseInterval", func(cfg *ledger.Config) { cfg.CloseInterval = 200 * time.Millisecond }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runScenario(t, node, dir, startLedger(t, tt.edit), tt.flags)
		})
	}
}

func runScenario(t *testing.T, node, dir string, l *testLedger, flags []string) {
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append([]string{"scenario.mjs", l.WSURL, genesisSeed}, flags...)...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()

	var summary struct {
		OK       bool   `json:"ok"`
		Error    string `json:"error"`
		Holder   string `json:"holder"`
		Issuer   string `json:"issuer"`
		Memo     struct{ Data string }
		Balances []struct{ Currency, Value, Issuer string }
	}
	if err := json.Unmarshal(bytes.TrimSpace(stdout.Bytes()), &summary); err != nil || runErr != nil || !summary.OK {
		t.Fatalf("xrpl.js scenario failed (exit: %v)\nstdout: %s\nstderr: %s", runErr, stdout.String(), stderr.String())
	}
	if summary.Memo.Data != `{"cid":"bafyxrpljs"}` {
		t.Errorf("memo read back by xrpl.js = %q", summary.Memo.Data)
	}

	// Cross-check with the Go client: what xrpl.js did is in the ledger.
	c := dial(t, l.HTTPURL)
	lines, err := c.AccountLines(ctx, summary.Holder, summary.Issuer)
	if err != nil || len(lines) != 1 || lines[0].Balance != "42.5" || lines[0].Currency != "BXE" {
		t.Fatalf("holder lines seen by the Go client = %+v, %v", lines, err)
	}
}
