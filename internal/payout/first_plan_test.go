package payout_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/banx"
)

// TestFirstPlanLeavesNoViewsBehind: epochs are planned in order, so the first
// plan of a database may not start after an epoch that holds counted views
// (they could never be planned, and never paid): it names the epoch to plan
// first, and planning from there on pays every view.
func TestFirstPlanLeavesNoViewsBehind(t *testing.T) {
	e := startEnv(t)
	ctx := testContext(t)
	dbPath := filepath.Join(t.TempDir(), "banx.db")
	db := openDB(t, dbPath)
	a1 := e.dev.Authors[0].Address
	addViews(t, dbPath, 1, a1, 5, epochStart(t, 2).Add(time.Minute))
	addViews(t, dbPath, 2, a1, 7, epochStart(t, 4).Add(time.Minute))
	pl := planner(t, db, e)
	for _, later := range []uint64{3, 4, 9} {
		if _, err := pl.PlanEpoch(ctx, later, false); banx.ErrorCode(err) != banx.ECONFLICT || !strings.Contains(err.Error(), "plan epoch 2 first") {
			t.Fatalf("first plan of epoch %d = %v, want a conflict naming epoch 2", later, err)
		}
	}
	plan, err := pl.PlanEpoch(ctx, 2, false)
	if err != nil || plan.Views.Eligible != 5 {
		t.Fatalf("plan of epoch 2 = %+v, %v; want its 5 views", plan, err)
	}
}

// TestFirstPlanWithoutEarlierViews: with no counted view before it, any
// closed epoch may be a database's first plan.
func TestFirstPlanWithoutEarlierViews(t *testing.T) {
	e := startEnv(t)
	ctx := testContext(t)
	dbPath := filepath.Join(t.TempDir(), "banx.db")
	db := openDB(t, dbPath)
	addViews(t, dbPath, 1, e.dev.Authors[0].Address, 3, epochStart(t, 6).Add(time.Minute))
	plan, err := planner(t, db, e).PlanEpoch(ctx, 6, false)
	if err != nil || plan.Views.Eligible != 3 {
		t.Fatalf("first plan of epoch 6 = %+v, %v", plan, err)
	}
}
