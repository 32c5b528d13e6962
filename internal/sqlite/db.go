// Package sqlite stores Banx's local state in one SQLite file through
// mattn/go-sqlite3. It is an adapter: it speaks the domain types of package banx
// and translates SQLite's failures into banx error codes.
//
// SQLite allows one writer at a time. Rather than let many pooled connections
// race for the write lock (and fail with SQLITE_BUSY under load), the DB keeps a
// pool of read connections and exactly one write connection; WAL mode lets the
// readers proceed while the writer commits.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/banxmedia/banx/internal/banx"
	sqlite3 "github.com/mattn/go-sqlite3"
)

// DB is an open Banx database.
type DB struct {
	Path string

	// Now is the clock used for timestamps; tests replace it to get fixed times.
	Now func() time.Time

	read  *sql.DB
	write *sql.DB
}

// Open opens (creating if needed) the database file at path, applies pending
// migrations and returns it ready for use. The directory must exist or be creatable.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, banx.Errorf(banx.EINVALID, "database path is empty")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, banx.Wrap(banx.EUNAVAILABLE, err, "create database directory %s", filepath.Dir(path))
	}
	db := &DB{Path: path, Now: time.Now}
	var err error
	if db.write, err = openPool(path, "immediate", 1); err != nil {
		return nil, err
	}
	if db.read, err = openPool(path, "deferred", 8); err != nil {
		db.write.Close()
		return nil, err
	}
	if err := db.write.PingContext(ctx); err != nil {
		db.Close()
		return nil, banx.Wrap(banx.EUNAVAILABLE, err, "open database %s", path)
	}
	if err := checkFullText(ctx, db.write); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// openPool opens a connection pool with Banx's pragmas. The write pool uses
// BEGIN IMMEDIATE so a write transaction takes the lock at its start instead of
// failing half-way through when it upgrades from a read lock.
//
// synchronous=FULL fsyncs the WAL before COMMIT returns: what Banx records
// before it acts on the world (a signed payout or anchor blob before its
// submit, a draft before its 201) must survive a power cut, not only a crash of
// the process, or a restart could sign a second payment for one already sent.
// Writes are few and grouped (payout batches, beacon group commits), so the
// fsync is paid per transaction, not per row. Prepared statements are cached
// per connection (_stmt_cache_size) because the hot reads repeat a handful of
// queries.
func openPool(path, txlock string, maxConns int) (*sql.DB, error) {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", "5000")
	q.Set("_synchronous", "FULL")
	q.Set("_txlock", txlock)
	q.Set("_stmt_cache_size", "64")
	dsn := "file:" + path + "?" + q.Encode()
	pool, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return nil, banx.Wrap(banx.EINTERNAL, err, "open database %s", path)
	}
	pool.SetMaxOpenConns(maxConns)
	pool.SetMaxIdleConns(maxConns)
	pool.SetConnMaxLifetime(0)
	return pool, nil
}

// Close closes both pools. It is safe to call on a partly opened DB.
func (db *DB) Close() error {
	var errs []error
	if db.read != nil {
		errs = append(errs, db.read.Close())
	}
	if db.write != nil {
		errs = append(errs, db.write.Close())
	}
	return errors.Join(errs...)
}

// Ping checks that the database answers a query; /healthz reports it.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return banx.Wrap(banx.EUNAVAILABLE, err, "database %s does not answer", db.Path)
	}
	return nil
}

// withTx runs fn in one write transaction, committing if fn returns nil and rolling
// back otherwise, so nothing is ever half written.
func (db *DB) withTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return translate(err, "begin transaction")
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return translate(err, "commit")
	}
	return nil
}

// timeFormat keeps timestamps sortable as text and precise to the nanosecond.
const timeFormat = "2006-01-02T15:04:05.000000000Z07:00"

func (db *DB) now() string { return db.Now().UTC().Format(timeFormat) }

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(timeFormat, s)
	if err != nil {
		return time.Time{}, banx.Wrap(banx.EINTERNAL, err, "stored timestamp %q is malformed", s)
	}
	return t, nil
}

// translate maps SQLite failures to banx codes, keeping the cause for the logs.
func translate(err error, what string) error {
	if err == nil {
		return nil
	}
	var be *banx.Error
	if errors.As(err, &be) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return banx.Wrap(banx.ENOTFOUND, err, "%s: not found", what)
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrConstraint:
			switch se.ExtendedCode {
			case sqlite3.ErrConstraintCheck, sqlite3.ErrConstraintNotNull:
				return banx.Wrap(banx.EINVALID, err, "%s: value out of range", what)
			case sqlite3.ErrConstraintForeignKey:
				return banx.Wrap(banx.ENOTFOUND, err, "%s: refers to a record that does not exist", what)
			}
			return banx.Wrap(banx.ECONFLICT, err, "%s: conflicts with stored data", what)
		case sqlite3.ErrBusy, sqlite3.ErrLocked:
			return banx.Wrap(banx.EUNAVAILABLE, err, "%s: database is busy", what)
		case sqlite3.ErrFull:
			return banx.Wrap(banx.EUNAVAILABLE, err, "%s: disk is full", what)
		case sqlite3.ErrIoErr, sqlite3.ErrCantOpen, sqlite3.ErrReadonly:
			return banx.Wrap(banx.EUNAVAILABLE, err, "%s: database file unavailable", what)
		}
	}
	return fmt.Errorf("%s: %w", what, err)
}

// JournalMode reports SQLite's journal mode; Banx needs "wal" for readers to run
// beside the writer, and /healthz and tests check it.
func (db *DB) JournalMode(ctx context.Context) string {
	var mode string
	if err := db.read.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return "unknown: " + err.Error()
	}
	return mode
}
