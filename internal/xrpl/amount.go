package xrpl

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"

	binarycodec "github.com/Peersyst/xrpl-go/binary-codec"
	"github.com/Peersyst/xrpl-go/xrpl/transaction/types"

	"github.com/banxmedia/banx/internal/banx"
)

// Amount is a ledger amount. XRP amounts have Currency "XRP", no issuer, and Value
// in integer drops; issued amounts carry the decimal string the ledger rendered,
// which is exact and must be parsed with big.Rat, never a float.
type Amount struct {
	Currency      string // "XRP", a 3-letter code or 40 hex characters
	Issuer        string // empty for XRP
	Value         string // drops for XRP, decimal for issued currencies
	MPTIssuanceID string // set instead of Currency/Issuer for multi-purpose tokens
}

// IsXRP reports whether a is an amount of XRP.
func (a Amount) IsXRP() bool { return a.Currency == "XRP" && a.Issuer == "" }

// Drops returns an XRP amount in drops.
func (a Amount) Drops() (uint64, error) {
	if !a.IsXRP() {
		return 0, banx.Errorf(banx.EINVALID, "amount %s %s is not XRP", a.Value, a.Currency)
	}
	return strconv.ParseUint(a.Value, 10, 64)
}

var (
	dropsPattern   = regexp.MustCompile(`^[0-9]{1,19}$`)
	decimalPattern = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$`)
)

// parseAmount decodes an amount in the API's JSON form: a string of drops, or an
// object {currency, issuer, value} or {mpt_issuance_id, value}.
func parseAmount(raw json.RawMessage) (*Amount, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		if !dropsPattern.MatchString(s) {
			return nil, fmt.Errorf("XRP amount %q is not a whole number of drops", s)
		}
		return &Amount{Currency: "XRP", Value: s}, nil
	}
	var o struct {
		Currency      string  `json:"currency"`
		Issuer        string  `json:"issuer"`
		Value         *string `json:"value"`
		MPTIssuanceID string  `json:"mpt_issuance_id"`
	}
	if err := json.Unmarshal(raw, &o); err != nil {
		return nil, err
	}
	if o.Value == nil || !decimalPattern.MatchString(*o.Value) {
		return nil, fmt.Errorf("amount %s has no decimal value", raw)
	}
	if o.MPTIssuanceID == "" && (o.Currency == "" || (o.Issuer == "" && o.Currency != "XRP")) {
		return nil, fmt.Errorf("amount %s lacks currency or issuer", raw)
	}
	return &Amount{Currency: o.Currency, Issuer: o.Issuer, Value: *o.Value, MPTIssuanceID: o.MPTIssuanceID}, nil
}

// xrpToDrops converts an XRP decimal as the API sends it (0.00001, 1e-05, 10) into
// drops, exactly.
func xrpToDrops(n json.Number) (uint64, error) {
	r, ok := new(big.Rat).SetString(string(n))
	if !ok || r.Sign() < 0 {
		return 0, fmt.Errorf("%q is not a non-negative XRP amount", n)
	}
	r.Mul(r, big.NewRat(1_000_000, 1))
	if !r.IsInt() || !r.Num().IsUint64() {
		return 0, fmt.Errorf("%q XRP is not a whole number of drops", n)
	}
	return r.Num().Uint64(), nil
}

// Memo is one transaction memo, decoded. Type and Format are text (Format is a MIME
// type by convention); Data is bytes.
type Memo struct {
	Type   string
	Format string
	Data   []byte
}

// memoTextPattern is the set of characters the protocol allows in a decoded MemoType
// or MemoFormat.
var memoTextPattern = regexp.MustCompile(`^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*$`)

// EncodeMemos hex-encodes memos for a transaction's Memos field, checking the
// protocol's character rules so a bad memo fails here and not at the ledger.
func EncodeMemos(memos ...Memo) ([]types.MemoWrapper, error) {
	out := make([]types.MemoWrapper, 0, len(memos))
	for i, m := range memos {
		if !memoTextPattern.MatchString(m.Type) || !memoTextPattern.MatchString(m.Format) {
			return nil, banx.Errorf(banx.EINVALID, "memo %d: type and format may contain only URL characters", i)
		}
		if m.Type == "" && m.Format == "" && len(m.Data) == 0 {
			return nil, banx.Errorf(banx.EINVALID, "memo %d is empty", i)
		}
		out = append(out, types.MemoWrapper{Memo: types.Memo{
			MemoType:   strings.ToUpper(hex.EncodeToString([]byte(m.Type))),
			MemoFormat: strings.ToUpper(hex.EncodeToString([]byte(m.Format))),
			MemoData:   strings.ToUpper(hex.EncodeToString(m.Data)),
		}})
	}
	if n, err := memosSize(out); err != nil {
		return nil, banx.Wrap(banx.EINVALID, err, "encode memos")
	} else if n > MaxMemosSize {
		return nil, banx.Errorf(banx.ETOOLARGE, "memos serialize to %d bytes; the ledger accepts at most %d", n, MaxMemosSize)
	}
	return out, nil
}

// MaxMemosSize is the most bytes a transaction's serialized Memos field may take;
// rippled refuses bigger ones in its local checks, before any fee is charged.
const MaxMemosSize = 1024

// memosSize returns the serialized size of the Memos array, as rippled measures it:
// the array's contents without the field's own header and end marker.
func memosSize(memos []types.MemoWrapper) (int, error) {
	flat := make([]any, 0, len(memos))
	for i := range memos {
		flat = append(flat, memos[i].Flatten())
	}
	enc, err := binarycodec.Encode(map[string]any{"Memos": flat})
	if err != nil {
		return 0, err
	}
	return len(enc)/2 - 2, nil
}

// decodeMemo decodes one memo as the API returns it (hex fields).
func decodeMemo(typ, format, data string) (Memo, error) {
	t, err := hex.DecodeString(typ)
	if err != nil {
		return Memo{}, fmt.Errorf("MemoType %q is not hex", typ)
	}
	f, err := hex.DecodeString(format)
	if err != nil {
		return Memo{}, fmt.Errorf("MemoFormat %q is not hex", format)
	}
	d, err := hex.DecodeString(data)
	if err != nil {
		return Memo{}, fmt.Errorf("MemoData is not hex")
	}
	return Memo{Type: string(t), Format: string(f), Data: d}, nil
}

// rippleEpoch is 2000-01-01T00:00:00Z, the origin of ledger close times.
const rippleEpoch = 946684800

func rippleTime(secs int64) time.Time { return time.Unix(rippleEpoch+secs, 0).UTC() }

var hashPattern = regexp.MustCompile(`^[0-9A-Fa-f]{64}$`)
