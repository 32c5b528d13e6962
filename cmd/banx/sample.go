package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"path/filepath"
	"regexp"
	"strconv"

	"github.com/Peersyst/xrpl-go/xrpl/wallet"
	"github.com/banxmedia/banx/contracts"
	"github.com/banxmedia/banx/internal/banx"
	banxhttp "github.com/banxmedia/banx/internal/http"
	"github.com/banxmedia/banx/internal/manifest"
	"github.com/banxmedia/banx/internal/publish"
)

// announceSample publishes the sample article as the first dev author
// (DATA/wallets/author-1.seed, made by the embedded BXE setup) and prints where
// to read it.
func announceSample(ctx context.Context, srv *banxhttp.Server, cfg Config, store contentStore, e env) error {
	pub, ok := srv.Publish.(*publish.Service)
	if !ok {
		return banx.Errorf(banx.EINTERNAL, "publishing is not configured")
	}
	author, err := readSeedFile("dev author", filepath.Join(cfg.walletsDir(), "author-1.seed"))
	if err != nil {
		return err
	}
	id, err := publishSample(ctx, pub, store, author)
	if err != nil || id == 0 {
		return err
	}
	fmt.Fprintf(e.stdout, "Sample article published by %s: %s/a/%d\n", author.ClassicAddress, srv.URL(), id)
	return nil
}

// publishSample publishes the sample article (contracts.SampleArticleMarkdown)
// as the dev author, self-anchored, when the instance has no article yet. It
// runs only on a fresh embedded stack, so a person running `make run` lands on
// a real article page (cover from IPFS, anchor, verification) instead of an
// empty site. It goes through the same service, checks and signing as an
// author's CLI would. It returns the article id (0 when there were articles already); anchoring completes in the
// background like any other.
func publishSample(ctx context.Context, pub *publish.Service, store contentStore, author *wallet.Wallet) (int64, error) {
	existing, err := pub.Articles(ctx, "", 1, 0)
	if err != nil || len(existing) > 0 {
		return 0, err
	}
	addr := author.ClassicAddress.String()
	doc, err := sampleDoc(ctx, store, addr)
	if err != nil {
		return 0, err
	}
	d, err := pub.CreateDraft(ctx, addr, doc, 0)
	if banx.ErrorCode(err) == banx.ECONFLICT {
		// A run killed before the anchor was submitted left this very draft
		// (nothing is published yet, or we would not be here): anchor it.
		d, err = resumeSample(ctx, pub, store, addr, doc)
	}
	if err != nil {
		return 0, err
	}
	switch d.Detail.Version.Status {
	case banx.StatusAnchoring, banx.StatusPublished:
		return d.Detail.Version.ArticleID, nil
	}
	id := d.Detail.Version.ID
	p, err := pub.PrepareSelf(ctx, addr, id)
	if err != nil {
		return 0, err
	}
	fields, err := publish.CheckUnsignedAnchor(p.Unsigned, addr, p.Memo, 1_000_000)
	if err != nil {
		return 0, err
	}
	blob, _, err := author.Sign(fields)
	if err != nil {
		return 0, banx.Wrap(banx.EINTERNAL, err, "sign the sample article's anchor")
	}
	if _, err := pub.SubmitSelf(ctx, addr, id, blob); err != nil {
		return 0, err
	}
	return d.Detail.Version.ArticleID, nil
}

// sampleAuthorName is the author name the seed page shows (issue #6).
const sampleAuthorName = "Harryrednap"

// sampleDoc stores the sample's cover and returns the sample article's
// canonical manifest by author: the same bytes on every run.
func sampleDoc(ctx context.Context, store contentStore, addr string) ([]byte, error) {
	cover := sampleCover()
	cid, err := store.Add(ctx, bytes.NewReader(cover))
	if err != nil {
		return nil, err
	}
	text := string(contracts.SampleArticleMarkdown)
	for _, r := range []struct{ pattern, value string }{
		{`(?m)^author: .*$`, "author: " + addr},
		{`(?m)^  - cid: .*$`, "  - cid: " + cid},
		{`(?m)^    mime_type: .*$`, "    mime_type: image/png"},
		{`(?m)^    size: .*$`, "    size: " + strconv.Itoa(len(cover))},
	} {
		text = regexp.MustCompile(r.pattern).ReplaceAllString(text, r.value)
	}
	m, err := manifest.ParseMarkdown(bytes.NewReader([]byte(text)))
	if err != nil {
		return nil, banx.Wrap(banx.EINTERNAL, err, "sample article")
	}
	// The seed page's byline names its author; the seed file's bytes are
	// pinned by the golden vectors, so the name is set here, not in the file.
	m.AuthorName = sampleAuthorName
	return m.Canonical()
}

// resumeSample finds the sample's draft from an earlier run by its manifest's
// CID; adding the same canonical bytes again names them without storing
// anything new.
func resumeSample(ctx context.Context, pub *publish.Service, store contentStore, author string, doc []byte) (*publish.Draft, error) {
	cid, err := store.Add(ctx, bytes.NewReader(doc))
	if err != nil {
		return nil, err
	}
	return pub.DraftByCID(ctx, author, cid)
}

// sampleCover draws the sample article's cover: a real PNG, generated rather
// than shipped, so the page shows a picture served from Banx's own /ipfs/.
func sampleCover() []byte {
	const w, h = 960, 540
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(20 + x*60/w), uint8(60 + y*80/h), uint8(140 - x*40/w), 255})
		}
	}
	var b bytes.Buffer
	png.Encode(&b, img) // writing to a bytes.Buffer cannot fail
	return b.Bytes()
}
