package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/banxmedia/banx/internal/banx"
)

// anchoringColumns follow versionColumns in the queries that read a version
// with its anchoring details.
const anchoringColumns = `COALESCE(mode, ''), COALESCE(anchor_id, 0), leaf_public_key, leaf_signature,
	leaf_index, proof_path, network_id, failure_reason`

func scanDetail(s scanner) (banx.VersionDetail, error) {
	var v banx.ArticleVersion
	var a banx.VersionAnchoring
	var status, created, updated, mode, path string
	if err := s.Scan(&v.ID, &v.ArticleID, &v.Version, &v.ManifestCID, &v.SHA256, &v.Author, &v.Title,
		&status, &v.AnchorTxHash, &v.PreviousTx, &created, &updated,
		&mode, &a.AnchorID, &a.LeafPublicKey, &a.LeafSignature, &a.LeafIndex, &path, &a.NetworkID, &a.FailureReason); err != nil {
		return banx.VersionDetail{}, err
	}
	v.Status, a.Mode, a.VersionID = banx.ArticleStatus(status), banx.AnchorMode(mode), v.ID
	if path != "" {
		a.ProofPath = strings.Split(path, ",")
	}
	var err error
	if v.CreatedAt, err = parseTime(created); err != nil {
		return banx.VersionDetail{}, err
	}
	if v.UpdatedAt, err = parseTime(updated); err != nil {
		return banx.VersionDetail{}, err
	}
	return banx.VersionDetail{Version: &v, Anchoring: &a}, nil
}

// FindVersion returns a version by id with its anchoring details.
func (db *DB) FindVersion(ctx context.Context, id int64) (banx.VersionDetail, error) {
	row := db.read.QueryRowContext(ctx, `SELECT `+versionColumns+`, `+anchoringColumns+` FROM article_versions WHERE id = ?`, id)
	d, err := scanDetail(row)
	return d, translate(err, fmt.Sprintf("article version %d", id))
}

// FindVersionByNumber returns version n of an article with its anchoring details.
func (db *DB) FindVersionByNumber(ctx context.Context, articleID int64, n int) (banx.VersionDetail, error) {
	row := db.read.QueryRowContext(ctx, `SELECT `+versionColumns+`, `+anchoringColumns+`
		FROM article_versions WHERE article_id = ? AND version = ?`, articleID, n)
	d, err := scanDetail(row)
	return d, translate(err, fmt.Sprintf("version %d of article %d", n, articleID))
}

// ListVersionDetails returns an article's versions with anchoring details, oldest first.
func (db *DB) ListVersionDetails(ctx context.Context, articleID int64) ([]banx.VersionDetail, error) {
	return db.queryDetails(ctx, "list versions", `SELECT `+versionColumns+`, `+anchoringColumns+`
		FROM article_versions WHERE article_id = ? ORDER BY version`, articleID)
}

// FindLatestVersionsByAnchorTx returns, for each article whose latest version
// is anchored by txHash, that latest version. An edit names its predecessor by
// anchor transaction; a batch transaction anchors many versions, so the answer
// may hold several articles (and authors).
func (db *DB) FindLatestVersionsByAnchorTx(ctx context.Context, txHash string) ([]banx.VersionDetail, error) {
	return db.queryDetails(ctx, "find versions by anchor", `SELECT `+versionColumns+`, `+anchoringColumns+`
		FROM article_versions v WHERE anchor_tx_hash = ?
		AND version = (SELECT MAX(version) FROM article_versions w WHERE w.article_id = v.article_id)
		ORDER BY article_id`, txHash)
}

// queryDetails runs a query selecting versionColumns and anchoringColumns and
// scans every row; what names the operation in errors.
func (db *DB) queryDetails(ctx context.Context, what, query string, args ...any) ([]banx.VersionDetail, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, translate(err, what)
	}
	defer rows.Close()
	var out []banx.VersionDetail
	for rows.Next() {
		d, err := scanDetail(rows)
		if err != nil {
			return nil, translate(err, what)
		}
		out = append(out, d)
	}
	return out, translate(rows.Err(), what)
}

// FindArticle returns an article by id.
func (db *DB) FindArticle(ctx context.Context, id int64) (*banx.Article, error) {
	var a banx.Article
	var created, updated string
	err := db.read.QueryRowContext(ctx, `SELECT id, author, slug, created_at, updated_at FROM articles WHERE id = ?`, id).
		Scan(&a.ID, &a.Author, &a.Slug, &created, &updated)
	if err != nil {
		return nil, translate(err, fmt.Sprintf("article %d", id))
	}
	if a.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if a.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	return &a, nil
}

// ListPublished returns articles that have a published version, newest first,
// each with its newest published version. author filters when not empty.
func (db *DB) ListPublished(ctx context.Context, author string, limit, offset int) ([]banx.PublishedArticle, error) {
	q := `SELECT a.id, a.author, a.slug, a.created_at, a.updated_at, v.id, v.article_id, v.version, v.manifest_cid,
		v.sha256, v.author, v.title, v.status, COALESCE(v.anchor_tx_hash, ''), COALESCE(v.previous_tx, ''), v.created_at, v.updated_at
		FROM articles a JOIN article_versions v ON v.article_id = a.id
		WHERE v.status = 'published' AND v.version = (SELECT MAX(version) FROM article_versions w
			WHERE w.article_id = a.id AND w.status = 'published')
		AND (? = '' OR a.author = ?)
		ORDER BY v.updated_at DESC, a.id DESC LIMIT ? OFFSET ?`
	rows, err := db.read.QueryContext(ctx, q, author, author, limit, offset)
	if err != nil {
		return nil, translate(err, "list articles")
	}
	defer rows.Close()
	var out []banx.PublishedArticle
	for rows.Next() {
		var a banx.Article
		var ac, au string
		var v banx.ArticleVersion
		var status, created, updated string
		if err := rows.Scan(&a.ID, &a.Author, &a.Slug, &ac, &au, &v.ID, &v.ArticleID, &v.Version, &v.ManifestCID, &v.SHA256,
			&v.Author, &v.Title, &status, &v.AnchorTxHash, &v.PreviousTx, &created, &updated); err != nil {
			return nil, translate(err, "list articles")
		}
		v.Status = banx.ArticleStatus(status)
		a.CreatedAt, _ = parseTime(ac)
		a.UpdatedAt, _ = parseTime(au)
		v.CreatedAt, _ = parseTime(created)
		v.UpdatedAt, _ = parseTime(updated)
		out = append(out, banx.PublishedArticle{Article: &a, Latest: &v})
	}
	return out, translate(rows.Err(), "list articles")
}

// anchorable reports whether a version in status st may start anchoring: it is
// stored on IPFS and not already anchoring or published. A failed version may
// try again; its draft was kept for that.
func anchorable(st banx.ArticleStatus) bool {
	return st == banx.StatusStored || st == banx.StatusFailed
}

func versionStatusTx(ctx context.Context, tx *sql.Tx, id int64) (banx.ArticleStatus, int64, error) {
	var st string
	var anchorID int64
	err := tx.QueryRowContext(ctx, `SELECT status, COALESCE(anchor_id, 0) FROM article_versions WHERE id = ?`, id).Scan(&st, &anchorID)
	return banx.ArticleStatus(st), anchorID, translate(err, "find version")
}

// PrepareSelfAnchor records the unsigned transaction prepared for a self anchor
// of a version and makes it the version's current anchor. The version keeps
// its status until a signed blob is submitted. A previous prepared (never
// signed) anchor of the version is dropped.
func (db *DB) PrepareSelfAnchor(ctx context.Context, versionID int64, a *banx.Anchor) error {
	now := db.now()
	return db.withTx(ctx, func(tx *sql.Tx) error {
		st, oldID, err := versionStatusTx(ctx, tx, versionID)
		if err != nil {
			return err
		}
		if !anchorable(st) {
			return banx.Errorf(banx.ECONFLICT, "version %d is %s: only a stored or failed version can be anchored", versionID, st)
		}
		a.Mode, a.Status = banx.ModeSelf, banx.AnchorPrepared
		res, err := tx.ExecContext(ctx, `INSERT INTO anchors (mode, account, unsigned_tx, status, last_ledger_seq,
			memo_type, memo_format, memo_data, created_at, updated_at) VALUES ('self', ?, ?, 'prepared', ?, ?, ?, ?, ?, ?)`,
			a.Account, a.Unsigned, a.LastLedgerSequence, a.MemoType, a.MemoFormat, a.MemoData, now, now)
		if err != nil {
			return translate(err, "store prepared anchor")
		}
		a.ID, _ = res.LastInsertId()
		if _, err := tx.ExecContext(ctx, `UPDATE article_versions SET mode = 'self', anchor_id = ?, updated_at = ? WHERE id = ?`,
			a.ID, now, versionID); err != nil {
			return translate(err, "attach anchor")
		}
		if oldID != 0 {
			if _, err := tx.ExecContext(ctx, `DELETE FROM anchors WHERE id = ? AND status = 'prepared'`, oldID); err != nil {
				return translate(err, "drop old prepared anchor")
			}
		}
		a.CreatedAt, _ = parseTime(now)
		a.UpdatedAt = a.CreatedAt
		return nil
	})
}

// SubmitSelfAnchor records the author's signed blob of the prepared anchor
// anchorID, before anything is submitted: the anchor becomes 'submitted' with
// its hash, and the version 'anchoring' with that hash. ECONFLICT if the anchor
// is no longer the version's prepared anchor (signed twice, or re-prepared).
func (db *DB) SubmitSelfAnchor(ctx context.Context, versionID, anchorID int64, blob, hash string) error {
	now := db.now()
	return db.withTx(ctx, func(tx *sql.Tx) error {
		st, cur, err := versionStatusTx(ctx, tx, versionID)
		if err != nil {
			return err
		}
		if cur != anchorID || !anchorable(st) {
			return banx.Errorf(banx.ECONFLICT, "version %d (%s) has no prepared anchor %d to submit", versionID, st, anchorID)
		}
		res, err := tx.ExecContext(ctx, `UPDATE anchors SET tx_blob = ?, tx_hash = ?, status = 'submitted', updated_at = ?
			WHERE id = ? AND status = 'prepared'`, blob, hash, now, anchorID)
		if err != nil {
			return translate(err, "store signed anchor")
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return banx.Errorf(banx.ECONFLICT, "anchor %d was already submitted", anchorID)
		}
		_, err = tx.ExecContext(ctx, `UPDATE article_versions SET status = 'anchoring', anchor_tx_hash = ?, failure_reason = '',
			updated_at = ? WHERE id = ?`, hash, now, versionID)
		return translate(err, "mark version anchoring")
	})
}

// QueueBatchLeaf records the author's leaf signature and puts the version in
// the queue of the next platform batch ('anchoring' without an anchor).
func (db *DB) QueueBatchLeaf(ctx context.Context, versionID int64, publicKey, signature string, networkID uint32) error {
	now := db.now()
	return db.withTx(ctx, func(tx *sql.Tx) error {
		st, oldID, err := versionStatusTx(ctx, tx, versionID)
		if err != nil {
			return err
		}
		if !anchorable(st) {
			return banx.Errorf(banx.ECONFLICT, "version %d is %s: only a stored or failed version can be anchored", versionID, st)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE article_versions SET status = 'anchoring', mode = 'batch', anchor_id = NULL,
			anchor_tx_hash = NULL, leaf_public_key = ?, leaf_signature = ?, network_id = ?, leaf_index = 0, proof_path = '',
			failure_reason = '', updated_at = ? WHERE id = ?`, publicKey, signature, networkID, now, versionID); err != nil {
			return translate(err, "queue leaf")
		}
		if oldID != 0 {
			if _, err := tx.ExecContext(ctx, `DELETE FROM anchors WHERE id = ? AND status = 'prepared'`, oldID); err != nil {
				return translate(err, "drop old prepared anchor")
			}
		}
		return nil
	})
}

// PendingLeaves returns up to limit versions queued for a batch, oldest first.
func (db *DB) PendingLeaves(ctx context.Context, limit int) ([]banx.PendingLeaf, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, author, sha256, manifest_cid, leaf_public_key, leaf_signature, network_id
		FROM article_versions WHERE status = 'anchoring' AND mode = 'batch' AND anchor_id IS NULL
		ORDER BY updated_at, id LIMIT ?`, limit)
	if err != nil {
		return nil, translate(err, "list pending leaves")
	}
	defer rows.Close()
	var out []banx.PendingLeaf
	for rows.Next() {
		var p banx.PendingLeaf
		if err := rows.Scan(&p.VersionID, &p.Author, &p.SHA256, &p.CID, &p.PublicKey, &p.Signature, &p.NetworkID); err != nil {
			return nil, translate(err, "list pending leaves")
		}
		out = append(out, p)
	}
	return out, translate(rows.Err(), "list pending leaves")
}

// CreateBatchAnchor stores a signed batch transaction (status 'submitted')
// and attaches every leaf to it, in one transaction, before the blob is
// submitted. ECONFLICT if a leaf is no longer waiting for a batch.
func (db *DB) CreateBatchAnchor(ctx context.Context, a *banx.Anchor, leaves []banx.LeafPlacement) error {
	now := db.now()
	return db.withTx(ctx, func(tx *sql.Tx) error {
		a.Mode, a.Status = banx.ModeBatch, banx.AnchorSubmitted
		res, err := tx.ExecContext(ctx, `INSERT INTO anchors (mode, account, tx_blob, tx_hash, last_ledger_seq, status,
			memo_type, memo_format, memo_data, root, leaves, created_at, updated_at)
			VALUES ('batch', ?, ?, ?, ?, 'submitted', ?, ?, ?, ?, ?, ?, ?)`,
			a.Account, a.Blob, a.TxHash, a.LastLedgerSequence, a.MemoType, a.MemoFormat, a.MemoData, a.Root, a.Leaves, now, now)
		if err != nil {
			return translate(err, "store batch anchor")
		}
		a.ID, _ = res.LastInsertId()
		stmt, err := tx.PrepareContext(ctx, `UPDATE article_versions SET anchor_id = ?, anchor_tx_hash = ?, leaf_index = ?,
			proof_path = ?, updated_at = ? WHERE id = ? AND status = 'anchoring' AND mode = 'batch' AND anchor_id IS NULL`)
		if err != nil {
			return translate(err, "attach leaves")
		}
		defer stmt.Close()
		for _, l := range leaves {
			res, err := stmt.ExecContext(ctx, a.ID, a.TxHash, l.Index, strings.Join(l.Path, ","), now, l.VersionID)
			if err != nil {
				return translate(err, "attach leaf")
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return banx.Errorf(banx.ECONFLICT, "version %d is no longer waiting for a batch", l.VersionID)
			}
		}
		a.CreatedAt, _ = parseTime(now)
		a.UpdatedAt = a.CreatedAt
		return nil
	})
}

// ResignAnchor replaces the transaction of a batch anchor whose previous
// transaction can never apply (a validated ledger passed its
// LastLedgerSequence). It is stored before the new blob is submitted.
func (db *DB) ResignAnchor(ctx context.Context, anchorID int64, oldHash, blob, hash string, lastLedgerSeq uint32) error {
	now := db.now()
	return db.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE anchors SET tx_blob = ?, tx_hash = ?, last_ledger_seq = ?, updated_at = ?
			WHERE id = ? AND tx_hash = ? AND status = 'submitted' AND mode = 'batch'`, blob, hash, lastLedgerSeq, now, anchorID, oldHash)
		if err != nil {
			return translate(err, "store re-signed anchor")
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return banx.Errorf(banx.ECONFLICT, "anchor %d is not an in-flight batch with transaction %s", anchorID, oldHash)
		}
		_, err = tx.ExecContext(ctx, `UPDATE article_versions SET anchor_tx_hash = ?, updated_at = ? WHERE anchor_id = ?`, hash, now, anchorID)
		return translate(err, "point versions at the new transaction")
	})
}

// FinishAnchor records the final outcome of an in-flight anchor and moves its
// versions on: validated publishes them, failed marks them failed with the
// reason (their drafts are kept and may be anchored again).
func (db *DB) FinishAnchor(ctx context.Context, anchorID int64, status banx.AnchorStatus, result, reason string, ledgerIndex uint32) error {
	if status != banx.AnchorValidated && status != banx.AnchorFailed {
		return banx.Errorf(banx.EINVALID, "anchor outcome must be validated or failed, got %q", status)
	}
	now := db.now()
	return db.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE anchors SET status = ?, result = ?, reason = ?, ledger_index = ?, updated_at = ?
			WHERE id = ? AND status = 'submitted'`, string(status), result, reason, ledgerIndex, now, anchorID)
		if err != nil {
			return translate(err, "finish anchor")
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return banx.Errorf(banx.ECONFLICT, "anchor %d is not in flight", anchorID)
		}
		if status == banx.AnchorValidated {
			_, err = tx.ExecContext(ctx, `UPDATE article_versions SET status = 'published', failure_reason = '', updated_at = ?
				WHERE anchor_id = ? AND status = 'anchoring'`, now, anchorID)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE article_versions SET status = 'failed', failure_reason = ?, updated_at = ?
				WHERE anchor_id = ? AND status = 'anchoring'`, reason, now, anchorID)
		}
		return translate(err, "update versions of anchor")
	})
}

const anchorColumns = `id, mode, account, unsigned_tx, tx_blob, COALESCE(tx_hash, ''), last_ledger_seq, status, result, reason,
	ledger_index, memo_type, memo_format, memo_data, root, leaves, created_at, updated_at`

func scanAnchor(s scanner) (*banx.Anchor, error) {
	var a banx.Anchor
	var mode, status, created, updated string
	if err := s.Scan(&a.ID, &mode, &a.Account, &a.Unsigned, &a.Blob, &a.TxHash, &a.LastLedgerSequence, &status, &a.Result,
		&a.Reason, &a.LedgerIndex, &a.MemoType, &a.MemoFormat, &a.MemoData, &a.Root, &a.Leaves, &created, &updated); err != nil {
		return nil, err
	}
	a.Mode, a.Status = banx.AnchorMode(mode), banx.AnchorStatus(status)
	var err error
	if a.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if a.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	return &a, nil
}

// FindAnchor returns an anchor by id.
func (db *DB) FindAnchor(ctx context.Context, id int64) (*banx.Anchor, error) {
	a, err := scanAnchor(db.read.QueryRowContext(ctx, `SELECT `+anchorColumns+` FROM anchors WHERE id = ?`, id))
	return a, translate(err, "find anchor")
}

// InFlightAnchors returns every anchor whose transaction may be in flight
// (status 'submitted'), oldest first: what a restart must resolve first.
func (db *DB) InFlightAnchors(ctx context.Context) ([]*banx.Anchor, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+anchorColumns+` FROM anchors WHERE status = 'submitted' ORDER BY id`)
	if err != nil {
		return nil, translate(err, "list in-flight anchors")
	}
	defer rows.Close()
	var out []*banx.Anchor
	for rows.Next() {
		a, err := scanAnchor(rows)
		if err != nil {
			return nil, translate(err, "list in-flight anchors")
		}
		out = append(out, a)
	}
	return out, translate(rows.Err(), "list in-flight anchors")
}

// BatchLeafCount returns how many versions a batch anchor carries.
func (db *DB) BatchLeafCount(ctx context.Context, anchorID int64) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM article_versions WHERE anchor_id = ?`, anchorID).Scan(&n)
	return n, translate(err, "count batch leaves")
}
