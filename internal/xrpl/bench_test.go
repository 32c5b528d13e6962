package xrpl_test

import (
	"context"
	"testing"
	"time"

	"github.com/Peersyst/xrpl-go/xrpl/transaction"
	"github.com/Peersyst/xrpl-go/xrpl/transaction/types"
)

// BenchmarkSubmitAndWait measures one complete reliable submission over loopback
// JSON-RPC against the embedded ledger: server_info + account_info (autofill), sign,
// submit, then ledger/tx polling with ledger_accept until validated.
//
//	go test ./internal/xrpl -run '^$' -bench SubmitAndWait -benchtime 200x
func BenchmarkSubmitAndWait(b *testing.B) {
	l := startLedger(b, nil)
	c := dial(b, l.HTTPURL)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	from := genesis(b)
	to := newWallet(b, secp)
	pay := &transaction.Payment{Destination: to.ClassicAddress, Amount: types.XRPCurrencyAmount(1_000_000_000)}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if _, err := c.SubmitAndWait(ctx, pay, from); err != nil {
			b.Fatal(err)
		}
		pay.Amount = types.XRPCurrencyAmount(1_000_000) // the first payment created the account
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "tx/s")
}
