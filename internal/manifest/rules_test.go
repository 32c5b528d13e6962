package manifest_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/banxmedia/banx/contracts"
	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/manifest"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// cidOf returns a valid CIDv1 (raw, sha2-256, base32) for a made-up image i.
func cidOf(i int) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("image %d", i)))
	raw := append([]byte{0x01, 0x55, 0x12, 0x20}, sum[:]...)
	return "b" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw))
}

// cidWith returns a CIDv1 with the given codec and multihash prefix bytes.
func cidWith(prefix ...byte) string {
	sum := sha256.Sum256([]byte("x"))
	raw := append(prefix, sum[:]...)
	return "b" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw))
}

// baseDoc is a valid manifest using every field, as a JSON tree to mutate.
func baseDoc() map[string]any {
	return map[string]any{
		"schema":   "banx.manifest/1",
		"title":    "Talks in Oman",
		"summary":  "A short summary.",
		"body":     "First paragraph.\n\n\tSecond paragraph.",
		"category": "world",
		"tags":     []any{"USIranTalks", "MiddleEastDiplomacy"},
		"sources":  []any{map[string]any{"name": "BBC", "url": "https://www.bbc.com/news"}},
		"media": []any{map[string]any{
			"cid": cidOf(0), "role": "cover", "mime_type": "image/webp", "size": 184320,
			"alt": "An illustration", "digital_source_type": "trainedAlgorithmicMedia",
		}},
		"ai_disclosure": "Visuals were produced with AI tools and are not real photographs.",
		"language":      "en",
		"author":        "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh",
		"created":       "2025-04-14T09:30:00Z",
	}
}

func media0(d map[string]any) map[string]any  { return d["media"].([]any)[0].(map[string]any) }
func source0(d map[string]any) map[string]any { return d["sources"].([]any)[0].(map[string]any) }

func set(key string, v any) func(map[string]any) { return func(d map[string]any) { d[key] = v } }
func del(key string) func(map[string]any)        { return func(d map[string]any) { delete(d, key) } }
func setMedia(key string, v any) func(map[string]any) {
	return func(d map[string]any) { media0(d)[key] = v }
}
func setSource(key string, v any) func(map[string]any) {
	return func(d map[string]any) { source0(d)[key] = v }
}

func manyMedia(n int) []any {
	var out []any
	for i := range n {
		out = append(out, map[string]any{"cid": cidOf(i), "role": "inline", "mime_type": "image/png", "size": 1, "alt": "a", "digital_source_type": "digitalCapture"})
	}
	return out
}

func manySources(n int) []any {
	var out []any
	for i := range n {
		out = append(out, map[string]any{"name": "S", "url": fmt.Sprintf("https://example.com/%d", i)})
	}
	return out
}

// rule is one case of the validation table. goOnly marks rules that JSON
// Schema cannot express (listed in contracts/manifest.md): the schema accepts
// the document, the Go validator rejects it.
type rule struct {
	name   string
	edit   func(map[string]any)
	code   string // "" when the document is valid
	msg    string
	goOnly bool
}

const categoriesList = "world, politics, business, technology, crypto, science, environment, health, sports, culture, opinion"

var rules = []rule{
	{name: "OK", edit: func(map[string]any) {}},
	{name: "OKOnlyRequired", edit: func(d map[string]any) {
		for _, k := range []string{"tags", "sources", "media", "ai_disclosure"} {
			delete(d, k)
		}
	}},
	{name: "OKEmptyOptional", edit: func(d map[string]any) {
		d["tags"], d["sources"], d["media"], d["ai_disclosure"], d["previous"] = []any{}, []any{}, []any{}, "", ""
	}},
	{name: "OKDisclosureWithoutAIMedia", edit: setMedia("digital_source_type", "digitalCapture")},
	{name: "OKNoDisclosureWithoutAIMedia", edit: func(d map[string]any) {
		media0(d)["digital_source_type"] = "algorithmicallyEnhanced"
		delete(d, "ai_disclosure")
	}},
	{name: "OKLimits", edit: func(d map[string]any) {
		d["title"] = strings.Repeat("é", manifest.MaxTitleChars)
		d["summary"] = strings.Repeat("s", manifest.MaxSummaryChars)
		d["body"] = strings.Repeat("b", manifest.MaxBodyBytes)
		var tags []any
		for i := range manifest.MaxTags {
			tags = append(tags, fmt.Sprintf("T%d", i)+strings.Repeat("x", manifest.MaxTagChars-2))
		}
		d["tags"] = tags
		d["sources"] = manySources(manifest.MaxSources)
		d["media"] = manyMedia(manifest.MaxMedia)
		source0(d)["name"] = strings.Repeat("n", manifest.MaxSourceNameChars)
		source0(d)["url"] = "https://example.com/" + strings.Repeat("p", manifest.MaxURLBytes-len("https://example.com/"))
		media0(d)["alt"] = strings.Repeat("a", manifest.MaxAltChars)
		media0(d)["size"] = manifest.MaxImageBytes
		d["ai_disclosure"] = strings.Repeat("d", manifest.MaxAIDisclosureChars)
	}},
	{name: "OKUnicodeText", edit: func(d map[string]any) {
		d["title"] = "Zürich \U0001F680 \u2014 “quoted”"
		d["body"] = "Line\u2028separator, <b> & \\ \"x\" \u200d\U0001F468"
		d["tags"] = []any{"東京", "café_culture", "हिन्दी"}
	}},
	{name: "OKLanguageScriptRegion", edit: set("language", "zh-Hant-TW")},
	{name: "OKLanguageNumericRegion", edit: set("language", "es-419")},
	{name: "OKLanguageVariant", edit: set("language", "de-CH-1996")},
	{name: "OKPrevious", edit: set("previous", strings.Repeat("AB", 32))},
	{name: "OKDagPBCID", edit: setMedia("cid", cidWith(0x01, 0x70, 0x12, 0x20))},
	{name: "OKHTTPWithPortQueryFragment", edit: setSource("url", "http://example.com:8080/a?b=c#d")},
	{name: "OKIPv6Host", edit: setSource("url", "https://[2001:db8::1]/news")},
	{name: "OKLeapDay", edit: set("created", "2024-02-29T23:59:59Z")},

	{name: "ErrUnknownField", edit: set("beneficiaries", []any{}), code: banx.EINVALID, msg: "beneficiaries: unknown field"},
	{name: "ErrFieldNameCase", edit: set("Title", "x"), code: banx.EINVALID, msg: "Title: unknown field"},
	{name: "ErrNull", edit: set("previous", nil), code: banx.EINVALID, msg: "previous: want string, got null"},

	{name: "ErrSchemaRequired", edit: del("schema"), code: banx.EINVALID, msg: "schema: required"},
	{name: "ErrSchemaVersion", edit: set("schema", "banx.manifest/2"), code: banx.EINVALID, msg: `schema: unsupported version "banx.manifest/2", want "banx.manifest/1"`},

	{name: "ErrTitleRequired", edit: del("title"), code: banx.EINVALID, msg: "title: required"},
	{name: "ErrTitleEmpty", edit: set("title", ""), code: banx.EINVALID, msg: "title: required"},
	{name: "ErrTitleType", edit: set("title", 42), code: banx.EINVALID, msg: "title: want string, got number"},
	{name: "ErrTitleTooLong", edit: set("title", strings.Repeat("é", 201)), code: banx.ETOOLARGE, msg: "title: 201 characters, max 200"},
	{name: "ErrTitleControl", edit: set("title", "a\u0007b"), code: banx.EINVALID, msg: "title: control character U+0007 not allowed"},
	{name: "ErrTitleNewline", edit: set("title", "a\nb"), code: banx.EINVALID, msg: "title: control character U+000A not allowed"},
	{name: "ErrTitleC1Control", edit: set("title", "a\u0085b"), code: banx.EINVALID, msg: "title: control character U+0085 not allowed"},
	{name: "ErrTitleReplacementChar", edit: set("title", "a\uFFFDb"), code: banx.EINVALID, msg: "title: replacement character U+FFFD not allowed"},
	{name: "ErrTitleLeadingSpace", edit: set("title", " a"), code: banx.EINVALID, msg: "title: leading or trailing white space not allowed"},
	{name: "ErrTitleTrailingNBSP", edit: set("title", "a\u00a0"), code: banx.EINVALID, msg: "title: leading or trailing white space not allowed"},
	{name: "ErrTitleTrailingLineSeparator", edit: set("title", "a\u2028"), code: banx.EINVALID, msg: "title: leading or trailing white space not allowed"},
	{name: "ErrTitleNotNFC", edit: set("title", "Cafe\u0301"), code: banx.EINVALID, msg: "title: not in Unicode normalization form NFC", goOnly: true},
	// Format characters (Cf): "Invoice \u202efdp.exe" displays as "Invoice exe.pdf".
	{name: "ErrTitleRTLOverride", edit: set("title", "Invoice \u202efdp.exe"), code: banx.EINVALID, msg: "title: invisible format character U+202E (right-to-left override) not allowed: it changes how the text displays", goOnly: true},
	{name: "ErrTitleIsolate", edit: set("title", "a\u2066b\u2069"), code: banx.EINVALID, msg: "title: invisible format character U+2066 (left-to-right isolate) not allowed: it changes how the text displays", goOnly: true},
	{name: "ErrTitleZeroWidthSpace", edit: set("title", "pay\u200bpal"), code: banx.EINVALID, msg: "title: invisible format character U+200B (zero width space) not allowed: it changes how the text displays", goOnly: true},
	{name: "ErrTitleBOM", edit: set("title", "\ufeffTitle"), code: banx.EINVALID, msg: "title: invisible format character U+FEFF (zero width no-break space or byte order mark) not allowed: it changes how the text displays", goOnly: true},
	{name: "ErrTitleSoftHyphen", edit: set("title", "a\u00adb"), code: banx.EINVALID, msg: "title: invisible format character U+00AD (soft hyphen) not allowed: it changes how the text displays", goOnly: true},
	{name: "ErrTitleZWJAtEnd", edit: set("title", "a \U0001F468\u200d"), code: banx.EINVALID, msg: "title: invisible format character U+200D (zero width joiner) allowed only between two letters, marks or symbols", goOnly: true},
	{name: "ErrTitleZWNJBeforeSpace", edit: set("title", "a\u200c b"), code: banx.EINVALID, msg: "title: invisible format character U+200C (zero width non-joiner) allowed only between two letters, marks or symbols", goOnly: true},
	{name: "ErrTitleLoneTagCharacter", edit: set("title", "a\U000E0067b"), code: banx.EINVALID, msg: "title: invisible format character U+E0067 (tag character) not allowed: it changes how the text displays", goOnly: true},
	{name: "ErrTitleInterlinear", edit: set("title", "a\ufff9b"), code: banx.EINVALID, msg: "title: invisible format character U+FFF9 not allowed: it changes how the text displays", goOnly: true},
	{name: "OKTitleJoiners", edit: set("title", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 \U0001F469\u200d\U0001F4BB \U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F \u2764\ufe0f\u200d\U0001F525")},
	{name: "ErrSummaryRTLOverride", edit: set("summary", "x\u202ey"), code: banx.EINVALID, msg: "summary: invisible format character U+202E (right-to-left override) not allowed: it changes how the text displays", goOnly: true},
	{name: "ErrSourceNameZeroWidth", edit: setSource("name", "Reu\u200bters"), code: banx.EINVALID, msg: "sources[0].name: invisible format character U+200B (zero width space) not allowed: it changes how the text displays", goOnly: true},
	{name: "ErrAltRTLOverride", edit: setMedia("alt", "a \u202egnp.exe"), code: banx.EINVALID, msg: "media[0].alt: invisible format character U+202E (right-to-left override) not allowed: it changes how the text displays", goOnly: true},
	{name: "ErrAIDisclosureLRI", edit: set("ai_disclosure", "x\u2066y"), code: banx.EINVALID, msg: "ai_disclosure: invisible format character U+2066 (left-to-right isolate) not allowed: it changes how the text displays", goOnly: true},
	{name: "OKAuthorName", edit: set("author_name", "Harryrednap")},
	{name: "OKAuthorNameEmpty", edit: set("author_name", "")},
	{name: "OKAuthorNameLimit", edit: set("author_name", strings.Repeat("é", manifest.MaxAuthorNameChars))},
	{name: "ErrAuthorNameTooLong", edit: set("author_name", strings.Repeat("é", 65)), code: banx.ETOOLARGE, msg: "author_name: 65 characters, max 64"},
	{name: "ErrAuthorNameControl", edit: set("author_name", "Harry\u0007"), code: banx.EINVALID, msg: "author_name: control character U+0007 not allowed"},
	{name: "ErrAuthorNameNewline", edit: set("author_name", "Harry\nrednap"), code: banx.EINVALID, msg: "author_name: control character U+000A not allowed"},
	{name: "ErrAuthorNameLeadingSpace", edit: set("author_name", " Harry"), code: banx.EINVALID, msg: "author_name: leading or trailing white space not allowed"},
	{name: "ErrAuthorNameType", edit: set("author_name", 7), code: banx.EINVALID, msg: "author_name: want string, got number"},
	{name: "ErrAuthorNameRTLOverride", edit: set("author_name", "Harry\u202eredn"), code: banx.EINVALID, msg: "author_name: invisible format character U+202E (right-to-left override) not allowed: it changes how the text displays", goOnly: true},
	{name: "ErrAuthorNameZeroWidthSpace", edit: set("author_name", "Har\u200bry"), code: banx.EINVALID, msg: "author_name: invisible format character U+200B (zero width space) not allowed: it changes how the text displays", goOnly: true},
	{name: "ErrTagZWJ", edit: set("tags", []any{"a\u200db"}), code: banx.EINVALID, msg: "tags[0]: character U+200D not allowed, want letters, digits or '_'"},
	{name: "ErrBodyRTLOverride", edit: set("body", "one\n[Invoice \u202efdp.exe](https://example.com/x)"), code: banx.EINVALID, msg: "body: line 2: bidirectional control character U+202E (right-to-left override) not allowed: it can reorder how the text around it displays", goOnly: true},
	{name: "ErrBodyEmbedding", edit: set("body", "a\u202bb"), code: banx.EINVALID, msg: "body: line 1: bidirectional control character U+202B (right-to-left embedding) not allowed: it can reorder how the text around it displays", goOnly: true},
	{name: "ErrBodyIsolate", edit: set("body", "a\n\nb\u2068c"), code: banx.EINVALID, msg: "body: line 3: bidirectional control character U+2068 (first strong isolate) not allowed: it can reorder how the text around it displays", goOnly: true},
	{name: "OKBodyMarksAndJoiners", edit: set("body", "\u05e9\u05dc\u05d5\u05dd\u200f 2026, \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645, zero\u200bwidth, \u200d\U0001F468\u200d")},
	{name: "ErrSummaryRequired", edit: del("summary"), code: banx.EINVALID, msg: "summary: required"},
	{name: "ErrSummaryTooLong", edit: set("summary", strings.Repeat("s", 501)), code: banx.ETOOLARGE, msg: "summary: 501 characters, max 500"},

	{name: "ErrBodyRequired", edit: del("body"), code: banx.EINVALID, msg: "body: required"},
	{name: "ErrBodyTooLarge", edit: set("body", strings.Repeat("b", manifest.MaxBodyBytes+1)), code: banx.ETOOLARGE, msg: "body: 1048577 bytes, max 1048576"},
	{name: "ErrBodyTooLargeInBytes", edit: set("body", strings.Repeat("é", manifest.MaxBodyBytes/2+1)), code: banx.ETOOLARGE, msg: "body: 1048578 bytes, max 1048576", goOnly: true},
	{name: "ErrBodyCarriageReturn", edit: set("body", "one\ntwo\nthree\r\nfour"), code: banx.EINVALID, msg: "body: line 3: control character U+000D not allowed"},
	{name: "ErrBodyTrailingNewline", edit: set("body", "text\n"), code: banx.EINVALID, msg: "body: leading or trailing white space not allowed"},
	{name: "ErrBodyLeadingNewline", edit: set("body", "\ntext"), code: banx.EINVALID, msg: "body: leading or trailing white space not allowed"},
	{name: "ErrBodyNotNFC", edit: set("body", "one\nCafe\u0301"), code: banx.EINVALID, msg: "body: line 2: not in Unicode normalization form NFC", goOnly: true},

	{name: "ErrCategoryRequired", edit: del("category"), code: banx.EINVALID, msg: "category: required"},
	{name: "ErrCategoryUnknown", edit: set("category", "sport"), code: banx.EINVALID, msg: `category: "sport" is not a known category, want one of ` + categoriesList},
	{name: "ErrCategoryCase", edit: set("category", "World"), code: banx.EINVALID, msg: `category: "World" is not a known category, want one of ` + categoriesList},

	{name: "ErrTagsType", edit: set("tags", "a"), code: banx.EINVALID, msg: "tags: want array, got string"},
	{name: "ErrTagType", edit: set("tags", []any{1}), code: banx.EINVALID, msg: "tags[0]: want string, got number"},
	{name: "ErrTagsTooMany", edit: set("tags", []any{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"}), code: banx.ETOOLARGE, msg: "tags: 11 tags, max 10"},
	{name: "ErrTagEmpty", edit: set("tags", []any{""}), code: banx.EINVALID, msg: "tags[0]: required"},
	{name: "ErrTagTooLong", edit: set("tags", []any{"a", strings.Repeat("t", 33)}), code: banx.ETOOLARGE, msg: "tags[1]: 33 characters, max 32"},
	{name: "ErrTagHash", edit: set("tags", []any{"#USIranTalks"}), code: banx.EINVALID, msg: "tags[0]: starts with '#', write the tag without it"},
	{name: "ErrTagCharset", edit: set("tags", []any{"US-Iran"}), code: banx.EINVALID, msg: "tags[0]: character '-' (U+002D) not allowed, want letters, digits or '_'"},
	{name: "ErrTagSpace", edit: set("tags", []any{"US Iran"}), code: banx.EINVALID, msg: "tags[0]: character ' ' (U+0020) not allowed, want letters, digits or '_'"},
	{name: "ErrTagNoLetter", edit: set("tags", []any{"2025"}), code: banx.EINVALID, msg: "tags[0]: must contain a letter"},
	{name: "ErrTagDuplicate", edit: set("tags", []any{"Oman", "Oman"}), code: banx.EINVALID, msg: "tags[1]: duplicate of tags[0] (tags are compared case-insensitively)"},
	{name: "ErrTagDuplicateCase", edit: set("tags", []any{"USIranTalks", "usirantalks"}), code: banx.EINVALID, msg: "tags[1]: duplicate of tags[0] (tags are compared case-insensitively)", goOnly: true},
	{name: "ErrTagNotNFC", edit: set("tags", []any{"Cafe\u0301"}), code: banx.EINVALID, msg: "tags[0]: not in Unicode normalization form NFC", goOnly: true},

	{name: "ErrSourcesTooMany", edit: set("sources", manySources(21)), code: banx.ETOOLARGE, msg: "sources: 21 sources, max 20"},
	{name: "ErrSourceType", edit: set("sources", []any{"BBC"}), code: banx.EINVALID, msg: "sources[0]: want object, got string"},
	{name: "ErrSourceUnknownField", edit: setSource("link", "x"), code: banx.EINVALID, msg: "sources[0].link: unknown field"},
	{name: "ErrSourceNameRequired", edit: func(d map[string]any) { delete(source0(d), "name") }, code: banx.EINVALID, msg: "sources[0].name: required"},
	{name: "ErrSourceNameTooLong", edit: setSource("name", strings.Repeat("n", 101)), code: banx.ETOOLARGE, msg: "sources[0].name: 101 characters, max 100"},
	{name: "ErrSourceURLRequired", edit: func(d map[string]any) { delete(source0(d), "url") }, code: banx.EINVALID, msg: "sources[0].url: required"},
	{name: "ErrSourceURLTooLong", edit: setSource("url", "https://example.com/"+strings.Repeat("p", 2029)), code: banx.ETOOLARGE, msg: "sources[0].url: 2049 bytes, max 2048"},
	{name: "ErrSourceURLJavascript", edit: setSource("url", "javascript:alert(1)"), code: banx.EINVALID, msg: `sources[0].url: scheme "javascript" not allowed, want http or https`},
	{name: "ErrSourceURLFTP", edit: setSource("url", "ftp://example.com/file"), code: banx.EINVALID, msg: `sources[0].url: scheme "ftp" not allowed, want http or https`},
	{name: "ErrSourceURLRelative", edit: setSource("url", "/news"), code: banx.EINVALID, msg: "sources[0].url: not an absolute URL, want http:// or https://"},
	{name: "ErrSourceURLUpperScheme", edit: setSource("url", "HTTPS://example.com/"), code: banx.EINVALID, msg: `sources[0].url: must start with "http://" or "https://" in lower case`},
	{name: "ErrSourceURLOpaque", edit: setSource("url", "https:example.com"), code: banx.EINVALID, msg: `sources[0].url: must start with "http://" or "https://" in lower case`},
	{name: "ErrSourceURLUserInfo", edit: setSource("url", "https://bbc.com@evil.example/"), code: banx.EINVALID, msg: "sources[0].url: user info not allowed"},
	{name: "ErrSourceURLNoHost", edit: setSource("url", "https:///news"), code: banx.EINVALID, msg: "sources[0].url: host missing"},
	{name: "ErrSourceURLPortOnly", edit: setSource("url", "https://:443/news"), code: banx.EINVALID, msg: "sources[0].url: host missing", goOnly: true},
	{name: "ErrSourceURLSpace", edit: setSource("url", "https://example.com/a b"), code: banx.EINVALID, msg: "sources[0].url: character ' ' (U+0020) not allowed, want printable ASCII (percent-encode other characters)"},
	{name: "ErrSourceURLNonASCII", edit: setSource("url", "https://zürich.ch/"), code: banx.EINVALID, msg: "sources[0].url: character 'ü' (U+00FC) not allowed, want printable ASCII (percent-encode other characters)"},
	{name: "ErrSourceURLBadEscape", edit: setSource("url", "https://example.com/%zz"), code: banx.EINVALID, msg: `sources[0].url: invalid URL: invalid URL escape "%zz"`, goOnly: true},
	{name: "ErrSourceURLDuplicate", edit: set("sources", []any{
		map[string]any{"name": "A", "url": "https://example.com/"},
		map[string]any{"name": "B", "url": "https://example.com/"},
	}), code: banx.EINVALID, msg: "sources[1].url: duplicate of sources[0].url", goOnly: true},

	{name: "ErrMediaTooMany", edit: set("media", manyMedia(21)), code: banx.ETOOLARGE, msg: "media: 21 items, max 20"},
	{name: "ErrMediaUnknownField", edit: setMedia("width", 100), code: banx.EINVALID, msg: "media[0].width: unknown field"},
	{name: "ErrMediaCIDRequired", edit: func(d map[string]any) { delete(media0(d), "cid") }, code: banx.EINVALID, msg: "media[0].cid: required"},
	{name: "ErrMediaCIDv0", edit: setMedia("cid", "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG"), code: banx.EINVALID, msg: `media[0].cid: "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG" is a CIDv0, want its CIDv1 in base32 (ipfs cid format -v 1 -b base32)`},
	{name: "ErrMediaCIDUpperCase", edit: setMedia("cid", strings.ToUpper(cidOf(0))), code: banx.EINVALID, msg: fmt.Sprintf(`media[0].cid: %q is not a CIDv1 in base32 lower case (bafkrei... or bafybei...)`, strings.ToUpper(cidOf(0)))},
	{name: "ErrMediaCIDTrailingBits", edit: setMedia("cid", cidOf(0)[:58]+"b"), code: banx.EINVALID, msg: fmt.Sprintf(`media[0].cid: %q is not a CIDv1 in base32 lower case (bafkrei... or bafybei...)`, cidOf(0)[:58]+"b")},
	{name: "ErrMediaCIDCodec", edit: setMedia("cid", cidWith(0x01, 0x71, 0x12, 0x20)), code: banx.EINVALID, msg: fmt.Sprintf(`media[0].cid: %q must be a CIDv1 with codec raw or dag-pb and a sha2-256 hash`, cidWith(0x01, 0x71, 0x12, 0x20))},
	{name: "ErrMediaCIDDuplicate", edit: set("media", []any{
		map[string]any{"cid": cidOf(1), "role": "inline", "mime_type": "image/png", "size": 1, "alt": "a", "digital_source_type": "digitalCapture"},
		map[string]any{"cid": cidOf(1), "role": "inline", "mime_type": "image/png", "size": 1, "alt": "a", "digital_source_type": "digitalCapture"},
	}), code: banx.EINVALID, msg: "media[1].cid: duplicate of media[0].cid", goOnly: true},
	{name: "ErrMediaCIDDuplicateOtherAlt", edit: set("media", []any{
		map[string]any{"cid": cidOf(1), "role": "inline", "mime_type": "image/png", "size": 1, "alt": "a", "digital_source_type": "digitalCapture"},
		map[string]any{"cid": cidOf(1), "role": "inline", "mime_type": "image/png", "size": 1, "alt": "b", "digital_source_type": "digitalCapture"},
	}), code: banx.EINVALID, msg: "media[1].cid: duplicate of media[0].cid", goOnly: true},
	{name: "ErrMediaRoleRequired", edit: func(d map[string]any) { delete(media0(d), "role") }, code: banx.EINVALID, msg: "media[0].role: required"},
	{name: "ErrMediaRoleUnknown", edit: setMedia("role", "banner"), code: banx.EINVALID, msg: `media[0].role: "banner" not allowed, want cover or inline`},
	{name: "ErrMediaSecondCover", edit: func(d map[string]any) {
		m := manyMedia(2)
		m[0].(map[string]any)["role"], m[1].(map[string]any)["role"] = "cover", "cover"
		d["media"] = m
	}, code: banx.EINVALID, msg: "media[1].role: second cover, media[0] is already the cover"},
	{name: "ErrMediaMIMERequired", edit: func(d map[string]any) { delete(media0(d), "mime_type") }, code: banx.EINVALID, msg: "media[0].mime_type: required"},
	{name: "ErrMediaMIMESVG", edit: setMedia("mime_type", "image/svg+xml"), code: banx.EINVALID, msg: `media[0].mime_type: "image/svg+xml" not allowed, want image/png, image/jpeg, image/webp or image/gif`},
	{name: "ErrMediaSizeRequired", edit: func(d map[string]any) { delete(media0(d), "size") }, code: banx.EINVALID, msg: "media[0].size: must be at least 1"},
	{name: "ErrMediaSizeZero", edit: setMedia("size", 0), code: banx.EINVALID, msg: "media[0].size: must be at least 1"},
	{name: "ErrMediaSizeNegative", edit: setMedia("size", -5), code: banx.EINVALID, msg: "media[0].size: must be at least 1"},
	{name: "ErrMediaSizeTooLarge", edit: setMedia("size", manifest.MaxImageBytes+1), code: banx.ETOOLARGE, msg: "media[0].size: 10485761 bytes, max 10485760"},
	{name: "ErrMediaSizeString", edit: setMedia("size", "12"), code: banx.EINVALID, msg: "media[0].size: want integer, got string"},
	{name: "ErrMediaSizeFraction", edit: setMedia("size", json.Number("1.5")), code: banx.EINVALID, msg: "media[0].size: want integer, got 1.5"},
	{name: "ErrMediaSizeIntegralFraction", edit: setMedia("size", json.Number("1024.0")), code: banx.EINVALID, msg: "media[0].size: want integer, got 1024.0", goOnly: true},
	{name: "ErrMediaSizeExponent", edit: setMedia("size", json.Number("1e3")), code: banx.EINVALID, msg: "media[0].size: want integer, got 1e3", goOnly: true},
	{name: "ErrMediaSizeUnsafe", edit: setMedia("size", json.Number("9007199254740993")), code: banx.EINVALID, msg: `media[0].size: "9007199254740993" is outside the safe integer range ±9007199254740991`},
	{name: "ErrMediaAltRequired", edit: setMedia("alt", ""), code: banx.EINVALID, msg: "media[0].alt: required"},
	{name: "ErrMediaAltTooLong", edit: setMedia("alt", strings.Repeat("a", 501)), code: banx.ETOOLARGE, msg: "media[0].alt: 501 characters, max 500"},
	{name: "ErrMediaDSTRequired", edit: func(d map[string]any) { delete(media0(d), "digital_source_type") }, code: banx.EINVALID, msg: "media[0].digital_source_type: required"},
	{name: "ErrMediaDSTIRI", edit: setMedia("digital_source_type", manifest.DigitalSourceTypeBase+"trainedAlgorithmicMedia"), code: banx.EINVALID, msg: `media[0].digital_source_type: write the term "trainedAlgorithmicMedia", not the IRI`},
	{name: "ErrMediaDSTUnknown", edit: setMedia("digital_source_type", "aiGenerated"), code: banx.EINVALID, msg: `media[0].digital_source_type: "aiGenerated" is not an accepted IPTC digital source type term`},

	{name: "ErrAIDisclosureMissing", edit: del("ai_disclosure"), code: banx.EINVALID, msg: "ai_disclosure: required because media[0] is trainedAlgorithmicMedia"},
	{name: "ErrAIDisclosureEmpty", edit: set("ai_disclosure", ""), code: banx.EINVALID, msg: "ai_disclosure: required because media[0] is trainedAlgorithmicMedia"},
	{name: "ErrAIDisclosureComposite", edit: func(d map[string]any) {
		delete(d, "ai_disclosure")
		m := manyMedia(2)
		m[1].(map[string]any)["digital_source_type"] = "compositeWithTrainedAlgorithmicMedia"
		d["media"] = m
	}, code: banx.EINVALID, msg: "ai_disclosure: required because media[1] is compositeWithTrainedAlgorithmicMedia"},
	{name: "ErrAIDisclosureSynthetic", edit: func(d map[string]any) {
		delete(d, "ai_disclosure")
		media0(d)["digital_source_type"] = "compositeSynthetic"
	}, code: banx.EINVALID, msg: "ai_disclosure: required because media[0] is compositeSynthetic"},
	{name: "ErrAIDisclosureTooLong", edit: set("ai_disclosure", strings.Repeat("d", 501)), code: banx.ETOOLARGE, msg: "ai_disclosure: 501 characters, max 500"},
	{name: "ErrAIDisclosureSpace", edit: set("ai_disclosure", "AI made it. "), code: banx.EINVALID, msg: "ai_disclosure: leading or trailing white space not allowed"},

	{name: "ErrLanguageRequired", edit: del("language"), code: banx.EINVALID, msg: "language: required"},
	{name: "ErrLanguageUnderscore", edit: set("language", "en_US"), code: banx.EINVALID, msg: `language: "en_US" is not a BCP 47 tag of the form language[-Script][-REGION][-variant]`},
	{name: "ErrLanguageName", edit: set("language", "English"), code: banx.EINVALID, msg: `language: "English" is not a BCP 47 tag of the form language[-Script][-REGION][-variant]`},
	{name: "ErrLanguageRegionCase", edit: set("language", "en-us"), code: banx.EINVALID, msg: `language: "en-us" must be written "en-US"`},
	{name: "ErrLanguageCase", edit: set("language", "ZH-hant"), code: banx.EINVALID, msg: `language: "ZH-hant" must be written "zh-Hant"`},
	{name: "ErrLanguageExtension", edit: set("language", "en-u-ca-gregory"), code: banx.EINVALID, msg: `language: "en-u-ca-gregory" is not a BCP 47 tag of the form language[-Script][-REGION][-variant]`},
	{name: "ErrLanguageUnknown", edit: set("language", "xx"), code: banx.EINVALID, msg: `language: unknown subtag "xx" in "xx"`, goOnly: true},
	{name: "ErrLanguageUnknownRegion", edit: set("language", "en-999"), code: banx.EINVALID, msg: `language: unknown subtag "999" in "en-999"`, goOnly: true},
	{name: "ErrLanguageLongForm", edit: set("language", "eng"), code: banx.EINVALID, msg: `language: subtag "eng" in "eng" must be written "en"`, goOnly: true},

	{name: "ErrAuthorRequired", edit: del("author"), code: banx.EINVALID, msg: "author: required"},
	{name: "ErrAuthorChecksum", edit: set("author", "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTi"), code: banx.EINVALID, msg: `author: "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTi" is not a valid XRPL classic address (format or checksum)`, goOnly: true},
	{name: "ErrAuthorXAddress", edit: set("author", "XVLhHMPHU98es4dbozjVtdWzVrDjtV18pX8yuPT7y4xaEHi"), code: banx.EINVALID, msg: `author: "XVLhHMPHU98es4dbozjVtdWzVrDjtV18pX8yuPT7y4xaEHi" is not a valid XRPL classic address (format or checksum)`},

	{name: "ErrCreatedRequired", edit: del("created"), code: banx.EINVALID, msg: "created: required"},
	{name: "ErrCreatedOffset", edit: set("created", "2025-04-14T11:30:00+02:00"), code: banx.EINVALID, msg: `created: "2025-04-14T11:30:00+02:00" is not an RFC 3339 UTC time with second precision, want YYYY-MM-DDThh:mm:ssZ`},
	{name: "ErrCreatedFraction", edit: set("created", "2025-04-14T09:30:00.5Z"), code: banx.EINVALID, msg: `created: "2025-04-14T09:30:00.5Z" is not an RFC 3339 UTC time with second precision, want YYYY-MM-DDThh:mm:ssZ`},
	{name: "ErrCreatedLowerZ", edit: set("created", "2025-04-14t09:30:00z"), code: banx.EINVALID, msg: `created: "2025-04-14t09:30:00z" is not an RFC 3339 UTC time with second precision, want YYYY-MM-DDThh:mm:ssZ`},
	{name: "ErrCreatedCalendar", edit: set("created", "2025-02-29T00:00:00Z"), code: banx.EINVALID, msg: `created: "2025-02-29T00:00:00Z" is not a valid date and time`, goOnly: true},
	{name: "ErrCreatedHour24", edit: set("created", "2025-04-14T24:00:00Z"), code: banx.EINVALID, msg: `created: "2025-04-14T24:00:00Z" is not a valid date and time`, goOnly: true},

	{name: "ErrPreviousLowerCase", edit: set("previous", strings.Repeat("ab", 32)), code: banx.EINVALID, msg: fmt.Sprintf(`previous: %q is not a transaction hash, want 64 upper-case hexadecimal characters`, strings.Repeat("ab", 32))},
	{name: "ErrPreviousShort", edit: set("previous", strings.Repeat("A", 63)), code: banx.EINVALID, msg: fmt.Sprintf(`previous: %q is not a transaction hash, want 64 upper-case hexadecimal characters`, strings.Repeat("A", 63))},
}

// compileSchema compiles contracts/manifest.schema.json with a maintained
// draft 2020-12 validator.
func compileSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(contracts.ManifestSchemaJSON))
	if err != nil {
		t.Fatalf("schema JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(contracts.ManifestSchemaID, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(contracts.ManifestSchemaID)
	if err != nil {
		t.Fatalf("compile schema: %v", err)
	}
	return sch
}

// TestRules runs the rule table through Parse (which validates) for the exact
// code and message, and through the JSON Schema, which must agree except on
// the rules marked goOnly.
func TestRules(t *testing.T) {
	sch := compileSchema(t)
	seen := map[string]bool{}
	for _, r := range rules {
		if seen[r.name] {
			t.Fatalf("duplicate case name %s", r.name)
		}
		seen[r.name] = true
		t.Run(r.name, func(t *testing.T) {
			d := baseDoc()
			r.edit(d)
			data, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			_, err = manifest.Parse(data)
			checkErr(t, err, r.code, r.msg)

			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			schemaErr := sch.Validate(inst)
			switch {
			case r.code == "" && schemaErr != nil:
				t.Errorf("schema rejects a manifest Go accepts: %v", schemaErr)
			case r.code != "" && !r.goOnly && schemaErr == nil:
				t.Errorf("schema accepts a manifest Go rejects (%s)", r.msg)
			case r.goOnly && schemaErr != nil:
				t.Errorf("rule marked goOnly but the schema rejects it too: %v", schemaErr)
			}
		})
	}
}

func checkErr(t *testing.T, err error, code, msg string) {
	t.Helper()
	if code == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("no error, want %s %q", code, msg)
	}
	if got := banx.ErrorCode(err); got != code {
		t.Errorf("code %q, want %q (%v)", got, code, err)
	}
	if got := banx.ErrorMessage(err); got != msg {
		t.Errorf("message\n got %s\nwant %s", got, msg)
	}
}
