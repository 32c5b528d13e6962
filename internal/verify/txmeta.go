package verify

import (
	"context"
	"encoding/json"
	"strings"
)

// TxWithMeta is a transaction with its metadata, both as binary blobs the
// caller decodes itself: readers that reconcile payments need the metadata's
// DeliveredAmount, which LedgerTx leaves out.
type TxWithMeta struct {
	LedgerTx
	MetaBlob string // upper-case hex; "" when the transaction is not in a ledger
}

// TxMeta looks hash up like Tx (binary form, every answer size-bounded) and
// also returns the metadata blob. Nothing in it is checked against the hash:
// the caller recomputes the hash from Blob.
func (n *XRPLNode) TxMeta(ctx context.Context, hash string) (TxWithMeta, error) {
	raw, err := n.call(ctx, "tx", map[string]any{"transaction": hash, "binary": true})
	if err != nil {
		return TxWithMeta{}, err
	}
	t, err := parseTx(raw)
	if err != nil {
		return TxWithMeta{}, n.malformed("tx", err.Error())
	}
	var w wireTx
	if err := json.Unmarshal(raw, &w); err != nil {
		return TxWithMeta{}, n.malformed("tx", err.Error())
	}
	meta := w.MetaBlob
	if meta == "" {
		meta, _ = w.Meta.(string)
	}
	return TxWithMeta{LedgerTx: t, MetaBlob: strings.ToUpper(meta)}, nil
}
