package http

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// Metrics is what the server needs of the metrics registry.
type Metrics interface {
	// ObserveRequest records one answered request under its route pattern.
	ObserveRequest(route, method string, status int, d time.Duration)
	// Handler serves the metrics in the Prometheus text exposition format.
	Handler() http.Handler
}

// unmatchedRoute labels requests that matched no route, so that scanners
// probing random paths add one series, not one per path.
const unmatchedRoute = "unmatched"

// knownMethods bounds the method label: anything else is "other", since a
// client may send any token as a method.
var knownMethods = map[string]string{
	"GET": "GET", "HEAD": "HEAD", "POST": "POST", "PUT": "PUT", "PATCH": "PATCH",
	"DELETE": "DELETE", "OPTIONS": "OPTIONS",
}

// observe records the request's latency under its route pattern.
func (s *Server) observe(c *gin.Context, d time.Duration) {
	route := c.FullPath()
	if route == "" {
		route = unmatchedRoute
	}
	method, ok := knownMethods[c.Request.Method]
	if !ok {
		method = "other"
	}
	s.Metrics.ObserveRequest(route, method, c.Writer.Status(), d)
}

// handleMetrics serves GET /metrics to the operator: the figures reveal
// traffic and queue sizes, which are not for everyone. Prometheus sends the
// token with `authorization: {credentials_file: DATA/operator-token}`.
func (s *Server) handleMetrics(c *gin.Context) {
	s.Metrics.Handler().ServeHTTP(c.Writer, c.Request)
}
