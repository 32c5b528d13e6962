package xrpl

import (
	"crypto/sha512"
	"encoding/binary"
	"encoding/hex"
	"maps"
	"strings"

	addresscodec "github.com/Peersyst/xrpl-go/address-codec"
	"github.com/Peersyst/xrpl-go/binary-codec/definitions"
	"github.com/Peersyst/xrpl-go/binary-codec/serdes"
	"github.com/Peersyst/xrpl-go/binary-codec/types"
	"github.com/Peersyst/xrpl-go/keypairs"
	"github.com/Peersyst/xrpl-go/xrpl/transaction"
	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/internal/amount"
)

// xrpl-go's wallet.Sign serializes a transaction twice and decodes the blob
// once more to hash it, and its codec compiles two regular expressions for
// every token amount: most of the cost of signing a payout, beyond the
// signature itself. fastSign produces the same blob and hash with one
// serialization: the signing fields are encoded in two halves around the
// place of TxnSignature (every field's bytes are independent of the others),
// token amounts are serialized here, and the hash is computed directly. It
// declines (ok false) whatever it is not sure to serialize as the codec does,
// and Sign then uses xrpl-go. Tests compare both on many transactions.

// Hash prefixes: single-signing data ("STX\0") and transaction IDs ("TXN\0").
var (
	prefixSigning = []byte{0x53, 0x54, 0x58, 0x00}
	prefixTxID    = []byte{0x54, 0x58, 0x4E, 0x00}
)

// fastSign signs tx with w as wallet.Sign does; ok is false when it declines.
func fastSign(tx transaction.FlatTransaction, w *wallet.Wallet) (blob, hash string, ok bool, err error) {
	defs := definitions.Get()
	sigField, err := defs.GetFieldInstanceByFieldName("TxnSignature")
	if err != nil {
		return "", "", false, nil
	}
	before, after := map[string]any{}, map[string]any{}
	overBefore, overAfter := types.RawFieldValueOverrides{}, types.RawFieldValueOverrides{}
	signTx := maps.Clone(map[string]any(tx))
	signTx["SigningPubKey"] = w.PublicKey
	for k, v := range signTx {
		fi := defs.Fields[k]
		if fi == nil {
			continue // dropped by the codec too
		}
		if k == "TxnSignature" || !fi.IsSigningField {
			return "", "", false, nil // already signed, or multi-signing fields
		}
		if t, _ := v.(string); t == "UNLModify" || mayBeXAddress(t) {
			return "", "", false, nil
		}
		half, over := before, overBefore
		if fi.Ordinal > sigField.Ordinal {
			half, over = after, overAfter
		}
		half[k] = v
		if fi.Type == "Amount" {
			if m, isIOU := v.(map[string]any); isIOU {
				b, ok := tokenAmount(m)
				if !ok {
					return "", "", false, nil
				}
				over[k] = b
			}
		}
	}
	head, err := encodeObject(before, overBefore)
	if err != nil {
		return "", "", false, nil
	}
	tail, err := encodeObject(after, overAfter)
	if err != nil {
		return "", "", false, nil
	}
	signing := make([]byte, 0, len(prefixSigning)+len(head)+len(tail))
	signing = append(append(append(signing, prefixSigning...), head...), tail...)
	sig, err := keypairs.Sign(string(signing), w.PrivateKey)
	if err != nil {
		return "", "", true, err
	}
	rawSig, err := hex.DecodeString(sig)
	if err != nil || len(rawSig) > 192 {
		return "", "", false, nil
	}
	// TxnSignature: field header 0x74 (Blob, field 4), a one-byte length, the bytes.
	raw := make([]byte, 0, len(head)+2+len(rawSig)+len(tail))
	raw = append(append(append(append(raw, head...), 0x74, byte(len(rawSig))), rawSig...), tail...)
	sum := sha512.Sum512(append(append([]byte{}, prefixTxID...), raw...))
	return strings.ToUpper(hex.EncodeToString(raw)), strings.ToUpper(hex.EncodeToString(sum[:32])), true, nil
}

// encodeObject serializes fields in canonical order with xrpl-go's STObject,
// taking the given fields' value bytes as they are.
func encodeObject(fields map[string]any, over types.RawFieldValueOverrides) ([]byte, error) {
	if len(fields) == 0 {
		return nil, nil
	}
	st := types.NewSTObject(serdes.NewBinarySerializer(serdes.NewFieldIDCodec(definitions.Get())))
	return st.FromJSONWithRawFieldValueOverrides(fields, over)
}

// mayBeXAddress reports a string the codec would rewrite as an X-address
// (an account plus a tag field elsewhere in the object).
func mayBeXAddress(s string) bool {
	return (strings.HasPrefix(s, "X") || strings.HasPrefix(s, "T")) && addresscodec.IsValidXAddress(s)
}

// tokenAmount serializes a token amount {currency, issuer, value} as the
// codec does, for the spellings it is sure of: a 3-character code other than
// XRP, a classic issuer, and a value -?digits(.digits)? of at most 16
// significant digits.
func tokenAmount(m map[string]any) ([]byte, bool) {
	if len(m) != 3 {
		return nil, false
	}
	val, ok1 := m["value"].(string)
	cur, ok2 := m["currency"].(string)
	iss, ok3 := m["issuer"].(string)
	if !ok1 || !ok2 || !ok3 || len(cur) != 3 || cur == "XRP" || !simpleDecimal(val) {
		return nil, false
	}
	for i := 0; i < 3; i++ {
		if !strings.ContainsRune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789?!@#$%^&*<>(){}[]|", rune(cur[i])) {
			return nil, false
		}
	}
	v, err := amount.ParseIOU(val)
	if err != nil || v.IsZero() {
		return nil, false
	}
	if !strings.HasPrefix(iss, "r") {
		return nil, false
	}
	_, id, err := addresscodec.DecodeClassicAddressToAccountID(iss)
	if err != nil || len(id) != 20 {
		return nil, false
	}
	out := binary.BigEndian.AppendUint64(make([]byte, 0, 48), v.Wire())
	out = append(out, make([]byte, 12)...)
	out = append(out, cur...)
	out = append(out, make([]byte, 5)...)
	return append(out, id...), true
}

// simpleDecimal reports -?digits(.digits)? with at most 16 digits after
// leading zeros, which the codec and amount.ParseIOU read alike, exactly.
func simpleDecimal(s string) bool {
	s = strings.TrimPrefix(s, "-")
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" || hasDot && frac == "" {
		return false
	}
	digits := 0
	started := false
	for _, part := range []string{intPart, frac} {
		for i := 0; i < len(part); i++ {
			c := part[i]
			if c < '0' || c > '9' {
				return false
			}
			if c != '0' {
				started = true
			}
			if started {
				digits++
			}
		}
	}
	return digits <= 16
}
