package payout

import (
	"context"
	"fmt"
	"math/big"
	"slices"

	"github.com/Peersyst/xrpl-go/xrpl/transaction"
	"github.com/Peersyst/xrpl-go/xrpl/transaction/types"
	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/contracts"
	"github.com/banxmedia/banx/internal/amount"
	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/xrpl"
)

// TokenLedger is what the token service needs of an XRP Ledger node
// (*xrpl.Client). Reads are from the newest validated ledger; an unknown
// account is banx.ENOTFOUND, an unreachable node banx.EUNAVAILABLE.
type TokenLedger interface {
	AccountInfo(ctx context.Context, address string) (*xrpl.AccountInfo, error)
	AccountLines(ctx context.Context, address, peer string) ([]xrpl.TrustLine, error)
	GatewayBalances(ctx context.Context, issuer string, hotWallets ...string) (*xrpl.GatewayBalances, error)
	Autofill(ctx context.Context, tx transaction.FlatTransaction) error
	SubmitSignedAndWait(ctx context.Context, s *xrpl.SignedTx) (*xrpl.Transaction, error)
}

// Token sets up and reports on the BXE token of one network.
type Token struct {
	Ledger   TokenLedger
	Currency string
	Network  string
	Contract contracts.TokenNetwork
	// Issuer and Distribution are the accounts' addresses.
	Issuer, Distribution string
	// IssuerWallet and DistributionWallet sign setup transactions; Status and
	// PrepareTrustLine do not need them.
	IssuerWallet, DistributionWallet *wallet.Wallet
}

// NewToken checks the accounts against the contract: a contract that names an
// address refuses a seed deriving another one, so a wrong seed file cannot issue
// a second token. Wallets may be nil when the contract names the addresses.
func NewToken(l TokenLedger, currency, network string, c contracts.TokenNetwork, issuer, distribution *wallet.Wallet) (*Token, error) {
	t := &Token{Ledger: l, Currency: currency, Network: network, Contract: c, IssuerWallet: issuer, DistributionWallet: distribution}
	var err error
	if t.Issuer, err = pickAddress("issuer", c.Issuer, issuer); err != nil {
		return nil, err
	}
	if t.Distribution, err = pickAddress("distribution", c.Distribution, distribution); err != nil {
		return nil, err
	}
	if t.Issuer == t.Distribution {
		return nil, banx.Errorf(banx.EINVALID, "the issuer and distribution accounts must differ (both are %s)", t.Issuer)
	}
	return t, nil
}

func pickAddress(what, contract string, w *wallet.Wallet) (string, error) {
	switch {
	case w == nil && contract == "":
		return "", banx.Errorf(banx.EINVALID, "%s account unknown: the token contract names none, so its seed is needed", what)
	case w == nil:
		return contract, nil
	case contract != "" && w.ClassicAddress.String() != contract:
		return "", banx.Errorf(banx.EINVALID, "the %s seed derives %s, but the token contract's %s is %s", what, w.ClassicAddress, what, contract)
	}
	return w.ClassicAddress.String(), nil
}

// Step is one setup step and what was done about it.
type Step struct {
	Name   string `json:"name"`
	Done   string `json:"done"` // "already" or "applied"
	TxHash string `json:"tx_hash,omitempty"`
	Detail string `json:"detail"`
}

// accountFlags maps contract flag names to the AccountRoot flag that shows them.
var accountFlags = map[string]uint32{
	"asfDefaultRipple": xrpl.LsfDefaultRipple,
	"asfDisallowXRP":   0x00080000,
	"asfRequireDest":   xrpl.LsfRequireDestTag,
}

// Setup reads the ledger and applies the missing steps in order: issuer flags
// (DefaultRipple before any trust line exists), the distribution account's trust
// line, then the supply issued to the distribution account. Running it again
// applies nothing. Each transaction is signed with the account's next sequence
// in the validated ledger, so a step submitted twice (a crash, two operators)
// can apply only once: the second copy fails with tefPAST_SEQ and the step is
// re-read.
func (t *Token) Setup(ctx context.Context, progress func(Step)) ([]Step, error) {
	if t.IssuerWallet == nil || t.DistributionWallet == nil {
		return nil, banx.Errorf(banx.EINVALID, "token setup needs the issuer and distribution seeds")
	}
	if progress == nil {
		progress = func(Step) {}
	}
	var steps []Step
	record := func(s Step) { steps = append(steps, s); progress(s) }
	for _, name := range []string{"issuer", "distribution"} {
		addr := map[string]string{"issuer": t.Issuer, "distribution": t.Distribution}[name]
		if _, err := t.Ledger.AccountInfo(ctx, addr); err != nil {
			if banx.ErrorCode(err) == banx.ENOTFOUND {
				return steps, banx.Errorf(banx.ENOTFOUND, "the %s account %s does not exist on %s: send it XRP (at least the reserve) first", name, addr, t.Network)
			}
			return steps, err
		}
	}
	for _, f := range t.Contract.IssuerFlags {
		s, err := t.retry(ctx, func() (Step, error) { return t.ensureFlag(ctx, f) })
		if err != nil {
			return steps, err
		}
		record(s)
	}
	s, err := t.retry(ctx, func() (Step, error) { return t.ensureDistributionLine(ctx) })
	if err != nil {
		return steps, err
	}
	record(s)
	s, err = t.retry(ctx, func() (Step, error) { return t.ensureSupply(ctx) })
	if err != nil {
		return steps, err
	}
	record(s)
	return steps, nil
}

// retry re-runs a step whose transaction lost a sequence race (tef): the step
// then re-reads the ledger and finds it done or still missing.
func (t *Token) retry(ctx context.Context, step func() (Step, error)) (Step, error) {
	var err error
	for range 3 {
		var s Step
		if s, err = step(); err == nil || !xrpl.IsTef(err) {
			return s, err
		}
	}
	return Step{}, err
}

func (t *Token) ensureFlag(ctx context.Context, name string) (Step, error) {
	step := Step{Name: "issuer flag " + name}
	info, err := t.Ledger.AccountInfo(ctx, t.Issuer)
	if err != nil {
		return step, err
	}
	lsf, ok := accountFlags[name]
	setFlag, known := contracts.AccountSetFlags[name]
	if !ok || !known {
		return step, banx.Errorf(banx.EINVALID, "issuer flag %q is not supported", name)
	}
	if info.Flags&lsf != 0 {
		step.Done, step.Detail = "already", "set on "+t.Issuer
		return step, nil
	}
	if name == "asfDefaultRipple" {
		// DefaultRipple only applies to lines created after it; lines that exist
		// already would keep NoRipple on the issuer's side.
		lines, err := t.Ledger.AccountLines(ctx, t.Issuer, "")
		if err != nil {
			return step, err
		}
		if len(lines) > 0 {
			return step, banx.Errorf(banx.ECONFLICT, "the issuer %s already has %d trust lines without DefaultRipple: clear NoRipple on them (TrustSet tfClearNoRipple from the issuer) before payouts can ripple", t.Issuer, len(lines))
		}
	}
	tx := (&transaction.AccountSet{BaseTx: transaction.BaseTx{Account: addrType(t.Issuer)}, SetFlag: setFlag}).Flatten()
	res, err := t.submit(ctx, tx, t.IssuerWallet)
	if err != nil {
		return step, err
	}
	step.Done, step.TxHash, step.Detail = "applied", res.Hash, fmt.Sprintf("AccountSet SetFlag %d in ledger %d", setFlag, res.LedgerIndex)
	return step, nil
}

func (t *Token) ensureDistributionLine(ctx context.Context) (Step, error) {
	step := Step{Name: "distribution trust line"}
	want, err := amount.ParseIOU(t.Contract.DistributionTrustLimit)
	if err != nil {
		return step, err
	}
	line, err := t.line(ctx, t.Distribution)
	if err != nil {
		return step, err
	}
	if line != nil {
		have, err := amount.ParseIOU(line.Limit)
		if err != nil {
			return step, banx.Wrap(banx.EINTERNAL, err, "trust line limit %q", line.Limit)
		}
		if have.Cmp(want) >= 0 {
			step.Done, step.Detail = "already", fmt.Sprintf("%s trusts %s for %s %s", t.Distribution, t.Issuer, line.Limit, t.Currency)
			return step, nil
		}
	}
	tx := (&transaction.TrustSet{BaseTx: transaction.BaseTx{Account: addrType(t.Distribution)}, LimitAmount: t.iou(want)}).Flatten()
	res, err := t.submit(ctx, tx, t.DistributionWallet)
	if err != nil {
		return step, err
	}
	step.Done, step.TxHash, step.Detail = "applied", res.Hash, fmt.Sprintf("TrustSet limit %s in ledger %d", want, res.LedgerIndex)
	return step, nil
}

func (t *Token) ensureSupply(ctx context.Context) (Step, error) {
	step := Step{Name: "supply issued to distribution"}
	supply, err := amount.ParseIOU(t.Contract.Supply)
	if err != nil {
		return step, err
	}
	gb, err := t.Ledger.GatewayBalances(ctx, t.Issuer)
	if err != nil {
		return step, err
	}
	issued := amount.IOU{}
	if v := gb.Obligations[t.Currency]; v != "" {
		if issued, err = amount.ParseIOU(v); err != nil {
			return step, banx.Wrap(banx.EINTERNAL, err, "gateway_balances obligation %q", v)
		}
	}
	if issued.Cmp(supply) >= 0 {
		step.Done, step.Detail = "already", fmt.Sprintf("%s %s outstanding", issued, t.Currency)
		return step, nil
	}
	missing, err := amount.Sub(supply, issued)
	if err != nil {
		return step, err
	}
	tx := (&transaction.Payment{BaseTx: transaction.BaseTx{Account: addrType(t.Issuer)}, Destination: addrType(t.Distribution), Amount: t.iou(missing)}).Flatten()
	res, err := t.submit(ctx, tx, t.IssuerWallet)
	if err != nil {
		return step, err
	}
	step.Done, step.TxHash, step.Detail = "applied", res.Hash, fmt.Sprintf("issued %s %s in ledger %d", missing, t.Currency, res.LedgerIndex)
	return step, nil
}

// submit signs tx with the account's next sequence in the validated ledger
// (the fence described at Setup) and waits for its final result.
func (t *Token) submit(ctx context.Context, tx transaction.FlatTransaction, w *wallet.Wallet) (*xrpl.Transaction, error) {
	info, err := t.Ledger.AccountInfo(ctx, w.ClassicAddress.String())
	if err != nil {
		return nil, err
	}
	tx["Sequence"] = info.Sequence
	if err := t.Ledger.Autofill(ctx, tx); err != nil {
		return nil, err
	}
	s, err := xrpl.Sign(tx, w)
	if err != nil {
		return nil, err
	}
	return t.Ledger.SubmitSignedAndWait(ctx, s)
}

// line returns account's trust line to the issuer in the token's currency, or nil.
func (t *Token) line(ctx context.Context, account string) (*xrpl.TrustLine, error) {
	lines, err := t.Ledger.AccountLines(ctx, account, t.Issuer)
	if err != nil {
		return nil, err
	}
	for i := range lines {
		if lines[i].Currency == t.Currency {
			return &lines[i], nil
		}
	}
	return nil, nil
}

func (t *Token) iou(v amount.IOU) types.IssuedCurrencyAmount {
	return types.IssuedCurrencyAmount{Currency: t.Currency, Issuer: addrType(t.Issuer), Value: v.String()}
}

// TokenStatus is the token as the validated ledger shows it.
type TokenStatus struct {
	Network             string   `json:"network"`
	Currency            string   `json:"currency"`
	Issuer              string   `json:"issuer"`
	IssuerFlags         []string `json:"issuer_flags"`
	DefaultRipple       bool     `json:"default_ripple"`
	Distribution        string   `json:"distribution"`
	Supply              string   `json:"supply"`               // the contract's target
	Outstanding         string   `json:"outstanding"`          // everything issued (gateway_balances)
	DistributionBalance string   `json:"distribution_balance"` // what is left to pay out
	Circulating         string   `json:"circulating"`          // held by everyone else
	Holders             int      `json:"holders"`              // accounts other than distribution with a non-zero balance
	TrustLines          int      `json:"trust_lines"`          // lines to the issuer in the currency
	LedgerIndex         uint32   `json:"ledger_index"`
	Missing             []string `json:"missing"` // setup steps not done yet
}

// Status reads the token's state from the newest validated ledger.
func (t *Token) Status(ctx context.Context) (*TokenStatus, error) {
	st := &TokenStatus{Network: t.Network, Currency: t.Currency, Issuer: t.Issuer, Distribution: t.Distribution,
		Supply: t.Contract.Supply, IssuerFlags: []string{}, Missing: []string{}}
	info, err := t.Ledger.AccountInfo(ctx, t.Issuer)
	if err != nil {
		if banx.ErrorCode(err) == banx.ENOTFOUND {
			st.Missing = append(st.Missing, "issuer account "+t.Issuer+" does not exist")
			st.Outstanding, st.DistributionBalance, st.Circulating = "0", "0", "0"
			return st, nil
		}
		return nil, err
	}
	st.LedgerIndex = info.LedgerIndex
	names := make([]string, 0, len(accountFlags))
	for n := range accountFlags {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if info.Flags&accountFlags[n] != 0 {
			st.IssuerFlags = append(st.IssuerFlags, n)
		} else if slices.Contains(t.Contract.IssuerFlags, n) {
			st.Missing = append(st.Missing, "issuer flag "+n)
		}
	}
	st.DefaultRipple = info.Flags&xrpl.LsfDefaultRipple != 0
	gb, err := t.Ledger.GatewayBalances(ctx, t.Issuer, t.Distribution)
	if err != nil {
		return nil, err
	}
	circ := new(big.Rat)
	if v := gb.Obligations[t.Currency]; v != "" {
		if circ, err = ratOf(v); err != nil {
			return nil, err
		}
	}
	dist := new(big.Rat)
	for _, a := range gb.Balances[t.Distribution] {
		if a.Currency == t.Currency {
			if dist, err = ratOf(a.Value); err != nil {
				return nil, err
			}
		}
	}
	st.Circulating, st.DistributionBalance = ratString(circ), ratString(dist)
	st.Outstanding = ratString(new(big.Rat).Add(circ, dist))
	lines, err := t.Ledger.AccountLines(ctx, t.Issuer, "")
	if err != nil {
		return nil, err
	}
	hasDistLine := false
	for _, l := range lines {
		if l.Currency != t.Currency {
			continue
		}
		st.TrustLines++
		if l.Peer == t.Distribution {
			hasDistLine = true
			continue
		}
		if v, err := amount.ParseIOU(l.Balance); err == nil && !v.IsZero() {
			st.Holders++
		}
	}
	if !hasDistLine {
		st.Missing = append(st.Missing, "distribution trust line")
	}
	if supply, err := ratOf(t.Contract.Supply); err == nil && new(big.Rat).Add(circ, dist).Cmp(supply) < 0 {
		st.Missing = append(st.Missing, "supply issued to distribution")
	}
	return st, nil
}

// PrepareTrustLine returns the TrustSet an author's wallet must sign to hold
// the token: a line to the issuer at the contract's recommended limit, with
// NoRipple on the author's side, autofilled (Fee, Sequence, LastLedgerSequence)
// from the ledger. The server never sees the author's key: the wallet signs
// and submits. ENOTFOUND when the account does not exist yet, ECONFLICT when it
// already trusts the issuer for at least the recommended limit.
func (t *Token) PrepareTrustLine(ctx context.Context, account string) (transaction.FlatTransaction, error) {
	if err := checkAddress("account", account); err != nil {
		return nil, err
	}
	if account == t.Issuer {
		return nil, banx.Errorf(banx.EINVALID, "%s is the issuer: it cannot hold its own token", account)
	}
	if _, err := t.Ledger.AccountInfo(ctx, account); err != nil {
		if banx.ErrorCode(err) == banx.ENOTFOUND {
			return nil, banx.Errorf(banx.ENOTFOUND, "account %s does not exist on %s yet: it needs XRP for the reserve (base plus one trust line) before it can add a trust line", account, t.Network)
		}
		return nil, err
	}
	want, err := amount.ParseIOU(t.Contract.AuthorTrustLimit)
	if err != nil {
		return nil, err
	}
	line, err := t.line(ctx, account)
	if err != nil {
		return nil, err
	}
	if line != nil {
		if have, err := amount.ParseIOU(line.Limit); err == nil && have.Cmp(want) >= 0 {
			return nil, banx.Errorf(banx.ECONFLICT, "account %s already trusts %s for %s %s: nothing to sign", account, t.Issuer, line.Limit, t.Currency)
		}
	}
	ts := &transaction.TrustSet{BaseTx: transaction.BaseTx{Account: addrType(account)}, LimitAmount: t.iou(want)}
	ts.SetSetNoRippleFlag()
	tx := ts.Flatten()
	if err := t.Ledger.Autofill(ctx, tx); err != nil {
		return nil, err
	}
	return tx, nil
}

// AddTrustLine prepares the author's TrustSet, signs it with w locally and
// submits it, waiting for the final result (the CLI's `banx token trustline`).
func (t *Token) AddTrustLine(ctx context.Context, w *wallet.Wallet) (*xrpl.Transaction, error) {
	tx, err := t.PrepareTrustLine(ctx, w.ClassicAddress.String())
	if err != nil {
		return nil, err
	}
	s, err := xrpl.Sign(tx, w)
	if err != nil {
		return nil, err
	}
	return t.Ledger.SubmitSignedAndWait(ctx, s)
}

// ReceiveProblem is an account that a BXE payment would not reach now, and
// why, in a sentence its owner can act on. Saving a split that names it is
// still allowed (the account may add its trust line later); its share is
// deferred, epoch after epoch, until it can receive.
type ReceiveProblem struct {
	Account string `json:"account"`
	Reason  string `json:"reason"`
}

// ReceiveProblems reads each account from the newest validated ledger and
// returns those that cannot receive BXE now: an account that does not exist,
// one without a BXE trust line to the issuer, one whose line's limit leaves no
// room (0, or reached by its balance), and the issuer or distribution account
// themselves. The result is in the order given, once per account, and empty
// (not nil) when all can receive. Errors: EUNAVAILABLE when the ledger cannot
// be read; the caller decides whether to go on without the check.
func (t *Token) ReceiveProblems(ctx context.Context, accounts []string) ([]ReceiveProblem, error) {
	out := []ReceiveProblem{}
	seen := map[string]bool{}
	for _, a := range accounts {
		if seen[a] {
			continue
		}
		seen[a] = true
		reason, err := t.receiveProblem(ctx, a)
		if err != nil {
			return nil, err
		}
		if reason != "" {
			out = append(out, ReceiveProblem{Account: a, Reason: reason})
		}
	}
	return out, nil
}

// addLineHint is how an account gets or raises its BXE trust line.
const addLineHint = "`banx token trustline`, or Add the trust line on its Banx dashboard"

// receiveProblem says why account cannot receive BXE now, or "" when it can.
func (t *Token) receiveProblem(ctx context.Context, account string) (string, error) {
	switch {
	case checkAddress("account", account) != nil:
		return fmt.Sprintf("%q is not a classic XRP Ledger address: nothing can be paid to it", account), nil
	case account == t.Issuer:
		return fmt.Sprintf("%s is the %s issuer: %s paid to it is redeemed, not received; name another account", account, t.Currency, t.Currency), nil
	case account == t.Distribution:
		return fmt.Sprintf("%s is the account that pays the rewards: it cannot pay itself; name another account", account), nil
	}
	if _, err := t.Ledger.AccountInfo(ctx, account); err != nil {
		if banx.ErrorCode(err) == banx.ENOTFOUND {
			return fmt.Sprintf("%s does not exist on the %s ledger yet: it cannot receive %s until it is funded (XRP for the reserve) and adds a %s trust line (%s)",
				account, t.Network, t.Currency, t.Currency, addLineHint), nil
		}
		return "", err
	}
	line, err := t.line(ctx, account)
	if err != nil {
		return "", err
	}
	if line == nil {
		return fmt.Sprintf("%s has no trust line for %s issued by %s: its share is deferred until it adds one (%s)",
			account, t.Currency, t.Issuer, addLineHint), nil
	}
	limit, err := ratOf(line.Limit)
	if err != nil {
		return "", err
	}
	balance, err := ratOf(line.Balance)
	if err != nil {
		return "", err
	}
	switch {
	case limit.Sign() <= 0:
		return fmt.Sprintf("%s has a trust line for %s issued by %s with a limit of 0: its share is deferred until it raises the limit (%s)",
			account, t.Currency, t.Issuer, addLineHint), nil
	case balance.Cmp(limit) >= 0:
		return fmt.Sprintf("%s holds %s %s, its trust line's whole limit of %s: its share is deferred until it raises the limit (%s)",
			account, line.Balance, t.Currency, line.Limit, addLineHint), nil
	}
	return "", nil
}
