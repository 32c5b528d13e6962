package ledger

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	_ "github.com/mattn/go-sqlite3" // registers the sqlite3 driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// store persists ledgers, transactions and state versions in SQLite.
type store struct {
	db *sql.DB
}

// openStore opens (and migrates) the database under dir, or an in-memory one.
func openStore(ctx context.Context, dir string) (*store, error) {
	dsn := "file:banx-ledger?mode=memory&cache=private&_foreign_keys=on"
	if dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create ledger data dir: %w", err)
		}
		dsn = "file:" + filepath.Join(dir, "ledger.db") + "?_journal_mode=WAL&_synchronous=NORMAL&_busy_timeout=5000&_foreign_keys=on"
	}
	db, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return nil, fmt.Errorf("open ledger db: %w", err)
	}
	// One connection: the ledger has a single writer, and an in-memory database
	// exists only inside its connection.
	db.SetMaxOpenConns(1)
	s := &store{db: db}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

func (s *store) close() error { return s.db.Close() }

func (s *store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY)`); err != nil {
		return fmt.Errorf("create migrations table: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE name = ?`, name).Scan(&n); err != nil {
			return fmt.Errorf("check migration %s: %w", name, err)
		}
		if n > 0 {
			continue
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name) VALUES (?)`, name); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// closedLedger is everything one close writes.
type closedLedger struct {
	header LedgerHeader
	txs    []storedTx
	state  map[Hash][]byte // nil value: deleted in this ledger
}

// storedTx is an applied transaction as persisted.
type storedTx struct {
	id       Hash
	index    uint32
	blob     []byte
	meta     []byte
	accounts []AccountID
}

// saveLedger writes one closed ledger in a single SQLite transaction.
func (s *store) saveLedger(ctx context.Context, cl *closedLedger) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin ledger %d: %w", cl.header.Index, err)
	}
	defer tx.Rollback()
	h := cl.header
	if _, err := tx.ExecContext(ctx, `INSERT INTO ledgers (seq, hash, parent_hash, account_hash, tx_hash, total_drops,
		close_time, parent_close_time, resolution, close_flags, tx_count) VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
		h.Index, h.Hash[:], h.ParentHash[:], h.AccountHash[:], h.TransactionHash[:], h.TotalDrops,
		h.CloseTime, h.ParentCloseTime, h.CloseTimeResolution, h.CloseFlags, h.TxCount); err != nil {
		return fmt.Errorf("save ledger %d: %w", h.Index, err)
	}
	if len(cl.txs) > 0 {
		insTx, err := tx.PrepareContext(ctx, `INSERT INTO txs (hash, ledger_seq, tx_index, blob, meta) VALUES (?,?,?,?,?)`)
		if err != nil {
			return err
		}
		defer insTx.Close()
		insAcct, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO account_tx (account, ledger_seq, tx_index, hash) VALUES (?,?,?,?)`)
		if err != nil {
			return err
		}
		defer insAcct.Close()
		for _, t := range cl.txs {
			if _, err := insTx.ExecContext(ctx, t.id[:], h.Index, t.index, t.blob, t.meta); err != nil {
				return fmt.Errorf("save tx %s: %w", t.id, err)
			}
			for _, a := range t.accounts {
				if _, err := insAcct.ExecContext(ctx, a[:], h.Index, t.index, t.id[:]); err != nil {
					return fmt.Errorf("save account tx: %w", err)
				}
			}
		}
	}
	if len(cl.state) > 0 {
		ins, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO state (key, seq, data) VALUES (?,?,?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		for k, data := range cl.state {
			if _, err := ins.ExecContext(ctx, k[:], h.Index, data); err != nil {
				return fmt.Errorf("save state: %w", err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit ledger %d: %w", h.Index, err)
	}
	return nil
}

const headerColumns = `seq, hash, parent_hash, account_hash, tx_hash, total_drops, close_time, parent_close_time, resolution, close_flags, tx_count`

func scanHeader(row interface{ Scan(...any) error }) (LedgerHeader, error) {
	var h LedgerHeader
	var hash, parent, acct, txh []byte
	if err := row.Scan(&h.Index, &hash, &parent, &acct, &txh, &h.TotalDrops, &h.CloseTime, &h.ParentCloseTime,
		&h.CloseTimeResolution, &h.CloseFlags, &h.TxCount); err != nil {
		return h, err
	}
	copy(h.Hash[:], hash)
	copy(h.ParentHash[:], parent)
	copy(h.AccountHash[:], acct)
	copy(h.TransactionHash[:], txh)
	return h, nil
}

// errNotFound reports a missing ledger or transaction.
var errNotFound = errors.New("not found")

func (s *store) headerBySeq(ctx context.Context, seq uint32) (LedgerHeader, error) {
	h, err := scanHeader(s.db.QueryRowContext(ctx, `SELECT `+headerColumns+` FROM ledgers WHERE seq = ?`, seq))
	if errors.Is(err, sql.ErrNoRows) {
		return h, errNotFound
	}
	return h, err
}

func (s *store) headerByHash(ctx context.Context, hash Hash) (LedgerHeader, error) {
	h, err := scanHeader(s.db.QueryRowContext(ctx, `SELECT `+headerColumns+` FROM ledgers WHERE hash = ?`, hash[:]))
	if errors.Is(err, sql.ErrNoRows) {
		return h, errNotFound
	}
	return h, err
}

func (s *store) lastHeader(ctx context.Context) (LedgerHeader, error) {
	h, err := scanHeader(s.db.QueryRowContext(ctx, `SELECT `+headerColumns+` FROM ledgers ORDER BY seq DESC LIMIT 1`))
	if errors.Is(err, sql.ErrNoRows) {
		return h, errNotFound
	}
	return h, err
}

func (s *store) firstSeq(ctx context.Context) (uint32, error) {
	var n sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT MIN(seq) FROM ledgers`).Scan(&n)
	return uint32(n.Int64), err
}

// txRecord is a stored transaction with its ledger.
type txRecord struct {
	id    Hash
	seq   uint32
	index uint32
	blob  []byte
	meta  []byte
}

func (s *store) txByHash(ctx context.Context, id Hash) (txRecord, error) {
	r := txRecord{id: id}
	err := s.db.QueryRowContext(ctx, `SELECT ledger_seq, tx_index, blob, meta FROM txs WHERE hash = ?`, id[:]).
		Scan(&r.seq, &r.index, &r.blob, &r.meta)
	if errors.Is(err, sql.ErrNoRows) {
		return r, errNotFound
	}
	return r, err
}

func (s *store) txsInLedger(ctx context.Context, seq uint32) ([]txRecord, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT hash, tx_index, blob, meta FROM txs WHERE ledger_seq = ? ORDER BY tx_index`, seq)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []txRecord
	for rows.Next() {
		r := txRecord{seq: seq}
		var id []byte
		if err := rows.Scan(&id, &r.index, &r.blob, &r.meta); err != nil {
			return nil, err
		}
		copy(r.id[:], id)
		out = append(out, r)
	}
	return out, rows.Err()
}

// accountTxs pages through an account's transactions in [min, max], ordered by
// (ledger, index) ascending when forward, else descending, starting after the marker.
func (s *store) accountTxs(ctx context.Context, a AccountID, minSeq, maxSeq uint32, forward bool, limit int,
	after *[2]uint32) ([]txRecord, error) {
	q := `SELECT t.hash, t.ledger_seq, t.tx_index, t.blob, t.meta FROM account_tx a JOIN txs t ON t.hash = a.hash
		WHERE a.account = ? AND a.ledger_seq BETWEEN ? AND ?`
	args := []any{a[:], minSeq, maxSeq}
	if after != nil {
		if forward {
			q += ` AND (a.ledger_seq > ? OR (a.ledger_seq = ? AND a.tx_index >= ?))`
		} else {
			q += ` AND (a.ledger_seq < ? OR (a.ledger_seq = ? AND a.tx_index <= ?))`
		}
		args = append(args, after[0], after[0], after[1])
	}
	if forward {
		q += ` ORDER BY a.ledger_seq ASC, a.tx_index ASC`
	} else {
		q += ` ORDER BY a.ledger_seq DESC, a.tx_index DESC`
	}
	q += ` LIMIT ?`
	args = append(args, limit)
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []txRecord
	for rows.Next() {
		var r txRecord
		var id []byte
		if err := rows.Scan(&id, &r.seq, &r.index, &r.blob, &r.meta); err != nil {
			return nil, err
		}
		copy(r.id[:], id)
		out = append(out, r)
	}
	return out, rows.Err()
}

// loadState reads the newest version of every live entry.
func (s *store) loadState(ctx context.Context) (map[Hash][]byte, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT key, data, MAX(seq) FROM state GROUP BY key`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[Hash][]byte)
	for rows.Next() {
		var k, data []byte
		var seq int64
		if err := rows.Scan(&k, &data, &seq); err != nil {
			return nil, err
		}
		if data == nil {
			continue
		}
		var h Hash
		copy(h[:], k)
		out[h] = data
	}
	return out, rows.Err()
}

// historicalReader reads the state as of a past ledger from the version table.
type historicalReader struct {
	ctx context.Context
	s   *store
	seq uint32
}

func (r historicalReader) read(k Hash) sle {
	var data []byte
	err := r.s.db.QueryRowContext(r.ctx, `SELECT data FROM state WHERE key = ? AND seq <= ? ORDER BY seq DESC LIMIT 1`,
		k[:], r.seq).Scan(&data)
	if err != nil || data == nil {
		return nil
	}
	e, err := decodeEntry(data)
	if err != nil {
		return nil
	}
	return e
}

func decodeEntry(data []byte) (sle, error) { return decodeFields(data) }

func encodeEntry(e sle) ([]byte, error) { return encodeFields(e) }
