package manifest

import (
	"strings"
	"unicode"
)

// WordsPerMinute is the reading speed behind "N min read": a careful reader of
// news on a screen, slower than the 200-250 often quoted for print. With it the
// seed article's 730 words read in 5 minutes, as its page says.
const WordsPerMinute = 180

// ReadingTime returns the minutes shown as "N min read": the body's words divided
// by WordsPerMinute, rounded up, and at least 1 for a body with any word. A word
// is a run of non-space characters holding at least one letter or digit, so
// Markdown markers and dashes standing alone do not count.
func ReadingTime(body string) int {
	words := 0
	for _, field := range strings.Fields(body) {
		if strings.IndexFunc(field, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
			words++
		}
	}
	return (words + WordsPerMinute - 1) / WordsPerMinute
}
