package verify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/ipfs"
	chunker "github.com/ipfs/boxo/chunker"
	"github.com/ipfs/boxo/ipld/unixfs/importer/balanced"
	"github.com/ipfs/boxo/ipld/unixfs/importer/helpers"
	"github.com/ipfs/go-cid"
	format "github.com/ipfs/go-ipld-format"
)

// importSettings are loaded once: the contract is embedded in the binary, so
// it cannot change while the process runs.
var importSettings = sync.OnceValues(ipfs.LoadImportSettings)

// ComputeCID returns the CID that importing data into IPFS with Banx's UnixFS
// settings (contracts/ipfs-import.json: CIDv1, sha2-256, raw leaves, 256 KiB
// chunks, balanced layout, 174 links) gives, in its base32 text form. It is the
// same computation as the embedded store's Add and `ipfs add` with the
// contract's flags, but stores nothing: verification re-derives the CID from
// the fetched bytes instead of believing the node that served them.
func ComputeCID(data []byte) (string, error) {
	s, err := importSettings()
	if err != nil {
		return "", banx.Wrap(banx.EINTERNAL, err, "load IPFS import settings")
	}
	params := helpers.DagBuilderParams{
		Dagserv:    discardDAG{},
		RawLeaves:  s.RawLeaves,
		Maxlinks:   s.MaxLinks,
		CidBuilder: s.CIDBuilder,
	}
	db, err := params.New(chunker.NewSizeSplitter(bytes.NewReader(data), int64(s.ChunkSizeBytes)))
	if err != nil {
		return "", banx.Wrap(banx.EINTERNAL, err, "compute CID: %v", err)
	}
	root, err := balanced.Layout(db)
	if err != nil {
		return "", banx.Wrap(banx.EINTERNAL, err, "compute CID: %v", err)
	}
	return root.Cid().String(), nil
}

// discardDAG receives the importer's nodes and keeps none: only the root CID
// is wanted, and it is computed from the nodes' hashes as they are built.
type discardDAG struct{}

var _ format.DAGService = discardDAG{}

func (discardDAG) Add(context.Context, format.Node) error       { return nil }
func (discardDAG) AddMany(context.Context, []format.Node) error { return nil }
func (discardDAG) Remove(context.Context, cid.Cid) error        { return errNoReadBack }
func (discardDAG) RemoveMany(context.Context, []cid.Cid) error  { return errNoReadBack }
func (discardDAG) Get(_ context.Context, c cid.Cid) (format.Node, error) {
	return nil, format.ErrNotFound{Cid: c}
}
func (discardDAG) GetMany(context.Context, []cid.Cid) <-chan *format.NodeOption {
	out := make(chan *format.NodeOption)
	close(out)
	return out
}

var errNoReadBack = errors.New("verify: the CID computation keeps no blocks")

// cidSettingsSummary names the import settings in a check's detail, so a
// reader can reproduce the computation with `ipfs add --only-hash`.
func cidSettingsSummary() string {
	s, err := importSettings()
	if err != nil {
		return "contracts/ipfs-import.json"
	}
	return fmt.Sprintf("CIDv%d, %s, raw leaves %t, %s, %s layout, %d links", s.CIDVersion, s.HashFunction, s.RawLeaves, s.Chunker, s.Layout, s.MaxLinks)
}
