package sqlite_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/banx"
)

func TestAuthorPublished(t *testing.T) {
	ctx := context.Background()
	t.Run("OKNone", func(t *testing.T) {
		db := openTestDB(t)
		n, first, err := db.AuthorPublished(ctx, author)
		if err != nil || n != 0 || !first.IsZero() {
			t.Fatalf("AuthorPublished = %d, %v, %v; want 0, zero time, nil", n, first, err)
		}
	})
	t.Run("OKPublishedOnly", func(t *testing.T) {
		db := openTestDB(t)
		created := db.Now()
		publishArticle(t, db, "first", banx.StatusPublished)
		db.Now = func() time.Time { return created.Add(time.Hour) }
		publishArticle(t, db, "second", banx.StatusPublished)
		publishArticle(t, db, "draft", banx.StatusDraft)
		n, first, err := db.AuthorPublished(ctx, author)
		if err != nil || n != 2 || !first.Equal(created) {
			t.Fatalf("AuthorPublished = %d, %v, %v; want 2, %v, nil", n, first, err, created)
		}
		if n, _, err := db.AuthorPublished(ctx, testAddr(9)); err != nil || n != 0 {
			t.Fatalf("another author: %d, %v; want 0", n, err)
		}
	})
}

// TestCountedViewsAfter checks that adding each call's rows to the previous
// totals gives the totals of a full count, and that a call reads the new rows
// by rowid range rather than through the counted index.
func TestCountedViewsAfter(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	a, b := testAddr(1), testAddr(2)
	totals := map[int64]int64{}
	var last int64
	add := func() {
		t.Helper()
		rows, l, err := db.CountedViewsAfter(ctx, last)
		if err != nil {
			t.Fatal(err)
		}
		if l < last {
			t.Fatalf("last went back from %d to %d", last, l)
		}
		for _, r := range rows {
			totals[r.ArticleID] += r.Views
		}
		last = l
	}
	t.Run("OKEmpty", func(t *testing.T) {
		add()
		if last != 0 || len(totals) != 0 {
			t.Fatalf("last %d, totals %v; want 0 and none", last, totals)
		}
	})
	t.Run("OKIncremental", func(t *testing.T) {
		addViews(t, db, [4]any{1, a, 1, at}, [4]any{1, a, 0, at}, [4]any{2, b, 1, at})
		add()
		add() // nothing new: totals unchanged
		addViews(t, db, [4]any{1, a, 1, at.Add(time.Second)}, [4]any{2, b, 0, at.Add(time.Second)})
		add()
		if last != 5 {
			t.Fatalf("last = %d, want 5", last)
		}
		full, err := db.EpochViews(ctx, time.Unix(0, 0), at.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		want := map[int64]int64{}
		for _, v := range full {
			want[v.ArticleID] += v.Views
		}
		if len(want) != 2 || totals[1] != want[1] || totals[2] != want[2] {
			t.Fatalf("incremental totals %v, full count %v", totals, want)
		}
	})
	plan := func(t *testing.T, query string) string {
		t.Helper()
		rows, err := rawDB(t, db.Path).Query("EXPLAIN QUERY PLAN " + query)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var steps []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			steps = append(steps, detail)
		}
		return strings.Join(steps, "; ")
	}
	t.Run("OKRowidRange", func(t *testing.T) {
		p := plan(t, `SELECT author, article_id, COUNT(*) FROM views
			WHERE id > 1 AND id <= 2 AND +counted = 1 GROUP BY author, article_id`)
		if !strings.Contains(p, "INTEGER PRIMARY KEY (rowid>? AND rowid<?)") {
			t.Fatalf("plan %q does not read a rowid range", p)
		}
	})
	t.Run("OKFirstCountByIndex", func(t *testing.T) {
		p := plan(t, `SELECT author, article_id, COUNT(*) FROM views
			WHERE counted = 1 AND id <= 2 GROUP BY author, article_id`)
		if !strings.Contains(p, "views_counted_recorded_at (counted=?") {
			t.Fatalf("plan %q does not read the counted index", p)
		}
	})
}
