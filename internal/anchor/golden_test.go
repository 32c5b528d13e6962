package anchor_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/banxmedia/banx/contracts"
	"github.com/banxmedia/banx/internal/anchor"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

var update = flag.Bool("update", false, "rewrite the golden vectors in contracts/testdata/memo and contracts/testdata/proof")

const (
	memoDir  = "../../contracts/testdata/memo"
	proofDir = "../../contracts/testdata/proof"
)

// golden compares got with the file, or writes it under -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/anchor -run Golden -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from what the code produces; if the change is intended, run with -update\n got %s\nwant %s", path, got, want)
	}
}

func indent(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// memoVector is the published form of a memo test vector.
type memoVector struct {
	Description     string         `json:"description"`
	MemoType        string         `json:"memo_type"`
	MemoFormat      string         `json:"memo_format"`
	MemoData        string         `json:"memo_data"`
	Hex             anchor.MemoHex `json:"hex"`
	MemosFieldBytes int            `json:"memos_field_bytes"`
}

// invalidMemo is a MemoData that readers must reject, with the reason this
// reader gives. SchemaAccepts marks rules a JSON Schema cannot express.
type invalidMemo struct {
	Name          string `json:"name"`
	MemoData      string `json:"memo_data"`
	Error         string `json:"error"`
	SchemaAccepts bool   `json:"schema_accepts,omitempty"`
}

func goldenMemos(t *testing.T) map[string]anchor.Memo {
	k := testKeys(t)
	a := newArticle(t, string(k.alice.ClassicAddress), "Self-anchored", "")
	return map[string]anchor.Memo{
		"self":      anchor.SelfMemo(a.sha256, a.cid, a.author, ""),
		"self-edit": anchor.SelfMemo(a.sha256, dagPBCID("large manifest"), a.author, "3B7F3C1B9C5E9D0B8C3A2E1F0D9C8B7A6F5E4D3C2B1A09F8E7D6C5B4A3928170"),
		"batch":     anchor.Memo{Version: 1, Kind: anchor.KindBatch, Root: root, Leaves: 10000},
		"batch-id":  anchor.Memo{Version: 1, Kind: anchor.KindBatch, Root: root, Leaves: 5, BatchID: "2026-01-01.0001"},
	}
}

func invalidMemos(t *testing.T) []invalidMemo {
	good := goldenMemos(t)["self"]
	_, _, data, _ := anchor.EncodeMemo(good)
	s := string(data)
	return []invalidMemo{
		{Name: "unknown-field", MemoData: strings.Replace(s, `"v":1`, `"v":1,"x":1`, 1)},
		{Name: "version-2", MemoData: strings.Replace(s, `"v":1`, `"v":2`, 1)},
		{Name: "kind-unknown", MemoData: strings.Replace(s, `"self"`, `"single"`, 1)},
		{Name: "sha256-upper-case", MemoData: strings.Replace(s, good.SHA256, strings.ToUpper(good.SHA256), 1)},
		{Name: "missing-cid", MemoData: strings.Replace(s, `"cid":"`+good.CID+`",`, ``, 1)},
		{Name: "leaves-zero", MemoData: `{"kind":"batch","leaves":0,"root":"` + root + `","v":1}`},
		{Name: "batch-with-author", MemoData: `{"author":"` + good.Author + `","kind":"batch","leaves":1,"root":"` + root + `","v":1}`},
		{Name: "not-canonical-order", MemoData: `{"v":1,"kind":"batch","leaves":1,"root":"` + root + `"}`, SchemaAccepts: true},
		{Name: "not-canonical-space", MemoData: `{"kind": "batch","leaves":1,"root":"` + root + `","v":1}`, SchemaAccepts: true},
		{Name: "address-checksum", MemoData: strings.Replace(s, good.Author, good.Author[:len(good.Author)-1]+"z", 1), SchemaAccepts: true},
		{Name: "raw-cid-of-other-content", MemoData: strings.Replace(s, good.CID, cidOfTest, 1), SchemaAccepts: true},
	}
}

func compile(t *testing.T, id string, schema []byte) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(id, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(id)
	if err != nil {
		t.Fatalf("compile %s: %v", id, err)
	}
	return sch
}

func schemaValid(t *testing.T, sch *jsonschema.Schema, doc []byte) error {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("instance: %v", err)
	}
	return sch.Validate(inst)
}

// TestGoldenMemos writes or checks the published memo vectors, and runs each
// through the decoder and the JSON Schema: both accept the valid ones and
// reject the invalid ones (except where the schema cannot express the rule).
func TestGoldenMemos(t *testing.T) {
	sch := compile(t, contracts.MemoSchemaID, contracts.MemoSchemaJSON)
	for name, m := range goldenMemos(t) {
		t.Run(name, func(t *testing.T) {
			typ, format, data, err := anchor.EncodeMemo(m)
			if err != nil {
				t.Fatal(err)
			}
			h, _ := anchor.EncodeMemoHex(m)
			v := memoVector{Description: describe(m), MemoType: string(typ), MemoFormat: string(format), MemoData: string(data),
				Hex: h, MemosFieldBytes: memosFieldSize(t, h)}
			golden(t, filepath.Join(memoDir, name+".json"), indent(t, v))
			if got, err := anchor.DecodeMemo(typ, format, data); err != nil || got != m {
				t.Errorf("DecodeMemo = %+v, %v", got, err)
			}
			if err := schemaValid(t, sch, data); err != nil {
				t.Errorf("schema rejects a valid memo: %v", err)
			}
		})
	}
	t.Run("invalid", func(t *testing.T) {
		cases := invalidMemos(t)
		for i, c := range cases {
			_, err := anchor.DecodeMemo([]byte(anchor.MemoType), []byte(anchor.MemoFormat), []byte(c.MemoData))
			if err == nil {
				t.Errorf("%s: accepted", c.Name)
				continue
			}
			cases[i].Error = err.Error()
			if schemaErr := schemaValid(t, sch, []byte(c.MemoData)); (schemaErr == nil) != c.SchemaAccepts {
				t.Errorf("%s: schema verdict %v, want schema_accepts=%v", c.Name, schemaErr, c.SchemaAccepts)
			}
		}
		golden(t, filepath.Join(memoDir, "invalid.json"), indent(t, cases))
	})
}

func describe(m anchor.Memo) string {
	if m.Kind == anchor.KindBatch {
		return "Batch anchor: Merkle root over author-signed leaves."
	}
	if m.Previous != "" {
		return "Self anchor of an edit (prev set), dag-pb CID of a multi-chunk manifest."
	}
	return "Self anchor of a first version, raw CID (one-chunk manifest)."
}

// TestGoldenProofs writes or checks the published proof bundles with their
// offline reports and the test keys that made them, and validates each bundle
// against the JSON Schema.
func TestGoldenProofs(t *testing.T) {
	sch := compile(t, contracts.ProofSchemaID, contracts.ProofSchemaJSON)
	b := newBatch(t)
	bundles := map[string]anchor.ProofBundle{
		"self":            selfBundle(t),
		"batch-secp256k1": b.bundle(b.leafBy(t, "0")),
		"batch-ed25519":   b.bundle(b.leafBy(t, "ED")),
	}
	for name, bundle := range bundles {
		t.Run(name, func(t *testing.T) {
			data, err := bundle.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join(proofDir, name+".json"), data)
			if err := schemaValid(t, sch, data); err != nil {
				t.Errorf("schema rejects the bundle: %v", err)
			}
			parsed, err := anchor.ParseProofBundle(data)
			if err != nil {
				t.Fatal(err)
			}
			r := anchor.VerifyOffline(parsed)
			// Offline, the ledger checks stay open: incomplete, never verified.
			if r.Verdict() != anchor.VerdictIncomplete {
				t.Errorf("verdict %s", r.Verdict())
			}
			golden(t, filepath.Join(proofDir, name+".report.json"), indent(t, r))
		})
	}
	t.Run("keys", func(t *testing.T) {
		k := testKeys(t)
		type key struct{ Seed, Algorithm, PublicKey, Address string }
		list := []key{}
		for _, x := range []struct {
			alg string
			s   string
			pub string
			a   string
		}{
			{"secp256k1", k.alice.Seed, k.alice.PublicKey, string(k.alice.ClassicAddress)},
			{"ed25519", k.bob.Seed, k.bob.PublicKey, string(k.bob.ClassicAddress)},
			{"secp256k1", k.carol.Seed, k.carol.PublicKey, string(k.carol.ClassicAddress)},
			{"secp256k1", k.platform.Seed, k.platform.PublicKey, string(k.platform.ClassicAddress)},
		} {
			list = append(list, key{x.s, x.alg, strings.ToUpper(x.pub), x.a})
		}
		golden(t, filepath.Join(proofDir, "keys.json"), indent(t, map[string]any{
			"about": "Test keys (never use them for value): alice, bob (ed25519), carol, and the platform (the standalone genesis account). alice, bob and carol come from 16 bytes of 0xA1, 0xB0 and 0xC0 entropy.",
			"keys":  list,
		}))
	})
	t.Run("invalid", func(t *testing.T) {
		// The schema agrees with ParseProofBundle on what it can express.
		good, _ := bundles["batch-ed25519"].Marshal()
		for _, doc := range []string{
			strings.Replace(string(good), `"mode":"batch"`, `"mode":"self"`, 1),
			strings.Replace(string(good), `"bundle":"banx.proof/1"`, `"bundle":"banx.proof/2"`, 1),
			strings.Replace(string(good), `"network":{`, `"network":{"x":1,`, 1),
			strings.Replace(string(good), `"ledger_index":97`, `"ledger_index":0`, 1),
		} {
			if _, err := anchor.ParseProofBundle([]byte(doc)); err == nil {
				t.Errorf("ParseProofBundle accepts %s", doc)
			}
			if err := schemaValid(t, sch, []byte(doc)); err == nil {
				t.Errorf("schema accepts %s", doc)
			}
		}
	})
}
