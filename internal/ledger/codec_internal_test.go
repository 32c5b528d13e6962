package ledger

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"testing"

	binarycodec "github.com/Peersyst/xrpl-go/binary-codec"
)

// TestMain turns the codec cross-check on for every test of the package, so
// each entry, metadata object and signing payload the tests produce is
// serialized by both the fast encoder and xrpl-go and must match byte for byte.
func TestMain(m *testing.M) {
	codecCrossCheck = true
	os.Exit(m.Run())
}

// TestEncodeFieldsMatchesCodec compares the fast encoder with xrpl-go on
// hand-picked values, including the ones it must leave to xrpl-go.
func TestEncodeFieldsMatchesCodec(t *testing.T) {
	issuer := GenesisAddress
	iou := func(v string) map[string]any { return map[string]any{"currency": "BXE", "issuer": issuer, "value": v} }
	cases := map[string]map[string]any{
		"AccountRoot": {"LedgerEntryType": "AccountRoot", "Account": issuer, "Balance": "99999999999999990",
			"Flags": uint32(8388608), "OwnerCount": uint32(3), "Sequence": uint32(7),
			"PreviousTxnID": "7C1A0F3D1E7C5C2E0B1F9C0E6C7E2B3A1D4F5E6A7B8C9D0E1F2A3B4C5D6E7F80", "PreviousTxnLgrSeq": uint32(12)},
		"RippleState": {"LedgerEntryType": "RippleState", "Balance": iou("-123.456"), "LowLimit": iou("0"),
			"HighLimit": iou("1e9"), "Flags": uint32(131072), "LowNode": "0000000000000000", "HighNode": "00000000000000A1"},
		"Payment": {"TransactionType": "Payment", "Account": issuer, "Destination": issuer, "Amount": iou("0.000001234"),
			"Fee": "12", "Sequence": 5, "LastLedgerSequence": uint32(30), "SigningPubKey": "0330E7FC9D56BB25D6893BA3F317AE5BCF33B3291BD63DB32654A313222F7FD020",
			"TxnSignature": "3045022100", "Memos": []any{map[string]any{"Memo": map[string]any{"MemoType": "74657374", "MemoData": "01"}}}},
		"Meta": {"TransactionIndex": uint32(3), "TransactionResult": "tecPATH_DRY", "AffectedNodes": []any{
			map[string]any{"ModifiedNode": map[string]any{"LedgerEntryType": "AccountRoot", "LedgerIndex": "13F1A95D7AAB7108D5CE7EEAF504B2894B8C674E6D68499076441C4837282BF8",
				"FinalFields": map[string]any{"Account": issuer, "Balance": "10"}, "PreviousFields": map[string]any{"Balance": "22"}}}},
			"delivered_amount": iou("5")},
		"Directory": {"LedgerEntryType": "DirectoryNode", "Indexes": []string{"13F1A95D7AAB7108D5CE7EEAF504B2894B8C674E6D68499076441C4837282BF8"},
			"RootIndex": "13F1A95D7AAB7108D5CE7EEAF504B2894B8C674E6D68499076441C4837282BF8"},
		"EmptyVector":     {"LedgerEntryType": "DirectoryNode", "Indexes": []any{}},
		"OddValue":        {"Amount": iou(".5")},
		"LongValue":       {"Amount": iou("12345678901234567")},
		"HexCurrency":     {"Amount": map[string]any{"currency": "0158415500000000C1F76FF6ECB0BAC600000000", "issuer": issuer, "value": "1"}},
		"XAddress":        {"Account": "X7AcgcsBL6XDcUb289X4mJ8djcdyKaB5hJDWMArnXr61cqZ"},
		"NegativeZero":    {"Amount": iou("-0")},
		"TinyExponent":    {"Amount": iou("1e-96")},
		"HugeExponent":    {"Amount": iou("9999999999999999e80")},
		"TypeCodeNumber":  {"TransactionType": 0, "TransactionResult": 0},
		"UInt16AsUInt8":   {"TransactionType": uint8(3)},
		"UnknownTopLevel": {"Fee": "10", "hash": "00", "ledger_index": 5},
	}
	fast := map[string]bool{"AccountRoot": true, "RippleState": true, "Payment": true, "Meta": true, "Directory": true, "EmptyVector": true, "HugeExponent": true}
	for name, m := range cases {
		for _, signing := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/signing=%v", name, signing), func(t *testing.T) {
				var want string
				var werr error
				if signing {
					want, werr = binarycodec.EncodeForSigning(m)
				} else {
					want, werr = binarycodec.Encode(m)
				}
				var got []byte
				var gerr error
				if signing {
					got, gerr = signingData(m)
					got = append(append([]byte{}, prefixSigning...), got...)
				} else {
					got, gerr = encodeFields(m)
				}
				if (werr != nil) != (gerr != nil) {
					t.Fatalf("codec error %v, fast error %v", werr, gerr)
				}
				if werr == nil && !hexEqual(want, got) {
					t.Fatalf("codec %s\nfast  %s", want, hex.EncodeToString(got))
				}
				if _, ok := fastEncode(m, signing); fast[name] && !ok {
					t.Fatal("left to xrpl-go; want the fast path")
				}
			})
		}
	}
}

// TestIOUWireMatchesCodec compares token-value serialization on random
// mantissas and exponents written in several ways.
func TestIOUWireMatchesCodec(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 5000; i++ {
		digits := fmt.Sprint(r.Uint64N(1_000_000_000_000_000_0))
		exp := r.IntN(200) - 110
		var s string
		switch i % 4 {
		case 0:
			s = digits + "e" + fmt.Sprint(exp)
		case 1:
			if len(digits) > 1 {
				s = digits[:1] + "." + digits[1:]
			} else {
				s = digits
			}
		case 2:
			s = "-" + digits + "E+" + fmt.Sprint(exp&31)
		default:
			s = "0.000" + digits
		}
		want, werr := binarycodec.Encode(map[string]any{"Amount": map[string]any{"currency": "USD", "issuer": GenesisAddress, "value": s}})
		w, ok := iouWire(s)
		if !ok {
			continue
		}
		if werr != nil {
			t.Fatalf("%q: codec refuses (%v), fast path gives %016X", s, werr, w)
		}
		if got := fmt.Sprintf("%016X", w); want[2:18] != got {
			t.Fatalf("%q: codec %s, fast %s", s, want[2:18], got)
		}
	}
}

// TestDecodeFieldsMatchesCodec decodes token amounts of every exponent and
// currency codes of every kind with the fast decoder and with xrpl-go.
func TestDecodeFieldsMatchesCodec(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	issuer, _ := parseAccount(GenesisAddress)
	codes := [][]byte{
		append(append(make([]byte, 12), "BXE"...), make([]byte, 5)...),
		append(append(make([]byte, 12), "bxe"...), make([]byte, 5)...),
		append(append(make([]byte, 12), "XRP"...), make([]byte, 5)...),
		append(append(make([]byte, 12), 0x01, 0xff, 0x41), make([]byte, 5)...),
		{0x01, 0x58, 0x41, 0x55, 0, 0, 0, 0, 0xC1, 0xF7, 0x6F, 0xF6, 0xEC, 0xB0, 0xBA, 0xC6, 0, 0, 0, 0},
		make([]byte, 20),
	}
	for i := 0; i < 3000; i++ {
		m := 1_000_000_000_000_000 + r.Uint64N(9_000_000_000_000_000)
		exp := r.IntN(177) - 96
		w := uint64(0x8000000000000000) | uint64(exp+97)<<54 | m
		if i%2 == 0 {
			w |= 0x4000000000000000
		}
		if i%100 == 0 {
			w = 0x8000000000000000
		}
		blob := []byte{0x61} // Amount
		blob = binary.BigEndian.AppendUint64(blob, w)
		blob = append(blob, codes[i%len(codes)]...)
		blob = append(blob, issuer[:]...)
		blob = append(blob, 0x68, 0x40, 0, 0, 0, 0, 0, 0, byte(i)) // Fee, XRP
		if d := (decoder{b: blob}); i%len(codes) == 0 {
			if _, ok := d.object(); !ok {
				t.Fatalf("%X: left to xrpl-go; want the fast path", blob)
			}
		}
		got, gerr := decodeFields(blob)
		want, werr := binarycodec.Decode(hex.EncodeToString(blob))
		if (gerr != nil) != (werr != nil) || werr == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("%X:\nfast  %v %v\ncodec %v %v", blob, got, gerr, want, werr)
		}
	}
}

// FuzzDecodeFields feeds arbitrary bytes to the fast decoder: whenever it
// decodes them itself, xrpl-go must decode them too, to the same maps; and
// whatever it decodes must encode back to what xrpl-go encodes.
func FuzzDecodeFields(f *testing.F) {
	gen := GenesisAddress
	for _, m := range []map[string]any{
		{"TransactionType": "Payment", "Account": gen, "Destination": gen, "Fee": "12", "Sequence": uint32(3),
			"Amount": map[string]any{"currency": "BXE", "issuer": gen, "value": "1.5"}, "SigningPubKey": "00",
			"Memos": []any{map[string]any{"Memo": map[string]any{"MemoData": "ABCD"}}}},
		{"LedgerEntryType": "DirectoryNode", "Indexes": []string{"13F1A95D7AAB7108D5CE7EEAF504B2894B8C674E6D68499076441C4837282BF8"}, "Owner": gen},
		{"TransactionResult": "tesSUCCESS", "TransactionIndex": uint32(1), "AffectedNodes": []any{}},
	} {
		b, err := encodeFields(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		d := decoder{b: b}
		got, ok := d.object()
		if !ok {
			return
		}
		want, err := safeDecode(b)
		if err != nil {
			t.Fatalf("%X: fast decoder read %v, xrpl-go refuses: %v", b, got, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%X:\nfast  %v\ncodec %v", b, got, want)
		}
		fast, ok := fastEncode(got, false)
		if !ok {
			return
		}
		h, err := binarycodec.Encode(got)
		if err != nil || !hexEqual(h, fast) {
			t.Fatalf("%v: fast encoding %X, xrpl-go %s %v", got, fast, h, err)
		}
	})
}

func safeDecode(b []byte) (m map[string]any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return binarycodec.Decode(hex.EncodeToString(b))
}
