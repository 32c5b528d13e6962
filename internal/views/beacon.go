package views

import (
	"net/netip"
	"time"
)

// IssuedToken is what an article page receives: the token and when it may be
// sent back (NotBefore, after the dwell time) and until when (ExpiresAt).
type IssuedToken struct {
	Token     string
	ArticleID int64
	IssuedAt  time.Time
	NotBefore time.Time
	ExpiresAt time.Time
}

// Beacon is a reader's report that they read an article, as the web server
// received it. Addr is used only to derive the network hash; it is never stored.
type Beacon struct {
	Token     string
	ReaderID  string // the reader cookie, "" when absent or malformed
	Addr      netip.Addr
	UserAgent string
	SecCHUA   string // Sec-CH-UA client hint
	Webdriver bool   // the page reported navigator.webdriver
}

// Stats is what operators see of the filters: how many beacons were recorded
// with each reason, per UTC day.
type Stats struct {
	From    string           `json:"from"` // first day, YYYY-MM-DD
	To      string           `json:"to"`   // last day, inclusive
	Totals  map[Reason]int64 `json:"totals"`
	Days    []DayStats       `json:"days"`
	Records int64            `json:"records"`   // records in the whole chain
	Head    string           `json:"head_hash"` // hash of the last record
	// Unrecorded counts beacons refused before a record could be attributed to
	// an article (malformed token, unknown article), since the server started.
	Unrecorded map[string]int64 `json:"unrecorded"`
}

// DayStats is one UTC day of Stats.
type DayStats struct {
	Day      string           `json:"day"`
	Counted  int64            `json:"counted"`
	Filtered int64            `json:"filtered"`
	Reasons  map[Reason]int64 `json:"reasons"`
}
