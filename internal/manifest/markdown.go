package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// ParseMarkdown reads an article file, the input of `banx publish ARTICLE.md`,
// and returns its validated manifest. The file is UTF-8 with LF line endings; it
// opens with YAML front matter between two "---" lines carrying the manifest
// fields (title, summary, category, tags, sources, media, ai_disclosure,
// language, author, author_name, created, previous and optionally schema, with the JSON names
// and shapes), and the rest is the Markdown body, without the white space at its
// two ends. Reading is as strict as Parse: unknown or duplicate keys, values of
// the wrong YAML type (quote a title that looks like a number), nulls, anchors and
// aliases are refused, and every error names the file line that holds the field.
func ParseMarkdown(r io.Reader) (Manifest, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxMarkdownBytes+1))
	if err != nil {
		return Manifest{}, fmt.Errorf("read article: %w", err)
	}
	if len(data) > MaxMarkdownBytes {
		return Manifest{}, tooLarge("", "more than %d bytes", MaxMarkdownBytes).err("markdown")
	}
	m, is := parseMarkdown(data)
	if is != nil {
		return Manifest{}, is.err("markdown")
	}
	return m, nil
}

func parseMarkdown(data []byte) (Manifest, *issue) {
	var m Manifest
	if !utf8.Valid(data) {
		return m, atFileLine(invalid("", "invalid UTF-8"), lineOf(data, invalidUTF8Offset(data)))
	}
	if bytes.HasPrefix(data, []byte("\uFEFF")) {
		return m, atFileLine(invalid("", "byte order mark not allowed, save the file as UTF-8 without one"), 1)
	}
	if i := bytes.IndexByte(data, '\r'); i >= 0 {
		return m, atFileLine(invalid("", "carriage return not allowed, save the file with LF line endings"), lineOf(data, i))
	}
	front, body, bodyLine, is := splitFrontMatter(data)
	if is != nil {
		return m, is
	}
	lines := map[string]int{}
	if is := decodeFrontMatter(front, &m, lines); is != nil {
		return m, is
	}
	if m.Schema == "" {
		m.Schema = Version
	}
	m.Body = body
	if is := m.validate(); is != nil {
		if is.field == "body" {
			return m, atFileLine(is, bodyLine+max(is.line, 1)-1)
		}
		return m, atFileLine(is, fieldLine(lines, is.field))
	}
	return m, nil
}

func atFileLine(is *issue, line int) *issue {
	is.fileLine = line
	is.line = 0
	return is
}

// lineOf is the 1-based line of data holding byte offset i.
func lineOf(data []byte, i int) int { return 1 + bytes.Count(data[:i], []byte("\n")) }

// fieldLine finds the line of a field, or of its nearest enclosing field that
// has one ("media[1].size" falls back to "media[1]", then "media"); a field
// that is absent points at the front matter's first line.
func fieldLine(lines map[string]int, field string) int {
	for field != "" {
		if l, ok := lines[field]; ok {
			return l
		}
		cut := strings.LastIndexAny(field, ".[")
		if cut < 0 {
			break
		}
		field = field[:cut]
	}
	return 1
}

// splitFrontMatter returns the front matter text, the body (trimmed of white
// space at both ends) and the file line on which the trimmed body starts.
func splitFrontMatter(data []byte) (front []byte, body string, bodyLine int, is *issue) {
	const delim = "---"
	first, rest, _ := bytes.Cut(data, []byte("\n"))
	if string(first) != delim {
		return nil, "", 0, atFileLine(invalid("front matter", `want "---" alone on the first line`), 1)
	}
	offset := len(first) + 1
	for line := 2; offset <= len(data) && len(rest) > 0; line++ {
		text, after, found := bytes.Cut(rest, []byte("\n"))
		if string(text) == delim {
			front = data[len(first)+1 : offset]
			if len(front) > MaxFrontMatterBytes {
				return nil, "", 0, atFileLine(tooLarge("front matter", "%d bytes, max %d", len(front), MaxFrontMatterBytes), 1)
			}
			raw := ""
			if found {
				raw = string(after)
			}
			trimmed := strings.TrimLeftFunc(raw, unicode.IsSpace)
			bodyLine = line + 1
			if trimmed != "" {
				bodyLine += strings.Count(raw[:len(raw)-len(trimmed)], "\n")
			}
			return front, strings.TrimRightFunc(trimmed, unicode.IsSpace), bodyLine, nil
		}
		offset += len(text) + 1
		rest = after
	}
	return nil, "", 0, atFileLine(invalid("front matter", `not closed, want a line "---" after it`), 1)
}

var yamlLinePrefix = regexp.MustCompile(`^yaml: line ([0-9]+): `)

// yamlParserError matches the messages of yaml's parser (not its scanner):
// those carry a 0-based line, the scanner's a 1-based one.
var yamlParserError = regexp.MustCompile(`^did not find expected (key|node content|'-' indicator|',' or '\]'|',' or '\}'|<document start>)`)

// decodeFrontMatter fills m from the YAML front matter and records in lines the
// file line of every field it meets. Front matter starts on file line 2.
func decodeFrontMatter(front []byte, m *Manifest, lines map[string]int) *issue {
	dec := yaml.NewDecoder(bytes.NewReader(front))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil // empty front matter: Validate names the first missing field
		}
		msg := err.Error()
		line := 1
		if sm := yamlLinePrefix.FindStringSubmatch(msg); sm != nil {
			n, _ := strconv.Atoi(sm[1])
			msg = msg[len(sm[0]):]
			line = n + 1 // the front matter starts on file line 2
			if yamlParserError.MatchString(msg) {
				line++
			}
		}
		return atFileLine(invalid("front matter", "%s", strings.TrimPrefix(msg, "yaml: ")), line)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return atFileLine(invalid("front matter", "more than one YAML document"), 1)
	}
	if len(doc.Content) == 0 {
		return nil
	}
	y := yamlDecoder{lines: lines}
	return y.mapping(doc.Content[0], "", m.yamlMember(&y))
}

// yamlMember decodes one front matter key into *m.
func (m *Manifest) yamlMember(y *yamlDecoder) func(key, field string, n *yaml.Node) *issue {
	return func(key, field string, n *yaml.Node) *issue {
		switch key {
		case "schema":
			return y.str(n, field, &m.Schema, false)
		case "title":
			return y.str(n, field, &m.Title, false)
		case "summary":
			return y.str(n, field, &m.Summary, false)
		case "category":
			return y.str(n, field, &m.Category, false)
		case "tags":
			return y.sequence(n, field, func(e *yaml.Node, ef string) *issue {
				var s string
				if is := y.str(e, ef, &s, false); is != nil {
					return is
				}
				m.Tags = append(m.Tags, s)
				return nil
			})
		case "sources":
			return y.sequence(n, field, func(e *yaml.Node, ef string) *issue {
				var s Source
				if is := y.mapping(e, ef, func(key, field string, n *yaml.Node) *issue {
					switch key {
					case "name":
						return y.str(n, field, &s.Name, false)
					case "url":
						return y.str(n, field, &s.URL, false)
					}
					return y.unknown(n, field)
				}); is != nil {
					return is
				}
				m.Sources = append(m.Sources, s)
				return nil
			})
		case "media":
			return y.sequence(n, field, func(e *yaml.Node, ef string) *issue {
				var md Media
				if is := y.mapping(e, ef, md.yamlMember(y)); is != nil {
					return is
				}
				m.Media = append(m.Media, md)
				return nil
			})
		case "ai_disclosure":
			return y.str(n, field, &m.AIDisclosure, false)
		case "language":
			return y.str(n, field, &m.Language, false)
		case "author":
			return y.str(n, field, &m.Author, false)
		case "author_name":
			return y.str(n, field, &m.AuthorName, false)
		case "created":
			return y.str(n, field, &m.Created, true)
		case "previous":
			return y.str(n, field, &m.Previous, false)
		case "body":
			return atFileLine(invalid(field, "not allowed in the front matter, the body follows it"), y.line(n))
		}
		return y.unknown(n, field)
	}
}

func (md *Media) yamlMember(y *yamlDecoder) func(key, field string, n *yaml.Node) *issue {
	return func(key, field string, n *yaml.Node) *issue {
		switch key {
		case "cid":
			return y.str(n, field, &md.CID, false)
		case "role":
			return y.str(n, field, &md.Role, false)
		case "mime_type":
			return y.str(n, field, &md.MIMEType, false)
		case "size":
			return y.integer(n, field, &md.Size)
		case "alt":
			return y.str(n, field, &md.Alt, false)
		case "digital_source_type":
			return y.str(n, field, &md.DigitalSourceType, false)
		}
		return y.unknown(n, field)
	}
}

// yamlDecoder walks a yaml.Node tree with the manifest's shape in hand, the
// YAML twin of jsonDecoder, converting node lines to file lines.
type yamlDecoder struct {
	lines map[string]int
}

// line converts a front matter line to a file line: the front matter starts
// after the opening "---".
func (y *yamlDecoder) line(n *yaml.Node) int { return n.Line + 1 }

func (y *yamlDecoder) unknown(n *yaml.Node, field string) *issue {
	return atFileLine(invalid(field, "unknown key"), y.line(n))
}

// plain rejects what YAML offers beyond JSON's data model and the manifest
// needs none of: aliases and anchors (which also rule out alias bombs) and tags.
func (y *yamlDecoder) plain(n *yaml.Node, field string) *issue {
	switch {
	case n.Kind == yaml.AliasNode:
		return atFileLine(invalid(field, "aliases not allowed"), y.line(n))
	case n.Anchor != "":
		return atFileLine(invalid(field, "anchors not allowed"), y.line(n))
	}
	return nil
}

func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "sequence"
	}
	return fmt.Sprintf("%s %s", n.ShortTag(), clip(n.Value))
}

func (y *yamlDecoder) mapping(n *yaml.Node, field string, decode func(key, field string, n *yaml.Node) *issue) *issue {
	if is := y.plain(n, field); is != nil {
		return is
	}
	where := field
	if where == "" {
		where = "front matter"
	}
	if n.Kind != yaml.MappingNode {
		return atFileLine(invalid(where, "want mapping, got %s", describeNode(n)), y.line(n))
	}
	seen := make(map[string]bool)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.ShortTag() != "!!str" {
			return atFileLine(invalid(where, "keys must be strings, got %s", describeNode(k)), y.line(k))
		}
		keyField := member(field, k.Value)
		if seen[k.Value] {
			return atFileLine(invalid(keyField, "duplicate key"), y.line(k))
		}
		seen[k.Value] = true
		y.lines[keyField] = y.line(k)
		if is := decode(k.Value, keyField, v); is != nil {
			return is
		}
	}
	return nil
}

func (y *yamlDecoder) sequence(n *yaml.Node, field string, decode func(e *yaml.Node, elemField string) *issue) *issue {
	if is := y.plain(n, field); is != nil {
		return is
	}
	if n.Kind != yaml.SequenceNode {
		return atFileLine(invalid(field, "want sequence, got %s", describeNode(n)), y.line(n))
	}
	for i, e := range n.Content {
		ef := elem(field, i)
		y.lines[ef] = y.line(e)
		if is := decode(e, ef); is != nil {
			return is
		}
	}
	return nil
}

// str decodes a string. A plain scalar that YAML reads as another type (a
// number, a boolean, a date) is refused rather than converted, so that "title:
// 1984" is not silently the string YAML happened to print; quote such values.
// timestamp admits an unquoted RFC 3339 time, for created.
func (y *yamlDecoder) str(n *yaml.Node, field string, dst *string, timestamp bool) *issue {
	if is := y.plain(n, field); is != nil {
		return is
	}
	tag := n.ShortTag()
	switch {
	case n.Kind != yaml.ScalarNode:
		return atFileLine(invalid(field, "want string, got %s", describeNode(n)), y.line(n))
	case tag == "!!null":
		return atFileLine(invalid(field, "no value, give one or remove the key"), y.line(n))
	case tag != "!!str" && !(timestamp && tag == "!!timestamp"):
		return atFileLine(invalid(field, "want string, got %s (quote it)", describeNode(n)), y.line(n))
	}
	*dst = n.Value
	return nil
}

var yamlInteger = regexp.MustCompile(`^(0|[1-9][0-9]*)$`)

func (y *yamlDecoder) integer(n *yaml.Node, field string, dst *int64) *issue {
	if is := y.plain(n, field); is != nil {
		return is
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || !yamlInteger.MatchString(n.Value) {
		return atFileLine(invalid(field, "want integer, got %s", describeNode(n)), y.line(n))
	}
	v, err := strconv.ParseInt(n.Value, 10, 64)
	if err != nil || v > maxSafeInteger {
		return atFileLine(invalid(field, "%s is outside the safe integer range ±%d", quote(n.Value), int64(maxSafeInteger)), y.line(n))
	}
	*dst = v
	return nil
}
