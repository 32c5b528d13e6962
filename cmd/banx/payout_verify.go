package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/banxmedia/banx/contracts"
	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/payout"
	"github.com/banxmedia/banx/internal/reward"
	"github.com/banxmedia/banx/internal/verify"
)

// payoutVerifyUsage is the help text of `banx payout verify`.
const payoutVerifyUsage = `usage: banx payout verify PROOF.json --tx PAYOUT_TX_HASH [--xrpl URL] [--json]

Audits one payout without trusting Banx: PROOF.json is what ` + "`banx payout proof`" + `
prints (or GET /api/v1/payouts/{epoch}/proofs/{author} returns; - reads standard
input), PAYOUT_TX_HASH a payment of that leaf. Only the XRPL node you name is
asked; the token's issuer and distribution account come from the token contract
of the proof's network, or from --issuer and --distribution.

Without a distribution account (the embedded network's contract names none:
give --distribution), the sender is not checked: that check is skipped and
the audit ends incomplete.

Exit status: 0 all checks passed, 1 a check failed, 2 usage, 3 incomplete (the
node did not answer, or a check could not be made).

flags:
`

// maxProofBytes bounds a leaf proof read from a file: a leaf holds at most a
// few hundred articles and payments, its path at most 64 hashes.
const maxProofBytes = 1 << 20

// runPayoutVerify implements `banx payout verify`.
func runPayoutVerify(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("payout verify", e)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), payoutVerifyUsage)
		fs.PrintDefaults()
	}
	txHash := fs.String("tx", "", "the payout transaction's hash (required)")
	xrplURL := fs.String("xrpl", e.getenv("BANX_XRPL_URL"), "XRPL node: http(s):// JSON-RPC or ws(s):// WebSocket [$BANX_XRPL_URL]")
	issuer := fs.String("issuer", "", "the token issuer (default: the token contract's for the proof's network)")
	currency := fs.String("currency", "", "the token currency (default: the token contract's)")
	dist := fs.String("distribution", "", "the account payouts come from (default: the token contract's; none checks no sender)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	positional := fs.Args()
	switch {
	case len(positional) != 1:
		fs.Usage()
		return usageError("payout verify takes exactly one PROOF.json (or - for standard input)")
	case !verifyTxHash.MatchString(*txHash):
		return usageError("payout verify needs --tx with the payout transaction's hash (64 hex digits)")
	case *xrplURL == "":
		return usageError("--xrpl is required (any rippled-compatible node)")
	}
	proof, err := loadLeafProof(positional[0], e)
	if err != nil {
		return usageError(banx.ErrorMessage(err))
	}
	tok, err := auditToken(proof.Network, *issuer, *currency, *dist)
	if err != nil {
		return usageError(banx.ErrorMessage(err))
	}
	node, err := verify.NewXRPLNode(*xrplURL, 0)
	if err != nil {
		return usageError(banx.ErrorMessage(err))
	}
	defer node.Close()
	hash := strings.ToUpper(*txHash)
	var tx payout.PaymentTx
	got, txErr := node.TxMeta(ctx, hash)
	if code := banx.ErrorCode(txErr); code == banx.EUNAVAILABLE {
		return &unreachableErr{err: txErr}
	}
	if txErr == nil {
		tx, txErr = payout.DecodePaymentTx(hash, got.Blob, got.MetaBlob, got.Validated, got.LedgerIndex, got.CloseTime, got.Result)
	}
	tx.Hash = hash
	res := splitSender(payout.AuditPayout(proof, tok, tx, txErr), tok)
	if *asJSON {
		if err := writeRewardJSON(e.stdout, res); err != nil {
			return err
		}
	} else if err := writeAudit(e.stdout, res, node.URL()); err != nil {
		return err
	}
	return auditVerdict(res)
}

// auditSender is the ID of the sender check splitSender adds.
const auditSender = "sender"

// senderNotChecked is how payout.AuditPayout marks a payment check whose
// sender it did not compare (no distribution account was known).
const senderNotChecked = " (sender not checked: no distribution account given)"

// splitSender reports a sender that was not checked as a check of its own,
// skipped with its reason, instead of inside a passed payment check: a check
// that was not made is never counted as passed.
func splitSender(r payout.AuditResult, tok payout.AuditToken) payout.AuditResult {
	if tok.Distribution != "" {
		return r
	}
	for i, c := range r.Checks {
		if c.ID != payout.AuditPayment {
			continue
		}
		checks := append([]payout.AuditCheck{}, r.Checks[:i+1]...)
		checks[i].Name = "transaction is a payment of the token"
		checks[i].Detail = strings.TrimSuffix(c.Detail, senderNotChecked)
		skip := payout.AuditCheck{ID: auditSender, Name: "payment was sent by the distribution account", Status: anchor.StatusSkip,
			Detail: "not checked: no distribution account given (the token contract names none for this network): give --distribution"}
		r.Checks = append(append(checks, skip), r.Checks[i+1:]...)
		return r
	}
	return r
}

// auditVerdict is the exit of an audit: nil when every check passed, 1 when
// one failed, 3 when none failed but one could not be made.
func auditVerdict(r payout.AuditResult) error {
	failed, skipped := 0, 0
	for _, c := range r.Checks {
		switch c.Status {
		case anchor.StatusPass:
		case anchor.StatusSkip:
			skipped++
		default:
			failed++
		}
	}
	switch {
	case failed > 0:
		return &auditFailed{n: failed}
	case skipped > 0:
		return &auditIncomplete{n: skipped}
	case len(r.Checks) == 0:
		return &auditFailed{n: 0}
	}
	return nil
}

// auditIncomplete is a payout audit where nothing failed but a check could
// not be made: exit status 3, as for `banx verify`.
type auditIncomplete struct{ n int }

func (e *auditIncomplete) Error() string {
	return fmt.Sprintf("payout verification incomplete: %d check(s) could not be made", e.n)
}

// ExitCode is 3: the verification is incomplete.
func (e *auditIncomplete) ExitCode() int { return 3 }

// loadLeafProof reads a proof from a file or standard input, refusing unknown
// fields so that a proof of another format is not half-read.
func loadLeafProof(arg string, e env) (reward.LeafProof, error) {
	var r io.Reader = e.stdin
	if arg != "-" {
		f, err := os.Open(arg)
		if err != nil {
			return reward.LeafProof{}, banx.Errorf(banx.EINVALID, "open proof: %v", err)
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxProofBytes+1))
	if err != nil {
		return reward.LeafProof{}, banx.Errorf(banx.EINVALID, "read proof %s: %v", arg, err)
	}
	if len(data) > maxProofBytes {
		return reward.LeafProof{}, banx.Errorf(banx.EINVALID, "proof %s is larger than %d bytes", arg, maxProofBytes)
	}
	var p reward.LeafProof
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil || dec.More() {
		return reward.LeafProof{}, banx.Errorf(banx.EINVALID, "proof %s is not a %s JSON document", arg, reward.ProofVersion)
	}
	return p, nil
}

// auditToken fills what the flags leave out from the token contract of the
// proof's network. The embedded network's contract names no accounts (they
// derive from local seeds), so --issuer is then required.
func auditToken(network, issuer, currency, dist string) (payout.AuditToken, error) {
	tok := payout.AuditToken{Currency: currency, Issuer: issuer, Distribution: dist}
	c, err := contracts.LoadToken()
	if err != nil {
		return tok, banx.Wrap(banx.EINTERNAL, err, "token contract")
	}
	if tok.Currency == "" {
		tok.Currency = c.Currency
	}
	if n, err := c.Network(network); err == nil {
		if tok.Issuer == "" {
			tok.Issuer = n.Issuer
		}
		if tok.Distribution == "" {
			tok.Distribution = n.Distribution
		}
	}
	if tok.Issuer == "" {
		return tok, banx.Errorf(banx.EINVALID, "the token contract names no issuer for network %q: give --issuer", network)
	}
	return tok, nil
}

// writeAudit prints the checklist in `banx verify`'s style. Details come from
// the proof file and the node, so control characters are replaced.
func writeAudit(w io.Writer, r payout.AuditResult, node string) error {
	bw := bufio.NewWriter(w)
	head := "VERIFIED"
	switch v := auditVerdict(r); v.(type) {
	case nil:
	case *auditIncomplete:
		head = "INCOMPLETE (some checks could not be made)"
	default:
		head = "FAILED"
	}
	fmt.Fprintf(bw, "Banx payout verification: %s\n", head)
	field := func(name, value string) {
		if value != "" {
			fmt.Fprintf(bw, "  %-12s %s\n", name, verify.Printable(value))
		}
	}
	field("epoch", fmt.Sprint(r.Epoch))
	field("root", r.Root)
	field("author", r.Author)
	field("transaction", r.TxHash)
	field("node", node)
	fmt.Fprintln(bw)
	pass, fail, skip := verify.WriteChecks(bw, r.Checks)
	if r.Covered != "" {
		fmt.Fprintf(bw, "\nNote: %s.\n", verify.Printable(r.Covered))
	}
	fmt.Fprintf(bw, "\n%d passed, %d failed, %d skipped.\n", pass, fail, skip)
	return bw.Flush()
}

// auditFailed is a payout audit with a failed check: exit status 1.
type auditFailed struct{ n int }

func (e *auditFailed) Error() string {
	return fmt.Sprintf("payout verification failed: %d check(s) did not pass", e.n)
}

// ExitCode is 1: a check failed.
func (e *auditFailed) ExitCode() int { return 1 }

// unreachableErr is a node that did not answer: exit status 3, nothing verified.
type unreachableErr struct{ err error }

func (e *unreachableErr) Error() string {
	return "payout verification incomplete: " + banx.ErrorMessage(e.err)
}

func (e *unreachableErr) Unwrap() error { return e.err }

// ExitCode is 3: the verification could not be made.
func (e *unreachableErr) ExitCode() int { return 3 }
