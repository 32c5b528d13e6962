package ledger

import (
	"errors"
	"strings"
)

// SubmitResult is the provisional outcome of submitting a signed transaction, as the
// submit method reports it.
type SubmitResult struct {
	Hash                 Hash
	EngineResult         string
	Applied              bool // applied to the open ledger (tes or tec)
	Kept                 bool // held for retry after a ter result
	AccountSequenceNext  uint32
	ValidatedLedgerIndex uint32
	fields               sle
	blob                 []byte
}

// ErrInvalidTransaction is returned (wrapped with the reason) for a blob rippled
// would refuse with the invalidTransaction RPC error.
var ErrInvalidTransaction = errors.New("invalid transaction")

// Submit applies a signed transaction blob to the open ledger. A blob that cannot be
// decoded, verified or passed through local checks returns an error wrapping
// ErrInvalidTransaction; every engine result (including failures) is a SubmitResult.
func (l *Ledger) Submit(blob []byte) (SubmitResult, error) {
	t, err := decodeTx(blob)
	if err != nil {
		return SubmitResult{}, errors.Join(ErrInvalidTransaction, err)
	}
	return l.submitDecoded(t), nil
}

func (l *Ledger) submitDecoded(t *txn) SubmitResult {
	l.mu.Lock()
	defer l.mu.Unlock()
	res := SubmitResult{Hash: t.id, fields: t.fields, blob: t.blob}
	if l.open.inLedger[t.id] {
		res.EngineResult = "tefALREADY"
	} else {
		res.EngineResult, res.Applied = l.open.apply(t, false)
		switch {
		case !res.Applied && strings.HasPrefix(res.EngineResult, "ter") && !l.isHeld(t.id) && len(l.held) < maxHeld:
			l.hold(t)
			res.Kept = true
		}
	}
	if a := l.open.view.read(keyAccount(t.account)); a != nil {
		res.AccountSequenceNext = getU32(a, "Sequence")
	}
	res.ValidatedLedgerIndex = l.closed.Index
	return res
}

func (l *Ledger) isHeld(id Hash) bool {
	for _, h := range l.held {
		if h.id == id {
			return true
		}
	}
	return false
}
