package main

import (
	"database/sql"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3" // the driver the server itself uses
)

// dbDump is a canonical text dump of a Banx database: the schema (every
// table, index, trigger and view in sqlite_master, by name) and then every
// row of every table, ordered by all its columns, each value typed. Two dumps
// are equal exactly when the database's logical content is; pages, free lists
// and the WAL are left out because SQLite may reorganise them at will.
func dbDump(t *testing.T, dataDir string) string {
	t.Helper()
	path := filepath.Join(dataDir, "banx.db")
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	conn, err := db.Begin() // one read transaction: a consistent snapshot of every table
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Rollback()

	var out strings.Builder
	rows, err := conn.Query(`SELECT type, name, tbl_name, COALESCE(sql, '') FROM sqlite_master ORDER BY type, name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var typ, name, tbl, ddl string
		if err := rows.Scan(&typ, &name, &tbl, &ddl); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&out, "schema %s %s on %s: %s\n", typ, name, tbl, ddl)
		if typ == "table" && !strings.HasPrefix(ddl, "CREATE VIRTUAL TABLE") {
			tables = append(tables, name)
		}
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	sort.Strings(tables)
	for _, table := range tables {
		dumpTable(t, conn, table, &out)
	}
	return out.String()
}

// dumpTable writes every row of table, sorted by every column in order.
func dumpTable(t *testing.T, tx *sql.Tx, table string, out *strings.Builder) {
	t.Helper()
	quoted := `"` + strings.ReplaceAll(table, `"`, `""`) + `"`
	rows, err := tx.Query(`SELECT * FROM ` + quoted + ` LIMIT 0`)
	if err != nil {
		t.Fatalf("dump %s: %v", table, err)
	}
	cols, err := rows.Columns()
	rows.Close()
	if err != nil {
		t.Fatal(err)
	}
	order := make([]string, len(cols))
	for i := range cols {
		order[i] = fmt.Sprint(i + 1)
	}
	rows, err = tx.Query(`SELECT * FROM ` + quoted + ` ORDER BY ` + strings.Join(order, ", "))
	if err != nil {
		t.Fatalf("dump %s: %v", table, err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(out, "row %s:", table)
		for i, v := range vals {
			fmt.Fprintf(out, " %s=%s", cols[i], dumpValue(v))
		}
		out.WriteByte('\n')
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(out, "count %s: %d\n", table, n)
}

func dumpValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case []byte:
		return "x'" + hex.EncodeToString(x) + "'"
	case string:
		return fmt.Sprintf("%q", x)
	default:
		return fmt.Sprintf("%T(%v)", x, x)
	}
}

// dumpDiff lists the lines that are in only one of two dumps, for a failure
// message that names what changed.
func dumpDiff(before, after string) string {
	in := func(s string) map[string]int {
		m := map[string]int{}
		for _, l := range strings.Split(s, "\n") {
			m[l]++
		}
		return m
	}
	b, a := in(before), in(after)
	var d []string
	for l, n := range b {
		if a[l] < n {
			d = append(d, "- "+l)
		}
	}
	for l, n := range a {
		if b[l] < n {
			d = append(d, "+ "+l)
		}
	}
	sort.Strings(d)
	return strings.Join(d, "\n")
}
