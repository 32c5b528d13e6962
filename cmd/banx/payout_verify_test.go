package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/banxmedia/banx/internal/payout"
	"github.com/banxmedia/banx/internal/reward"
)

// TestPayoutVerifyCLI pays epoch 3 on the embedded stack, then audits the
// author's payout with `banx payout verify` against the ledger alone: the
// genuine proof passes, a tampered proof, another author's transaction, a
// missing transaction and an unreachable node fail with their reasons.
func TestPayoutVerifyCLI(t *testing.T) {
	s := startRewardServe(t)
	m := devAuthorLine.FindAllStringSubmatch(s.stdout(), -1)
	_, ledgerURL, _ := strings.Cut(s.stdout(), "Embedded XRP Ledger at ")
	ledgerURL, _, _ = strings.Cut(ledgerURL, " ")
	a1, a2 := m[0][1], m[1][1]
	getenv := func(k string) string {
		switch k {
		case "BANX_DATA_DIR":
			return s.dataDir
		case "BANX_XRPL_URL":
			return ledgerURL
		case "BANX_NETWORK":
			return "embedded"
		}
		return ""
	}
	banxCLI := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		err := run(context.Background(), args, getenv, strings.NewReader(""), &out, &errb)
		code := 0
		if err != nil {
			code = exitCode(err)
			errb.WriteString("banx: " + err.Error() + "\n")
		}
		return code, out.String(), errb.String()
	}
	policy, _ := reward.DefaultPolicy()
	start, _ := policy.Epoch(3)
	addCountedViews(t, s.dataDir, 1, a1, 3, start)
	addCountedViews(t, s.dataDir, 2, a2, 2, start)

	code, planOut, stderr := banxCLI("payout", "plan", "--epoch", "3")
	var plan reward.Plan
	if code != 0 || json.Unmarshal([]byte(planOut), &plan) != nil {
		t.Fatalf("plan: %d %s %s", code, planOut, stderr)
	}
	if code, out, stderr := banxCLI("payout", "run", "--epoch", "3"); code != 0 || !strings.Contains(out, "2 paid") {
		t.Fatalf("run: %d %s %s", code, out, stderr)
	}
	_, statusOut, _ := banxCLI("payout", "status", "--epoch", "3", "--json", "-")
	var rep payout.Report
	if err := json.Unmarshal([]byte(statusOut), &rep); err != nil {
		t.Fatalf("status: %v %s", err, statusOut)
	}
	txOf := map[string]string{}
	for _, p := range rep.Payments {
		txOf[p.Account] = p.TxHash
	}
	code, proofOut, stderr := banxCLI("payout", "proof", "--epoch", "3", "--author", a1)
	if code != 0 {
		t.Fatalf("proof: %s", stderr)
	}
	dir := t.TempDir()
	proofFile := filepath.Join(dir, "proof.json")
	os.WriteFile(proofFile, []byte(proofOut), 0o600)
	var proof reward.LeafProof
	json.Unmarshal([]byte(proofOut), &proof)
	tampered := proof
	tampered.Leaf.Amount, tampered.Leaf.Payments = "1000000", []reward.Payment{{Account: a1, Amount: "1000000"}}
	tamperedFile := filepath.Join(dir, "tampered.json")
	b, _ := json.Marshal(tampered)
	os.WriteFile(tamperedFile, b, 0o600)

	verifyArgs := func(file, tx string, extra ...string) []string {
		return append([]string{"payout", "verify", file, "--tx", tx, "--xrpl", ledgerURL, "--issuer", plan.Issuer}, extra...)
	}
	t.Run("OK", func(t *testing.T) {
		code, out, stderr := banxCLI(verifyArgs(proofFile, txOf[a1])...)
		if code != 0 || !strings.Contains(out, "Banx payout verification: VERIFIED") || !strings.Contains(out, "6 passed, 0 failed") ||
			!strings.Contains(out, "covers the leaf's only payment") {
			t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
		}
	})
	t.Run("OKJSON", func(t *testing.T) {
		code, out, _ := banxCLI(verifyArgs(proofFile, strings.ToLower(txOf[a1]), "--json")...)
		var res payout.AuditResult
		if code != 0 || json.Unmarshal([]byte(out), &res) != nil || !res.OK() || res.Author != a1 {
			t.Fatalf("exit %d\n%s", code, out)
		}
	})
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"ErrTamperedProof", verifyArgs(tamperedFile, txOf[a1]), 1, "[FAIL] proof is well-formed and its Merkle path leads to the root: leaf hashes to"},
		{"ErrOtherAuthorsTx", verifyArgs(proofFile, txOf[a2]), 1, "[FAIL] memo is a Banx payout memo naming the proof's epoch and root: it pays the leaf of " + a2},
		{"ErrUnknownTx", verifyArgs(proofFile, strings.Repeat("AB", 32)), 1, "[FAIL] transaction is in a validated ledger with tesSUCCESS: tx: txnNotFound"},
		{"ErrOtherIssuer", verifyArgs(proofFile, txOf[a1], "--issuer", a2), 1, "[FAIL] transaction is a payment of the token"},
		{"ErrUnreachable", []string{"payout", "verify", proofFile, "--tx", txOf[a1], "--xrpl", "http://" + freeAddr(t), "--issuer", plan.Issuer}, 3, "incomplete"},
		{"ErrNoTx", []string{"payout", "verify", proofFile, "--xrpl", ledgerURL}, 2, "needs --tx"},
		{"ErrNoIssuer", []string{"payout", "verify", proofFile, "--tx", txOf[a1], "--xrpl", ledgerURL}, 2, "give --issuer"},
		{"ErrNotAProof", []string{"payout", "verify", filepath.Join(dir, "missing.json"), "--tx", txOf[a1], "--xrpl", ledgerURL}, 2, "open proof"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := banxCLI(tc.args...)
			if code != tc.code || !strings.Contains(out+stderr, tc.want) {
				t.Fatalf("exit %d, want %d with %q\n%s\n%s", code, tc.code, tc.want, out, stderr)
			}
		})
	}
}
