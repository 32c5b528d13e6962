package payout

import (
	"context"
	"encoding/json"
	"errors"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/Peersyst/xrpl-go/xrpl/transaction"
	"github.com/Peersyst/xrpl-go/xrpl/transaction/types"
	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/internal/amount"
	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/reward"
	"github.com/banxmedia/banx/internal/xrpl"
)

// Ledger is what the executor needs of an XRP Ledger node (*xrpl.Client).
type Ledger interface {
	// Autofill sets Fee, Sequence (open ledger) and LastLedgerSequence.
	Autofill(ctx context.Context, tx transaction.FlatTransaction) error
	// Submit gives a signed blob to the node; its answer is provisional.
	Submit(ctx context.Context, blob string) (*xrpl.SubmitResult, error)
	// Tx looks a transaction up; an unknown hash is ENOTFOUND (xrpl.IsNotFound).
	Tx(ctx context.Context, hash string) (*xrpl.Transaction, error)
	// Ledger returns the newest validated ledger's header.
	Ledger(ctx context.Context) (*xrpl.LedgerHeader, error)
	// AcceptLedger closes the open ledger of a standalone node.
	AcceptLedger(ctx context.Context) (uint32, error)
	// ServerInfo reports the node's complete ledger history, among others.
	ServerInfo(ctx context.Context) (xrpl.ServerInfo, error)
}

// LedgerReader is what a Ledger may also offer: the results of every
// transaction of a validated ledger in one request (*xrpl.Client has it: hash,
// result and delivered amount of each). A batch then settles with one request
// per ledger; payments not found that way are still looked up by hash, which
// alone decides that a payment expired.
type LedgerReader interface {
	LedgerResults(ctx context.Context, index uint32) (*xrpl.LedgerTxs, error)
}

// OrderedSubmitter is what a Ledger may also offer: blobs submitted in order
// with several in flight on one stream (*xrpl.Client has it), so a batch of
// consecutive sequence numbers costs no round trip per payment. Every blob
// gets an answer or an error, as from Submit; onAnswer is called with i once
// blob i's is in, in order.
type OrderedSubmitter interface {
	SubmitInOrder(ctx context.Context, blobs []string, window int, onAnswer func(i int)) ([]*xrpl.SubmitResult, []error)
}

// maxLedgerScan bounds how many validated ledgers one settle round reads
// whole; older ones are left to lookups by hash.
const maxLedgerScan = 8

// Payout memo: every payment of an epoch names the epoch and the plan root, so
// a recipient holding a LeafProof can tie the payment to the plan.
const (
	MemoType   = "https://banx.media/payout/v1"
	MemoFormat = "application/json"
)

// Memo is the MemoData of a payout transaction.
type Memo struct {
	Network string `json:"network"`
	Epoch   uint64 `json:"epoch"`
	Root    string `json:"root"`
	Author  string `json:"author"`
}

// Crash-injection boundaries: Hook is called right after each, so a test can
// kill the process there and check that a restart finishes the job.
const (
	BoundarySigned    = "signed"    // a batch's signed blobs are committed; nothing submitted yet
	BoundarySubmit    = "submit"    // one blob was submitted; its answer is not recorded
	BoundarySubmitted = "submitted" // a batch's provisional answers are committed
	BoundaryValidated = "validated" // a final result was seen; not yet recorded
	BoundaryFinal     = "final"     // final results are committed
	BoundaryExpired   = "expired"   // dead transactions were returned to pending
)

// Boundaries lists every crash-injection boundary.
var Boundaries = []string{BoundarySigned, BoundarySubmit, BoundarySubmitted, BoundaryValidated, BoundaryFinal, BoundaryExpired}

// Progress is a snapshot of an epoch's payments, reported as they change.
type Progress struct {
	Epoch    uint64 `json:"epoch"`
	Total    int    `json:"total"`
	Pending  int    `json:"pending"`
	InFlight int    `json:"in_flight"`
	Paid     int    `json:"paid"`
	Deferred int    `json:"deferred"`
	Failed   int    `json:"failed"`
}

// Executor pays an epoch's plan from the distribution account.
type Executor struct {
	Store  Store
	Ledger Ledger
	// Wallet is the distribution account's.
	Wallet   *wallet.Wallet
	Currency string
	Issuer   string
	// Network, when set, must be the network the plan was made for.
	Network string
	// BatchSize is how many payments are signed with consecutive sequence
	// numbers and submitted before waiting. Public servers queue at most 10
	// transactions per account, so 10 is the default; the embedded ledger takes
	// thousands in one ledger.
	BatchSize int
	// Standalone closes ledgers with ledger_accept instead of waiting for them.
	Standalone bool
	// PollInterval is how often validation is checked on a live network.
	PollInterval time.Duration
	// Hook, when set, is called after each crash-injection boundary.
	Hook func(boundary string)
	// Progress, when set, receives a snapshot after every change.
	Progress func(Progress)
	// Concurrency is how many transaction lookups may be in flight at once
	// (default 1).
	Concurrency int
	// Pipeline is how many submissions may be in flight at once on one
	// ordered stream when the Ledger is an OrderedSubmitter (HTTP/1.1
	// pipelining); 0 or 1 submits one at a time. Either way blobs reach the
	// node in sequence order.
	Pipeline int

	hookMu sync.Mutex
}

// Run pays epoch's planned payments and returns them in their final state.
// It first settles every payment a previous run left in flight (looking each
// hash up; resubmitting the same blob while it can still apply), and signs
// new transactions only for pending payments. It takes the store's payout
// lock for the whole run. Running it again after success changes nothing.
func (e *Executor) Run(ctx context.Context, epoch uint64) ([]Payout, error) {
	if e.Wallet == nil {
		return nil, banx.Errorf(banx.EINVALID, "payout run needs the distribution seed")
	}
	unlock, err := e.Store.LockPayouts(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	rec, err := e.Store.Plan(ctx, epoch)
	if err != nil {
		return nil, err
	}
	plan, err := reward.ParsePlan(rec.Document)
	if err != nil {
		return nil, banx.Wrap(banx.EINTERNAL, err, "stored plan of epoch %d", epoch)
	}
	if plan.Currency != e.Currency || plan.Issuer != e.Issuer || (e.Network != "" && plan.Network != e.Network) {
		return nil, banx.Errorf(banx.ECONFLICT, "epoch %d was planned for %s issued by %s on %s; this run pays %s issued by %s on %s",
			epoch, plan.Currency, plan.Issuer, plan.Network, e.Currency, e.Issuer, orUnknown(e.Network))
	}
	all, err := e.Store.Payouts(ctx, epoch)
	if err != nil {
		return nil, err
	}
	e.report(epoch, all)
	var inflight []Payout
	for _, p := range all {
		if p.Status.InFlight() {
			inflight = append(inflight, p)
		}
	}
	if len(inflight) > 0 {
		if err := e.settle(ctx, epoch, inflight, false, newTracker(all)); err != nil {
			return nil, err
		}
		if all, err = e.Store.Payouts(ctx, epoch); err != nil {
			return nil, err
		}
	}
	batch := e.BatchSize
	if batch <= 0 {
		batch = 10
	}
	// This run holds the payout lock, so the stored payments change only
	// through it: the tracker follows them without reading every row back
	// after each batch.
	tr := newTracker(all)
	var signed []Payout
	for {
		if signed == nil {
			pending := tr.next(batch)
			if len(pending) == 0 {
				all, err = e.Store.Payouts(ctx, epoch)
				if err != nil {
					return nil, err
				}
				e.report(epoch, all)
				return all, nil
			}
			if signed, err = e.sign(ctx, rec, pending); err != nil {
				return nil, err
			}
		}
		live, err := e.submit(ctx, signed, tr)
		if err != nil {
			return nil, err
		}
		// The next batch is signed (and committed) while this one settles:
		// the open ledger already holds this batch, so the account's next
		// sequence number is known. Its payments are in flight from their
		// commit on, like any signed payment, whatever happens to this batch.
		signed = nil
		var next []Payout
		var signErr error
		done := make(chan struct{})
		if pending := tr.next(batch); len(pending) > 0 {
			go func() {
				defer close(done)
				next, signErr = e.sign(ctx, rec, pending)
			}()
		} else {
			close(done)
		}
		err = e.settle(ctx, epoch, live, true, tr)
		<-done
		if err != nil {
			return nil, err
		}
		if signErr != nil {
			return nil, signErr
		}
		signed = next
	}
}

// tracker is the run's view of its epoch's payments: their states, and the
// pending ones in id order, waiting to be signed.
type tracker struct {
	status  map[int64]Status
	byID    map[int64]Payout
	pending []int64
	total   int
}

func newTracker(all []Payout) *tracker {
	t := &tracker{status: make(map[int64]Status, len(all)), byID: make(map[int64]Payout, len(all)), total: len(all)}
	for _, p := range all {
		t.status[p.ID] = p.Status
		t.byID[p.ID] = p
		if p.Status == StatusPending {
			t.pending = append(t.pending, p.ID)
		}
	}
	return t
}

// next takes up to n pending payments, lowest id first.
func (t *tracker) next(n int) []Payout {
	slices.Sort(t.pending)
	n = min(n, len(t.pending))
	out := make([]Payout, n)
	for i, id := range t.pending[:n] {
		out[i] = t.byID[id]
	}
	t.pending = t.pending[n:]
	return out
}

func (t *tracker) set(id int64, s Status) {
	t.status[id] = s
	if s == StatusPending {
		t.pending = append(t.pending, id)
	}
}

func (t *tracker) progress(epoch uint64) Progress {
	pr := Progress{Epoch: epoch, Total: t.total}
	for _, s := range t.status {
		pr.count(s)
	}
	return pr
}

// sign signs pending payments with consecutive sequence numbers and commits
// blobs, hashes and LastLedgerSequence before anything is submitted. Signing
// is spread over the CPUs: it is the costly part of a big batch.
func (e *Executor) sign(ctx context.Context, rec *PlanRecord, pending []Payout) ([]Payout, error) {
	txs := make([]transaction.FlatTransaction, len(pending))
	for i, p := range pending {
		tx, err := e.payment(rec, p)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			if err := e.Ledger.Autofill(ctx, tx); err != nil {
				return nil, err
			}
		} else {
			for _, k := range []string{"Fee", "LastLedgerSequence", "NetworkID", "Flags"} {
				if v, ok := txs[0][k]; ok {
					tx[k] = v
				}
			}
			tx["Sequence"] = txs[0]["Sequence"].(uint32) + uint32(i)
		}
		txs[i] = tx
	}
	out := make([]Payout, len(pending))
	errs := make([]error, len(pending))
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), len(pending))
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(pending); i += workers {
				s, err := xrpl.Sign(txs[i], e.Wallet)
				if err != nil {
					errs[i] = err
					continue
				}
				p := pending[i]
				p.Status, p.TxHash, p.TxBlob, p.Sequence, p.LastLedgerSequence = StatusSigned, s.Hash, s.Blob, s.Sequence, s.LastLedgerSequence
				out[i] = p
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	signed := make([]Signed, len(out))
	for i, p := range out {
		signed[i] = Signed{ID: p.ID, TxHash: p.TxHash, TxBlob: p.TxBlob, Sequence: p.Sequence, LastLedgerSequence: p.LastLedgerSequence}
	}
	if err := e.Store.MarkSigned(ctx, signed); err != nil {
		return nil, err
	}
	e.hook(BoundarySigned)
	return out, nil
}

// payment builds p's Payment: exact amount, no partial-payment flag (so it
// delivers all or fails), and the epoch memo naming the plan root.
func (e *Executor) payment(rec *PlanRecord, p Payout) (transaction.FlatTransaction, error) {
	r, err := reward.ParseDecimal(p.Amount)
	if err != nil {
		return nil, banx.Wrap(banx.EINTERNAL, err, "payment %d amount", p.ID)
	}
	iou, rem, err := amount.FromRat(r, 15)
	if err != nil || rem.Sign() != 0 || iou.Sign() <= 0 {
		return nil, banx.Errorf(banx.EINTERNAL, "payment %d amount %s is not a positive 15-digit token amount", p.ID, p.Amount)
	}
	data, err := json.Marshal(Memo{Network: rec.Network, Epoch: rec.Epoch, Root: rec.Root, Author: p.Author})
	if err != nil {
		return nil, err
	}
	memos, err := xrpl.EncodeMemos(xrpl.Memo{Type: MemoType, Format: MemoFormat, Data: data})
	if err != nil {
		return nil, err
	}
	pay := &transaction.Payment{
		BaseTx:      transaction.BaseTx{Account: addrType(e.Wallet.ClassicAddress.String()), Memos: memos},
		Destination: addrType(p.Account),
		Amount:      types.IssuedCurrencyAmount{Currency: e.Currency, Issuer: addrType(e.Issuer), Value: iou.String()},
	}
	return pay.Flatten(), nil
}

// submit sends each signed blob once and records the provisional answers. A
// blob the node refused as malformed (tem) can never apply: it is final at once.
// It returns the payments still in flight.
func (e *Executor) submit(ctx context.Context, signed []Payout, tr *tracker) ([]Payout, error) {
	ids := make([]int64, 0, len(signed))
	results := make([]string, 0, len(signed))
	var malformed []Outcome
	live := make([]Payout, 0, len(signed))
	answers := make([]*xrpl.SubmitResult, len(signed))
	errs := make([]error, len(signed))
	// In order: consecutive sequence numbers of one account must reach the
	// node in order, or every blob after the first overtaken one is held
	// (terPRE_SEQ) until the next ledger.
	all := make([]int, len(signed))
	for i := range all {
		all[i] = i
	}
	e.submitInOrder(ctx, signed, all, answers, errs)
	// Blobs a node saw out of order anyway were held (terPRE_SEQ); their
	// predecessors are in the open ledger now, so resubmitting them in order
	// gets the whole batch into the same ledger.
	for pass := 0; pass < 3; pass++ {
		var again []int
		for i, res := range answers {
			if errs[i] == nil && res != nil && res.EngineResult == "terPRE_SEQ" {
				again = append(again, i)
			}
		}
		if len(again) == 0 {
			break
		}
		e.submitInOrder(ctx, signed, again, answers, errs)
	}
	for i, p := range signed {
		res, err := answers[i], errs[i]
		if err != nil {
			if banx.ErrorCode(err) == banx.EUNAVAILABLE {
				live = append(live, p) // the settle loop resubmits it while it can still apply
				continue
			}
			return nil, err
		}
		if strings.HasPrefix(res.EngineResult, "tem") {
			malformed = append(malformed, Outcome{ID: p.ID, Status: StatusFailed, Result: res.EngineResult,
				Reason: "the ledger refused the payment as malformed (" + res.EngineResult + ": " + res.EngineResultMessage + "); it never applied and its amount is carried to the next epoch"})
			continue
		}
		live = append(live, p)
		ids = append(ids, p.ID)
		results = append(results, res.EngineResult)
	}
	if err := e.Store.MarkSubmitted(ctx, ids, results); err != nil {
		return nil, err
	}
	if len(malformed) > 0 {
		if err := e.Store.MarkFinal(ctx, malformed); err != nil {
			return nil, err
		}
		for _, o := range malformed {
			tr.set(o.ID, o.Status)
		}
	}
	for _, p := range live {
		tr.set(p.ID, StatusSubmitted)
	}
	e.hook(BoundarySubmitted)
	return live, nil
}

// submitInOrder submits signed[i] for each i of idx, in that order, and
// stores the answers. With Pipeline > 1 and a Ledger that can, many are in
// flight at once on one ordered stream; the crash hook still sees each answer.
func (e *Executor) submitInOrder(ctx context.Context, signed []Payout, idx []int, answers []*xrpl.SubmitResult, errs []error) {
	if s, ok := e.Ledger.(OrderedSubmitter); ok && e.Pipeline > 1 {
		blobs := make([]string, len(idx))
		for j, i := range idx {
			blobs[j] = signed[i].TxBlob
		}
		res, errs2 := s.SubmitInOrder(ctx, blobs, e.Pipeline, func(int) { e.hook(BoundarySubmit) })
		for j, i := range idx {
			answers[i], errs[i] = res[j], errs2[j]
		}
		return
	}
	for _, i := range idx {
		answers[i], errs[i] = e.Ledger.Submit(ctx, signed[i].TxBlob)
		e.hook(BoundarySubmit)
	}
}

// settle waits until every given in-flight payment is final or expired. Its
// order of reads makes "expired" safe: the validated ledger index is read
// before the transaction is looked up, so a transaction not found is not in
// any ledger up to that index, and past LastLedgerSequence it never will be.
func (e *Executor) settle(ctx context.Context, epoch uint64, inflight []Payout, fresh bool, tr *tracker) error {
	pending := inflight
	submittedAt := map[int64]uint32{}
	var scanned uint32 // newest validated ledger read whole
	for len(pending) > 0 {
		if fresh {
			if err := e.nextLedger(ctx); err != nil {
				return err
			}
		}
		fresh = true
		hdr, err := e.Ledger.Ledger(ctx)
		if err != nil {
			return err
		}
		var finals []Outcome
		var expired []int64
		var still, resubmit []Payout
		known, err := e.ledgerTxs(ctx, scanned, hdr.Index)
		if err != nil {
			return err
		}
		scanned = hdr.Index
		txs := make([]*xrpl.Transaction, len(pending))
		errs := make([]error, len(pending))
		var lookup []int
		for i, p := range pending {
			if tx, ok := known[strings.ToUpper(p.TxHash)]; ok {
				txs[i] = tx
			} else {
				lookup = append(lookup, i)
			}
		}
		e.parallel(len(lookup), func(j int) {
			i := lookup[j]
			txs[i], errs[i] = e.Ledger.Tx(ctx, pending[i].TxHash)
		})
		for i, p := range pending {
			tx, err := txs[i], errs[i]
			if err != nil && !xrpl.IsNotFound(err) {
				return err
			}
			switch {
			case tx != nil && tx.Validated:
				finals = append(finals, e.outcome(p, tx))
				e.hook(BoundaryValidated)
			case hdr.Index > p.LastLedgerSequence:
				expired = append(expired, p.ID)
			default:
				still = append(still, p)
				if tx == nil && submittedAt[p.ID] < hdr.Index {
					resubmit = append(resubmit, p)
				}
			}
		}
		if len(finals) > 0 {
			if err := e.Store.MarkFinal(ctx, finals); err != nil {
				return err
			}
			for _, o := range finals {
				tr.set(o.ID, o.Status)
			}
			e.hook(BoundaryFinal)
		}
		if len(expired) > 0 {
			if err := e.provenAbsent(ctx, pending, expired, hdr.Index); err != nil {
				return err
			}
			if err := e.Store.MarkExpired(ctx, expired, hdr.Index); err != nil {
				return err
			}
			for _, id := range expired {
				tr.set(id, StatusPending)
			}
			e.hook(BoundaryExpired)
		}
		// Not found and still able to apply: the node may never have received
		// it (a crash between commit and submit). The same blob is always safe.
		for _, p := range resubmit {
			if _, err := e.Ledger.Submit(ctx, p.TxBlob); err != nil && banx.ErrorCode(err) != banx.EUNAVAILABLE {
				return err
			}
			submittedAt[p.ID] = hdr.Index
		}
		if (len(finals) > 0 || len(expired) > 0) && e.Progress != nil {
			e.Progress(tr.progress(epoch))
		}
		pending = still
	}
	return nil
}

// ledgerTxs reads the validated ledgers after scanned up to validated (at most
// the newest maxLedgerScan) whole, when the node can, and returns their
// transactions by hash. A ledger it cannot read is left to lookups by hash.
func (e *Executor) ledgerTxs(ctx context.Context, scanned, validated uint32) (map[string]*xrpl.Transaction, error) {
	r, ok := e.Ledger.(LedgerReader)
	if !ok || validated == 0 {
		return nil, nil
	}
	// The first round reads the newest ledger only: a fresh batch is in it, and
	// a batch left by an earlier run may be anywhere.
	from := scanned + 1
	switch {
	case scanned == 0 || from > validated:
		from = validated
	case validated-from >= maxLedgerScan:
		from = validated - maxLedgerScan + 1
	}
	known := map[string]*xrpl.Transaction{}
	for idx := from; idx <= validated; idx++ {
		lt, err := r.LedgerResults(ctx, idx)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			continue
		}
		for _, tx := range lt.Transactions {
			if tx.Validated {
				known[tx.Hash] = tx
			}
		}
	}
	return known, nil
}

// MaxLedgerOffset bounds how far past the validated ledger a payment's
// LastLedgerSequence may be set; xrpl's default is 20. It is how far back a
// node's history must reach for "not found" to prove a payment never applied.
const MaxLedgerOffset = 256

// provenAbsent checks that the node's "not found" means what expiry needs: a
// node missing some of the ledgers in which a payment could have applied
// (LastLedgerSequence - MaxLedgerOffset up to the newest validated ledger)
// answers txnNotFound for transactions it simply does not hold. Re-signing on
// its word could pay twice, so the run stops instead.
func (e *Executor) provenAbsent(ctx context.Context, pending []Payout, ids []int64, validated uint32) error {
	info, err := e.Ledger.ServerInfo(ctx)
	if err != nil {
		return err
	}
	dead := map[int64]bool{}
	for _, id := range ids {
		dead[id] = true
	}
	for _, p := range pending {
		if !dead[p.ID] {
			continue
		}
		from := uint32(1)
		if p.LastLedgerSequence > MaxLedgerOffset {
			from = p.LastLedgerSequence - MaxLedgerOffset
		}
		if info.Ledgers.Min > from || info.Ledgers.Max < validated {
			return banx.Errorf(banx.EUNAVAILABLE, "payment %d (tx %s): the node holds ledgers %d-%d only, so it cannot prove the transaction never applied in %d-%d; use a node with that history before payouts resume",
				p.ID, p.TxHash, info.Ledgers.Min, info.Ledgers.Max, from, validated)
		}
	}
	return nil
}

// nextLedger lets a ledger close: standalone nodes are told to, live networks
// are given the poll interval.
func (e *Executor) nextLedger(ctx context.Context) error {
	if e.Standalone {
		_, err := e.Ledger.AcceptLedger(ctx)
		return err
	}
	d := e.PollInterval
	if d <= 0 {
		d = time.Second
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// outcome turns a validated transaction into the payment's final state,
// reconciling with delivered_amount, never with Amount.
func (e *Executor) outcome(p Payout, tx *xrpl.Transaction) Outcome {
	o := Outcome{ID: p.ID, Result: tx.Result, LedgerIndex: tx.LedgerIndex}
	if tx.Result != "tesSUCCESS" {
		o.Status, o.Reason = explain(tx.Result)
		return o
	}
	o.Status = StatusPaid
	d := tx.DeliveredAmount
	if d == nil || d.Currency != e.Currency || d.Issuer != e.Issuer {
		o.Delivered = "0"
		o.Reason = "the ledger reports no delivered_amount in " + e.Currency + ": nothing is counted as delivered, the amount is carried"
		return o
	}
	got, err := ratOf(d.Value)
	if err != nil {
		o.Delivered, o.Reason = "0", "unreadable delivered_amount "+d.Value
		return o
	}
	o.Delivered = ratString(got)
	if want, err := reward.ParseDecimal(p.Amount); err == nil && got.Cmp(want) < 0 {
		o.Reason = "delivered " + o.Delivered + " of " + p.Amount + "; the rest is carried to the next epoch"
	}
	return o
}

// explain classifies a final tec result and says what it means for the author.
func explain(result string) (Status, string) {
	switch result {
	case "tecPATH_DRY", "tecNO_LINE":
		return StatusDeferred, result + ": the recipient has no trust line for BXE to the issuer, or its limit is too low; the amount is deferred to the next epoch (add a trust line: `banx token trustline` or POST /api/v1/token/trustline/prepare)"
	case "tecNO_AUTH":
		return StatusDeferred, result + ": the recipient's trust line is not authorised; the amount is deferred to the next epoch"
	case "tecNO_DST", "tecNO_DST_INSUF_XRP":
		return StatusDeferred, result + ": the recipient account does not exist; the amount is deferred to the next epoch"
	case "tecDST_TAG_NEEDED", "tecNO_PERMISSION", "tecFROZEN":
		return StatusDeferred, result + ": the recipient account does not accept this payment; the amount is deferred to the next epoch"
	case "tecUNFUNDED_PAYMENT", "tecPATH_PARTIAL":
		return StatusFailed, result + ": the distribution account does not hold enough BXE (see `banx token status`); the amount is carried to the next epoch"
	case "tecINSUFFICIENT_RESERVE", "tecINSUF_RESERVE_LINE":
		return StatusFailed, result + ": the distribution account lacks XRP for reserves or fees; the amount is carried to the next epoch"
	}
	return StatusFailed, result + ": the payment failed for good in a validated ledger (fee spent); the amount is carried to the next epoch"
}

func (e *Executor) hook(b string) {
	if e.Hook != nil {
		e.hookMu.Lock()
		defer e.hookMu.Unlock()
		e.Hook(b)
	}
}

// parallel runs fn(0..n-1) with at most Concurrency calls in flight, started
// in index order. Lookups overlap so the node's work, the client's decoding
// and the network's latency are spread over the CPUs.
func (e *Executor) parallel(n int, fn func(i int)) {
	workers := e.Concurrency
	if workers <= 0 {
		workers = 1
	}
	workers = min(workers, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

func (e *Executor) report(epoch uint64, all []Payout) {
	if e.Progress == nil {
		return
	}
	e.Progress(Summarize(epoch, all))
}

// Summarize counts payments by state.
func Summarize(epoch uint64, all []Payout) Progress {
	pr := Progress{Epoch: epoch, Total: len(all)}
	for _, p := range all {
		pr.count(p.Status)
	}
	return pr
}

func (pr *Progress) count(s Status) {
	switch {
	case s == StatusPending:
		pr.Pending++
	case s.InFlight():
		pr.InFlight++
	case s == StatusPaid:
		pr.Paid++
	case s == StatusDeferred:
		pr.Deferred++
	case s == StatusFailed:
		pr.Failed++
	}
}

func orUnknown(s string) string {
	if s == "" {
		return "an unnamed network"
	}
	return s
}
