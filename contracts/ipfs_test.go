package contracts_test

import (
	"strings"
	"testing"

	"github.com/banxmedia/banx/contracts"
)

func TestLoadIPFSImport(t *testing.T) {
	c, err := contracts.LoadIPFSImport()
	if err != nil {
		t.Fatal(err)
	}
	if c.CIDVersion != 1 || !c.RawLeaves || c.HashFunction != "sha2-256" || c.Chunker != "size-262144" ||
		c.Layout != "balanced" || c.MaxLinks != 174 || c.Inline || !c.Pin {
		t.Fatalf("contract drifted: %+v", c)
	}
	if n, _ := c.ChunkSize(); n != 262144 {
		t.Fatalf("ChunkSize = %d, want 262144", n)
	}
	opts := c.KuboAddOptions()
	want := map[string]string{"cid-version": "1", "hash": "sha2-256", "raw-leaves": "true", "chunker": "size-262144",
		"trickle": "false", "max-file-links": "174", "inline": "false", "pin": "true"}
	if len(opts) != len(want) {
		t.Fatalf("KuboAddOptions = %v, want %v", opts, want)
	}
	for k, v := range want {
		if opts[k] != v {
			t.Errorf("KuboAddOptions[%q] = %q, want %q", k, opts[k], v)
		}
	}
}

func TestParseIPFSImport(t *testing.T) {
	base := string(contracts.IPFSImportJSON)
	tests := []struct {
		name, old, new, reason string
	}{
		{"ErrUnknownField", `"pin": true,`, `"pin": true, "pinn": true,`, `unknown field "pinn"`},
		{"ErrCIDVersion", `"cidVersion": 1`, `"cidVersion": 2`, "cidVersion 2: must be 0 or 1"},
		{"ErrHash", `"hashFunction": "sha2-256"`, `"hashFunction": "blake3"`, `hashFunction "blake3": only sha2-256`},
		{"ErrLayout", `"layout": "balanced"`, `"layout": "trickle"`, `layout "trickle": only balanced`},
		{"ErrChunker", `"chunker": "size-262144"`, `"chunker": "rabin-1-2-3"`, `only fixed-size chunkers`},
		{"ErrChunkSize", `"chunker": "size-262144"`, `"chunker": "size-0262144"`, `size must be a plain integer`},
		{"ErrInline", `"inline": false`, `"inline": true`, "inline: must be false"},
		{"ErrFlagsDisagree", `"--max-file-links=174"`, `"--max-file-links=175"`, "kubo.addFlags"},
		{"ErrFieldOrder", `"links-first"`, `"data-first"`, "must be links-first"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := strings.Replace(base, tt.old, tt.new, 1)
			if doc == base {
				t.Fatalf("test edit %q not found in the contract", tt.old)
			}
			_, err := contracts.ParseIPFSImport([]byte(doc))
			if err == nil || !strings.Contains(err.Error(), tt.reason) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.reason)
			}
		})
	}
}
