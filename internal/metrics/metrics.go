// Package metrics is Banx's Prometheus adapter: one registry per server (no
// globals), request latency per route, view decisions by reason, errors of the
// ledger and IPFS clients, and the state of anchors, article versions and
// payouts read from the database at scrape time.
//
// Counters are incremented where the event happens (the HTTP middleware, the
// decorators in this package, the ledger client's error hook); state that
// lives in the database is counted by a query when Prometheus scrapes, so the
// figures cannot drift from the tables and a restart loses nothing.
package metrics

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Namespace prefixes every Banx metric name.
const Namespace = "banx"

// CountFunc counts rows by one or two labels' values at scrape time. The keys
// are label values joined as the collector expects (see Config).
type CountFunc func(ctx context.Context) (map[string]int64, error)

// Config says where the scrape-time gauges come from. A nil func leaves its
// family out, so a command without a database can still expose the rest.
type Config struct {
	// Anchors counts anchor transactions; keys are "mode/state" (mode self or
	// batch, state prepared, submitted, validated or failed).
	Anchors CountFunc
	// Versions counts article versions by status (draft, stored, anchoring,
	// published, failed); "anchoring" is the queue waiting for an anchor.
	Versions CountFunc
	// Payouts counts payouts by state (pending, signed, submitted, paid,
	// deferred, failed).
	Payouts CountFunc
	// ScrapeTimeout bounds the database queries of one scrape; default 5s.
	ScrapeTimeout time.Duration
	// Logger receives the errors of scrape-time queries.
	Logger *slog.Logger
}

// Metrics holds Banx's registry and the instruments the adapters update.
// Its methods are safe for concurrent use.
type Metrics struct {
	reg *prometheus.Registry

	requests      *prometheus.HistogramVec
	views         *prometheus.CounterVec
	unrecorded    *prometheus.CounterVec
	ledgerErrors  *prometheus.CounterVec
	storeErrors   *prometheus.CounterVec
	scrapeErrors  *prometheus.CounterVec
	handler       http.Handler
	scrapeTimeout time.Duration

	// observers caches the histogram child of each (route, method, status
	// class): looking it up by labels hashes them and takes a lock on every
	// request. Routes and methods are bounded by the caller, so is the cache.
	observers sync.Map // requestKey -> prometheus.Observer
}

type requestKey struct{ route, method, class string }

// New builds a registry with Banx's metrics and the Go runtime and process
// collectors.
func New(cfg Config) *Metrics {
	if cfg.ScrapeTimeout <= 0 {
		cfg.ScrapeTimeout = 5 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	m := &Metrics{reg: prometheus.NewRegistry(), scrapeTimeout: cfg.ScrapeTimeout}
	m.requests = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: Namespace, Subsystem: "http", Name: "request_duration_seconds",
		Help:    "Time to answer an HTTP request, by route pattern, method and status class.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route", "method", "status"})
	m.views = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: Namespace, Subsystem: "views", Name: "recorded_total",
		Help: "View beacons recorded in the view ledger, by decision reason (counted or why it was filtered).",
	}, []string{"reason"})
	m.unrecorded = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: Namespace, Subsystem: "views", Name: "unrecorded_total",
		Help: "View beacons refused before they could be recorded, by reason (malformed_token, unknown_article, unavailable, other).",
	}, []string{"reason"})
	m.ledgerErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: Namespace, Subsystem: "ledger_client", Name: "errors_total",
		Help: "Failed calls of the XRP Ledger client, by API method and Banx error code.",
	}, []string{"method", "code"})
	m.storeErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: Namespace, Subsystem: "ipfs_client", Name: "errors_total",
		Help: "Failed calls of the IPFS content store, by operation and Banx error code.",
	}, []string{"op", "code"})
	m.scrapeErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: Namespace, Subsystem: "metrics", Name: "scrape_errors_total",
		Help: "Scrape-time database queries that failed, by gauge family.",
	}, []string{"family"})
	m.reg.MustRegister(m.requests, m.views, m.unrecorded, m.ledgerErrors, m.storeErrors, m.scrapeErrors,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, g := range []struct {
		name, help string
		labels     []string
		count      CountFunc
	}{
		{"anchors", "Anchor transactions by mode and state (prepared and submitted are pending).", []string{"mode", "state"}, cfg.Anchors},
		{"article_versions", "Article versions by status (anchoring ones wait for their anchor).", []string{"status"}, cfg.Versions},
		{"payouts", "BXE payouts by state.", []string{"state"}, cfg.Payouts},
	} {
		if g.count != nil {
			m.reg.MustRegister(&stateCollector{
				desc: prometheus.NewDesc(prometheus.BuildFQName(Namespace, "", g.name), g.help, g.labels, nil),
				name: g.name, labels: len(g.labels), count: g.count, m: m, logger: cfg.Logger,
			})
		}
	}
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog: slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn), ErrorHandling: promhttp.ContinueOnError,
	})
	return m
}

// Handler serves the registry in the Prometheus text exposition format.
func (m *Metrics) Handler() http.Handler { return m.handler }

// Registry returns the registry, for tests and for commands that add their own
// collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// ObserveRequest records one answered HTTP request. route is the route
// pattern (never the raw path, whose cardinality a client controls).
func (m *Metrics) ObserveRequest(route, method string, status int, d time.Duration) {
	k := requestKey{route, method, statusClass(status)}
	o, ok := m.observers.Load(k)
	if !ok {
		o, _ = m.observers.LoadOrStore(k, m.requests.WithLabelValues(k.route, k.method, k.class))
	}
	o.(prometheus.Observer).Observe(d.Seconds())
}

// statusClasses avoids formatting a string per request.
var statusClasses = [...]string{"1xx", "2xx", "3xx", "4xx", "5xx"}

func statusClass(status int) string {
	if status >= 100 && status < 600 {
		return statusClasses[status/100-1]
	}
	return strconv.Itoa(status)
}

// LedgerError counts one failed call of the XRP Ledger client; it fits
// xrpl.WithErrorHook.
func (m *Metrics) LedgerError(method string, err error) {
	m.ledgerErrors.WithLabelValues(method, errorCode(err)).Inc()
}

// storeError counts one failed call of the content store.
func (m *Metrics) storeError(op string, err error) {
	m.storeErrors.WithLabelValues(op, errorCode(err)).Inc()
}

// errorCode is err's Banx code, except that a cancelled or timed-out context
// is named as such: those are the caller giving up, not the node failing.
func errorCode(err error) string {
	switch {
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	}
	return banx.ErrorCode(err)
}
