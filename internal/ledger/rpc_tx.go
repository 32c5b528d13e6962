package ledger

import (
	"context"
	"encoding/hex"
	"errors"
	"strconv"
)

func (l *Ledger) rpcSubmit(c *rpcCall) map[string]any {
	if _, ok := c.params["secret"]; ok {
		return rpcErrMsg("notSupported", "Signing is not supported by this server.")
	}
	if _, ok := c.params["tx_json"]; ok {
		return rpcErrMsg("notSupported", "Signing is not supported by this server.")
	}
	v, ok := c.params["tx_blob"]
	if !ok {
		return missingField("tx_blob")
	}
	s, _ := v.(string)
	blob, err := hex.DecodeString(s)
	if err != nil || len(blob) == 0 {
		return rpcErr("invalidParams")
	}
	t, err := decodeTx(blob)
	if err != nil {
		var te *txError
		reason := err.Error()
		if errors.As(err, &te) {
			reason = te.reason
		}
		return map[string]any{"error": "invalidTransaction", "error_exception": reason}
	}
	r := l.submitDecoded(t)
	tj := txJSON(r.fields, c.api)
	tj["hash"] = r.Hash.String()
	accepted := r.Applied || r.Kept
	return map[string]any{
		"engine_result":              r.EngineResult,
		"engine_result_code":         resultCode(r.EngineResult),
		"engine_result_message":      engineMessages[r.EngineResult],
		"accepted":                   accepted,
		"applied":                    r.Applied,
		"broadcast":                  r.Applied,
		"queued":                     false,
		"kept":                       accepted,
		"account_sequence_next":      r.AccountSequenceNext,
		"account_sequence_available": r.AccountSequenceNext,
		"open_ledger_cost":           strconv.FormatInt(l.cfg.BaseFee, 10),
		"validated_ledger_index":     r.ValidatedLedgerIndex,
		"tx_blob":                    upperHex(r.blob),
		"tx_json":                    tj,
	}
}

func (l *Ledger) rpcTx(c *rpcCall) map[string]any {
	v, ok := c.params["transaction"]
	if !ok {
		return missingField("transaction")
	}
	s, _ := v.(string)
	id, ok := parseHash(s)
	if !ok {
		return rpcErr("notImpl")
	}
	binary := boolParam(c.params, "binary")
	ctx := context.Background()
	l.mu.Lock()
	rec, err := l.store.txByHash(ctx, id)
	if err == nil {
		h, err := l.headerBySeq(ctx, rec.seq)
		// A validated transaction and its header never change: decode and format
		// them outside the ledger's lock, so lookups do not queue behind submits.
		l.mu.Unlock()
		if err != nil {
			return rpcErr("internal")
		}
		out, err := txEntry(rec, h, c.api, binary, false)
		if err != nil {
			return rpcErr("internal")
		}
		if binary && c.api > 1 {
			out["ledger_hash"] = h.Hash.String()
			out["close_time_iso"] = closeTimeISO(h.CloseTime)
		}
		if id, ok := ctid(rec.seq, rec.index, l.cfg.NetworkID); ok {
			out["ctid"] = id
		}
		return out
	}
	defer l.mu.Unlock()
	if !errors.Is(err, errNotFound) {
		return rpcErr("internal")
	}
	pending := func(t *txn) map[string]any {
		if binary {
			return map[string]any{"tx_blob": upperHex(t.blob), "hash": t.id.String(), "validated": false}
		}
		if c.api > 1 {
			return map[string]any{"tx_json": txJSON(t.fields, c.api), "hash": t.id.String(), "validated": false}
		}
		out := txJSON(t.fields, c.api)
		out["hash"] = t.id.String()
		out["validated"] = false
		return out
	}
	for _, a := range l.open.applied {
		if a.tx.id == id {
			return pending(a.tx)
		}
	}
	for _, t := range l.held {
		if t.id == id {
			return pending(t)
		}
	}
	res := rpcErr("txnNotFound")
	_, hasMin := c.params["min_ledger"]
	_, hasMax := c.params["max_ledger"]
	if hasMin && hasMax {
		res["searched_all"] = true
	}
	return res
}

func (l *Ledger) rpcAccountTx(c *rpcCall) map[string]any {
	acct, e := accountParam(c.params, "account")
	if e != nil {
		return e
	}
	limit, e := limitParam(c.params, defaultTxLimit)
	if e != nil {
		return e
	}
	if limit > maxTxLimit {
		limit = maxTxLimit
	}
	binary := boolParam(c.params, "binary")
	forward := boolParam(c.params, "forward")
	var after *[2]uint32
	if mv, ok := c.params["marker"]; ok {
		m, isObj := mv.(map[string]any)
		lg, ok1 := asUint(m["ledger"])
		sq, ok2 := asUint(m["seq"])
		if !isObj || !ok1 || !ok2 {
			return invalidField("marker")
		}
		after = &[2]uint32{lg, sq}
	}
	ctx := context.Background()
	l.mu.Lock()
	defer l.mu.Unlock()
	first, _ := l.store.firstSeq(ctx)
	minSeq, maxSeq := first, l.closed.Index
	_, hasIdx := c.params["ledger_index"]
	_, hasHash := c.params["ledger_hash"]
	if hasIdx || hasHash {
		sel, e := l.selectLedger(ctx, c.params)
		if e != nil {
			return e
		}
		if sel.current {
			return rpcErr("lgrNotFound")
		}
		minSeq, maxSeq = sel.seq, sel.seq
	} else {
		readBound := func(name string, def uint32) (uint32, map[string]any) {
			v, ok := c.params[name]
			if !ok {
				return def, nil
			}
			n, ok := asInt(v)
			if !ok {
				return 0, invalidField(name)
			}
			if n == -1 {
				return def, nil
			}
			if n < 0 || n > int64(^uint32(0)) {
				return 0, rpcErr("lgrIdxMalformed")
			}
			return uint32(n), nil
		}
		if minSeq, e = readBound("ledger_index_min", first); e != nil {
			return e
		}
		if maxSeq, e = readBound("ledger_index_max", l.closed.Index); e != nil {
			return e
		}
		if c.api > 1 && (minSeq < first || maxSeq > l.closed.Index) {
			return rpcErr("lgrIdxMalformed")
		}
		if maxSeq > l.closed.Index {
			maxSeq = l.closed.Index
		}
		if minSeq < first {
			minSeq = first
		}
		if minSeq > maxSeq {
			return rpcErr("lgrIdxsInvalid")
		}
	}
	recs, err := l.store.accountTxs(ctx, acct, minSeq, maxSeq, forward, int(limit)+1, after)
	if err != nil {
		return rpcErr("internal")
	}
	res := map[string]any{"account": acct.String(), "ledger_index_min": minSeq, "ledger_index_max": maxSeq,
		"limit": limit, "validated": true}
	if len(recs) > int(limit) {
		next := recs[limit]
		res["marker"] = map[string]any{"ledger": next.seq, "seq": next.index}
		recs = recs[:limit]
	}
	list := make([]any, 0, len(recs))
	headers := map[uint32]LedgerHeader{}
	for _, r := range recs {
		h, ok := headers[r.seq]
		if !ok {
			if h, err = l.headerBySeq(ctx, r.seq); err != nil {
				return rpcErr("internal")
			}
			headers[r.seq] = h
		}
		entry, err := txEntry(r, h, c.api, binary, true)
		if err != nil {
			return rpcErr("internal")
		}
		list = append(list, entry)
	}
	res["transactions"] = list
	return res
}
