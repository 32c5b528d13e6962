package manifest_test

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"maps"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/banxmedia/banx/contracts"
	"github.com/banxmedia/banx/internal/manifest"
)

func schemaTree(t *testing.T) map[string]any {
	t.Helper()
	var tree map[string]any
	if err := json.Unmarshal(contracts.ManifestSchemaJSON, &tree); err != nil {
		t.Fatal(err)
	}
	return tree
}

// at walks a JSON tree along object keys.
func at(t *testing.T, tree any, path ...string) any {
	t.Helper()
	for _, k := range path {
		obj, ok := tree.(map[string]any)
		if !ok {
			t.Fatalf("schema: %s is not an object", strings.Join(path, "/"))
		}
		tree = obj[k]
	}
	return tree
}

func strings_(t *testing.T, v any) []string {
	t.Helper()
	list, ok := v.([]any)
	if !ok {
		t.Fatalf("schema: want a list, got %T", v)
	}
	var out []string
	for _, e := range list {
		out = append(out, e.(string))
	}
	return out
}

// TestSchemaMatchesGo checks the values the schema repeats from the Go side:
// the enums and the limits. A change on one side only fails here.
func TestSchemaMatchesGo(t *testing.T) {
	tree := schemaTree(t)
	t.Run("Version", func(t *testing.T) {
		if got := at(t, tree, "properties", "schema", "const"); got != manifest.Version {
			t.Errorf("schema const %v, want %s", got, manifest.Version)
		}
		if got := at(t, tree, "$id"); got != contracts.ManifestSchemaID {
			t.Errorf("$id %v, want %s", got, contracts.ManifestSchemaID)
		}
	})
	t.Run("Categories", func(t *testing.T) {
		cats, err := manifest.Categories()
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, c := range cats {
			ids = append(ids, c.ID)
			if c.Name == "" || c.Description == "" {
				t.Errorf("category %q lacks a name or description", c.ID)
			}
		}
		if got := strings_(t, at(t, tree, "properties", "category", "enum")); !slices.Equal(got, ids) {
			t.Errorf("schema categories %v, categories.json %v", got, ids)
		}
		if !slices.Contains(ids, "world") {
			t.Errorf("no world category")
		}
	})
	t.Run("DigitalSourceTypes", func(t *testing.T) {
		dst := manifest.DigitalSourceTypes()
		got := strings_(t, at(t, tree, "$defs", "media", "properties", "digital_source_type", "enum"))
		if want := slices.Sorted(maps.Keys(dst)); !slices.Equal(slices.Sorted(slices.Values(got)), want) {
			t.Errorf("schema terms %v, Go terms %v", got, want)
		}
		var ai []string
		for term, isAI := range dst {
			if isAI {
				ai = append(ai, term)
			}
		}
		gotAI := strings_(t, at(t, tree, "if", "properties", "media", "contains", "properties", "digital_source_type", "enum"))
		if !slices.Equal(slices.Sorted(slices.Values(gotAI)), slices.Sorted(slices.Values(ai))) {
			t.Errorf("schema AI terms %v, Go AI terms %v", gotAI, ai)
		}
	})
	t.Run("Limits", func(t *testing.T) {
		for _, tc := range []struct {
			path []string
			want int
		}{
			{[]string{"properties", "title", "maxLength"}, manifest.MaxTitleChars},
			{[]string{"properties", "summary", "maxLength"}, manifest.MaxSummaryChars},
			{[]string{"properties", "body", "maxLength"}, manifest.MaxBodyBytes},
			{[]string{"properties", "tags", "maxItems"}, manifest.MaxTags},
			{[]string{"properties", "tags", "items", "maxLength"}, manifest.MaxTagChars},
			{[]string{"properties", "sources", "maxItems"}, manifest.MaxSources},
			{[]string{"$defs", "source", "properties", "name", "maxLength"}, manifest.MaxSourceNameChars},
			{[]string{"$defs", "source", "properties", "url", "maxLength"}, manifest.MaxURLBytes},
			{[]string{"properties", "media", "maxItems"}, manifest.MaxMedia},
			{[]string{"$defs", "media", "properties", "alt", "maxLength"}, manifest.MaxAltChars},
			{[]string{"$defs", "media", "properties", "size", "maximum"}, manifest.MaxImageBytes},
			{[]string{"properties", "ai_disclosure", "maxLength"}, manifest.MaxAIDisclosureChars},
		} {
			if got, _ := at(t, tree, tc.path...).(float64); int(got) != tc.want {
				t.Errorf("%s = %v, want %d", strings.Join(tc.path, "/"), got, tc.want)
			}
		}
	})
}

// TestSchemaCIDPatternIsExact checks that, for CIDs, the schema's pattern and
// the Go check accept exactly the same strings: every valid CID matches, and
// every string the pattern allows decodes to a valid CID.
func TestSchemaCIDPatternIsExact(t *testing.T) {
	pattern := regexp.MustCompile(at(t, schemaTree(t), "$defs", "media", "properties", "cid", "pattern").(string))
	enc := base32.StdEncoding.WithPadding(base32.NoPadding)
	rng := rand.New(rand.NewPCG(1, 2))
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	for i := range 500 {
		codec := byte(0x55)
		if i%2 == 1 {
			codec = 0x70
		}
		sum := sha256.Sum256([]byte{byte(i), byte(i >> 8)})
		cid := "b" + strings.ToLower(enc.EncodeToString(append([]byte{1, codec, 0x12, 0x20}, sum[:]...)))
		if !pattern.MatchString(cid) {
			t.Fatalf("pattern rejects valid CID %s", cid)
		}
		// A random string shaped by the pattern must pass the Go check too.
		b := []byte(cid[:8])
		for range 50 {
			b = append(b, alphabet[rng.IntN(32)])
		}
		b = append(b, "aeimquy4"[rng.IntN(8)])
		d := baseDoc()
		media0(d)["cid"] = string(b)
		data, _ := json.Marshal(d)
		if !pattern.Match(b) {
			t.Fatalf("test built a CID the pattern rejects: %s", b)
		}
		if _, err := manifest.Parse(data); err != nil {
			t.Fatalf("pattern accepts %s, Go rejects it: %v", b, err)
		}
	}
}
