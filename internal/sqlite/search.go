package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/search"
)

// MaxSearchResults bounds one page of search results.
const MaxSearchResults = 100

// snippetTokens is the length of a body snippet, in words (FTS5 allows 64).
const snippetTokens = 32

// searchRank is the rank function of a search: bm25 weighing where a word
// matches, a title match most, then the summary and tags, then the
// category, then the body and the author address. The weights follow the
// column order of article_search (migration 006).
const searchRank = `bm25(10.0, 5.0, 1.0, 5.0, 2.0, 1.0)`

// SearchArticles finds the published articles whose newest published version
// matches the reader's search q, best match first, and how many match in all.
// q is parsed by search.Parse and never reaches FTS5 as syntax. EINVALID for a
// blank, overlong or wordless q, or a limit outside 1..MaxSearchResults or a
// negative offset.
func (db *DB) SearchArticles(ctx context.Context, q string, limit, offset int) ([]search.Hit, int, error) {
	if limit < 1 || limit > MaxSearchResults {
		return nil, 0, banx.Errorf(banx.EINVALID, "limit must be from 1 to %d, got %d", MaxSearchResults, limit)
	}
	if offset < 0 {
		return nil, 0, banx.Errorf(banx.EINVALID, "offset must not be negative, got %d", offset)
	}
	query, err := search.Parse(q)
	if err != nil {
		return nil, 0, err
	}
	match := query.FTS()
	// One read transaction, so the count and the page see the same index
	// even while articles are being published.
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, translate(err, "search articles")
	}
	defer tx.Rollback()
	var total int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM article_search WHERE article_search MATCH ?`, match).Scan(&total); err != nil {
		return nil, 0, translate(err, "count search results")
	}
	if total == 0 || offset >= total {
		return nil, total, nil
	}
	// The page is one query on the FTS table alone, ordered by its rank
	// column: FTS5 then sorts the matches itself and SQLite makes snippets
	// and highlights for the page's rows only, not for every match (ten
	// times faster on a common word). MATERIALIZED keeps the planner from
	// merging it into the join, which would undo that.
	rows, err := tx.QueryContext(ctx, `WITH hits AS MATERIALIZED (
			SELECT rowid AS article_id, version_id, rank AS score,
				highlight(article_search, 0, char(2), char(3)) AS title,
				snippet(article_search, 2, char(2), char(3), '…', ?) AS body,
				highlight(article_search, 1, char(2), char(3)) AS summary,
				summary AS plain_summary, category
			FROM article_search WHERE article_search MATCH ? AND rank MATCH ?
			ORDER BY rank LIMIT ? OFFSET ?)
		SELECT a.id, a.author, a.slug, a.created_at, a.updated_at, v.id, v.article_id, v.version, v.manifest_cid,
			v.sha256, v.author, v.title, v.status, COALESCE(v.anchor_tx_hash, ''), COALESCE(v.previous_tx, ''), v.created_at, v.updated_at,
			h.title, h.body, h.summary, h.plain_summary, h.category
		FROM hits h JOIN articles a ON a.id = h.article_id JOIN article_versions v ON v.id = h.version_id
		ORDER BY h.score, h.article_id DESC`, snippetTokens, match, searchRank, limit, offset)
	if err != nil {
		return nil, 0, translate(err, "search articles")
	}
	defer rows.Close()
	var out []search.Hit
	for rows.Next() {
		var a banx.Article
		var v banx.ArticleVersion
		var ac, au, status, created, updated, title, body, summary string
		var h search.Hit
		if err := rows.Scan(&a.ID, &a.Author, &a.Slug, &ac, &au, &v.ID, &v.ArticleID, &v.Version, &v.ManifestCID, &v.SHA256,
			&v.Author, &v.Title, &status, &v.AnchorTxHash, &v.PreviousTx, &created, &updated,
			&title, &body, &summary, &h.Summary, &h.Category); err != nil {
			return nil, 0, translate(err, "search articles")
		}
		v.Status = banx.ArticleStatus(status)
		a.CreatedAt, _ = parseTime(ac)
		a.UpdatedAt, _ = parseTime(au)
		v.CreatedAt, _ = parseTime(created)
		v.UpdatedAt, _ = parseTime(updated)
		h.PublishedArticle = banx.PublishedArticle{Article: &a, Latest: &v}
		h.Title = search.Marked(title)
		h.Snippet = search.Marked(body)
		if !search.HasMatch(h.Snippet) {
			h.Snippet = search.Marked(summary)
		}
		out = append(out, h)
	}
	return out, total, translate(rows.Err(), "search articles")
}

// ArticleTextWanted returns up to limit versions, by id after afterID, that
// the search index shows without their text: the indexer reads their
// manifests and calls SetArticleText, and passes the last id it saw to go on
// past a manifest it could not read.
func (db *DB) ArticleTextWanted(ctx context.Context, afterID int64, limit int) ([]*banx.ArticleVersion, error) {
	if limit < 1 {
		return nil, banx.Errorf(banx.EINVALID, "limit must be positive, got %d", limit)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+versionColumns+` FROM article_versions
		WHERE id IN (SELECT version_id FROM article_text_wanted WHERE version_id > ?) ORDER BY id LIMIT ?`, afterID, limit)
	if err != nil {
		return nil, translate(err, "list versions wanting text")
	}
	defer rows.Close()
	var out []*banx.ArticleVersion
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, translate(err, "list versions wanting text")
		}
		out = append(out, v)
	}
	return out, translate(rows.Err(), "list versions wanting text")
}

// SetArticleText stores the searchable text of a version, read from its
// manifest; when the version is its article's newest published one, the
// search index shows it at once (triggers of migration 006). Writing it
// again replaces it. ENOTFOUND for an unknown version.
func (db *DB) SetArticleText(ctx context.Context, versionID int64, t search.Text) error {
	tags := make([]string, len(t.Tags))
	for i, tag := range t.Tags {
		tags[i] = search.Clean(tag)
	}
	return db.withTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO article_text (version_id, summary, body, tags, category, indexed_at)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (version_id) DO UPDATE SET summary = excluded.summary, body = excluded.body,
				tags = excluded.tags, category = excluded.category, indexed_at = excluded.indexed_at`,
			versionID, search.Clean(t.Summary), search.Clean(t.Body), strings.Join(tags, " "), search.Clean(t.Category), db.now())
		return translate(err, "store the searchable text of a version")
	})
}

// checkFullText fails when the SQLite compiled into this binary has no FTS5,
// which the search index (migration 006) needs: mattn/go-sqlite3 compiles it
// in only with a build tag.
func checkFullText(ctx context.Context, pool *sql.DB) error {
	var on bool
	if err := pool.QueryRowContext(ctx, `SELECT sqlite_compileoption_used('ENABLE_FTS5')`).Scan(&on); err != nil {
		return translate(err, "check SQLite for full-text search")
	}
	if !on {
		return banx.Errorf(banx.EINTERNAL, "this binary's SQLite has no full-text search (FTS5), which Banx needs: build with -tags sqlite_fts5; make does this")
	}
	return nil
}
