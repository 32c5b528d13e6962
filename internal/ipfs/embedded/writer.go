package embedded

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/ipfs/go-cid"
)

// All writes go through one goroutine that owns SQLite's single write
// connection. Small adds arriving together are committed in one transaction
// (group commit): with many authors publishing at once, the fixed cost of a
// transaction, not the blocks, is what limits a SQLite writer, and sharing it is
// how the store reaches tens of thousands of documents per second. Adds still
// return only after their own commit.

// Checkpoints (copying the WAL back into the database file, with an fsync) are
// taken off the writer too: SQLite would otherwise run them inside whichever
// commit crosses the threshold, stalling every add queued behind it. The writer
// only nudges a checkpointer goroutine, which runs passive checkpoints beside it.

// checkpointBytes is how much committed block data triggers a checkpoint.
const checkpointBytes = 8 << 20

// maxBatchRequests and maxBatchBytes bound one group commit, so a burst cannot
// make a transaction, or the memory queued behind it, grow without limit.
const (
	maxBatchRequests = 256
	maxBatchBytes    = 16 << 20
)

// block is a checked block on its way to the database.
type block struct {
	c      cid.Cid
	data   []byte
	pinned bool // the root of an add
}

// writeReq is one unit of work for the writer. A request with blocks may share a transaction with others; a request with fn runs alone in its own
// transaction, so its failure (an incomplete CAR, say) cannot undo anyone else's.
type writeReq struct {
	blocks []block
	size   int

	ctx context.Context
	fn  func(ctx context.Context, tx *sql.Tx) error

	done chan error // buffered: the writer never waits for a requester
}

// write queues req and waits for its commit.
func (s *Store) write(ctx context.Context, req *writeReq) error {
	req.done = make(chan error, 1)
	if req.ctx == nil {
		req.ctx = ctx
	}
	select {
	case s.writes <- req:
	case <-s.quit:
		return banx.Errorf(banx.EUNAVAILABLE, "embedded IPFS store %s is closed", s.path)
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-req.done:
		return err
	case <-ctx.Done(): // the work may still commit; the caller has stopped waiting
		return ctx.Err()
	}
}

// exclusive runs fn in a transaction of its own on the writer.
func (s *Store) exclusive(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	return s.write(ctx, &writeReq{fn: fn})
}

// runWriter is the writer goroutine. It takes one request, gathers whatever
// batchable requests are already waiting, and commits them together.
func (s *Store) runWriter() {
	defer close(s.writerDone)
	var next *writeReq
	for {
		req := next
		next = nil
		if req == nil {
			select {
			case req = <-s.writes:
			case <-s.quit:
				return
			}
		}
		if req.fn != nil {
			req.done <- s.runTx(req.ctx, func(tx *sql.Tx) error { return req.fn(req.ctx, tx) })
			s.nudgeCheckpoint(checkpointBytes) // size unknown: assume it was large
			continue
		}
		batch := []*writeReq{req}
		size := req.size
	gather:
		for len(batch) < maxBatchRequests && size < maxBatchBytes {
			select {
			case r := <-s.writes:
				if r.fn != nil {
					next = r // runs alone, right after this batch
					break gather
				}
				batch = append(batch, r)
				size += r.size
			default:
				break gather
			}
		}
		err := s.runTx(context.Background(), func(tx *sql.Tx) error {
			for _, r := range batch {
				for _, b := range r.blocks {
					if err := s.putBlock(context.Background(), tx, b.c, b.data, b.pinned); err != nil {
						return err
					}
				}
			}
			return nil
		})
		for _, r := range batch {
			r.done <- err
		}
		s.nudgeCheckpoint(size)
	}
}

// nudgeCheckpoint counts committed bytes and wakes the checkpointer when enough
// have accumulated. It never blocks the writer.
func (s *Store) nudgeCheckpoint(n int) {
	s.uncheckpointed += n
	if s.uncheckpointed < checkpointBytes {
		return
	}
	s.uncheckpointed = 0
	select {
	case s.checkpoint <- struct{}{}:
	default: // one is already pending
	}
}

// runCheckpointer runs passive checkpoints when nudged. A passive checkpoint
// never waits for, nor blocks, the writer or readers; frames it cannot copy yet
// are copied by the next one.
func (s *Store) runCheckpointer() {
	defer close(s.checkpointerDone)
	for {
		select {
		case <-s.checkpoint:
			// A failure here only delays the copy; the WAL keeps every commit safe.
			s.read.Exec("PRAGMA wal_checkpoint(PASSIVE)")
		case <-s.quit:
			return
		}
	}
}

// runTx runs fn in one transaction, committing only if fn succeeds.
func (s *Store) runTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return unavailable(fmt.Errorf("%s: %w", s.path, err), "begin transaction")
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return unavailable(fmt.Errorf("%s: %w", s.path, err), "commit blocks")
	}
	return nil
}
