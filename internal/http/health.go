package http

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// healthReport is what /healthz answers: one entry per dependency, so an operator
// (or a load balancer) sees at once what is down.
type healthReport struct {
	Status   string           `json:"status"`
	Store    componentHealth  `json:"store"`
	Database componentHealth  `json:"database"`
	Ledger   componentHealth  `json:"ledger"`
	Disk     *componentHealth `json:"disk,omitempty"`
}

type componentHealth struct {
	Kind   string `json:"kind,omitempty"`
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
}

// DiskChecker is implemented by a Database that can also tell whether the disk
// under it takes writes. A full disk is invisible to a read (SQLite answers
// SELECT 1 while every write fails with "disk full"), so /healthz reports it
// on its own line when the database can check it.
type DiskChecker interface {
	// PingDisk returns EUNAVAILABLE, saying "disk full", when the disk
	// refuses a small write.
	PingDisk(ctx context.Context) error
}

// healthTimeout bounds each dependency's check.
const healthTimeout = 3 * time.Second

// handleHealth checks every dependency at once, each with its own short
// deadline (a hung one must not use up the others' time and have them reported
// down too), and answers 200 only when all of them answer; it tells the truth
// rather than a cached "ok".
func (s *Server) handleHealth(c *gin.Context) {
	ctx := c.Request.Context()
	rep := healthReport{Status: "ok"}
	var wg sync.WaitGroup
	wg.Go(func() { rep.Store = check(ctx, s.Store.Ping) })
	wg.Go(func() { rep.Database = check(ctx, s.DB.Ping) })
	wg.Go(func() { rep.Ledger = check(ctx, s.Ledger.Ping) })
	if dc, ok := s.DB.(DiskChecker); ok {
		wg.Go(func() { d := check(ctx, dc.PingDisk); rep.Disk = &d })
	}
	wg.Wait()
	rep.Store.Kind = s.Store.Kind()
	rep.Ledger.Kind = s.Ledger.Kind()
	status := http.StatusOK
	for _, h := range []*componentHealth{&rep.Store, &rep.Database, &rep.Ledger, rep.Disk} {
		if h != nil && h.Status != "ok" {
			rep.Status, status = "unavailable", http.StatusServiceUnavailable
		}
	}
	c.JSON(status, rep)
}

func check(ctx context.Context, ping func(context.Context) error) componentHealth {
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	if err := ping(ctx); err != nil {
		return componentHealth{Status: "unavailable", Error: err.Error()}
	}
	return componentHealth{Status: "ok"}
}
