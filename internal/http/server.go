// Package http is Banx's web adapter: a Gin engine behind a plain http.Server.
// Handlers translate HTTP to calls on the interfaces below and back; they hold no
// business rules, and they never pick a failure status by hand (see error.go).
package http

import (
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"time"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/gin-gonic/gin"
)

// ContentStore is what the server needs of an IPFS store (Kubo or embedded).
type ContentStore interface {
	// Add stores and pins r's bytes and returns their CID. EUNAVAILABLE when the
	// store cannot be reached.
	Add(ctx context.Context, r io.Reader) (string, error)
	// Cat streams the bytes stored under cid. ENOTFOUND for unknown content,
	// EINVALID for a malformed CID, EUNAVAILABLE when the store is down.
	Cat(ctx context.Context, cid string) (io.ReadCloser, error)
	// Kind names the store ("kubo" or "embedded") for /healthz.
	Kind() string
	// Ping reports whether the store answers. EUNAVAILABLE when it does not.
	Ping(ctx context.Context) error
}

// Database is what the server needs of the SQLite store.
type Database interface {
	// Ping reports whether the database answers a query.
	Ping(ctx context.Context) error
}

// Dependency is anything /healthz reports on: it says what it is and whether it answers.
type Dependency interface {
	// Kind names the implementation, e.g. "embedded" or "remote".
	Kind() string
	// Ping returns EUNAVAILABLE when the dependency does not answer.
	Ping(ctx context.Context) error
}

// Server serves Banx's HTTP API and pages.
type Server struct {
	// Addr is the address to listen on, host:port; ":0" picks a free port.
	Addr string
	// Store is the content store behind /ipfs/ and the content API.
	Store ContentStore
	// DB is the local database.
	DB Database
	// Ledger is the XRP Ledger node Banx talks to.
	Ledger Dependency
	// Logger receives one line per request and the detail of internal errors.
	Logger *slog.Logger
	// OperatorTokenHash is the SHA-256 of the operator's bearer token. Only the
	// hash is kept in memory, so a heap dump or log line cannot leak the token.
	OperatorTokenHash [sha256.Size]byte
	// MaxBodyBytes bounds every request body; larger bodies get 413.
	MaxBodyBytes int64
	// Rewards is the BXE token and payout service behind the token, payout and
	// author-preference routes; nil leaves those routes out.
	Rewards Rewards
	// Views is the view ledger behind the view-token, beacon and stats routes;
	// nil leaves those routes out.
	Views ViewLedger
	// TrustedProxies are the reverse proxies whose X-Forwarded-For and
	// X-Forwarded-Proto the view routes believe; from anyone else those headers
	// are ignored, so a client cannot pick the network it is counted in.
	TrustedProxies []netip.Prefix
	// Auth signs authors in with their wallet; nil leaves the auth routes out.
	Auth AuthService
	// Publish takes drafts to published articles; nil leaves the draft and
	// article routes out. Its routes need Auth.
	Publish PublishService
	// Verifier serves GET /api/v1/verify/{txhash} and POST /api/v1/verify from
	// an XRPL node and an IPFS node, never the database; nil leaves them out.
	Verifier Verifier
	// Metrics records request latencies and serves GET /metrics to the
	// operator; nil leaves both out.
	Metrics Metrics
	// Site is the server-rendered web application (pages, static assets);
	// nil leaves the pages out. Its pages need Publish.
	Site *Site
	// BodyReadTimeout and BodyReadRate bound how long a request body may
	// take to arrive: BodyReadTimeout (default 15 s) plus its Content-Length
	// at BodyReadRate bytes per second (default 64 KiB/s), at most the 2
	// minute read timeout; a body without Content-Length gets
	// BodyReadTimeout alone (see bodyDeadline).
	BodyReadTimeout time.Duration
	BodyReadRate    int64
	// ChallengeLimit, SignInLimit and VerifyLimit bound, per client network
	// (/24 or /48), POST /api/v1/auth/challenge (default 60 a minute), POST
	// /api/v1/auth/session (60 a minute) and POST /api/v1/verify with the
	// verify page's POST /verify (30 a minute together); over it, 429 with
	// Retry-After. The zero RateLimit takes the default; Max < 0 turns one off.
	ChallengeLimit RateLimit
	SignInLimit    RateLimit
	VerifyLimit    RateLimit

	ops       operatorSessions            // signed-in operator browsers (pages_operator.go)
	tally     viewTally                   // counted views per author and article (pages_cache.go)
	pages     pageCache                   // rendered article pages (pages_cache.go)
	articles  freshGroup[articleState]    // concurrent reads of one article, merged (pages_cache.go)
	published freshGroup[authorPublished] // concurrent reads of one author's articles, merged
	limiters  map[string]*networkLimiter  // by path, for POST (ratelimit.go)
	refusals  *gin.Engine                 // answers what limitRates refuses
	ln        net.Listener
	server    *http.Server
	engine    *gin.Engine
}

// readTimeout bounds reading a whole request, headers and body.
const readTimeout = 2 * time.Minute

// Open builds the routes, starts listening and serves in the background.
func (s *Server) Open() error {
	if s.Store == nil || s.DB == nil || s.Ledger == nil || s.Logger == nil {
		return errors.New("http server needs Store, DB, Ledger and Logger")
	}
	if s.MaxBodyBytes <= 0 {
		s.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if s.BodyReadTimeout <= 0 {
		s.BodyReadTimeout = DefaultBodyReadTimeout
	}
	if s.BodyReadRate <= 0 {
		s.BodyReadRate = DefaultBodyReadRate
	}
	if s.Site != nil {
		if err := s.Site.load(); err != nil {
			return err
		}
		if err := s.Site.loadPublish(); err != nil {
			return err
		}
		if err := s.loadDashboards(); err != nil {
			return err
		}
	}
	gin.SetMode(gin.ReleaseMode)
	s.engine = gin.New()
	s.engine.HandleMethodNotAllowed = true
	s.routes()
	s.limiters = s.rateLimits()
	s.refusals = s.newRefusalEngine()

	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		return banx.Wrap(banx.EUNAVAILABLE, err, "listen on %s", s.Addr)
	}
	s.ln = ln
	s.server = &http.Server{
		// The body deadline and the rate limits wrap the router: neither
		// needs a route, and the limits refuse before a body is read.
		// Beacons are answered ahead of all three (fastBeacons).
		Handler:           s.fastBeacons(s.bodyDeadline(s.limitRates(s.engine))),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       readTimeout,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.Logger.Handler(), slog.LevelWarn),
	}
	go s.server.Serve(ln)
	return nil
}

// Handler returns the routed engine behind the beacon short path, for tests
// that drive it without a socket. It has neither the body deadline nor the
// rate limits, which need a connection and a peer address (a fuzz target
// would meet only the limits).
func (s *Server) Handler() http.Handler { return s.fastBeacons(s.engine) }

// URL returns the base URL the server listens on.
func (s *Server) URL() string {
	if s.ln == nil {
		return ""
	}
	return "http://" + s.ln.Addr().String()
}

// Close stops accepting requests and waits for those in flight until ctx ends.
func (s *Server) Close(ctx context.Context) error {
	if s.server == nil {
		return nil
	}
	return s.server.Shutdown(ctx)
}

// DefaultMaxBodyBytes fits the largest item Banx accepts (a 10 MiB image) plus
// multipart overhead.
const DefaultMaxBodyBytes = 11 << 20
