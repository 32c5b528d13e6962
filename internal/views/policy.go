// Package views decides whether a page view counts and seals every decision into
// a tamper-evident record. Rewards are paid per counted view, so a view must be
// a reader who really read: the article page carries a short-lived token signed
// by the server, the reader's browser returns it after a minimum dwell time, and
// the Judge filters forged, early, expired and replayed tokens, bots, floods,
// repeat views and rings of readers behind one network.
//
// The package is pure: no clock, no storage, no network. Callers pass the time
// in, keep the Judge behind one goroutine, and persist the Records it yields.
//
// Privacy: the reader is a random cookie id and a network prefix (/24 for IPv4,
// /48 for IPv6); both are hashed with keys derived from the server's secret view
// key before they leave this package, and raw IP addresses are never returned.
package views

import (
	"time"

	"github.com/banxmedia/banx/internal/banx"
)

// Reason says why a view was or was not counted. Every beacon that names an
// existing article is recorded with exactly one reason, so operators can see
// what the filters removed.
type Reason string

// Reasons, in the order the Judge checks them (Counted last).
const (
	BadToken    Reason = "bad_token"    // signature invalid, or the token belongs to another reader
	Expired     Reason = "expired"      // token older than the policy's TokenTTL
	Early       Reason = "early"        // beacon sent before the minimum dwell time
	Replayed    Reason = "replayed"     // token already used by an earlier beacon
	Bot         Reason = "bot"          // crawler, script or headless browser
	RateLimited Reason = "rate_limited" // reader or network prefix sends beacons too fast
	Duplicate   Reason = "duplicate"    // the reader already counted for this article in the window
	Capped      Reason = "capped"       // reader, network or network-per-article daily cap reached
	Counted     Reason = "counted"      // a real read: it counts
)

// Reasons lists every reason, in check order; stats report them in this order.
func Reasons() []Reason {
	return []Reason{BadToken, Expired, Early, Replayed, Bot, RateLimited, Duplicate, Capped, Counted}
}

// Valid reports whether r is a known reason.
func (r Reason) Valid() bool {
	for _, k := range Reasons() {
		if r == k {
			return true
		}
	}
	return false
}

// Rate is a sustained limit with a burst: Events per Per, at most Events at once.
type Rate struct {
	Events int
	Per    time.Duration
}

// Policy holds the thresholds of the decision rules. The defaults suit a small
// instance; they are data, not code, so tests and operators can tighten them.
type Policy struct {
	// Dwell is how long a reader must stay before the beacon counts.
	Dwell time.Duration
	// TokenTTL is how long a token stays usable after it is issued.
	TokenTTL time.Duration
	// ClockSkew tolerates tokens issued slightly "in the future" by another
	// server clock; beyond it the token is treated as forged.
	ClockSkew time.Duration
	// Window is the deduplication and cap period: one counted view per reader
	// per article per Window, caps count within the last Window.
	Window time.Duration
	// ReaderRate and NetRate bound how fast one reader and one network prefix
	// may send beacons (all beacons with a genuine token, counted or not).
	ReaderRate, NetRate Rate
	// ReaderCap bounds the counted views of one reader per Window, over all
	// articles: one reader's influence on rewards is bounded.
	ReaderCap int
	// NetCap bounds the counted views from one network prefix per Window.
	NetCap int
	// NetArticleCap bounds the counted views of one article from one network
	// prefix per Window: a ring of cookie ids behind one network is capped.
	NetArticleCap int
	// RecordRate bounds how many beacons from one network prefix are recorded
	// at all. Every decision is recorded, so without it a flood of replays
	// would be written to the append-only table row by row; beyond it beacons
	// are refused unrecorded and only counted in memory.
	RecordRate Rate
}

// DefaultPolicy is what `banx serve` uses unless configured otherwise.
func DefaultPolicy() Policy {
	return Policy{
		Dwell:         10 * time.Second,
		TokenTTL:      time.Hour,
		ClockSkew:     time.Minute,
		Window:        24 * time.Hour,
		ReaderRate:    Rate{Events: 30, Per: time.Minute},
		NetRate:       Rate{Events: 600, Per: time.Minute},
		ReaderCap:     100,
		NetCap:        5000,
		NetArticleCap: 50,
		RecordRate:    Rate{Events: 1200, Per: time.Minute},
	}
}

// Validate checks the policy and names the first bad threshold.
func (p Policy) Validate() error {
	switch {
	case p.Dwell < 0:
		return banx.Errorf(banx.EINVALID, "view dwell must not be negative, got %s", p.Dwell)
	case p.TokenTTL <= p.Dwell:
		return banx.Errorf(banx.EINVALID, "view token lifetime %s must be longer than the dwell time %s", p.TokenTTL, p.Dwell)
	case p.Window < p.TokenTTL:
		// Replay protection is rebuilt from the last Window of records at start.
		return banx.Errorf(banx.EINVALID, "view window %s must be at least the token lifetime %s", p.Window, p.TokenTTL)
	case p.ClockSkew < 0:
		return banx.Errorf(banx.EINVALID, "clock skew must not be negative, got %s", p.ClockSkew)
	case p.ReaderRate.Events < 1 || p.ReaderRate.Per <= 0:
		return banx.Errorf(banx.EINVALID, "reader rate must be at least 1 event per positive period, got %d per %s", p.ReaderRate.Events, p.ReaderRate.Per)
	case p.NetRate.Events < 1 || p.NetRate.Per <= 0:
		return banx.Errorf(banx.EINVALID, "network rate must be at least 1 event per positive period, got %d per %s", p.NetRate.Events, p.NetRate.Per)
	case p.RecordRate.Events < p.NetRate.Events || p.RecordRate.Per <= 0:
		return banx.Errorf(banx.EINVALID, "record rate %d per %s must admit at least the network rate %d per %s", p.RecordRate.Events, p.RecordRate.Per, p.NetRate.Events, p.NetRate.Per)
	case p.ReaderCap < 1 || p.NetCap < 1 || p.NetArticleCap < 1:
		return banx.Errorf(banx.EINVALID, "view caps must be at least 1, got reader %d, network %d, network per article %d", p.ReaderCap, p.NetCap, p.NetArticleCap)
	}
	return nil
}
