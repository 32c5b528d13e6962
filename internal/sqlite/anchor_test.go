package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/sqlite"
)

const (
	txA   = "1111111111111111111111111111111111111111111111111111111111111111"
	txB   = "2222222222222222222222222222222222222222222222222222222222222222"
	txC   = "3333333333333333333333333333333333333333333333333333333333333333"
	nonce = "0123456789abcdef0123456789abcdef"
)

// TestMigrationKeepsVersions opens a database written at schema 1 and checks
// that migration 002, which rebuilds article_versions, keeps every row.
func TestMigrationKeepsVersions(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "banx.db")
	schema1, err := os.ReadFile("migrations/001_articles.sql")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`,
		string(schema1),
		`INSERT INTO schema_migrations VALUES (1, '001_articles.sql', '2026-01-01T00:00:00.000000000Z')`,
		`INSERT INTO articles VALUES (1, '` + author + `', 'old', '2026-01-01T00:00:00.000000000Z', '2026-01-01T00:00:00.000000000Z')`,
		`INSERT INTO article_versions (id, article_id, version, manifest_cid, sha256, author, title, status, anchor_tx_hash,
			created_at, updated_at) VALUES (7, 1, 1, 'bafkreiold', '` + shaA + `', '` + author + `', 'Old', 'published', '` + txA + `',
			'2026-01-01T00:00:00.000000000Z', '2026-01-01T00:00:00.000000000Z')`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q[:30], err)
		}
	}
	raw.Close()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	d, err := db.FindVersion(ctx, 7)
	if err != nil || d.Version.Title != "Old" || d.Version.AnchorTxHash != txA || d.Version.Status != banx.StatusPublished || d.Anchoring.Mode != "" {
		t.Fatalf("after migration: %+v %+v, %v", d.Version, d.Anchoring, err)
	}
}

func TestSessions(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	c := &banx.Challenge{Address: author, Domain: "banx.test", Nonce: nonce, IssuedAt: now, ExpiresAt: now.Add(5 * time.Minute)}
	if err := db.CreateChallenge(ctx, c); err != nil {
		t.Fatal(err)
	}
	got, used, err := db.FindChallenge(ctx, nonce)
	if err != nil || used || !got.ExpiresAt.Equal(c.ExpiresAt) || got.Domain != "banx.test" {
		t.Fatalf("FindChallenge = %+v %v %v", got, used, err)
	}
	s := &banx.Session{Address: author, PublicKey: "ED" + strings.Repeat("0", 64), ExpiresAt: now.Add(time.Hour)}
	hash := strings.Repeat("ab", 32)
	t.Run("OK", func(t *testing.T) {
		if err := db.CreateSession(ctx, nonce, s, hash); err != nil {
			t.Fatal(err)
		}
		found, err := db.FindSession(ctx, hash)
		if err != nil || found.Address != author || !found.ExpiresAt.Equal(s.ExpiresAt) {
			t.Fatalf("FindSession = %+v, %v", found, err)
		}
		if _, used, _ := db.FindChallenge(ctx, nonce); !used {
			t.Fatal("nonce not marked used")
		}
	})
	t.Run("ErrNonceUsedTwice", func(t *testing.T) {
		err := db.CreateSession(ctx, nonce, &banx.Session{Address: author, PublicKey: s.PublicKey, ExpiresAt: s.ExpiresAt}, strings.Repeat("cd", 32))
		if banx.ErrorCode(err) != banx.ECONFLICT {
			t.Fatalf("err = %v, want ECONFLICT", err)
		}
		if _, err := db.FindSession(ctx, strings.Repeat("cd", 32)); banx.ErrorCode(err) != banx.ENOTFOUND {
			t.Fatalf("the refused session was stored: %v", err)
		}
	})
	t.Run("ErrRevoked", func(t *testing.T) {
		if err := db.RevokeSession(ctx, hash); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindSession(ctx, hash); banx.ErrorCode(err) != banx.ENOTFOUND {
			t.Fatalf("revoked session found: %v", err)
		}
		if err := db.RevokeSession(ctx, hash); banx.ErrorCode(err) != banx.ENOTFOUND {
			t.Fatalf("second revoke: %v", err)
		}
	})
}

func TestAnchorLifecycle(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	_, v := mustCreate(t, db, "anchored", "bafkreia", shaA)
	memo := &banx.Anchor{Account: author, Unsigned: "12000322", LastLedgerSequence: 30, MemoType: "AA", MemoFormat: "BB", MemoData: "CC"}
	if err := db.PrepareSelfAnchor(ctx, v.ID, memo); banx.ErrorCode(err) != banx.ECONFLICT {
		t.Fatalf("anchor a draft not yet stored: %v", err)
	}
	if err := db.SetVersionStatus(ctx, v.ID, banx.StatusStored, ""); err != nil {
		t.Fatal(err)
	}
	if err := db.PrepareSelfAnchor(ctx, v.ID, memo); err != nil {
		t.Fatal(err)
	}
	t.Run("ErrSubmitOtherAnchor", func(t *testing.T) {
		if err := db.SubmitSelfAnchor(ctx, v.ID, memo.ID+1, "1200", txA); banx.ErrorCode(err) != banx.ECONFLICT {
			t.Fatalf("err = %v", err)
		}
	})
	if err := db.SubmitSelfAnchor(ctx, v.ID, memo.ID, "1200", txA); err != nil {
		t.Fatal(err)
	}
	t.Run("ErrSubmitTwice", func(t *testing.T) {
		if err := db.SubmitSelfAnchor(ctx, v.ID, memo.ID, "1200", txB); banx.ErrorCode(err) != banx.ECONFLICT {
			t.Fatalf("err = %v", err)
		}
	})
	inflight, err := db.InFlightAnchors(ctx)
	if err != nil || len(inflight) != 1 || inflight[0].TxHash != txA || inflight[0].LastLedgerSequence != 30 {
		t.Fatalf("in flight: %+v, %v", inflight, err)
	}
	if err := db.FinishAnchor(ctx, memo.ID, banx.AnchorFailed, "tecX", "refused", 12); err != nil {
		t.Fatal(err)
	}
	d, _ := db.FindVersion(ctx, v.ID)
	if d.Version.Status != banx.StatusFailed || d.Anchoring.FailureReason != "refused" {
		t.Fatalf("after failure: %+v %+v", d.Version, d.Anchoring)
	}
	t.Run("ErrFinishTwice", func(t *testing.T) {
		if err := db.FinishAnchor(ctx, memo.ID, banx.AnchorValidated, "tesSUCCESS", "", 13); banx.ErrorCode(err) != banx.ECONFLICT {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("OKBatchAfterFailure", func(t *testing.T) {
		if err := db.QueueBatchLeaf(ctx, v.ID, "ED"+strings.Repeat("1", 64), "AB", 0); err != nil {
			t.Fatal(err)
		}
		pending, err := db.PendingLeaves(ctx, 10)
		if err != nil || len(pending) != 1 || pending[0].VersionID != v.ID {
			t.Fatalf("pending = %+v, %v", pending, err)
		}
		bad := &banx.Anchor{Account: author, Blob: "1200", TxHash: txB, LastLedgerSequence: 40, MemoType: "AA", MemoFormat: "BB", MemoData: "DD", Root: "r", Leaves: 2}
		err = db.CreateBatchAnchor(ctx, bad, []banx.LeafPlacement{{VersionID: v.ID, Index: 0}, {VersionID: v.ID + 100, Index: 1}})
		if banx.ErrorCode(err) != banx.ECONFLICT {
			t.Fatalf("batch with a leaf that is not pending: %v", err)
		}
		if inflight, _ := db.InFlightAnchors(ctx); len(inflight) != 0 {
			t.Fatalf("a refused batch left %d anchors", len(inflight))
		}
		a := &banx.Anchor{Account: author, Blob: "1200", TxHash: txB, LastLedgerSequence: 40, MemoType: "AA", MemoFormat: "BB", MemoData: "DD", Root: "r", Leaves: 1}
		if err := db.CreateBatchAnchor(ctx, a, []banx.LeafPlacement{{VersionID: v.ID, Index: 0, Path: []string{"aa", "bb"}}}); err != nil {
			t.Fatal(err)
		}
		if err := db.ResignAnchor(ctx, a.ID, txB, "1201", txC, 60); err != nil {
			t.Fatal(err)
		}
		if err := db.FinishAnchor(ctx, a.ID, banx.AnchorValidated, "tesSUCCESS", "", 61); err != nil {
			t.Fatal(err)
		}
		d, _ := db.FindVersion(ctx, v.ID)
		if d.Version.Status != banx.StatusPublished || d.Version.AnchorTxHash != txC || len(d.Anchoring.ProofPath) != 2 || d.Anchoring.FailureReason != "" {
			t.Fatalf("published: %+v %+v", d.Version, d.Anchoring)
		}
		list, err := db.ListPublished(ctx, author, 10, 0)
		if err != nil || len(list) != 1 || list[0].Latest.ID != v.ID {
			t.Fatalf("ListPublished = %+v, %v", list, err)
		}
	})
}
