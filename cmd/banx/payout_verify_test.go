package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
	ledgerURL := s.ledgerURL()
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
	banxCLI := func(args ...string) (int, string, string) { return runExit(getenv, args...) }
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

	distW, err := readSeedFile("distribution", filepath.Join(s.dataDir, "wallets", "distribution.seed"))
	if err != nil {
		t.Fatal(err)
	}
	dist := string(distW.ClassicAddress)
	verifyArgs := func(file, tx string, extra ...string) []string {
		return append([]string{"payout", "verify", file, "--tx", tx, "--xrpl", ledgerURL, "--issuer", plan.Issuer, "--distribution", dist}, extra...)
	}
	t.Run("OK", func(t *testing.T) {
		code, out, stderr := banxCLI(verifyArgs(proofFile, txOf[a1])...)
		if code != 0 || !strings.Contains(out, "Banx payout verification: VERIFIED") || !strings.Contains(out, "6 passed, 0 failed, 0 skipped") ||
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
	t.Run("SkipNoDistribution", func(t *testing.T) {
		// The embedded contract names no distribution account: without
		// --distribution the sender is not checked, and the report says so
		// instead of counting the check as passed.
		code, out, stderr := banxCLI("payout", "verify", proofFile, "--tx", txOf[a1], "--xrpl", ledgerURL, "--issuer", plan.Issuer)
		for _, w := range []string{"Banx payout verification: INCOMPLETE", "[ ok ] transaction is a payment of the token: Payment of BXE issued by " + plan.Issuer + " from " + dist + "\n",
			"[skip] payment was sent by the distribution account: not checked: no distribution account given", "6 passed, 0 failed, 1 skipped."} {
			if !strings.Contains(out, w) {
				t.Errorf("output lacks %q", w)
			}
		}
		if code != 3 || strings.Contains(out, "sender not checked") || !strings.Contains(stderr, "payout verification incomplete: 1 check(s) could not be made") {
			t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
		}
	})
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"ErrOtherDistribution", verifyArgs(proofFile, txOf[a1], "--distribution", a2), 1, "it was sent by " + dist + ", not the distribution account " + a2},
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

// TestPayoutNextEpoch finds and plans epochs from the CLI alone: `payout
// status` without --epoch names the current, last planned and next epoch,
// and `payout plan --next` plans the next one due, in order, until none is.
func TestPayoutNextEpoch(t *testing.T) {
	s := startServe(t, nil)
	getenv := func(k string) string {
		if k == "BANX_DATA_DIR" {
			return s.dataDir
		}
		return ""
	}
	banxCLI := func(args ...string) (int, string, string) { return runExit(getenv, args...) }
	policy, _ := reward.DefaultPolicy()
	cur, _ := policy.EpochAt(time.Now())
	if cur < 3 {
		t.Fatalf("the default policy's current epoch is %d: this test needs 3 closed epochs", cur)
	}
	status := func(t *testing.T) epochState {
		t.Helper()
		code, out, stderr := banxCLI("payout", "status", "--json", "-")
		var st epochState
		if code != 0 || json.Unmarshal([]byte(out), &st) != nil {
			t.Fatalf("status: exit %d\n%s%s", code, out, stderr)
		}
		return st
	}
	t.Run("OKFresh", func(t *testing.T) {
		code, out, stderr := banxCLI("payout", "status")
		want := []string{fmt.Sprintf("current epoch  %d (", cur), "last planned   none\n", fmt.Sprintf("next to plan   %d (", cur-1), "closed): banx payout plan --next"}
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("status lacks %q", w)
			}
		}
		if code != 0 || t.Failed() {
			t.Fatalf("exit %d\n%s%s", code, out, stderr)
		}
		if st := status(t); st.Current != cur || st.LastPlanned != nil || st.Next != cur-1 || !st.Due {
			t.Fatalf("status JSON %+v", st)
		}
	})
	t.Run("OKInOrder", func(t *testing.T) {
		if code, _, stderr := banxCLI("payout", "plan", "--epoch", fmt.Sprint(cur-3)); code != 0 {
			t.Fatalf("plan: %s", stderr)
		}
		code, out, _ := banxCLI("payout", "status")
		if code != 0 || !strings.Contains(out, fmt.Sprintf("last planned   %d (0 payments", cur-3)) || !strings.Contains(out, fmt.Sprintf("next to plan   %d (", cur-2)) ||
			!strings.Contains(out, "2 closed epochs wait") {
			t.Fatalf("exit %d\n%s", code, out)
		}
		for _, want := range []uint64{cur - 2, cur - 1} {
			code, out, stderr := banxCLI("payout", "plan", "--next")
			var plan reward.Plan
			if code != 0 || json.Unmarshal([]byte(out), &plan) != nil || plan.Epoch != want || !strings.Contains(stderr, fmt.Sprintf("planning epoch %d (", want)) {
				t.Fatalf("plan --next: exit %d, want epoch %d\n%s%s", code, want, out, stderr)
			}
		}
		if st := status(t); *st.LastPlanned != cur-1 || st.Next != cur || st.Due || st.LastPayouts == nil {
			t.Fatalf("status JSON %+v", st)
		}
	})
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"ErrNothingDue", []string{"payout", "plan", "--next"}, 1, fmt.Sprintf("no epoch to plan yet: %d, still open until", cur)},
		{"ErrNextAndEpoch", []string{"payout", "plan", "--next", "--epoch", "3"}, 2, "payout plan takes --epoch or --next, not both"},
		{"ErrNoEpoch", []string{"payout", "plan"}, 2, "payout plan needs --epoch, or --next"},
		{"ErrStatusFile", []string{"payout", "status", "--csv", "x.csv"}, 2, "payout status without --epoch writes no report file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := banxCLI(tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, want %d with %q\n%s%s", code, tc.code, tc.want, out, stderr)
			}
		})
	}
}

// runExit runs banx in-process as a shell would: its exit code, stdout, and
// stderr with the error line main prints.
func runExit(getenv func(string) string, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	err := run(context.Background(), args, getenv, strings.NewReader(""), &out, &errb)
	code := 0
	if err != nil {
		code = exitCode(err)
		errb.WriteString("banx: " + err.Error() + "\n")
	}
	return code, out.String(), errb.String()
}
