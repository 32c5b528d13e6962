package http

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// healthReport is what /healthz answers: one entry per dependency, so an operator
// (or a load balancer) sees at once what is down.
type healthReport struct {
	Status   string          `json:"status"`
	Store    componentHealth `json:"store"`
	Database componentHealth `json:"database"`
	Ledger   componentHealth `json:"ledger"`
}

type componentHealth struct {
	Kind   string `json:"kind,omitempty"`
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
}

// handleHealth checks each dependency with a short deadline and answers 200 only
// when all of them answer; it tells the truth rather than a cached "ok".
func (s *Server) handleHealth(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
	defer cancel()
	rep := healthReport{Status: "ok"}
	rep.Store = check(ctx, s.Store.Ping)
	rep.Store.Kind = s.Store.Kind()
	rep.Database = check(ctx, s.DB.Ping)
	rep.Ledger = check(ctx, s.Ledger.Ping)
	rep.Ledger.Kind = s.Ledger.Kind()
	status := http.StatusOK
	if rep.Store.Status != "ok" || rep.Database.Status != "ok" || rep.Ledger.Status != "ok" {
		rep.Status, status = "unavailable", http.StatusServiceUnavailable
	}
	c.JSON(status, rep)
}

func check(ctx context.Context, ping func(context.Context) error) componentHealth {
	if err := ping(ctx); err != nil {
		return componentHealth{Status: "unavailable", Error: err.Error()}
	}
	return componentHealth{Status: "ok"}
}
