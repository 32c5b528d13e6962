package manifest

import (
	"fmt"

	"github.com/banxmedia/banx/internal/banx"
)

// issue is one reason a manifest is rejected. It keeps the field path apart
// from the reason so that ParseMarkdown can point at the line that holds the
// field, while Validate and Parse print it as "field: reason".
type issue struct {
	code  string // banx.EINVALID or banx.ETOOLARGE
	field string // e.g. "sources[2].url"; "" for the document as a whole
	line  int    // line inside a multi-line field (the body), or 0
	msg   string

	fileLine int // line of the article file that holds the field (ParseMarkdown), or 0
}

func invalid(field, format string, args ...any) *issue {
	return &issue{code: banx.EINVALID, field: field, msg: fmt.Sprintf(format, args...)}
}

func tooLarge(field, format string, args ...any) *issue {
	return &issue{code: banx.ETOOLARGE, field: field, msg: fmt.Sprintf(format, args...)}
}

// message is the caller-safe text: "sources[2].url: scheme ..."; for the body,
// "body: line 3: control character U+0007 not allowed"; for an article file,
// "line 9: sources[2].url: scheme ...".
func (i *issue) message(document string) string {
	field := i.field
	if field == "" {
		field = document
	}
	msg := field + ": " + i.msg
	if i.line > 0 {
		msg = fmt.Sprintf("%s: line %d: %s", field, i.line, i.msg)
	}
	if i.fileLine > 0 {
		msg = fmt.Sprintf("line %d: %s", i.fileLine, msg)
	}
	return msg
}

func (i *issue) err(document string) error {
	return &banx.Error{Code: i.code, Message: i.message(document)}
}

// elem and member build field paths: elem("tags", 2) is "tags[2]",
// member("sources[1]", "url") is "sources[1].url".
func elem(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

func member(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
