package sqlite

import (
	"context"
	"path/filepath"
	"testing"
)

// TestWriterPragmas pins the settings durability rests on: the writer runs in
// WAL mode with synchronous=FULL (a COMMIT returns only once the WAL is
// fsynced), foreign keys on and a busy timeout.
func TestWriterPragmas(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "banx.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, err := db.write.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, p := range []struct{ pragma, want string }{
		{"journal_mode", "wal"}, {"synchronous", "2"}, {"foreign_keys", "1"}, {"busy_timeout", "5000"},
	} {
		var got string
		if err := c.QueryRowContext(ctx, "PRAGMA "+p.pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != p.want {
			t.Errorf("PRAGMA %s = %s, want %s", p.pragma, got, p.want)
		}
	}
}
