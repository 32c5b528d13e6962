package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/banxmedia/banx/internal/banx"
)

// CreateArticle stores a new article together with its first version, in one
// transaction: an article never exists without a version. It fills in IDs,
// version number and timestamps.
func (db *DB) CreateArticle(ctx context.Context, a *banx.Article, v *banx.ArticleVersion) error {
	if err := validateVersion(v); err != nil {
		return err
	}
	if v.Author != a.Author {
		return banx.Errorf(banx.EINVALID, "version author %s differs from article author %s", v.Author, a.Author)
	}
	now := db.now()
	return db.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO articles (author, slug, created_at, updated_at) VALUES (?, ?, ?, ?)`,
			a.Author, a.Slug, now, now)
		if err != nil {
			return translate(err, "create article "+a.Slug)
		}
		if a.ID, err = res.LastInsertId(); err != nil {
			return translate(err, "create article")
		}
		v.ArticleID, v.Version = a.ID, 1
		if err := insertVersion(ctx, tx, v, now); err != nil {
			return err
		}
		a.CreatedAt, _ = parseTime(now)
		a.UpdatedAt = a.CreatedAt
		return nil
	})
}

// AddVersion stores the next version of an existing article. The new version must
// name the previous version's anchor, so the chain of versions has no gaps.
func (db *DB) AddVersion(ctx context.Context, v *banx.ArticleVersion) error {
	if err := validateVersion(v); err != nil {
		return err
	}
	now := db.now()
	return db.withTx(ctx, func(tx *sql.Tx) error {
		var author string
		if err := tx.QueryRowContext(ctx, `SELECT author FROM articles WHERE id = ?`, v.ArticleID).Scan(&author); err != nil {
			return translate(err, fmt.Sprintf("article %d", v.ArticleID))
		}
		if author != v.Author {
			return banx.Errorf(banx.EFORBIDDEN, "article %d belongs to %s, not %s", v.ArticleID, author, v.Author)
		}
		var last int
		var lastTx sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT version, anchor_tx_hash FROM article_versions
			WHERE article_id = ? ORDER BY version DESC LIMIT 1`, v.ArticleID).Scan(&last, &lastTx)
		if err != nil {
			return translate(err, "find latest version")
		}
		if !lastTx.Valid || lastTx.String != v.PreviousTx {
			return banx.Errorf(banx.ECONFLICT, "previous version must be the anchor of version %d (%s), got %q", last, lastTx.String, v.PreviousTx)
		}
		v.Version = last + 1
		if err := insertVersion(ctx, tx, v, now); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE articles SET updated_at = ? WHERE id = ?`, now, v.ArticleID)
		return translate(err, "touch article")
	})
}

func validateVersion(v *banx.ArticleVersion) error {
	switch {
	case !isLowerHex(v.SHA256, 64):
		return banx.Errorf(banx.EINVALID, "sha256 must be 64 lowercase hex characters, got %q", v.SHA256)
	case v.PreviousTx != "" && !isUpperHex(v.PreviousTx, 64):
		return banx.Errorf(banx.EINVALID, "previous tx must be a 64-character uppercase hex hash, got %q", v.PreviousTx)
	case v.ManifestCID == "":
		return banx.Errorf(banx.EINVALID, "manifest CID is empty")
	case v.Status == "":
		v.Status = banx.StatusDraft
	case !v.Status.Valid():
		return banx.Errorf(banx.EINVALID, "unknown status %q", v.Status)
	}
	return nil
}

func insertVersion(ctx context.Context, tx *sql.Tx, v *banx.ArticleVersion, now string) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO article_versions
		(article_id, version, manifest_cid, sha256, author, title, status, anchor_tx_hash, previous_tx, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		v.ArticleID, v.Version, v.ManifestCID, v.SHA256, v.Author, v.Title, string(v.Status),
		nullable(v.AnchorTxHash), nullable(v.PreviousTx), now, now)
	if err != nil {
		return translate(err, "store version of manifest "+v.ManifestCID)
	}
	if v.ID, err = res.LastInsertId(); err != nil {
		return translate(err, "store version")
	}
	v.CreatedAt, _ = parseTime(now)
	v.UpdatedAt = v.CreatedAt
	return nil
}

// statusOrder lets SetVersionStatus refuse to move a version backwards: a published
// article must never silently become a draft again.
var statusOrder = map[banx.ArticleStatus]int{
	banx.StatusDraft: 0, banx.StatusStored: 1, banx.StatusAnchoring: 2,
	banx.StatusPublished: 3, banx.StatusFailed: 3,
}

// SetVersionStatus moves a version forward to status, recording the anchor tx hash
// when one is given. Moving backwards, or out of a final status, is a conflict;
// a failed anchor may be retried by moving from failed back to anchoring.
func (db *DB) SetVersionStatus(ctx context.Context, id int64, status banx.ArticleStatus, anchorTx string) error {
	if !status.Valid() {
		return banx.Errorf(banx.EINVALID, "unknown status %q", status)
	}
	return db.withTx(ctx, func(tx *sql.Tx) error {
		var cur string
		if err := tx.QueryRowContext(ctx, `SELECT status FROM article_versions WHERE id = ?`, id).Scan(&cur); err != nil {
			return translate(err, "find version")
		}
		from := banx.ArticleStatus(cur)
		retry := from == banx.StatusFailed && status == banx.StatusAnchoring
		if from == banx.StatusPublished || (!retry && statusOrder[status] < statusOrder[from]) {
			return banx.Errorf(banx.ECONFLICT, "version %d cannot move from %s to %s", id, from, status)
		}
		_, err := tx.ExecContext(ctx, `UPDATE article_versions SET status = ?,
			anchor_tx_hash = COALESCE(?, anchor_tx_hash), updated_at = ? WHERE id = ?`,
			string(status), nullable(anchorTx), db.now(), id)
		return translate(err, "update version status")
	})
}

const versionColumns = `id, article_id, version, manifest_cid, sha256, author, title, status,
	COALESCE(anchor_tx_hash, ''), COALESCE(previous_tx, ''), created_at, updated_at`

// FindVersionByCID returns the version whose manifest is stored under cid.
func (db *DB) FindVersionByCID(ctx context.Context, cid string) (*banx.ArticleVersion, error) {
	row := db.read.QueryRowContext(ctx, `SELECT `+versionColumns+` FROM article_versions WHERE manifest_cid = ?`, cid)
	v, err := scanVersion(row)
	return v, translate(err, "find version by CID "+cid)
}

// ListVersions returns an article's versions, oldest first.
func (db *DB) ListVersions(ctx context.Context, articleID int64) ([]*banx.ArticleVersion, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+versionColumns+` FROM article_versions WHERE article_id = ? ORDER BY version`, articleID)
	if err != nil {
		return nil, translate(err, "list versions")
	}
	defer rows.Close()
	var out []*banx.ArticleVersion
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, translate(err, "list versions")
		}
		out = append(out, v)
	}
	return out, translate(rows.Err(), "list versions")
}

type scanner interface{ Scan(...any) error }

func scanVersion(s scanner) (*banx.ArticleVersion, error) {
	var v banx.ArticleVersion
	var status, created, updated string
	if err := s.Scan(&v.ID, &v.ArticleID, &v.Version, &v.ManifestCID, &v.SHA256, &v.Author, &v.Title,
		&status, &v.AnchorTxHash, &v.PreviousTx, &created, &updated); err != nil {
		return nil, err
	}
	v.Status = banx.ArticleStatus(status)
	var err error
	if v.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if v.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	return &v, nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func isLowerHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func isUpperHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
