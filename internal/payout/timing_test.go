package payout_test

import (
	"context"
	"sync"
	"time"

	"github.com/Peersyst/xrpl-go/xrpl/transaction"

	"github.com/banxmedia/banx/internal/payout"
	"github.com/banxmedia/banx/internal/xrpl"
)

// timingLedger measures where a benchmarked payout run spends its time, call
// by call (BANX_BENCH_TRACE=1).
type timingLedger struct {
	inner payout.Ledger
	mu    sync.Mutex
	d     map[string]time.Duration
	n     map[string]int
	max   map[string]time.Duration
}

func (t *timingLedger) rec(name string, start time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.d == nil {
		t.d, t.n, t.max = map[string]time.Duration{}, map[string]int{}, map[string]time.Duration{}
	}
	el := time.Since(start)
	t.d[name] += el
	t.n[name]++
	if el > t.max[name] {
		t.max[name] = el
	}
}

func (t *timingLedger) Autofill(ctx context.Context, tx transaction.FlatTransaction) error {
	defer t.rec("autofill", time.Now())
	return t.inner.Autofill(ctx, tx)
}
func (t *timingLedger) Submit(ctx context.Context, blob string) (*xrpl.SubmitResult, error) {
	defer t.rec("submit", time.Now())
	return t.inner.Submit(ctx, blob)
}
func (t *timingLedger) Tx(ctx context.Context, h string) (*xrpl.Transaction, error) {
	defer t.rec("tx", time.Now())
	return t.inner.Tx(ctx, h)
}
func (t *timingLedger) Ledger(ctx context.Context) (*xrpl.LedgerHeader, error) {
	defer t.rec("ledger", time.Now())
	return t.inner.Ledger(ctx)
}
func (t *timingLedger) AcceptLedger(ctx context.Context) (uint32, error) {
	defer t.rec("accept", time.Now())
	return t.inner.AcceptLedger(ctx)
}

func (t *timingLedger) ServerInfo(ctx context.Context) (xrpl.ServerInfo, error) {
	defer t.rec("info", time.Now())
	return t.inner.ServerInfo(ctx)
}
