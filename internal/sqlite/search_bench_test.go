package sqlite_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/search"
	"github.com/banxmedia/banx/internal/sqlite"
)

// benchArticles is the size of the archive the search benchmarks run on.
const benchArticles = 2000

// BenchmarkSearchArticles searches an archive of benchArticles published
// articles of about 400 words each: a word in most articles (ranking and
// counting many hits), a rare word, a prefix, and three words together. Each
// search asks for the first page of 20, with snippets.
func BenchmarkSearchArticles(b *testing.B) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "banx.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	vocab := make([]string, 5000)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("w%dx", i)
	}
	common := []string{"harbour", "council", "market", "election", "storm", "café"}
	words := func(n int) string {
		var sb strings.Builder
		for i := range n {
			if i > 0 {
				sb.WriteByte(' ')
			}
			if rng.IntN(20) == 0 {
				sb.WriteString(common[rng.IntN(len(common))])
			} else {
				sb.WriteString(vocab[rng.IntN(len(vocab))])
			}
		}
		return sb.String()
	}
	for i := range benchArticles {
		a := &banx.Article{Author: author, Slug: fmt.Sprintf("a-%d", i)}
		v := &banx.ArticleVersion{ManifestCID: fmt.Sprintf("bafkrei%d", i), SHA256: fmt.Sprintf("%064x", i+1), Author: author,
			Title: words(8), Status: banx.StatusPublished}
		if err := db.CreateArticle(ctx, a, v); err != nil {
			b.Fatal(err)
		}
		if err := db.SetArticleText(ctx, v.ID, search.Text{Summary: words(20), Body: words(400), Tags: []string{"news"}, Category: "world"}); err != nil {
			b.Fatal(err)
		}
	}
	for _, bc := range []struct{ name, q string }{
		{"Common", "harbour"},
		{"Rare", "w4242x"},
		{"Prefix", "w42*"},
		{"ThreeWords", "harbour storm council"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			hits, total, err := db.SearchArticles(ctx, bc.q, 20, 0)
			if err != nil || len(hits) == 0 {
				b.Fatalf("search %q: %d hits of %d, %v", bc.q, len(hits), total, err)
			}
			for b.Loop() {
				if _, _, err := db.SearchArticles(ctx, bc.q, 20, 0); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(total), "matches")
		})
	}
}
