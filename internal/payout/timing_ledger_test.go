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
