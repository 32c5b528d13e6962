package ledger

import (
	"context"
	"encoding/json"
	"strconv"
)

// ledgerSel is the ledger a request reads: the open one or a closed one.
type ledgerSel struct {
	r       reader
	header  LedgerHeader // closed ledgers only
	current bool
	seq     uint32
}

// inject adds what rippled's lookupLedger adds to a result.
func (s ledgerSel) inject(res map[string]any) {
	if s.current {
		res["ledger_current_index"] = s.seq
		res["validated"] = false
		return
	}
	res["ledger_hash"] = s.header.Hash.String()
	res["ledger_index"] = s.seq
	res["validated"] = true
}

// selectLedger is RPC::lookupLedger over ledger_hash / ledger_index. The caller holds l.mu.
func (l *Ledger) selectLedger(ctx context.Context, params map[string]any) (ledgerSel, map[string]any) {
	if hv, ok := params["ledger_hash"]; ok {
		s, isStr := hv.(string)
		h, okHash := parseHash(s)
		if !isStr || !okHash {
			return ledgerSel{}, rpcErrMsg("invalidParams", "ledgerHashMalformed")
		}
		hdr, err := l.headerByHash(ctx, h)
		if err != nil {
			return ledgerSel{}, rpcErrMsg("lgrNotFound", "ledgerNotFound")
		}
		return l.closedSel(ctx, hdr), nil
	}
	iv, ok := params["ledger_index"]
	if !ok || iv == nil {
		return l.currentSel(), nil
	}
	switch x := iv.(type) {
	case string:
		switch x {
		case "current", "":
			return l.currentSel(), nil
		case "validated", "closed":
			return l.closedSel(ctx, l.closed), nil
		}
		n, err := strconv.ParseUint(x, 10, 32)
		if err != nil {
			return ledgerSel{}, rpcErrMsg("invalidParams", "ledgerIndexMalformed")
		}
		return l.indexSel(ctx, uint32(n))
	case json.Number:
		n, err := strconv.ParseUint(x.String(), 10, 32)
		if err != nil {
			return ledgerSel{}, rpcErrMsg("invalidParams", "ledgerIndexMalformed")
		}
		return l.indexSel(ctx, uint32(n))
	}
	return ledgerSel{}, rpcErrMsg("invalidParams", "ledgerIndexMalformed")
}

func (l *Ledger) currentSel() ledgerSel {
	return ledgerSel{r: l.open.view, current: true, seq: l.open.seq}
}

func (l *Ledger) closedSel(ctx context.Context, h LedgerHeader) ledgerSel {
	if h.Index == l.closed.Index {
		return ledgerSel{r: l.state, header: h, seq: h.Index}
	}
	return ledgerSel{r: historicalReader{ctx: ctx, s: l.store, seq: h.Index}, header: h, seq: h.Index}
}

func (l *Ledger) indexSel(ctx context.Context, n uint32) (ledgerSel, map[string]any) {
	if n == l.open.seq {
		return l.currentSel(), nil
	}
	if n > l.closed.Index {
		return ledgerSel{}, rpcErrMsg("lgrNotFound", "ledgerNotFound")
	}
	h, err := l.headerBySeq(ctx, n)
	if err != nil {
		return ledgerSel{}, rpcErrMsg("lgrNotFound", "ledgerNotFound")
	}
	return l.closedSel(ctx, h), nil
}

func (l *Ledger) headerBySeq(ctx context.Context, n uint32) (LedgerHeader, error) {
	if n == l.closed.Index {
		return l.closed, nil
	}
	return l.store.headerBySeq(ctx, n)
}

func (l *Ledger) headerByHash(ctx context.Context, h Hash) (LedgerHeader, error) {
	if h == l.closed.Hash {
		return l.closed, nil
	}
	return l.store.headerByHash(ctx, h)
}

// accountParam reads and decodes a required account field.
func accountParam(params map[string]any, name string) (AccountID, map[string]any) {
	v, ok := params[name]
	if !ok {
		return AccountID{}, missingField(name)
	}
	s, isStr := v.(string)
	if !isStr {
		return AccountID{}, invalidField(name)
	}
	a, err := parseAccount(s)
	if err != nil {
		return AccountID{}, rpcErr("actMalformed")
	}
	return a, nil
}

// limitParam is readLimitField: an unsigned integer, with a default.
func limitParam(params map[string]any, def uint32) (uint32, map[string]any) {
	v, ok := params["limit"]
	if !ok {
		return def, nil
	}
	n, ok := asUint(v)
	if !ok {
		return 0, expectedField("limit", "unsigned integer")
	}
	if n == 0 {
		return 0, invalidField("limit")
	}
	return n, nil
}

// completeLedgers is the validated range, as server_info's complete_ledgers.
func (l *Ledger) completeLedgers() string {
	first, err := l.store.firstSeq(context.Background())
	if err != nil || first == 0 {
		first = 1
	}
	return strconv.FormatUint(uint64(first), 10) + "-" + strconv.FormatUint(uint64(l.closed.Index), 10)
}
