package manifest_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/banxmedia/banx/internal/manifest"
)

var update = flag.Bool("update", false, "rewrite the golden canonical bytes and hashes in contracts/testdata/manifest")

// goldenDir holds the test vectors published with the contract.
const goldenDir = "../../contracts/testdata/manifest"

func goldenNames(t testing.TB) []string {
	t.Helper()
	inputs, err := filepath.Glob(filepath.Join(goldenDir, "*.input.json"))
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no golden inputs in %s (err %v)", goldenDir, err)
	}
	var names []string
	for _, in := range inputs {
		names = append(names, strings.TrimSuffix(filepath.Base(in), ".input.json"))
	}
	return names
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(goldenDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestGolden checks each vector: input JSON -> exact canonical bytes -> sha256.
func TestGolden(t *testing.T) {
	names := goldenNames(t)
	for _, want := range []string{"seed", "minimal", "unicode", "edit", "named"} {
		if !slices.Contains(names, want) {
			t.Errorf("golden vector %q missing", want)
		}
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			m, err := manifest.Parse(readFile(t, name+".input.json"))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			canonical, err := m.Canonical()
			if err != nil {
				t.Fatalf("Canonical: %v", err)
			}
			hash := manifest.Hash(canonical)
			if *update {
				writeGolden(t, name+".canonical.json", canonical)
				writeGolden(t, name+".sha256", []byte(hash+"\n"))
			}
			if want := readFile(t, name+".canonical.json"); !bytes.Equal(canonical, want) {
				t.Errorf("canonical bytes differ from %s.canonical.json:\n got %s\nwant %s", name, canonical, want)
			}
			if want := strings.TrimSpace(string(readFile(t, name+".sha256"))); hash != want {
				t.Errorf("hash %s, want %s", hash, want)
			}
			if h, err := m.Hash(); err != nil || h != hash {
				t.Errorf("m.Hash() = %q, %v; want %q", h, err, hash)
			}
			again, err := manifest.ParseCanonical(canonical)
			if err != nil {
				t.Fatalf("ParseCanonical(canonical): %v", err)
			}
			if c2, _ := again.Canonical(); !bytes.Equal(c2, canonical) {
				t.Errorf("canonical form is not a fixed point")
			}
		})
	}
}

func writeGolden(t *testing.T, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(goldenDir, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestCanonicalIgnoresLayout re-encodes every golden input with its keys in
// reverse order, other white space and every non-ASCII character escaped, and
// expects the very same canonical bytes.
func TestCanonicalIgnoresLayout(t *testing.T) {
	for _, name := range goldenNames(t) {
		t.Run(name, func(t *testing.T) {
			input := readFile(t, name+".input.json")
			var tree any
			if err := json.Unmarshal(input, &tree); err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			writeReversed(&buf, tree, "\n\t")
			m, err := manifest.Parse(buf.Bytes())
			if err != nil {
				t.Fatalf("Parse(re-encoded): %v\n%s", err, buf.Bytes())
			}
			got, err := m.Canonical()
			if err != nil {
				t.Fatal(err)
			}
			if want := readFile(t, name+".canonical.json"); !bytes.Equal(got, want) {
				t.Errorf("re-encoded input gives other canonical bytes:\n got %s\nwant %s", got, want)
			}
			if _, err := manifest.ParseCanonical(input); err == nil {
				t.Errorf("ParseCanonical accepted the non-canonical input")
			}
		})
	}
}

// writeReversed writes v as JSON with object keys in reverse sorted order and
// every string character outside printable ASCII as a \u escape.
func writeReversed(buf *bytes.Buffer, v any, indent string) {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		slices.Reverse(keys)
		buf.WriteString("{")
		for i, k := range keys {
			if i > 0 {
				buf.WriteString(",")
			}
			buf.WriteString(indent)
			writeEscaped(buf, k)
			buf.WriteString(" :  ")
			writeReversed(buf, v[k], indent+"  ")
		}
		buf.WriteString(indent + "}")
	case []any:
		buf.WriteString("[ ")
		for i, e := range v {
			if i > 0 {
				buf.WriteString(" ,")
			}
			writeReversed(buf, e, indent)
		}
		buf.WriteString(" ]")
	case string:
		writeEscaped(buf, v)
	default:
		b, _ := json.Marshal(v)
		buf.Write(b)
	}
}

func writeEscaped(buf *bytes.Buffer, s string) {
	buf.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			buf.WriteByte('\\')
			buf.WriteRune(r)
		case r >= 0x20 && r < 0x7f:
			buf.WriteRune(r)
		case r > 0xFFFF:
			r -= 0x10000
			buf.WriteString(jsonU(0xD800+(r>>10), "0123456789ABCDEF") + jsonU(0xDC00+(r&0x3FF), "0123456789ABCDEF"))
		default:
			buf.WriteString(jsonU(r, "0123456789abcdef"))
		}
	}
	buf.WriteByte('"')
}

// jsonU writes r as a \u escape with the given hex digits: upper case for
// surrogates, lower case otherwise, so both spellings are exercised.
func jsonU(r rune, hex string) string {
	return `\u` + string([]byte{hex[r>>12&0xF], hex[r>>8&0xF], hex[r>>4&0xF], hex[r&0xF]})
}

// TestMarkdownSeed checks that the article file of the seed gives the same
// manifest, byte for byte, as its JSON vector.
func TestMarkdownSeed(t *testing.T) {
	f, err := os.Open(filepath.Join(goldenDir, "seed.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := manifest.ParseMarkdown(f)
	if err != nil {
		t.Fatalf("ParseMarkdown: %v", err)
	}
	got, err := m.Canonical()
	if err != nil {
		t.Fatal(err)
	}
	if want := readFile(t, "seed.canonical.json"); !bytes.Equal(got, want) {
		t.Errorf("seed.md gives other canonical bytes than seed.input.json:\n got %s\nwant %s", got, want)
	}
	if n := manifest.ReadingTime(m.Body); n != 5 {
		t.Errorf("ReadingTime(seed body) = %d, want 5 as the seed page shows", n)
	}
}
