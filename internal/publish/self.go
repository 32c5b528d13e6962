package publish

import (
	"context"
	"encoding/hex"
	"strings"

	binarycodec "github.com/Peersyst/xrpl-go/binary-codec"
	"github.com/Peersyst/xrpl-go/xrpl/transaction"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/auth"
	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/xrpl"
)

// Prepared is an unsigned self anchor for the author to sign.
type Prepared struct {
	AnchorID           int64
	TxJSON             map[string]any // the transaction's fields, for display and JSON wallets
	Unsigned           string         // the same transaction in binary, upper-case hex
	LastLedgerSequence uint32
	Memo               anchor.Memo
}

// PrepareSelf prepares the self anchor of one of author's stored (or failed)
// versions: an AccountSet from the author's account that changes nothing and
// carries the anchor memo, autofilled (Fee, Sequence, LastLedgerSequence) but
// not signed. EFORBIDDEN for another author's draft, ECONFLICT for a version
// already anchoring or published, EINVALID when the author's account is not
// on the ledger, ETOOLARGE if the memo would exceed the ledger's limit.
func (s *Service) PrepareSelf(ctx context.Context, author string, versionID int64) (*Prepared, error) {
	d, err := s.ownVersion(ctx, author, versionID)
	if err != nil {
		return nil, err
	}
	v := d.Version
	if v.Status != banx.StatusStored && v.Status != banx.StatusFailed {
		return nil, banx.Errorf(banx.ECONFLICT, "version %d is %s: only a stored or failed version can be anchored", versionID, v.Status)
	}
	memo := anchor.SelfMemo(v.SHA256, v.ManifestCID, author, v.PreviousTx)
	mh, err := anchor.EncodeMemoHex(memo)
	if err != nil {
		return nil, err
	}
	flat, err := anchorTx(author, mh)
	if err != nil {
		return nil, err
	}
	info, err := s.ledger.ServerInfo(ctx)
	if err != nil {
		return nil, err
	}
	if info.ValidatedLedger == 0 {
		return nil, banx.Errorf(banx.EUNAVAILABLE, "the ledger has no validated ledger yet")
	}
	flat["LastLedgerSequence"] = info.ValidatedLedger + s.cfg.SelfLedgerOffset
	if err := s.ledger.Autofill(ctx, flat); err != nil {
		if xrpl.IsNotFound(err) {
			return nil, banx.Errorf(banx.EINVALID, "account %s is not on the ledger: fund it to anchor by itself, or use batch mode", author)
		}
		return nil, err
	}
	unsigned, err := binarycodec.Encode(flat)
	if err != nil {
		return nil, banx.Wrap(banx.EINTERNAL, err, "encode prepared anchor")
	}
	a := &banx.Anchor{Account: author, Unsigned: strings.ToUpper(unsigned), LastLedgerSequence: info.ValidatedLedger + s.cfg.SelfLedgerOffset,
		MemoType: mh.Type, MemoFormat: mh.Format, MemoData: mh.Data}
	if err := s.store.PrepareSelfAnchor(ctx, versionID, a); err != nil {
		return nil, err
	}
	fields, err := binarycodec.Decode(a.Unsigned)
	if err != nil {
		return nil, banx.Wrap(banx.EINTERNAL, err, "decode prepared anchor")
	}
	return &Prepared{AnchorID: a.ID, TxJSON: fields, Unsigned: a.Unsigned, LastLedgerSequence: a.LastLedgerSequence, Memo: memo}, nil
}

// anchorTx is the minimal transaction that carries an anchor memo: an
// AccountSet from account with no flag or field to change.
func anchorTx(account string, mh anchor.MemoHex) (transaction.FlatTransaction, error) {
	flat := transaction.FlatTransaction{
		"TransactionType": "AccountSet",
		"Account":         account,
		"Memos":           []any{map[string]any{"Memo": map[string]any{"MemoType": mh.Type, "MemoFormat": mh.Format, "MemoData": mh.Data}}},
	}
	enc, err := binarycodec.Encode(map[string]any{"Memos": flat["Memos"]})
	if err != nil {
		return nil, banx.Wrap(banx.EINTERNAL, err, "encode anchor memo")
	}
	if n := len(enc) / 2; n > anchor.MaxMemosFieldBytes {
		return nil, banx.Errorf(banx.ETOOLARGE, "anchor memo is %d bytes serialized, the ledger accepts at most %d", n, anchor.MaxMemosFieldBytes)
	}
	return flat, nil
}

// SubmitSelf checks the author's signed blob of the prepared self anchor of a
// version and, only if it is exactly that transaction validly signed with a
// key of the author's account, records it and relays it; the version is then
// 'anchoring' until the ledger validates or refuses it. Refusals, with nothing
// stored and nothing submitted: EINVALID (a different or unsigned
// transaction, another memo, a bad signature), EFORBIDDEN (another author's
// draft, or a key that is not the author's), ECONFLICT (nothing prepared, or
// the prepared transaction can no longer be validated: prepare again).
func (s *Service) SubmitSelf(ctx context.Context, author string, versionID int64, blob string) (banx.VersionDetail, error) {
	d, err := s.ownVersion(ctx, author, versionID)
	if err != nil {
		return banx.VersionDetail{}, err
	}
	if d.Anchoring.Mode != banx.ModeSelf || d.Anchoring.AnchorID == 0 {
		return banx.VersionDetail{}, banx.Errorf(banx.ECONFLICT, "draft %d has no prepared self anchor: ask for one first", versionID)
	}
	a, err := s.store.FindAnchor(ctx, d.Anchoring.AnchorID)
	if err != nil {
		return banx.VersionDetail{}, err
	}
	if a.Status != banx.AnchorPrepared {
		return banx.VersionDetail{}, banx.Errorf(banx.ECONFLICT, "the self anchor of draft %d was already submitted (%s)", versionID, a.Status)
	}
	blob = strings.ToUpper(strings.TrimSpace(blob))
	pub, err := checkSignedAnchor(a.Unsigned, blob, author, anchor.MemoHex{Type: a.MemoType, Format: a.MemoFormat, Data: a.MemoData})
	if err != nil {
		return banx.VersionDetail{}, err
	}
	if err := auth.KeyBelongs(ctx, s.ledger, author, pub); err != nil {
		return banx.VersionDetail{}, err
	}
	l, err := s.ledger.Ledger(ctx)
	if err != nil {
		return banx.VersionDetail{}, err
	}
	if l.Index >= a.LastLedgerSequence {
		return banx.VersionDetail{}, banx.Errorf(banx.ECONFLICT, "the prepared anchor expired at ledger %d (validated ledger is %d): ask for a new one", a.LastLedgerSequence, l.Index)
	}
	raw, _ := hex.DecodeString(blob)
	hash := anchor.TxID(raw)
	if err := s.store.SubmitSelfAnchor(ctx, versionID, a.ID, blob, hash); err != nil {
		return banx.VersionDetail{}, err
	}
	a.Blob, a.TxHash, a.Status = blob, hash, banx.AnchorSubmitted
	// Read before the follower starts: the answer is the version as
	// submitted ('anchoring'), not whatever a fast ledger made of it since.
	d, err = s.store.FindVersion(ctx, versionID)
	s.spawn(func(ctx context.Context) { s.resolveSelf(ctx, a) })
	return d, err
}
