package level_test

import (
	"strings"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/level"
)

func TestOf(t *testing.T) {
	rules, err := level.DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	for _, tc := range []struct {
		name string
		h    level.History
		want string
	}{
		{"OKNoHistory", level.History{}, ""},
		{"OKFirstArticle", level.History{AnchoredArticles: 1, FirstPublished: now}, "BEGINNER"},
		{"OKContributor", level.History{AnchoredArticles: 5, CountedViews: 100, FirstPublished: now.Add(-7 * day)}, "CONTRIBUTOR"},
		{"OKTooYoung", level.History{AnchoredArticles: 5, CountedViews: 100, FirstPublished: now.Add(-6 * day)}, "BEGINNER"},
		{"OKTooFewViews", level.History{AnchoredArticles: 50, CountedViews: 99, FirstPublished: now.Add(-400 * day)}, "BEGINNER"},
		{"OKEstablished", level.History{AnchoredArticles: 49, CountedViews: 1e6, FirstPublished: now.Add(-400 * day)}, "ESTABLISHED"},
		{"OKExpert", level.History{AnchoredArticles: 50, CountedViews: 10000, FirstPublished: now.Add(-180 * day)}, "EXPERT"},
		{"OKFutureClock", level.History{AnchoredArticles: 5, CountedViews: 100, FirstPublished: now.Add(day)}, "BEGINNER"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, ok := rules.Of(tc.h, now)
			if l.ID != tc.want || ok != (tc.want != "") {
				t.Fatalf("Of(%+v) = %q %v, want %q", tc.h, l.ID, ok, tc.want)
			}
		})
	}
}

func TestParseRules(t *testing.T) {
	for _, tc := range []struct{ name, doc, want string }{
		{"ErrJSON", `{`, "levels:"},
		{"ErrEmpty", `{"levels":[]}`, "no levels"},
		{"ErrNoArticle", `{"levels":[{"id":"A","min_articles":0}]}`, "at least one"},
		{"ErrRepeated", `{"levels":[{"id":"A","min_articles":1},{"id":"A","min_articles":2}]}`, "repeated"},
		{"ErrNegative", `{"levels":[{"id":"A","min_articles":1,"min_views":-1}]}`, "negative"},
		{"ErrDecreasing", `{"levels":[{"id":"A","min_articles":2},{"id":"B","min_articles":1}]}`, "asks for less"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := level.ParseRules([]byte(tc.doc))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}
