package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"

	banxhttp "github.com/banxmedia/banx/internal/http"
	"github.com/banxmedia/banx/internal/metrics"
	"github.com/banxmedia/banx/internal/views"
)

// logRequests returns the log lines (JSON) of request id.
func logRequests(t *testing.T, log *secLog, id string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(log.String()), "\n") {
		var m map[string]any
		if line == "" {
			continue
		}
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if m["request_id"] == id {
			out = append(out, m)
		}
	}
	return out
}

// panickingViews is a view ledger whose beacons panic, to reach the short
// path's recovery.
type panickingViews struct{ banxhttp.ViewLedger }

func (panickingViews) RecordView(context.Context, views.Beacon) (views.Record, error) {
	panic("ledger bug")
}

// TestBeaconShortPath checks that beacons, answered ahead of the router, keep
// what the router gives every request: the request id, the security headers,
// the cross-origin check, the body bound, metrics, logged failures and a 500
// for a panic; and that a recorded beacon gets no access line.
func TestBeaconShortPath(t *testing.T) {
	logs := &secLog{}
	var reg *metrics.Metrics
	s := startViewServerWith(t, testKey, func(srv *banxhttp.Server) {
		srv.Logger = slog.New(slog.NewJSONHandler(logs, nil))
		reg = metrics.New(metrics.Config{})
		srv.Metrics = reg
	})
	b := newBrowser(t, "127.0.0.1", firefox)
	idPattern := regexp.MustCompile(`^[0-9a-f]{16}$`)
	securityHeaders := map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
		"Referrer-Policy": "strict-origin-when-cross-origin"}
	check := func(t *testing.T, h http.Header) string {
		t.Helper()
		id := h.Get("X-Request-Id")
		if !idPattern.MatchString(id) {
			t.Errorf("X-Request-Id = %q", id)
		}
		for k, v := range securityHeaders {
			if h.Get(k) != v {
				t.Errorf("%s = %q, want %q", k, h.Get(k), v)
			}
		}
		return id
	}
	errorOf := func(t *testing.T, body []byte) (code, msg, id string) {
		t.Helper()
		var e struct {
			Error struct {
				Code      string `json:"code"`
				Message   string `json:"message"`
				RequestID string `json:"request_id"`
			} `json:"error"`
		}
		if err := json.Unmarshal(body, &e); err != nil {
			t.Fatalf("error body %s: %v", body, err)
		}
		return e.Error.Code, e.Error.Message, e.Error.RequestID
	}

	t.Run("OK", func(t *testing.T) {
		tok := b.token(t, s, s.article)
		s.clock.Add(s.policy.Dwell)
		code, body, h := b.do(t, "POST", s.url+"/api/v1/views", "text/plain;charset=UTF-8", []byte(tok))
		if code != http.StatusCreated || h.Get("Content-Type") != "application/json; charset=utf-8" {
			t.Fatalf("beacon = %d %s %v", code, body, h)
		}
		id := check(t, h)
		var rec struct {
			ID   int64  `json:"id"`
			Hash string `json:"hash"`
		}
		if err := json.Unmarshal(body, &rec); err != nil || rec.ID != 1 || len(rec.Hash) != 64 {
			t.Fatalf("receipt %s: %v", body, err)
		}
		if lines := logRequests(t, logs, id); len(lines) != 0 {
			t.Errorf("a recorded beacon was logged: %v", lines)
		}
	})
	t.Run("ErrBadToken", func(t *testing.T) {
		code, body, h := b.do(t, "POST", s.url+"/api/v1/views", "text/plain", []byte("not-a-token"))
		id := check(t, h)
		ecode, msg, bodyID := errorOf(t, body)
		if code != http.StatusBadRequest || ecode != "invalid" || !strings.Contains(msg, "view token must be") || bodyID != id {
			t.Fatalf("bad token = %d %s (header id %s)", code, body, id)
		}
		lines := logRequests(t, logs, id)
		if len(lines) != 1 || lines[0]["msg"] != "request" || lines[0]["status"] != float64(400) || lines[0]["route"] != "/api/v1/views" {
			t.Fatalf("refused beacon logged as %v", lines)
		}
	})
	t.Run("ErrCrossSite", func(t *testing.T) {
		code, body, h := b.do(t, "POST", s.url+"/api/v1/views", "text/plain", []byte("x"), "Sec-Fetch-Site", "cross-site")
		check(t, h)
		if ecode, msg, _ := errorOf(t, body); code != http.StatusForbidden || ecode != "forbidden" || !strings.Contains(msg, "cross-origin write refused") {
			t.Fatalf("cross-site beacon = %d %s", code, body)
		}
	})
	t.Run("ErrTooLarge", func(t *testing.T) {
		code, body, h := b.do(t, "POST", s.url+"/api/v1/views", "text/plain", bytes.Repeat([]byte("a"), 5000))
		check(t, h)
		if ecode, msg, _ := errorOf(t, body); code != http.StatusRequestEntityTooLarge || ecode != "too_large" || !strings.Contains(msg, "larger than 1024 bytes") {
			t.Fatalf("large beacon = %d %s", code, body)
		}
	})
	t.Run("ErrMethod", func(t *testing.T) {
		code, body, _ := b.do(t, "GET", s.url+"/api/v1/views", "", nil)
		if code != http.StatusMethodNotAllowed {
			t.Fatalf("GET /api/v1/views = %d %s (the router answers it)", code, body)
		}
	})
	t.Run("Metrics", func(t *testing.T) {
		code, body, _ := b.do(t, "GET", s.url+"/metrics", "", nil, "Authorization", "Bearer "+operatorToken)
		if code != http.StatusOK {
			t.Fatalf("metrics = %d %s", code, body)
		}
		for _, want := range []string{
			`banx_http_request_duration_seconds_count{method="POST",route="/api/v1/views",status="2xx"} 1`,
			`banx_http_request_duration_seconds_count{method="POST",route="/api/v1/views",status="4xx"} 3`,
		} {
			if !bytes.Contains(body, []byte(want)) {
				t.Errorf("metrics lack %s", want)
			}
		}
	})
}

// TestBeaconShortPathPanic checks that a panic while recording a beacon is
// answered with a 500 naming the request and logged, and the server lives on.
func TestBeaconShortPathPanic(t *testing.T) {
	logs := &secLog{}
	s := startViewServerWith(t, testKey, func(srv *banxhttp.Server) {
		srv.Logger = slog.New(slog.NewJSONHandler(logs, nil))
		srv.Views = panickingViews{srv.Views}
	})
	b := newBrowser(t, "127.0.0.1", firefox)
	tok := b.token(t, s, s.article)
	code, body, h := b.do(t, "POST", s.url+"/api/v1/views", "text/plain", []byte(tok))
	id := h.Get("X-Request-Id")
	if code != http.StatusInternalServerError || !strings.Contains(string(body), `"code":"internal"`) || !strings.Contains(string(body), id) {
		t.Fatalf("panicking beacon = %d %s", code, body)
	}
	var panicked bool
	for _, l := range logRequests(t, logs, id) {
		panicked = panicked || (l["msg"] == "panic in handler" && l["panic"] == "ledger bug")
	}
	if !panicked {
		t.Fatalf("the panic was not logged: %v", logRequests(t, logs, id))
	}
	if code, _, _ := b.do(t, "GET", s.url+"/healthz", "", nil); code != http.StatusOK {
		t.Fatalf("healthz after the panic = %d", code)
	}
}
