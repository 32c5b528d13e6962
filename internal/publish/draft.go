package publish

import (
	"bytes"
	"context"
	"strings"
	"unicode"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/manifest"
)

// Draft is a stored version as the author sees it right after creating it:
// what to sign for a batch anchor is part of it.
type Draft struct {
	Detail      banx.VersionDetail
	NetworkID   uint32
	LeafMessage string // the exact text to sign for a batch anchor
	// Existing is true when CreateDraft answered the author's earlier,
	// not yet anchored draft of the same manifest instead of a new one: how
	// a publish that failed half-way is retried.
	Existing bool
}

// CreateDraft validates a manifest document for the signed-in author, stores
// its canonical bytes on IPFS (pinned) and records the version as 'stored'.
// A manifest with previous set is an edit of the article whose latest,
// published version has that anchor transaction; articleID picks the article
// when one batch transaction anchors several of the author's articles (0
// otherwise). Nothing is recorded unless everything succeeded: EINVALID or
// ETOOLARGE for a bad manifest, EFORBIDDEN for another author's manifest or
// article, ECONFLICT for an edit of anything but the latest published version.
// The same manifest again is idempotent while it is not anchored: the
// author's stored (or failed) draft of it is answered with Existing set; once
// it is anchoring or published it is ECONFLICT naming the article and version.
func (s *Service) CreateDraft(ctx context.Context, author string, document []byte, articleID int64) (*Draft, error) {
	m, err := manifest.Parse(document)
	if err != nil {
		return nil, err
	}
	if m.Author != author {
		return nil, banx.Errorf(banx.EFORBIDDEN, "manifest author %s is not the signed-in author %s", m.Author, author)
	}
	if m.Previous == "" && articleID != 0 {
		return nil, banx.Errorf(banx.EINVALID, "article %d: a new version of an article names its predecessor's anchor in manifest.previous", articleID)
	}
	canonical, err := m.Canonical()
	if err != nil {
		return nil, err
	}
	if err := s.checkMedia(ctx, m); err != nil {
		return nil, err
	}
	sha := manifest.Hash(canonical)
	var prev *banx.VersionDetail
	if m.Previous != "" {
		if prev, err = s.findPredecessor(ctx, author, m.Previous, articleID); banx.ErrorCode(err) == banx.ECONFLICT {
			// An edit sent again is no longer an edit of the latest
			// version: its own stored draft is. Answer that draft.
			cid, aerr := s.content.Add(ctx, bytes.NewReader(canonical))
			if aerr != nil {
				return nil, aerr
			}
			if d, found, ferr := s.existingDraft(ctx, author, cid, sha); ferr != nil {
				return nil, ferr
			} else if found {
				return d, nil
			}
		}
		if err != nil {
			return nil, err
		}
	}
	cid, err := s.content.Add(ctx, bytes.NewReader(canonical))
	if err != nil {
		return nil, err
	}
	if pinned, err := s.content.Pinned(ctx, cid); err != nil {
		return nil, err
	} else if !pinned {
		return nil, banx.Errorf(banx.EUNAVAILABLE, "content store did not pin %s", cid)
	}
	// The memo and the leaf carry the CID beside the hash; for a raw CID they
	// must name the same bytes, which this checks before anything is recorded.
	if err := anchor.SelfMemo(sha, cid, author, m.Previous).Validate(); err != nil {
		return nil, banx.Wrap(banx.EINTERNAL, err, "stored manifest %s does not match its hash %s", cid, sha)
	}
	v := &banx.ArticleVersion{ManifestCID: cid, SHA256: sha, Author: author, Title: m.Title, Status: banx.StatusStored, PreviousTx: m.Previous}
	if prev == nil {
		a := &banx.Article{Author: author, Slug: slug(m.Title, sha)}
		err = s.store.CreateArticle(ctx, a, v)
	} else {
		v.ArticleID = prev.Version.ArticleID
		err = s.store.AddVersion(ctx, v)
	}
	if banx.ErrorCode(err) == banx.ECONFLICT {
		if d, found, ferr := s.existingDraft(ctx, author, cid, sha); ferr != nil {
			return nil, ferr
		} else if found {
			return d, nil
		}
		if prev == nil {
			return nil, banx.Wrap(banx.ECONFLICT, err, "this exact manifest (sha256 %s) is already stored", sha)
		}
	}
	if err != nil {
		return nil, err
	}
	d, err := s.store.FindVersion(ctx, v.ID)
	if err != nil {
		return nil, err
	}
	return s.draft(d), nil
}

// MediaUploadHint is how an author puts an image into this server's content
// store, as a refused manifest's reason says.
const MediaUploadHint = "upload it first (POST /api/v1/media, or banx media add FILE)"

// checkMedia refuses a manifest that names an image (cover or inline) this
// server's content store does not hold pinned: the article page would show
// a broken image, and the proof would name bytes nobody can fetch from
// Banx. It only reads the store, so a refused manifest leaves nothing behind.
func (s *Service) checkMedia(ctx context.Context, m manifest.Manifest) error {
	for i, md := range m.Media {
		pinned, err := s.content.Pinned(ctx, md.CID)
		if err != nil {
			return err
		}
		if !pinned {
			return banx.Errorf(banx.EINVALID, "media[%d].cid: %s image %s is not in this server's content store: %s",
				i, md.Role, md.CID, MediaUploadHint)
		}
	}
	return nil
}

// existingDraft finds the author's version already stored under cid with
// hash sha, after a store refused the same manifest again. found is false when
// there is none (the conflict was something else). A stored, draft or failed
// version is answered to be anchored again; an anchoring or published one is
// ECONFLICT naming its article and version.
func (s *Service) existingDraft(ctx context.Context, author, cid, sha string) (*Draft, bool, error) {
	v, err := s.store.FindVersionByCID(ctx, cid)
	if banx.ErrorCode(err) == banx.ENOTFOUND {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if v.Author != author || v.SHA256 != sha {
		return nil, false, nil
	}
	switch v.Status {
	case banx.StatusStored, banx.StatusDraft, banx.StatusFailed:
	case banx.StatusPublished:
		return nil, false, banx.Errorf(banx.ECONFLICT, "this exact manifest (sha256 %s) is already published as version %d of article %d",
			sha, v.Version, v.ArticleID)
	default:
		return nil, false, banx.Errorf(banx.ECONFLICT, "this exact manifest (sha256 %s) is version %d of article %d, which is %s: wait for its anchor (GET /api/v1/articles/%d)",
			sha, v.Version, v.ArticleID, v.Status, v.ArticleID)
	}
	d, err := s.store.FindVersion(ctx, v.ID)
	if err != nil {
		return nil, false, err
	}
	out := s.draft(d)
	out.Existing = true
	return out, true, nil
}

func (s *Service) draft(d banx.VersionDetail) *Draft {
	v := d.Version
	leaf := anchor.Leaf{NetworkID: s.NetworkID(), Author: v.Author, SHA256: v.SHA256, CID: v.ManifestCID}
	return &Draft{Detail: d, NetworkID: leaf.NetworkID, LeafMessage: string(anchor.SigningMessage(leaf))}
}

// Draft returns one of the author's versions with what to sign for it.
// EFORBIDDEN if it is another author's.
func (s *Service) Draft(ctx context.Context, author string, versionID int64) (*Draft, error) {
	d, err := s.ownVersion(ctx, author, versionID)
	if err != nil {
		return nil, err
	}
	return s.draft(d), nil
}

// DraftByCID returns author's version whose canonical manifest is stored
// under cid: how a client that lost the answer to CreateDraft (a crash, a
// timeout) finds the draft it made, since the same manifest is not stored
// twice. ENOTFOUND, EFORBIDDEN for another author's.
func (s *Service) DraftByCID(ctx context.Context, author, cid string) (*Draft, error) {
	v, err := s.store.FindVersionByCID(ctx, cid)
	if err != nil {
		return nil, err
	}
	d, err := s.ownVersion(ctx, author, v.ID)
	if err != nil {
		return nil, err
	}
	return s.draft(d), nil
}

// findPredecessor finds the version an edit replaces: the latest version of
// one of author's articles, published, anchored by txHash.
func (s *Service) findPredecessor(ctx context.Context, author, txHash string, articleID int64) (*banx.VersionDetail, error) {
	found, err := s.store.FindLatestVersionsByAnchorTx(ctx, txHash)
	if err != nil {
		return nil, err
	}
	var mine []banx.VersionDetail
	others := 0
	for _, d := range found {
		if articleID != 0 && d.Version.ArticleID != articleID {
			continue
		}
		if d.Version.Author == author {
			mine = append(mine, d)
		} else {
			others++
		}
	}
	switch {
	case len(mine) == 0 && others > 0:
		return nil, banx.Errorf(banx.EFORBIDDEN, "previous %s anchors another author's article: only its author can edit it", txHash)
	case len(mine) == 0:
		return nil, banx.Errorf(banx.ECONFLICT, "previous %s is not the anchor of the latest version of any of your articles", txHash)
	case len(mine) > 1:
		return nil, banx.Errorf(banx.ECONFLICT, "previous %s anchors %d of your articles: name one with the article parameter", txHash, len(mine))
	}
	d := mine[0]
	if d.Version.Status != banx.StatusPublished {
		return nil, banx.Errorf(banx.ECONFLICT, "version %d of article %d is %s: only a published version can be edited",
			d.Version.Version, d.Version.ArticleID, d.Version.Status)
	}
	return &d, nil
}

// ownVersion loads a version and checks that author wrote it.
func (s *Service) ownVersion(ctx context.Context, author string, versionID int64) (banx.VersionDetail, error) {
	d, err := s.store.FindVersion(ctx, versionID)
	if err != nil {
		return banx.VersionDetail{}, err
	}
	if d.Version.Author != author {
		return banx.VersionDetail{}, banx.Errorf(banx.EFORBIDDEN, "draft %d belongs to another author", versionID)
	}
	return d, nil
}

// slug makes a URL-friendly, instance-unique name: the title's letters and
// digits, and the start of the manifest hash.
func slug(title, sha string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		switch {
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 80 {
			break
		}
	}
	s := strings.Trim(b.String(), "-")
	if s == "" {
		return sha[:12]
	}
	return s + "-" + sha[:12]
}
