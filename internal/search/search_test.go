package search_test

import (
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/manifest"
	"github.com/banxmedia/banx/internal/search"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct{ name, q, fts string }{
		{"OKWords", "  harbour   reopens ", `"harbour" "reopens"`},
		{"OKPrefix", "espres*", `"espres"*`},
		{"OKPrefixOnPhrase", "e-mai*", `"e mai"*`},
		{"OKPunctuationSplitsTokens", `a:b "c" NEAR(d)`, `"a b" "c" "NEAR d"`},
		{"OKOperatorsAreWords", "cafe OR NOT tea", `"cafe" "OR" "NOT" "tea"`},
		{"OKAccentsKept", "Łódź café", `"Łódź" "café"`},
		{"OKStarAloneIsNotPrefix", "tea *", `"tea"`},
		{"OKSQL", `'; DROP TABLE x; --`, `"DROP" "TABLE" "x"`},
		{"OKQuotesDropped", `"""x""`, `"x"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := search.Parse(tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := q.FTS(); got != tc.fts {
				t.Fatalf("Parse(%q).FTS() = %s, want %s", tc.q, got, tc.fts)
			}
			if q.Text != strings.TrimSpace(tc.q) {
				t.Fatalf("Text = %q", q.Text)
			}
		})
	}
	for _, tc := range []struct{ name, q, msg string }{
		{"ErrEmpty", "", "the search is empty: type at least one word"},
		{"ErrBlank", " \n\t", "the search is empty: type at least one word"},
		{"ErrNoWords", `" * :`, "the search has no letter or digit to look for"},
		{"ErrTooLong", strings.Repeat("x", 10<<10), "the search is 10240 bytes long; at most 256 are allowed"},
		{"ErrTooManyWords", strings.Repeat("a ", 17), "the search has 17 words; at most 16 are allowed"},
		{"ErrUTF8", "\xff", "the search is not valid UTF-8 text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := search.Parse(tc.q)
			if banx.ErrorCode(err) != banx.EINVALID || banx.ErrorMessage(err) != tc.msg {
				t.Fatalf("Parse(%.20q) = %v, want EINVALID %q", tc.q, err, tc.msg)
			}
		})
	}
}

// FuzzParse checks that whatever a reader types, the FTS5 query holds only
// quoted strings of letters, digits, marks and spaces, each optionally
// followed by '*'.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"cafe", `"`, "NEAR(a b)", "a:b*", "x\"y", "é*", "- ^ +"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := search.Parse(s)
		if err != nil {
			if banx.ErrorCode(err) != banx.EINVALID {
				t.Fatalf("Parse(%q): %v, want EINVALID", s, err)
			}
			return
		}
		if !ftsShape.MatchString(q.FTS()) {
			t.Fatalf("Parse(%q).FTS() = %s", s, q.FTS())
		}
	})
}

// ftsShape is every query Parse may produce: quoted runs of word characters
// (single spaces between tokens), each optionally a prefix, one space apart.
var ftsShape = regexp.MustCompile(`^"[\pL\pN\p{Mn}\p{Mc}]+( [\pL\pN\p{Mn}\p{Mc}]+)*"\*?( "[\pL\pN\p{Mn}\p{Mc}]+( [\pL\pN\p{Mn}\p{Mc}]+)*"\*?)*$`)

func TestMarked(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []search.Segment
	}{
		{"OKNone", "plain", []search.Segment{{Text: "plain"}}},
		{"OKEmpty", "", nil},
		{"OKMarks", "a \x02b\x03 c \x02d\x03", []search.Segment{{Text: "a "}, {Text: "b", Match: true}, {Text: " c "}, {Text: "d", Match: true}}},
		{"OKUnclosed", "\x02b", []search.Segment{{Text: "b", Match: true}}},
		{"OKStrayEnd", "a\x03b", []search.Segment{{Text: "ab"}}},
		{"OKHTMLStaysText", "<b>\x02x\x03</b>", []search.Segment{{Text: "<b>"}, {Text: "x", Match: true}, {Text: "</b>"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := search.Marked(tc.in); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Marked(%q) = %+v, want %+v", tc.in, got, tc.want)
			}
		})
	}
	if search.Clean("a\x02b\x03c") != "a b c" {
		t.Fatal("Clean must drop markers")
	}
}

func TestPlainText(t *testing.T) {
	md := "## Port news\n\nThe **harbour** [reopened](https://example.com/x) today.\nShips `queue` <script>alert(1)</script>.\n\n" +
		"<div>raw block</div>\n\n- one\n- two\n\n![A crane](ipfs://bafkreiabc)\n\n```\nfmt.Println(1)\n```\n"
	want := "Port news\nThe harbour reopened today. Ships queue alert(1).\none\ntwo\nA crane\nfmt.Println(1)"
	if got := search.PlainText(md); got != want {
		t.Fatalf("PlainText =\n%q\nwant\n%q", got, want)
	}
	m := &manifest.Manifest{Summary: "S", Body: "*B*", Tags: []string{"x"}, Category: "world"}
	if got := search.TextOf(m); got.Summary != "S" || got.Body != "B" || got.Tags[0] != "x" || got.Category != "world" {
		t.Fatalf("TextOf = %+v", got)
	}
}
