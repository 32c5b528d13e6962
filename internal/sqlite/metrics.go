package sqlite

import (
	"context"
)

// The count queries below feed the operator's metrics at scrape time. Each
// runs on an index (anchors_status, article_versions_status,
// payouts_epoch_status), and every state the table's CHECK allows is reported,
// at zero when no row has it, so a dashboard sees an empty queue as 0 rather
// than as a missing series.

// CountAnchorsByState counts anchor transactions by "mode/state".
func (db *DB) CountAnchorsByState(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	for _, mode := range []string{"self", "batch"} {
		for _, st := range []string{"prepared", "submitted", "validated", "failed"} {
			out[mode+"/"+st] = 0
		}
	}
	return out, db.countInto(ctx, out, `SELECT mode || '/' || status, COUNT(*) FROM anchors GROUP BY mode, status`, "count anchors")
}

// CountVersionsByStatus counts article versions by status.
func (db *DB) CountVersionsByStatus(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{"draft": 0, "stored": 0, "anchoring": 0, "published": 0, "failed": 0}
	return out, db.countInto(ctx, out, `SELECT status, COUNT(*) FROM article_versions GROUP BY status`, "count article versions")
}

// CountPayoutsByState counts payouts of every epoch by state.
func (db *DB) CountPayoutsByState(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{"pending": 0, "signed": 0, "submitted": 0, "paid": 0, "deferred": 0, "failed": 0}
	return out, db.countInto(ctx, out, `SELECT status, COUNT(*) FROM payouts GROUP BY status`, "count payouts")
}

// countInto adds the (key, count) rows of query to out.
func (db *DB) countInto(ctx context.Context, out map[string]int64, query, what string) error {
	rows, err := db.read.QueryContext(ctx, query)
	if err != nil {
		return translate(err, what)
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var n int64
		if err := rows.Scan(&key, &n); err != nil {
			return translate(err, what)
		}
		out[key] = n
	}
	return translate(rows.Err(), what)
}
