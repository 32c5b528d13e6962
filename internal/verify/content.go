package verify

import (
	"context"
	"errors"
	"io"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/ipfs"
)

// Content fetches anchored content by CID. Verification does not trust what
// it returns: the bytes are hashed against the anchored SHA-256 and
// re-imported to the anchored CID (ComputeCID), so a source may be anything
// that can find the content, including a public gateway.
type Content interface {
	// Fetch returns the bytes of the UnixFS file named by cid, at most max of
	// them. ENOTFOUND when the node does not have it; ETOOLARGE past max;
	// EINVALID when what the node served is not the content the CID names (a
	// block that does not hash to its CID, a DAG that is not a file);
	// EUNAVAILABLE when the node does not answer in time.
	Fetch(ctx context.Context, cid string, max int64) ([]byte, error)
	// Describe names the source for the report, e.g. "Kubo RPC API at http://...".
	Describe() string
}

// StoreContent adapts a content store's Cat (Banx's Kubo or embedded store)
// to Content, for the server's verification endpoint. The store is no more
// trusted than any other source: its bytes are checked like a gateway's.
type StoreContent struct {
	// Cat streams the bytes stored under a CID (ENOTFOUND, EUNAVAILABLE, ...).
	Cat func(ctx context.Context, cid string) (io.ReadCloser, error)
	// Name describes the store in reports.
	Name string
}

// Fetch implements Content.
func (s StoreContent) Fetch(ctx context.Context, cid string, max int64) ([]byte, error) {
	rc, err := s.Cat(ctx, cid)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, max+1))
	if err != nil {
		if errors.Is(err, ipfs.ErrCorruptBlock) {
			return nil, banx.Wrap(banx.EINVALID, err, "the store holds a corrupt block of %s", cid)
		}
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, banx.Errorf(banx.ETOOLARGE, "content %s is larger than %d bytes", cid, max)
	}
	return data, nil
}

// Describe implements Content.
func (s StoreContent) Describe() string { return s.Name }
