package views_test

import (
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/views"
)

var t0 = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// reader is one simulated browser: a cookie id and an address.
type reader struct {
	hash, net string
}

func newReader(k *views.Keys, addr string) reader {
	return reader{k.ReaderHash(views.NewReaderID()), k.NetHash(netip.MustParseAddr(addr))}
}

// attempt issues a token for r at issued and returns the attempt decided at at.
func attempt(t *testing.T, k *views.Keys, r reader, article int64, issued, at time.Time) views.Attempt {
	t.Helper()
	tok, _, err := k.IssueToken(article, r.hash, issued)
	if err != nil {
		t.Fatal(err)
	}
	c, forged, err := k.VerifyToken(tok, r.hash)
	if err != nil {
		t.Fatal(err)
	}
	return views.Attempt{At: at, Claims: c, Forged: forged, ReaderHash: r.hash, NetHash: r.net}
}

func TestPolicyValidate(t *testing.T) {
	if err := views.DefaultPolicy().Validate(); err != nil {
		t.Fatal(err)
	}
	bad := map[string]func(*views.Policy){
		"ErrNegativeDwell":    func(p *views.Policy) { p.Dwell = -time.Second },
		"ErrTTLNotAfterDwell": func(p *views.Policy) { p.TokenTTL = p.Dwell },
		"ErrWindowShort":      func(p *views.Policy) { p.Window = p.TokenTTL / 2 },
		"ErrReaderRate":       func(p *views.Policy) { p.ReaderRate.Events = 0 },
		"ErrNetRate":          func(p *views.Policy) { p.NetRate.Per = 0 },
		"ErrCap":              func(p *views.Policy) { p.NetArticleCap = 0 },
		"ErrRecordRate":       func(p *views.Policy) { p.RecordRate.Events = p.NetRate.Events - 1 },
	}
	for name, mutate := range bad {
		t.Run(name, func(t *testing.T) {
			p := views.DefaultPolicy()
			mutate(&p)
			if p.Validate() == nil {
				t.Fatalf("%+v accepted", p)
			}
		})
	}
}

func TestJudgeToken(t *testing.T) {
	k := testKeys(t)
	p := views.DefaultPolicy()
	r := newReader(k, "198.51.100.7")
	cases := []struct {
		name   string
		mutate func(*views.Attempt)
		want   views.Reason
	}{
		{"OK", func(a *views.Attempt) {}, views.Counted},
		{"ErrForged", func(a *views.Attempt) { a.Forged = true }, views.BadToken},
		{"ErrNoReader", func(a *views.Attempt) { a.ReaderHash = "" }, views.BadToken},
		{"ErrFuture", func(a *views.Attempt) { a.At = a.Claims.IssuedAt.Add(-p.ClockSkew - time.Millisecond) }, views.BadToken},
		{"ErrEarly", func(a *views.Attempt) { a.At = a.Claims.IssuedAt.Add(p.Dwell - time.Millisecond) }, views.Early},
		{"OKAtDwell", func(a *views.Attempt) { a.At = a.Claims.IssuedAt.Add(p.Dwell) }, views.Counted},
		{"OKAtTTL", func(a *views.Attempt) { a.At = a.Claims.IssuedAt.Add(p.TokenTTL) }, views.Counted},
		{"ErrExpired", func(a *views.Attempt) { a.At = a.Claims.IssuedAt.Add(p.TokenTTL + time.Millisecond) }, views.Expired},
		{"ErrBot", func(a *views.Attempt) { a.Bot = true }, views.Bot},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			j := views.NewJudge(p)
			a := attempt(t, k, r, 1, t0, t0.Add(p.Dwell+time.Second))
			tc.mutate(&a)
			if got := j.Decide(a); got != tc.want {
				t.Fatalf("Decide = %s, want %s", got, tc.want)
			}
		})
	}
	t.Run("ErrReplayed", func(t *testing.T) {
		j := views.NewJudge(p)
		a := attempt(t, k, r, 1, t0, t0.Add(p.Dwell))
		if got := j.Decide(a); got != views.Counted {
			t.Fatalf("first = %s", got)
		}
		a.At = a.At.Add(time.Second)
		if got := j.Decide(a); got != views.Replayed {
			t.Fatalf("second = %s, want replayed", got)
		}
	})
	t.Run("OKEarlyThenOnTime", func(t *testing.T) {
		j := views.NewJudge(p)
		a := attempt(t, k, r, 1, t0, t0.Add(time.Second))
		if got := j.Decide(a); got != views.Early {
			t.Fatalf("first = %s", got)
		}
		a.At = t0.Add(p.Dwell)
		if got := j.Decide(a); got != views.Counted {
			t.Fatalf("after dwell = %s, want counted: an early beacon does not spend the token", got)
		}
	})
}

func TestJudgeOneReaderRefreshing(t *testing.T) {
	k := testKeys(t)
	p := views.DefaultPolicy()
	j := views.NewJudge(p)
	r := newReader(k, "198.51.100.7")
	counted := 0
	at := t0
	for i := 0; i < 1000; i++ {
		at = at.Add(p.Dwell + time.Second)
		if j.Decide(attempt(t, k, r, 1, at.Add(-p.Dwell), at)) == views.Counted {
			counted++
		}
	}
	if counted != 1 {
		t.Fatalf("1000 refreshes counted %d times, want 1", counted)
	}
	// After the window, the same reader counts again.
	at = t0.Add(p.Window + 2*p.Dwell)
	at = at.Add(1000 * (p.Dwell + time.Second))
	if got := j.Decide(attempt(t, k, r, 1, at.Add(-p.Dwell), at)); got != views.Counted {
		t.Fatalf("after the window: %s, want counted", got)
	}
}

func TestJudgeRateLimits(t *testing.T) {
	k := testKeys(t)
	p := views.DefaultPolicy()
	t.Run("ErrReaderRate", func(t *testing.T) {
		j := views.NewJudge(p)
		r := newReader(k, "198.51.100.7")
		at := t0.Add(p.Dwell)
		reasons := map[views.Reason]int{}
		for i := 0; i < p.ReaderRate.Events+5; i++ {
			reasons[j.Decide(attempt(t, k, r, int64(i+1), t0, at))]++
		}
		if reasons[views.Counted] != p.ReaderRate.Events || reasons[views.RateLimited] != 5 {
			t.Fatalf("reasons = %v", reasons)
		}
		// One interval later, one more is admitted.
		at = at.Add(p.ReaderRate.Per / time.Duration(p.ReaderRate.Events))
		if got := j.Decide(attempt(t, k, r, 999, at.Add(-p.Dwell), at)); got != views.Counted {
			t.Fatalf("after one interval: %s", got)
		}
	})
	t.Run("ErrNetRate", func(t *testing.T) {
		j := views.NewJudge(p)
		at := t0.Add(p.Dwell)
		limited := 0
		for i := 0; i < p.NetRate.Events+10; i++ {
			if j.Decide(attempt(t, k, newReader(k, "198.51.100.7"), int64(i+1), t0, at)) == views.RateLimited {
				limited++
			}
		}
		if limited != 10 {
			t.Fatalf("%d rate limited, want 10", limited)
		}
	})
}

func TestJudgeCaps(t *testing.T) {
	k := testKeys(t)
	p := views.DefaultPolicy()
	t.Run("ErrRingOneArticle", func(t *testing.T) {
		j := views.NewJudge(p)
		at := t0.Add(p.Dwell)
		reasons := map[views.Reason]int{}
		for i := 0; i < 200; i++ {
			reasons[j.Decide(attempt(t, k, newReader(k, fmt.Sprintf("198.51.100.%d", i%250)), 1, t0, at))]++
		}
		if reasons[views.Counted] != p.NetArticleCap || reasons[views.Capped] != 200-p.NetArticleCap {
			t.Fatalf("reasons = %v", reasons)
		}
		// Another network is not affected.
		if got := j.Decide(attempt(t, k, newReader(k, "203.0.113.1"), 1, t0, at)); got != views.Counted {
			t.Fatalf("other network: %s", got)
		}
	})
	t.Run("ErrReaderCap", func(t *testing.T) {
		j := views.NewJudge(p)
		r := newReader(k, "198.51.100.7")
		counted, capped := 0, 0
		at := t0
		for i := 0; i < p.ReaderCap+20; i++ {
			at = at.Add(p.ReaderRate.Per) // never rate limited
			switch j.Decide(attempt(t, k, r, int64(i+1), at.Add(-p.Dwell), at)) {
			case views.Counted:
				counted++
			case views.Capped:
				capped++
			}
		}
		if counted != p.ReaderCap || capped != 20 {
			t.Fatalf("counted %d capped %d, want %d and 20", counted, capped, p.ReaderCap)
		}
	})
	t.Run("ErrNetCap", func(t *testing.T) {
		q := p
		q.NetCap = 30
		j := views.NewJudge(q)
		at := t0.Add(q.Dwell)
		counted := 0
		for i := 0; i < 40; i++ {
			if j.Decide(attempt(t, k, newReader(k, "198.51.100.7"), int64(i+1), t0, at)) == views.Counted {
				counted++
			}
		}
		if counted != 30 {
			t.Fatalf("counted %d, want the network cap 30", counted)
		}
	})
}

// TestJudgeObserve checks that a Judge rebuilt from records decides as the one
// that made them: replays, duplicates and caps survive a restart.
func TestJudgeObserve(t *testing.T) {
	k := testKeys(t)
	p := views.DefaultPolicy()
	first := views.NewJudge(p)
	r := newReader(k, "198.51.100.7")
	at := t0.Add(p.Dwell)
	a := attempt(t, k, r, 1, t0, at)
	reason := first.Decide(a)
	rec := &views.Record{ID: 1, ArticleID: 1, Counted: reason == views.Counted, Reason: reason, RecordedAt: at,
		ReaderHash: r.hash, NetHash: r.net, TokenID: a.Claims.ID()}
	second := views.NewJudge(p)
	second.Observe(rec)
	a.At = at.Add(time.Second)
	if got := second.Decide(a); got != views.Replayed {
		t.Fatalf("replay after restart: %s", got)
	}
	if got := second.Decide(attempt(t, k, r, 1, at, at.Add(p.Dwell))); got != views.Duplicate {
		t.Fatalf("new token after restart: %s, want duplicate", got)
	}
}

func TestJudgeAdmit(t *testing.T) {
	p := views.DefaultPolicy()
	j := views.NewJudge(p)
	k := testKeys(t)
	flood, other := newReader(k, "198.51.100.7").net, newReader(k, "203.0.113.7").net
	admitted := 0
	for i := 0; i < p.RecordRate.Events+100; i++ {
		if j.Admit(flood, t0) {
			admitted++
		}
	}
	if admitted != p.RecordRate.Events {
		t.Fatalf("admitted %d of a flood, want %d", admitted, p.RecordRate.Events)
	}
	if !j.Admit(other, t0) {
		t.Fatal("another network was refused")
	}
	if !j.Admit(flood, t0.Add(p.RecordRate.Per)) {
		t.Fatal("the flooding network is still refused a period later")
	}
}
