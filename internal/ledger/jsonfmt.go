package ledger

import (
	"fmt"
	"strings"
	"time"
)

// txJSON renders a transaction's fields as rippled's tx_json: API v2 renames a
// Payment's Amount to DeliverMax; API v1 shows both.
func txJSON(fields sle, apiVersion int) map[string]any {
	out := rippledValues(fields).(map[string]any)
	if getStr(fields, "TransactionType") == "Payment" {
		if amt, ok := fields["Amount"]; ok {
			out["DeliverMax"] = amt
			if apiVersion > 1 {
				delete(out, "Amount")
			}
		}
	}
	return out
}

// metaJSON renders metadata with rippled's synthesized delivered_amount.
func metaJSON(meta sle, fields sle) map[string]any {
	out := rippledValues(meta).(map[string]any)
	if getStr(fields, "TransactionType") == "Payment" && getStr(meta, "TransactionResult") == "tesSUCCESS" {
		if d, ok := meta["DeliveredAmount"]; ok {
			out["delivered_amount"] = rippledValues(d)
		} else {
			out["delivered_amount"] = rippledValues(fields["Amount"])
		}
	}
	return out
}

func closeTimeISO(ct uint32) string {
	return rippleEpoch.Add(time.Duration(ct) * time.Second).UTC().Format("2006-01-02T15:04:05Z")
}

func closeTimeHuman(ct uint32) string {
	return rippleEpoch.Add(time.Duration(ct)*time.Second).UTC().Format("2006-Jan-02 15:04:05.000000000") + " UTC"
}

func upperHex(b []byte) string {
	const digits = "0123456789ABCDEF"
	var sb strings.Builder
	sb.Grow(2 * len(b))
	for _, c := range b {
		sb.WriteByte(digits[c>>4])
		sb.WriteByte(digits[c&0x0f])
	}
	return sb.String()
}

// txEntry renders a stored transaction for tx, account_tx and ledger (expand), in the
// shape of the request's API version.
func txEntry(rec txRecord, h LedgerHeader, apiVersion int, binary bool, nested bool) (map[string]any, error) {
	if binary {
		out := map[string]any{"tx_blob": upperHex(rec.blob), "ledger_index": rec.seq, "validated": true}
		if apiVersion > 1 {
			out["meta_blob"] = upperHex(rec.meta)
		} else {
			out["meta"] = upperHex(rec.meta)
		}
		if !nested {
			out["hash"] = rec.id.String()
		}
		return out, nil
	}
	fields, err := decodeEntry(rec.blob)
	if err != nil {
		return nil, err
	}
	meta, err := decodeEntry(rec.meta)
	if err != nil {
		return nil, err
	}
	tj := txJSON(fields, apiVersion)
	mj := metaJSON(meta, fields)
	if apiVersion > 1 {
		tj["date"] = h.CloseTime
		return map[string]any{
			"tx_json": tj, "meta": mj, "hash": rec.id.String(), "ledger_index": rec.seq,
			"ledger_hash": h.Hash.String(), "close_time_iso": closeTimeISO(h.CloseTime), "validated": true,
		}, nil
	}
	tj["hash"] = rec.id.String()
	tj["ledger_index"] = rec.seq
	tj["date"] = h.CloseTime
	if nested {
		return map[string]any{"tx": tj, "meta": mj, "validated": true}, nil
	}
	tj["meta"] = mj
	tj["validated"] = true
	tj["inLedger"] = rec.seq
	return tj, nil
}

// headerJSON renders a closed ledger header as the ledger method's "ledger" object.
func headerJSON(h LedgerHeader, apiVersion int) map[string]any {
	out := map[string]any{
		"account_hash":          h.AccountHash.String(),
		"close_flags":           h.CloseFlags,
		"close_time":            h.CloseTime,
		"close_time_human":      closeTimeHuman(h.CloseTime),
		"close_time_iso":        closeTimeISO(h.CloseTime),
		"close_time_resolution": h.CloseTimeResolution,
		"closed":                true,
		"ledger_hash":           h.Hash.String(),
		"ledger_index":          h.Index,
		"parent_close_time":     h.ParentCloseTime,
		"parent_hash":           h.ParentHash.String(),
		"total_coins":           fmtDrops(h.TotalDrops),
		"transaction_hash":      h.TransactionHash.String(),
	}
	if apiVersion < 2 {
		out["ledger_index"] = fmtDrops(int64(h.Index))
		out["hash"] = h.Hash.String()
		out["totalCoins"] = fmtDrops(h.TotalDrops)
		out["accepted"] = true
		out["seqNum"] = fmtDrops(int64(h.Index))
	}
	return out
}

// ctid is the compact transaction id (XLS-37): 0xC, 28 bits of ledger index, 16 bits
// of transaction index, 16 bits of network id.
func ctid(seq, index, network uint32) (string, bool) {
	if seq > 0x0FFFFFFF || index > 0xFFFF || network > 0xFFFF {
		return "", false
	}
	v := uint64(0xC0000000|seq)<<32 | uint64(index)<<16 | uint64(network)
	return fmt.Sprintf("%016X", v), true
}

// rippledValues returns a copy of a codec JSON value in which every issued-currency
// value is written as rippled writes it (STAmount::getText): the codec renders values
// as plain decimals, rippled switches to mantissa-exponent form outside 1e-5..1e11.
func rippledValues(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = rippledValues(e)
		}
		if val, ok := x["value"].(string); ok && len(x) == 3 && x["currency"] != nil && x["issuer"] != nil {
			if n, err := parseIOU(val); err == nil {
				out["value"] = n.String()
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = rippledValues(e)
		}
		return out
	}
	return v
}
