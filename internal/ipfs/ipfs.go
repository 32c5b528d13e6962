// Package ipfs holds what Banx's two content stores share: the import settings
// both must honour to produce the same CID for the same bytes, CID validation with
// exact reasons, and the CAR format the stores use to hand content to each other.
//
// The stores themselves are adapters in sub-packages with the same method set and
// the same file names: kubo (a Kubo daemon over its RPC API) and embedded (blocks
// in a local SQLite file). The HTTP layer defines the interface it consumes.
package ipfs

import (
	"errors"
	"fmt"

	"github.com/banxmedia/banx/contracts"
	"github.com/ipfs/boxo/ipld/merkledag"
	"github.com/ipfs/go-cid"
)

// ImportSettings are the UnixFS import settings of contracts/ipfs-import.json in
// the forms the stores consume: typed fields for boxo's importer, flags for Kubo.
type ImportSettings struct {
	contracts.IPFSImport

	// ChunkSizeBytes is the fixed chunk size named by Chunker.
	ChunkSizeBytes int
	// CIDBuilder builds every node's CID (version and hash function), so that the
	// embedded importer cannot drift from the contract.
	CIDBuilder cid.Prefix
}

// LoadImportSettings reads and validates the embedded import contract.
func LoadImportSettings() (ImportSettings, error) {
	c, err := contracts.LoadIPFSImport()
	if err != nil {
		return ImportSettings{}, err
	}
	size, err := c.ChunkSize()
	if err != nil {
		return ImportSettings{}, err
	}
	prefix, err := merkledag.PrefixForCidVersion(c.CIDVersion) // sha2-256, the only hash the contract allows
	if err != nil {
		return ImportSettings{}, err
	}
	return ImportSettings{IPFSImport: c, ChunkSizeBytes: size, CIDBuilder: prefix}, nil
}

// ErrCorruptBlock is the cause wrapped into the banx.EINTERNAL error a store
// returns when a stored block no longer matches its hash. Callers test for it with
// errors.Is to tell damaged storage from other internal failures.
var ErrCorruptBlock = errors.New("corrupt block")

// MaxBlockSize is the largest block the stores accept from a CAR file: the 2 MiB
// limit of the bitswap spec, beyond which no IPFS peer would transfer it anyway.
const MaxBlockSize = 2 << 20

// String names the settings in one line, for logs and test failures.
func (s ImportSettings) String() string {
	return fmt.Sprintf("CIDv%d %s raw-leaves=%t chunker=%s layout=%s max-links=%d",
		s.CIDVersion, s.HashFunction, s.RawLeaves, s.Chunker, s.Layout, s.MaxLinks)
}
