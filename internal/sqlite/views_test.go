package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/netip"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/sqlite"
	"github.com/banxmedia/banx/internal/views"
	_ "github.com/mattn/go-sqlite3"
)

// viewKey is a fixed test key; the tests sign tokens with it as the server would.
var viewKey = bytes.Repeat([]byte{42}, views.MinKeySize)

// viewClock is a settable clock shared by the ledger and the test.
type viewClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *viewClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *viewClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// publishArticle stores an article whose first version is published and
// returns its id.
func publishArticle(t *testing.T, db *sqlite.DB, slug string, status banx.ArticleStatus) int64 {
	t.Helper()
	a := &banx.Article{Author: author, Slug: slug}
	sum := fmt.Sprintf("%064x", len(slug)*7919+int(slug[0]))
	v := &banx.ArticleVersion{ManifestCID: "bafk" + slug, SHA256: sum, Author: author, Title: slug, Status: status}
	if err := db.CreateArticle(context.Background(), a, v); err != nil {
		t.Fatal(err)
	}
	return a.ID
}

func openViewLedger(t *testing.T, db *sqlite.DB, clock *viewClock) *sqlite.ViewLedger {
	t.Helper()
	l, err := db.OpenViewLedger(context.Background(), sqlite.ViewLedgerConfig{Key: viewKey, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// read issues a token for reader, waits the dwell and sends the beacon.
func read(t *testing.T, l *sqlite.ViewLedger, clock *viewClock, article int64, reader, addr, ua string) views.Record {
	t.Helper()
	ctx := context.Background()
	tok, err := l.IssueViewToken(ctx, article, reader)
	if err != nil {
		t.Fatal(err)
	}
	clock.Add(l.Policy().Dwell)
	rec, err := l.RecordView(ctx, views.Beacon{Token: tok.Token, ReaderID: reader, Addr: netip.MustParseAddr(addr), UserAgent: ua})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

const firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"

func TestOpenViewLedger(t *testing.T) {
	db := openTestDB(t)
	t.Run("ErrShortKey", func(t *testing.T) {
		_, err := db.OpenViewLedger(context.Background(), sqlite.ViewLedgerConfig{Key: []byte("short")})
		if banx.ErrorCode(err) != banx.EINVALID {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrPolicy", func(t *testing.T) {
		p := views.DefaultPolicy()
		p.NetArticleCap = 0
		_, err := db.OpenViewLedger(context.Background(), sqlite.ViewLedgerConfig{Key: viewKey, Policy: p})
		if banx.ErrorCode(err) != banx.EINVALID || !strings.Contains(err.Error(), "caps") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestIssueViewToken(t *testing.T) {
	db := openTestDB(t)
	clock := &viewClock{t: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	l := openViewLedger(t, db, clock)
	published := publishArticle(t, db, "published", banx.StatusPublished)
	draft := publishArticle(t, db, "draft", banx.StatusDraft)
	reader := views.NewReaderID()
	t.Run("OK", func(t *testing.T) {
		tok, err := l.IssueViewToken(context.Background(), published, reader)
		if err != nil {
			t.Fatal(err)
		}
		if len(tok.Token) != views.TokenLen || tok.ArticleID != published || !tok.IssuedAt.Equal(clock.Now()) ||
			tok.NotBefore.Sub(tok.IssuedAt) != 10*time.Second || tok.ExpiresAt.Sub(tok.IssuedAt) != time.Hour {
			t.Fatalf("token = %+v", tok)
		}
	})
	cases := []struct {
		name    string
		article int64
		reader  string
		code    string
		reason  string
	}{
		{"ErrDraft", draft, reader, banx.ECONFLICT, "no published version"},
		{"ErrUnknown", 999, reader, banx.ENOTFOUND, "does not exist"},
		{"ErrZero", 0, reader, banx.EINVALID, "positive"},
		{"ErrReader", published, "nope", banx.EINVALID, "reader id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := l.IssueViewToken(context.Background(), tc.article, tc.reader)
			if banx.ErrorCode(err) != tc.code || !strings.Contains(err.Error(), tc.reason) {
				t.Fatalf("err = %v, want %s with %q", err, tc.code, tc.reason)
			}
		})
	}
}

func TestRecordView(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	clock := &viewClock{t: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	l := openViewLedger(t, db, clock)
	article := publishArticle(t, db, "published", banx.StatusPublished)
	draft := publishArticle(t, db, "draft", banx.StatusDraft)
	reader := views.NewReaderID()

	rec := read(t, l, clock, article, reader, "198.51.100.7", firefox)
	if !rec.Counted || rec.Reason != views.Counted || rec.ID != 1 || rec.Author != author || rec.PrevHash != views.GenesisHash ||
		len(rec.ReaderHash) != 32 || len(rec.NetHash) != 32 || len(rec.TokenID) != 24 {
		t.Fatalf("record = %+v", rec)
	}
	if rec := read(t, l, clock, article, reader, "198.51.100.7", firefox); rec.Reason != views.Duplicate || rec.ID != 2 {
		t.Fatalf("second read = %+v", rec)
	}
	if rec := read(t, l, clock, article, views.NewReaderID(), "198.51.100.8", "curl/8.5.0"); rec.Reason != views.Bot || rec.Agent != "curl/" {
		t.Fatalf("curl = %+v", rec)
	}
	t.Run("OKForgedForDraftRecorded", func(t *testing.T) {
		keys, _ := views.NewKeys(bytes.Repeat([]byte{1}, views.MinKeySize))
		r := views.NewReaderID()
		tok, _, _ := keys.IssueToken(draft, keys.ReaderHash(r), clock.Now())
		rec, err := l.RecordView(ctx, views.Beacon{Token: tok, ReaderID: r, Addr: netip.MustParseAddr("198.51.100.9"), UserAgent: firefox})
		if err != nil || rec.Reason != views.BadToken || rec.ArticleID != draft || rec.TokenID != "" {
			t.Fatalf("rec = %+v, err = %v", rec, err)
		}
	})
	t.Run("ErrMalformedNotRecorded", func(t *testing.T) {
		_, err := l.RecordView(ctx, views.Beacon{Token: "garbage", ReaderID: reader, Addr: netip.MustParseAddr("198.51.100.7"), UserAgent: firefox})
		if banx.ErrorCode(err) != banx.EINVALID {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrUnknownArticleNotRecorded", func(t *testing.T) {
		keys, _ := views.NewKeys(viewKey)
		tok, _, _ := keys.IssueToken(12345, keys.ReaderHash(reader), clock.Now())
		_, err := l.RecordView(ctx, views.Beacon{Token: tok, ReaderID: reader, Addr: netip.MustParseAddr("198.51.100.7"), UserAgent: firefox})
		if banx.ErrorCode(err) != banx.ENOTFOUND {
			t.Fatalf("err = %v", err)
		}
	})
	recs, err := db.ListViews(ctx, 0, 100)
	if err != nil || len(recs) != 4 {
		t.Fatalf("ListViews = %d records, %v", len(recs), err)
	}
	st, err := l.ViewStats(ctx, clock.Now(), clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if st.Records != 4 || st.Head != recs[3].Hash || st.Totals[views.Counted] != 1 || st.Totals[views.Duplicate] != 1 ||
		st.Totals[views.Bot] != 1 || st.Totals[views.BadToken] != 1 || len(st.Days) != 1 || st.Days[0].Counted != 1 ||
		st.Days[0].Filtered != 3 || st.Unrecorded["malformed_token"] != 1 || st.Unrecorded["unknown_article"] != 1 {
		t.Fatalf("stats = %+v", st)
	}
	t.Run("ErrStatsRange", func(t *testing.T) {
		if _, err := l.ViewStats(ctx, clock.Now(), clock.Now().Add(-48*time.Hour)); banx.ErrorCode(err) != banx.EINVALID {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestViewsAppendOnly checks that the database itself refuses to change or
// remove a decision, whoever asks.
func TestViewsAppendOnly(t *testing.T) {
	db := openTestDB(t)
	clock := &viewClock{t: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	l := openViewLedger(t, db, clock)
	article := publishArticle(t, db, "a", banx.StatusPublished)
	read(t, l, clock, article, views.NewReaderID(), "198.51.100.7", firefox)
	raw := rawDB(t, db.Path)
	for _, stmt := range []string{"UPDATE views SET counted = 1", "DELETE FROM views", "UPDATE views SET author = author"} {
		_, err := raw.Exec(stmt)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: err = %v, want refusal", stmt, err)
		}
	}
}

func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// TestAuditViews fills a chain, then tampers with it through a raw connection
// that drops the triggers, as an attacker with the file would.
func TestAuditViews(t *testing.T) {
	ctx := context.Background()
	setup := func(t *testing.T) (*sqlite.DB, *sql.DB) {
		db := openTestDB(t)
		clock := &viewClock{t: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
		l := openViewLedger(t, db, clock)
		article := publishArticle(t, db, "a", banx.StatusPublished)
		reader := views.NewReaderID()
		for i := 0; i < 10; i++ {
			read(t, l, clock, article, reader, "198.51.100.7", firefox)
		}
		raw := rawDB(t, db.Path)
		if _, err := raw.Exec("DROP TRIGGER views_no_update; DROP TRIGGER views_no_delete"); err != nil {
			t.Fatal(err)
		}
		return db, raw
	}
	t.Run("OK", func(t *testing.T) {
		db, _ := setup(t)
		a, err := db.AuditViews(ctx)
		if err != nil || a.Break != nil || a.Records != 10 || len(a.Head) != 64 {
			t.Fatalf("audit = %+v, %v", a, err)
		}
	})
	t.Run("OKEmpty", func(t *testing.T) {
		a, err := openTestDB(t).AuditViews(ctx)
		if err != nil || a.Break != nil || a.Records != 0 || a.Head != views.GenesisHash {
			t.Fatalf("audit = %+v, %v", a, err)
		}
	})
	cases := []struct {
		name, sql string
		id        int64
		detail    string
	}{
		{"ErrCountedFlipped", "UPDATE views SET counted = 1, reason = 'counted' WHERE id = 5", 5,
			`counted was 0 with reason "duplicate" when recorded, now 1 with reason "counted"`},
		{"ErrAuthorSwapped", "UPDATE views SET author = 'rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe' WHERE id = 3", 3, "a field other than counted and reason"},
		{"ErrDeleted", "DELETE FROM views WHERE id = 7", 7, "records 7 to 7 are missing"},
		{"ErrTimeMangled", "UPDATE views SET recorded_at = '2026-11-25 12:00:00.000000000Z' WHERE id = 2", 2, "malformed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db, raw := setup(t)
			if _, err := raw.Exec(tc.sql); err != nil {
				t.Fatal(err)
			}
			a, err := db.AuditViews(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if a.Break == nil || a.Break.ID != tc.id || !strings.Contains(a.Break.Detail, tc.detail) || a.Records != tc.id-1 {
				t.Fatalf("audit = %+v (break %v), want record %d with %q", a, a.Break, tc.id, tc.detail)
			}
		})
	}
}

// TestViewLedgerConcurrent sends 200 beacons at once: all are acknowledged, and
// the chain holds all of them, in order, without gaps.
func TestViewLedgerConcurrent(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	clock := &viewClock{t: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	l := openViewLedger(t, db, clock)
	article := publishArticle(t, db, "a", banx.StatusPublished)
	const n = 200
	type issued struct{ reader, token string }
	toks := make([]issued, n)
	for i := range toks {
		r := views.NewReaderID()
		tok, err := l.IssueViewToken(ctx, article, r)
		if err != nil {
			t.Fatal(err)
		}
		toks[i] = issued{r, tok.Token}
	}
	clock.Add(l.Policy().Dwell)
	ids := make([]int64, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range toks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			addr := netip.AddrFrom4([4]byte{198, 51, byte(i), 1})
			rec, err := l.RecordView(ctx, views.Beacon{Token: toks[i].token, ReaderID: toks[i].reader, Addr: addr, UserAgent: firefox})
			if err != nil {
				errs <- err
				return
			}
			ids[i] = rec.ID
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	for _, id := range ids {
		seen[id] = true
	}
	recs, err := db.ListViews(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != n || len(seen) != n {
		t.Fatalf("%d records, %d distinct acknowledged ids, want %d", len(recs), len(seen), n)
	}
	for i, r := range recs {
		if r.ID != int64(i+1) || !seen[r.ID] || r.Reason != views.Counted {
			t.Fatalf("record %d = %+v", i, r)
		}
	}
	if a, err := db.AuditViews(ctx); err != nil || a.Break != nil || a.Records != n {
		t.Fatalf("audit = %+v, %v", a, err)
	}
}

// TestViewLedgerRestart checks that decisions survive a restart: a token used
// before is replayed after, a reader counted before is a duplicate after, and
// the chain continues from its head.
func TestViewLedgerRestart(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	clock := &viewClock{t: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	l, err := db.OpenViewLedger(ctx, sqlite.ViewLedgerConfig{Key: viewKey, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	article := publishArticle(t, db, "a", banx.StatusPublished)
	reader := views.NewReaderID()
	tok, _ := l.IssueViewToken(ctx, article, reader)
	clock.Add(l.Policy().Dwell)
	beacon := views.Beacon{Token: tok.Token, ReaderID: reader, Addr: netip.MustParseAddr("198.51.100.7"), UserAgent: firefox}
	if rec, err := l.RecordView(ctx, beacon); err != nil || !rec.Counted {
		t.Fatalf("first = %+v, %v", rec, err)
	}
	l.Close()
	if _, err := l.RecordView(ctx, beacon); banx.ErrorCode(err) != banx.EUNAVAILABLE {
		t.Fatalf("after close: %v", err)
	}
	l = openViewLedger(t, db, clock)
	clock.Add(time.Second)
	if rec, err := l.RecordView(ctx, beacon); err != nil || rec.Reason != views.Replayed || rec.ID != 2 {
		t.Fatalf("replay after restart = %+v, %v", rec, err)
	}
	if rec := read(t, l, clock, article, reader, "198.51.100.7", firefox); rec.Reason != views.Duplicate {
		t.Fatalf("second read after restart = %+v", rec)
	}
	if a, err := db.AuditViews(ctx); err != nil || a.Break != nil || a.Records != 3 {
		t.Fatalf("audit = %+v, %v", a, err)
	}
}

// TestViewsStoreNoRawIP greps the database files for the reader's address.
func TestViewsStoreNoRawIP(t *testing.T) {
	db := openTestDB(t)
	clock := &viewClock{t: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	l := openViewLedger(t, db, clock)
	article := publishArticle(t, db, "a", banx.StatusPublished)
	reader := views.NewReaderID()
	for i := 0; i < 20; i++ {
		read(t, l, clock, article, reader, "203.0.113.77", firefox)
	}
	for _, suffix := range []string{"", "-wal"} {
		data, err := os.ReadFile(db.Path + suffix)
		if err != nil {
			t.Fatal(err)
		}
		for _, needle := range [][]byte{[]byte("203.0.113.77"), []byte("203.0.113."), {203, 0, 113, 77}, []byte(reader)} {
			if bytes.Contains(data, needle) {
				t.Errorf("%s contains %q", db.Path+suffix, needle)
			}
		}
	}
}

// BenchmarkRecordView measures the ledger alone, without HTTP: many goroutines
// recording beacons of different readers, each answered only after its group
// commit (WAL fsynced).
//
//	go test -run '^$' -bench RecordView -benchtime 3s ./internal/sqlite/
func BenchmarkRecordView(b *testing.B) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, b.TempDir()+"/banx.db")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	clock := &viewClock{t: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	l, err := db.OpenViewLedger(ctx, sqlite.ViewLedgerConfig{Key: viewKey, Now: clock.Now})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	a := &banx.Article{Author: author, Slug: "bench"}
	if err := db.CreateArticle(ctx, a, &banx.ArticleVersion{ManifestCID: "bafkbench", SHA256: strings.Repeat("c", 64),
		Author: author, Title: "bench", Status: banx.StatusPublished}); err != nil {
		b.Fatal(err)
	}
	keys, _ := views.NewKeys(viewKey)
	beacons := make([]views.Beacon, b.N)
	for i := range beacons {
		r := views.NewReaderID()
		tok, _, _ := keys.IssueToken(a.ID, keys.ReaderHash(r), clock.Now().Add(-time.Minute))
		beacons[i] = views.Beacon{Token: tok, ReaderID: r, Addr: netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), UserAgent: firefox}
	}
	var next atomic.Int64
	b.SetParallelism(64)
	var ru0, ru1 syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := l.RecordView(ctx, beacons[next.Add(1)-1]); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
	cpu := time.Duration(ru1.Utime.Nano() + ru1.Stime.Nano() - ru0.Utime.Nano() - ru0.Stime.Nano())
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "views/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-us/op")
}

// TestViewLedgerFlood checks that a network flooding beacons past the record
// rate is refused without records, so the append-only table cannot be filled
// by one network, while other networks are still recorded.
func TestViewLedgerFlood(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	clock := &viewClock{t: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	p := views.DefaultPolicy()
	p.NetRate = views.Rate{Events: 5, Per: time.Minute}
	p.RecordRate = views.Rate{Events: 10, Per: time.Minute}
	l, err := db.OpenViewLedger(ctx, sqlite.ViewLedgerConfig{Key: viewKey, Policy: p, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	article := publishArticle(t, db, "a", banx.StatusPublished)
	reader := views.NewReaderID()
	tok, _ := l.IssueViewToken(ctx, article, reader)
	clock.Add(p.Dwell)
	reasons := map[views.Reason]int{}
	refused := 0
	for i := 0; i < 30; i++ {
		rec, err := l.RecordView(ctx, views.Beacon{Token: tok.Token, ReaderID: reader, Addr: netip.MustParseAddr("198.51.100.7"), UserAgent: firefox})
		switch {
		case banx.ErrorCode(err) == banx.EUNAVAILABLE && strings.Contains(err.Error(), "too many beacons"):
			refused++
		case err != nil:
			t.Fatal(err)
		default:
			reasons[rec.Reason]++
		}
	}
	if reasons[views.Counted] != 1 || reasons[views.Replayed] != 9 || refused != 20 {
		t.Fatalf("recorded %v, refused %d; want 1 counted, 9 replayed, 20 refused", reasons, refused)
	}
	if rec := read(t, l, clock, article, views.NewReaderID(), "203.0.113.9", firefox); rec.Reason != views.Counted {
		t.Fatalf("other network = %+v", rec)
	}
	st, err := l.ViewStats(ctx, clock.Now(), clock.Now())
	if err != nil || st.Unrecorded["flood"] != 20 || st.Records != 11 {
		t.Fatalf("stats = %+v, %v", st, err)
	}
	if a, err := db.AuditViews(ctx); err != nil || a.Break != nil || a.Records != 11 {
		t.Fatalf("audit = %+v, %v", a, err)
	}
}
