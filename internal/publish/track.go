package publish

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/xrpl"
)

// retryDelay is how long a follower waits before asking an unreachable ledger again.
const retryDelay = 2 * time.Second

// errCrash is returned by the beforeSubmit hook to stop a follower as a crash would.
var errCrash = errors.New("simulated crash")

// recover resolves the anchors a previous run left in flight. Each hash is
// looked up first: a validated transaction is recorded as it is, and nothing
// is signed or submitted again for it. A self anchor past its
// LastLedgerSequence failed; a batch past it is re-signed. Anything else is
// followed in the background (resubmitting the same blob, which can never
// apply twice). It fails if the ledger cannot be asked, so nothing new starts
// before the state of the old is known.
func (s *Service) recover(ctx context.Context) error {
	inflight, err := s.store.InFlightAnchors(ctx)
	if err != nil {
		return err
	}
	var batches []pendingBatch
	for _, a := range inflight {
		// The validated ledger is read before the transaction is looked up:
		// read after, it could have validated the transaction in between and
		// passed its LastLedgerSequence, and a validated anchor would be
		// declared expired (and anchored again by its author).
		l, err := s.ledger.Ledger(ctx)
		if err != nil {
			return banx.Wrap(banx.EUNAVAILABLE, err, "read the validated ledger to resume in-flight anchors")
		}
		tx, err := s.ledger.Tx(ctx, a.TxHash)
		if err != nil && !xrpl.IsNotFound(err) {
			return banx.Wrap(banx.EUNAVAILABLE, err, "look up in-flight anchor %s", a.TxHash)
		}
		if tx != nil && tx.Validated {
			s.cfg.Logger.Info("in-flight anchor was validated", "hash", a.TxHash, "result", tx.Result)
			if err := s.finishValidated(ctx, a, tx); err != nil {
				return err
			}
			continue
		}
		expired := l.Index > a.LastLedgerSequence
		s.cfg.Logger.Info("resuming in-flight anchor", "hash", a.TxHash, "mode", a.Mode, "expired", expired)
		if expired && a.Mode == banx.ModeSelf {
			if err := s.store.FinishAnchor(ctx, a.ID, banx.AnchorFailed, "expired", expiredReason(a, l.Index), 0); err != nil {
				return err
			}
			continue
		}
		if a.Mode == banx.ModeBatch {
			batches = append(batches, pendingBatch{a, expired})
			continue
		}
		a := a
		s.spawn(func(ctx context.Context) { s.resolveSelf(ctx, a) })
	}
	if len(batches) > 0 {
		// Take the platform account now, so that the batcher cannot sign a
		// new batch with the sequence an in-flight one is waiting to use.
		s.platformMu.Lock()
		s.spawn(func(ctx context.Context) {
			defer s.platformMu.Unlock()
			for _, b := range batches {
				if ctx.Err() != nil {
					return
				}
				if b.expired && !s.resign(ctx, b.a) {
					return
				}
				s.resolveLocked(ctx, b.a)
			}
		})
	}
	return nil
}

// pendingBatch is an in-flight batch anchor found at start.
type pendingBatch struct {
	a       *banx.Anchor
	expired bool
}

func (s *Service) submitAndWait(ctx context.Context, a *banx.Anchor) (*xrpl.Transaction, error) {
	if s.beforeSubmit != nil {
		if err := s.beforeSubmit(a); err != nil {
			return nil, errCrash
		}
	}
	return s.ledger.SubmitSignedAndWait(ctx, &xrpl.SignedTx{Blob: a.Blob, Hash: a.TxHash, Account: a.Account, LastLedgerSequence: a.LastLedgerSequence})
}

// resolveSelf submits (or resubmits) a self anchor until its outcome is
// final. The author's signature cannot be renewed here, so an expired self
// anchor fails and the author anchors again.
func (s *Service) resolveSelf(ctx context.Context, a *banx.Anchor) {
	for {
		tx, err := s.submitAndWait(ctx, a)
		var ee *xrpl.EngineError
		switch {
		case err == nil:
			s.record(ctx, a, func() error { return s.finishValidated(ctx, a, tx) })
			return
		case errors.Is(err, errCrash) || ctx.Err() != nil:
			return
		case errors.Is(err, xrpl.ErrExpired):
			s.record(ctx, a, func() error {
				return s.store.FinishAnchor(ctx, a.ID, banx.AnchorFailed, "expired", expiredReason(a, 0), 0)
			})
			return
		case errors.As(err, &ee):
			s.record(ctx, a, func() error {
				return s.store.FinishAnchor(ctx, a.ID, banx.AnchorFailed, ee.Result, refusedReason(ee), ledgerIndexOf(tx))
			})
			return
		}
		s.cfg.Logger.Warn("anchor not final yet; retrying", "hash", a.TxHash, "err", err)
		if sleep(ctx, retryDelay) != nil {
			return
		}
	}
}

// resolveLocked submits (or resubmits) a batch anchor until its outcome is
// final, re-signing it only once a validated ledger has passed its
// LastLedgerSequence without it. The caller holds platformMu.
func (s *Service) resolveLocked(ctx context.Context, a *banx.Anchor) {
	for {
		tx, err := s.submitAndWait(ctx, a)
		var ee *xrpl.EngineError
		switch {
		case err == nil:
			s.record(ctx, a, func() error { return s.finishValidated(ctx, a, tx) })
			return
		case errors.Is(err, errCrash) || ctx.Err() != nil:
			return
		case errors.Is(err, xrpl.ErrExpired):
			if !s.resign(ctx, a) {
				return
			}
			continue
		case errors.As(err, &ee) && ee.IsTef():
			// Never applied and never will (e.g. its sequence was used): wait
			// until the ledger proves it expired, then re-sign.
			if _, err := s.ledger.Tx(ctx, a.TxHash); err == nil {
				continue
			}
			s.waitExpired(ctx, a)
			continue
		case errors.As(err, &ee):
			s.record(ctx, a, func() error {
				return s.store.FinishAnchor(ctx, a.ID, banx.AnchorFailed, ee.Result, refusedReason(ee), ledgerIndexOf(tx))
			})
			return
		}
		s.cfg.Logger.Warn("batch anchor not final yet; retrying", "hash", a.TxHash, "err", err)
		if sleep(ctx, retryDelay) != nil {
			return
		}
	}
}

// waitExpired blocks until a validated ledger is past a's LastLedgerSequence.
func (s *Service) waitExpired(ctx context.Context, a *banx.Anchor) {
	for ctx.Err() == nil {
		l, err := s.ledger.Ledger(ctx)
		if err == nil && l.Index > a.LastLedgerSequence {
			return
		}
		sleep(ctx, time.Second)
	}
}

// resign replaces an expired batch transaction by a new one with the same
// memo, stored before it is submitted. It reports whether to go on.
func (s *Service) resign(ctx context.Context, a *banx.Anchor) bool {
	for {
		signed, err := s.signPlatform(ctx, anchor.MemoHex{Type: a.MemoType, Format: a.MemoFormat, Data: a.MemoData})
		if err == nil {
			err = s.store.ResignAnchor(ctx, a.ID, a.TxHash, signed.Blob, signed.Hash, signed.LastLedgerSequence)
		}
		if err == nil {
			s.cfg.Logger.Info("re-signed expired batch anchor", "old", a.TxHash, "new", signed.Hash)
			a.Blob, a.TxHash, a.LastLedgerSequence = signed.Blob, signed.Hash, signed.LastLedgerSequence
			return true
		}
		s.cfg.Logger.Warn("re-sign batch anchor", "hash", a.TxHash, "err", err)
		if sleep(ctx, retryDelay) != nil {
			return false
		}
	}
}

// finishValidated records a transaction found in a validated ledger.
func (s *Service) finishValidated(ctx context.Context, a *banx.Anchor, tx *xrpl.Transaction) error {
	if tx.Result == "tesSUCCESS" {
		return s.store.FinishAnchor(ctx, a.ID, banx.AnchorValidated, tx.Result, "", tx.LedgerIndex)
	}
	return s.store.FinishAnchor(ctx, a.ID, banx.AnchorFailed, tx.Result,
		fmt.Sprintf("the ledger refused the anchor transaction %s with %s in ledger %d (fee spent): anchor again", a.TxHash, tx.Result, tx.LedgerIndex),
		tx.LedgerIndex)
}

// record writes a final outcome the ledger has given, retrying while the
// database cannot take it (EUNAVAILABLE: busy, disk full): given up, the anchor would stay
// 'submitted' and its versions 'anchoring' until the next restart, although
// the ledger has settled it. Only a shutdown stops it; the next Start then
// looks the hash up again.
func (s *Service) record(ctx context.Context, a *banx.Anchor, write func() error) {
	for {
		err := write()
		if err == nil || ctx.Err() != nil {
			return
		}
		if banx.ErrorCode(err) != banx.EUNAVAILABLE {
			s.cfg.Logger.Error("record anchor outcome", "hash", a.TxHash, "err", err)
			return
		}
		s.cfg.Logger.Error("record anchor outcome; retrying", "hash", a.TxHash, "err", err)
		if sleep(ctx, retryDelay) != nil {
			return
		}
	}
}

func refusedReason(ee *xrpl.EngineError) string {
	msg := fmt.Sprintf("the ledger refused the anchor transaction %s with %s", ee.Hash, ee.Result)
	if ee.Message != "" {
		msg += " (" + ee.Message + ")"
	}
	if ee.IsTec() {
		return msg + "; the fee was spent: anchor again"
	}
	return msg + "; it was never applied: anchor again"
}

func expiredReason(a *banx.Anchor, validated uint32) string {
	msg := fmt.Sprintf("the anchor transaction %s was not validated by its last ledger %d", a.TxHash, a.LastLedgerSequence)
	if validated > 0 {
		msg += fmt.Sprintf(" (validated ledger is %d)", validated)
	}
	return msg + ": it can never apply; anchor again"
}

func ledgerIndexOf(tx *xrpl.Transaction) uint32 {
	if tx == nil {
		return 0
	}
	return tx.LedgerIndex
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
