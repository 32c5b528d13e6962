package http

import (
	"encoding/binary"
	"encoding/hex"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/gin-gonic/gin"
)

// requestIDHeader is X-Request-Id in the canonical form net/http keys headers
// by, so the middleware can set it without canonicalising it per request.
const requestIDHeader = "X-Request-Id"

// requestID gives every request a random id, returned in X-Request-Id and put in
// every log line and error body, so a user's report can be matched to the logs.
// A client-supplied id is not trusted: it could forge or flood the logs. The id
// only has to be unique, not secret, so it comes from the runtime's fast
// generator (seeded from the OS) rather than a system call per request.
func (s *Server) requestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], rand.Uint64())
		var h [16]byte
		hex.Encode(h[:], b[:])
		c.Writer.Header()[requestIDHeader] = []string{string(h[:])}
		c.Next()
	}
}

// requestIDOf is the request's id. It lives in the response header it is sent
// in, which saves gin's per-request key map on the hot path.
func requestIDOf(c *gin.Context) string {
	if v := c.Writer.Header()[requestIDHeader]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// logRequests writes one structured line per request and, with Metrics,
// observes its latency. It logs the route pattern and path but never headers
// or bodies, which may carry tokens or seeds.
//
// The line is the hot path's largest cost after the socket, so it is built as
// cheaply as slog allows: the record goes straight to the handler (Logger
// would capture a call stack for a source location nobody configured), its
// attributes are typed (no interface boxing), and the duration is an integer
// of microseconds (the JSON handler formats floats through encoding/json).
func (s *Server) logRequests() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		d := time.Since(start)
		if s.Metrics != nil {
			s.observe(c, d)
		}
		h := s.Logger.Handler()
		if !h.Enabled(c, slog.LevelInfo) {
			return
		}
		r := slog.NewRecord(start.Add(d), slog.LevelInfo, "request", 0)
		r.AddAttrs(slog.String("request_id", requestIDOf(c)), slog.String("method", c.Request.Method),
			slog.String("route", c.FullPath()), slog.String("path", c.Request.URL.Path),
			slog.Int("status", c.Writer.Status()), slog.Int("bytes", c.Writer.Size()),
			slog.Int64("duration_us", d.Microseconds()))
		h.Handle(c, r)
	}
}

// recoverPanics turns a handler panic into a 500 with a request id instead of a
// dropped connection, and logs it.
func (s *Server) recoverPanics() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				s.Logger.Error("panic in handler", "request_id", requestIDOf(c), "panic", r)
				s.writeError(c, banx.Errorf(banx.EINTERNAL, "internal error"))
			}
		}()
		c.Next()
	}
}

// limitBody bounds every request body so no client can make the server buffer
// without limit; handlers see *http.MaxBytesError, which writeError maps to 413.
func (s *Server) limitBody() gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > s.MaxBodyBytes {
			s.writeError(c, banx.Errorf(banx.ETOOLARGE, "request body is larger than %d bytes", s.MaxBodyBytes))
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, s.MaxBodyBytes)
		c.Next()
	}
}

// securityHeaders sets headers that are right for every response; pages add a
// stricter policy of their own.
func (s *Server) securityHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		// Canonical keys and shared values: nothing is allocated per request.
		// The slices are full (len == cap), so an Add elsewhere copies them.
		h["X-Content-Type-Options"] = nosniff
		h["Referrer-Policy"] = referrerPolicy
		h["X-Frame-Options"] = frameDeny
		c.Next()
	}
}

var (
	nosniff        = []string{"nosniff"}
	referrerPolicy = []string{"strict-origin-when-cross-origin"}
	frameDeny      = []string{"DENY"}
)
