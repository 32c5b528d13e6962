package publish_test

import (
	"testing"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/publish"
	"github.com/banxmedia/banx/internal/publish/publishtest"
)

// TestDraftRetry publishes the same manifest again at every stage (F3): while
// it is only stored the author's draft is answered again (no new row), so a
// failed publish can be retried; while it is anchoring and once published it
// is refused with the article and version it already is.
func TestDraftRetry(t *testing.T) {
	ctx := publishtest.Context(t)
	f := newFixture(t)
	w := f.author(t)
	me := w.ClassicAddress.String()

	first := draft(t, f.svc, w, "Retry me", "")
	if first.Existing {
		t.Fatalf("a new draft says Existing")
	}
	id, art := first.Detail.Version.ID, first.Detail.Version.ArticleID
	t.Run("OKStoredAnsweredAgain", func(t *testing.T) {
		again, err := f.svc.CreateDraft(ctx, me, manifestDoc(me, "Retry me", ""), 0)
		if err != nil {
			t.Fatal(err)
		}
		if !again.Existing || again.Detail.Version.ID != id || again.Detail.Version.ArticleID != art || again.LeafMessage != first.LeafMessage {
			t.Fatalf("again = %+v, want draft %d of article %d", again.Detail.Version, id, art)
		}
		_, views, err := f.svc.Article(ctx, art)
		if err != nil || len(views) != 1 {
			t.Fatalf("article %d has %d versions (%v): the retry added a row", art, len(views), err)
		}
	})
	t.Run("ErrOtherAuthorStillForbidden", func(t *testing.T) {
		other := publishtest.NewWallet(t)
		_, err := f.svc.CreateDraft(ctx, other.ClassicAddress.String(), manifestDoc(me, "Retry me", ""), 0)
		wantErr(t, err, banx.EFORBIDDEN, "not the signed-in author")
	})

	l := signLeaf(t, first, w)
	if _, err := f.svc.QueueBatch(ctx, me, id, l.PublicKey, l.Signature); err != nil {
		t.Fatal(err)
	}
	t.Run("ErrAnchoring", func(t *testing.T) {
		_, err := f.svc.CreateDraft(ctx, me, manifestDoc(me, "Retry me", ""), 0)
		wantErr(t, err, banx.ECONFLICT, "is version 1 of article")
	})
	if n, err := f.svc.AnchorBatch(ctx); err != nil || n != 1 {
		t.Fatalf("AnchorBatch = %d, %v", n, err)
	}
	v := waitFinal(t, f.db, id)
	if v.Version.Status != banx.StatusPublished {
		t.Fatalf("version is %s: %s", v.Version.Status, v.Anchoring.FailureReason)
	}
	t.Run("ErrPublished", func(t *testing.T) {
		_, err := f.svc.CreateDraft(ctx, me, manifestDoc(me, "Retry me", ""), 0)
		wantErr(t, err, banx.ECONFLICT, "already published as version 1 of article")
	})

	edit := draft(t, f.svc, w, "Retry my edit", v.Version.AnchorTxHash)
	t.Run("OKEditStoredAnsweredAgain", func(t *testing.T) {
		again, err := f.svc.CreateDraft(ctx, me, manifestDoc(me, "Retry my edit", v.Version.AnchorTxHash), 0)
		if err != nil || !again.Existing || again.Detail.Version.ID != edit.Detail.Version.ID {
			t.Fatalf("again = %+v, %v; want edit draft %d", again, err, edit.Detail.Version.ID)
		}
	})

	t.Run("VisibleTo", func(t *testing.T) {
		a, views, err := f.svc.Article(ctx, art)
		if err != nil || len(views) != 2 {
			t.Fatalf("article: %d versions, %v", len(views), err)
		}
		if got, err := publish.VisibleTo(a, views, me); err != nil || len(got) != 2 {
			t.Fatalf("author sees %d versions, %v; want 2", len(got), err)
		}
		for _, viewer := range []string{"", publishtest.NewWallet(t).ClassicAddress.String()} {
			got, err := publish.VisibleTo(a, views, viewer)
			if err != nil || len(got) != 1 || got[0].Version.Status != banx.StatusPublished {
				t.Fatalf("viewer %q sees %+v, %v; want the published version only", viewer, got, err)
			}
		}
		lone := draft(t, f.svc, w, "Never published", "")
		a2, views2, err := f.svc.Article(ctx, lone.Detail.Version.ArticleID)
		if err != nil {
			t.Fatal(err)
		}
		_, err = publish.VisibleTo(a2, views2, "")
		wantErr(t, err, banx.ENOTFOUND, "no published version")
	})
}
