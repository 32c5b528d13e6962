// Package search is the pure side of Banx's full-text search: it turns what a
// reader typed into an SQLite FTS5 query that can only ever mean "these
// words", and it describes what a search finds. It does no I/O; the index
// itself lives in package sqlite, and the pages and API in package http.
//
// A reader's text never reaches FTS5 as syntax. FTS5 gives meaning to ", *, ^,
// :, (, ), +, -, NEAR, AND, OR and NOT; Parse keeps only letters, digits and
// combining marks, and writes every word as a double-quoted string, so none of
// those can change the query or make it fail.
package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/banxmedia/banx/internal/banx"
)

// MaxQueryBytes bounds the text of a search: longer input is not a search a
// person typed, and refusing it keeps one request from making FTS5 do
// unbounded work.
const MaxQueryBytes = 256

// MaxTerms bounds the words of a search; every word is one more term that
// every candidate document must match.
const MaxTerms = 16

// Query is a parsed search: the words as typed, and each as FTS5 will read it.
type Query struct {
	// Text is the search as the reader typed it, trimmed.
	Text string
	// Terms are the whitespace-separated words, in order, each reduced to
	// its letters and digits.
	Terms []Term
}

// Term is one whitespace-separated word of a search. Punctuation inside it
// separates tokens, as it does in the indexed text, so "e-mail" is the
// phrase "e mail" and matches where the text has e-mail.
type Term struct {
	// Tokens are the runs of letters, digits and marks of the word.
	Tokens []string
	// Prefix is true when the word ended in '*': its last token then matches
	// any word it begins.
	Prefix bool
}

// Parse reads a search typed by a reader. It fails with EINVALID, and a
// reason a person can act on, when the search is blank, too long, not UTF-8,
// has no letter or digit at all, or has too many words.
func Parse(q string) (Query, error) {
	if len(q) > MaxQueryBytes {
		return Query{}, banx.Errorf(banx.EINVALID, "the search is %d bytes long; at most %d are allowed", len(q), MaxQueryBytes)
	}
	if !utf8.ValidString(q) {
		return Query{}, banx.Errorf(banx.EINVALID, "the search is not valid UTF-8 text")
	}
	text := strings.TrimSpace(q)
	if text == "" {
		return Query{}, banx.Errorf(banx.EINVALID, "the search is empty: type at least one word")
	}
	var terms []Term
	for _, word := range strings.Fields(text) {
		t := Term{Tokens: strings.FieldsFunc(word, func(r rune) bool { return !isTokenRune(r) })}
		if len(t.Tokens) == 0 {
			continue
		}
		t.Prefix = strings.HasSuffix(word, "*") && isTokenRune(lastRune(strings.TrimRight(word, "*")))
		terms = append(terms, t)
	}
	if len(terms) == 0 {
		return Query{}, banx.Errorf(banx.EINVALID, "the search has no letter or digit to look for")
	}
	if len(terms) > MaxTerms {
		return Query{}, banx.Errorf(banx.EINVALID, "the search has %d words; at most %d are allowed", len(terms), MaxTerms)
	}
	return Query{Text: text, Terms: terms}, nil
}

// isTokenRune reports the characters that make up words: the same classes
// SQLite's unicode61 tokenizer keeps (letters, digits, marks), so what the
// query asks for is what the index holds.
func isTokenRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

// FTS returns the query in FTS5 syntax: every term a double-quoted string
// (a phrase when the word held punctuation), all of them required. The
// strings hold only letters, digits, marks and spaces, so no quote can close
// early and no operator can appear.
func (q Query) FTS() string {
	var b strings.Builder
	for i, t := range q.Terms {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte('"')
		b.WriteString(strings.Join(t.Tokens, " "))
		b.WriteByte('"')
		if t.Prefix {
			b.WriteByte('*')
		}
	}
	return b.String()
}
