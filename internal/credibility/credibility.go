// Package credibility computes the Credibility Score shown on article pages:
// Banx's assessment of how much of an article a reader can check for
// themselves (a validated anchor, a matching hash, the author's signature,
// listed sources, AI disclosure, the author's history). It says nothing about
// whether the article is true. The package is pure: the rules come from
// contracts/credibility.json and the facts from the caller.
package credibility

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/banxmedia/banx/contracts"
)

// Signal ids, as in contracts/credibility.json.
const (
	AnchorValidated = "anchor.validated"
	ContentHash     = "content.hash"
	AuthorSignature = "author.signature"
	SourcesListed   = "sources.listed"
	SourcesNews     = "sources.news"
	AIDisclosure    = "ai.disclosure"
	AuthorHistory   = "author.history"
)

// Rule is one signal's rule: its points and the reader-facing explanations.
type Rule struct {
	ID          string         `json:"id"`
	Label       string         `json:"label"`
	Points      int            `json:"points"`
	Pass        string         `json:"pass"`
	Fail        string         `json:"fail"`
	MinCount    int            `json:"min_count,omitempty"`    // sources.listed
	LevelPoints map[string]int `json:"level_points,omitempty"` // author.history
}

// Rules is the parsed contracts/credibility.json.
type Rules struct {
	Version     int      `json:"version"`
	Max         int      `json:"max"`
	Signals     []Rule   `json:"signals"`
	NewsOutlets []string `json:"news_outlets"`
}

// known lists the signals Score understands; a rules document must define
// each exactly once, so a typo cannot silently drop a signal.
var known = []string{AnchorValidated, ContentHash, AuthorSignature, SourcesListed, SourcesNews, AIDisclosure, AuthorHistory}

// ParseRules reads and checks a rules document: every known signal once, no
// other, points that sum to max, and level points within the signal's points.
func ParseRules(data []byte) (Rules, error) {
	var r Rules
	if err := json.Unmarshal(data, &r); err != nil {
		return Rules{}, fmt.Errorf("credibility rules: %w", err)
	}
	if r.Max <= 0 {
		return Rules{}, fmt.Errorf("credibility rules: max must be positive, got %d", r.Max)
	}
	seen, sum := map[string]bool{}, 0
	for _, s := range r.Signals {
		if seen[s.ID] {
			return Rules{}, fmt.Errorf("credibility rules: signal %q appears twice", s.ID)
		}
		seen[s.ID] = true
		if s.Points < 0 {
			return Rules{}, fmt.Errorf("credibility rules: signal %q has negative points", s.ID)
		}
		for lvl, p := range s.LevelPoints {
			if p < 0 || p > s.Points {
				return Rules{}, fmt.Errorf("credibility rules: level %s of %q gives %d points, outside 0..%d", lvl, s.ID, p, s.Points)
			}
		}
		sum += s.Points
	}
	for _, id := range known {
		if !seen[id] {
			return Rules{}, fmt.Errorf("credibility rules: signal %q is missing", id)
		}
	}
	if len(seen) != len(known) {
		return Rules{}, fmt.Errorf("credibility rules: %d signals, want exactly %v", len(seen), known)
	}
	if sum != r.Max {
		return Rules{}, fmt.Errorf("credibility rules: points sum to %d, not max %d", sum, r.Max)
	}
	return r, nil
}

// DefaultRules are the rules of contracts/credibility.json, parsed once. The
// bytes are part of the binary, so an error is a build defect.
var DefaultRules = sync.OnceValues(func() (Rules, error) { return ParseRules(contracts.CredibilityJSON) })

// Facts are what the caller established about one article version.
type Facts struct {
	AnchorValidated bool     // its anchor transaction is in a validated ledger with tesSUCCESS
	ContentMatches  bool     // its manifest bytes hash to the anchored SHA-256 and CID
	SignatureValid  bool     // the author's key signed it (tx or batch leaf)
	SourceURLs      []string // the manifest's source URLs, in order
	AIMedia         bool     // some image is marked as made by generative AI
	AIDisclosed     bool     // the manifest carries an AI disclosure
	AuthorLevel     string   // the author's level id (internal/level), "" for none
}

// Signal is one line of the breakdown: what was checked, the points earned
// out of the points possible, and why.
type Signal struct {
	ID     string
	Label  string
	Points int
	Max    int
	Passed bool // earned every point
	Why    string
}

// Score is a total with its breakdown, in the order of the rules.
type Score struct {
	Total   int
	Max     int
	Signals []Signal
}

// Score computes the score of an article from its facts.
func (r Rules) Score(f Facts) Score {
	out := Score{Max: r.Max, Signals: make([]Signal, 0, len(r.Signals))}
	for _, rule := range r.Signals {
		s := Signal{ID: rule.ID, Label: rule.Label, Max: rule.Points}
		switch rule.ID {
		case AnchorValidated:
			s.Points = all(f.AnchorValidated, rule.Points)
		case ContentHash:
			s.Points = all(f.ContentMatches, rule.Points)
		case AuthorSignature:
			s.Points = all(f.SignatureValid, rule.Points)
		case SourcesListed:
			n, need := len(f.SourceURLs), max(rule.MinCount, 1)
			s.Points = rule.Points * min(n, need) / need
			s.Why = fmt.Sprintf("%d listed; %d or more earn every point.", n, need)
		case SourcesNews:
			news := r.NewsCount(f.SourceURLs)
			if len(f.SourceURLs) > 0 {
				s.Points = rule.Points * news / len(f.SourceURLs)
			}
			s.Why = fmt.Sprintf("%d of %d sources are known news outlets.", news, len(f.SourceURLs))
		case AIDisclosure:
			s.Points = all(!f.AIMedia || f.AIDisclosed, rule.Points)
			if f.AIMedia && f.AIDisclosed {
				s.Why = "AI-generated images are disclosed."
			} else if !f.AIMedia {
				s.Why = "No image is marked as AI-generated."
			}
		case AuthorHistory:
			s.Points = rule.LevelPoints[f.AuthorLevel]
			if f.AuthorLevel != "" {
				s.Why = fmt.Sprintf("Author level %s.", f.AuthorLevel)
			}
		}
		s.Passed = s.Points == s.Max
		explain := rule.Fail
		if s.Points > 0 {
			explain = rule.Pass
		}
		s.Why = strings.TrimSpace(explain + " " + s.Why)
		out.Total += s.Points
		out.Signals = append(out.Signals, s)
	}
	return out
}

func all(ok bool, points int) int {
	if ok {
		return points
	}
	return 0
}

// NewsCount returns how many of urls point at a known news outlet: the host,
// without "www.", equals an outlet's domain or is a subdomain of it.
func (r Rules) NewsCount(urls []string) int {
	n := 0
	for _, raw := range urls {
		if r.IsNewsOutlet(raw) {
			n++
		}
	}
	return n
}

// IsNewsOutlet reports whether an absolute http(s) URL points at a known news
// outlet. Look-alike hosts (bbc.com.evil.example, notbbc.com) do not count.
func (r Rules) IsNewsOutlet(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return false
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	for _, d := range r.NewsOutlets {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}
