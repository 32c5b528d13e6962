package publish

import (
	"context"
	"encoding/hex"
	"strings"
	"time"

	binarycodec "github.com/Peersyst/xrpl-go/binary-codec"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/auth"
	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/xrpl"
)

// QueueBatch accepts the author's signature over the anchor leaf of one of
// their stored (or failed) versions and queues the version for the next
// platform batch. The leaf is over this server's network, the author, and the
// manifest's hash and CID. Refusals, with nothing stored: EINVALID (malformed
// key or signature, a signature over something else), EFORBIDDEN (another
// author's draft, a key that is not the author's), ECONFLICT (already
// anchoring or published), EUNAVAILABLE (batch anchoring not configured).
func (s *Service) QueueBatch(ctx context.Context, author string, versionID int64, publicKey, signature string) (banx.VersionDetail, error) {
	if s.cfg.Platform == nil {
		return banx.VersionDetail{}, banx.Errorf(banx.EUNAVAILABLE, "batch anchoring is not configured on this server: use self mode")
	}
	d, err := s.ownVersion(ctx, author, versionID)
	if err != nil {
		return banx.VersionDetail{}, err
	}
	v := d.Version
	if v.Status != banx.StatusStored && v.Status != banx.StatusFailed {
		return banx.VersionDetail{}, banx.Errorf(banx.ECONFLICT, "version %d is %s: only a stored or failed version can be anchored", versionID, v.Status)
	}
	leaf := anchor.Leaf{NetworkID: s.NetworkID(), Author: author, SHA256: v.SHA256, CID: v.ManifestCID,
		PublicKey: strings.ToUpper(publicKey), Signature: strings.ToUpper(signature)}
	if err := anchor.VerifyLeafSignature(leaf); err != nil {
		return banx.VersionDetail{}, err
	}
	if err := auth.KeyBelongs(ctx, s.ledger, author, leaf.PublicKey); err != nil {
		return banx.VersionDetail{}, err
	}
	if err := s.store.QueueBatchLeaf(ctx, versionID, leaf.PublicKey, leaf.Signature, leaf.NetworkID); err != nil {
		return banx.VersionDetail{}, err
	}
	// Read before the batcher is nudged: the answer is the version as
	// queued, not whatever a fast batch made of it since.
	d, err = s.store.FindVersion(ctx, versionID)
	select {
	case s.nudge <- struct{}{}:
	default:
	}
	return d, err
}

// runBatcher closes a batch every BatchInterval, or as soon as BatchMaxLeaves
// leaves wait.
func (s *Service) runBatcher() {
	defer s.wg.Done()
	t := time.NewTicker(s.cfg.BatchInterval)
	defer t.Stop()
	for {
		full := false
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
		case <-s.nudge:
			full = true
		}
		for {
			n, err := s.anchorBatch(s.ctx, full)
			if err != nil && s.ctx.Err() == nil {
				s.cfg.Logger.Error("batch anchor", "err", err)
			}
			if err != nil || n < s.cfg.BatchMaxLeaves {
				break
			}
		}
	}
}

// AnchorBatch closes one batch now with the leaves waiting (if any) and waits
// until it is final. It returns how many leaves it anchored. The batcher calls
// it; benchmarks and tests may call it directly.
func (s *Service) AnchorBatch(ctx context.Context) (int, error) { return s.anchorBatch(ctx, false) }

func (s *Service) anchorBatch(ctx context.Context, onlyIfFull bool) (int, error) {
	if s.cfg.Platform == nil {
		return 0, banx.Errorf(banx.EUNAVAILABLE, "batch anchoring is not configured")
	}
	s.platformMu.Lock()
	defer s.platformMu.Unlock()
	pending, err := s.store.PendingLeaves(ctx, s.cfg.BatchMaxLeaves)
	if err != nil || len(pending) == 0 || (onlyIfFull && len(pending) < s.cfg.BatchMaxLeaves) {
		return 0, err
	}
	leaves := make([]anchor.Leaf, len(pending))
	byMessage := make(map[string]int64, len(pending))
	for i, p := range pending {
		leaves[i] = anchor.Leaf{NetworkID: p.NetworkID, Author: p.Author, SHA256: p.SHA256, CID: p.CID, PublicKey: p.PublicKey, Signature: p.Signature}
		byMessage[string(anchor.SigningMessage(leaves[i]))] = p.VersionID
	}
	tree, err := anchor.BuildTree(leaves)
	if err != nil {
		return 0, err
	}
	placements := make([]banx.LeafPlacement, tree.Len())
	for i := range tree.Len() {
		p := tree.Proof(i)
		path := make([]string, len(p.Path))
		for j, h := range p.Path {
			path[j] = hex.EncodeToString(h[:])
		}
		placements[i] = banx.LeafPlacement{VersionID: byMessage[string(anchor.SigningMessage(tree.Leaf(i)))], Index: i, Path: path}
	}
	memo := anchor.BatchMemo(tree, "")
	mh, err := anchor.EncodeMemoHex(memo)
	if err != nil {
		return 0, err
	}
	signed, err := s.signPlatform(ctx, mh)
	if err != nil {
		return 0, err
	}
	a := &banx.Anchor{Account: signed.Account, Blob: signed.Blob, TxHash: signed.Hash, LastLedgerSequence: signed.LastLedgerSequence,
		MemoType: mh.Type, MemoFormat: mh.Format, MemoData: mh.Data, Root: memo.Root, Leaves: tree.Len()}
	if err := s.store.CreateBatchAnchor(ctx, a, placements); err != nil {
		return 0, err
	}
	s.resolveLocked(ctx, a)
	return tree.Len(), nil
}

// signPlatform autofills and signs an anchor transaction from the platform
// account. The caller holds platformMu, so sequence numbers never collide.
func (s *Service) signPlatform(ctx context.Context, mh anchor.MemoHex) (*xrpl.SignedTx, error) {
	flat, err := anchorTx(s.cfg.Platform.ClassicAddress.String(), mh)
	if err != nil {
		return nil, err
	}
	if err := s.ledger.Autofill(ctx, flat); err != nil {
		return nil, err
	}
	return xrpl.Sign(flat, s.cfg.Platform)
}

// decodeBlobFields decodes a stored blob (trusted: Banx wrote it).
func decodeBlobFields(blob string) map[string]any {
	f, _ := binarycodec.Decode(blob)
	return f
}
