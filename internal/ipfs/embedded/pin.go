package embedded

import (
	"context"
	"database/sql"
	"errors"

	"github.com/banxmedia/banx/internal/ipfs"
	"github.com/ipfs/go-cid"
)

// Pinned reports whether c is pinned (every Add and every CAR root is).
// Errors: EINVALID (malformed CID), EUNAVAILABLE.
func (s *Store) Pinned(ctx context.Context, c string) (bool, error) {
	id, err := ipfs.ParseCID(c)
	if err != nil {
		return false, err
	}
	var one int
	err = s.read.QueryRowContext(ctx, "SELECT 1 FROM blocks WHERE mh = ? AND pinned = 1", []byte(id.Hash())).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, unavailable(err, "read pin of %s", id)
	}
	return true, nil
}

// Pin pins c after checking that its whole DAG is stored and intact, as Kubo's
// recursive pin requires. Errors: EINVALID, ENOTFOUND (a block is missing),
// EINTERNAL (a block is corrupt), EUNAVAILABLE.
func (s *Store) Pin(ctx context.Context, c string) error {
	id, err := ipfs.ParseCID(c)
	if err != nil {
		return err
	}
	return s.exclusive(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := walkDAG(ctx, tx, id, nil); err != nil {
			return err
		}
		return s.pin(ctx, tx, id)
	})
}

// pin marks the stored root block as pinned inside tx; pinning twice is harmless.
func (s *Store) pin(ctx context.Context, tx *sql.Tx, root cid.Cid) error {
	if _, err := tx.StmtContext(ctx, s.setPin).ExecContext(ctx, []byte(root.Hash())); err != nil {
		return unavailable(err, "pin %s", root)
	}
	return nil
}
