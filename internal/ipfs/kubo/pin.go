package kubo

import (
	"context"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/ipfs"
)

// Pinned reports whether c is pinned recursively, the way Add and ImportCAR pin.
// Errors: EINVALID (malformed CID), EUNAVAILABLE.
func (s *Store) Pinned(ctx context.Context, c string) (bool, error) {
	id, err := ipfs.ParseCID(c)
	if err != nil {
		return false, err
	}
	var out struct {
		Keys map[string]struct{ Type string }
	}
	err = s.sh.Request("pin/ls", id.String()).Option("type", "recursive").Option("offline", true).Exec(ctx, &out)
	if err != nil {
		if err = s.translate(err, "pin status "+id.String()); banx.ErrorCode(err) == banx.ENOTFOUND {
			return false, nil
		}
		return false, err
	}
	return len(out.Keys) > 0, nil
}

// Pin pins c recursively, protecting its whole DAG from garbage collection. The
// DAG must already be on the node: with --offline a missing block is ENOTFOUND
// instead of a network search. Errors: EINVALID, ENOTFOUND, EUNAVAILABLE.
func (s *Store) Pin(ctx context.Context, c string) error {
	id, err := ipfs.ParseCID(c)
	if err != nil {
		return err
	}
	err = s.sh.Request("pin/add", id.String()).Option("recursive", true).Option("offline", true).Exec(ctx, nil)
	if err != nil {
		return s.translate(err, "pin "+id.String())
	}
	return nil
}
