package payout_test

import (
	"context"
	"time"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/payout"
	"github.com/banxmedia/banx/internal/xrpl"
)

// LedgerResults passes whole-ledger reads through, so a traced run settles
// as an untraced one does.
func (t *timingLedger) LedgerResults(ctx context.Context, index uint32) (*xrpl.LedgerTxs, error) {
	defer t.rec("ledgertxs", time.Now())
	r, ok := t.inner.(payout.LedgerReader)
	if !ok {
		return nil, banx.Errorf(banx.EUNAVAILABLE, "the traced ledger cannot read whole ledgers")
	}
	return r.LedgerResults(ctx, index)
}

// SubmitInOrder passes pipelined submission through, timing the whole stream.
func (t *timingLedger) SubmitInOrder(ctx context.Context, blobs []string, window int, onAnswer func(int)) ([]*xrpl.SubmitResult, []error) {
	defer t.rec("submit-in-order", time.Now())
	if s, ok := t.inner.(payout.OrderedSubmitter); ok {
		return s.SubmitInOrder(ctx, blobs, window, onAnswer)
	}
	res, errs := make([]*xrpl.SubmitResult, len(blobs)), make([]error, len(blobs))
	for i, b := range blobs {
		res[i], errs[i] = t.inner.Submit(ctx, b)
		onAnswer(i)
	}
	return res, errs
}
