package xrpl

import (
	"encoding/hex"
	"encoding/json"
	"reflect"
	"testing"

	binarycodec "github.com/Peersyst/xrpl-go/binary-codec"

	"github.com/banxmedia/banx/internal/amount"
)

// TestScanMeta checks the shortcut reading of metadata against a whole
// decode, and that it is taken for the shapes payments have.
func TestScanMeta(t *testing.T) {
	node := map[string]any{"ModifiedNode": map[string]any{
		"LedgerEntryType": "AccountRoot", "LedgerIndex": "13F1A95D7AAB7108D5CE7EEAF504B2894B8C674E6D68499076441C4837282BF8",
		"FinalFields": map[string]any{"Account": "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh", "Balance": "99999999999999990", "Flags": uint32(0),
			"OwnerCount": uint32(0), "Sequence": uint32(2)},
		"PreviousFields": map[string]any{"Balance": "100000000000000000", "Sequence": uint32(1)},
	}}
	iou := map[string]any{"currency": "BXE", "issuer": "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh", "value": "12.5"}
	for _, tc := range []struct {
		name string
		meta map[string]any
		fast bool
	}{
		{"OKIssued", map[string]any{"TransactionIndex": uint32(7), "DeliveredAmount": iou, "AffectedNodes": []any{node}, "TransactionResult": "tesSUCCESS"}, true},
		{"OKXRP", map[string]any{"TransactionIndex": uint32(0), "DeliveredAmount": "1234", "AffectedNodes": []any{node}, "TransactionResult": "tesSUCCESS"}, true},
		{"OKTec", map[string]any{"TransactionIndex": uint32(999), "AffectedNodes": []any{node}, "TransactionResult": "tecPATH_DRY"}, true},
		{"OtherShape", map[string]any{"TransactionIndex": uint32(1), "TransactionResult": "tesSUCCESS"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			blob, err := binarycodec.Encode(tc.meta)
			if err != nil {
				t.Fatal(err)
			}
			got, fast, err := scanMeta(blob)
			if err != nil {
				t.Fatal(err)
			}
			want, err := binarycodec.Decode(blob)
			if err != nil {
				t.Fatal(err)
			}
			if fast != tc.fast {
				t.Errorf("fast = %v, want %v", fast, tc.fast)
			}
			if got["TransactionResult"] != want["TransactionResult"] || !reflect.DeepEqual(got["DeliveredAmount"], want["DeliveredAmount"]) {
				t.Errorf("scan %v, decode %v", got, want)
			}
		})
	}
	if _, _, err := scanMeta("zz"); err == nil {
		t.Error("a blob that is not hex must be refused")
	}
}

// TestScanPaymentAmount checks the shortcut reading of a payment's Amount and
// of the delivered amount against a whole decode.
func TestScanPaymentAmount(t *testing.T) {
	issuer := "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh"
	base := map[string]any{"Account": issuer, "Destination": issuer, "Fee": "12", "Sequence": uint32(9), "Flags": uint32(0),
		"LastLedgerSequence": uint32(40), "SigningPubKey": "0330E7FC9D56BB25D6893BA3F317AE5BCF33B3291BD63DB32654A313222F7FD020",
		"InvoiceID": "13F1A95D7AAB7108D5CE7EEAF504B2894B8C674E6D68499076441C4837282BF8"}
	for _, tc := range []struct {
		name    string
		tx      map[string]any
		payment bool
		ok      bool
	}{
		{"OKIssued", map[string]any{"TransactionType": "Payment", "Amount": map[string]any{"currency": "BXE", "issuer": issuer, "value": "0.0001234"}}, true, true},
		{"OKXRP", map[string]any{"TransactionType": "Payment", "Amount": "1000000"}, true, true},
		{"OKTrustSet", map[string]any{"TransactionType": "TrustSet", "LimitAmount": map[string]any{"currency": "BXE", "issuer": issuer, "value": "5"}}, false, true},
		{"OKAccountSet", map[string]any{"TransactionType": "AccountSet", "SetFlag": uint32(8)}, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := map[string]any{}
			for k, v := range base {
				m[k] = v
			}
			for k, v := range tc.tx {
				m[k] = v
			}
			if tc.tx["TransactionType"] != "Payment" {
				delete(m, "Destination")
				delete(m, "InvoiceID")
			}
			h, err := binarycodec.Encode(m)
			if err != nil {
				t.Fatal(err)
			}
			blob, _ := hex.DecodeString(h)
			payment, raw, ok := scanPaymentAmount(blob)
			if payment != tc.payment || ok != tc.ok {
				t.Fatalf("payment %v ok %v, want %v %v", payment, ok, tc.payment, tc.ok)
			}
			if !payment {
				return
			}
			got, ok := rawAmount(raw)
			if !ok {
				t.Fatal("amount not read")
			}
			want, err := parseAmount(mustJSON(t, m["Amount"]))
			if err != nil {
				t.Fatal(err)
			}
			if got.Currency != want.Currency || got.Issuer != want.Issuer {
				t.Fatalf("read %+v, want %+v", got, want)
			}
			x, _ := amount.ParseIOU(got.Value)
			y, _ := amount.ParseIOU(want.Value)
			if !x.Equal(y) {
				t.Fatalf("read %+v, want %+v", got, want)
			}
		})
	}
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
