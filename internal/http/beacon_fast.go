package http

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/banxmedia/banx/internal/banx"
)

// beaconPath is the route serveBeacon answers ahead of the router.
const beaconPath = "/api/v1/views"

// fastBeacons answers POST /api/v1/views itself and hands every other request
// to next.
//
// Beacons are the one request a busy site answers thousands of times a second,
// and each is durable: it waits for its group commit. On a small machine the
// router's middleware chain cost as much CPU as the view ledger, so beacons
// take a short path with the same guarantees: a request id, the security
// headers, a body deadline, the cross-origin check, panic recovery, metrics,
// and errors answered and logged as every other route answers and logs them.
// What they skip is the access log line for a recorded beacon: the beacon's
// record in the view ledger is its log, durable and more complete, and
// Prometheus counts the requests (banx_http_request_duration_seconds).
func (s *Server) fastBeacons(next http.Handler) http.Handler {
	if s.Views == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != beaconPath {
			next.ServeHTTP(w, r)
			return
		}
		s.serveBeacon(w, r)
	})
}

// serveBeacon answers one beacon (see fastBeacons).
func (s *Server) serveBeacon(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	h := w.Header()
	var id [16]byte
	var raw [8]byte
	binary.LittleEndian.PutUint64(raw[:], rand.Uint64())
	hex.Encode(id[:], raw[:])
	reqID := string(id[:])
	h[requestIDHeader] = []string{reqID}
	h["X-Content-Type-Options"] = nosniff
	h["Referrer-Policy"] = referrerPolicy
	h["X-Frame-Options"] = frameDeny
	status := http.StatusCreated
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.Logger.Error("panic in handler", "request_id", reqID, "panic", v)
			status = s.answerError(w, r, reqID, banx.Errorf(banx.EINTERNAL, "internal error"))
		}
		if s.Metrics != nil {
			s.Metrics.ObserveRequest(beaconPath, http.MethodPost, status, time.Since(start))
		}
	}()
	err := crossOriginWrite(r)
	if err == nil {
		s.setBodyDeadline(w, r)
		err = s.recordBeacon(w, r)
	}
	if err != nil {
		status = s.answerError(w, r, reqID, err)
	}
}

// answerError writes err as writeError does and logs the request as
// logRequests does, for a handler outside the router. It returns the status.
func (s *Server) answerError(w http.ResponseWriter, r *http.Request, reqID string, err error) int {
	status, body := errorAnswer(err, reqID)
	if status >= 500 {
		s.Logger.Error("request failed", "request_id", reqID, "code", body.Error.Code, "err", err)
	}
	w.Header()["Content-Type"] = jsonContentType
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
	s.Logger.LogAttrs(r.Context(), slog.LevelInfo, "request", slog.String("request_id", reqID),
		slog.String("method", r.Method), slog.String("route", beaconPath), slog.String("path", r.URL.Path),
		slog.Int("status", status))
	return status
}
