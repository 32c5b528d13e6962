package embedded

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/ipfs"
	"github.com/ipfs/boxo/ipld/merkledag"
	blocks "github.com/ipfs/go-block-format"
	"github.com/ipfs/go-cid"
	format "github.com/ipfs/go-ipld-format"
)

// Blocks are keyed by multihash, as in Kubo's blockstore: a CIDv0 and a CIDv1
// naming the same dag-pb bytes find the same block. The codec comes from the CID
// the caller asked for.

// schema creates the one table. Blocks are immutable and never deleted, so no
// reference counts or garbage collection state is kept. A recursive pin is a flag
// on its root block rather than a row elsewhere: an add then costs one statement,
// which matters when the writer is the bottleneck. Pins are recorded so that a
// future collector, or a move to Kubo, knows what must be kept.
const schema = `
CREATE TABLE blocks (
	mh     BLOB PRIMARY KEY,           -- multihash of data; every read re-hashes data against it
	data   BLOB NOT NULL,
	pinned INTEGER NOT NULL DEFAULT 0  -- 1: this block is the root of a recursive pin
) STRICT;
`

// schemaVersion is kept in PRAGMA user_version.
const schemaVersion = 1

// migrate creates the schema in a new file and refuses a file from a newer Banx.
// It runs before the writer starts, so it uses the write connection directly.
func (s *Store) migrate(ctx context.Context) error {
	var v int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return unavailable(err, "read schema version of %s", s.path)
	}
	switch {
	case v == schemaVersion:
		return nil
	case v > schemaVersion:
		return banx.Errorf(banx.EINTERNAL, "%s has schema version %d; this Banx knows up to %d", s.path, v, schemaVersion)
	}
	return s.runTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, schema); err != nil {
			return unavailable(err, "create schema in %s", s.path)
		}
		_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", schemaVersion))
		return err
	})
}

// prepare readies the writer's connection: its statements, and no automatic
// checkpoints, which runCheckpointer takes over.
func (s *Store) prepare(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, "PRAGMA wal_autocheckpoint = 0"); err != nil {
		return unavailable(err, "configure %s", s.path)
	}
	var err error
	// A block already stored is left alone (its bytes are the same by
	// definition), except that a pin is added to it if asked for.
	s.insBlock, err = s.db.PrepareContext(ctx, `INSERT INTO blocks (mh, data, pinned) VALUES (?, ?, ?)
		ON CONFLICT (mh) DO UPDATE SET pinned = 1 WHERE excluded.pinned = 1 AND pinned = 0`)
	if err != nil {
		return banx.Wrap(banx.EINTERNAL, err, "prepare block insert on %s", s.path)
	}
	s.setPin, err = s.db.PrepareContext(ctx, "UPDATE blocks SET pinned = 1 WHERE mh = ? AND pinned = 0")
	if err != nil {
		return banx.Wrap(banx.EINTERNAL, err, "prepare pin update on %s", s.path)
	}
	return nil
}

// querier is satisfied by *sql.DB and *sql.Tx, so a transaction can read the
// blocks it has just written (CAR import checks completeness before commit).
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// getBlock returns the data of block c, checked against c's hash. A missing block
// is ENOTFOUND wrapping format.ErrNotFound (so boxo code recognises it); a block
// whose bytes no longer hash to c is EINTERNAL wrapping ipfs.ErrCorruptBlock and
// is never returned.
func getBlock(ctx context.Context, q querier, c cid.Cid) ([]byte, error) {
	var data []byte
	err := q.QueryRowContext(ctx, "SELECT data FROM blocks WHERE mh = ?", []byte(c.Hash())).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, banx.Wrap(banx.ENOTFOUND, format.ErrNotFound{Cid: c}, "block %s not found", c)
	}
	if err != nil {
		return nil, unavailable(err, "read block %s", c)
	}
	if !ipfs.BlockMatches(c, data) {
		return nil, banx.Wrap(banx.EINTERNAL, ipfs.ErrCorruptBlock, "corrupt block %s: stored bytes do not match its hash", c)
	}
	return data, nil
}

// hasBlock reports whether block c is stored, without reading it.
func hasBlock(ctx context.Context, q querier, c cid.Cid) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, "SELECT 1 FROM blocks WHERE mh = ?", []byte(c.Hash())).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, unavailable(err, "look up block %s", c)
	}
	return true, nil
}

// putBlock stores a block unless a block with its multihash is already there,
// and pins it if pinned is set.
func (s *Store) putBlock(ctx context.Context, tx *sql.Tx, c cid.Cid, data []byte, pinned bool) error {
	if data == nil {
		data = []byte{} // the empty file's block: a nil slice would be stored as NULL
	}
	if _, err := tx.StmtContext(ctx, s.insBlock).ExecContext(ctx, []byte(c.Hash()), data, pinned); err != nil {
		return unavailable(err, "write block %s", c)
	}
	return nil
}

// decodeNode decodes a checked block into the node type boxo's UnixFS code reads.
// Only dag-pb and raw reach here: ipfs.CheckCID refuses other codecs at the door.
func decodeNode(c cid.Cid, data []byte) (format.Node, error) {
	b, err := blocks.NewBlockWithCid(data, c)
	if err != nil {
		return nil, banx.Wrap(banx.EINTERNAL, err, "block %s", c)
	}
	var nd format.Node
	switch c.Type() {
	case cid.Raw:
		nd, err = merkledag.DecodeRawBlock(b)
	case cid.DagProtobuf:
		nd, err = merkledag.DecodeProtobufBlock(b)
	default:
		return nil, banx.Errorf(banx.EINVALID, "block %s has codec %d; only dag-pb and raw are stored", c, c.Type())
	}
	if err != nil {
		return nil, banx.Wrap(banx.EINVALID, err, "block %s cannot be decoded: %v", c, err)
	}
	return nd, nil
}

// dagReader serves boxo's UnixFS reader from stored, hash-checked blocks.
type dagReader struct {
	q querier
}

var _ format.NodeGetter = dagReader{}

// Get returns the decoded node c.
func (r dagReader) Get(ctx context.Context, c cid.Cid) (format.Node, error) {
	data, err := getBlock(ctx, r.q, c)
	if err != nil {
		return nil, err
	}
	return decodeNode(c, data)
}

// GetMany fetches nodes one by one: local reads are fast enough that the
// parallelism boxo allows for network fetches buys nothing here.
func (r dagReader) GetMany(ctx context.Context, cids []cid.Cid) <-chan *format.NodeOption {
	out := make(chan *format.NodeOption, len(cids))
	go func() {
		defer close(out)
		for _, c := range cids {
			nd, err := r.Get(ctx, c)
			select {
			case out <- &format.NodeOption{Node: nd, Err: err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return out
}
