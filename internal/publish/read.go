package publish

import (
	"context"
	"encoding/hex"
	"io"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/manifest"
)

// VersionView is a version as readers see it: its status, and once anchored,
// where (transaction, ledger) and how (mode).
type VersionView struct {
	banx.VersionDetail
	Anchor *banx.Anchor // nil before anchoring starts
}

// Article returns an article with all its versions (the chain of edits, each
// naming its predecessor's anchor) and their statuses. ENOTFOUND if unknown.
func (s *Service) Article(ctx context.Context, id int64) (*banx.Article, []VersionView, error) {
	a, err := s.store.FindArticle(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	details, err := s.store.ListVersionDetails(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	out := make([]VersionView, len(details))
	for i, d := range details {
		out[i] = VersionView{VersionDetail: d}
		if d.Anchoring.AnchorID != 0 {
			if out[i].Anchor, err = s.store.FindAnchor(ctx, d.Anchoring.AnchorID); err != nil {
				return nil, nil, err
			}
		}
	}
	return a, out, nil
}

// VisibleTo keeps the versions of article a that viewer may see: its author
// (viewer is their address) sees every version, drafts included; anyone else
// (viewer "" for an anonymous reader) sees only published versions, so an
// unpublished draft's title and CID stay private. ENOTFOUND when viewer may
// see none.
func VisibleTo(a *banx.Article, views []VersionView, viewer string) ([]VersionView, error) {
	if viewer != "" && viewer == a.Author {
		return views, nil
	}
	public := make([]VersionView, 0, len(views))
	for _, v := range views {
		if v.Version.Status == banx.StatusPublished {
			public = append(public, v)
		}
	}
	if len(public) == 0 {
		return nil, banx.Errorf(banx.ENOTFOUND, "article %d has no published version", a.ID)
	}
	return public, nil
}

// Articles lists published articles, newest first; author filters if not "".
func (s *Service) Articles(ctx context.Context, author string, limit, offset int) ([]banx.PublishedArticle, error) {
	if limit <= 0 || limit > 100 {
		return nil, banx.Errorf(banx.EINVALID, "limit must be 1 to 100, got %d", limit)
	}
	if offset < 0 {
		return nil, banx.Errorf(banx.EINVALID, "offset must not be negative, got %d", offset)
	}
	return s.store.ListPublished(ctx, author, limit, offset)
}

// Proof returns the proof bundle of version n of an article: everything a
// reader needs to verify it without trusting Banx, including the manifest
// bytes read back from IPFS and the signed anchor transaction. ECONFLICT until
// the version is published.
func (s *Service) Proof(ctx context.Context, articleID int64, n int) (*anchor.ProofBundle, error) {
	d, err := s.store.FindVersionByNumber(ctx, articleID, n)
	if err != nil {
		return nil, err
	}
	v, an := d.Version, d.Anchoring
	if v.Status != banx.StatusPublished {
		return nil, banx.Errorf(banx.ECONFLICT, "version %d of article %d is %s: it has a proof once its anchor is validated", n, articleID, v.Status)
	}
	a, err := s.store.FindAnchor(ctx, an.AnchorID)
	if err != nil {
		return nil, err
	}
	body, err := s.manifestBytes(ctx, v.ManifestCID, v.SHA256)
	if err != nil {
		return nil, err
	}
	b := &anchor.ProofBundle{
		Version:  anchor.BundleVersion,
		Mode:     anchor.Kind(a.Mode),
		Network:  anchor.Network{ID: s.NetworkID(), Name: s.cfg.NetworkName},
		Author:   v.Author,
		Manifest: anchor.ManifestRef{CID: v.ManifestCID, SHA256: v.SHA256, Bytes: body},
		Tx:       anchor.TxRef{Hash: a.TxHash, LedgerIndex: a.LedgerIndex, Account: a.Account, Blob: a.Blob},
		Memo:     anchor.MemoHex{Type: a.MemoType, Format: a.MemoFormat, Data: a.MemoData},
	}
	if a.Mode == banx.ModeBatch {
		b.Network.ID = an.NetworkID
		bp := &anchor.BatchProof{PublicKey: an.LeafPublicKey, Signature: an.LeafSignature, Index: uint64(an.LeafIndex),
			Path: make([][32]byte, len(an.ProofPath))}
		for i, h := range an.ProofPath {
			if _, err := hex.Decode(bp.Path[i][:], []byte(h)); err != nil {
				return nil, banx.Wrap(banx.EINTERNAL, err, "stored proof path of version %d is corrupt", v.ID)
			}
		}
		b.Batch = bp
	}
	if err := b.Validate(); err != nil {
		return nil, banx.Wrap(banx.EINTERNAL, err, "proof bundle of version %d", v.ID)
	}
	return b, nil
}

// manifestBytes reads a manifest back from IPFS and checks it is the anchored content.
func (s *Service) manifestBytes(ctx context.Context, cid, sha string) ([]byte, error) {
	rc, err := s.content.Cat(ctx, cid)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	body, err := io.ReadAll(io.LimitReader(rc, manifest.MaxManifestBytes+1))
	if err != nil {
		return nil, banx.Wrap(banx.EUNAVAILABLE, err, "read manifest %s", cid)
	}
	if err := anchor.CheckContent(body, sha); err != nil {
		return nil, banx.Wrap(banx.EINTERNAL, err, "content store returned other bytes for %s", cid)
	}
	return body, nil
}
