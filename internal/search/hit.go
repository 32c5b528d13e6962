package search

import (
	"strings"

	"github.com/banxmedia/banx/internal/banx"
)

// Hit is one article a search found: the article with the published version
// the index holds, and the matched words marked in its title and around its
// matches in the text.
type Hit struct {
	banx.PublishedArticle
	// Title is the version's title with the matched words marked.
	Title []Segment
	// Snippet is a short excerpt around the best matches in the body, or the
	// whole summary when the body does not match (or is not indexed yet).
	Snippet []Segment
	// Summary and Category are the indexed summary and category id; empty
	// until the version's text has been indexed.
	Summary, Category string
}

// Segment is a run of plain text, marked when it is a matched word. Results
// carry text, never HTML: whoever shows them escapes the text and draws the
// mark, so an article's own markup can never reach a page through a snippet.
type Segment struct {
	Text  string `json:"text"`
	Match bool   `json:"match"`
}

// MatchStart and MatchEnd are the markers the index puts around matched
// words in the text it returns. They are control characters that Clean
// removes from every indexed text, so a marker in a result is always one the
// index wrote.
const (
	MatchStart = "\x02"
	MatchEnd   = "\x03"
)

// Marked splits text returned by the index into segments at the markers.
func Marked(s string) []Segment {
	var out []Segment
	match := false
	for s != "" {
		sep := MatchStart
		if match {
			sep = MatchEnd
		}
		before, after, found := strings.Cut(s, sep)
		if before != "" {
			out = append(out, Segment{Text: strings.NewReplacer(MatchStart, "", MatchEnd, "").Replace(before), Match: match})
		}
		if !found {
			break
		}
		s, match = after, !match
	}
	return out
}

// HasMatch reports whether any segment is a matched word.
func HasMatch(segs []Segment) bool {
	for _, s := range segs {
		if s.Match {
			return true
		}
	}
	return false
}

// Clean removes the match markers from text about to be indexed.
func Clean(s string) string {
	if !strings.ContainsAny(s, MatchStart+MatchEnd) {
		return s
	}
	return strings.NewReplacer(MatchStart, " ", MatchEnd, " ").Replace(s)
}
