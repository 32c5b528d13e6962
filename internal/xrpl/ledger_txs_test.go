package xrpl_test

import (
	"testing"

	"github.com/Peersyst/xrpl-go/xrpl/transaction"
	"github.com/Peersyst/xrpl-go/xrpl/transaction/types"

	"github.com/banxmedia/banx/internal/amount"
	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/xrpl"
)

// TestLedgerTransactions reads validated ledgers with their transactions in
// one request and checks each matches what a tx lookup of its hash says.
func TestLedgerTransactions(t *testing.T) {
	transports(t, nil, func(t *testing.T, c *xrpl.Client) {
		ctx := testContext(t)
		alice := fund(t, ctx, c, 50_000_000, ed25519)
		newcomer := newWallet(t, secp)
		short := &transaction.Payment{Destination: newcomer.ClassicAddress, Amount: types.XRPCurrencyAmount(c.Info().ReserveBase - 1)}
		if _, err := c.SubmitAndWait(ctx, short, alice); !xrpl.IsTec(err) {
			t.Fatalf("short payment: %v, want a tec", err)
		}
		memo := xrpl.Memo{Type: "https://banx.media/test", Format: "text/plain", Data: []byte("ledger txs")}
		memos, err := xrpl.EncodeMemos(memo)
		if err != nil {
			t.Fatal(err)
		}
		pay := &transaction.Payment{BaseTx: transaction.BaseTx{Memos: memos}, Destination: genesisAddress, Amount: types.XRPCurrencyAmount(1_234)}
		paid, err := c.SubmitAndWait(ctx, pay, alice)
		if err != nil {
			t.Fatal(err)
		}
		hdr, err := c.Ledger(ctx)
		if err != nil {
			t.Fatal(err)
		}

		t.Run("OK", func(t *testing.T) {
			seen := map[string]bool{}
			for idx := uint32(2); idx <= hdr.Index; idx++ {
				lt, err := c.LedgerTransactions(ctx, idx)
				if err != nil {
					t.Fatalf("ledger %d: %v", idx, err)
				}
				if lt.Header.Index != idx || !lt.Header.Validated {
					t.Fatalf("ledger %d: header %+v", idx, lt.Header)
				}
				if idx == hdr.Index && (lt.Header.Hash != hdr.Hash || lt.Header.ParentHash != hdr.ParentHash ||
					!lt.Header.CloseTime.Equal(hdr.CloseTime) || lt.Header.TotalCoins != hdr.TotalCoins) {
					t.Errorf("ledger %d header %+v, ledger says %+v", idx, lt.Header, *hdr)
				}
				for _, got := range lt.Transactions {
					seen[got.Hash] = true
					want, err := c.Tx(ctx, got.Hash)
					if err != nil {
						t.Fatal(err)
					}
					if !got.Validated || got.LedgerIndex != idx || got.Result != want.Result || got.Sequence != want.Sequence ||
						got.Account != want.Account || got.Destination != want.Destination || !got.CloseTime.Equal(want.CloseTime) ||
						got.Fee != want.Fee || len(got.Memos) != len(want.Memos) {
						t.Errorf("ledger %d tx %s:\n got %+v\nwant %+v", idx, got.Hash, got, want)
					}
					if (got.DeliveredAmount == nil) != (want.DeliveredAmount == nil) ||
						(got.DeliveredAmount != nil && *got.DeliveredAmount != *want.DeliveredAmount) {
						t.Errorf("tx %s delivered %+v, tx says %+v", got.Hash, got.DeliveredAmount, want.DeliveredAmount)
					}
				}
			}
			if !seen[paid.Hash] {
				t.Errorf("payment %s is in no ledger up to %d", paid.Hash, hdr.Index)
			}
			lt, err := c.LedgerTransactions(ctx, paid.LedgerIndex)
			if err != nil {
				t.Fatal(err)
			}
			for _, got := range lt.Transactions {
				if got.Hash == paid.Hash && (got.Result != "tesSUCCESS" || got.DeliveredAmount == nil || got.DeliveredAmount.Value != "1234" ||
					len(got.Memos) != 1 || string(got.Memos[0].Data) != "ledger txs") {
					t.Errorf("payment in ledger %d: %+v", paid.LedgerIndex, got)
				}
			}
		})
		t.Run("Results", func(t *testing.T) {
			for idx := uint32(2); idx <= hdr.Index; idx++ {
				full, err := c.LedgerTransactions(ctx, idx)
				if err != nil {
					t.Fatal(err)
				}
				lite, err := c.LedgerResults(ctx, idx)
				if err != nil {
					t.Fatalf("ledger %d: %v", idx, err)
				}
				if lite.Header != full.Header || len(lite.Transactions) != len(full.Transactions) {
					t.Fatalf("ledger %d: results %+v, transactions %+v", idx, lite, full)
				}
				for i, got := range lite.Transactions {
					want := full.Transactions[i]
					if got.Hash != want.Hash || got.Result != want.Result || got.LedgerIndex != want.LedgerIndex ||
						!got.Validated || !got.CloseTime.Equal(want.CloseTime) || !sameAmount(got.DeliveredAmount, want.DeliveredAmount) {
						t.Errorf("ledger %d tx %d:\n got %+v\nwant %+v", idx, i, got, want)
					}
				}
			}
			if _, err := c.LedgerResults(ctx, hdr.Index+1); banx.ErrorCode(err) != banx.ENOTFOUND {
				t.Fatalf("open ledger %d: %v, want ENOTFOUND", hdr.Index+1, err)
			}
		})
		t.Run("ErrNotValidated", func(t *testing.T) {
			_, err := c.LedgerTransactions(ctx, hdr.Index+1)
			if banx.ErrorCode(err) != banx.ENOTFOUND {
				t.Fatalf("open ledger %d: %v, want ENOTFOUND", hdr.Index+1, err)
			}
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			_, err := c.LedgerTransactions(ctx, hdr.Index+1000)
			if !xrpl.IsNotFound(err) {
				t.Fatalf("ledger %d: %v, want lgrNotFound", hdr.Index+1000, err)
			}
		})
		t.Run("ErrInvalid", func(t *testing.T) {
			if _, err := c.LedgerTransactions(ctx, 0); banx.ErrorCode(err) != banx.EINVALID {
				t.Fatalf("ledger 0: %v, want EINVALID", err)
			}
		})
	})
}

// sameAmount compares amounts by value: token values may be spelled two ways.
func sameAmount(a, b *xrpl.Amount) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Currency != b.Currency || a.Issuer != b.Issuer || a.MPTIssuanceID != b.MPTIssuanceID {
		return false
	}
	x, err1 := amount.ParseIOU(a.Value)
	y, err2 := amount.ParseIOU(b.Value)
	return err1 == nil && err2 == nil && x.Equal(y)
}
