package kubo

import (
	"context"
	"encoding/json"
	"io"

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
// DAG must already be on the node. Kubo's pinner fetches missing blocks from the
// network even for an --offline request, so completeness is checked first with an
// offline walk: a missing block is ENOTFOUND at once instead of a network search.
// Errors: EINVALID, ENOTFOUND, EUNAVAILABLE.
func (s *Store) Pin(ctx context.Context, c string) error {
	id, err := ipfs.ParseCID(c)
	if err != nil {
		return err
	}
	if err := s.checkComplete(ctx, id.String()); err != nil {
		return err
	}
	return s.pinAdd(ctx, id.String())
}

// pinAdd pins a DAG known to be complete on the node.
func (s *Store) pinAdd(ctx context.Context, c string) error {
	err := s.sh.Request("pin/add", c).Option("recursive", true).Option("offline", true).Exec(ctx, nil)
	if err != nil {
		return s.translate(err, "pin "+c)
	}
	return nil
}

// checkComplete walks the DAG under c offline (`ipfs refs -r --offline`) and
// returns ENOTFOUND naming the first block the node does not hold.
func (s *Store) checkComplete(ctx context.Context, c string) error {
	what := "check DAG " + c
	resp, err := s.sh.Request("refs", c).Option("recursive", true).Option("unique", true).
		Option("offline", true).Send(ctx)
	if err == nil && resp.Error != nil {
		err = resp.Error
	}
	if err != nil {
		return s.translate(err, what)
	}
	defer resp.Close()
	dec := json.NewDecoder(resp.Output)
	for {
		var ref struct{ Ref, Err string }
		if err := dec.Decode(&ref); err == io.EOF {
			return nil
		} else if err != nil {
			return s.translate(err, what)
		}
		if ref.Err != "" {
			return banx.Errorf(banx.ENOTFOUND, "%s: a block is not on the IPFS node: %s", what, ref.Err)
		}
	}
}
