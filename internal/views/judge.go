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
//
// State is kept per reader and per network, one map entry each, because every
// beacon consults both several times: one lookup each instead of one per rule
// is most of what a decision costs on a busy server.
type Judge struct {
	p           Policy
	used        map[string]int64 // token id -> unix nanos after which it can be forgotten
	readers     map[string]*readerState
	nets        map[string]*netState
	netArticles map[netArticle][]int64
	lastSweep   int64
}

// readerState is what the Judge remembers of one reader.
type readerState struct {
	rate    int64         // GCRA theoretical arrival time of ReaderRate; 0 = none
	counted []int64       // times of counted views, oldest first
	seen    []articleView // the last counted view of each article, oldest first
}

// articleView is the time of a reader's last counted view of an article.
type articleView struct {
	article, at int64
}

// netState is what the Judge remembers of one network prefix.
type netState struct {
	rate, recordRate int64   // GCRA theoretical arrival times of NetRate and RecordRate
	counted          []int64 // times of counted views, oldest first
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
		readers:     map[string]*readerState{},
		nets:        map[string]*netState{},
		netArticles: map[netArticle][]int64{},
	}
}

func (j *Judge) reader(hash string) *readerState {
	r := j.readers[hash]
	if r == nil {
		r = &readerState{}
		j.readers[hash] = r
	}
	return r
}

func (j *Judge) net(hash string) *netState {
	n := j.nets[hash]
	if n == nil {
		n = &netState{}
		j.nets[hash] = n
	}
	return n
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
	rs, ns := j.reader(a.ReaderHash), j.net(a.NetHash)
	if !allow(&rs.rate, now, j.p.ReaderRate) || !allow(&ns.rate, now, j.p.NetRate) {
		return RateLimited
	}
	window := int64(j.p.Window)
	since := now - window
	for _, v := range rs.seen {
		if v.article == a.Claims.ArticleID && now-v.at < window {
			return Duplicate
		}
	}
	na := netArticle{a.NetHash, a.Claims.ArticleID}
	if len(prune(&rs.counted, since)) >= j.p.ReaderCap ||
		len(prune(&ns.counted, since)) >= j.p.NetCap ||
		count(j.netArticles, na, since) >= j.p.NetArticleCap {
		return Capped
	}
	j.count(rs, ns, a.Claims.ArticleID, na, now)
	return Counted
}

// Admit reports whether a beacon from network netHash at time at may be
// recorded at all (Policy.RecordRate). A beacon not admitted is refused before
// any decision, leaving no record and spending nothing.
func (j *Judge) Admit(netHash string, at time.Time) bool {
	return allow(&j.net(netHash).recordRate, at.UnixNano(), j.p.RecordRate)
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
		j.count(j.reader(r.ReaderHash), j.net(r.NetHash), r.ArticleID, netArticle{r.NetHash, r.ArticleID}, now)
	}
}

// count remembers a counted view of article at now.
func (j *Judge) count(rs *readerState, ns *netState, article int64, na netArticle, now int64) {
	seen := false
	for i := range rs.seen {
		if rs.seen[i].article == article {
			// Moved to the end, so the slice stays in time order.
			copy(rs.seen[i:], rs.seen[i+1:])
			rs.seen[len(rs.seen)-1] = articleView{article, now}
			seen = true
			break
		}
	}
	if !seen {
		rs.seen = append(rs.seen, articleView{article, now})
	}
	rs.counted = append(rs.counted, now)
	ns.counted = append(ns.counted, now)
	j.netArticles[na] = append(j.netArticles[na], now)
}

// prune drops the times in *ts before since and returns what remains. Times
// are appended in decision order, so the old ones are at the front.
func prune(ts *[]int64, since int64) []int64 {
	i := 0
	for i < len(*ts) && (*ts)[i] < since {
		i++
	}
	if i > 0 {
		*ts = append((*ts)[:0], (*ts)[i:]...)
	}
	return *ts
}

// count drops the times of m[key] before since and returns how many remain.
func count[K comparable](m map[K][]int64, key K, since int64) int {
	ts, ok := m[key]
	if !ok {
		return 0
	}
	if n := len(ts); len(prune(&ts, since)) != n {
		m[key] = ts
	}
	return len(ts)
}

// allow is the generic cell rate algorithm over one theoretical arrival time
// (0 for none yet): it admits r.Events at once, then one every r.Per/r.Events,
// and charges *tat only when it admits.
func allow(tat *int64, now int64, r Rate) bool {
	interval := int64(r.Per) / int64(r.Events)
	t := *tat
	if t < now {
		t = now
	}
	if t-now > int64(r.Per)-interval {
		return false
	}
	*tat = t + interval
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
	for k, r := range j.readers {
		prune(&r.counted, since)
		i := 0
		for i < len(r.seen) && r.seen[i].at < since {
			i++
		}
		r.seen = append(r.seen[:0], r.seen[i:]...)
		if r.rate < now && len(r.counted) == 0 && len(r.seen) == 0 {
			delete(j.readers, k)
		}
	}
	for k, n := range j.nets {
		prune(&n.counted, since)
		if n.rate < now && n.recordRate < now && len(n.counted) == 0 {
			delete(j.nets, k)
		}
	}
	for k := range j.netArticles {
		if count(j.netArticles, k, since) == 0 {
			delete(j.netArticles, k)
		}
	}
}
