package sqlite_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/sqlite"
)

// openTestDB opens a real database file in a temp dir with a fixed clock.
func openTestDB(t *testing.T) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "banx.db"))
	if err != nil {
		t.Fatal(err)
	}
	db.Now = func() time.Time { return time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC) }
	t.Cleanup(func() { db.Close() })
	return db
}

func TestOpen(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "nested", "banx.db")
		db, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		v, err := db.SchemaVersion(context.Background())
		if err != nil || v < 1 {
			t.Fatalf("schema version = %d, %v; want >= 1", v, err)
		}
		if err := db.Ping(context.Background()); err != nil {
			t.Fatal(err)
		}
		db.Close()
		// Reopening applies nothing twice and keeps the version.
		db, err = sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		v2, _ := db.SchemaVersion(context.Background())
		if v2 != v {
			t.Fatalf("schema version after reopen = %d, want %d", v2, v)
		}
	})
	t.Run("ErrEmptyPath", func(t *testing.T) {
		_, err := sqlite.Open(context.Background(), "")
		if banx.ErrorCode(err) != banx.EINVALID {
			t.Fatalf("err = %v, want EINVALID", err)
		}
	})
	t.Run("ErrNotADatabase", func(t *testing.T) {
		_, err := sqlite.Open(context.Background(), "/proc/self/cmdline")
		if err == nil {
			t.Fatal("opened /proc/self/cmdline as a database")
		}
	})
}

func TestJournalModeIsWAL(t *testing.T) {
	db := openTestDB(t)
	if mode := db.JournalMode(context.Background()); !strings.EqualFold(mode, "wal") {
		t.Fatalf("journal mode = %q, want wal", mode)
	}
}
