package xrpl

import (
	"context"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	binarycodec "github.com/Peersyst/xrpl-go/binary-codec"
	"github.com/Peersyst/xrpl-go/binary-codec/definitions"
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
	LedgerIndex *uint32 `json:"ledger_index"`
	LedgerHash  string  `json:"ledger_hash"`
	Validated   bool    `json:"validated"`
	Ledger      *struct {
		LedgerData   string            `json:"ledger_data"`
		Transactions []json.RawMessage `json:"transactions"`
	} `json:"ledger"`
}

// ledgerHashPrefix is the hash prefix of a ledger header ("LWR\0").
var ledgerHashPrefix = []byte{0x4C, 0x57, 0x52, 0x00}

// header decodes the binary header (ledger_data) and checks it is the
// validated ledger index whose hash the answer names.
func (e wireLedgerTxEntries) header(index uint32) (*LedgerHeader, error) {
	switch {
	case !e.Validated:
		return nil, errors.New(`"validated" is not true`)
	case e.LedgerIndex == nil || *e.LedgerIndex != index:
		return nil, fmt.Errorf("asked for ledger %d, got ledger_index %v", index, e.LedgerIndex)
	case e.Ledger.LedgerData == "":
		return nil, errors.New(`missing "ledger.ledger_data"`)
	}
	raw, err := hex.DecodeString(e.Ledger.LedgerData)
	if err != nil {
		return nil, fmt.Errorf("ledger.ledger_data: %w", err)
	}
	d, err := binarycodec.DecodeLedgerData(e.Ledger.LedgerData)
	if err != nil {
		return nil, fmt.Errorf("ledger.ledger_data: %w", err)
	}
	if d.LedgerIndex != index {
		return nil, fmt.Errorf("ledger.ledger_data is ledger %d, not %d", d.LedgerIndex, index)
	}
	sum := sha512.Sum512(append(append([]byte{}, ledgerHashPrefix...), raw...))
	hash := strings.ToUpper(hex.EncodeToString(sum[:32]))
	if e.LedgerHash != "" && !strings.EqualFold(e.LedgerHash, hash) {
		return nil, fmt.Errorf("ledger_hash %s is not the header's hash %s", e.LedgerHash, hash)
	}
	coins, err := strconv.ParseUint(d.TotalCoins, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("ledger.ledger_data total coins %q is not drops", d.TotalCoins)
	}
	return &LedgerHeader{Index: index, Hash: hash, ParentHash: strings.ToUpper(d.ParentHash),
		CloseTime: rippleTime(int64(d.CloseTime)), TotalCoins: coins, Validated: true}, nil
}

// LedgerTransactions returns validated ledger index with its transactions
// expanded (ledger with transactions, expand and binary true: the node sends
// each stored blob and metadata as they are, and they are decoded here on
// every CPU instead of being rendered to JSON and parsed back). A ledger the node does not hold, or has not validated
// yet, is an *RPCError lgrNotFound (banx.ENOTFOUND). A transaction missing from
// the answer is not proven absent from other ledgers: look it up by hash.
func (c *Client) LedgerTransactions(ctx context.Context, index uint32) (*LedgerTxs, error) {
	if index == 0 {
		return nil, banx.Errorf(banx.EINVALID, "ledger index 0 does not exist; the first ledger is 1")
	}
	var raw json.RawMessage
	req := &ledger.Request{LedgerIndex: common.LedgerIndex(index), Transactions: true, Expand: true, Binary: true}
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
	var e wireLedgerTxEntries
	if err := json.Unmarshal(raw, &e); err != nil {
		return nil, err
	}
	if e.Ledger == nil || e.Ledger.Transactions == nil {
		return nil, errors.New(`missing "ledger.transactions"`)
	}
	h, err := e.header(index)
	if err != nil {
		return nil, err
	}
	closeISO := h.CloseTime.UTC().Format(time.RFC3339)
	entries := e.Ledger.Transactions
	out := &LedgerTxs{Header: *h, Transactions: make([]*Transaction, len(entries))}
	errs := make([]error, len(entries))
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), len(entries))
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(entries); i += workers {
				out.Transactions[i], errs[i] = parseBinaryEntry(entries[i], index, closeISO)
				if errs[i] != nil {
					errs[i] = fmt.Errorf("ledger.transactions[%d]: %w", i, errs[i])
				}
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// wireBinaryTx is one transaction of a ledger asked for in binary: API v2
// names the metadata meta_blob, API v1 meta.
type wireBinaryTx struct {
	TxBlob      string          `json:"tx_blob"`
	MetaBlob    string          `json:"meta_blob"`
	Meta        json.RawMessage `json:"meta"`
	Hash        string          `json:"hash"`
	LedgerIndex *uint32         `json:"ledger_index"`
}

// txIDPrefix is the hash prefix of a transaction ID ("TXN\0").
var txIDPrefix = []byte{0x54, 0x58, 0x4E, 0x00}

// binaryEntry is one transaction of a binary ledger answer, checked: both
// blobs present, in the ledger asked for, and its hash the blob's own ID.
type binaryEntry struct {
	txHex, metaHex, hash string
	blob                 []byte
}

// readBinaryEntry reads and checks one entry of a binary ledger answer; the
// whole-transaction and the results-only readers both start here.
func readBinaryEntry(entry json.RawMessage, index uint32) (binaryEntry, error) {
	var b wireBinaryTx
	if err := json.Unmarshal(entry, &b); err != nil {
		return binaryEntry{}, fmt.Errorf("not a binary transaction entry: %w", err)
	}
	metaHex := b.MetaBlob
	if metaHex == "" && len(b.Meta) > 0 {
		if err := json.Unmarshal(b.Meta, &metaHex); err != nil {
			return binaryEntry{}, fmt.Errorf("meta is not a hex blob: %w", err)
		}
	}
	if b.TxBlob == "" || metaHex == "" {
		return binaryEntry{}, errors.New("tx_blob and meta_blob are required")
	}
	if b.LedgerIndex != nil && *b.LedgerIndex != index {
		return binaryEntry{}, fmt.Errorf("ledger_index %d in ledger %d", *b.LedgerIndex, index)
	}
	blob, err := hex.DecodeString(b.TxBlob)
	if err != nil {
		return binaryEntry{}, fmt.Errorf("tx_blob: %w", err)
	}
	sum := sha512.Sum512(append(append([]byte{}, txIDPrefix...), blob...))
	hash := strings.ToUpper(hex.EncodeToString(sum[:32]))
	if b.Hash != "" && !strings.EqualFold(b.Hash, hash) {
		return binaryEntry{}, fmt.Errorf("hash %s is not the blob's ID %s", b.Hash, hash)
	}
	return binaryEntry{txHex: b.TxBlob, metaHex: metaHex, hash: hash, blob: blob}, nil
}

func parseBinaryEntry(entry json.RawMessage, index uint32, closeISO string) (*Transaction, error) {
	e, err := readBinaryEntry(entry, index)
	if err != nil {
		return nil, err
	}
	metaHex, hash := e.metaHex, e.hash
	fields, err := binarycodec.Decode(e.txHex)
	if err != nil {
		return nil, fmt.Errorf("tx_blob: %w", err)
	}
	txJSON, err := json.Marshal(fields)
	if err != nil {
		return nil, err
	}
	meta, _, err := scanMeta(metaHex)
	if err != nil {
		return nil, fmt.Errorf("meta_blob: %w", err)
	}
	result, ok := meta["TransactionResult"].(string)
	if !ok {
		return nil, errors.New("meta_blob: TransactionResult missing")
	}
	// delivered_amount as rippled synthesizes it: DeliveredAmount when the
	// metadata has it, else a successful payment's Amount (partial payments
	// always record DeliveredAmount).
	var delivered json.RawMessage
	d, ok := meta["DeliveredAmount"]
	if !ok && fields["TransactionType"] == "Payment" && result == "tesSUCCESS" {
		d, ok = fields["Amount"]
	}
	if ok {
		if delivered, err = json.Marshal(d); err != nil {
			return nil, err
		}
	} else {
		delivered = json.RawMessage(`"unavailable"`)
	}
	w := wireTx{Hash: &hash, LedgerIndex: &index, CloseTimeISO: closeISO, Validated: true, TxJSON: txJSON}
	w.Meta = &struct {
		TransactionResult *string         `json:"TransactionResult"`
		DeliveredAmount   json.RawMessage `json:"delivered_amount"`
	}{TransactionResult: &result, DeliveredAmount: delivered}
	return w.parse(hash)
}

// scanMeta returns the top-level TransactionResult and DeliveredAmount of a
// metadata blob without decoding AffectedNodes, the bulk of it (see
// scanMetaRaw). Metadata of any other shape is decoded whole; fast says which
// way it went.
func scanMeta(metaHex string) (meta map[string]any, fast bool, err error) {
	result, delivered, ok, err := scanMetaRaw(metaHex)
	if err != nil {
		return nil, false, err
	}
	if !ok {
		d, err := binarycodec.Decode(metaHex)
		return d, false, err
	}
	out := map[string]any{"TransactionResult": result}
	if delivered != nil {
		d, err := binarycodec.Decode(hex.EncodeToString(delivered))
		if err != nil {
			return nil, false, fmt.Errorf("DeliveredAmount: %w", err)
		}
		out["DeliveredAmount"] = d["DeliveredAmount"]
	}
	return out, true, nil
}

// scanMetaRaw finds the TransactionResult and the serialized DeliveredAmount
// field (header included; nil when absent) of a metadata blob without
// decoding AffectedNodes: fields are in canonical order (type, then field
// code), so TransactionIndex (UInt32), ParentBatchID (Hash256) and
// DeliveredAmount (Amount) come before AffectedNodes (STArray, ended by
// 0xF1), and TransactionResult (UInt8, the highest type) is last. ok is false
// for metadata of any other shape.
func scanMetaRaw(metaHex string) (result string, delivered []byte, ok bool, err error) {
	m, err := hex.DecodeString(metaHex)
	if err != nil {
		return "", nil, false, err
	}
	n := len(m)
	if n < 4 || m[n-4] != 0xF1 || m[n-3] != 0x03 || m[n-2] != 0x10 {
		return "", nil, false, nil
	}
	p := 0
scan:
	for {
		if p >= n {
			return "", nil, false, nil
		}
		typ, fld := int(m[p]>>4), int(m[p]&0x0F)
		p++
		if typ == 0 || p >= n {
			return "", nil, false, nil // a type code of 16 or more before AffectedNodes
		}
		if fld == 0 {
			fld = int(m[p])
			p++
		}
		switch {
		case typ == 2: // UInt32 (TransactionIndex)
			p += 4
		case typ == 5: // Hash256 (ParentBatchID)
			p += 32
		case typ == 6 && fld == 18 && p < n: // DeliveredAmount: IOU 48 bytes, MPT 33, XRP 8
			size := 8
			switch {
			case m[p]&0x80 != 0:
				size = 48
			case m[p]&0x20 != 0:
				size = 33
			}
			if p+size > n {
				return "", nil, false, nil
			}
			delivered = m[p-2 : p+size]
			p += size
		case typ == 15 && fld == 8: // AffectedNodes
			break scan
		default:
			return "", nil, false, nil
		}
	}
	code := int32(m[n-1])
	name, err := definitions.Get().GetTransactionResultNameByTransactionResultTypeCode(code)
	if err != nil {
		return "", nil, false, fmt.Errorf("TransactionResult %d: %w", code, err)
	}
	return name, delivered, true, nil
}
