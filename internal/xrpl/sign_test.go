package xrpl_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/Peersyst/xrpl-go/pkg/crypto"
	"github.com/Peersyst/xrpl-go/xrpl/transaction"
	"github.com/Peersyst/xrpl-go/xrpl/transaction/types"
	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/internal/xrpl"
)

// TestFastSignMatchesWallet signs the same transactions with the fast path
// and with xrpl-go's wallet.Sign (both signature schemes are deterministic)
// and requires identical blobs and hashes, or that the fast path declines.
func TestFastSignMatchesWallet(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, name := range []string{"secp256k1", "ed25519"} {
		w, err := wallet.New(crypto.ED25519())
		if name == "secp256k1" {
			w, err = wallet.New(crypto.SECP256K1())
		}
		if err != nil {
			t.Fatal(err)
		}
		dest, _ := wallet.New(crypto.ED25519())
		memos, err := xrpl.EncodeMemos(xrpl.Memo{Type: "https://banx.media/payout/v1", Format: "application/json", Data: []byte(`{"epoch":3}`)})
		if err != nil {
			t.Fatal(err)
		}
		values := []string{"1", "0.5", "-3.25", "123456789012345.6", "1234567890123456", "0.000000000000000001", "1000000", "1.0", "1e5", "0.0", "12345678901234567"}
		for i := 0; i < 40; i++ {
			values = append(values, fmt.Sprintf("%d.%06d", r.Uint64N(1e9), r.Uint64N(1e6)))
		}
		txs := map[string]transaction.FlatTransaction{
			"xrp": (&transaction.Payment{BaseTx: transaction.BaseTx{Account: w.ClassicAddress, Memos: memos},
				Destination: dest.ClassicAddress, Amount: types.XRPCurrencyAmount(1234)}).Flatten(),
			"trustset": (&transaction.TrustSet{BaseTx: transaction.BaseTx{Account: w.ClassicAddress},
				LimitAmount: types.IssuedCurrencyAmount{Currency: "BXE", Issuer: dest.ClassicAddress, Value: "1000000000"}}).Flatten(),
			"accountset": (&transaction.AccountSet{BaseTx: transaction.BaseTx{Account: w.ClassicAddress}, SetFlag: 8}).Flatten(),
		}
		for i, v := range values {
			txs[fmt.Sprintf("iou-%d-%s", i, v)] = (&transaction.Payment{BaseTx: transaction.BaseTx{Account: w.ClassicAddress, Memos: memos},
				Destination: dest.ClassicAddress, Amount: types.IssuedCurrencyAmount{Currency: "BXE", Issuer: dest.ClassicAddress, Value: v}}).Flatten()
		}
		fast := 0
		for txName, tx := range txs {
			tx["Fee"], tx["Sequence"], tx["LastLedgerSequence"] = "12", uint32(7+r.IntN(1000)), uint32(40)
			t.Run(name+"/"+txName, func(t *testing.T) {
				wantBlob, wantHash, werr := w.Sign(tx)
				blob, hash, ok, err := xrpl.FastSign(tx, &w)
				if !ok {
					return
				}
				fast++
				if (werr != nil) != (err != nil) {
					t.Fatalf("xrpl-go error %v, fast error %v", werr, err)
				}
				if blob != wantBlob || hash != wantHash {
					t.Fatalf("fast  %s %s\nwant %s %s", hash, blob, wantHash, wantBlob)
				}
			})
		}
		if fast < len(txs)-5 {
			t.Fatalf("%s: fast path taken for %d of %d transactions", name, fast, len(txs))
		}
	}
}
