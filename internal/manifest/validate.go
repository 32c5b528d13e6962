package manifest

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/banxmedia/banx/internal/address"
	"golang.org/x/text/unicode/norm"
)

// Validate checks every rule of contracts/manifest.md and returns the first
// violation, in field order, as a *banx.Error: banx.ETOOLARGE when a maximum
// is exceeded, banx.EINVALID otherwise. The message names the field, e.g.
// `sources[2].url: scheme "javascript" not allowed, want http or https`.
func (m Manifest) Validate() error {
	if is := m.validate(); is != nil {
		return is.err("manifest")
	}
	return nil
}

func (m Manifest) validate() *issue {
	checks := []func() *issue{
		m.validateSchema,
		func() *issue { return checkLine("title", m.Title, MaxTitleChars, true) },
		func() *issue { return checkLine("summary", m.Summary, MaxSummaryChars, true) },
		func() *issue { return checkBody("body", m.Body) },
		m.validateCategory,
		m.validateTags,
		m.validateSources,
		m.validateMedia,
		m.validateAIDisclosure,
		func() *issue { return checkLanguage("language", m.Language) },
		m.validateAuthor,
		func() *issue { return checkLine("author_name", m.AuthorName, MaxAuthorNameChars, false) },
		m.validateCreated,
		m.validatePrevious,
	}
	for _, check := range checks {
		if is := check(); is != nil {
			return is
		}
	}
	return nil
}

func (m Manifest) validateSchema() *issue {
	switch m.Schema {
	case "":
		return invalid("schema", "required")
	case Version:
		return nil
	}
	return invalid("schema", "unsupported version %s, want %q", quote(m.Schema), Version)
}

func (m Manifest) validateCategory() *issue {
	if m.Category == "" {
		return invalid("category", "required")
	}
	list, err := categoryList()
	if err != nil {
		return invalid("category", "category list unavailable: %v", err)
	}
	ids := make([]string, len(list))
	for i, c := range list {
		if c.ID == m.Category {
			return nil
		}
		ids[i] = c.ID
	}
	return invalid("category", "%s is not a known category, want one of %s", quote(m.Category), strings.Join(ids, ", "))
}

func (m Manifest) validateTags() *issue {
	if len(m.Tags) > MaxTags {
		return tooLarge("tags", "%d tags, max %d", len(m.Tags), MaxTags)
	}
	for i, tag := range m.Tags {
		field := elem("tags", i)
		if is := checkTag(field, tag); is != nil {
			return is
		}
		for j := range i {
			if strings.EqualFold(m.Tags[j], tag) {
				return invalid(field, "duplicate of tags[%d] (tags are compared case-insensitively)", j)
			}
		}
	}
	return nil
}

// ValidateTag checks a hashtag as the manifest's tags are checked (letters,
// digits, marks and '_', at most MaxTagChars characters, NFC), so a tag page
// is refused for a tag no article can carry, with the same reason. EINVALID
// or ETOOLARGE.
func ValidateTag(tag string) error {
	if tag == "" {
		return invalid("tag", "required").err("tag")
	}
	if is := checkTag("tag", tag); is != nil {
		return is.err("tag")
	}
	return nil
}

func checkTag(field, tag string) *issue {
	if is := checkEncoding(field, tag); is != nil {
		return is
	}
	if n := utf8.RuneCountInString(tag); n > MaxTagChars {
		return tooLarge(field, "%d characters, max %d", n, MaxTagChars)
	}
	if strings.HasPrefix(tag, "#") {
		return invalid(field, "starts with '#', write the tag without it")
	}
	letter := false
	for _, r := range tag {
		switch {
		case unicode.IsLetter(r):
			letter = true
		case unicode.IsMark(r), unicode.Is(unicode.Nd, r), r == '_':
		default:
			return invalid(field, "character %s not allowed, want letters, digits or '_'", describeRune(r))
		}
	}
	if !letter {
		return invalid(field, "must contain a letter")
	}
	return checkNFC(field, tag, false)
}

func (m Manifest) validateSources() *issue {
	if len(m.Sources) > MaxSources {
		return tooLarge("sources", "%d sources, max %d", len(m.Sources), MaxSources)
	}
	for i, s := range m.Sources {
		field := elem("sources", i)
		if is := checkLine(member(field, "name"), s.Name, MaxSourceNameChars, true); is != nil {
			return is
		}
		if is := checkURL(member(field, "url"), s.URL); is != nil {
			return is
		}
		for j := range i {
			if m.Sources[j].URL == s.URL {
				return invalid(member(field, "url"), "duplicate of sources[%d].url", j)
			}
		}
	}
	return nil
}

// checkURL accepts absolute http(s) URLs written in printable ASCII: a URL that
// needs other characters is percent-encoded (and its host punycoded) by the
// author, so that one address has one spelling in the hashed bytes.
func checkURL(field, raw string) *issue {
	if raw == "" {
		return invalid(field, "required")
	}
	if len(raw) > MaxURLBytes {
		return tooLarge(field, "%d bytes, max %d", len(raw), MaxURLBytes)
	}
	for _, r := range raw {
		if r < '!' || r > '~' {
			return invalid(field, "character %s not allowed, want printable ASCII (percent-encode other characters)", describeRune(r))
		}
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return invalid(field, "invalid URL: %v", err)
	}
	switch {
	case u.Scheme == "":
		return invalid(field, "not an absolute URL, want http:// or https://")
	case u.Scheme != "http" && u.Scheme != "https":
		return invalid(field, "scheme %s not allowed, want http or https", quote(u.Scheme))
	case !strings.HasPrefix(raw, u.Scheme+"://"):
		return invalid(field, "must start with \"http://\" or \"https://\" in lower case")
	case u.User != nil:
		return invalid(field, "user info not allowed")
	case u.Hostname() == "":
		return invalid(field, "host missing")
	}
	return nil
}

func (m Manifest) validateMedia() *issue {
	if len(m.Media) > MaxMedia {
		return tooLarge("media", "%d items, max %d", len(m.Media), MaxMedia)
	}
	cover := -1
	for i, md := range m.Media {
		field := elem("media", i)
		if is := checkCID(member(field, "cid"), md.CID); is != nil {
			return is
		}
		for j := range i {
			if m.Media[j].CID == md.CID {
				return invalid(member(field, "cid"), "duplicate of media[%d].cid", j)
			}
		}
		switch md.Role {
		case "":
			return invalid(member(field, "role"), "required")
		case RoleCover:
			if cover >= 0 {
				return invalid(member(field, "role"), "second cover, media[%d] is already the cover", cover)
			}
			cover = i
		case RoleInline:
		default:
			return invalid(member(field, "role"), "%s not allowed, want cover or inline", quote(md.Role))
		}
		if md.MIMEType == "" {
			return invalid(member(field, "mime_type"), "required")
		}
		if !slices.Contains(imageTypes, md.MIMEType) {
			return invalid(member(field, "mime_type"), "%s not allowed, want %s", quote(md.MIMEType), imageTypeList())
		}
		if md.Size < 1 {
			return invalid(member(field, "size"), "must be at least 1")
		}
		if md.Size > MaxImageBytes {
			return tooLarge(member(field, "size"), "%d bytes, max %d", md.Size, MaxImageBytes)
		}
		if is := checkLine(member(field, "alt"), md.Alt, MaxAltChars, true); is != nil {
			return is
		}
		if is := checkDigitalSourceType(member(field, "digital_source_type"), md.DigitalSourceType); is != nil {
			return is
		}
	}
	return nil
}

func imageTypeList() string {
	return strings.Join(imageTypes[:len(imageTypes)-1], ", ") + " or " + imageTypes[len(imageTypes)-1]
}

func checkDigitalSourceType(field, term string) *issue {
	if term == "" {
		return invalid(field, "required")
	}
	if _, ok := digitalSourceTypes[term]; ok {
		return nil
	}
	if t, ok := strings.CutPrefix(term, DigitalSourceTypeBase); ok {
		if _, known := digitalSourceTypes[t]; known {
			return invalid(field, "write the term %q, not the IRI", t)
		}
	}
	return invalid(field, "%s is not an accepted IPTC digital source type term", quote(term))
}

func (m Manifest) validateAIDisclosure() *issue {
	if is := checkLine("ai_disclosure", m.AIDisclosure, MaxAIDisclosureChars, false); is != nil {
		return is
	}
	if m.AIDisclosure != "" {
		return nil
	}
	for i, md := range m.Media {
		if md.IsAIGenerated() {
			return invalid("ai_disclosure", "required because media[%d] is %s", i, md.DigitalSourceType)
		}
	}
	return nil
}

func (m Manifest) validateAuthor() *issue {
	if m.Author == "" {
		return invalid("author", "required")
	}
	if !address.IsClassic(m.Author) {
		return invalid("author", "%s is not a valid XRPL classic address (format or checksum)", quote(m.Author))
	}
	return nil
}

var createdPattern = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$`)

// CreatedLayout is the layout of Manifest.Created: RFC 3339 in UTC with whole
// seconds, so that one instant has one spelling.
const CreatedLayout = "2006-01-02T15:04:05Z"

// FormatCreated renders t as a Manifest.Created value (UTC, seconds truncated).
func FormatCreated(t time.Time) string {
	return t.UTC().Truncate(time.Second).Format(CreatedLayout)
}

func (m Manifest) validateCreated() *issue {
	if m.Created == "" {
		return invalid("created", "required")
	}
	if !createdPattern.MatchString(m.Created) {
		return invalid("created", "%s is not an RFC 3339 UTC time with second precision, want YYYY-MM-DDThh:mm:ssZ", quote(m.Created))
	}
	if _, err := time.Parse(CreatedLayout, m.Created); err != nil {
		return invalid("created", "%s is not a valid date and time", quote(m.Created))
	}
	return nil
}

var previousPattern = regexp.MustCompile(`^[0-9A-F]{64}$`)

func (m Manifest) validatePrevious() *issue {
	if m.Previous == "" || previousPattern.MatchString(m.Previous) {
		return nil
	}
	return invalid("previous", "%s is not a transaction hash, want 64 upper-case hexadecimal characters", quote(m.Previous))
}

// checkLine enforces the rules for single-line text: valid UTF-8, a length in
// characters, no control characters, no U+FFFD, no white space at either end,
// and NFC. An empty optional field is absent and passes.
func checkLine(field, s string, maxChars int, required bool) *issue {
	if s == "" {
		if required {
			return invalid(field, "required")
		}
		return nil
	}
	if is := checkEncoding(field, s); is != nil {
		return is
	}
	if n := utf8.RuneCountInString(s); n > maxChars {
		return tooLarge(field, "%d characters, max %d", n, maxChars)
	}
	return checkChars(field, s, false)
}

// checkBody is checkLine for Markdown: TAB and LF are allowed, and the limit is
// in UTF-8 bytes because that is what storage and bandwidth pay for.
func checkBody(field, s string) *issue {
	if s == "" {
		return invalid(field, "required")
	}
	if len(s) > MaxBodyBytes {
		return tooLarge(field, "%d bytes, max %d", len(s), MaxBodyBytes)
	}
	if is := checkEncoding(field, s); is != nil {
		return is
	}
	return checkChars(field, s, true)
}

func checkEncoding(field, s string) *issue {
	if s == "" {
		return invalid(field, "required")
	}
	if !utf8.ValidString(s) {
		return invalid(field, "invalid UTF-8")
	}
	return nil
}

func checkChars(field, s string, multiline bool) *issue {
	line := 1
	prev := rune(-1)
	for i, r := range s {
		switch {
		case multiline && r == '\n':
			line++
		case multiline && r == '\t':
		case isControl(r):
			return atLine(invalid(field, "control character %U not allowed", r), line, multiline)
		case r == utf8.RuneError:
			return atLine(invalid(field, "replacement character U+FFFD not allowed"), line, multiline)
		case r >= 0xAD && unicode.Is(unicode.Cf, r):
			if reason := formatRefusal(s, i, r, prev, multiline); reason != "" {
				return atLine(invalid(field, "%s", reason), line, multiline)
			}
		}
		prev = r
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	if unicode.Is(unicode.White_Space, first) || unicode.Is(unicode.White_Space, last) {
		return invalid(field, "leading or trailing white space not allowed")
	}
	return checkNFC(field, s, multiline)
}

// formatRefusal says why the format character r (Unicode category Cf) at byte
// i of s is refused, or "" when it is allowed there. Format characters are
// invisible yet change how text displays: "Invoice \u202efdp.exe" shows as
// "Invoice exe.pdf", and a zero-width space makes two titles that look alike
// differ. Single-line fields (title, summary, names, alt text) refuse them all,
// except ZWNJ and ZWJ between two letters, marks or symbols, which Persian
// words and emoji sequences (👨‍👩‍👧) need, and the tag characters of an
// emoji flag sequence (🏴 followed by U+E0020-U+E007F). The body is Markdown
// in any script: it keeps the zero-width and directional marks that real
// right-to-left and Asian text uses (LRM, RLM, ZWSP, ZWNJ, ZWJ...), but refuses
// the bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069),
// which can reorder a link's text as above and which Markdown never needs.
func formatRefusal(s string, i int, r rune, prev rune, multiline bool) string {
	if multiline {
		if (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) {
			return fmt.Sprintf("bidirectional control character %s not allowed: it can reorder how the text around it displays", describeFormat(r))
		}
		return ""
	}
	switch {
	case r == 0x200C || r == 0x200D:
		next, n := utf8.DecodeRuneInString(s[i+utf8.RuneLen(r):])
		if n > 0 && joins(prev) && joins(next) {
			return ""
		}
		return fmt.Sprintf("invisible format character %s allowed only between two letters, marks or symbols", describeFormat(r))
	case r >= 0xE0020 && r <= 0xE007F && (prev == 0x1F3F4 || (prev >= 0xE0020 && prev <= 0xE007F)):
		return ""
	}
	return fmt.Sprintf("invisible format character %s not allowed: it changes how the text displays", describeFormat(r))
}

// joins reports whether ZWNJ or ZWJ may stand next to r: a letter, a mark
// (such as the emoji presentation selector U+FE0F) or a symbol (an emoji).
func joins(r rune) bool {
	return r >= 0 && r != utf8.RuneError && unicode.IsLetter(r) || unicode.IsMark(r) || unicode.Is(unicode.So, r) || unicode.Is(unicode.Sk, r)
}

// formatNames names the format characters an author may meet, so the refusal
// says what the invisible character is.
var formatNames = map[rune]string{
	0x00AD: "soft hyphen", 0x061C: "arabic letter mark", 0x180E: "mongolian vowel separator",
	0x200B: "zero width space", 0x200C: "zero width non-joiner", 0x200D: "zero width joiner",
	0x200E: "left-to-right mark", 0x200F: "right-to-left mark",
	0x202A: "left-to-right embedding", 0x202B: "right-to-left embedding", 0x202C: "pop directional formatting",
	0x202D: "left-to-right override", 0x202E: "right-to-left override",
	0x2060: "word joiner", 0x2066: "left-to-right isolate", 0x2067: "right-to-left isolate",
	0x2068: "first strong isolate", 0x2069: "pop directional isolate",
	0xFEFF: "zero width no-break space or byte order mark",
}

// describeFormat is "U+202E (right-to-left override)", or the bare code point
// for a format character without a name here.
func describeFormat(r rune) string {
	if n, ok := formatNames[r]; ok {
		return fmt.Sprintf("%U (%s)", r, n)
	}
	if r >= 0xE0000 && r <= 0xE007F {
		return fmt.Sprintf("%U (tag character)", r)
	}
	return fmt.Sprintf("%U", r)
}

// checkNFC rejects text that Unicode normalization would change. Banx never
// normalizes on its own, because the author signs the exact bytes; a text that
// looks the same must also hash the same, so only NFC is accepted.
func checkNFC(field, s string, multiline bool) *issue {
	if norm.NFC.IsNormalString(s) {
		return nil
	}
	n, _ := norm.NFC.SpanString(s, true)
	return atLine(invalid(field, "not in Unicode normalization form NFC"), 1+strings.Count(s[:n], "\n"), multiline)
}

// isControl reports whether r is in Unicode category Cc, which is exactly
// U+0000-U+001F and U+007F-U+009F; cheaper than unicode.Is on every rune of a body.
func isControl(r rune) bool { return r < 0x20 || (r >= 0x7F && r <= 0x9F) }

func atLine(is *issue, line int, multiline bool) *issue {
	if multiline {
		is.line = line
	}
	return is
}

// describeRune names a rune for a message: 'x' for printable ones, U+XXXX otherwise.
func describeRune(r rune) string {
	if unicode.IsPrint(r) && r != utf8.RuneError {
		return fmt.Sprintf("%q (%U)", r, r)
	}
	return fmt.Sprintf("%U", r)
}

// quote shows a value from the input in a message, shortened so that a huge
// field cannot make a huge error.
func quote(s string) string {
	short := clip(s)
	if len(short) < len(s) {
		return fmt.Sprintf("%q...", short)
	}
	return fmt.Sprintf("%q", s)
}

// clip returns at most the first 64 characters of s.
func clip(s string) string {
	n := 0
	for i := range s {
		if n == 64 {
			return s[:i]
		}
		n++
	}
	return s
}
