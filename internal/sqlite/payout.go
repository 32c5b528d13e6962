package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/payout"
	"github.com/banxmedia/banx/internal/reward"
)

// EpochViews returns the counted views per article recorded in [start, end),
// read from the view ledger (table views). It is the one query an epoch plan
// depends on; the (counted, recorded_at) index makes it a range scan.
func (db *DB) EpochViews(ctx context.Context, start, end time.Time) ([]reward.ArticleViews, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT author, article_id, COUNT(*) FROM views
		WHERE counted = 1 AND recorded_at >= ? AND recorded_at < ?
		GROUP BY author, article_id`, start.UTC().Format(timeFormat), end.UTC().Format(timeFormat))
	if err != nil {
		if strings.Contains(err.Error(), "no such table") {
			return nil, banx.Wrap(banx.EUNAVAILABLE, err, "the view ledger (table views) does not exist in %s", db.Path)
		}
		return nil, translate(err, "read epoch views")
	}
	defer rows.Close()
	var out []reward.ArticleViews
	for rows.Next() {
		var v reward.ArticleViews
		if err := rows.Scan(&v.Author, &v.ArticleID, &v.Views); err != nil {
			return nil, translate(err, "read epoch views")
		}
		out = append(out, v)
	}
	return out, translate(rows.Err(), "read epoch views")
}

// SetBeneficiaries replaces author's split. An empty list removes it, so the
// author is paid in full again. The shares must sum to exactly 100%.
func (db *DB) SetBeneficiaries(ctx context.Context, author string, shares []reward.Share, max int) error {
	if len(shares) > 0 {
		if err := reward.ValidateShares(author, shares, max); err != nil {
			return err
		}
	}
	now := db.now()
	return db.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM reward_beneficiaries WHERE author = ?`, author); err != nil {
			return translate(err, "replace beneficiaries")
		}
		for _, s := range shares {
			if _, err := tx.ExecContext(ctx, `INSERT INTO reward_beneficiaries (author, account, basis_points, updated_at) VALUES (?, ?, ?, ?)`,
				author, s.Account, s.BasisPoints, now); err != nil {
				return translate(err, "store beneficiary "+s.Account)
			}
		}
		return nil
	})
}

// Beneficiaries returns author's split ordered by account; empty when the author
// is paid in full.
func (db *DB) Beneficiaries(ctx context.Context, author string) ([]reward.Share, error) {
	all, err := db.beneficiaries(ctx, `WHERE author = ?`, author)
	return all[author], err
}

// AllBeneficiaries returns every author's split.
func (db *DB) AllBeneficiaries(ctx context.Context) (map[string][]reward.Share, error) {
	return db.beneficiaries(ctx, "")
}

func (db *DB) beneficiaries(ctx context.Context, where string, args ...any) (map[string][]reward.Share, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT author, account, basis_points FROM reward_beneficiaries `+where+` ORDER BY author, account`, args...)
	if err != nil {
		return nil, translate(err, "read beneficiaries")
	}
	defer rows.Close()
	out := map[string][]reward.Share{}
	for rows.Next() {
		var author string
		var s reward.Share
		if err := rows.Scan(&author, &s.Account, &s.BasisPoints); err != nil {
			return nil, translate(err, "read beneficiaries")
		}
		out[author] = append(out[author], s)
	}
	return out, translate(rows.Err(), "read beneficiaries")
}

// SetDeclined records whether author declines rewards.
func (db *DB) SetDeclined(ctx context.Context, author string, declined bool) error {
	return db.withTx(ctx, func(tx *sql.Tx) error {
		var err error
		if declined {
			_, err = tx.ExecContext(ctx, `INSERT INTO reward_declines (author, declined_at) VALUES (?, ?) ON CONFLICT (author) DO NOTHING`, author, db.now())
		} else {
			_, err = tx.ExecContext(ctx, `DELETE FROM reward_declines WHERE author = ?`, author)
		}
		return translate(err, "store reward preference of "+author)
	})
}

// DeclinedAuthors returns the authors who decline rewards, sorted.
func (db *DB) DeclinedAuthors(ctx context.Context) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT author FROM reward_declines ORDER BY author`)
	if err != nil {
		return nil, translate(err, "read declined authors")
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, translate(err, "read declined authors")
		}
		out = append(out, a)
	}
	return out, translate(rows.Err(), "read declined authors")
}

// LastPlan returns the plan of the highest epoch, or ENOTFOUND.
func (db *DB) LastPlan(ctx context.Context) (*payout.PlanRecord, error) {
	return db.plan(ctx, `ORDER BY epoch DESC LIMIT 1`)
}

// Plan returns epoch's plan, or ENOTFOUND.
func (db *DB) Plan(ctx context.Context, epoch uint64) (*payout.PlanRecord, error) {
	rec, err := db.plan(ctx, `WHERE epoch = ?`, epoch)
	if banx.ErrorCode(err) == banx.ENOTFOUND {
		return nil, banx.Errorf(banx.ENOTFOUND, "epoch %d has no plan: run `banx payout plan --epoch %d` first", epoch, epoch)
	}
	return rec, err
}

func (db *DB) plan(ctx context.Context, tail string, args ...any) (*payout.PlanRecord, error) {
	var rec payout.PlanRecord
	var created string
	err := db.read.QueryRowContext(ctx, `SELECT epoch, network, root, document, created_at FROM payout_plans `+tail, args...).
		Scan(&rec.Epoch, &rec.Network, &rec.Root, &rec.Document, &created)
	if err != nil {
		return nil, translate(err, "read plan")
	}
	rec.CreatedAt, err = parseTime(created)
	return &rec, err
}

// SavePlan stores a plan and its pending payments in one transaction. Saving the
// same plan again is a no-op; a plan with another root for the same epoch is
// ECONFLICT, because payments may already have been made from the first.
func (db *DB) SavePlan(ctx context.Context, rec payout.PlanRecord, payouts []payout.Payout) error {
	now := db.now()
	return db.withTx(ctx, func(tx *sql.Tx) error {
		var root string
		err := tx.QueryRowContext(ctx, `SELECT root FROM payout_plans WHERE epoch = ?`, rec.Epoch).Scan(&root)
		switch {
		case err == nil && root == rec.Root:
			return nil
		case err == nil:
			return banx.Errorf(banx.ECONFLICT, "epoch %d already has a plan with root %s; a different plan (root %s) cannot replace it", rec.Epoch, root, rec.Root)
		case !errors.Is(err, sql.ErrNoRows):
			return translate(err, "read plan")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO payout_plans (epoch, network, root, document, created_at) VALUES (?, ?, ?, ?, ?)`,
			rec.Epoch, rec.Network, rec.Root, rec.Document, now); err != nil {
			return translate(err, "store plan")
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO payouts (epoch, author, account, amount, status, updated_at) VALUES (?, ?, ?, ?, 'pending', ?)`)
		if err != nil {
			return translate(err, "store payouts")
		}
		defer stmt.Close()
		for _, p := range payouts {
			if _, err := stmt.ExecContext(ctx, rec.Epoch, p.Author, p.Account, p.Amount, now); err != nil {
				return translate(err, "store payout to "+p.Account)
			}
		}
		return nil
	})
}

// Payouts returns epoch's payments ordered by id.
func (db *DB) Payouts(ctx context.Context, epoch uint64) ([]payout.Payout, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, epoch, author, account, amount, status, attempt, tx_hash, tx_blob,
		sequence, last_ledger_seq, result, delivered, ledger_index, reason, updated_at FROM payouts WHERE epoch = ? ORDER BY id`, epoch)
	if err != nil {
		return nil, translate(err, "read payouts")
	}
	defer rows.Close()
	var out []payout.Payout
	for rows.Next() {
		var p payout.Payout
		var hash, blob, result, delivered, reason sql.NullString
		var seq, lls, idx sql.NullInt64
		var updated string
		if err := rows.Scan(&p.ID, &p.Epoch, &p.Author, &p.Account, &p.Amount, &p.Status, &p.Attempt, &hash, &blob,
			&seq, &lls, &result, &delivered, &idx, &reason, &updated); err != nil {
			return nil, translate(err, "read payouts")
		}
		p.TxHash, p.TxBlob, p.Result, p.Delivered, p.Reason = hash.String, blob.String, result.String, delivered.String, reason.String
		p.Sequence, p.LastLedgerSequence, p.LedgerIndex = uint32(seq.Int64), uint32(lls.Int64), uint32(idx.Int64)
		if p.UpdatedAt, err = parseTime(updated); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, translate(rows.Err(), "read payouts")
}

// MarkSigned stores the signed transactions of pending payments, all or none.
// It is the write that must reach the disk before any of the blobs is submitted.
func (db *DB) MarkSigned(ctx context.Context, signed []payout.Signed) error {
	now := db.now()
	return db.withTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `UPDATE payouts SET status = 'signed', attempt = attempt + 1, tx_hash = ?, tx_blob = ?,
			sequence = ?, last_ledger_seq = ?, result = NULL, updated_at = ? WHERE id = ? AND status = 'pending'`)
		if err != nil {
			return translate(err, "store signed payouts")
		}
		defer stmt.Close()
		for _, s := range signed {
			res, err := stmt.ExecContext(ctx, s.TxHash, s.TxBlob, s.Sequence, s.LastLedgerSequence, now, s.ID)
			if err := expectOne(res, err, s.ID, "pending"); err != nil {
				return err
			}
		}
		return nil
	})
}

// MarkSubmitted records the provisional results of signed payments.
func (db *DB) MarkSubmitted(ctx context.Context, ids []int64, results []string) error {
	now := db.now()
	return db.withTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `UPDATE payouts SET status = 'submitted', result = ?, updated_at = ? WHERE id = ? AND status IN ('signed', 'submitted')`)
		if err != nil {
			return translate(err, "store submitted payouts")
		}
		defer stmt.Close()
		for i, id := range ids {
			res, err := stmt.ExecContext(ctx, results[i], now, id)
			if err := expectOne(res, err, id, "signed"); err != nil {
				return err
			}
		}
		return nil
	})
}

// MarkFinal stores final outcomes of in-flight payments, all or none.
func (db *DB) MarkFinal(ctx context.Context, outcomes []payout.Outcome) error {
	now := db.now()
	return db.withTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `UPDATE payouts SET status = ?, result = ?, delivered = ?, ledger_index = ?, reason = ?, updated_at = ?
			WHERE id = ? AND status IN ('signed', 'submitted')`)
		if err != nil {
			return translate(err, "store payout outcomes")
		}
		defer stmt.Close()
		for _, o := range outcomes {
			if !o.Status.Final() {
				return banx.Errorf(banx.EINTERNAL, "payout %d: %q is not a final status", o.ID, o.Status)
			}
			res, err := stmt.ExecContext(ctx, string(o.Status), o.Result, nullIfEmpty(o.Delivered), o.LedgerIndex, nullIfEmpty(o.Reason), now, o.ID)
			if err := expectOne(res, err, o.ID, "signed or submitted"); err != nil {
				return err
			}
		}
		return nil
	})
}

// MarkExpired returns in-flight payments whose transaction a validated ledger
// has passed unapplied to pending, and keeps the dead hash in payout_expired.
func (db *DB) MarkExpired(ctx context.Context, ids []int64, validatedLedger uint32) error {
	now := db.now()
	return db.withTx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			res, err := tx.ExecContext(ctx, `INSERT INTO payout_expired (tx_hash, payout_id, attempt, sequence, last_ledger_seq, validated_ledger, last_result, expired_at)
				SELECT tx_hash, id, attempt, sequence, last_ledger_seq, ?, result, ? FROM payouts WHERE id = ? AND status IN ('signed', 'submitted')`,
				validatedLedger, now, id)
			if err := expectOne(res, err, id, "signed or submitted"); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE payouts SET status = 'pending', tx_hash = NULL, tx_blob = NULL, sequence = NULL,
				last_ledger_seq = NULL, result = NULL, updated_at = ? WHERE id = ?`, now, id); err != nil {
				return translate(err, "expire payout")
			}
		}
		return nil
	})
}

// ExpiredHashes returns the dead transactions of payment id, oldest first.
func (db *DB) ExpiredHashes(ctx context.Context, id int64) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT tx_hash FROM payout_expired WHERE payout_id = ? ORDER BY attempt`, id)
	if err != nil {
		return nil, translate(err, "read expired payouts")
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, translate(err, "read expired payouts")
		}
		out = append(out, h)
	}
	return out, translate(rows.Err(), "read expired payouts")
}

// LockPayouts takes an exclusive advisory lock on a file beside the database.
// The kernel drops it when the process dies, so a crashed run never blocks the
// run that resumes it, while a second live run (the API and the CLI at once) is
// refused with ECONFLICT instead of signing the same payments twice.
func (db *DB) LockPayouts(ctx context.Context) (func(), error) {
	path := db.Path + "-payout.lock"
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, banx.Wrap(banx.EUNAVAILABLE, err, "open payout lock %s", path)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, banx.Errorf(banx.ECONFLICT, "another payout run is in progress on this database")
		}
		return nil, banx.Wrap(banx.EUNAVAILABLE, err, "lock %s", path)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// expectOne turns "no row updated" into ECONFLICT: the payment was not in the
// state the caller believed, which a state machine must never ignore.
func expectOne(res sql.Result, err error, id int64, want string) error {
	if err != nil {
		return translate(err, "update payout")
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return banx.Errorf(banx.ECONFLICT, "payout %d is not %s", id, want)
	}
	return nil
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
