package metrics

import (
	"context"
	"io"
	"time"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/views"
	"github.com/prometheus/client_golang/prometheus"
)

// ViewLedger is the method set of the view ledger the server uses, Policy
// included (the article page reads the dwell through it).
type ViewLedger interface {
	IssueViewToken(ctx context.Context, articleID int64, readerID string) (views.IssuedToken, error)
	RecordView(ctx context.Context, b views.Beacon) (views.Record, error)
	ViewStats(ctx context.Context, from, to time.Time) (*views.Stats, error)
	Policy() views.Policy
}

// CountViews returns l with every beacon's outcome counted: recorded ones by
// their decision reason, refused ones by why they could not be recorded. The
// counters are looked up once here, not per beacon.
func (m *Metrics) CountViews(l ViewLedger) ViewLedger {
	v := countingViews{ViewLedger: l, m: m, reasons: map[views.Reason]prometheus.Counter{}}
	for _, r := range views.Reasons() {
		v.reasons[r] = m.views.WithLabelValues(string(r)) // present at zero from the start
	}
	for _, r := range []string{"malformed_token", "unknown_article", "unavailable", "other"} {
		m.unrecorded.WithLabelValues(r)
	}
	return v
}

type countingViews struct {
	ViewLedger
	m       *Metrics
	reasons map[views.Reason]prometheus.Counter // read-only after CountViews
}

func (v countingViews) RecordView(ctx context.Context, b views.Beacon) (views.Record, error) {
	rec, err := v.ViewLedger.RecordView(ctx, b)
	if err == nil {
		if c, ok := v.reasons[rec.Reason]; ok {
			c.Inc()
		} else {
			v.m.views.WithLabelValues(string(rec.Reason)).Inc()
		}
		return rec, nil
	}
	reason := "other"
	switch banx.ErrorCode(err) {
	case banx.EINVALID:
		reason = "malformed_token"
	case banx.ENOTFOUND:
		reason = "unknown_article"
	case banx.EUNAVAILABLE:
		reason = "unavailable"
	}
	v.m.unrecorded.WithLabelValues(reason).Inc()
	return rec, err
}

// ContentStore is the method set of Banx's IPFS stores (Kubo and embedded).
type ContentStore interface {
	Add(ctx context.Context, r io.Reader) (string, error)
	Cat(ctx context.Context, cid string) (io.ReadCloser, error)
	Pinned(ctx context.Context, cid string) (bool, error)
	Kind() string
	Ping(ctx context.Context) error
	Close() error
}

// CountStoreErrors returns s with the errors of its calls counted by
// operation and code. ENOTFOUND from Cat is a reader asking for unknown
// content, not a store failure, and is counted under its code like the rest so
// that alerts can leave it out.
func (m *Metrics) CountStoreErrors(s ContentStore) ContentStore {
	return countingStore{s, m}
}

type countingStore struct {
	ContentStore
	m *Metrics
}

func (s countingStore) Add(ctx context.Context, r io.Reader) (string, error) {
	cid, err := s.ContentStore.Add(ctx, r)
	if err != nil {
		s.m.storeError("add", err)
	}
	return cid, err
}

func (s countingStore) Cat(ctx context.Context, cid string) (io.ReadCloser, error) {
	rc, err := s.ContentStore.Cat(ctx, cid)
	if err != nil {
		s.m.storeError("cat", err)
	}
	return rc, err
}

func (s countingStore) Pinned(ctx context.Context, cid string) (bool, error) {
	ok, err := s.ContentStore.Pinned(ctx, cid)
	if err != nil {
		s.m.storeError("pinned", err)
	}
	return ok, err
}

func (s countingStore) Ping(ctx context.Context) error {
	err := s.ContentStore.Ping(ctx)
	if err != nil {
		s.m.storeError("ping", err)
	}
	return err
}
