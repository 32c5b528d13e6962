package http_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	banxhttp "github.com/banxmedia/banx/internal/http"
	"github.com/banxmedia/banx/internal/metrics"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// startMetricsServer is the view server with metrics on: latency middleware,
// counted view ledger and content store, and the database's state gauges.
func startMetricsServer(t *testing.T) *viewServer {
	t.Helper()
	return startViewServerWith(t, testKey, func(srv *banxhttp.Server) {
		db := srv.DB.(interface {
			CountAnchorsByState(context.Context) (map[string]int64, error)
			CountVersionsByStatus(context.Context) (map[string]int64, error)
			CountPayoutsByState(context.Context) (map[string]int64, error)
		})
		m := metrics.New(metrics.Config{Anchors: db.CountAnchorsByState, Versions: db.CountVersionsByStatus,
			Payouts: db.CountPayoutsByState})
		srv.Metrics = m
		srv.Views = m.CountViews(srv.Views.(metrics.ViewLedger))
		srv.Store = m.CountStoreErrors(srv.Store.(metrics.ContentStore))
	})
}

// scrape fetches /metrics with the operator token and parses it.
func scrape(t *testing.T, s *viewServer) map[string]*dto.MetricFamily {
	t.Helper()
	b := newBrowser(t, "127.0.0.1", "prometheus")
	code, body, hdr := b.do(t, "GET", s.url+"/metrics", "", nil, "Authorization", "Bearer "+operatorToken)
	if code != http.StatusOK {
		t.Fatalf("GET /metrics = %d %s", code, body)
	}
	if ct := hdr.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Fatalf("Content-Type = %q, want the text exposition format", ct)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("parse /metrics: %v\n%s", err, body)
	}
	return fams
}

// value returns the value of the series of family name whose labels include
// want; ok is false when there is none.
func value(fams map[string]*dto.MetricFamily, name string, want map[string]string) (v float64, ok bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
series:
	for _, m := range f.Metric {
		labels := map[string]string{}
		for _, l := range m.Label {
			labels[l.GetName()] = l.GetValue()
		}
		for k, w := range want {
			if labels[k] != w {
				continue series
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		}
	}
	return 0, false
}

func TestMetricsRequiresOperator(t *testing.T) {
	s := startMetricsServer(t)
	b := newBrowser(t, "127.0.0.1", firefox)
	for _, tc := range []struct{ name, auth string }{
		{"ErrNoToken", ""},
		{"ErrWrongToken", "Bearer not-the-operator-token"},
		{"ErrNotBearer", "Basic b3BlcmF0b3I6eA=="},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var hdr []string
			if tc.auth != "" {
				hdr = []string{"Authorization", tc.auth}
			}
			code, body, _ := b.do(t, "GET", s.url+"/metrics", "", nil, hdr...)
			if code != http.StatusUnauthorized || strings.Contains(string(body), "banx_") {
				t.Fatalf("GET /metrics = %d %s, want 401 without figures", code, body)
			}
		})
	}
	t.Run("OK", func(t *testing.T) { scrape(t, s) })
}

func TestMetricsAfterRequests(t *testing.T) {
	s := startMetricsServer(t)
	b := newBrowser(t, "127.0.0.2", firefox)
	b.read(t, s, s.article)         // counted
	tok := b.token(t, s, s.article) // a duplicate read, then replayed
	s.clock.Add(s.policy.Dwell)
	b.beacon(t, s, tok)
	b.beacon(t, s, tok)
	if code, _, _ := b.do(t, "POST", s.url+"/api/v1/views", "text/plain", []byte("not-a-token")); code != http.StatusBadRequest {
		t.Fatalf("malformed beacon = %d, want 400", code)
	}
	if code, _, _ := b.do(t, "GET", s.url+"/ipfs/bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy", "", nil); code != http.StatusNotFound {
		t.Fatalf("unknown CID = %d, want 404", code)
	}
	b.do(t, "GET", s.url+"/no/such/path/42", "", nil)
	b.do(t, "BREW", s.url+"/healthz", "", nil)

	fams := scrape(t, s)
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64 // -1: any value, the series must exist
	}{
		{"banx_http_request_duration_seconds", map[string]string{"route": "/api/v1/articles/:id/view-token", "method": "GET", "status": "2xx"}, 2},
		{"banx_http_request_duration_seconds", map[string]string{"route": "/api/v1/views", "method": "POST", "status": "2xx"}, 3},
		{"banx_http_request_duration_seconds", map[string]string{"route": "/api/v1/views", "method": "POST", "status": "4xx"}, 1},
		{"banx_http_request_duration_seconds", map[string]string{"route": "/ipfs/:cid", "method": "GET", "status": "4xx"}, 1},
		{"banx_http_request_duration_seconds", map[string]string{"route": "unmatched", "method": "GET", "status": "4xx"}, 1},
		{"banx_http_request_duration_seconds", map[string]string{"route": "unmatched", "method": "other"}, 1},
		{"banx_views_recorded_total", map[string]string{"reason": "counted"}, 1},
		{"banx_views_recorded_total", map[string]string{"reason": "duplicate"}, 1},
		{"banx_views_recorded_total", map[string]string{"reason": "replayed"}, 1},
		{"banx_views_recorded_total", map[string]string{"reason": "bot"}, 0},
		{"banx_views_unrecorded_total", map[string]string{"reason": "malformed_token"}, 1},
		{"banx_ipfs_client_errors_total", map[string]string{"op": "cat", "code": "not_found"}, 1},
		{"banx_article_versions", map[string]string{"status": "published"}, 1},
		{"banx_article_versions", map[string]string{"status": "draft"}, 1},
		{"banx_anchors", map[string]string{"mode": "batch", "state": "submitted"}, 0},
		{"banx_payouts", map[string]string{"state": "paid"}, 0},
		{"go_goroutines", nil, -1},
		{"process_resident_memory_bytes", nil, -1},
	} {
		got, ok := value(fams, c.name, c.labels)
		if !ok || (c.want >= 0 && got != c.want) {
			t.Errorf("%s%v = %v (present %t), want %v", c.name, c.labels, got, ok, c.want)
		}
	}
	for _, name := range []string{"banx_ledger_client_errors_total", "banx_metrics_scrape_errors_total"} {
		if f, ok := fams[name]; ok && len(f.Metric) > 0 {
			t.Errorf("%s has series %v, want none in this run", name, f.Metric)
		}
	}
	if _, ok := value(fams, "banx_http_request_duration_seconds", map[string]string{"route": "/no/such/path/42"}); ok {
		t.Error("a raw unmatched path became a route label")
	}
}
