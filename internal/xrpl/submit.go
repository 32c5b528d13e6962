package xrpl

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"

	"github.com/Peersyst/xrpl-go/pkg/typecheck"
	"github.com/Peersyst/xrpl-go/xrpl/queries/common"
	"github.com/Peersyst/xrpl-go/xrpl/queries/transactions"
	"github.com/Peersyst/xrpl-go/xrpl/transaction"
	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/internal/banx"
)

// restrictedNetworks is the largest network id whose transactions carry no NetworkID.
const restrictedNetworks = 1024

// Flattener is any xrpl-go transaction type (*transaction.Payment, *transaction.TrustSet,
// *transaction.AccountSet, ...).
type Flattener interface {
	Flatten() transaction.FlatTransaction
}

// SignedTx is a transaction ready to submit. Persist Hash (and Blob) before
// submitting: after a crash, Wait(Hash, LastLedgerSequence) tells whether it applied,
// and resubmitting the identical Blob is always safe.
type SignedTx struct {
	Blob               string
	Hash               string
	Account            string
	Sequence           uint32
	LastLedgerSequence uint32
	Fee                uint64 // drops
}

// Autofill completes tx from live server state, leaving fields already set alone:
// Fee (base fee x load x 1.2, capped by WithMaxFee), Sequence (the account's next one
// in the current open ledger), LastLedgerSequence (validated + the ledger offset) and
// NetworkID (only on networks above 1024, where it is required). Flags defaults to 0.
func (c *Client) Autofill(ctx context.Context, tx transaction.FlatTransaction) error {
	if tx == nil {
		return banx.Errorf(banx.EINVALID, "transaction is nil")
	}
	if err := tx.RequireTransactionType(); err != nil {
		return banx.Errorf(banx.EINVALID, "transaction has no TransactionType")
	}
	acct, _ := tx["Account"].(string)
	if err := checkAddress("transaction Account", acct); err != nil {
		return err
	}
	if err := tx.NormalizeFlags(); err != nil {
		return banx.Wrap(banx.EINVALID, err, "transaction Flags")
	}
	info, err := c.ServerInfo(ctx)
	if err != nil {
		return err
	}
	if v, ok := tx["NetworkID"]; ok {
		id, ok := typecheck.ToUint32(v)
		if !ok || id != info.NetworkID || id <= restrictedNetworks {
			return banx.Errorf(banx.EINVALID, "transaction NetworkID %v does not fit network %d", v, info.NetworkID)
		}
		tx["NetworkID"] = id
	} else if info.NetworkID > restrictedNetworks {
		tx["NetworkID"] = info.NetworkID
	}
	if _, ok := tx["Fee"]; !ok {
		tx["Fee"] = strconv.FormatUint(c.fee(info), 10)
	}
	_, hasSeq := tx["Sequence"]
	_, hasTicket := tx["TicketSequence"]
	if !hasSeq && !hasTicket {
		a, err := c.accountInfo(ctx, acct, common.Current)
		if err != nil {
			return err
		}
		tx["Sequence"] = a.Sequence
	}
	if _, ok := tx["LastLedgerSequence"]; !ok {
		if info.ValidatedLedger == 0 {
			return banx.Errorf(banx.EUNAVAILABLE, "ledger node %s has no validated ledger yet", c.url)
		}
		tx["LastLedgerSequence"] = info.ValidatedLedger + c.opts.ledgerOffset
	}
	return nil
}

// Sign signs a complete transaction with w (secp256k1 or ed25519, whichever its seed
// is) and computes its hash. It refuses a transaction without Fee, Sequence (or
// TicketSequence) and LastLedgerSequence, since it could then never be waited for.
func Sign(tx transaction.FlatTransaction, w *wallet.Wallet) (*SignedTx, error) {
	if tx == nil || w == nil {
		return nil, banx.Errorf(banx.EINVALID, "transaction and wallet are required")
	}
	s := &SignedTx{}
	s.Account, _ = tx["Account"].(string)
	fee, _ := tx["Fee"].(string)
	var err error
	if s.Fee, err = strconv.ParseUint(fee, 10, 64); err != nil {
		return nil, banx.Errorf(banx.EINVALID, "transaction Fee %q is not drops: autofill first", fee)
	}
	var ok bool
	if s.LastLedgerSequence, ok = typecheck.ToUint32(tx["LastLedgerSequence"]); !ok || s.LastLedgerSequence == 0 {
		return nil, banx.Errorf(banx.EINVALID, "transaction needs a LastLedgerSequence for reliable submission: autofill first")
	}
	if s.Sequence, ok = typecheck.ToUint32(tx["Sequence"]); !ok {
		if _, ticket := typecheck.ToUint32(tx["TicketSequence"]); !ticket {
			return nil, banx.Errorf(banx.EINVALID, "transaction needs a Sequence or TicketSequence: autofill first")
		}
	}
	if d, ok := tx["Destination"]; ok {
		if ds, _ := d.(string); checkAddress("Destination", ds) != nil {
			return nil, banx.Errorf(banx.EINVALID, "transaction Destination %q is not a classic XRP Ledger address", d)
		}
	}
	if s.Blob, s.Hash, err = signSafely(tx, w); err != nil {
		return nil, banx.Wrap(banx.EINVALID, err, "sign %s transaction", tx.TxType())
	}
	return s, nil
}

// signSafely signs with the fast path (see fastSign) or the library's signer,
// turning a panic of the codec on hostile field values (it indexes tables
// with unchecked bytes) into an error.
func signSafely(tx transaction.FlatTransaction, w *wallet.Wallet) (blob, hash string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("encoding failed: %v", r)
		}
	}()
	if blob, hash, ok, err := fastSign(tx, w); ok {
		return blob, hash, err
	}
	return w.Sign(tx)
}

// Prepare autofills and signs tx with w. An empty Account becomes w's address.
func (c *Client) Prepare(ctx context.Context, tx Flattener, w *wallet.Wallet) (*SignedTx, error) {
	if tx == nil || w == nil {
		return nil, banx.Errorf(banx.EINVALID, "transaction and wallet are required")
	}
	flat := tx.Flatten()
	if a, _ := flat["Account"].(string); a == "" {
		flat["Account"] = w.ClassicAddress.String()
	}
	if err := c.Autofill(ctx, flat); err != nil {
		return nil, err
	}
	return Sign(flat, w)
}

// SubmitResult is the node's provisional verdict on a submitted blob. Nothing in it
// is final: see SubmitSignedAndWait.
type SubmitResult struct {
	EngineResult         string
	EngineResultCode     int
	EngineResultMessage  string
	Accepted             bool
	Applied              bool
	Broadcast            bool
	Queued               bool
	Kept                 bool
	AccountSequenceNext  uint32
	ValidatedLedgerIndex uint32
}

type wireSubmit struct {
	EngineResult         *string `json:"engine_result"`
	EngineResultCode     *int    `json:"engine_result_code"`
	EngineResultMessage  string  `json:"engine_result_message"`
	Accepted             bool    `json:"accepted"`
	Applied              bool    `json:"applied"`
	Broadcast            bool    `json:"broadcast"`
	Queued               bool    `json:"queued"`
	Kept                 bool    `json:"kept"`
	AccountSequenceNext  uint32  `json:"account_sequence_next"`
	ValidatedLedgerIndex uint32  `json:"validated_ledger_index"`
}

// Submit sends a signed blob (submit) and returns the provisional result. It errs
// only when the node did not give one; transport failures are retried, which is safe
// because the same blob can never apply twice.
func (c *Client) Submit(ctx context.Context, blob string) (*SubmitResult, error) {
	if blob == "" {
		return nil, banx.Errorf(banx.EINVALID, "transaction blob is empty")
	}
	var w wireSubmit
	if err := c.call(ctx, &transactions.SubmitRequest{TxBlob: blob}, &w, true); err != nil {
		return nil, err
	}
	return c.submitResult(w)
}

// submitResult checks and converts a submit answer.
func (c *Client) submitResult(w wireSubmit) (*SubmitResult, error) {
	if w.EngineResult == nil || resultClass(*w.EngineResult) == "" {
		return nil, malformed(c.url, "submit", errors.New("engine_result missing"))
	}
	code := engineCode(*w.EngineResult)
	if w.EngineResultCode != nil {
		code = *w.EngineResultCode
	}
	return &SubmitResult{
		EngineResult: *w.EngineResult, EngineResultCode: code, EngineResultMessage: w.EngineResultMessage,
		Accepted: w.Accepted, Applied: w.Applied, Broadcast: w.Broadcast, Queued: w.Queued, Kept: w.Kept,
		AccountSequenceNext: w.AccountSequenceNext, ValidatedLedgerIndex: w.ValidatedLedgerIndex,
	}, nil
}

// SubmitAndWait autofills, signs, submits and waits for tx: see SubmitSignedAndWait.
// Calls for the same account through one Client are serialised from autofill to
// submission, so concurrent callers get consecutive sequence numbers.
func (c *Client) SubmitAndWait(ctx context.Context, tx Flattener, w *wallet.Wallet) (*Transaction, error) {
	if w == nil {
		return nil, banx.Errorf(banx.EINVALID, "transaction and wallet are required")
	}
	unlock := c.lockAccount(w.ClassicAddress.String())
	s, err := c.Prepare(ctx, tx, w)
	if err != nil {
		unlock()
		return nil, err
	}
	res, err := c.Submit(ctx, s.Blob)
	unlock()
	return c.afterSubmit(ctx, s, res, err)
}

// lockAccount serialises sequence-number allocation for one account.
func (c *Client) lockAccount(addr string) (unlock func()) {
	c.mu.Lock()
	if c.accounts == nil {
		c.accounts = map[string]*sync.Mutex{}
	}
	m, ok := c.accounts[addr]
	if !ok {
		m = &sync.Mutex{}
		c.accounts[addr] = m
	}
	c.mu.Unlock()
	m.Lock()
	return m.Unlock
}

// SubmitSignedAndWait submits s and waits until its outcome is final, following
// rippled's rules:
//   - tesSUCCESS in a validated ledger: the transaction, nil.
//   - tec in a validated ledger: the transaction AND an *EngineError (fee burned,
//     sequence used, effect not done). Never retry it blindly.
//   - tem, or tef for a transaction the node does not know: nil and an *EngineError;
//     it was never applied.
//   - ter/tel or an unanswered submit: provisional; it keeps waiting and resubmits
//     the same blob after each new validated ledger until it applies or a validated
//     ledger passes LastLedgerSequence (then an *ExpiredError, errors.Is ErrExpired).
func (c *Client) SubmitSignedAndWait(ctx context.Context, s *SignedTx) (*Transaction, error) {
	if s == nil || s.Blob == "" || s.Hash == "" || s.LastLedgerSequence == 0 {
		return nil, banx.Errorf(banx.EINVALID, "signed transaction with blob, hash and LastLedgerSequence required")
	}
	res, err := c.Submit(ctx, s.Blob)
	return c.afterSubmit(ctx, s, res, err)
}

// afterSubmit applies the finality rules to a submission's provisional answer.
func (c *Client) afterSubmit(ctx context.Context, s *SignedTx, res *SubmitResult, err error) (*Transaction, error) {
	if err != nil && !isUnavailable(err) {
		return nil, err
	}
	if res != nil {
		switch resultClass(res.EngineResult) {
		case "tem":
			return nil, engineError(res.EngineResult, &res.EngineResultCode, res.EngineResultMessage, s.Hash)
		case "tef":
			if res.EngineResult == "tefALREADY" {
				break
			}
			// tefPAST_SEQ also answers a resubmission of a blob that already applied.
			if _, err := c.Tx(ctx, s.Hash); err != nil {
				if IsNotFound(err) {
					return nil, engineError(res.EngineResult, &res.EngineResultCode, res.EngineResultMessage, s.Hash)
				}
				return nil, err
			}
		case "tes", "tec", "ter", "tel":
		default:
			return nil, engineError(res.EngineResult, &res.EngineResultCode, res.EngineResultMessage, s.Hash)
		}
	} else {
		c.opts.logger.Debug("submit unanswered; waiting and resubmitting", "hash", s.Hash, "err", err)
	}
	return c.wait(ctx, s.Hash, s.LastLedgerSequence, s.Blob, res)
}

// Wait polls until the transaction is final: in a validated ledger (results as for
// SubmitSignedAndWait) or past lastLedgerSeq without it (*ExpiredError). It needs
// nothing but the hash and LastLedgerSequence, so it works after a restart or on a
// new Client. Transport failures that outlast the read retries are returned as
// banx.EUNAVAILABLE; calling Wait again is safe.
func (c *Client) Wait(ctx context.Context, hash string, lastLedgerSeq uint32) (*Transaction, error) {
	if !hashPattern.MatchString(hash) || lastLedgerSeq == 0 {
		return nil, banx.Errorf(banx.EINVALID, "a 64-hex hash and a LastLedgerSequence are required")
	}
	return c.wait(ctx, hash, lastLedgerSeq, "", nil)
}

// wait is Wait that also resubmits blob (when non-empty) each time a new validated
// ledger appears and the node does not know the transaction.
func (c *Client) wait(ctx context.Context, hash string, lls uint32, blob string, sub *SubmitResult) (*Transaction, error) {
	var seen uint32
	if c.opts.autoAccept && sub != nil {
		// Just submitted to a standalone ledger: nothing can be validated before a
		// close, so close first and save a round of lookups.
		if _, err := c.AcceptLedger(ctx); err != nil {
			return nil, fmt.Errorf("auto-accept while waiting for %s: %w", hash, err)
		}
	}
	for {
		l, err := c.Ledger(ctx)
		if err != nil {
			return nil, err
		}
		tx, err := c.Tx(ctx, hash)
		if err != nil && !IsNotFound(err) {
			return nil, err
		}
		if tx != nil && tx.Validated {
			return tx, final(tx, sub)
		}
		if l.Index > lls {
			e := &ExpiredError{Hash: hash, LastLedgerSequence: lls, ValidatedLedger: l.Index}
			if sub != nil {
				e.LastResult = sub.EngineResult
			}
			return nil, e
		}
		// Resubmit while the next open ledger can still take it; past that the
		// answer is a certain tefMAX_LEDGER that would hide the real provisional result.
		if blob != "" && tx == nil && seen != 0 && l.Index > seen && l.Index < lls {
			res, err := c.Submit(ctx, blob)
			switch {
			case err == nil:
				c.opts.logger.Debug("resubmitted", "hash", hash, "result", res.EngineResult)
				sub = res
			case isUnavailable(err):
				c.opts.logger.Debug("resubmit unanswered", "hash", hash, "err", err)
			default:
				return nil, err
			}
		}
		seen = l.Index
		if c.opts.autoAccept {
			if _, err := c.AcceptLedger(ctx); err != nil {
				return nil, fmt.Errorf("auto-accept while waiting for %s: %w", hash, err)
			}
			continue
		}
		if err := sleep(ctx, c.opts.pollInterval); err != nil {
			return nil, err
		}
	}
}

// final turns a validated transaction into its outcome.
func final(tx *Transaction, sub *SubmitResult) error {
	if tx.Result == "tesSUCCESS" {
		return nil
	}
	msg := ""
	if sub != nil && sub.EngineResult == tx.Result {
		msg = sub.EngineResultMessage
	}
	return engineError(tx.Result, nil, msg, tx.Hash)
}
