package xrpl

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/Peersyst/xrpl-go/xrpl/queries/transactions"

	"github.com/banxmedia/banx/internal/banx"
)

// Transaction is a transaction as the node knows it. Until Validated is true,
// nothing about its outcome is final.
type Transaction struct {
	Hash               string
	Type               string // TransactionType, e.g. "Payment"
	Account            string
	Destination        string // empty when the type has none
	Sequence           uint32
	Fee                uint64 // drops
	LastLedgerSequence uint32
	Amount             *Amount // Payment: the amount asked for (Amount / DeliverMax)
	Memos              []Memo

	Validated       bool
	Result          string    // meta.TransactionResult; "" until it is in a ledger
	LedgerIndex     uint32    // set once validated
	CloseTime       time.Time // close time of that ledger, set once validated
	DeliveredAmount *Amount   // Payment: what actually arrived; read this, not Amount

	TxJSON json.RawMessage // all fields as the node sent them
}

type wireTx struct {
	Hash         *string         `json:"hash"`
	LedgerIndex  *uint32         `json:"ledger_index"`
	CloseTimeISO string          `json:"close_time_iso"`
	Validated    bool            `json:"validated"`
	TxJSON       json.RawMessage `json:"tx_json"`
	Meta         *struct {
		TransactionResult *string         `json:"TransactionResult"`
		DeliveredAmount   json.RawMessage `json:"delivered_amount"`
	} `json:"meta"`
}

type wireTxFields struct {
	Account            *string         `json:"Account"`
	TransactionType    *string         `json:"TransactionType"`
	Fee                *string         `json:"Fee"`
	Sequence           *uint32         `json:"Sequence"`
	LastLedgerSequence uint32          `json:"LastLedgerSequence"`
	Destination        string          `json:"Destination"`
	Amount             json.RawMessage `json:"Amount"`
	DeliverMax         json.RawMessage `json:"DeliverMax"`
	Date               *int64          `json:"date"`
	Memos              []struct {
		Memo struct {
			MemoType   string `json:"MemoType"`
			MemoFormat string `json:"MemoFormat"`
			MemoData   string `json:"MemoData"`
		} `json:"Memo"`
	} `json:"Memos"`
}

// Tx looks a transaction up by hash (tx). An unknown hash is an *RPCError
// txnNotFound (banx.ENOTFOUND); that is not final: it may still be submitted or
// applied until a validated ledger passes its LastLedgerSequence.
func (c *Client) Tx(ctx context.Context, hash string) (*Transaction, error) {
	if !hashPattern.MatchString(hash) {
		return nil, banx.Errorf(banx.EINVALID, "transaction hash %q is not 64 hex characters", hash)
	}
	var w wireTx
	if err := c.call(ctx, &transactions.TxRequest{Transaction: strings.ToUpper(hash)}, &w, true); err != nil {
		return nil, err
	}
	t, err := w.parse(hash)
	if err != nil {
		return nil, malformed(c.url, "tx", err)
	}
	return t, nil
}

func (w wireTx) parse(hash string) (*Transaction, error) {
	if w.Hash == nil || !strings.EqualFold(*w.Hash, hash) {
		return nil, fmt.Errorf("hash is not %s", hash)
	}
	if len(w.TxJSON) == 0 {
		return nil, errors.New(`missing "tx_json" (API v2)`)
	}
	var f wireTxFields
	if err := json.Unmarshal(w.TxJSON, &f); err != nil {
		return nil, fmt.Errorf("tx_json: %w", err)
	}
	if f.Account == nil || f.TransactionType == nil || f.Fee == nil || f.Sequence == nil {
		return nil, errors.New("tx_json: Account, TransactionType, Fee and Sequence are required")
	}
	fee, err := strconv.ParseUint(*f.Fee, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("tx_json.Fee %q is not drops", *f.Fee)
	}
	t := &Transaction{
		Hash: strings.ToUpper(*w.Hash), Type: *f.TransactionType, Account: *f.Account, Destination: f.Destination,
		Sequence: *f.Sequence, Fee: fee, LastLedgerSequence: f.LastLedgerSequence,
		Validated: w.Validated, TxJSON: w.TxJSON,
	}
	amount := f.DeliverMax
	if len(amount) == 0 {
		amount = f.Amount
	}
	if t.Amount, err = parseAmount(amount); err != nil {
		return nil, fmt.Errorf("tx_json.Amount: %w", err)
	}
	for i, m := range f.Memos {
		memo, err := decodeMemo(m.Memo.MemoType, m.Memo.MemoFormat, m.Memo.MemoData)
		if err != nil {
			return nil, fmt.Errorf("tx_json.Memos[%d]: %w", i, err)
		}
		t.Memos = append(t.Memos, memo)
	}
	if w.Meta != nil {
		if w.Meta.TransactionResult == nil {
			return nil, errors.New("meta.TransactionResult missing")
		}
		t.Result = *w.Meta.TransactionResult
		if !strings.EqualFold(string(w.Meta.DeliveredAmount), `"unavailable"`) {
			if t.DeliveredAmount, err = parseAmount(w.Meta.DeliveredAmount); err != nil {
				return nil, fmt.Errorf("meta.delivered_amount: %w", err)
			}
		}
	}
	if !w.Validated {
		return t, nil
	}
	switch {
	case w.Meta == nil:
		return nil, errors.New("validated transaction without meta")
	case w.LedgerIndex == nil || *w.LedgerIndex == 0:
		return nil, errors.New("validated transaction without ledger_index")
	}
	t.LedgerIndex = *w.LedgerIndex
	switch {
	case f.Date != nil:
		t.CloseTime = rippleTime(*f.Date)
	case w.CloseTimeISO != "":
		ct, err := time.Parse(time.RFC3339, w.CloseTimeISO)
		if err != nil {
			return nil, fmt.Errorf("close_time_iso %q: %w", w.CloseTimeISO, err)
		}
		t.CloseTime = ct.UTC()
	default:
		return nil, errors.New("validated transaction without tx_json.date or close_time_iso")
	}
	return t, nil
}
