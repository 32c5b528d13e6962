package http

import (
	"context"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/gin-gonic/gin"
)

// RateLimit bounds how many requests one network may send to a route in a
// sliding window. A network is the client's /24 for IPv4 and /48 for IPv6, as
// clientAddr finds it behind trusted proxies: one host rarely holds more, and
// counting single addresses would let an IPv6 client pick a fresh one per
// request.
type RateLimit struct {
	// Max is how many requests a network may send within Window; the zero
	// RateLimit takes the route's default, and a negative Max turns it off.
	Max int
	// Window is the length of the sliding window.
	Window time.Duration
}

// The default limits fit a person signing in or verifying from a shared
// office or campus network, and the test suites that do it from 127.0.0.0/24,
// while bounding what one network costs: a challenge writes a row, a sign-in
// asks the ledger for the account, and a verification reads up to 11 MiB and
// asks the ledger and IPFS.
var (
	defaultChallengeLimit = RateLimit{Max: 60, Window: time.Minute}
	defaultSignInLimit    = RateLimit{Max: 60, Window: time.Minute}
	defaultVerifyLimit    = RateLimit{Max: 30, Window: time.Minute}
)

// networkLimiter counts each network's requests in a sliding window. It
// forgets networks whose window is empty once it holds many, so it keeps at
// most the networks active in the last window, each with at most Max times.
type networkLimiter struct {
	what   string // what is counted, for the reason: "sign-in challenges"
	limit  RateLimit
	now    func() time.Time
	mu     sync.Mutex
	recent map[netip.Prefix][]time.Time
}

func newNetworkLimiter(what string, limit, def RateLimit) *networkLimiter {
	if limit == (RateLimit{}) {
		limit = def
	}
	if limit.Window <= 0 {
		limit.Window = def.Window
	}
	return &networkLimiter{what: what, limit: limit, now: time.Now, recent: map[netip.Prefix][]time.Time{}}
}

// allow records a request from network and reports whether it is within the
// limit; when it is not, it says how long until the oldest request leaves
// the window.
func (l *networkLimiter) allow(network netip.Prefix) (bool, time.Duration) {
	if l.limit.Max < 0 {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	cut := now.Add(-l.limit.Window)
	kept := l.recent[network][:0]
	for _, t := range l.recent[network] {
		if t.After(cut) {
			kept = append(kept, t)
		}
	}
	if len(kept) >= l.limit.Max {
		l.recent[network] = kept
		if len(kept) == 0 {
			return false, l.limit.Window
		}
		return false, kept[0].Sub(cut)
	}
	l.recent[network] = append(kept, now)
	if len(l.recent) > 4096 {
		for n, ts := range l.recent {
			if len(ts) == 0 || !ts[len(ts)-1].After(cut) {
				delete(l.recent, n)
			}
		}
	}
	return true, 0
}

// clientNetwork is the network a client address is counted in: its /24 for
// IPv4, its /48 for IPv6.
func clientNetwork(a netip.Addr) netip.Prefix {
	bits := 48
	if a.Is4() {
		bits = 24
	}
	p, _ := a.Prefix(bits)
	return p
}

// rateLimits are the limiters by route, for POST requests to exactly these
// paths. They are applied around the router (limitRates) rather than in the
// handlers, so one place names every limited route.
func (s *Server) rateLimits() map[string]*networkLimiter {
	verify := newNetworkLimiter("verifications", s.VerifyLimit, defaultVerifyLimit)
	return map[string]*networkLimiter{
		"/api/v1/auth/challenge": newNetworkLimiter("sign-in challenges", s.ChallengeLimit, defaultChallengeLimit),
		"/api/v1/auth/session":   newNetworkLimiter("sign-in attempts", s.SignInLimit, defaultSignInLimit),
		"/api/v1/verify":         verify,
		"/verify":                verify,
	}
}

// refusalKey carries a refusal from limitRates to the refusal engine.
type refusalKey struct{}

// limitRates answers 429, with Retry-After, a POST to a limited route from a
// network over its limit; it counts every attempt, refused or not, before
// the body is read. The refusal goes through the refusal engine, so it has a
// request id, a log line and the security headers like any other answer.
func (s *Server) limitRates(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		l := s.limiters[r.URL.Path]
		if l == nil {
			next.ServeHTTP(w, r)
			return
		}
		addr, err := s.clientAddr(r)
		if err != nil {
			next.ServeHTTP(w, r) // not a TCP peer (a test's recorder): nothing to count
			return
		}
		network := clientNetwork(addr)
		ok, wait := l.allow(network)
		if ok {
			next.ServeHTTP(w, r)
			return
		}
		secs := int((wait + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		refusal := banx.Errorf(banx.ETOOMANY, "too many %s from network %s: at most %d per %s; try again in %d s",
			l.what, network, l.limit.Max, l.limit.Window, secs)
		s.refusals.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), refusalKey{}, error(refusal))))
	})
}

// newRefusalEngine builds the engine that answers requests refused before
// routing (limitRates): the main engine's answer-shaping middleware and one
// handler that writes the refusal as an API error or, off /api/, a page.
func (s *Server) newRefusalEngine() *gin.Engine {
	e := gin.New()
	e.Use(s.requestID(), s.recoverPanics(), s.logRequests(), s.securityHeaders())
	e.NoRoute(func(c *gin.Context) {
		err, _ := c.Request.Context().Value(refusalKey{}).(error)
		if err == nil {
			err = banx.Errorf(banx.EINTERNAL, "refusal without a reason")
		}
		if s.Site != nil && !strings.HasPrefix(c.Request.URL.Path, "/api/") {
			s.pageError(c, err)
			return
		}
		s.writeError(c, err)
	})
	return e
}
