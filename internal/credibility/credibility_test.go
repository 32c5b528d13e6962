package credibility_test

import (
	"strings"
	"testing"

	"github.com/banxmedia/banx/internal/credibility"
)

var seedSources = []string{"https://www.bbc.com/news", "https://www.theguardian.com/international",
	"https://www.aljazeera.com/", "https://www.reuters.com/", "https://www.nytimes.com/"}

func TestScore(t *testing.T) {
	rules, err := credibility.DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	verified := credibility.Facts{AnchorValidated: true, ContentMatches: true, SignatureValid: true}
	with := func(f func(*credibility.Facts)) credibility.Facts { c := verified; f(&c); return c }
	for _, tc := range []struct {
		name  string
		facts credibility.Facts
		want  int
	}{
		// The seed article by a first-time author scores what its page shows.
		{"OKSeed", with(func(f *credibility.Facts) {
			f.SourceURLs, f.AIMedia, f.AIDisclosed, f.AuthorLevel = seedSources, true, true, "BEGINNER"
		}), 97},
		{"OKExpert", with(func(f *credibility.Facts) { f.SourceURLs, f.AuthorLevel = seedSources, "EXPERT" }), 100},
		{"OKNothing", credibility.Facts{}, 5},
		{"OKUndisclosedAI", with(func(f *credibility.Facts) { f.SourceURLs, f.AIMedia = seedSources, true }), 90},
		{"OKOneSource", with(func(f *credibility.Facts) { f.SourceURLs = seedSources[:1] }), 90},
		{"OKHalfNews", with(func(f *credibility.Facts) {
			f.SourceURLs = []string{"https://www.reuters.com/x", "https://blog.example/y"}
		}), 90},
		{"OKLookAlike", with(func(f *credibility.Facts) {
			f.SourceURLs = []string{"https://bbc.com.evil.example/", "https://notbbc.com/", "javascript:alert(1)//bbc.com"}
		}), 85},
		{"OKUnanchored", with(func(f *credibility.Facts) { f.AnchorValidated = false }), 45},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := rules.Score(tc.facts)
			if s.Total != tc.want || s.Max != 100 || len(s.Signals) != 7 {
				t.Fatalf("Score = %d/%d over %d signals, want %d: %+v", s.Total, s.Max, len(s.Signals), tc.want, s.Signals)
			}
			sum := 0
			for _, sig := range s.Signals {
				if sig.Points < 0 || sig.Points > sig.Max || sig.Why == "" || sig.Label == "" || sig.Passed != (sig.Points == sig.Max) {
					t.Fatalf("signal %+v", sig)
				}
				sum += sig.Points
			}
			if sum != s.Total {
				t.Fatalf("signals sum to %d, total %d", sum, s.Total)
			}
		})
	}
}

func TestParseRules(t *testing.T) {
	for _, tc := range []struct{ name, doc, want string }{
		{"ErrJSON", `[`, "credibility rules"},
		{"ErrMax", `{"max":0}`, "max must be positive"},
		{"ErrMissing", `{"max":10,"signals":[{"id":"anchor.validated","points":10}]}`, "missing"},
		{"ErrTwice", `{"max":10,"signals":[{"id":"anchor.validated","points":5},{"id":"anchor.validated","points":5}]}`, "twice"},
		{"ErrLevelPoints", `{"max":10,"signals":[{"id":"author.history","points":1,"level_points":{"X":2}}]}`, "outside"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := credibility.ParseRules([]byte(tc.doc))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}
