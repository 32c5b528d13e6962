package metrics_test

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/metrics"
	"github.com/banxmedia/banx/internal/sqlite"
	"github.com/banxmedia/banx/internal/xrpl"
	dto "github.com/prometheus/client_model/go"
)

// gather returns the registry's families by name.
func gather(t *testing.T, m *metrics.Metrics) map[string]*dto.MetricFamily {
	t.Helper()
	fams, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*dto.MetricFamily{}
	for _, f := range fams {
		out[f.GetName()] = f
	}
	return out
}

// series returns the value of family name's series with exactly these labels.
func series(fams map[string]*dto.MetricFamily, name string, labels ...string) (float64, bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
	for _, m := range f.Metric {
		if len(m.Label)*2 != len(labels) {
			continue
		}
		match := true
		for i, l := range m.Label {
			if l.GetName() != labels[2*i] || l.GetValue() != labels[2*i+1] {
				match = false
			}
		}
		if match {
			if m.Counter != nil {
				return m.Counter.GetValue(), true
			}
			return m.Gauge.GetValue(), true
		}
	}
	return 0, false
}

// TestLedgerErrors dials a port nobody listens on: the client's error hook
// counts the failed server_info under its method and code.
func TestLedgerErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	m := metrics.New(metrics.Config{})
	_, err = xrpl.Dial(context.Background(), "http://"+addr, xrpl.WithTimeout(time.Second), xrpl.WithErrorHook(m.LedgerError))
	if banx.ErrorCode(err) != banx.EUNAVAILABLE {
		t.Fatalf("Dial to a closed port = %v, want unavailable", err)
	}
	if v, ok := series(gather(t, m), "banx_ledger_client_errors_total", "code", "unavailable", "method", "server_info"); !ok || v != 1 {
		t.Fatalf("ledger errors = %v (present %t), want 1", v, ok)
	}
}

// TestStateGauges reads a real database's counts at scrape time, and leaves
// out (and counts) a family whose query fails.
func TestStateGauges(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "banx.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a := &banx.Article{Author: "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh", Slug: "one"}
	v := &banx.ArticleVersion{ManifestCID: "bafkone", SHA256: "6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b",
		Author: a.Author, Title: "one", Status: banx.StatusStored}
	if err := db.CreateArticle(ctx, a, v); err != nil {
		t.Fatal(err)
	}
	m := metrics.New(metrics.Config{Anchors: db.CountAnchorsByState, Versions: db.CountVersionsByStatus,
		Payouts: func(context.Context) (map[string]int64, error) { return nil, errors.New("disk on fire") }})
	fams := gather(t, m)
	// Collectors run concurrently, so the failure of the first scrape is
	// certain to show in the error counter only from the second one on.
	if n, ok := series(gather(t, m), "banx_metrics_scrape_errors_total", "family", "payouts"); !ok || n < 1 {
		t.Errorf("scrape errors for payouts = %v (present %t), want at least 1", n, ok)
	}
	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"banx_article_versions", []string{"status", "stored"}, 1},
		{"banx_article_versions", []string{"status", "anchoring"}, 0},
		{"banx_anchors", []string{"mode", "self", "state", "validated"}, 0},
	} {
		if got, ok := series(fams, c.name, c.labels...); !ok || got != c.want {
			t.Errorf("%s%v = %v (present %t), want %v", c.name, c.labels, got, ok, c.want)
		}
	}
	if _, ok := fams["banx_payouts"]; ok {
		t.Error("banx_payouts reported although its query failed")
	}
}
