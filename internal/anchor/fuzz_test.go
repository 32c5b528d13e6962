package anchor_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/banx"
)

// FuzzDecodeMemo checks that DecodeMemo never panics, rejects only with
// EINVALID, and that whatever it accepts re-encodes to the very same bytes
// (one memo, one encoding).
func FuzzDecodeMemo(f *testing.F) {
	for _, m := range []anchor.Memo{
		anchor.SelfMemo(sha, cidOfTest, alice, ""),
		anchor.SelfMemo(sha, dagPBCID("x"), alice, txh),
		{Version: 1, Kind: anchor.KindBatch, Root: root, Leaves: 3, BatchID: "b-1"},
	} {
		typ, format, data, err := anchor.EncodeMemo(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(typ, format, data)
	}
	f.Add([]byte(anchor.MemoType), []byte(anchor.MemoFormat), []byte(`{"kind":"batch","leaves":1e3,"root":"`+root+`","v":1}`))
	f.Fuzz(func(t *testing.T, typ, format, data []byte) {
		m, err := anchor.DecodeMemo(typ, format, data)
		if err != nil {
			if code := banx.ErrorCode(err); code != banx.EINVALID {
				t.Fatalf("code %s: %v", code, err)
			}
			return
		}
		t2, f2, d2, err := anchor.EncodeMemo(m)
		if err != nil {
			t.Fatalf("accepted memo does not encode: %v", err)
		}
		if !bytes.Equal(t2, typ) || !bytes.Equal(f2, format) || !bytes.Equal(d2, data) {
			t.Fatalf("accepted %q but encodes it as %q", data, d2)
		}
	})
}

// FuzzParseProofBundle checks that ParseProofBundle never panics, that an
// accepted bundle marshals and parses back to the same canonical bytes, and
// that verifying it never panics.
func FuzzParseProofBundle(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(proofDir, "*.json"))
	for _, name := range files {
		if filepath.Base(name) == "keys.json" || bytes.Contains([]byte(name), []byte(".report.")) {
			continue
		}
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := anchor.ParseProofBundle(data)
		if err != nil {
			if code := banx.ErrorCode(err); code != banx.EINVALID && code != banx.ETOOLARGE {
				t.Fatalf("code %s: %v", code, err)
			}
			return
		}
		out, err := b.Marshal()
		if err != nil {
			t.Fatalf("accepted bundle does not marshal: %v", err)
		}
		b2, err := anchor.ParseProofBundle(out)
		if err != nil {
			t.Fatalf("marshalled bundle does not parse: %v", err)
		}
		out2, _ := b2.Marshal()
		if !bytes.Equal(out, out2) {
			t.Fatal("Marshal(Parse(Marshal(b))) differs")
		}
		anchor.VerifyOffline(b)
	})
}
