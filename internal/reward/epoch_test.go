package reward_test

import (
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/reward"
)

// TestEpochFarFuture checks epoch arithmetic where n*length overflows
// time.Duration: every epoch up to MaxEpoch keeps its exact place in time.
func TestEpochFarFuture(t *testing.T) {
	p, err := reward.DefaultPolicy()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []uint64{0, 1, 15000, 20000, 467846, reward.MaxEpoch} {
		start, end := p.Epoch(e)
		days := int64(e) * int64(p.Length/(24*time.Hour))
		want := p.Genesis.AddDate(0, 0, int(days))
		if !start.Equal(want) || end.Sub(start) != p.Length {
			t.Fatalf("epoch %d = [%s, %s), want start %s", e, start, end, want)
		}
		if got, ok := p.EpochAt(start); e < 15000 && (!ok || got != e) {
			t.Fatalf("EpochAt(start of %d) = %d, %v", e, got, ok)
		}
	}
}
