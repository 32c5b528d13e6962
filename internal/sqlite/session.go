package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/banxmedia/banx/internal/banx"
)

// CreateChallenge stores a sign-in challenge so its nonce can be used once.
// Challenges that expired more than an hour before this one was issued are
// pruned on the way, so an
// unauthenticated caller asking for challenges cannot grow the table forever.
func (db *DB) CreateChallenge(ctx context.Context, c *banx.Challenge) error {
	return db.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM auth_challenges WHERE expires_at < ?
			AND nonce NOT IN (SELECT nonce FROM sessions)`, formatTime(c.IssuedAt.Add(-time.Hour))); err != nil {
			return translate(err, "prune challenges")
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO auth_challenges (nonce, address, domain, issued_at, expires_at)
			VALUES (?, ?, ?, ?, ?)`, c.Nonce, c.Address, c.Domain, formatTime(c.IssuedAt), formatTime(c.ExpiresAt))
		return translate(err, "store challenge")
	})
}

// FindChallenge returns the stored challenge with this nonce and whether it
// has been used. ENOTFOUND when the nonce was never issued (or long pruned).
func (db *DB) FindChallenge(ctx context.Context, nonce string) (*banx.Challenge, bool, error) {
	var c banx.Challenge
	var issued, expires string
	var used sql.NullString
	err := db.read.QueryRowContext(ctx, `SELECT nonce, address, domain, issued_at, expires_at, used_at
		FROM auth_challenges WHERE nonce = ?`, nonce).Scan(&c.Nonce, &c.Address, &c.Domain, &issued, &expires, &used)
	if err != nil {
		return nil, false, translate(err, "find challenge")
	}
	if c.IssuedAt, err = parseTime(issued); err != nil {
		return nil, false, err
	}
	if c.ExpiresAt, err = parseTime(expires); err != nil {
		return nil, false, err
	}
	return &c, used.Valid, nil
}

// CreateSession marks the challenge nonce used and stores the session, in one
// transaction: a nonce yields at most one session, even when two requests race
// with the same proof (the loser gets ECONFLICT). Only tokenHash is stored.
func (db *DB) CreateSession(ctx context.Context, nonce string, s *banx.Session, tokenHash string) error {
	now := db.now()
	return db.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE auth_challenges SET used_at = ? WHERE nonce = ? AND used_at IS NULL`, now, nonce)
		if err != nil {
			return translate(err, "use challenge")
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return banx.Errorf(banx.ECONFLICT, "challenge %s has already been used", nonce)
		}
		res, err = tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, address, public_key, nonce, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?)`, tokenHash, s.Address, s.PublicKey, nonce, now, formatTime(s.ExpiresAt))
		if err != nil {
			return translate(err, "store session")
		}
		s.ID, _ = res.LastInsertId()
		s.CreatedAt, _ = parseTime(now)
		return nil
	})
}

// FindSession returns the live (not revoked) session whose token hashes to
// tokenHash. ENOTFOUND otherwise; expiry is the caller's to judge.
func (db *DB) FindSession(ctx context.Context, tokenHash string) (*banx.Session, error) {
	var s banx.Session
	var created, expires string
	err := db.read.QueryRowContext(ctx, `SELECT id, address, public_key, created_at, expires_at FROM sessions
		WHERE token_hash = ? AND revoked_at IS NULL`, tokenHash).Scan(&s.ID, &s.Address, &s.PublicKey, &created, &expires)
	if err != nil {
		return nil, translate(err, "find session")
	}
	if s.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if s.ExpiresAt, err = parseTime(expires); err != nil {
		return nil, err
	}
	return &s, nil
}

// RevokeSession ends the session whose token hashes to tokenHash. ENOTFOUND if
// there is no live one.
func (db *DB) RevokeSession(ctx context.Context, tokenHash string) error {
	return db.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL`, db.now(), tokenHash)
		if err != nil {
			return translate(err, "revoke session")
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return banx.Errorf(banx.ENOTFOUND, "no live session for this token")
		}
		return nil
	})
}

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }
