package manifest_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/banxmedia/banx/internal/manifest"
)

// TestAuthorName checks that an article file's author_name reaches the
// manifest and its canonical bytes, and that a manifest without one has no
// author_name key at all, so manifests from before the field keep their hash.
func TestAuthorName(t *testing.T) {
	for _, tc := range []struct {
		name, input, want string
	}{
		{"OKNamed", edit("created:", "author_name: Zoë Reporter\ncreated:"), "Zoë Reporter"},
		{"OKQuoted", edit("created:", `author_name: "Harry <b>Rednap</b>"`+"\ncreated:"), "Harry <b>Rednap</b>"},
		{"OKEmptyIsAbsent", edit("created:", `author_name: ""`+"\ncreated:"), ""},
		{"OKAbsent", article, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := manifest.ParseMarkdown(strings.NewReader(tc.input))
			if err != nil {
				t.Fatal(err)
			}
			if m.AuthorName != tc.want {
				t.Fatalf("AuthorName = %q, want %q", m.AuthorName, tc.want)
			}
			c, err := m.Canonical()
			if err != nil {
				t.Fatal(err)
			}
			if has := bytes.Contains(c, []byte(`"author_name"`)); has != (tc.want != "") {
				t.Fatalf("canonical bytes have author_name: %v, want %v: %s", has, tc.want != "", c)
			}
			back, err := manifest.ParseCanonical(c)
			if err != nil || back.AuthorName != tc.want {
				t.Fatalf("ParseCanonical: %q, %v; want %q", back.AuthorName, err, tc.want)
			}
		})
	}
}
