package xrpl

import (
	"reflect"
	"testing"

	binarycodec "github.com/Peersyst/xrpl-go/binary-codec"
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
