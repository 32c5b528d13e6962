package metrics

import (
	"context"
	"log/slog"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
)

// stateCollector turns a CountFunc into one gauge family at scrape time.
type stateCollector struct {
	desc   *prometheus.Desc
	name   string
	labels int
	count  CountFunc
	m      *Metrics
	logger *slog.Logger
}

func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

// Collect runs the count under the scrape timeout. A failed query is logged
// and counted, and the family is left out of this scrape rather than reported
// as zeros that would look like an empty queue.
func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), c.m.scrapeTimeout)
	defer cancel()
	counts, err := c.count(ctx)
	if err != nil {
		c.m.scrapeErrors.WithLabelValues(c.name).Inc()
		c.logger.Warn("metrics: count failed", "family", c.name, "err", err)
		return
	}
	for key, n := range counts {
		values := strings.SplitN(key, "/", c.labels)
		if len(values) != c.labels {
			c.m.scrapeErrors.WithLabelValues(c.name).Inc()
			c.logger.Warn("metrics: malformed count key", "family", c.name, "key", key)
			continue
		}
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n), values...)
	}
}
