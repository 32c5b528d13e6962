package xrpl

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	addresscodec "github.com/Peersyst/xrpl-go/address-codec"
	"github.com/Peersyst/xrpl-go/xrpl/queries/common"
	"github.com/Peersyst/xrpl-go/xrpl/queries/ledger"

	"github.com/banxmedia/banx/internal/amount"
	"github.com/banxmedia/banx/internal/banx"
)

// LedgerResults is LedgerTransactions reduced to what settling payments
// needs, for a fraction of its cost: each Transaction carries Hash,
// Validated, Result, LedgerIndex, CloseTime and DeliveredAmount only (the
// other fields are empty), read from the metadata without decoding the
// transaction. An entry whose metadata has another shape, or a successful
// transaction without DeliveredAmount, is decoded whole as
// LedgerTransactions does. Errors are those of LedgerTransactions.
func (c *Client) LedgerResults(ctx context.Context, index uint32) (*LedgerTxs, error) {
	if index == 0 {
		return nil, banx.Errorf(banx.EINVALID, "ledger index 0 does not exist; the first ledger is 1")
	}
	var raw json.RawMessage
	req := &ledger.Request{LedgerIndex: common.LedgerIndex(index), Transactions: true, Expand: true, Binary: true}
	if err := c.call(ctx, req, &raw, true); err != nil {
		return nil, err
	}
	var e wireLedgerTxEntries
	if err := json.Unmarshal(raw, &e); err != nil {
		return nil, malformed(c.url, "ledger", err)
	}
	if !e.Validated {
		return nil, banx.Errorf(banx.ENOTFOUND, "ledger %d is not validated yet: its transactions are not final", index)
	}
	if e.Ledger == nil || e.Ledger.Transactions == nil {
		return nil, malformed(c.url, "ledger", errors.New(`missing "ledger.transactions"`))
	}
	h, err := e.header(index)
	if err != nil {
		return nil, malformed(c.url, "ledger", err)
	}
	closeISO := h.CloseTime.UTC().Format(time.RFC3339)
	out := &LedgerTxs{Header: *h, Transactions: make([]*Transaction, len(e.Ledger.Transactions))}
	for i, entry := range e.Ledger.Transactions {
		tx, err := resultEntry(entry, index)
		if err == nil && tx == nil {
			tx, err = parseBinaryEntry(entry, index, closeISO)
		}
		if err != nil {
			return nil, malformed(c.url, "ledger", fmt.Errorf("ledger.transactions[%d]: %w", i, err))
		}
		if tx.CloseTime.IsZero() {
			tx.CloseTime = h.CloseTime
		}
		out.Transactions[i] = tx
	}
	return out, nil
}

// resultEntry reads one binary entry's hash, result and delivered amount; it
// returns nil, nil when the entry must be decoded whole.
func resultEntry(entry json.RawMessage, index uint32) (*Transaction, error) {
	e, err := readBinaryEntry(entry, index)
	if err != nil {
		return nil, err
	}
	blob, hash := e.blob, e.hash
	result, delivered, ok, err := scanMetaRaw(e.metaHex)
	if err != nil {
		return nil, fmt.Errorf("meta_blob: %w", err)
	}
	if !ok {
		return nil, nil
	}
	if delivered != nil {
		delivered = delivered[2:]
	} else if result == "tesSUCCESS" {
		// rippled's delivered_amount: a successful payment without
		// DeliveredAmount (not partial) delivered its Amount.
		var payment bool
		if payment, delivered, ok = scanPaymentAmount(blob); !ok {
			return nil, nil
		}
		if !payment {
			delivered = nil
		}
	}
	tx := &Transaction{Hash: hash, Validated: true, Result: result, LedgerIndex: index}
	if delivered != nil {
		if tx.DeliveredAmount, ok = rawAmount(delivered); !ok {
			return nil, nil
		}
	}
	return tx, nil
}

// scanPaymentAmount reads TransactionType and, for a Payment, the serialized
// Amount of a transaction blob without decoding it: in canonical order only
// fixed-size fields (types 1 to 5: UInt16, UInt32, UInt64, Hash128, Hash256)
// come before Amount (type 6, field 1). ok is false for any other layout.
func scanPaymentAmount(b []byte) (payment bool, amt []byte, ok bool) {
	sizes := [6]int{1: 2, 2: 4, 3: 8, 4: 16, 5: 32}
	txType := -1
	for p := 0; p < len(b); {
		typ, fld := int(b[p]>>4), int(b[p]&0x0F)
		p++
		if typ == 0 || p > len(b) {
			return false, nil, false
		}
		if fld == 0 {
			if p >= len(b) {
				return false, nil, false
			}
			fld = int(b[p])
			p++
		}
		switch {
		case typ == 6 && fld == 1:
			if txType != 0 || p >= len(b) {
				return false, nil, txType > 0
			}
			size := 8
			switch {
			case b[p]&0x80 != 0:
				size = 48
			case b[p]&0x20 != 0:
				size = 33
			}
			if p+size > len(b) {
				return false, nil, false
			}
			return true, b[p : p+size], true
		case typ >= 1 && typ <= 5:
			if p+sizes[typ] > len(b) {
				return false, nil, false
			}
			if typ == 1 && fld == 2 {
				txType = int(binary.BigEndian.Uint16(b[p:]))
			}
			p += sizes[typ]
		default:
			return false, nil, txType > 0 // no Amount: fine for any type but Payment
		}
	}
	return false, nil, txType > 0
}

// rawAmount decodes a serialized XRP or token amount; ok is false for
// anything else (MPT), which is left to the codec.
func rawAmount(b []byte) (*Amount, bool) {
	switch {
	case len(b) == 8 && b[0]&0x80 == 0:
		if b[0]&0x40 == 0 {
			return nil, false // negative XRP: not an amount delivered
		}
		return &Amount{Currency: "XRP", Value: strconv.FormatUint(binary.BigEndian.Uint64(b)&^(uint64(1)<<62), 10)}, true
	case len(b) == 48 && b[0]&0x80 != 0:
		v, err := amount.IOUFromWire(binary.BigEndian.Uint64(b))
		if err != nil {
			return nil, false
		}
		cur, err := amount.ParseCurrency(strings.ToUpper(hex.EncodeToString(b[8:28])))
		if err != nil {
			return nil, false
		}
		iss, err := addresscodec.EncodeAccountIDToClassicAddress(b[28:48])
		if err != nil {
			return nil, false
		}
		return &Amount{Currency: cur, Issuer: iss, Value: v.String()}, true
	}
	return nil, false
}
