package views_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/views"
)

// BenchmarkJudgeDecide decides counted views of distinct readers on 65,536
// networks and 64 articles, as the view ledger's writer does on a busy site:
// every beacon a new reader, so the Judge's memory grows as it does in a day.
//
//	go test -run '^$' -bench JudgeDecide ./internal/views/
func BenchmarkJudgeDecide(b *testing.B) {
	p := views.DefaultPolicy()
	j := views.NewJudge(p)
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	attempts := make([]views.Attempt, b.N)
	for i := range attempts {
		var c views.Claims
		c.ArticleID, c.IssuedAt = int64(i%64+1), at.Add(-p.Dwell)
		c.Nonce[0], c.Nonce[1], c.Nonce[2], c.Nonce[3] = byte(i), byte(i>>8), byte(i>>16), byte(i>>24)
		attempts[i] = views.Attempt{Claims: c, ReaderHash: fmt.Sprintf("%032x", i), NetHash: fmt.Sprintf("%032x", i%65536)}
	}
	counted := 0
	b.ResetTimer()
	for i := range attempts {
		a := &attempts[i]
		a.At = at.Add(time.Duration(i) * time.Millisecond)
		if j.Admit(a.NetHash, a.At) && j.Decide(*a) == views.Counted {
			counted++
		}
	}
	b.ReportMetric(float64(counted)/float64(b.N), "counted/op")
}
