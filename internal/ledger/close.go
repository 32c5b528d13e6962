package ledger

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/Peersyst/xrpl-go/binary-codec/definitions"
)

// Passes of rippled's BuildLedger applyTransactions: the first LedgerRetryPasses hold
// back tec results so an earlier transaction in the set can make them succeed.
const (
	ledgerTotalPasses = 3
	ledgerRetryPasses = 1
)

// closeEvent is what a close publishes to subscribers.
type closeEvent struct {
	header LedgerHeader
	txs    []*appliedTx
}

// canonicalOrder is rippled's CanonicalTXSet order: by account XOR a salt derived from
// the set, then sequences before tickets, then transaction id.
func canonicalOrder(txs []*txn) []*txn {
	set := newSHAMap()
	for _, t := range txs {
		set.set(t.id, t.id)
	}
	salt := set.rootHash()
	key := func(t *txn) Hash {
		var k Hash
		copy(k[:], t.account[:])
		for i := range k {
			k[i] ^= salt[i]
		}
		return k
	}
	out := append([]*txn(nil), txs...)
	sort.SliceStable(out, func(i, j int) bool {
		ki, kj := key(out[i]), key(out[j])
		if c := bytes.Compare(ki[:], kj[:]); c != 0 {
			return c < 0
		}
		ti, si := out[i].seqProxy()
		tj, sj := out[j].seqProxy()
		if ti != tj {
			return !ti
		}
		if si != sj {
			return si < sj
		}
		return bytes.Compare(out[i].id[:], out[j].id[:]) < 0
	})
	return out
}

// encodeClose serializes every changed entry and every metadata object with the binary
// codec, spread over all cores: encoding is the costliest part of a close and each item
// is independent.
func encodeClose(b *builder) (*closedLedger, error) {
	cl := &closedLedger{state: make(map[Hash][]byte, len(b.view.m)), txs: make([]storedTx, len(b.applied))}
	keys := make([]Hash, 0, len(b.view.m))
	for k := range b.view.m {
		keys = append(keys, k)
	}
	entries := make([][]byte, len(keys))
	n := len(keys) + len(b.applied)
	workers := min(runtime.GOMAXPROCS(0), max(n/64, 1))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < n; i += workers {
				if i < len(keys) {
					if v := b.view.m[keys[i]]; v != nil {
						data, err := encodeEntry(v)
						if err != nil {
							errs[w] = fmt.Errorf("encode entry %s: %w", keys[i], err)
							return
						}
						entries[i] = data
					}
					continue
				}
				a := b.applied[i-len(keys)]
				metaBlob, err := encodeEntry(a.meta)
				if err != nil {
					errs[w] = fmt.Errorf("encode metadata of %s: %w", a.tx.id, err)
					return
				}
				a.accounts = affectedAccounts(a.meta, a.tx.account)
				cl.txs[i-len(keys)] = storedTx{id: a.tx.id, index: a.index, blob: a.tx.blob, meta: metaBlob, accounts: a.accounts}
			}
		}(w)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	for i, k := range keys {
		cl.state[k] = entries[i]
	}
	return cl, nil
}

// applyPasses applies a canonical set to a closing ledger and returns the transactions
// left with a retry result, which move on to the next open ledger.
func applyPasses(b *builder, txs []*txn) []*txn {
	pending := txs
	certainRetry := true
	for pass := 0; pass < ledgerTotalPasses && len(pending) > 0; pass++ {
		changes := 0
		next := pending[:0:0]
		for _, t := range pending {
			r, applied := b.apply(t, certainRetry)
			switch {
			case applied:
				changes++
			case strings.HasPrefix(r, "tef"), strings.HasPrefix(r, "tem"), strings.HasPrefix(r, "tel"):
			default:
				next = append(next, t)
			}
		}
		pending = next
		if changes == 0 && !certainRetry {
			break
		}
		if changes == 0 || pass >= ledgerRetryPasses {
			certainRetry = false
		}
	}
	return pending
}

// closeLocked closes the open ledger: replays its transactions in canonical order on
// the last closed state, hashes state and transaction trees, persists everything in
// one SQLite transaction, and opens the next ledger. The caller holds l.mu.
func (l *Ledger) closeLocked(ctx context.Context) (*closeEvent, error) {
	parent := l.closed
	seq := parent.Index + 1
	candidates := make([]*txn, 0, len(l.open.applied))
	for _, a := range l.open.applied {
		candidates = append(candidates, a.tx)
	}
	b := newBuilder(&l.cfg, l.state, seq, parent.CloseTime, false)
	retry := applyPasses(b, canonicalOrder(candidates))

	cl, err := encodeClose(b)
	if err != nil {
		return nil, err
	}
	txTree := newSHAMap()
	for _, st := range cl.txs {
		leaf, err := txLeafHash(st.id, st.blob, st.meta)
		if err != nil {
			return nil, err
		}
		txTree.set(st.id, leaf)
	}
	prev := make(map[Hash]sle, len(cl.state))
	for k, data := range cl.state {
		prev[k] = l.state[k]
		if data == nil {
			delete(l.state, k)
			l.tree.remove(k)
			continue
		}
		l.state[k] = b.view.m[k]
		l.tree.set(k, stateLeafHash(k, data))
	}
	h := LedgerHeader{
		Index:               seq,
		ParentHash:          parent.Hash,
		AccountHash:         l.tree.rootHash(),
		TransactionHash:     txTree.rootHash(),
		TotalDrops:          parent.TotalDrops - feesOf(b.applied),
		CloseTime:           roundCloseTime(toRippleTime(l.cfg.Now()), parent.CloseTime),
		ParentCloseTime:     parent.CloseTime,
		CloseTimeResolution: closeTimeResolution,
		TxCount:             len(b.applied),
	}
	h.Hash = h.computeHash()
	cl.header = h
	if err := l.store.saveLedger(ctx, cl); err != nil {
		l.restore(prev)
		return nil, err
	}
	l.closed = h
	l.reopen(retry)
	return &closeEvent{header: h, txs: b.applied}, nil
}

// restore puts back the entries a failed close had replaced, so memory keeps matching
// the last persisted ledger; the open ledger is untouched and can close again.
func (l *Ledger) restore(prev map[Hash]sle) {
	for k, e := range prev {
		if e == nil {
			delete(l.state, k)
			l.tree.remove(k)
			continue
		}
		data, err := encodeEntry(e)
		if err != nil {
			l.log.Error("restore entry after a failed close", "key", k.String(), "err", err)
			continue
		}
		l.state[k] = e
		l.tree.set(k, stateLeafHash(k, data))
	}
}

// reopen starts the next open ledger and retries carried-over and held transactions
// in it, keeping those that still answer ter for the next close.
func (l *Ledger) reopen(retry []*txn) {
	l.open = newBuilder(&l.cfg, l.state, l.closed.Index+1, l.closed.CloseTime, true)
	again := append(retry, l.held...)
	l.held = nil
	seen := make(map[Hash]bool, len(again))
	for _, t := range again {
		if seen[t.id] || t.expire != 0 && l.open.seq > t.expire {
			continue
		}
		seen[t.id] = true
		r, applied := l.open.apply(t, false)
		if !applied && strings.HasPrefix(r, "ter") && len(l.held) < maxHeld {
			l.hold(t)
		}
	}
}

// accountFieldCache remembers which field names hold an AccountID.
var accountFieldCache sync.Map

func isAccountField(name string) bool {
	if v, ok := accountFieldCache.Load(name); ok {
		return v.(bool)
	}
	t, err := definitions.Get().GetTypeNameByFieldName(name)
	is := err == nil && t == "AccountID"
	accountFieldCache.Store(name, is)
	return is
}

// affectedAccounts is TxMeta::getAffectedAccounts: every account named by an
// AccountID field, or as the issuer of a trust-line limit, in the affected nodes.
func affectedAccounts(meta sle, sender AccountID) []AccountID {
	seen := map[AccountID]bool{sender: true}
	out := []AccountID{sender}
	add := func(s string) {
		if a, err := parseAccount(s); err == nil && !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	nodes, _ := meta["AffectedNodes"].([]any)
	for _, n := range nodes {
		wrap, _ := n.(map[string]any)
		for _, inner := range wrap {
			node, _ := inner.(map[string]any)
			for _, part := range []string{"NewFields", "FinalFields", "PreviousFields"} {
				fields, _ := node[part].(map[string]any)
				for name, v := range fields {
					switch {
					case isAccountField(name):
						s, _ := v.(string)
						add(s)
					case name == "LowLimit" || name == "HighLimit":
						if m, ok := v.(map[string]any); ok {
							s, _ := m["issuer"].(string)
							add(s)
						}
					}
				}
			}
		}
	}
	return out
}

// holdLedgers is LocalTxs' holdLedgers: a kept transaction is retried for this many
// ledgers, or until its LastLedgerSequence passes, whichever comes first.
const holdLedgers = 5

// hold keeps a transaction with a retry result for the next open ledgers.
func (l *Ledger) hold(t *txn) {
	if t.expire == 0 {
		t.expire = l.open.seq + holdLedgers
		if lls := getU32(t.fields, "LastLedgerSequence"); hasField(t.fields, "LastLedgerSequence") && lls+1 < t.expire {
			t.expire = lls + 1
		}
	}
	l.held = append(l.held, t)
}
