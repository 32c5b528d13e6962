package http_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/publish/publishtest"
)

// TestDraftRetryAPI posts the same manifest again over HTTP, as `banx
// publish` does when it is run again after a failed attempt (F3): while the
// draft is only stored it is answered again (same draft, no new version);
// once published it is refused 409 naming the article and version.
func TestDraftRetryAPI(t *testing.T) {
	ctx := publishtest.Context(t)
	a := startPubAPI(t)
	w := publishtest.NewWallet(t)
	publishtest.Fund(t, ctx, a.client, w, 20_000_000)
	me := w.ClassicAddress.String()
	token := a.signIn(t, w)

	doc := pubManifest(me, "Retried article", "")
	var d draftBody
	a.must(t, "POST", "/api/v1/drafts", "/api/v1/drafts", token, doc, 201, &d)
	t.Run("OKStoredAnsweredAgain", func(t *testing.T) {
		var again draftBody
		a.must(t, "POST", "/api/v1/drafts", "/api/v1/drafts", token, doc, 201, &again)
		if again != d {
			t.Fatalf("retry = %+v, want the same draft %+v", again, d)
		}
		a.must(t, "GET", "/api/v1/drafts/{id}", fmt.Sprintf("/api/v1/drafts/%d", d.ID+1), token, nil, 404, nil)
	})

	leaf, err := anchor.SignLeaf(anchor.Leaf{NetworkID: d.NetworkID, Author: me, SHA256: d.SHA256, CID: d.CID}, w.Seed)
	if err != nil {
		t.Fatal(err)
	}
	a.must(t, "POST", "/api/v1/drafts/{id}/anchor", fmt.Sprintf("/api/v1/drafts/%d/anchor", d.ID), token,
		map[string]string{"mode": "batch", "public_key": leaf.PublicKey, "signature": leaf.Signature}, 202, nil)
	t.Run("ErrRetryAnchoring", func(t *testing.T) {
		// The batch may already be validated: either way it is not a new draft.
		r := a.call(t, "POST", "/api/v1/drafts", token, doc)
		body := string(r.body)
		if r.status != 409 || !(strings.Contains(body, "wait for its anchor") || strings.Contains(body, "already published")) {
			t.Fatalf("retry while anchoring = %d %s, want 409", r.status, body)
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		var got struct {
			Status string `json:"status"`
		}
		a.must(t, "GET", "/api/v1/drafts/{id}", fmt.Sprintf("/api/v1/drafts/%d", d.ID), token, nil, 200, &got)
		if got.Status == "published" {
			break
		}
		if got.Status == "failed" || time.Now().After(deadline) {
			t.Fatalf("draft %d is %s", d.ID, got.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Run("ErrRetryPublished", func(t *testing.T) {
		a.refused(t, "POST", "/api/v1/drafts", "/api/v1/drafts", token, doc, 409,
			fmt.Sprintf("already published as version 1 of article %d", d.ArticleID))
	})
}
