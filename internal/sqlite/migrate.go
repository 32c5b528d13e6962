package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/banxmedia/banx/internal/banx"
)

// migrations holds the numbered schema changes. A file, once released, is never
// edited: a change to the schema is a new file, so every database reaches the same
// schema by the same steps.
//
//go:embed migrations/*.sql
var migrations embed.FS

// migration is one numbered .sql file.
type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	seen := map[int]string{}
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %q: name must start with a positive number and '_'", name)
		}
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations %q and %q share number %d", prev, name, v)
		}
		seen[v] = name
		body, err := migrations.ReadFile("migrations/" + name)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: name, sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// migrate applies each pending migration in its own transaction together with its
// record in schema_migrations, so a crash leaves the schema at a whole step.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TEXT NOT NULL)`); err != nil {
		return translate(err, "create schema_migrations")
	}
	all, err := loadMigrations()
	if err != nil {
		return banx.Wrap(banx.EINTERNAL, err, "load migrations")
	}
	applied := map[int]bool{}
	rows, err := db.write.QueryContext(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return translate(err, "read schema_migrations")
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return translate(err, "read schema_migrations")
		}
		applied[v] = true
	}
	rows.Close()
	latest := 0
	if len(all) > 0 {
		latest = all[len(all)-1].version
	}
	for v := range applied {
		if v > latest {
			return banx.Errorf(banx.EINVALID, "database %s has schema version %d, newer than this binary knows (%d): upgrade banx", db.Path, v, latest)
		}
	}
	for _, m := range all {
		if applied[m.version] {
			continue
		}
		err := db.withTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("apply migration %s: %w", m.name, err)
			}
			_, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", m.version, m.name, db.now())
			return err
		})
		if err != nil {
			return banx.Wrap(banx.EINTERNAL, err, "migrate database %s", db.Path)
		}
	}
	return nil
}

// SchemaVersion returns the highest applied migration number.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v sql.NullInt64
	err := db.read.QueryRowContext(ctx, "SELECT MAX(version) FROM schema_migrations").Scan(&v)
	return int(v.Int64), translate(err, "read schema version")
}
