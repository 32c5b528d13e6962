// Package embedded stores Banx content in-process, without an IPFS daemon: the
// UnixFS DAGs are built by boxo's importer with the same settings as Kubo, so a
// document has the same CID here as on any IPFS node, and CAR files move content
// between this store and Kubo in either direction.
//
// Blocks live in one SQLite file (blocks.db) in WAL mode. SQLite gives atomic
// commits (an add stores all its blocks and its pin, or nothing), survives a crash
// of the process without repair, and with synchronous=NORMAL commits without an
// fsync per add, which is what makes many small documents cheap. A power cut can
// lose the last commits, never corrupt older ones. Every block read is re-hashed,
// so damage on disk is reported instead of served.
package embedded

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/ipfs"
	chunker "github.com/ipfs/boxo/chunker"
	"github.com/ipfs/boxo/ipld/merkledag"
	"github.com/ipfs/boxo/ipld/unixfs"
	"github.com/ipfs/boxo/ipld/unixfs/importer/balanced"
	"github.com/ipfs/boxo/ipld/unixfs/importer/helpers"
	uio "github.com/ipfs/boxo/ipld/unixfs/io"
	"github.com/ipfs/go-cid"
	format "github.com/ipfs/go-ipld-format"
	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
)

// FileName is the SQLite file the store keeps in its directory.
const FileName = "blocks.db"

// Store is an embedded content store. It is safe for concurrent use.
type Store struct {
	// Now stamps pins; tests may replace it.
	Now func() time.Time

	path     string
	settings ipfs.ImportSettings
	read     *sql.DB // a pool: readers run beside the writer in WAL mode
	write    *sql.DB // one connection: SQLite has one writer, so writers queue here, not on SQLITE_BUSY
}

// Open opens the store in dir, creating the directory and the database if needed.
func Open(dir string) (*Store, error) {
	if dir == "" {
		return nil, banx.Errorf(banx.EINVALID, "embedded IPFS store directory is empty")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, banx.Wrap(banx.EUNAVAILABLE, err, "create embedded IPFS store directory %s", dir)
	}
	settings, err := ipfs.LoadImportSettings()
	if err != nil {
		return nil, banx.Wrap(banx.EINTERNAL, err, "load IPFS import contract")
	}
	s := &Store{Now: time.Now, path: filepath.Join(dir, FileName), settings: settings}
	if s.write, err = openPool(s.path, "immediate", 1); err != nil {
		return nil, err
	}
	if s.read, err = openPool(s.path, "deferred", 8); err != nil {
		s.Close()
		return nil, err
	}
	ctx := context.Background()
	if err := s.write.PingContext(ctx); err != nil {
		s.Close()
		return nil, banx.Wrap(banx.EUNAVAILABLE, err, "open embedded IPFS store %s", s.path)
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// openPool opens a connection pool. The writer uses BEGIN IMMEDIATE so that a
// transaction takes the write lock at its start rather than failing mid-way.
func openPool(path, txlock string, conns int) (*sql.DB, error) {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "NORMAL")
	q.Set("_busy_timeout", "5000")
	q.Set("_txlock", txlock)
	db, err := sql.Open("sqlite3", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, banx.Wrap(banx.EINTERNAL, err, "open embedded IPFS store %s", path)
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxLifetime(0)
	return db, nil
}

// Kind names the store in health reports and logs.
func (s *Store) Kind() string { return "embedded" }

// Path returns the SQLite file holding the blocks.
func (s *Store) Path() string { return s.path }

// Close closes the database. It is safe on a partly opened store.
func (s *Store) Close() error {
	var errs []error
	if s.read != nil {
		errs = append(errs, s.read.Close())
	}
	if s.write != nil {
		errs = append(errs, s.write.Close())
	}
	return errors.Join(errs...)
}

// Ping checks that the database answers; /healthz reports it.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.read.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return banx.Wrap(banx.EUNAVAILABLE, err, "embedded IPFS store %s does not answer", s.path)
	}
	return nil
}

// Add imports r as one UnixFS file with the contract's settings, stores its
// blocks, pins it and returns its CID, all in one transaction. Errors:
// EUNAVAILABLE (disk), or the code of the error r itself returned.
func (s *Store) Add(ctx context.Context, r io.Reader) (string, error) {
	w := &blockWriter{s: s, ctx: ctx}
	defer w.rollback()
	params := helpers.DagBuilderParams{
		Dagserv:    w,
		RawLeaves:  s.settings.RawLeaves,
		Maxlinks:   s.settings.MaxLinks,
		CidBuilder: s.settings.CIDBuilder,
	}
	db, err := params.New(chunker.NewSizeSplitter(r, int64(s.settings.ChunkSizeBytes)))
	if err != nil {
		return "", fmt.Errorf("add: %w", err)
	}
	root, err := balanced.Layout(db)
	if err != nil {
		return "", fmt.Errorf("add: %w", err)
	}
	if err := w.commit(root.Cid()); err != nil {
		return "", err
	}
	return root.Cid().String(), nil
}

// Cat streams the content of the UnixFS file c. Every block is hash-checked as
// it is read: a corrupt block ends the stream with an error wrapping
// ipfs.ErrCorruptBlock, and its bytes are never returned. Errors: EINVALID
// (malformed CID, not a file), ENOTFOUND, EINTERNAL (corrupt block).
func (s *Store) Cat(ctx context.Context, c string) (io.ReadCloser, error) {
	id, err := ipfs.ParseCID(c)
	if err != nil {
		return nil, err
	}
	r := dagReader{q: s.read}
	root, err := r.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	dr, err := uio.NewDagReader(ctx, root, r)
	if err != nil {
		return nil, notAFile(id, err)
	}
	return dr, nil
}

// Has reports whether the root block of c is stored. Errors: EINVALID, EUNAVAILABLE.
func (s *Store) Has(ctx context.Context, c string) (bool, error) {
	id, err := ipfs.ParseCID(c)
	if err != nil {
		return false, err
	}
	return hasBlock(ctx, s.read, id)
}

// Size returns the byte length of the UnixFS file c, from its root block alone.
// Errors: EINVALID, ENOTFOUND, EINTERNAL (corrupt root).
func (s *Store) Size(ctx context.Context, c string) (int64, error) {
	id, err := ipfs.ParseCID(c)
	if err != nil {
		return 0, err
	}
	nd, err := dagReader{q: s.read}.Get(ctx, id)
	if err != nil {
		return 0, err
	}
	switch nd := nd.(type) {
	case *merkledag.RawNode:
		return int64(len(nd.RawData())), nil
	case *merkledag.ProtoNode:
		fs, err := unixfs.FSNodeFromBytes(nd.Data())
		if err != nil {
			return 0, notAFile(id, err)
		}
		if t := fs.Type(); t != unixfs.TFile && t != unixfs.TRaw {
			return 0, banx.Errorf(banx.EINVALID, "cid %s names a UnixFS %s, not a file", id, t)
		}
		return int64(fs.FileSize()), nil
	}
	return 0, banx.Errorf(banx.EINVALID, "cid %s does not name a UnixFS file", id)
}

// notAFile explains why boxo's UnixFS reader refused a root node.
func notAFile(id fmt.Stringer, err error) error {
	if errors.Is(err, uio.ErrIsDir) {
		return banx.Wrap(banx.EINVALID, err, "cid %s names a directory, not a file", id)
	}
	return banx.Wrap(banx.EINVALID, err, "cid %s does not name a UnixFS file: %v", id, err)
}

// withTx runs fn in one write transaction, committing only if fn succeeds.
func (s *Store) withTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return banx.Wrap(banx.EUNAVAILABLE, err, "begin transaction on %s", s.path)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return banx.Wrap(banx.EUNAVAILABLE, err, "commit to %s", s.path)
	}
	return nil
}

// blockWriter receives the importer's nodes. Small files (the common case) are
// hashed and chunked entirely outside the write lock and written in one short
// transaction; a file larger than flushBytes opens the transaction early and
// streams into it, so memory stays bounded whatever the file size.
type blockWriter struct {
	s       *Store
	ctx     context.Context // the caller's: the importer passes its own context.TODO
	pending []format.Node
	size    int
	tx      *sql.Tx
}

// flushBytes is how much block data an add buffers before it takes the write lock.
const flushBytes = 4 << 20

var _ format.DAGService = (*blockWriter)(nil)

// Add buffers nd and flushes once the buffer is full.
func (w *blockWriter) Add(_ context.Context, nd format.Node) error {
	w.pending = append(w.pending, nd)
	w.size += len(nd.RawData())
	if w.size >= flushBytes {
		return w.flush()
	}
	return nil
}

// AddMany adds nodes in order.
func (w *blockWriter) AddMany(ctx context.Context, nds []format.Node) error {
	for _, nd := range nds {
		if err := w.Add(ctx, nd); err != nil {
			return err
		}
	}
	return nil
}

// flush writes the buffered blocks into the add's transaction, opening it first.
func (w *blockWriter) flush() error {
	if w.tx == nil {
		tx, err := w.s.write.BeginTx(w.ctx, nil)
		if err != nil {
			return banx.Wrap(banx.EUNAVAILABLE, err, "begin transaction on %s", w.s.path)
		}
		w.tx = tx
	}
	for _, nd := range w.pending {
		if err := putBlock(w.ctx, w.tx, nd.Cid(), nd.RawData()); err != nil {
			return err
		}
	}
	w.pending, w.size = w.pending[:0], 0
	return nil
}

// commit writes what is left, pins root and commits.
func (w *blockWriter) commit(root cid.Cid) error {
	if err := w.flush(); err != nil {
		return err
	}
	if err := w.s.pin(w.ctx, w.tx, root); err != nil {
		return err
	}
	err := w.tx.Commit()
	w.tx = nil
	if err != nil {
		return banx.Wrap(banx.EUNAVAILABLE, err, "commit to %s", w.s.path)
	}
	return nil
}

// rollback abandons an unfinished add; after commit it does nothing.
func (w *blockWriter) rollback() {
	if w.tx != nil {
		w.tx.Rollback()
		w.tx = nil
	}
}

// Get is required by format.DAGService; the importer never reads back.
func (w *blockWriter) Get(ctx context.Context, c cid.Cid) (format.Node, error) {
	return nil, format.ErrNotFound{Cid: c}
}

// GetMany is required by format.DAGService; the importer never reads back.
func (w *blockWriter) GetMany(ctx context.Context, cids []cid.Cid) <-chan *format.NodeOption {
	out := make(chan *format.NodeOption)
	close(out)
	return out
}

// Remove is required by format.DAGService; blocks are never removed.
func (w *blockWriter) Remove(context.Context, cid.Cid) error {
	return errors.New("embedded store: blocks are never removed")
}

// RemoveMany is required by format.DAGService; blocks are never removed.
func (w *blockWriter) RemoveMany(context.Context, []cid.Cid) error {
	return errors.New("embedded store: blocks are never removed")
}
