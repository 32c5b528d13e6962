package sqlite_test

import (
	"context"
	"strings"
	"testing"

	"github.com/banxmedia/banx/internal/banx"
)

const (
	author  = "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh"
	other   = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe"
	shaA    = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	shaB    = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	anchorA = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
)

func TestCreateArticle(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		db := openTestDB(t)
		a := &banx.Article{Author: author, Slug: "us-iran-talks"}
		v := &banx.ArticleVersion{ManifestCID: "bafkreia", SHA256: shaA, Author: author, Title: "A New Opening?"}
		if err := db.CreateArticle(ctx, a, v); err != nil {
			t.Fatal(err)
		}
		if a.ID == 0 || v.ID == 0 || v.Version != 1 || v.Status != banx.StatusDraft {
			t.Fatalf("got article %+v version %+v", a, v)
		}
		got, err := db.FindVersionByCID(ctx, "bafkreia")
		if err != nil {
			t.Fatal(err)
		}
		if got.SHA256 != shaA || got.Title != "A New Opening?" || got.ArticleID != a.ID || !got.CreatedAt.Equal(v.CreatedAt) {
			t.Fatalf("read back %+v, want %+v", got, v)
		}
	})
	t.Run("ErrDuplicateCID", func(t *testing.T) {
		db := openTestDB(t)
		mustCreate(t, db, "one", "bafkreia", shaA)
		err := db.CreateArticle(ctx, &banx.Article{Author: author, Slug: "two"},
			&banx.ArticleVersion{ManifestCID: "bafkreia", SHA256: shaB, Author: author})
		if banx.ErrorCode(err) != banx.ECONFLICT {
			t.Fatalf("err = %v, want ECONFLICT", err)
		}
		// The article row of the failed call must not exist: one transaction.
		if _, err := db.FindVersionByCID(ctx, "bafkreia"); err != nil {
			t.Fatal(err)
		}
		err = db.CreateArticle(ctx, &banx.Article{Author: author, Slug: "two"},
			&banx.ArticleVersion{ManifestCID: "bafkreib", SHA256: shaB, Author: author})
		if err != nil {
			t.Fatalf("slug of the failed call was left behind: %v", err)
		}
	})
	t.Run("ErrBadHash", func(t *testing.T) {
		db := openTestDB(t)
		err := db.CreateArticle(ctx, &banx.Article{Author: author, Slug: "x"},
			&banx.ArticleVersion{ManifestCID: "bafkreia", SHA256: strings.ToUpper(shaA), Author: author})
		if banx.ErrorCode(err) != banx.EINVALID || !strings.Contains(err.Error(), "sha256") {
			t.Fatalf("err = %v, want EINVALID about sha256", err)
		}
	})
	t.Run("ErrBadSlug", func(t *testing.T) {
		db := openTestDB(t)
		err := db.CreateArticle(ctx, &banx.Article{Author: author, Slug: ""},
			&banx.ArticleVersion{ManifestCID: "bafkreia", SHA256: shaA, Author: author})
		if banx.ErrorCode(err) != banx.EINVALID {
			t.Fatalf("err = %v, want EINVALID", err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		db := openTestDB(t)
		_, err := db.FindVersionByCID(ctx, "bafkreimissing")
		if banx.ErrorCode(err) != banx.ENOTFOUND {
			t.Fatalf("err = %v, want ENOTFOUND", err)
		}
	})
}

func TestVersions(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	a, v1 := mustCreate(t, db, "story", "bafkreia", shaA)

	t.Run("ErrEditBeforeAnchor", func(t *testing.T) {
		err := db.AddVersion(ctx, &banx.ArticleVersion{ArticleID: a.ID, ManifestCID: "bafkreib", SHA256: shaB, Author: author, PreviousTx: anchorA})
		if banx.ErrorCode(err) != banx.ECONFLICT {
			t.Fatalf("err = %v, want ECONFLICT", err)
		}
	})
	for _, st := range []banx.ArticleStatus{banx.StatusStored, banx.StatusAnchoring, banx.StatusPublished} {
		tx := ""
		if st == banx.StatusAnchoring {
			tx = anchorA
		}
		if err := db.SetVersionStatus(ctx, v1.ID, st, tx); err != nil {
			t.Fatalf("to %s: %v", st, err)
		}
	}
	t.Run("ErrBackwards", func(t *testing.T) {
		err := db.SetVersionStatus(ctx, v1.ID, banx.StatusDraft, "")
		if banx.ErrorCode(err) != banx.ECONFLICT {
			t.Fatalf("err = %v, want ECONFLICT", err)
		}
	})
	t.Run("ErrOtherAuthor", func(t *testing.T) {
		err := db.AddVersion(ctx, &banx.ArticleVersion{ArticleID: a.ID, ManifestCID: "bafkreib", SHA256: shaB, Author: other, PreviousTx: anchorA})
		if banx.ErrorCode(err) != banx.EFORBIDDEN {
			t.Fatalf("err = %v, want EFORBIDDEN", err)
		}
	})
	t.Run("OK", func(t *testing.T) {
		v2 := &banx.ArticleVersion{ArticleID: a.ID, ManifestCID: "bafkreib", SHA256: shaB, Author: author, PreviousTx: anchorA}
		if err := db.AddVersion(ctx, v2); err != nil {
			t.Fatal(err)
		}
		vs, err := db.ListVersions(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(vs) != 2 || vs[0].Version != 1 || vs[1].Version != 2 || vs[0].AnchorTxHash != anchorA ||
			vs[0].Status != banx.StatusPublished || vs[1].PreviousTx != anchorA {
			t.Fatalf("versions = %+v %+v", vs[0], vs[1])
		}
	})
}

func mustCreate(t *testing.T, db interface {
	CreateArticle(context.Context, *banx.Article, *banx.ArticleVersion) error
}, slug, cid, sha string) (*banx.Article, *banx.ArticleVersion) {
	t.Helper()
	a := &banx.Article{Author: author, Slug: slug}
	v := &banx.ArticleVersion{ManifestCID: cid, SHA256: sha, Author: author, Title: slug}
	if err := db.CreateArticle(context.Background(), a, v); err != nil {
		t.Fatal(err)
	}
	return a, v
}
