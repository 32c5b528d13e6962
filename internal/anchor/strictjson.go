package anchor

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// jsonLimits bound the shape of an untrusted JSON document before it is decoded
// into Go values, so a hostile input cannot make the decoder allocate much more
// than its own size or recurse deeply.
type jsonLimits struct {
	maxDepth int // nesting of objects and arrays
	maxArray int // elements in any one array
	// members, when set, lists the member names each object (by JSON path,
	// array indexes written as []) may have. encoding/json matches names
	// case-insensitively, so without this {"Author": ...} would pass as author.
	members map[string][]string
}

// checkJSONShape walks data token by token and rejects what encoding/json would
// silently accept: invalid UTF-8, duplicate object keys (two parsers could
// disagree on which value counts), trailing data, and documents deeper or with
// longer arrays than the limits allow. The reason names the JSON path.
func checkJSONShape(data []byte, lim jsonLimits) error {
	if !utf8.Valid(data) {
		return errors.New("not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := walkValue(dec, "$", 0, lim); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

func walkValue(dec *json.Decoder, path string, depth int, lim jsonLimits) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("%s: malformed JSON: %v", path, syntaxReason(err))
	}
	if tok == nil {
		return fmt.Errorf("%s: null is not allowed: leave an optional member out instead", path)
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	if depth >= lim.maxDepth {
		return fmt.Errorf("%s: nested deeper than %d levels", path, lim.maxDepth)
	}
	switch delim {
	case '{':
		seen := map[string]bool{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return fmt.Errorf("%s: malformed JSON: %v", path, syntaxReason(err))
			}
			key, _ := kt.(string)
			if seen[key] {
				return fmt.Errorf("%s: duplicate key %s", path, quote(key))
			}
			seen[key] = true
			if lim.members != nil && !contains(lim.members[shapePath(path)], key) {
				return fmt.Errorf("%s: unknown member %s", path, quote(key))
			}
			if err := walkValue(dec, path+"."+clipKey(key), depth+1, lim); err != nil {
				return err
			}
		}
	case '[':
		for n := 0; dec.More(); n++ {
			if n >= lim.maxArray {
				return fmt.Errorf("%s: more than %d elements", path, lim.maxArray)
			}
			if err := walkValue(dec, fmt.Sprintf("%s[%d]", path, n), depth+1, lim); err != nil {
				return err
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("%s: malformed JSON: %v", path, syntaxReason(err))
	}
	return nil
}

// syntaxReason drops encoding/json's "json: " prefix noise and keeps the reason.
func syntaxReason(err error) string {
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		return "unexpected end of input"
	}
	return err.Error()
}

// clipKey keeps error paths short when a hostile document uses huge keys.
func clipKey(k string) string {
	if len(k) > 40 {
		return strconv.Quote(k[:40]) + "..."
	}
	return k
}

// shapePath drops array indexes from a path: $.batch.path[3] -> $.batch.path[].
func shapePath(p string) string {
	var b strings.Builder
	skip := false
	for _, r := range p {
		switch {
		case r == '[':
			skip = true
			b.WriteString("[]")
		case r == ']':
			skip = false
		case !skip:
			b.WriteRune(r)
		}
	}
	return b.String()
}
