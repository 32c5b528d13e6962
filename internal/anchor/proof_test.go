package anchor_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/banx"
)

func TestProofBundleRoundTrip(t *testing.T) {
	b := newBatch(t)
	for _, tc := range []struct {
		name   string
		bundle anchor.ProofBundle
	}{
		{"OKSelf", selfBundle(t)},
		{"OKBatch", b.bundle(2)},
		{"OKMinimal", func() anchor.ProofBundle {
			x := b.bundle(0)
			x.Tx.Blob, x.Manifest.Bytes, x.Network.Name = "", nil, ""
			return x
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, err := tc.bundle.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			got, err := anchor.ParseProofBundle(data)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.bundle) {
				t.Errorf("round trip changed the bundle:\n got %+v\nwant %+v", got, tc.bundle)
			}
			again, _ := got.Marshal()
			if !bytes.Equal(again, data) {
				t.Error("Marshal is not deterministic")
			}
			// Any white space and key order parse to the same bundle.
			var tree any
			json.Unmarshal(data, &tree)
			pretty, _ := json.MarshalIndent(tree, "", "\t")
			if got2, err := anchor.ParseProofBundle(pretty); err != nil || !reflect.DeepEqual(got2, tc.bundle) {
				t.Errorf("indented form: %v", err)
			}
		})
	}
}

func TestParseProofBundleErr(t *testing.T) {
	b := newBatch(t)
	good, err := b.bundle(1).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var tree map[string]any
	if err := json.Unmarshal(good, &tree); err != nil {
		t.Fatal(err)
	}
	// edit returns the good bundle with one change made by f on its JSON tree.
	edit := func(f func(m map[string]any)) string {
		var m map[string]any
		json.Unmarshal(good, &m)
		f(m)
		out, _ := json.Marshal(m)
		return string(out)
	}
	obj := func(m map[string]any, k string) map[string]any { return m[k].(map[string]any) }
	for _, tc := range []struct {
		name string
		doc  string
		code string
		msg  string
	}{
		{"OK", string(good), "", ""},
		{"ErrTooLarge", `{"x":"` + strings.Repeat("a", anchor.MaxProofBundleBytes) + `"}`, banx.ETOOLARGE, "proof bundle: 6291464 bytes, at most 6291456 are allowed"},
		{"ErrNotJSON", `{"bundle":`, banx.EINVALID, "proof bundle: $.bundle: malformed JSON: unexpected end of input"},
		{"ErrTrailing", string(good) + `{}`, banx.EINVALID, "proof bundle: trailing data after the JSON value"},
		{"ErrInvalidUTF8", "{\"bundle\":\"\xff\"}", banx.EINVALID, "proof bundle: not valid UTF-8"},
		{"ErrDuplicateKey", strings.Replace(string(good), `{"author":`, `{"author":"x","author":`, 1), banx.EINVALID, `proof bundle: $: duplicate key "author"`},
		{"ErrNull", edit(func(m map[string]any) { m["batch"] = nil }), banx.EINVALID, "proof bundle: $.batch: null is not allowed"},
		{"ErrUnknownField", edit(func(m map[string]any) { m["extra"] = 1 }), banx.EINVALID, `proof bundle: $: unknown member "extra"`},
		{"ErrMemberCase", strings.Replace(string(good), `"author":`, `"Author":`, 1), banx.EINVALID, `proof bundle: $: unknown member "Author"`},
		{"ErrNonASCIIAuthor", edit(func(m map[string]any) { m["author"] = "rހ" }), banx.EINVALID, `proof bundle: author "rހ" is not a valid XRPL classic address`},
		{"ErrUnknownNestedField", edit(func(m map[string]any) { obj(m, "tx")["fee"] = "12" }), banx.EINVALID, `proof bundle: $.tx: unknown member "fee"`},
		{"ErrWrongType", edit(func(m map[string]any) { obj(m, "tx")["ledger_index"] = "97" }), banx.EINVALID, "proof bundle: cannot unmarshal string into Go struct field"},
		{"ErrNegativeIndex", edit(func(m map[string]any) { obj(m, "batch")["index"] = -1 }), banx.EINVALID, "proof bundle: cannot unmarshal number -1"},
		{"ErrVersion", edit(func(m map[string]any) { m["bundle"] = "banx.proof/2" }), banx.EINVALID, `proof bundle: bundle "banx.proof/2" is not a version this reader knows ("banx.proof/1")`},
		{"ErrMode", edit(func(m map[string]any) { m["mode"] = "both" }), banx.EINVALID, `proof bundle: mode "both" is unknown, want "self" or "batch"`},
		{"ErrBatchWithoutBatch", edit(func(m map[string]any) { delete(m, "batch") }), banx.EINVALID, "proof bundle: mode batch needs the batch member"},
		{"ErrSelfWithBatch", edit(func(m map[string]any) { m["mode"] = "self" }), banx.EINVALID, "proof bundle: mode self has no batch member"},
		{"ErrNoNetworkID", edit(func(m map[string]any) { delete(obj(m, "network"), "id") }), banx.EINVALID, "proof bundle: network.id is required"},
		{"ErrNetworkName", edit(func(m map[string]any) { obj(m, "network")["name"] = "Main Net" }), banx.EINVALID, `proof bundle: network.name "Main Net" has a character outside [a-z0-9-] at byte 0`},
		{"ErrAuthor", edit(func(m map[string]any) { m["author"] = "rNotAnAddress" }), banx.EINVALID, `proof bundle: author "rNotAnAddress" is not a valid XRPL classic address`},
		{"ErrSHA256", edit(func(m map[string]any) { obj(m, "manifest")["sha256"] = "abc" }), banx.EINVALID, `proof bundle: manifest.sha256 "abc" is not a SHA-256 digest`},
		{"ErrCIDMismatch", edit(func(m map[string]any) { obj(m, "manifest")["cid"] = cidOfTest }), banx.EINVALID, "proof bundle: manifest.cid " + cidOfTest + " is a raw CID whose digest"},
		{"ErrBase64", edit(func(m map[string]any) { obj(m, "manifest")["bytes"] = "eyJ\nhIjoxfQ==" }), banx.EINVALID, "proof bundle: manifest.bytes is not standard base64 with padding"},
		{"ErrBase64URL", edit(func(m map[string]any) { obj(m, "manifest")["bytes"] = "-_8=" }), banx.EINVALID, "proof bundle: manifest.bytes is not standard base64 with padding"},
		{"ErrTxHash", edit(func(m map[string]any) { obj(m, "tx")["hash"] = strings.ToLower(b.hash) }), banx.EINVALID, "proof bundle: tx.hash"},
		{"ErrLedgerIndex", edit(func(m map[string]any) { obj(m, "tx")["ledger_index"] = 0 }), banx.EINVALID, "proof bundle: tx.ledger_index is required"},
		{"ErrBlobLower", edit(func(m map[string]any) { obj(m, "tx")["blob"] = strings.ToLower(b.blob) }), banx.EINVALID, "proof bundle: tx.blob is not a transaction"},
		{"ErrMemoEmpty", edit(func(m map[string]any) { obj(m, "memo")["format"] = "" }), banx.EINVALID, "proof bundle: memo.format is not a memo field, want 1 to 1024 bytes in upper-case hexadecimal"},
		{"ErrMemoLower", edit(func(m map[string]any) { obj(m, "memo")["data"] = strings.ToLower(b.memo.Data) }), banx.EINVALID, "proof bundle: memo.data is not a memo field"},
		{"ErrNoIndex", edit(func(m map[string]any) { delete(obj(m, "batch"), "index") }), banx.EINVALID, "proof bundle: batch.index is required"},
		{"ErrNoPath", edit(func(m map[string]any) { delete(obj(m, "batch"), "path") }), banx.EINVALID, "proof bundle: batch.path is required"},
		{"ErrPathHash", edit(func(m map[string]any) { obj(m, "batch")["path"] = []string{"00"} }), banx.EINVALID, `proof bundle: batch.path[0] "00" is not a hash`},
		{"ErrPathTooLong", edit(func(m map[string]any) {
			p := make([]string, anchor.MaxProofPath+1)
			for i := range p {
				p[i] = strings.Repeat("0", 64)
			}
			obj(m, "batch")["path"] = p
		}), banx.EINVALID, "proof bundle: $.batch.path: more than 64 elements"},
		{"ErrIndexHuge", edit(func(m map[string]any) { obj(m, "batch")["index"] = 1 << 24 }), banx.EINVALID, "proof bundle: batch.index 16777216 is beyond the largest batch"},
		{"ErrPublicKey", edit(func(m map[string]any) { obj(m, "batch")["public_key"] = "04" + strings.Repeat("A", 64) }), banx.EINVALID, "proof bundle: batch.public_key"},
		{"ErrSignature", edit(func(m map[string]any) { obj(m, "batch")["signature"] = "XYZ" }), banx.EINVALID, `proof bundle: batch.signature "XYZ" is not a signature`},
		{"ErrDeep", `{"batch":{"path":[[[1]]]}}`, banx.EINVALID, "proof bundle: $.batch.path[0]: nested deeper than 3 levels"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := anchor.ParseProofBundle([]byte(tc.doc))
			if tc.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantErr(t, err, tc.code, tc.msg)
		})
	}
}
