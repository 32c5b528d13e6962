package sqlite_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	addresscodec "github.com/Peersyst/xrpl-go/address-codec"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/payout"
	"github.com/banxmedia/banx/internal/reward"
	"github.com/banxmedia/banx/internal/sqlite"
)

func testAddr(i int) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("sqlite payout test %d", i)))
	a, _ := addresscodec.EncodeAccountIDToClassicAddress(h[:20])
	return a
}

// viewsSchema is the view ledger's table as migration 004 defines it (the view
// ledger's contract); it is created here only when that migration is absent.
const viewsSchema = `CREATE TABLE IF NOT EXISTS views (
	id INTEGER PRIMARY KEY, article_id INTEGER NOT NULL, author TEXT NOT NULL,
	counted INTEGER NOT NULL, reason TEXT NOT NULL, recorded_at TEXT NOT NULL,
	reader_hash TEXT, net_hash TEXT, token_id TEXT, agent TEXT,
	prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS views_counted_recorded_at ON views (counted, recorded_at);`

func addViews(t *testing.T, db *sqlite.DB, rows ...[4]any) {
	t.Helper()
	raw, err := sql.Open("sqlite3", db.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(viewsSchema); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		at := r[3].(time.Time).UTC().Format("2006-01-02T15:04:05.000000000Z07:00")
		reason := "counted"
		if r[2] == 0 {
			reason = "bot"
		}
		// The hash chain is the view ledger's business; these rows only need its shape.
		if _, err := raw.Exec(`INSERT INTO views (article_id, author, counted, reason, recorded_at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			r[0], r[1], r[2], reason, at, strings.Repeat("0", 64), strings.Repeat("0", 64)); err != nil {
			t.Fatal(err)
		}
	}
}

func TestEpochViews(t *testing.T) {
	db := openTestDB(t)
	ctx := context.Background()
	start := time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)
	end := start.Add(7 * 24 * time.Hour)
	a, b := testAddr(1), testAddr(2)
	addViews(t, db,
		[4]any{1, a, 1, start},                       // first instant: in
		[4]any{1, a, 1, end.Add(-time.Nanosecond)},   // last instant: in
		[4]any{1, a, 0, start.Add(time.Hour)},        // not counted
		[4]any{2, b, 1, start.Add(time.Hour)},        // in
		[4]any{2, b, 1, end},                         // next epoch
		[4]any{2, b, 1, start.Add(-time.Nanosecond)}, // previous epoch
	)
	got, err := db.EpochViews(ctx, start, end)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]int64{1: 2, 2: 1}
	if len(got) != 2 {
		t.Fatalf("got %+v", got)
	}
	for _, g := range got {
		if want[g.ArticleID] != g.Views {
			t.Fatalf("got %+v, want views %v", got, want)
		}
	}
}

func TestBeneficiaries(t *testing.T) {
	db := openTestDB(t)
	ctx := context.Background()
	author := testAddr(1)
	t.Run("OK", func(t *testing.T) {
		shares := []reward.Share{{Account: testAddr(3), BasisPoints: 2500}, {Account: author, BasisPoints: 7500}}
		if err := db.SetBeneficiaries(ctx, author, shares, 8); err != nil {
			t.Fatal(err)
		}
		got, err := db.Beneficiaries(ctx, author)
		if err != nil || len(got) != 2 {
			t.Fatalf("got %+v, %v", got, err)
		}
		all, _ := db.AllBeneficiaries(ctx)
		if len(all[author]) != 2 {
			t.Fatalf("all = %+v", all)
		}
		if err := db.SetBeneficiaries(ctx, author, nil, 8); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Beneficiaries(ctx, author); len(got) != 0 {
			t.Fatalf("after removal: %+v", got)
		}
	})
	t.Run("ErrNotHundredPercent", func(t *testing.T) {
		err := db.SetBeneficiaries(ctx, author, []reward.Share{{Account: author, BasisPoints: 9999}}, 8)
		if banx.ErrorCode(err) != banx.EINVALID || !strings.Contains(err.Error(), "exactly 10000") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("OKDeclined", func(t *testing.T) {
		for _, d := range []bool{true, true, false, true} {
			if err := db.SetDeclined(ctx, author, d); err != nil {
				t.Fatal(err)
			}
		}
		got, err := db.DeclinedAuthors(ctx)
		if err != nil || len(got) != 1 || got[0] != author {
			t.Fatalf("declined = %v, %v", got, err)
		}
	})
}

func TestPayoutStates(t *testing.T) {
	db := openTestDB(t)
	ctx := context.Background()
	rec := payout.PlanRecord{Epoch: 4, Network: "embedded", Root: strings.Repeat("ab", 32), Document: []byte("{}")}
	rows := []payout.Payout{{Author: testAddr(1), Account: testAddr(1), Amount: "12.5"}, {Author: testAddr(2), Account: testAddr(2), Amount: "0.5"}}
	if err := db.SavePlan(ctx, rec, rows); err != nil {
		t.Fatal(err)
	}
	t.Run("OKSamePlanAgain", func(t *testing.T) {
		if err := db.SavePlan(ctx, rec, rows); err != nil {
			t.Fatal(err)
		}
		ps, _ := db.Payouts(ctx, 4)
		if len(ps) != 2 {
			t.Fatalf("payouts = %d", len(ps))
		}
	})
	t.Run("ErrOtherPlan", func(t *testing.T) {
		other := rec
		other.Root = strings.Repeat("cd", 32)
		if err := db.SavePlan(ctx, other, rows); banx.ErrorCode(err) != banx.ECONFLICT {
			t.Fatalf("err = %v", err)
		}
	})
	ps, _ := db.Payouts(ctx, 4)
	id := ps[0].ID
	hash := strings.Repeat("11", 32)
	t.Run("OKLifecycle", func(t *testing.T) {
		if err := db.MarkSigned(ctx, []payout.Signed{{ID: id, TxHash: hash, TxBlob: "AB", Sequence: 7, LastLedgerSequence: 30}}); err != nil {
			t.Fatal(err)
		}
		if err := db.MarkSubmitted(ctx, []int64{id}, []string{"tesSUCCESS"}); err != nil {
			t.Fatal(err)
		}
		if err := db.MarkExpired(ctx, []int64{id}, 31); err != nil {
			t.Fatal(err)
		}
		if h, _ := db.ExpiredHashes(ctx, id); len(h) != 1 || h[0] != hash {
			t.Fatalf("expired = %v", h)
		}
		hash2 := strings.Repeat("22", 32)
		if err := db.MarkSigned(ctx, []payout.Signed{{ID: id, TxHash: hash2, TxBlob: "CD", Sequence: 8, LastLedgerSequence: 50}}); err != nil {
			t.Fatal(err)
		}
		if err := db.MarkFinal(ctx, []payout.Outcome{{ID: id, Status: payout.StatusPaid, Result: "tesSUCCESS", Delivered: "12.5", LedgerIndex: 40}}); err != nil {
			t.Fatal(err)
		}
		ps, _ := db.Payouts(ctx, 4)
		p := ps[0]
		if p.Status != payout.StatusPaid || p.Attempt != 2 || p.TxHash != hash2 || p.Delivered != "12.5" || p.LedgerIndex != 40 || p.Sequence != 8 {
			t.Fatalf("payout = %+v", p)
		}
	})
	t.Run("ErrWrongState", func(t *testing.T) {
		// Paid is final: neither signing again nor another outcome may touch it.
		err := db.MarkSigned(ctx, []payout.Signed{{ID: id, TxHash: strings.Repeat("33", 32), TxBlob: "EF", LastLedgerSequence: 60}})
		if banx.ErrorCode(err) != banx.ECONFLICT {
			t.Fatalf("re-sign a paid payout: %v", err)
		}
		err = db.MarkFinal(ctx, []payout.Outcome{{ID: id, Status: payout.StatusFailed, Result: "tecX"}})
		if banx.ErrorCode(err) != banx.ECONFLICT {
			t.Fatalf("second outcome: %v", err)
		}
		err = db.MarkExpired(ctx, []int64{ps[1].ID}, 10)
		if banx.ErrorCode(err) != banx.ECONFLICT {
			t.Fatalf("expire a pending payout: %v", err)
		}
	})
	t.Run("ErrAllOrNothing", func(t *testing.T) {
		// One bad row rolls the whole batch back.
		err := db.MarkSigned(ctx, []payout.Signed{
			{ID: ps[1].ID, TxHash: strings.Repeat("44", 32), TxBlob: "AA", LastLedgerSequence: 9},
			{ID: id, TxHash: strings.Repeat("55", 32), TxBlob: "BB", LastLedgerSequence: 9},
		})
		if banx.ErrorCode(err) != banx.ECONFLICT {
			t.Fatalf("err = %v", err)
		}
		ps, _ := db.Payouts(ctx, 4)
		if ps[1].Status != payout.StatusPending {
			t.Fatalf("first row of a failed batch was kept: %+v", ps[1])
		}
	})
	t.Run("ErrLockHeld", func(t *testing.T) {
		unlock, err := db.LockPayouts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.LockPayouts(ctx); banx.ErrorCode(err) != banx.ECONFLICT {
			t.Fatalf("second lock: %v", err)
		}
		unlock()
		unlock2, err := db.LockPayouts(ctx)
		if err != nil {
			t.Fatalf("lock after unlock: %v", err)
		}
		unlock2()
	})
	t.Run("OKLastPlan", func(t *testing.T) {
		last, err := db.LastPlan(ctx)
		if err != nil || last.Epoch != 4 || last.Root != rec.Root {
			t.Fatalf("last = %+v, %v", last, err)
		}
		if _, err := db.Plan(ctx, 5); banx.ErrorCode(err) != banx.ENOTFOUND {
			t.Fatalf("missing plan: %v", err)
		}
	})
}
