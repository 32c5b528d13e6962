package views

import (
	"fmt"
	"testing"
	"time"
)

// TestJudgeForgets checks that the Judge's memory is bounded by one Window of
// traffic: after the Window (and the tokens' lifetime) has passed, a sweep
// leaves nothing of the readers, networks and tokens it saw.
func TestJudgeForgets(t *testing.T) {
	p := DefaultPolicy()
	j := NewJudge(p)
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for i := range 500 {
		a := Attempt{At: at, Claims: Claims{ArticleID: int64(i%7 + 1), IssuedAt: at.Add(-p.Dwell), Nonce: [nonceSize]byte{byte(i), byte(i >> 8)}},
			ReaderHash: fmt.Sprintf("%032x", i), NetHash: fmt.Sprintf("%032x", i%13)}
		if !j.Admit(a.NetHash, at) {
			t.Fatalf("beacon %d not admitted", i)
		}
		if r := j.Decide(a); r != Counted {
			t.Fatalf("beacon %d = %s", i, r)
		}
	}
	if len(j.readers) != 500 || len(j.nets) != 13 || len(j.used) != 500 || len(j.netArticles) == 0 {
		t.Fatalf("remembers %d readers, %d nets, %d tokens, %d net-articles", len(j.readers), len(j.nets), len(j.used), len(j.netArticles))
	}
	j.sweep(at.Add(p.Window / 2).UnixNano())
	if len(j.readers) != 500 {
		t.Fatalf("forgot readers within the Window: %d left", len(j.readers))
	}
	j.sweep(at.Add(p.Window + p.TokenTTL + p.ClockSkew + time.Minute).UnixNano())
	if len(j.readers) != 0 || len(j.nets) != 0 || len(j.used) != 0 || len(j.netArticles) != 0 {
		t.Fatalf("after the Window: %d readers, %d nets, %d tokens, %d net-articles", len(j.readers), len(j.nets), len(j.used), len(j.netArticles))
	}
}
