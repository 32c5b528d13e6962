package publish_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/ipfs/embedded"
	"github.com/banxmedia/banx/internal/manifest"
	"github.com/banxmedia/banx/internal/publish"
	"github.com/banxmedia/banx/internal/publish/publishtest"
)

// TestCreateDraftMedia checks that a manifest may name only images this
// server's content store holds: an unknown cover or inline image, in a new
// article or in an edit, is refused with the field and the CID, and nothing
// is stored for it (no version row, no manifest on IPFS).
func TestCreateDraftMedia(t *testing.T) {
	ctx := publishtest.Context(t)
	f := newFixture(t)
	w := f.author(t)
	me := w.ClassicAddress.String()
	// scratch computes the CID of bytes without putting them in the
	// server's store: an embedded store with the same import settings.
	scratch := openEmbedded(t)
	cover, inline := testPNG(t, 1), testPNG(t, 2)
	coverCID := add(t, f.content, cover)
	inlineCID := add(t, f.content, inline)
	missing := testPNG(t, 3)
	missingCID := add(t, scratch, missing)

	v1 := publishSelf(t, f, w, mediaDoc(t, me, "Pictured", "", media(coverCID, manifest.RoleCover, len(cover))))
	tests := []struct {
		name, title, previous string
		media                 []manifest.Media
		reason                string // "" for OK
	}{
		{"OKCover", "With a cover", "", media(coverCID, manifest.RoleCover, len(cover)), ""},
		{"OKCoverAndInline", "With two images", "",
			append(media(coverCID, manifest.RoleCover, len(cover)), media(inlineCID, manifest.RoleInline, len(inline))...), ""},
		{"OKEdit", "Pictured, revised", v1.Version.AnchorTxHash, media(inlineCID, manifest.RoleCover, len(inline)), ""},
		{"ErrCoverUnknown", "Missing cover", "", media(missingCID, manifest.RoleCover, len(missing)),
			"media[0].cid: cover image " + missingCID + " is not in this server's content store: upload it first (POST /api/v1/media, or banx media add FILE)"},
		{"ErrInlineUnknown", "Missing inline", "",
			append(media(coverCID, manifest.RoleCover, len(cover)), media(missingCID, manifest.RoleInline, len(missing))...),
			"media[1].cid: inline image " + missingCID + " is not in this server's content store: upload it first"},
		{"ErrEditUnknown", "Pictured, broken", v1.Version.AnchorTxHash, media(missingCID, manifest.RoleCover, len(missing)),
			"media[0].cid: cover image " + missingCID + " is not in this server's content store"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := mediaDoc(t, me, tt.title, tt.previous, tt.media)
			d, err := f.svc.CreateDraft(ctx, me, doc, 0)
			if tt.reason == "" {
				if err != nil {
					t.Fatal(err)
				}
				if d.Detail.Version.Status != banx.StatusStored {
					t.Fatalf("draft is %s", d.Detail.Version.Status)
				}
				if tt.previous != "" && (d.Detail.Version.ArticleID != v1.Version.ArticleID || d.Detail.Version.Version != 2) {
					t.Fatalf("edit is %+v", d.Detail.Version)
				}
				return
			}
			wantErr(t, err, banx.EINVALID, tt.reason)
			// Nothing was written: the manifest is neither on IPFS nor a version.
			cid := manifestCID(t, scratch, doc)
			if pinned, err := f.content.Pinned(ctx, cid); err != nil || pinned {
				t.Fatalf("refused manifest %s pinned = %v, %v", cid, pinned, err)
			}
			if _, err := f.db.FindVersionByCID(ctx, cid); banx.ErrorCode(err) != banx.ENOTFOUND {
				t.Fatalf("refused manifest has a version: err = %v", err)
			}
			if pinned, err := f.content.Pinned(ctx, missingCID); err != nil || pinned {
				t.Fatalf("missing image %s pinned = %v, %v", missingCID, pinned, err)
			}
		})
	}
	// The edit of an article stays possible after a refused one: the
	// refusal recorded nothing that would make version 2 a conflict.
	versions, err := f.db.ListVersionDetails(ctx, v1.Version.ArticleID)
	if err != nil || len(versions) != 2 {
		t.Fatalf("article %d has %d versions (%v), want 2: the published one and OKEdit's draft", v1.Version.ArticleID, len(versions), err)
	}
}

// TestCreateDraftMediaUnavailable stops the content store under the
// service: a manifest naming an image is then EUNAVAILABLE (the store cannot
// tell), not EINVALID (the author did nothing wrong).
func TestCreateDraftMediaUnavailable(t *testing.T) {
	ctx := publishtest.Context(t)
	f := newFixture(t)
	w := f.author(t)
	me := w.ClassicAddress.String()
	store := openEmbedded(t)
	cover := testPNG(t, 4)
	coverCID := add(t, store, cover)
	svc := publish.New(f.db, store, f.client, publish.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := svc.CreateDraft(ctx, me, mediaDoc(t, me, "Unreachable", "", media(coverCID, manifest.RoleCover, len(cover))), 0)
	wantErr(t, err, banx.EUNAVAILABLE, "embedded IPFS store")
}

// openEmbedded opens an embedded content store in the test's directory.
func openEmbedded(t *testing.T) *embedded.Store {
	t.Helper()
	s, err := embedded.Open(filepath.Join(t.TempDir(), "ipfs"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// testPNG is a small, valid PNG; shade makes each one different bytes.
func testPNG(t *testing.T, shade uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 6))
	for i := range img.Pix {
		img.Pix[i] = shade * 40
	}
	img.Set(0, 0, color.RGBA{R: shade, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// add stores data and returns its CID.
func add(t *testing.T, s publish.Content, data []byte) string {
	t.Helper()
	cid, err := s.Add(context.Background(), bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return cid
}

// media is one manifest media item describing a PNG of size bytes.
func media(cid, role string, size int) []manifest.Media {
	return []manifest.Media{{CID: cid, Role: role, MIMEType: "image/png", Size: int64(size), Alt: "A test picture",
		DigitalSourceType: "digitalCapture"}}
}

// mediaDoc is a valid manifest document by author naming media.
func mediaDoc(t *testing.T, author, title, previous string, md []manifest.Media) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(manifestDoc(author, title, previous), &m); err != nil {
		t.Fatal(err)
	}
	m["media"] = md
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := manifest.Parse(b); err != nil {
		t.Fatalf("test manifest is invalid: %v", err)
	}
	return b
}

// manifestCID is the CID the service would store doc's canonical bytes under,
// computed in scratch.
func manifestCID(t *testing.T, scratch publish.Content, doc []byte) string {
	t.Helper()
	m, err := manifest.Parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	canonical, err := m.Canonical()
	if err != nil {
		t.Fatal(err)
	}
	return add(t, scratch, canonical)
}

// publishSelf publishes doc as a new article in self mode and waits for it.
func publishSelf(t *testing.T, f *fixture, w *wallet.Wallet, doc []byte) banx.VersionDetail {
	t.Helper()
	ctx := publishtest.Context(t)
	me := w.ClassicAddress.String()
	d, err := f.svc.CreateDraft(ctx, me, doc, 0)
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.svc.PrepareSelf(ctx, me, d.Detail.Version.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SubmitSelf(ctx, me, d.Detail.Version.ID, signPrepared(t, p, w)); err != nil {
		t.Fatal(err)
	}
	v := waitFinal(t, f.db, d.Detail.Version.ID)
	if v.Version.Status != banx.StatusPublished {
		t.Fatalf("version is %s: %s", v.Version.Status, v.Anchoring.FailureReason)
	}
	return v
}
