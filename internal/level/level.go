// Package level computes an author's level (the badge next to a byline) from
// verifiable history only: anchored articles, counted views and account age.
// It is pure: the rules come from contracts/levels.json and the history from
// the caller, so the same history always gives the same badge.
package level

import (
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/banxmedia/banx/contracts"
)

// History is what an author has done on Banx that anyone can check: the
// articles anchored on the ledger, the views the view ledger counted for them,
// and when the first of them was published.
type History struct {
	AnchoredArticles int
	CountedViews     int64
	FirstPublished   time.Time // zero when the author has published nothing
}

// Level is one rung of contracts/levels.json.
type Level struct {
	ID          string `json:"id"`   // e.g. "BEGINNER", shown on the badge
	Name        string `json:"name"` // e.g. "Beginner", for prose
	MinArticles int    `json:"min_articles"`
	MinViews    int64  `json:"min_views"`
	MinAgeDays  int    `json:"min_age_days"`
}

// Rules are the levels from lowest to highest.
type Rules struct {
	Version int     `json:"version"`
	Levels  []Level `json:"levels"`
}

// ParseRules reads and checks a levels document: at least one level, ids
// unique and non-empty, thresholds non-negative and never decreasing, and a
// first level that asks for at least one article (no badge without history).
func ParseRules(data []byte) (Rules, error) {
	var r Rules
	if err := json.Unmarshal(data, &r); err != nil {
		return Rules{}, fmt.Errorf("levels: %w", err)
	}
	if len(r.Levels) == 0 {
		return Rules{}, fmt.Errorf("levels: no levels")
	}
	if r.Levels[0].MinArticles < 1 {
		return Rules{}, fmt.Errorf("levels: the first level %q must ask for at least one anchored article", r.Levels[0].ID)
	}
	seen := map[string]bool{}
	for i, l := range r.Levels {
		if l.ID == "" || seen[l.ID] {
			return Rules{}, fmt.Errorf("levels: level %d has an empty or repeated id %q", i, l.ID)
		}
		seen[l.ID] = true
		if l.MinArticles < 0 || l.MinViews < 0 || l.MinAgeDays < 0 {
			return Rules{}, fmt.Errorf("levels: level %q has a negative threshold", l.ID)
		}
		if i > 0 {
			p := r.Levels[i-1]
			if l.MinArticles < p.MinArticles || l.MinViews < p.MinViews || l.MinAgeDays < p.MinAgeDays {
				return Rules{}, fmt.Errorf("levels: level %q asks for less than %q below it", l.ID, p.ID)
			}
		}
	}
	return r, nil
}

// DefaultRules are the rules of contracts/levels.json, parsed once. The bytes
// are part of the binary, so an error is a build defect that every caller sees.
var DefaultRules = sync.OnceValues(func() (Rules, error) { return ParseRules(contracts.LevelsJSON) })

// Of returns the highest level whose every threshold h meets at time now, and
// false when h meets none (an author with no anchored article has no badge).
func (r Rules) Of(h History, now time.Time) (Level, bool) {
	ageDays := 0
	if !h.FirstPublished.IsZero() && now.After(h.FirstPublished) {
		ageDays = int(now.Sub(h.FirstPublished) / (24 * time.Hour))
	}
	var got Level
	ok := false
	for _, l := range r.Levels {
		if h.AnchoredArticles < l.MinArticles || h.CountedViews < l.MinViews || ageDays < l.MinAgeDays {
			break
		}
		got, ok = l, true
	}
	return got, ok
}
