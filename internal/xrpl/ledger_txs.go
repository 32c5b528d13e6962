package xrpl

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/Peersyst/xrpl-go/xrpl/queries/common"
	"github.com/Peersyst/xrpl-go/xrpl/queries/ledger"

	"github.com/banxmedia/banx/internal/banx"
)

// LedgerTxs is one validated ledger with every transaction it holds, each with
// its final result: what a batch of payments is settled against in one request
// instead of one tx lookup per payment.
type LedgerTxs struct {
	Header       LedgerHeader
	Transactions []*Transaction // in the ledger's order; all Validated
}

// wireLedgerTxEntries is the transactions list of an expanded ledger answer.
type wireLedgerTxEntries struct {
	Ledger *struct {
		Transactions []json.RawMessage `json:"transactions"`
	} `json:"ledger"`
}

// LedgerTransactions returns validated ledger index with its transactions
// expanded (ledger, transactions and expand true, API v2: tx_json, meta and
// hash per transaction). A ledger the node does not hold, or has not validated
// yet, is an *RPCError lgrNotFound (banx.ENOTFOUND). A transaction missing from
// the answer is not proven absent from other ledgers: look it up by hash.
func (c *Client) LedgerTransactions(ctx context.Context, index uint32) (*LedgerTxs, error) {
	if index == 0 {
		return nil, banx.Errorf(banx.EINVALID, "ledger index 0 does not exist; the first ledger is 1")
	}
	var raw json.RawMessage
	req := &ledger.Request{LedgerIndex: common.LedgerIndex(index), Transactions: true, Expand: true}
	if err := c.call(ctx, req, &raw, true); err != nil {
		return nil, err
	}
	var v struct {
		Validated bool `json:"validated"`
	}
	if err := json.Unmarshal(raw, &v); err == nil && !v.Validated {
		return nil, banx.Errorf(banx.ENOTFOUND, "ledger %d is not validated yet: its transactions are not final", index)
	}
	lt, err := parseLedgerTxs(raw, index)
	if err != nil {
		return nil, malformed(c.url, "ledger", err)
	}
	return lt, nil
}

func parseLedgerTxs(raw json.RawMessage, index uint32) (*LedgerTxs, error) {
	var w wireLedger
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil, err
	}
	h, err := w.parse()
	if err != nil {
		return nil, err
	}
	if h.Index != index {
		return nil, fmt.Errorf("asked for ledger %d, got %d", index, h.Index)
	}
	var e wireLedgerTxEntries
	if err := json.Unmarshal(raw, &e); err != nil {
		return nil, err
	}
	if e.Ledger == nil || e.Ledger.Transactions == nil {
		return nil, errors.New(`missing "ledger.transactions"`)
	}
	closeISO := h.CloseTime.UTC().Format(time.RFC3339)
	out := &LedgerTxs{Header: *h, Transactions: make([]*Transaction, 0, len(e.Ledger.Transactions))}
	for i, entry := range e.Ledger.Transactions {
		var t wireTx
		if err := json.Unmarshal(entry, &t); err != nil {
			return nil, fmt.Errorf("ledger.transactions[%d] is not an expanded transaction: %w", i, err)
		}
		if t.Hash == nil || !hashPattern.MatchString(*t.Hash) {
			return nil, fmt.Errorf("ledger.transactions[%d]: hash missing or not a 256-bit hex hash", i)
		}
		if t.Meta == nil {
			return nil, fmt.Errorf("ledger.transactions[%d]: meta missing", i)
		}
		if t.LedgerIndex != nil && *t.LedgerIndex != index {
			return nil, fmt.Errorf("ledger.transactions[%d]: ledger_index %d in ledger %d", i, *t.LedgerIndex, index)
		}
		// rippled leaves out what the ledger itself says: which ledger, that it
		// is validated and when it closed.
		t.LedgerIndex, t.Validated = &index, true
		if t.CloseTimeISO == "" {
			t.CloseTimeISO = closeISO
		}
		tx, err := t.parse(*t.Hash)
		if err != nil {
			return nil, fmt.Errorf("ledger.transactions[%d]: %w", i, err)
		}
		out.Transactions = append(out.Transactions, tx)
	}
	return out, nil
}
