package anchor_test

import (
	"encoding/hex"
	"regexp"
	"strings"
	"testing"

	addresscodec "github.com/Peersyst/xrpl-go/address-codec"
	binarycodec "github.com/Peersyst/xrpl-go/binary-codec"
	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/banx"
)

const (
	sha   = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" // sha256("test")
	txh   = "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"
	root  = "5feceb66ffc86f38d952786c6d696c79c2dbc239dd4e91b46729d73a27fb57e9"
	alice = "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh"
)

// cidOfTest is the raw CID of the bytes "test", whose sha256 is sha.
var cidOfTest = rawCID([]byte("test"))

func TestMemoRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		memo anchor.Memo
		data string
	}{
		{"OKSelf", anchor.SelfMemo(sha, cidOfTest, alice, ""),
			`{"author":"` + alice + `","cid":"` + cidOfTest + `","kind":"self","sha256":"` + sha + `","v":1}`},
		{"OKSelfEdit", anchor.SelfMemo(sha, dagPBCID("x"), alice, txh),
			`{"author":"` + alice + `","cid":"` + dagPBCID("x") + `","kind":"self","prev":"` + txh + `","sha256":"` + sha + `","v":1}`},
		{"OKBatch", anchor.Memo{Version: 1, Kind: anchor.KindBatch, Root: root, Leaves: 10000},
			`{"kind":"batch","leaves":10000,"root":"` + root + `","v":1}`},
		{"OKBatchID", anchor.Memo{Version: 1, Kind: anchor.KindBatch, Root: root, Leaves: 1, BatchID: "2026-01-01.0007"},
			`{"id":"2026-01-01.0007","kind":"batch","leaves":1,"root":"` + root + `","v":1}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			typ, format, data, err := anchor.EncodeMemo(tc.memo)
			if err != nil {
				t.Fatal(err)
			}
			if string(typ) != "https://banx.media/anchor/v1" || string(format) != "application/json" {
				t.Errorf("type %q format %q", typ, format)
			}
			if string(data) != tc.data {
				t.Errorf("data\n got %s\nwant %s", data, tc.data)
			}
			got, err := anchor.DecodeMemo(typ, format, data)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.memo {
				t.Errorf("decoded %+v, want %+v", got, tc.memo)
			}
			h, err := anchor.EncodeMemoHex(tc.memo)
			if err != nil {
				t.Fatal(err)
			}
			if h.Data != strings.ToUpper(hex.EncodeToString(data)) {
				t.Errorf("hex data %s", h.Data)
			}
			lower := anchor.MemoHex{Type: strings.ToLower(h.Type), Format: strings.ToLower(h.Format), Data: strings.ToLower(h.Data)}
			for _, x := range []anchor.MemoHex{h, lower} {
				if got, err := anchor.DecodeMemoHex(x); err != nil || got != tc.memo {
					t.Errorf("DecodeMemoHex = %+v, %v", got, err)
				}
			}
		})
	}
}

func TestEncodeMemoErr(t *testing.T) {
	for _, tc := range []struct {
		name string
		memo anchor.Memo
		msg  string
	}{
		{"ErrVersion", anchor.Memo{Kind: anchor.KindSelf}, "anchor memo: v is 0, this reader knows only 1"},
		{"ErrNoKind", anchor.Memo{Version: 1}, "anchor memo: kind is required"},
		{"ErrKind", anchor.Memo{Version: 1, Kind: "single"}, `anchor memo: kind "single" is unknown, want "self" or "batch"`},
		{"ErrSelfWithRoot", anchor.Memo{Version: 1, Kind: anchor.KindSelf, SHA256: sha, CID: cidOfTest, Author: alice, Root: root}, "a self anchor has no root, leaves or id"},
		{"ErrBatchWithAuthor", anchor.Memo{Version: 1, Kind: anchor.KindBatch, Root: root, Leaves: 1, Author: alice}, "a batch anchor has no sha256, cid, author or prev"},
		{"ErrSHA256Upper", anchor.SelfMemo(strings.ToUpper(sha), cidOfTest, alice, ""), "sha256 \"9F86D0"},
		{"ErrCIDRawMismatch", anchor.SelfMemo(root, cidOfTest, alice, ""), "is a raw CID whose digest " + sha + " differs from sha256 " + root},
		{"ErrCIDv0", anchor.SelfMemo(sha, "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG", alice, ""), "is a CIDv0, want its CIDv1 in base32"},
		{"ErrCIDUpper", anchor.SelfMemo(sha, strings.ToUpper(cidOfTest), alice, ""), "is not a CIDv1 in base32 lower case"},
		{"ErrCIDCodec", anchor.SelfMemo(sha, "b"+strings.ToLower(b32.EncodeToString(append([]byte{1, 0x71, 0x12, 0x20}, make([]byte, 32)...))), alice, ""), "must be a CIDv1 with codec raw or dag-pb and a sha2-256 hash"},
		{"ErrAuthorChecksum", anchor.SelfMemo(sha, cidOfTest, "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTj", ""), `author "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTj" is not a valid XRPL classic address`},
		{"ErrAuthorMissing", anchor.SelfMemo(sha, cidOfTest, "", ""), "author is required"},
		{"ErrPrevLower", anchor.SelfMemo(sha, cidOfTest, alice, strings.ToLower(txh)), "prev \"0123456789abcdef"},
		{"ErrRootShort", anchor.Memo{Version: 1, Kind: anchor.KindBatch, Root: root[:62], Leaves: 1}, "is not a Merkle root, want 64 lower-case hexadecimal characters"},
		{"ErrLeavesZero", anchor.Memo{Version: 1, Kind: anchor.KindBatch, Root: root}, "leaves is 0, want 1 to 16777216"},
		{"ErrLeavesTooMany", anchor.Memo{Version: 1, Kind: anchor.KindBatch, Root: root, Leaves: 1<<24 + 1}, "leaves is 16777217, want 1 to 16777216"},
		{"ErrBatchIDLong", anchor.Memo{Version: 1, Kind: anchor.KindBatch, Root: root, Leaves: 1, BatchID: strings.Repeat("a", 65)}, "id is 65 characters long, at most 64 are allowed"},
		{"ErrBatchIDChar", anchor.Memo{Version: 1, Kind: anchor.KindBatch, Root: root, Leaves: 1, BatchID: "a b"}, `id "a b" has a character outside [A-Za-z0-9._-] at byte 1`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, _, err := anchor.EncodeMemo(tc.memo)
			wantErr(t, err, banx.EINVALID, tc.msg)
		})
	}
}

func TestDecodeMemo(t *testing.T) {
	good := `{"author":"` + alice + `","cid":"` + cidOfTest + `","kind":"self","sha256":"` + sha + `","v":1}`
	batch := `{"kind":"batch","leaves":3,"root":"` + root + `","v":1}`
	typ, format := anchor.MemoType, anchor.MemoFormat
	for _, tc := range []struct {
		name              string
		typ, format, data string
		msg               string
	}{
		{"OK", typ, format, good, ""},
		{"OKBatch", typ, format, batch, ""},
		{"ErrOtherType", "text/plain", format, good, `anchor memo: MemoType "text/plain" is not a Banx anchor ("https://banx.media/anchor/v1")`},
		{"ErrFutureVersion", "https://banx.media/anchor/v2", format, good, `MemoType "https://banx.media/anchor/v2" is anchor format version "v2", this reader knows only "https://banx.media/anchor/v1"`},
		{"ErrOtherFormat", typ, "text/plain", good, `anchor memo: MemoFormat "text/plain" is not "application/json"`},
		{"ErrTooLong", typ, format, `{"v":1,"x":"` + strings.Repeat("a", 600) + `"}`, "MemoData is 614 bytes, at most 512 are allowed"},
		{"ErrNotJSON", typ, format, `v=1`, "MemoData: not a JSON object"},
		{"ErrTruncated", typ, format, `{"v":1`, "MemoData: $: malformed JSON: unexpected end of input"},
		{"ErrArray", typ, format, `[1]`, "MemoData: not a JSON object"},
		{"ErrNested", typ, format, `{"v":{"a":1}}`, "MemoData: $.v: nested deeper than 1 levels"},
		{"ErrInvalidUTF8", typ, format, "{\"v\":\"\xff\"}", "MemoData: not valid UTF-8"},
		{"ErrTrailing", typ, format, good + ` {}`, "MemoData: trailing data after the JSON value"},
		{"ErrDuplicateKey", typ, format, `{"kind":"self","kind":"batch","v":1}`, `MemoData: $: duplicate key "kind"`},
		{"ErrNull", typ, format, `{"kind":null,"v":1}`, "MemoData: $.kind: null is not allowed"},
		{"ErrNoVersion", typ, format, `{"kind":"self"}`, "MemoData: v is required"},
		{"ErrVersionString", typ, format, `{"kind":"self","v":"1"}`, `MemoData: v must be an integer, got "1"`},
		{"ErrVersionFloat", typ, format, `{"kind":"self","v":1.0}`, "MemoData: v must be an integer, got 1.0"},
		{"ErrVersion2", typ, format, `{"kind":"self","v":2}`, "MemoData: v is 2, this reader knows only 1"},
		{"ErrKindNumber", typ, format, `{"kind":1,"v":1}`, "MemoData: kind must be a string, got 1"},
		{"ErrUnknownKind", typ, format, `{"kind":"other","v":1}`, `MemoData: kind "other" is unknown`},
		{"ErrUnknownField", typ, format, strings.Replace(good, `"v":1`, `"v":1,"x":2`, 1), `MemoData: unknown field "x" for kind self`},
		{"ErrBatchFieldInSelf", typ, format, strings.Replace(good, `"v":1`, `"v":1,"root":"`+root+`"`, 1), `unknown field "root" for kind self`},
		{"ErrEmptyPrev", typ, format, strings.Replace(good, `"kind"`, `"prev":"","kind"`, 1), "MemoData: prev is empty: leave it out instead"},
		{"ErrShaNumber", typ, format, strings.Replace(good, `"`+sha+`"`, `5`, 1), "MemoData: sha256 must be a string, got 5"},
		{"ErrLeavesNegative", typ, format, `{"kind":"batch","leaves":-1,"root":"` + root + `","v":1}`, "MemoData: leaves must be a positive integer, got -1"},
		{"ErrLeavesExponent", typ, format, `{"kind":"batch","leaves":1e3,"root":"` + root + `","v":1}`, "MemoData: leaves must be a positive integer, got 1e3"},
		{"ErrNotCanonicalOrder", typ, format, `{"v":1,"kind":"batch","leaves":3,"root":"` + root + `"}`, "MemoData is not in canonical form (RFC 8785), want " + batch},
		{"ErrNotCanonicalSpace", typ, format, strings.Replace(batch, `,`, `, `, 1), "MemoData is not in canonical form (RFC 8785)"},
		{"ErrNotCanonicalEscape", typ, format, strings.Replace(batch, `"batch"`, `"\u0062atch"`, 1), "MemoData is not in canonical form (RFC 8785)"},
		{"ErrBadAuthor", typ, format, strings.Replace(good, alice, "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTj", 1), "MemoData: author \"rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTj\" is not a valid XRPL classic address"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := anchor.DecodeMemo([]byte(tc.typ), []byte(tc.format), []byte(tc.data))
			if tc.msg == "" {
				if err != nil {
					t.Fatal(err)
				}
				if err := m.Validate(); err != nil {
					t.Fatal(err)
				}
				return
			}
			wantErr(t, err, banx.EINVALID, tc.msg)
		})
	}
}

func TestDecodeMemoHexErr(t *testing.T) {
	h, err := anchor.EncodeMemoHex(anchor.SelfMemo(sha, cidOfTest, alice, ""))
	if err != nil {
		t.Fatal(err)
	}
	h.Format = "ZZ"
	_, err = anchor.DecodeMemoHex(h)
	wantErr(t, err, banx.EINVALID, "anchor memo: MemoFormat is not hexadecimal")
}

// urlChars is what rippled allows in a decoded MemoType or MemoFormat.
var urlChars = regexp.MustCompile(`^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*$`)

// longestAddress is a valid classic address of the greatest length: 34
// characters, "r" for the type prefix and at most 33 base58 digits for the 24
// bytes of account ID and checksum (58^33 > 2^192), whatever the docs' "25 to
// 35" allows.
func longestAddress(t *testing.T) string {
	t.Helper()
	id := make([]byte, 20)
	for i := range id {
		id[i] = 0xFF
	}
	a, err := addresscodec.EncodeAccountIDToClassicAddress(id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// memosFieldSize serializes a Memos array holding memo with xrpl-go's binary
// codec and returns the size of the whole field, header and end marker
// included: what rippled compares with its 1024-byte limit.
func memosFieldSize(t *testing.T, h anchor.MemoHex) int {
	t.Helper()
	enc, err := binarycodec.Encode(map[string]any{"Memos": []any{map[string]any{"Memo": map[string]any{
		"MemoType": h.Type, "MemoFormat": h.Format, "MemoData": h.Data}}}})
	if err != nil {
		t.Fatal(err)
	}
	return len(enc) / 2
}

// TestMemoSizeAtMaximum proves that the largest memos the format allows fit
// the ledger's 1024-byte Memos limit with at least half of it to spare, and
// that MemoType and MemoFormat use only URL characters.
func TestMemoSizeAtMaximum(t *testing.T) {
	const margin = 512 // bytes that must stay free below anchor.MaxMemosFieldBytes
	addr := longestAddress(t)
	if len(addr) != 34 {
		t.Fatalf("longest address %s has %d characters, want 34", addr, len(addr))
	}
	for _, tc := range []struct {
		name string
		memo anchor.Memo
	}{
		{"Self", anchor.SelfMemo(sha, dagPBCID("max"), addr, txh)},
		{"Batch", anchor.Memo{Version: 1, Kind: anchor.KindBatch, Root: root, Leaves: anchor.MaxBatchLeaves, BatchID: strings.Repeat("Z", anchor.MaxBatchIDLength)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			typ, format, data, err := anchor.EncodeMemo(tc.memo)
			if err != nil {
				t.Fatal(err)
			}
			if !urlChars.Match(typ) || !urlChars.Match(format) {
				t.Errorf("MemoType %q or MemoFormat %q has a non-URL character", typ, format)
			}
			if len(data) > anchor.MaxMemoDataBytes {
				t.Errorf("MemoData %d bytes > MaxMemoDataBytes %d", len(data), anchor.MaxMemoDataBytes)
			}
			h, _ := anchor.EncodeMemoHex(tc.memo)
			size := memosFieldSize(t, h)
			t.Logf("MemoData %d bytes, serialized Memos field %d bytes (limit %d)", len(data), size, anchor.MaxMemosFieldBytes)
			if size > anchor.MaxMemosFieldBytes-margin {
				t.Errorf("Memos field %d bytes, want at most %d (limit %d minus margin %d)", size, anchor.MaxMemosFieldBytes-margin, anchor.MaxMemosFieldBytes, margin)
			}
			// The codec's measure is the arithmetic one: field header, object
			// header, three VL fields with their headers, two end markers.
			vl := func(n int) int {
				if n <= 192 {
					return 1
				}
				return 2
			}
			want := 1 + 1 + (1 + vl(len(typ)) + len(typ)) + (1 + vl(len(data)) + len(data)) + (1 + vl(len(format)) + len(format)) + 1 + 1
			if size != want {
				t.Errorf("codec says %d bytes, arithmetic %d", size, want)
			}
		})
	}
	t.Run("LargestDataFits", func(t *testing.T) {
		// Even MemoData of MaxMemoDataBytes (more than the format can produce)
		// keeps the margin.
		h := anchor.MemoHex{Type: hex.EncodeToString([]byte(anchor.MemoType)), Format: hex.EncodeToString([]byte(anchor.MemoFormat)),
			Data: strings.Repeat("41", anchor.MaxMemoDataBytes)}
		if size := memosFieldSize(t, h); size > anchor.MaxMemosFieldBytes-400 {
			t.Errorf("Memos field %d bytes with %d-byte MemoData", size, anchor.MaxMemoDataBytes)
		}
	})
}
