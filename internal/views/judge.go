package views

import "time"

// Attempt is one beacon as the Judge sees it: the token's claims, whether they
// failed verification, who sent it (by hash) and what kind of agent.
type Attempt struct {
	At         time.Time // when the beacon is decided (the record's time)
	Claims     Claims
	Forged     bool   // from Keys.VerifyToken
	ReaderHash string // from Keys.ReaderHash; "" when the beacon had no cookie
	NetHash    string // from Keys.NetHash
	Bot        bool   // from DetectBot, or the page reported automation
}

// Judge applies the decision rules. It remembers, in memory, what the last
// Window of decisions did: tokens used, views counted per reader, network and
// article, and rate-limit state. It is not safe for concurrent use: decisions
// must be taken one at a time in the order they are recorded, which is what
// makes "one counted view per reader per article" exact under concurrency.
// After a restart, Observe replays the recorded decisions of the last Window;
// only the rate limiters start afresh.
type Judge struct {
	p           Policy
	used        map[string]int64 // token id -> unix nanos after which it can be forgotten
	seen        map[readerArticle]int64
	readers     map[string][]int64 // counted view times per reader
	nets        map[string][]int64 // counted view times per network prefix
	netArticles map[netArticle][]int64
	readerRate  map[string]int64 // GCRA theoretical arrival time per reader
	netRate     map[string]int64 // ... per network prefix
	recordRate  map[string]int64 // ... of recorded beacons per network prefix
	lastSweep   int64
}

type readerArticle struct {
	reader  string
	article int64
}

type netArticle struct {
	net     string
	article int64
}

// NewJudge returns a Judge with no history. The policy must be valid.
func NewJudge(p Policy) *Judge {
	return &Judge{
		p:           p,
		used:        map[string]int64{},
		seen:        map[readerArticle]int64{},
		readers:     map[string][]int64{},
		nets:        map[string][]int64{},
		netArticles: map[netArticle][]int64{},
		readerRate:  map[string]int64{},
		netRate:     map[string]int64{},
		recordRate:  map[string]int64{},
	}
}

// Policy returns the thresholds the Judge applies.
func (j *Judge) Policy() Policy { return j.p }

// Decide returns the reason for one attempt and remembers its effect. The checks
// run from the cheapest and most certain (the token itself) to the ones that
// depend on history, and the first that fails names the reason. A token is
// spent by any decision past the token checks, so an early beacon may be sent
// again after the dwell time but no token counts, or is filtered, twice.
func (j *Judge) Decide(a Attempt) Reason {
	now := a.At.UnixNano()
	j.sweep(now)
	age := a.At.Sub(a.Claims.IssuedAt)
	switch {
	case a.Forged, a.ReaderHash == "", age < -j.p.ClockSkew:
		return BadToken
	case age > j.p.TokenTTL:
		return Expired
	case age < j.p.Dwell:
		return Early
	}
	id := a.Claims.ID()
	if _, ok := j.used[id]; ok {
		return Replayed
	}
	j.used[id] = a.Claims.IssuedAt.Add(j.p.TokenTTL + j.p.ClockSkew).UnixNano()
	if a.Bot {
		return Bot
	}
	if !allow(j.readerRate, a.ReaderHash, now, j.p.ReaderRate) || !allow(j.netRate, a.NetHash, now, j.p.NetRate) {
		return RateLimited
	}
	window := int64(j.p.Window)
	ra := readerArticle{a.ReaderHash, a.Claims.ArticleID}
	if t, ok := j.seen[ra]; ok && now-t < window {
		return Duplicate
	}
	na := netArticle{a.NetHash, a.Claims.ArticleID}
	since := now - window
	if count(j.readers, a.ReaderHash, since) >= j.p.ReaderCap ||
		count(j.nets, a.NetHash, since) >= j.p.NetCap ||
		count(j.netArticles, na, since) >= j.p.NetArticleCap {
		return Capped
	}
	j.count(ra, na, now)
	return Counted
}

// Admit reports whether a beacon from network netHash at time at may be
// recorded at all (Policy.RecordRate). A beacon not admitted is refused before
// any decision, leaving no record and spending nothing.
func (j *Judge) Admit(netHash string, at time.Time) bool {
	return allow(j.recordRate, netHash, at.UnixNano(), j.p.RecordRate)
}

// Observe replays a recorded decision, so a Judge rebuilt at start-up filters
// replays, duplicates and capped views as the one before it did. Records must be
// observed in id order.
func (j *Judge) Observe(r *Record) {
	now := r.RecordedAt.UnixNano()
	j.sweep(now)
	switch r.Reason {
	case BadToken, Expired, Early:
		return
	}
	if r.TokenID != "" {
		j.used[r.TokenID] = r.RecordedAt.Add(j.p.TokenTTL + j.p.ClockSkew).UnixNano()
	}
	if r.Counted {
		j.count(readerArticle{r.ReaderHash, r.ArticleID}, netArticle{r.NetHash, r.ArticleID}, now)
	}
}

func (j *Judge) count(ra readerArticle, na netArticle, now int64) {
	j.seen[ra] = now
	j.readers[ra.reader] = append(j.readers[ra.reader], now)
	j.nets[na.net] = append(j.nets[na.net], now)
	j.netArticles[na] = append(j.netArticles[na], now)
}

// count drops the times of m[key] before since and returns how many remain.
// Times are appended in decision order, so the old ones are at the front.
func count[K comparable](m map[K][]int64, key K, since int64) int {
	ts := m[key]
	i := 0
	for i < len(ts) && ts[i] < since {
		i++
	}
	if i > 0 {
		ts = append(ts[:0], ts[i:]...)
		m[key] = ts
	}
	return len(ts)
}

// allow is the generic cell rate algorithm: it admits r.Events at once, then one
// every r.Per/r.Events, and charges key only when it admits.
func allow(tat map[string]int64, key string, now int64, r Rate) bool {
	interval := int64(r.Per) / int64(r.Events)
	t, ok := tat[key]
	if !ok || t < now {
		t = now
	}
	if t-now > int64(r.Per)-interval {
		return false
	}
	tat[key] = t + interval
	return true
}

// sweepEvery bounds how often the Judge forgets expired state: often enough to
// bound memory to about one Window of traffic, rarely enough to cost nothing.
const sweepEvery = int64(time.Minute)

func (j *Judge) sweep(now int64) {
	if now-j.lastSweep < sweepEvery {
		return
	}
	j.lastSweep = now
	since := now - int64(j.p.Window)
	for id, until := range j.used {
		if until < now {
			delete(j.used, id)
		}
	}
	for k, t := range j.seen {
		if t < since {
			delete(j.seen, k)
		}
	}
	for k := range j.readers {
		if count(j.readers, k, since) == 0 {
			delete(j.readers, k)
		}
	}
	for k := range j.nets {
		if count(j.nets, k, since) == 0 {
			delete(j.nets, k)
		}
	}
	for k := range j.netArticles {
		if count(j.netArticles, k, since) == 0 {
			delete(j.netArticles, k)
		}
	}
	for k, t := range j.readerRate {
		if t < now {
			delete(j.readerRate, k)
		}
	}
	for k, t := range j.netRate {
		if t < now {
			delete(j.netRate, k)
		}
	}
	for k, t := range j.recordRate {
		if t < now {
			delete(j.recordRate, k)
		}
	}
}
