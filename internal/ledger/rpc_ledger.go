package ledger

import (
	"context"
)

func boolParam(params map[string]any, name string) bool {
	b, _ := params[name].(bool)
	return b
}

func (l *Ledger) rpcLedger(c *rpcCall) map[string]any {
	ctx := context.Background()
	l.mu.Lock()
	defer l.mu.Unlock()
	sel, e := l.selectLedger(ctx, c.params)
	if e != nil {
		return e
	}
	withTx := boolParam(c.params, "transactions")
	expand := boolParam(c.params, "expand")
	binary := boolParam(c.params, "binary")
	res := map[string]any{}
	if sel.current {
		lj := map[string]any{
			"closed":       false,
			"ledger_index": sel.seq,
			"parent_hash":  l.closed.Hash.String(),
			"total_coins":  fmtDrops(l.closed.TotalDrops - feesOf(l.open.applied)),
		}
		if c.api < 2 {
			lj["ledger_index"] = fmtDrops(int64(sel.seq))
		}
		if withTx {
			list := make([]any, 0, len(l.open.applied))
			for _, a := range l.open.applied {
				switch {
				case expand && binary:
					list = append(list, map[string]any{"tx_blob": upperHex(a.tx.blob)})
				case expand:
					list = append(list, map[string]any{"tx_json": txJSON(a.tx.fields, c.api), "hash": a.tx.id.String()})
				default:
					list = append(list, a.tx.id.String())
				}
			}
			lj["transactions"] = list
		}
		res["ledger"] = lj
		sel.inject(res)
		return res
	}
	lj := headerJSON(sel.header, c.api)
	if binary {
		lj = map[string]any{"ledger_data": upperHex(sel.header.headerBytes()), "closed": true}
	}
	if withTx {
		recs, err := l.store.txsInLedger(ctx, sel.seq)
		if err != nil {
			return rpcErr("internal")
		}
		list := make([]any, 0, len(recs))
		for _, r := range recs {
			if !expand {
				list = append(list, r.id.String())
				continue
			}
			entry, err := txEntry(r, sel.header, c.api, binary, true)
			if err != nil {
				return rpcErr("internal")
			}
			if !binary && c.api < 2 {
				// API v1 expands a ledger's transactions flat, with metaData.
				flat := entry["tx"].(map[string]any)
				flat["metaData"] = entry["meta"]
				delete(flat, "ledger_index")
				delete(flat, "date")
				entry = flat
			}
			list = append(list, entry)
		}
		lj["transactions"] = list
	}
	res["ledger"] = lj
	sel.inject(res)
	return res
}

func (l *Ledger) rpcLedgerCurrent(c *rpcCall) map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	return map[string]any{"ledger_current_index": l.open.seq}
}

func (l *Ledger) rpcLedgerClosed(c *rpcCall) map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	return map[string]any{"ledger_hash": l.closed.Hash.String(), "ledger_index": l.closed.Index}
}

func (l *Ledger) rpcLedgerAccept(c *rpcCall) map[string]any {
	if _, err := l.Accept(); err != nil {
		return rpcErr("internal")
	}
	return map[string]any{"ledger_current_index": l.CurrentIndex()}
}
