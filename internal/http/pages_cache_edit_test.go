package http_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/publish/publishtest"
)

// TestArticlePageCachedEdit reads an article page twice (the second from the
// version cache, identical), then publishes an edit: the page must show the
// new version at once, because the edit has a new manifest CID and so a new
// cache entry.
func TestArticlePageCachedEdit(t *testing.T) {
	ctx := publishtest.Context(t)
	a := startPubAPI(t, withSite)
	c := a.client

	w := publishtest.NewWallet(t)
	publishtest.Fund(t, ctx, c, w, 20_000_000)
	me := w.ClassicAddress.String()
	token := a.signIn(t, w)
	publishBatch := func(title, previous string) draftBody {
		t.Helper()
		var d draftBody
		a.must(t, "POST", "/api/v1/drafts", "/api/v1/drafts", token, pubManifest(me, title, previous), 201, &d)
		leaf, err := anchor.SignLeaf(anchor.Leaf{NetworkID: d.NetworkID, Author: me, SHA256: d.SHA256, CID: d.CID}, w.Seed)
		if err != nil {
			t.Fatal(err)
		}
		a.must(t, "POST", "/api/v1/drafts/{id}/anchor", fmt.Sprintf("/api/v1/drafts/%d/anchor", d.ID), token,
			map[string]string{"mode": "batch", "public_key": leaf.PublicKey, "signature": leaf.Signature}, 202, nil)
		return d
	}

	d1 := publishBatch("First cut", "")
	v1 := a.waitPublished(t, d1.ArticleID, 1)
	page := fmt.Sprintf("%s/a/%d", a.url, d1.ArticleID)
	code, _, first := get(t, page)
	if code != 200 || !strings.Contains(first, "Body of First cut.") || !strings.Contains(first, d1.CID) {
		t.Fatalf("GET %s = %d, want version 1:\n%s", page, code, first)
	}
	if code, _, again := get(t, page); code != 200 || again != first {
		t.Fatalf("second read differs from the first (%d)", code)
	}

	d2 := publishBatch("Second cut", v1["anchor_tx_hash"].(string))
	if d2.ArticleID != d1.ArticleID || d2.CID == d1.CID {
		t.Fatalf("edit %+v of %+v", d2, d1)
	}
	a.waitPublished(t, d1.ArticleID, 2)
	code, _, edited := get(t, page)
	if code != 200 || !strings.Contains(edited, "Body of Second cut.") || strings.Contains(edited, "Body of First cut.") || !strings.Contains(edited, d2.CID) {
		t.Fatalf("GET %s after the edit = %d, want version 2:\n%s", page, code, edited)
	}
}
