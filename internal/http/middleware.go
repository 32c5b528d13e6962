package http

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"time"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/gin-gonic/gin"
)

const requestIDKey = "banx.request_id"

// requestID gives every request a random id, returned in X-Request-Id and put in
// every log line and error body, so a user's report can be matched to the logs.
// A client-supplied id is not trusted: it could forge or flood the logs.
func (s *Server) requestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		var b [8]byte
		rand.Read(b[:])
		id := hex.EncodeToString(b[:])
		c.Set(requestIDKey, id)
		c.Header("X-Request-Id", id)
		c.Next()
	}
}

func requestIDOf(c *gin.Context) string { return c.GetString(requestIDKey) }

// logRequests writes one structured line per request and, with Metrics,
// observes its latency. It logs the route pattern and path but never headers
// or bodies, which may carry tokens or seeds.
func (s *Server) logRequests() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		d := time.Since(start)
		if s.Metrics != nil {
			s.observe(c, d)
		}
		s.Logger.Info("request", "request_id", requestIDOf(c), "method", c.Request.Method,
			"route", c.FullPath(), "path", c.Request.URL.Path, "status", c.Writer.Status(),
			"bytes", c.Writer.Size(), "duration_ms", float64(d.Microseconds())/1000)
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
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("X-Frame-Options", "DENY")
		c.Next()
	}
}
