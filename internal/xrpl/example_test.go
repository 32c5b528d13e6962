package xrpl_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/Peersyst/xrpl-go/xrpl/transaction"
	"github.com/Peersyst/xrpl-go/xrpl/transaction/types"
	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/internal/xrpl"
)

// A reliable payment: prepare (autofill + sign), persist the hash, submit and wait,
// then act on the final outcome only.
func Example() {
	ctx := context.Background()
	c, err := xrpl.Dial(ctx, "http://127.0.0.1:5005/")
	if err != nil {
		log.Fatal(err) // banx.EUNAVAILABLE naming the URL
	}
	defer c.Close()

	payer, err := wallet.FromSeed("snoPBrXtMeMyMHUVTgbuqAfg1SUTb", "")
	if err != nil {
		log.Fatal(err)
	}
	memos, err := xrpl.EncodeMemos(xrpl.Memo{Type: "banx/payout", Format: "application/json", Data: []byte(`{"epoch":7}`)})
	if err != nil {
		log.Fatal(err)
	}
	s, err := c.Prepare(ctx, &transaction.Payment{
		BaseTx:      transaction.BaseTx{Memos: memos},
		Destination: "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe",
		Amount:      types.IssuedCurrencyAmount{Currency: "BXE", Issuer: "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh", Value: "12.5"},
	}, &payer)
	if err != nil {
		log.Fatal(err)
	}
	// Store s.Hash, s.Blob and s.LastLedgerSequence here: after a crash,
	// c.Wait(ctx, s.Hash, s.LastLedgerSequence) says what happened.

	tx, err := c.SubmitSignedAndWait(ctx, s)
	switch {
	case err == nil:
		fmt.Println("paid", tx.DeliveredAmount.Value, "in ledger", tx.LedgerIndex)
	case xrpl.IsTec(err):
		fmt.Println("final failure, fee burned:", err) // e.g. tecPATH_DRY: no trust line
	case errors.Is(err, xrpl.ErrExpired):
		fmt.Println("never applied; safe to prepare a new one")
	default:
		log.Fatal(err) // tem/tef (never applied), or the node is unavailable: Wait again later
	}
}
