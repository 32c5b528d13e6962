package http_test

import (
	"encoding/json"
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
		a.must(t, "POST", "/api/v1/drafts", "/api/v1/drafts", token, doc, 200, &again)
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

type privateArticle struct {
	Author   string `json:"author"`
	Versions []struct {
		Version int    `json:"version"`
		Status  string `json:"status"`
		Title   string `json:"title"`
		CID     string `json:"cid"`
	} `json:"versions"`
}

// TestArticlePrivateDrafts reads an article by id as an anonymous reader,
// another author and its author (bearer and cookie) (F30): only the author
// sees an unpublished draft; anyone else gets 404 until a version is
// published, then that version only. Publishing the same manifest again
// answers the stored draft (F3) and, once published, is refused naming it.
func TestArticlePrivateDrafts(t *testing.T) {
	ctx := publishtest.Context(t)
	a := startPubAPI(t)
	w, other := publishtest.NewWallet(t), publishtest.NewWallet(t)
	publishtest.Fund(t, ctx, a.client, w, 20_000_000)
	me := w.ClassicAddress.String()
	token, otherToken := a.signIn(t, w), a.signIn(t, other)

	doc := pubManifest(me, "Secret draft", "")
	var d draftBody
	a.must(t, "POST", "/api/v1/drafts", "/api/v1/drafts", token, doc, 201, &d)
	path := fmt.Sprintf("/api/v1/articles/%d", d.ArticleID)

	read := func(t *testing.T, tok string, want int) privateArticle {
		t.Helper()
		r := a.call(t, "GET", path, tok, nil)
		if r.status != want {
			t.Fatalf("GET %s = %d %s, want %d", path, r.status, r.body, want)
		}
		a.spec.validate(t, "/api/v1/articles/{id}", "GET", r)
		var art privateArticle
		json.Unmarshal(r.body, &art)
		return art
	}
	for _, tc := range []struct{ name, token string }{{"ErrAnonymous", ""}, {"ErrOtherAuthor", otherToken}, {"ErrBadToken", "not-a-session"}} {
		t.Run(tc.name+"Draft", func(t *testing.T) {
			r := a.call(t, "GET", path, tc.token, nil)
			if r.status != 404 || !strings.Contains(string(r.body), "no published version") ||
				strings.Contains(string(r.body), "Secret draft") || strings.Contains(string(r.body), d.CID) {
				t.Fatalf("GET %s = %d %s, want 404 without the draft", path, r.status, r.body)
			}
		})
	}
	t.Run("OKAuthorBearer", func(t *testing.T) {
		art := read(t, token, 200)
		if len(art.Versions) != 1 || art.Versions[0].Status != "stored" || art.Versions[0].CID != d.CID {
			t.Fatalf("author sees %+v", art)
		}
	})
	t.Run("OKAuthorCookie", func(t *testing.T) {
		code, _, body := cookieRequest(t, "GET", a.url+path, token, "", "", nil)
		if code != 200 || !strings.Contains(body, d.CID) {
			t.Fatalf("cookie GET = %d %s", code, body)
		}
	})
	t.Run("OKRetryAnswersTheDraft", func(t *testing.T) {
		var again draftBody
		a.must(t, "POST", "/api/v1/drafts", "/api/v1/drafts", token, doc, 200, &again)
		if again.ID != d.ID || again.ArticleID != d.ArticleID || again.Status != "stored" {
			t.Fatalf("retry = %+v, want draft %d", again, d.ID)
		}
		if art := read(t, token, 200); len(art.Versions) != 1 {
			t.Fatalf("retry added a version: %+v", art)
		}
	})

	leaf, err := anchor.SignLeaf(anchor.Leaf{NetworkID: d.NetworkID, Author: me, SHA256: d.SHA256, CID: d.CID}, w.Seed)
	if err != nil {
		t.Fatal(err)
	}
	a.must(t, "POST", "/api/v1/drafts/{id}/anchor", fmt.Sprintf("/api/v1/drafts/%d/anchor", d.ID), token,
		map[string]string{"mode": "batch", "public_key": leaf.PublicKey, "signature": leaf.Signature}, 202, nil)
	deadline := time.Now().Add(60 * time.Second)
	for read(t, token, 200).Versions[0].Status != "published" {
		if time.Now().After(deadline) {
			t.Fatalf("not published after 60s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Run("ErrRetryPublished", func(t *testing.T) {
		a.refused(t, "POST", "/api/v1/drafts", "/api/v1/drafts", token, doc, 409,
			fmt.Sprintf("already published as version 1 of article %d", d.ArticleID))
	})

	var v1 struct {
		Versions []struct {
			AnchorTxHash string `json:"anchor_tx_hash"`
		} `json:"versions"`
	}
	a.must(t, "GET", "/api/v1/articles/{id}", path, "", nil, 200, &v1)
	var edit draftBody
	a.must(t, "POST", "/api/v1/drafts", "/api/v1/drafts", token, pubManifest(me, "Secret edit", v1.Versions[0].AnchorTxHash), 201, &edit)
	t.Run("OKAnonymousSeesPublishedOnly", func(t *testing.T) {
		art := read(t, "", 200)
		if len(art.Versions) != 1 || art.Versions[0].Status != "published" || art.Versions[0].Title != "Secret draft" {
			t.Fatalf("anonymous sees %+v", art)
		}
		if art := read(t, otherToken, 200); len(art.Versions) != 1 {
			t.Fatalf("another author sees %+v", art)
		}
	})
	t.Run("OKAuthorSeesEdit", func(t *testing.T) {
		if art := read(t, token, 200); len(art.Versions) != 2 || art.Versions[1].Status != "stored" {
			t.Fatalf("author sees %+v", art)
		}
	})
}
