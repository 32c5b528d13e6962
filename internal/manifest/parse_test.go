package manifest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/manifest"
)

// minimalJSON is a valid manifest with only the required fields.
const minimalJSON = `{"schema":"banx.manifest/1","title":"T","summary":"S","body":"B","category":"world","language":"en","author":"rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh","created":"2026-01-01T00:00:00Z"}`

// withField inserts a raw member at the start of minimalJSON's object.
func withField(member string) string { return "{" + member + "," + minimalJSON[1:] }

// TestParseDocument covers what only raw bytes can show: size, encoding,
// syntax, duplicate keys and trailing data.
func TestParseDocument(t *testing.T) {
	for _, tc := range []struct {
		name, input, code, msg string
	}{
		{name: "OK", input: minimalJSON},
		{name: "OKWhitespace", input: " \n\t" + strings.ReplaceAll(minimalJSON, ",", " ,\n ") + "\n\n"},
		{name: "OKEscapedKey", input: withField(`"\u0070revious":""`)},
		{name: "ErrTooLarge", input: minimalJSON + strings.Repeat(" ", manifest.MaxManifestBytes), code: banx.ETOOLARGE, msg: fmt.Sprintf("manifest: %d bytes, max 4194304", len(minimalJSON)+manifest.MaxManifestBytes)},
		{name: "ErrInvalidUTF8", input: withField("\"title\":\"a\xffb\""), code: banx.EINVALID, msg: "manifest: invalid UTF-8 at byte offset 11"},
		{name: "ErrLoneSurrogate", input: strings.Replace(minimalJSON, `"title":"T"`, `"title":"T\ud800"`, 1), code: banx.EINVALID, msg: "title: replacement character U+FFFD not allowed"},
		{name: "ErrEmpty", input: "", code: banx.EINVALID, msg: "manifest: invalid JSON: empty document"},
		{name: "ErrTruncated", input: minimalJSON[:40], code: banx.EINVALID, msg: "manifest: invalid JSON: unexpected end of document"},
		{name: "ErrSyntax", input: `{"title" "T"}`, code: banx.EINVALID, msg: "manifest: invalid JSON at byte offset 9: invalid character '\"' after object key"},
		{name: "ErrNotObject", input: `["banx.manifest/1"]`, code: banx.EINVALID, msg: "manifest: want object, got array"},
		{name: "ErrString", input: `"banx"`, code: banx.EINVALID, msg: "manifest: want object, got string"},
		{name: "ErrTrailingObject", input: minimalJSON + `{}`, code: banx.EINVALID, msg: "manifest: trailing data after the JSON object"},
		{name: "ErrTrailingGarbage", input: minimalJSON + ` x`, code: banx.EINVALID, msg: "manifest: trailing data after the JSON object"},
		{name: "ErrDuplicateKey", input: withField(`"title":"Other"`), code: banx.EINVALID, msg: "title: duplicate key"},
		{name: "ErrDuplicateEscapedKey", input: withField(`"t\u0069tle":"Other"`), code: banx.EINVALID, msg: "title: duplicate key"},
		{name: "ErrDuplicateNestedKey", input: withField(`"sources":[{"name":"A","url":"https://a.example/","name":"B"}]`), code: banx.EINVALID, msg: "sources[0].name: duplicate key"},
		{name: "ErrNestedNull", input: withField(`"media":[null]`), code: banx.EINVALID, msg: "media[0]: want object, got null"},
		{name: "ErrBOM", input: "\uFEFF" + minimalJSON, code: banx.EINVALID, msg: "manifest: invalid JSON at byte offset 1: invalid character 'ï' looking for beginning of value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := manifest.Parse([]byte(tc.input))
			checkErr(t, err, tc.code, tc.msg)
			if err != nil && (m.Title != "" || m.Schema != "") {
				t.Errorf("Parse returned a partial manifest with its error: %+v", m)
			}
		})
	}
}

// TestValidateStruct covers manifests built in Go rather than parsed: text that
// is not UTF-8 and values JSON could not carry.
func TestValidateStruct(t *testing.T) {
	valid := func() manifest.Manifest {
		m, err := manifest.Parse([]byte(minimalJSON))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	for _, tc := range []struct {
		name      string
		edit      func(*manifest.Manifest)
		code, msg string
	}{
		{name: "OK", edit: func(*manifest.Manifest) {}},
		{name: "OKEmptySlices", edit: func(m *manifest.Manifest) {
			m.Tags, m.Sources, m.Media = []string{}, []manifest.Source{}, []manifest.Media{}
		}},
		{name: "ErrZero", edit: func(m *manifest.Manifest) { *m = manifest.Manifest{} }, code: banx.EINVALID, msg: "schema: required"},
		{name: "ErrTitleUTF8", edit: func(m *manifest.Manifest) { m.Title = "a\xffb" }, code: banx.EINVALID, msg: "title: invalid UTF-8"},
		{name: "ErrBodyUTF8", edit: func(m *manifest.Manifest) { m.Body = "a\xc3" }, code: banx.EINVALID, msg: "body: invalid UTF-8"},
		{name: "ErrTagUTF8", edit: func(m *manifest.Manifest) { m.Tags = []string{"\xff"} }, code: banx.EINVALID, msg: "tags[0]: invalid UTF-8"},
		{name: "ErrSourceNameUTF8", edit: func(m *manifest.Manifest) {
			m.Sources = []manifest.Source{{Name: "\xff", URL: "https://a.example/"}}
		}, code: banx.EINVALID, msg: "sources[0].name: invalid UTF-8"},
		{name: "ErrLongValueQuotedShort", edit: func(m *manifest.Manifest) { m.Category = strings.Repeat("c", 100) }, code: banx.EINVALID,
			msg: `category: "` + strings.Repeat("c", 64) + `"... is not a known category, want one of ` + categoriesList},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := valid()
			tc.edit(&m)
			checkErr(t, m.Validate(), tc.code, tc.msg)
			c, err := m.Canonical()
			checkErr(t, err, tc.code, tc.msg)
			h, err := m.Hash()
			checkErr(t, err, tc.code, tc.msg)
			if tc.code == "" {
				base, _ := valid().Canonical()
				if !bytes.Equal(c, base) || h != manifest.Hash(base) {
					t.Errorf("empty slices changed the canonical bytes: %s", c)
				}
			}
		})
	}
}

// TestCanonicalOmitsEmptyOptional checks that an optional field written as ""
// or [] hashes like an absent one, so there is one canonical form per manifest.
func TestCanonicalOmitsEmptyOptional(t *testing.T) {
	plain, err := manifest.Parse([]byte(minimalJSON))
	if err != nil {
		t.Fatal(err)
	}
	empty, err := manifest.Parse([]byte(withField(`"tags":[],"sources":[],"media":[],"ai_disclosure":"","previous":""`)))
	if err != nil {
		t.Fatal(err)
	}
	a, _ := plain.Canonical()
	b, _ := empty.Canonical()
	if !bytes.Equal(a, b) {
		t.Errorf("empty optional fields change the canonical bytes:\n%s\n%s", a, b)
	}
	if bytes.Contains(b, []byte(`"tags"`)) || bytes.Contains(b, []byte(`"previous"`)) {
		t.Errorf("canonical bytes keep empty optional fields: %s", b)
	}
}

// TestCanonicalJSONEscapes checks the RFC 8785 string rules on the bytes: no
// HTML escaping, U+2028 and non-ASCII written raw, control characters escaped.
func TestCanonicalJSONEscapes(t *testing.T) {
	m, err := manifest.Parse([]byte(minimalJSON))
	if err != nil {
		t.Fatal(err)
	}
	m.Body = "<a href=\"x\">&</a>\u2028é\tend\\"
	c, err := m.Canonical()
	if err != nil {
		t.Fatal(err)
	}
	want := `"body":"<a href=\"x\">&</a>` + "\u2028" + `é\tend\\"`
	if !bytes.Contains(c, []byte(want)) {
		t.Errorf("canonical body not as RFC 8785 writes it:\n got %s\nwant substring %s", c, want)
	}
	var back map[string]any
	if err := json.Unmarshal(c, &back); err != nil || back["body"] != m.Body {
		t.Errorf("canonical bytes do not decode to the body: %v", err)
	}
}

func TestParseCanonical(t *testing.T) {
	m, err := manifest.Parse([]byte(minimalJSON))
	if err != nil {
		t.Fatal(err)
	}
	c, err := m.Canonical()
	if err != nil {
		t.Fatal(err)
	}
	t.Run("OK", func(t *testing.T) {
		if _, err := manifest.ParseCanonical(c); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrNotCanonical", func(t *testing.T) {
		_, err := manifest.ParseCanonical(append(c, '\n'))
		checkErr(t, err, banx.EINVALID, "manifest: not in canonical form (RFC 8785)")
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		_, err := manifest.ParseCanonical([]byte(`{}`))
		checkErr(t, err, banx.EINVALID, "schema: required")
	})
}

func TestHash(t *testing.T) {
	// SHA-256 of the empty string, the textbook vector.
	if got := manifest.Hash(nil); got != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Errorf("Hash(nil) = %s", got)
	}
}
