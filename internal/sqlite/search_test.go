package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/search"
	"github.com/banxmedia/banx/internal/sqlite"
)

// publishSearchable stores a published article with its searchable text, as
// publishing and the indexer would, and returns it.
func publishSearchable(t *testing.T, db *sqlite.DB, n int, title string, text search.Text) (*banx.Article, *banx.ArticleVersion) {
	t.Helper()
	ctx := context.Background()
	a := &banx.Article{Author: author, Slug: fmt.Sprintf("article-%d", n)}
	v := &banx.ArticleVersion{ManifestCID: fmt.Sprintf("bafkrei%d", n), SHA256: fmt.Sprintf("%064x", n), Author: author,
		Title: title, Status: banx.StatusPublished, AnchorTxHash: fmt.Sprintf("%064X", n)}
	if err := db.CreateArticle(ctx, a, v); err != nil {
		t.Fatal(err)
	}
	if err := db.SetArticleText(ctx, v.ID, text); err != nil {
		t.Fatal(err)
	}
	return a, v
}

// titles lists the titles of hits, in order.
func titles(hits []search.Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Latest.Title)
	}
	return out
}

func marked(segs []search.Segment) string {
	var b strings.Builder
	for _, s := range segs {
		if s.Match {
			b.WriteString("[" + s.Text + "]")
		} else {
			b.WriteString(s.Text)
		}
	}
	return b.String()
}

// TestSearchArticles runs searches against a real database file: ranking,
// accents, prefixes, snippets, pages, and hostile input that must neither fail
// nor act as FTS5 or SQL syntax.
func TestSearchArticles(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	publishSearchable(t, db, 1, "Café culture in Łódź", search.Text{Summary: "Where the city drinks its coffee.",
		Body: "The old town has more espresso bars than bakeries.", Tags: []string{"coffee"}, Category: "culture Culture"})
	publishSearchable(t, db, 2, "Election night", search.Text{Summary: "Counting until dawn.",
		Body:     strings.Repeat("Votes were counted slowly. ", 20) + "Reporters waited in a cafe near the hall. " + strings.Repeat("The turnout was high. ", 20),
		Category: "politics Politics"})
	publishSearchable(t, db, 3, "Espresso economics", search.Text{Summary: "What a cup costs.", Body: "Prices rose.", Category: "business Business"})
	draft := &banx.ArticleVersion{ManifestCID: "bafkreidraft", SHA256: shaB, Author: author, Title: "Café draft"}
	if err := db.CreateArticle(ctx, &banx.Article{Author: author, Slug: "draft"}, draft); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name, q string
		want    []string
	}{
		{"OKTitleRanksFirst", "cafe", []string{"Café culture in Łódź", "Election night"}},
		{"OKAccentsAndCase", "CAFE łodz", []string{"Café culture in Łódź"}},
		{"OKAccentsInQuery", "élection", []string{"Election night"}},
		{"OKPrefix", "espres*", []string{"Espresso economics", "Café culture in Łódź"}},
		{"OKEveryWordRequired", "cafe reporters", []string{"Election night"}},
		{"OKTag", "coffee", []string{"Café culture in Łódź"}},
		{"OKCategoryName", "business", []string{"Espresso economics"}},
		// Equal matches rank shorter texts first (bm25 weighs by length).
		{"OKAuthor", author, []string{"Espresso economics", "Café culture in Łódź", "Election night"}},
		{"OKNoMatch", "volcano", nil},
		{"OKHyphenIsPhrase", "old-town", []string{"Café culture in Łódź"}},
		{"OKNotAColumnFilter", "title:cafe", nil},
		{"OKNotAnOperator", "cafe OR prices", nil},
		{"OKNotNegation", "-cafe", []string{"Café culture in Łódź", "Election night"}},
		{"OKNear", "NEAR(cafe", nil},
		{"OKColon", "a:b", nil},
		{"OKQuoteInWord", `caf"e`, nil},
		{"OKCaret", "^cafe", []string{"Café culture in Łódź", "Election night"}},
		{"OKSQL", `'; DROP TABLE articles; --`, nil},
		{"OKSQLQuote", `cafe' OR '1'='1`, nil},
		{"OKStarInside", "es*so", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hits, total, err := db.SearchArticles(ctx, tc.q, 10, 0)
			if err != nil {
				t.Fatalf("search %q: %v", tc.q, err)
			}
			if got := titles(hits); total != len(tc.want) || strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Fatalf("search %q = %q (total %d), want %q", tc.q, got, total, tc.want)
			}
		})
	}

	t.Run("OKSnippets", func(t *testing.T) {
		hits, _, err := db.SearchArticles(ctx, "cafe", 10, 0)
		if err != nil || len(hits) != 2 {
			t.Fatalf("hits %v, %v", hits, err)
		}
		if got := marked(hits[0].Title); got != "[Café] culture in Łódź" {
			t.Fatalf("title marks %q", got)
		}
		// The first article's body does not match: its summary stands in.
		if got := marked(hits[0].Snippet); got != "Where the city drinks its coffee." {
			t.Fatalf("summary snippet %q", got)
		}
		got := marked(hits[1].Snippet)
		if !strings.Contains(got, "waited in a [cafe] near") || !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "…") {
			t.Fatalf("body snippet %q", got)
		}
		if hits[1].Summary != "Counting until dawn." || hits[1].Category != "politics Politics" || hits[1].Article.Slug != "article-2" ||
			hits[1].Latest.ManifestCID != "bafkrei2" || hits[1].Latest.Status != banx.StatusPublished {
			t.Fatalf("hit %+v %+v %+v", hits[1], hits[1].Article, hits[1].Latest)
		}
	})
	t.Run("OKPages", func(t *testing.T) {
		var seen []string
		for offset := 0; offset < 3; offset++ {
			hits, total, err := db.SearchArticles(ctx, author, 1, offset)
			if err != nil || total != 3 || len(hits) != 1 {
				t.Fatalf("offset %d: %d hits of %d, %v", offset, len(hits), total, err)
			}
			seen = append(seen, hits[0].Latest.Title)
		}
		if strings.Join(seen, "|") != "Espresso economics|Café culture in Łódź|Election night" {
			t.Fatalf("pages %q", seen)
		}
		if hits, total, err := db.SearchArticles(ctx, author, 10, 3); err != nil || total != 3 || len(hits) != 0 {
			t.Fatalf("past the end: %d hits of %d, %v", len(hits), total, err)
		}
	})
	if _, err := db.FindArticle(ctx, 1); err != nil {
		t.Fatalf("articles after hostile searches: %v", err)
	}

	for _, tc := range []struct {
		name, q      string
		limit, offst int
		msg          string
	}{
		{"ErrEmpty", " \t ", 10, 0, "the search is empty: type at least one word"},
		{"ErrQuoteOnly", `"`, 10, 0, "the search has no letter or digit to look for"},
		{"ErrStarOnly", "*", 10, 0, "the search has no letter or digit to look for"},
		{"ErrPunctuation", `( ) : - " * ^ + '`, 10, 0, ""},
		{"ErrTooLong", strings.Repeat("a ", 5120), 10, 0, "the search is 10240 bytes long; at most 256 are allowed"},
		{"ErrTooManyWords", strings.Repeat("w ", 17), 10, 0, "the search has 17 words; at most 16 are allowed"},
		{"ErrNotUTF8", "caf\xe9", 10, 0, "the search is not valid UTF-8 text"},
		{"ErrLimit", "cafe", 0, 0, "limit must be from 1 to 100, got 0"},
		{"ErrLimitHigh", "cafe", 101, 0, "limit must be from 1 to 100, got 101"},
		{"ErrOffset", "cafe", 10, -1, "offset must not be negative, got -1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := db.SearchArticles(ctx, tc.q, tc.limit, tc.offst)
			if banx.ErrorCode(err) != banx.EINVALID || (tc.msg != "" && banx.ErrorMessage(err) != tc.msg) {
				t.Fatalf("search %.40q: %v, want EINVALID %q", tc.q, err, tc.msg)
			}
		})
	}
}

// TestSearchFollowsVersions checks the triggers: the index shows an
// article's newest published version, drafts never, and wants the text of
// a newly published version until it is written.
func TestSearchFollowsVersions(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	a, v1 := publishSearchable(t, db, 1, "Harbour reopens", search.Text{Summary: "Ships return.", Body: "Cranes moved again."})
	wantTitles := func(q string, want ...string) {
		t.Helper()
		hits, total, err := db.SearchArticles(ctx, q, 10, 0)
		if err != nil || total != len(want) || strings.Join(titles(hits), "|") != strings.Join(want, "|") {
			t.Fatalf("search %q = %q (%d), %v; want %q", q, titles(hits), total, err, want)
		}
	}
	wantTitles("cranes", "Harbour reopens")

	v2 := &banx.ArticleVersion{ArticleID: a.ID, ManifestCID: "bafkreiv2", SHA256: shaB, Author: author, Title: "Harbour reopens, with tolls",
		PreviousTx: v1.AnchorTxHash}
	if err := db.AddVersion(ctx, v2); err != nil {
		t.Fatal(err)
	}
	if err := db.SetArticleText(ctx, v2.ID, search.Text{Summary: "Ships pay.", Body: "Tolls are charged per tonne."}); err != nil {
		t.Fatal(err)
	}
	wantTitles("tolls")
	wantTitles("cranes", "Harbour reopens")

	if err := db.SetVersionStatus(ctx, v2.ID, banx.StatusPublished, strings.Repeat("C", 64)); err != nil {
		t.Fatal(err)
	}
	wantTitles("tolls", "Harbour reopens, with tolls")
	wantTitles("cranes")
	if w, err := db.ArticleTextWanted(ctx, 0, 10); err != nil || len(w) != 0 {
		t.Fatalf("wanted %v, %v; the text came before publishing", w, err)
	}

	v3 := &banx.ArticleVersion{ArticleID: a.ID, ManifestCID: "bafkreiv3", SHA256: strings.Repeat("c", 64), Author: author,
		Title: "Harbour closes", PreviousTx: strings.Repeat("C", 64)}
	if err := db.AddVersion(ctx, v3); err != nil {
		t.Fatal(err)
	}
	if err := db.SetVersionStatus(ctx, v3.ID, banx.StatusPublished, strings.Repeat("D", 64)); err != nil {
		t.Fatal(err)
	}
	wantTitles("harbour", "Harbour closes")
	wantTitles("tolls")
	w, err := db.ArticleTextWanted(ctx, 0, 10)
	if err != nil || len(w) != 1 || w[0].ID != v3.ID || w[0].ManifestCID != "bafkreiv3" {
		t.Fatalf("wanted %v, %v; want version 3", w, err)
	}
	if err := db.SetArticleText(ctx, v3.ID, search.Text{Summary: "Storm \x02warning\x03.", Body: "Gales expected.", Tags: []string{"weather"}}); err != nil {
		t.Fatal(err)
	}
	wantTitles("gales", "Harbour closes")
	wantTitles("weather", "Harbour closes")
	hits, _, _ := db.SearchArticles(ctx, "storm", 10, 0)
	if len(hits) != 1 || marked(hits[0].Snippet) != "[Storm]  warning ." {
		t.Fatalf("markers in the text must not survive indexing: %+v", hits)
	}
	if w, err := db.ArticleTextWanted(ctx, 0, 10); err != nil || len(w) != 0 {
		t.Fatalf("wanted after SetArticleText: %v, %v", w, err)
	}
	if err := db.SetArticleText(ctx, 999, search.Text{}); banx.ErrorCode(err) != banx.ENOTFOUND {
		t.Fatalf("text of an unknown version: %v, want ENOTFOUND", err)
	}
	if _, err := db.ArticleTextWanted(ctx, 0, 0); banx.ErrorCode(err) != banx.EINVALID {
		t.Fatalf("limit 0: %v, want EINVALID", err)
	}
}

// TestSearchMigrationBackfill opens a database written at schema 5 with a
// published article (edited once) and a draft: migration 006 must index the
// newest published version by title and author, and want its text.
func TestSearchMigrationBackfill(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "banx.db")
	raw, err := sql.Open("sqlite3", "file:"+path+"?_foreign_keys=on")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"001_articles.sql", "002_publish.sql", "004_views.sql", "005_payouts.sql"} {
		body, err := os.ReadFile("migrations/" + m)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(string(body)); err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		if _, err := raw.Exec(`INSERT INTO schema_migrations VALUES (?, ?, '2026-01-01T00:00:00.000000000Z')`, m[:3], m); err != nil {
			t.Fatal(err)
		}
	}
	const at = "'2026-01-01T00:00:00.000000000Z'"
	for _, q := range []string{
		`INSERT INTO articles VALUES (1, '` + author + `', 'old', ` + at + `, ` + at + `)`,
		`INSERT INTO articles VALUES (2, '` + author + `', 'draft', ` + at + `, ` + at + `)`,
		`INSERT INTO article_versions (id, article_id, version, manifest_cid, sha256, author, title, status, anchor_tx_hash, created_at, updated_at)
			VALUES (7, 1, 1, 'bafkreiold', '` + shaA + `', '` + author + `', 'Ancient ruins', 'published', '` + txA + `', ` + at + `, ` + at + `)`,
		`INSERT INTO article_versions (id, article_id, version, manifest_cid, sha256, author, title, status, anchor_tx_hash, previous_tx, created_at, updated_at)
			VALUES (8, 1, 2, 'bafkreinew', '` + shaB + `', '` + author + `', 'Ancient ruins restored', 'published', '` + txB + `', '` + txA + `', ` + at + `, ` + at + `)`,
		`INSERT INTO article_versions (id, article_id, version, manifest_cid, sha256, author, title, status, created_at, updated_at)
			VALUES (9, 2, 1, 'bafkreidraft', '` + strings.Repeat("c", 64) + `', '` + author + `', 'Ancient secrets', 'stored', ` + at + `, ` + at + `)`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%.40s: %v", q, err)
		}
	}
	raw.Close()

	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if v, err := db.SchemaVersion(ctx); err != nil || v != 6 {
		t.Fatalf("schema version %d, %v; want 6", v, err)
	}
	hits, total, err := db.SearchArticles(ctx, "ancient", 10, 0)
	if err != nil || total != 1 || hits[0].Latest.ID != 8 || marked(hits[0].Title) != "[Ancient] ruins restored" {
		t.Fatalf("after backfill: %+v (%d), %v", hits, total, err)
	}
	w, err := db.ArticleTextWanted(ctx, 0, 10)
	if err != nil || len(w) != 1 || w[0].ID != 8 || w[0].SHA256 != shaB {
		t.Fatalf("wanted %+v, %v; want version 8", w, err)
	}
	if w, err := db.ArticleTextWanted(ctx, 8, 10); err != nil || len(w) != 0 {
		t.Fatalf("wanted after version 8: %+v, %v", w, err)
	}
	if err := db.SetArticleText(ctx, 8, search.Text{Summary: "Columns stand again.", Body: "Masons rebuilt the temple."}); err != nil {
		t.Fatal(err)
	}
	if hits, _, err := db.SearchArticles(ctx, "temple", 10, 0); err != nil || len(hits) != 1 || hits[0].Article.ID != 1 {
		t.Fatalf("body after the text: %+v, %v", hits, err)
	}
}

// FuzzSearchArticles checks on a real index that no search text can make
// FTS5 or SQLite fail: a search either runs or is refused as EINVALID.
func FuzzSearchArticles(f *testing.F) {
	for _, s := range []string{"cafe", `"`, "NEAR(a b, 3)", "a:b*", `x"y`, "é*", "- ^ +", "title:x OR y", "'; --", "a AND", "{a b}: c"} {
		f.Add(s)
	}
	db, err := sqlite.Open(context.Background(), filepath.Join(f.TempDir(), "banx.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	a := &banx.Article{Author: author, Slug: "one"}
	v := &banx.ArticleVersion{ManifestCID: "bafkreione", SHA256: shaA, Author: author, Title: "Café near the harbour", Status: banx.StatusPublished}
	if err := db.CreateArticle(context.Background(), a, v); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string) {
		_, _, err := db.SearchArticles(context.Background(), q, 10, 0)
		if err != nil && banx.ErrorCode(err) != banx.EINVALID {
			t.Fatalf("search %q: %v", q, err)
		}
	})
}

// TestOpenWithoutFTS5 builds a program that opens a database with a SQLite
// compiled without FTS5 (no sqlite_fts5 tag): Open must refuse and name the
// fix, rather than fail later in a migration or a search.
func TestOpenWithoutFTS5(t *testing.T) {
	path := filepath.Join(t.TempDir(), "banx.db")
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "run", "./testdata/nofts", path)
	cmd.Env = append(os.Environ(), "GOFLAGS=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go run ./testdata/nofts: %v\n%s", err, out)
	}
	want := "open: internal: this binary's SQLite has no full-text search (FTS5), which Banx needs: build with -tags sqlite_fts5; make does this\n"
	if string(out) != want {
		t.Fatalf("without FTS5, Open said %q, want %q", out, want)
	}
}
