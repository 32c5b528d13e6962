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
	"sync"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/ipfs"
	chunker "github.com/ipfs/boxo/chunker"
	"github.com/ipfs/boxo/ipld/merkledag"
	"github.com/ipfs/boxo/ipld/unixfs"
	"github.com/ipfs/boxo/ipld/unixfs/importer/balanced"
	"github.com/ipfs/boxo/ipld/unixfs/importer/helpers"
	uio "github.com/ipfs/boxo/ipld/unixfs/io"
	"github.com/ipfs/go-cid"
	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
)

// FileName is the SQLite file the store keeps in its directory.
const FileName = "blocks.db"

// Store is an embedded content store. It is safe for concurrent use.
type Store struct {
	path     string
	settings ipfs.ImportSettings
	read     *sql.DB // a pool: readers run beside the writer in WAL mode
	db       *sql.DB // one connection, owned by the writer goroutine after Open

	insBlock, setPin *sql.Stmt // prepared once: preparing costs as much as running them

	writes     chan *writeReq
	quit       chan struct{}
	writerDone chan struct{}
	closeOnce  sync.Once

	checkpoint       chan struct{} // nudges the checkpointer; capacity 1
	checkpointerDone chan struct{}
	uncheckpointed   int // bytes committed since the last nudge; the writer's alone
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
	s := &Store{
		path: filepath.Join(dir, FileName), settings: settings,
		writes: make(chan *writeReq), quit: make(chan struct{}), writerDone: make(chan struct{}),
		checkpoint: make(chan struct{}, 1), checkpointerDone: make(chan struct{}),
	}
	if s.db, err = openPool(s.path, "immediate", 1); err != nil {
		return nil, err
	}
	if s.read, err = openPool(s.path, "deferred", 8); err != nil {
		s.closeDBs()
		return nil, err
	}
	ctx := context.Background()
	if err := s.db.PingContext(ctx); err != nil {
		s.closeDBs()
		return nil, banx.Wrap(banx.EUNAVAILABLE, err, "open embedded IPFS store %s", s.path)
	}
	if err := s.migrate(ctx); err != nil {
		s.closeDBs()
		return nil, err
	}
	if err := s.prepare(ctx); err != nil {
		s.closeDBs()
		return nil, err
	}
	go s.runWriter()
	go s.runCheckpointer()
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

// Close stops the writer, waiting for the write in progress, and closes the
// database. Calls made after Close fail with EUNAVAILABLE.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		close(s.quit)
		<-s.writerDone
		<-s.checkpointerDone
	})
	return s.closeDBs()
}

// closeDBs closes statements and pools; it is safe on a partly opened store.
func (s *Store) closeDBs() error {
	var errs []error
	for _, st := range []*sql.Stmt{s.insBlock, s.setPin} {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	for _, db := range []*sql.DB{s.read, s.db} {
		if db != nil {
			errs = append(errs, db.Close())
		}
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
// blocks, pins it and returns its CID; blocks and pin commit together or not at
// all. Errors: EUNAVAILABLE (disk), or the code of the error r itself returned.
func (s *Store) Add(ctx context.Context, r io.Reader) (string, error) {
	col := &collector{dir: filepath.Dir(s.path)}
	defer col.discard()
	params := helpers.DagBuilderParams{
		Dagserv:    col,
		RawLeaves:  s.settings.RawLeaves,
		Maxlinks:   s.settings.MaxLinks,
		CidBuilder: s.settings.CIDBuilder,
	}
	builder, err := params.New(chunker.NewSizeSplitter(r, int64(s.settings.ChunkSizeBytes)))
	if err != nil {
		return "", fmt.Errorf("add: %w", err)
	}
	root, err := balanced.Layout(builder)
	if err != nil {
		return "", fmt.Errorf("add: %w", err)
	}
	if col.err != nil {
		return "", col.err
	}
	if col.spool == nil {
		if err := col.markRoot(root.Cid()); err != nil {
			return "", err
		}
		err = s.write(ctx, &writeReq{blocks: col.blocks, size: col.size})
	} else {
		err = s.exclusive(ctx, func(ctx context.Context, tx *sql.Tx) error {
			if err := col.replay(func(c cid.Cid, data []byte) error { return s.putBlock(ctx, tx, c, data, false) }); err != nil {
				return err
			}
			return s.pin(ctx, tx, root.Cid())
		})
	}
	if err != nil {
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
