package manifest_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/manifest"
)

// article is a valid article file; line numbers in the cases below refer to it.
const article = `---
title: Talks in Oman
summary: A short summary.
category: world
language: en
author: rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh
created: 2025-04-14T09:30:00Z
---

First paragraph.

Second paragraph.
`

// edit replaces the first occurrence of old in the article.
func edit(old, new string) string {
	if !strings.Contains(article, old) {
		panic("article has no " + old)
	}
	return strings.Replace(article, old, new, 1)
}

const mediaYAML = `media:
  - cid: %s
    role: cover
    mime_type: image/png
    size: 1000
    alt: A picture
    digital_source_type: digitalCapture
`

func TestParseMarkdown(t *testing.T) {
	for _, tc := range []struct {
		name, input, code, msg string
	}{
		{name: "OK", input: article},
		{name: "OKNoTrailingNewline", input: strings.TrimSuffix(article, "\n")},
		{name: "OKQuotedCreated", input: edit("created: 2025-04-14T09:30:00Z", `created: "2025-04-14T09:30:00Z"`)},
		{name: "OKSchemaKey", input: edit("title:", "schema: banx.manifest/1\ntitle:")},
		{name: "OKAllFields", input: edit("created:", `tags: [USIranTalks, "Oman"]
sources:
  - {name: BBC, url: "https://www.bbc.com/news"}
`+strings.Replace(mediaYAML, "%s", cidOf(3), 1)+`ai_disclosure: No AI was used.
previous: `+strings.Repeat("AB", 32)+`
created:`)},
		{name: "OKAuthorName", input: edit("created:", "author_name: Harryrednap\ncreated:")},
		{name: "ErrAuthorNameNumber", input: edit("created:", "author_name: 42\ncreated:"), code: banx.EINVALID, msg: "line 7: author_name: want string, got !!int 42 (quote it)"},
		{name: "ErrAuthorNameBidi", input: edit("created:", `author_name: "Harry\u202eredn"`+"\ncreated:"), code: banx.EINVALID, msg: "line 7: author_name: invisible format character U+202E (right-to-left override) not allowed: it changes how the text displays"},
		{name: "ErrAuthorNameTooLong", input: edit("created:", "author_name: "+strings.Repeat("n", 65)+"\ncreated:"), code: banx.ETOOLARGE, msg: "line 7: author_name: 65 characters, max 64"},
		{name: "ErrTooLarge", input: article + strings.Repeat("x", manifest.MaxMarkdownBytes), code: banx.ETOOLARGE, msg: "markdown: more than 2097152 bytes"},
		{name: "ErrInvalidUTF8", input: edit("A short", "A \xff short"), code: banx.EINVALID, msg: "line 3: markdown: invalid UTF-8"},
		{name: "ErrBOM", input: "\uFEFF" + article, code: banx.EINVALID, msg: "line 1: markdown: byte order mark not allowed, save the file as UTF-8 without one"},
		{name: "ErrCRLF", input: strings.ReplaceAll(article, "\n", "\r\n"), code: banx.EINVALID, msg: "line 1: markdown: carriage return not allowed, save the file with LF line endings"},
		{name: "ErrNoFrontMatter", input: "# Title\n\nBody\n", code: banx.EINVALID, msg: `line 1: front matter: want "---" alone on the first line`},
		{name: "ErrOpeningSpaces", input: "--- \n" + article[4:], code: banx.EINVALID, msg: `line 1: front matter: want "---" alone on the first line`},
		{name: "ErrNotClosed", input: strings.Replace(article, "---\n\n", "\n", 1), code: banx.EINVALID, msg: `line 1: front matter: not closed, want a line "---" after it`},
		{name: "ErrYAMLSyntax", input: edit("category: world", "category: [world"), code: banx.EINVALID, msg: "line 4: front matter: did not find expected ',' or ']'"},
		{name: "ErrTwoDocuments", input: edit("category: world", "category: world\n...\ntitle: again"), code: banx.EINVALID, msg: "line 1: front matter: more than one YAML document"},
		{name: "ErrYAMLScanner", input: edit("category: world", "category: world: again"), code: banx.EINVALID, msg: "line 4: front matter: mapping values are not allowed in this context"},
		{name: "ErrYAMLParserKey", input: edit("category: world", "category: world\n- item"), code: banx.EINVALID, msg: "line 5: front matter: did not find expected key"},
		{name: "ErrNotMapping", input: "---\n- a\n- b\n---\nBody\n", code: banx.EINVALID, msg: "line 2: front matter: want mapping, got sequence"},
		{name: "ErrKeyNotString", input: edit("category: world", "1: world"), code: banx.EINVALID, msg: "line 4: front matter: keys must be strings, got !!int 1"},
		{name: "ErrUnknownKey", input: edit("category: world", "category: world\nbeneficiaries: []"), code: banx.EINVALID, msg: "line 5: beneficiaries: unknown key"},
		{name: "ErrBodyKey", input: edit("category: world", "category: world\nbody: text"), code: banx.EINVALID, msg: "line 5: body: not allowed in the front matter, the body follows it"},
		{name: "ErrDuplicateKey", input: edit("language: en", "language: en\ntitle: Again"), code: banx.EINVALID, msg: "line 6: title: duplicate key"},
		{name: "ErrTitleNumber", input: edit("title: Talks in Oman", "title: 1984"), code: banx.EINVALID, msg: "line 2: title: want string, got !!int 1984 (quote it)"},
		{name: "ErrTitleBool", input: edit("title: Talks in Oman", "title: true"), code: banx.EINVALID, msg: "line 2: title: want string, got !!bool true (quote it)"},
		{name: "ErrTitleMapping", input: edit("title: Talks in Oman", "title: {a: b}"), code: banx.EINVALID, msg: "line 2: title: want string, got mapping"},
		{name: "ErrTitleCustomTag", input: edit("title: Talks in Oman", "title: !x Talks"), code: banx.EINVALID, msg: "line 2: title: want string, got !x Talks (quote it)"},
		{name: "ErrNoValue", input: edit("category: world", "category: world\nprevious:"), code: banx.EINVALID, msg: "line 5: previous: no value, give one or remove the key"},
		{name: "ErrAnchor", input: edit("title: Talks in Oman", "title: &t Talks in Oman"), code: banx.EINVALID, msg: "line 2: title: anchors not allowed"},
		{name: "ErrAlias", input: edit("summary: A short summary.", "tags: [&t Oman]\nsummary: *t"), code: banx.EINVALID, msg: "line 3: tags[0]: anchors not allowed"},
		{name: "ErrTagsNotSequence", input: edit("category: world", "category: world\ntags: Oman"), code: banx.EINVALID, msg: "line 5: tags: want sequence, got !!str Oman"},
		{name: "ErrTagNumber", input: edit("category: world", "category: world\ntags:\n  - Oman\n  - 2025"), code: banx.EINVALID, msg: "line 7: tags[1]: want string, got !!int 2025 (quote it)"},
		{name: "ErrTagHashComment", input: edit("category: world", "category: world\ntags:\n  - #Oman"), code: banx.EINVALID, msg: "line 6: tags[0]: no value, give one or remove the key"},
		{name: "ErrSizeString", input: edit("created:", strings.Replace(strings.Replace(mediaYAML, "%s", cidOf(3), 1), "size: 1000", `size: "1000"`, 1)+"created:"), code: banx.EINVALID, msg: "line 11: media[0].size: want integer, got !!str 1000"},
		{name: "ErrSizeHex", input: edit("created:", strings.Replace(strings.Replace(mediaYAML, "%s", cidOf(3), 1), "size: 1000", "size: 0x3e8", 1)+"created:"), code: banx.EINVALID, msg: "line 11: media[0].size: want integer, got !!int 0x3e8"},
		{name: "ErrMediaUnknownKey", input: edit("created:", strings.Replace(strings.Replace(mediaYAML, "%s", cidOf(3), 1), "size: 1000", "width: 1000", 1)+"created:"), code: banx.EINVALID, msg: "line 11: media[0].width: unknown key"},
		{name: "ErrSourceURL", input: edit("category: world", `category: world
sources:
  - name: BBC
    url: https://www.bbc.com/news
  - name: Trap
    url: javascript:alert(1)`), code: banx.EINVALID, msg: `line 9: sources[1].url: scheme "javascript" not allowed, want http or https`},
		{name: "ErrSourceMissingURL", input: edit("category: world", "category: world\nsources:\n  - name: BBC"), code: banx.EINVALID, msg: "line 6: sources[0].url: required"},
		{name: "ErrMissingTitle", input: edit("title: Talks in Oman\n", ""), code: banx.EINVALID, msg: "line 1: title: required"},
		{name: "ErrSchemaVersion", input: edit("title:", "schema: banx.manifest/2\ntitle:"), code: banx.EINVALID, msg: `line 2: schema: unsupported version "banx.manifest/2", want "banx.manifest/1"`},
		{name: "ErrCreatedOffset", input: edit("2025-04-14T09:30:00Z", "2025-04-14T11:30:00+02:00"), code: banx.EINVALID, msg: `line 7: created: "2025-04-14T11:30:00+02:00" is not an RFC 3339 UTC time with second precision, want YYYY-MM-DDThh:mm:ssZ`},
		{name: "ErrTitleTrailingSpace", input: edit("title: Talks in Oman", `title: "Talks in Oman "`), code: banx.EINVALID, msg: "line 2: title: leading or trailing white space not allowed"},
		{name: "ErrSummaryFolded", input: edit("summary: A short summary.", "summary: >\n  A short\n  summary."), code: banx.EINVALID, msg: "line 3: summary: control character U+000A not allowed"},
		{name: "ErrBodyControl", input: edit("Second paragraph.", "Second \x07paragraph."), code: banx.EINVALID, msg: "line 12: body: control character U+0007 not allowed"},
		{name: "ErrBodyEmpty", input: "---" + strings.SplitN(article, "---", 3)[1] + "---\n\n  \n", code: banx.EINVALID, msg: "line 9: body: required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := manifest.ParseMarkdown(strings.NewReader(tc.input))
			checkErr(t, err, tc.code, tc.msg)
		})
	}
}

func TestParseMarkdownBody(t *testing.T) {
	m, err := manifest.ParseMarkdown(strings.NewReader(strings.Replace(article, "---\n\n", "---\n\n\n  \n", 1) + "\n\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "First paragraph.\n\nSecond paragraph."; m.Body != want {
		t.Errorf("body %q, want %q", m.Body, want)
	}
	if m.Schema != manifest.Version || m.Created != "2025-04-14T09:30:00Z" {
		t.Errorf("schema %q created %q", m.Schema, m.Created)
	}
}

func TestParseMarkdownReadError(t *testing.T) {
	boom := errors.New("disk gone")
	_, err := manifest.ParseMarkdown(iotest.ErrReader(boom))
	if !errors.Is(err, boom) || banx.ErrorCode(err) != banx.EINTERNAL {
		t.Fatalf("got %v (code %s), want the reader's error", err, banx.ErrorCode(err))
	}
}

// TestParseMarkdownMatchesJSON checks that the front matter keys are the JSON
// names: the same fields through either door give the same canonical bytes.
func TestParseMarkdownMatchesJSON(t *testing.T) {
	m, err := manifest.ParseMarkdown(strings.NewReader(article))
	if err != nil {
		t.Fatal(err)
	}
	j, err := manifest.Parse([]byte(`{"schema":"banx.manifest/1","title":"Talks in Oman","summary":"A short summary.","category":"world","language":"en","author":"rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh","created":"2025-04-14T09:30:00Z","body":"First paragraph.\n\nSecond paragraph."}`))
	if err != nil {
		t.Fatal(err)
	}
	a, _ := m.Canonical()
	b, _ := j.Canonical()
	if !bytes.Equal(a, b) {
		t.Errorf("markdown %s\njson     %s", a, b)
	}
}
