package xrpl_test

import (
	"context"
	"testing"
	"time"

	"github.com/Peersyst/xrpl-go/xrpl/transaction"
	"github.com/Peersyst/xrpl-go/xrpl/transaction/types"
)

// BenchmarkSubmitAndWait measures complete reliable submissions against the embedded
// ledger over loopback: server_info + account_info (autofill), sign, submit, then
// ledger/tx polling with ledger_accept until validated. "parallel" runs GOMAXPROCS
// submitters from one account through one Client (requests pipelined on one
// WebSocket for ws-parallel).
//
//	go test ./internal/xrpl -run '^$' -bench SubmitAndWait -benchtime 200x
func BenchmarkSubmitAndWait(b *testing.B) {
	l := startLedger(b, nil)
	for _, bc := range []struct {
		name, url string
		parallel  bool
	}{
		{"http", l.HTTPURL, false},
		{"ws", l.WSURL, false},
		{"http-parallel", l.HTTPURL, true},
		{"ws-parallel", l.WSURL, true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			c := dial(b, bc.url)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			from := genesis(b)
			to := newWallet(b, secp)
			create := &transaction.Payment{Destination: to.ClassicAddress, Amount: types.XRPCurrencyAmount(1_000_000_000)}
			if _, err := c.SubmitAndWait(ctx, create, from); err != nil {
				b.Fatal(err)
			}
			pay := func() {
				p := &transaction.Payment{Destination: to.ClassicAddress, Amount: types.XRPCurrencyAmount(1_000)}
				if _, err := c.SubmitAndWait(ctx, p, from); err != nil {
					b.Error(err)
				}
			}
			b.ResetTimer()
			start := time.Now()
			if bc.parallel {
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						pay()
					}
				})
			} else {
				for i := 0; i < b.N; i++ {
					pay()
				}
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "tx/s")
		})
	}
}
