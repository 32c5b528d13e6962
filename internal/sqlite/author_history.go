package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/banxmedia/banx/internal/reward"
)

// AuthorPublished returns how many of author's articles have a published
// version and when the first of them was created (zero when none). It is the
// article half of an author's level, read with one aggregate over the author's
// own rows (index articles_author) instead of listing every article.
func (db *DB) AuthorPublished(ctx context.Context, author string) (articles int, first time.Time, err error) {
	var oldest string
	err = db.read.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MIN(a.created_at), '') FROM articles a
		WHERE a.author = ? AND EXISTS (SELECT 1 FROM article_versions v
			WHERE v.article_id = a.id AND v.status = 'published')`, author).Scan(&articles, &oldest)
	if err != nil {
		return 0, time.Time{}, translate(err, "read author history")
	}
	if oldest != "" {
		if first, err = parseTime(oldest); err != nil {
			return 0, time.Time{}, err
		}
	}
	return articles, first, nil
}

// CountedViewsAfter returns the counted views per author and article among
// the view ledger's rows with id > after, and the ledger's last id. The views
// table is append-only (its triggers refuse UPDATE and DELETE) and its one
// writer commits ids in increasing order, so every row with an id up to last
// is already visible and never changes: adding each call's rows to the
// previous totals gives exactly the totals of a full count, while reading only
// what is new (a rowid range, not a scan of the whole ledger; the unary + keeps
// SQLite from preferring the (counted, recorded_at) index, which would visit
// every counted row).
func (db *DB) CountedViewsAfter(ctx context.Context, after int64) (rows []reward.ArticleViews, last int64, err error) {
	if err := db.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM views`).Scan(&last); err != nil {
		return nil, 0, translate(err, "read view ledger head")
	}
	if last <= after {
		return nil, after, nil
	}
	var rs *sql.Rows
	if after == 0 {
		// The first count covers the whole ledger, where the counted index
		// visits only the counted rows, usually a small part of all decisions.
		rs, err = db.read.QueryContext(ctx, `SELECT author, article_id, COUNT(*) FROM views
			WHERE counted = 1 AND id <= ? GROUP BY author, article_id`, last)
	} else {
		rs, err = db.read.QueryContext(ctx, `SELECT author, article_id, COUNT(*) FROM views
			WHERE id > ? AND id <= ? AND +counted = 1 GROUP BY author, article_id`, after, last)
	}
	if err != nil {
		return nil, 0, translate(err, "read counted views")
	}
	defer rs.Close()
	for rs.Next() {
		var v reward.ArticleViews
		if err := rs.Scan(&v.Author, &v.ArticleID, &v.Views); err != nil {
			return nil, 0, translate(err, "read counted views")
		}
		rows = append(rows, v)
	}
	if err := rs.Err(); err != nil {
		return nil, 0, translate(err, "read counted views")
	}
	return rows, last, nil
}
