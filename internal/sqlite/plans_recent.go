package sqlite

import (
	"context"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/payout"
)

// maxRecentPlans bounds one RecentPlans read, so a caller's limit cannot make
// a page load every plan ever stored.
const maxRecentPlans = 100

// RecentPlans returns up to limit stored plans of epochs at or before
// atOrBefore, newest first, in one indexed query. The dashboards show the last
// few plans; looking epochs up one by one costs a query per epoch, and with
// one-minute epochs there are hundreds of thousands of them. EINVALID when
// limit is not in 1..100.
func (db *DB) RecentPlans(ctx context.Context, atOrBefore uint64, limit int) ([]payout.PlanRecord, error) {
	if limit < 1 || limit > maxRecentPlans {
		return nil, banx.Errorf(banx.EINVALID, "recent plans: limit %d is not in 1..%d", limit, maxRecentPlans)
	}
	if atOrBefore > 1<<62 {
		atOrBefore = 1 << 62
	}
	rows, err := db.read.QueryContext(ctx, `SELECT epoch, network, root, document, created_at FROM payout_plans
		WHERE epoch <= ? ORDER BY epoch DESC LIMIT ?`, int64(atOrBefore), limit)
	if err != nil {
		return nil, translate(err, "read recent plans")
	}
	defer rows.Close()
	var out []payout.PlanRecord
	for rows.Next() {
		var rec payout.PlanRecord
		var created string
		if err := rows.Scan(&rec.Epoch, &rec.Network, &rec.Root, &rec.Document, &created); err != nil {
			return nil, translate(err, "read recent plans")
		}
		if rec.CreatedAt, err = parseTime(created); err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	return out, translate(rows.Err(), "read recent plans")
}
