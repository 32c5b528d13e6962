package sqlite_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/payout"
)

// TestRecentPlans checks that the dashboards' one query returns the newest
// plans at or before an epoch, newest first, however far apart they are.
func TestRecentPlans(t *testing.T) {
	db := openTestDB(t)
	ctx := context.Background()
	for _, e := range []uint64{3, 7, 467_936, 467_937, 1 << 20} {
		rec := payout.PlanRecord{Epoch: e, Network: "embedded", Root: strings.Repeat("ab", 32), Document: []byte("{}")}
		if err := db.SavePlan(ctx, rec, nil); err != nil {
			t.Fatal(err)
		}
	}
	epochs := func(recs []payout.PlanRecord) []uint64 {
		var out []uint64
		for _, r := range recs {
			out = append(out, r.Epoch)
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		at    uint64
		limit int
		want  []uint64
	}{
		{"OKNewestFirst", 467_937, 12, []uint64{467_937, 467_936, 7, 3}},
		{"OKLimit", 1 << 20, 2, []uint64{1 << 20, 467_937}},
		{"OKBefore", 6, 12, []uint64{3}},
		{"OKNone", 2, 12, nil},
		{"OKHuge", 1<<64 - 1, 1, []uint64{1 << 20}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := db.RecentPlans(ctx, tc.at, tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			if g := epochs(got); !slices.Equal(g, tc.want) {
				t.Fatalf("RecentPlans(%d, %d) = %v, want %v", tc.at, tc.limit, g, tc.want)
			}
		})
	}
	for _, limit := range []int{0, -1, 101} {
		if _, err := db.RecentPlans(ctx, 10, limit); banx.ErrorCode(err) != banx.EINVALID {
			t.Errorf("limit %d: err = %v, want EINVALID", limit, err)
		}
	}
}
