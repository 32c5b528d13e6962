package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"regexp"
	"strconv"
	"unicode/utf8"
)

// Parse decodes a manifest document and validates it. It is strict, because a
// document it accepts may be anchored forever: the input must be at most
// MaxManifestBytes (checked before decoding), valid UTF-8, one JSON object with
// no trailing data, no unknown or duplicate keys (names are case-sensitive),
// no nulls, and integers written as plain integer literals. Key order and white
// space do not matter: Canonical gives the same bytes for any of them.
func Parse(data []byte) (Manifest, error) {
	m, is := parseJSON(data)
	if is != nil {
		return Manifest{}, is.err("manifest")
	}
	if is := m.validate(); is != nil {
		return Manifest{}, is.err("manifest")
	}
	return m, nil
}

// ParseCanonical is Parse for bytes fetched back from IPFS: it also requires
// them to be exactly the manifest's canonical form, so that what a reader
// checks is what was hashed and anchored.
func ParseCanonical(data []byte) (Manifest, error) {
	m, err := Parse(data)
	if err != nil {
		return Manifest{}, err
	}
	canonical, err := m.Canonical()
	if err != nil {
		return Manifest{}, err
	}
	if !bytes.Equal(canonical, data) {
		return Manifest{}, invalid("", "not in canonical form (RFC 8785)").err("manifest")
	}
	return m, nil
}

func parseJSON(data []byte) (Manifest, *issue) {
	var m Manifest
	if len(data) > MaxManifestBytes {
		return m, tooLarge("", "%d bytes, max %d", len(data), MaxManifestBytes)
	}
	if !utf8.Valid(data) {
		return m, invalid("", "invalid UTF-8 at byte offset %d", invalidUTF8Offset(data))
	}
	d := &jsonDecoder{dec: json.NewDecoder(bytes.NewReader(data))}
	d.dec.UseNumber()
	if is := d.object("", m.decodeMember(d)); is != nil {
		return m, is
	}
	if _, err := d.dec.Token(); err != io.EOF {
		return m, invalid("", "trailing data after the JSON object")
	}
	return m, nil
}

func invalidUTF8Offset(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(data)
}

// decodeMember returns the decoder of *m's top-level members, for
// jsonDecoder.object; Source and Media have their own.
func (m *Manifest) decodeMember(d *jsonDecoder) func(key, field string) *issue {
	return func(key, field string) *issue {
		switch key {
		case "schema":
			return d.str(field, &m.Schema)
		case "title":
			return d.str(field, &m.Title)
		case "summary":
			return d.str(field, &m.Summary)
		case "body":
			return d.str(field, &m.Body)
		case "category":
			return d.str(field, &m.Category)
		case "tags":
			return d.array(field, func(elemField string) *issue {
				var s string
				if is := d.str(elemField, &s); is != nil {
					return is
				}
				m.Tags = append(m.Tags, s)
				return nil
			})
		case "sources":
			return d.array(field, func(elemField string) *issue {
				var s Source
				if is := d.object(elemField, s.decodeMember(d)); is != nil {
					return is
				}
				m.Sources = append(m.Sources, s)
				return nil
			})
		case "media":
			return d.array(field, func(elemField string) *issue {
				var md Media
				if is := d.object(elemField, md.decodeMember(d)); is != nil {
					return is
				}
				m.Media = append(m.Media, md)
				return nil
			})
		case "ai_disclosure":
			return d.str(field, &m.AIDisclosure)
		case "language":
			return d.str(field, &m.Language)
		case "author":
			return d.str(field, &m.Author)
		case "author_name":
			return d.str(field, &m.AuthorName)
		case "created":
			return d.str(field, &m.Created)
		case "previous":
			return d.str(field, &m.Previous)
		}
		return invalid(field, "unknown field")
	}
}

func (s *Source) decodeMember(d *jsonDecoder) func(key, field string) *issue {
	return func(key, field string) *issue {
		switch key {
		case "name":
			return d.str(field, &s.Name)
		case "url":
			return d.str(field, &s.URL)
		}
		return invalid(field, "unknown field")
	}
}

func (md *Media) decodeMember(d *jsonDecoder) func(key, field string) *issue {
	return func(key, field string) *issue {
		switch key {
		case "cid":
			return d.str(field, &md.CID)
		case "role":
			return d.str(field, &md.Role)
		case "mime_type":
			return d.str(field, &md.MIMEType)
		case "size":
			return d.integer(field, &md.Size)
		case "alt":
			return d.str(field, &md.Alt)
		case "digital_source_type":
			return d.str(field, &md.DigitalSourceType)
		}
		return invalid(field, "unknown field")
	}
}

// jsonDecoder walks the token stream of encoding/json with the manifest's shape
// in hand, so that every type error names its field with indexes
// ("media[1].size: want integer, got string"), duplicate keys are caught
// (encoding/json keeps the last one silently), and nothing unexpected is
// skipped over.
type jsonDecoder struct {
	dec     *json.Decoder
	started bool // a token was read: io.EOF now means a truncated document
}

func (d *jsonDecoder) token() (json.Token, *issue) {
	t, err := d.dec.Token()
	if err == nil {
		d.started = true
		return t, nil
	}
	var syntax *json.SyntaxError
	switch {
	case errors.Is(err, io.EOF) && !d.started:
		return nil, invalid("", "invalid JSON: empty document")
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return nil, invalid("", "invalid JSON: unexpected end of document")
	case errors.As(err, &syntax):
		return nil, invalid("", "invalid JSON at byte offset %d: %s", syntax.Offset, syntax.Error())
	}
	return nil, invalid("", "invalid JSON: %v", err)
}

func (d *jsonDecoder) open(field string, delim json.Delim, want string) *issue {
	t, is := d.token()
	if is != nil {
		return is
	}
	if t != delim {
		return invalid(field, "want %s, got %s", want, describeToken(t))
	}
	return nil
}

// object decodes an object whose members member decodes, rejecting duplicates.
func (d *jsonDecoder) object(field string, decode func(key, field string) *issue) *issue {
	if is := d.open(field, '{', "object"); is != nil {
		return is
	}
	seen := make(map[string]bool)
	for d.dec.More() {
		t, is := d.token()
		if is != nil {
			return is
		}
		key, _ := t.(string) // inside an object, encoding/json only yields string keys
		keyField := member(field, key)
		if seen[key] {
			return invalid(keyField, "duplicate key")
		}
		seen[key] = true
		if is := decode(key, keyField); is != nil {
			return is
		}
	}
	_, is := d.token() // '}'
	return is
}

func (d *jsonDecoder) array(field string, decode func(elemField string) *issue) *issue {
	if is := d.open(field, '[', "array"); is != nil {
		return is
	}
	for i := 0; d.dec.More(); i++ {
		if is := decode(elem(field, i)); is != nil {
			return is
		}
	}
	_, is := d.token() // ']'
	return is
}

func (d *jsonDecoder) str(field string, dst *string) *issue {
	t, is := d.token()
	if is != nil {
		return is
	}
	s, ok := t.(string)
	if !ok {
		return invalid(field, "want string, got %s", describeToken(t))
	}
	*dst = s
	return nil
}

// maxSafeInteger is 2^53-1, the largest integer every JSON reader (IEEE-754
// doubles) holds exactly.
const maxSafeInteger = 1<<53 - 1

var integerLiteral = regexp.MustCompile(`^-?(0|[1-9][0-9]*)$`)

func (d *jsonDecoder) integer(field string, dst *int64) *issue {
	t, is := d.token()
	if is != nil {
		return is
	}
	n, ok := t.(json.Number)
	if !ok {
		return invalid(field, "want integer, got %s", describeToken(t))
	}
	if !integerLiteral.MatchString(n.String()) {
		return invalid(field, "want integer, got %s", clip(n.String()))
	}
	v, err := strconv.ParseInt(n.String(), 10, 64)
	if err != nil || v > maxSafeInteger || v < -maxSafeInteger {
		return invalid(field, "%s is outside the safe integer range ±%d", quote(n.String()), int64(maxSafeInteger))
	}
	*dst = v
	return nil
}

func describeToken(t json.Token) string {
	switch v := t.(type) {
	case json.Delim:
		if v == '{' {
			return "object"
		}
		if v == '[' {
			return "array"
		}
		return "end of " + map[json.Delim]string{'}': "object", ']': "array"}[v]
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	case nil:
		return "null"
	}
	return "unknown token"
}
