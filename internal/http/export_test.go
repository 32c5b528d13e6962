package http

import "time"

// NewUploadLimiter exposes the per-author upload limiter to the external
// tests, with their clock.
func NewUploadLimiter(max int, window time.Duration, now func() time.Time) func(author string) (bool, time.Duration) {
	l := newUploadLimiter(max, window)
	l.now = now
	return l.allow
}
