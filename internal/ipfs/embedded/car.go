package embedded

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/ipfs"
	"github.com/ipfs/boxo/ipld/merkledag"
	"github.com/ipfs/go-cid"
)

// ExportCAR writes the DAG of c to w as a CARv1 file, blocks in the order Kubo's
// `ipfs dag export` uses (depth-first, links in order, each block once), so both
// stores export a DAG to the same bytes. Errors: EINVALID, ENOTFOUND (root
// missing: nothing is written; a deeper block missing ends the output early),
// EINTERNAL (a corrupt block, which is not written).
func (s *Store) ExportCAR(ctx context.Context, c string, w io.Writer) error {
	id, err := ipfs.ParseCID(c)
	if err != nil {
		return err
	}
	if _, err := getBlock(ctx, s.read, id); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := ipfs.WriteCARHeader(bw, id); err != nil {
		return fmt.Errorf("export %s: %w", id, err)
	}
	err = walkDAG(ctx, s.read, id, func(c cid.Cid, data []byte) error {
		return ipfs.WriteCARBlock(bw, c, data)
	})
	if err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("export %s: %w", id, err)
	}
	return nil
}

// walkDAG visits the DAG under root depth-first, links in order, each block once.
// With emit, every block is read, hash-checked and passed to emit. Without emit
// it only proves the DAG complete: dag-pb blocks are read for their links, raw
// leaves (which have none) are only looked up.
func walkDAG(ctx context.Context, q querier, root cid.Cid, emit func(cid.Cid, []byte) error) error {
	seen := map[string]bool{}
	stack := []cid.Cid{root}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[c.KeyString()] {
			continue
		}
		seen[c.KeyString()] = true
		if err := ctx.Err(); err != nil {
			return err
		}
		if emit == nil && c.Type() == cid.Raw {
			ok, err := hasBlock(ctx, q, c)
			if err != nil {
				return err
			}
			if !ok {
				return banx.Errorf(banx.ENOTFOUND, "block %s of DAG %s not found", c, root)
			}
			continue
		}
		data, err := getBlock(ctx, q, c)
		if err != nil {
			return err
		}
		if emit != nil {
			if err := emit(c, data); err != nil {
				return fmt.Errorf("write block %s: %w", c, err)
			}
		}
		if c.Type() != cid.DagProtobuf {
			continue
		}
		nd, err := merkledag.DecodeProtobuf(data)
		if err != nil {
			return banx.Wrap(banx.EINTERNAL, err, "block %s is not valid dag-pb", c)
		}
		links := nd.Links()
		for i := len(links) - 1; i >= 0; i-- { // reversed, so the first link is visited first
			if err := ipfs.CheckCID(links[i].Cid); err != nil {
				return banx.Errorf(banx.EINVALID, "block %s links to %s, which %v", c, links[i].Cid, err)
			}
			stack = append(stack, links[i].Cid)
		}
	}
	return nil
}

// ImportCAR stores the blocks of a CARv1 or CARv2 file and pins its roots. The
// upload is first spooled to a temporary file, every block checked on the way,
// so a slow sender never holds the write lock; the blocks and pins are then
// committed in one transaction, and only if every root's DAG is complete.
// Errors: EINVALID (malformed CAR, bad block, incomplete DAG), EUNAVAILABLE.
func (s *Store) ImportCAR(ctx context.Context, r io.Reader) ([]string, error) {
	spool, roots, err := s.spoolCAR(r)
	if err != nil {
		return nil, err
	}
	defer os.Remove(spool.Name())
	defer spool.Close()
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		return nil, unavailable(err, "rewind CAR spool")
	}
	cr, err := ipfs.NewCARReader(spool)
	if err != nil {
		return nil, err
	}
	err = s.exclusive(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for {
			c, data, err := cr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
			if err := s.putBlock(ctx, tx, c, data, false); err != nil {
				return err
			}
		}
		for _, root := range roots {
			if err := walkDAG(ctx, tx, root, nil); err != nil {
				if banx.ErrorCode(err) == banx.ENOTFOUND {
					return banx.Wrap(banx.EINVALID, err, "CAR root %s: DAG incomplete: %s", root, banx.ErrorMessage(err))
				}
				return err
			}
			if err := s.pin(ctx, tx, root); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]string, len(roots))
	for i, c := range roots {
		out[i] = c.String()
	}
	return out, nil
}

// spoolCAR copies a CAR into a temporary file next to the database as CARv1,
// checking every block (hash, codec, dag-pb decoding) as it arrives.
func (s *Store) spoolCAR(r io.Reader) (*os.File, []cid.Cid, error) {
	cr, err := ipfs.NewCARReader(r)
	if err != nil {
		return nil, nil, err
	}
	f, err := os.CreateTemp(filepath.Dir(s.path), "import-*.car")
	if err != nil {
		return nil, nil, unavailable(fmt.Errorf("%s: %w", filepath.Dir(s.path), err), "create CAR spool")
	}
	fail := func(err error) (*os.File, []cid.Cid, error) {
		f.Close()
		os.Remove(f.Name())
		return nil, nil, err
	}
	bw := bufio.NewWriterSize(f, 256<<10)
	if err := ipfs.WriteCARHeader(bw, cr.Roots...); err != nil {
		return fail(unavailable(err, "write CAR spool"))
	}
	for {
		c, data, err := cr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fail(err)
		}
		if c.Type() == cid.DagProtobuf {
			if _, err := merkledag.DecodeProtobuf(data); err != nil {
				return fail(banx.Wrap(banx.EINVALID, err, "CAR block %s is not valid dag-pb: %v", c, err))
			}
		}
		if err := ipfs.WriteCARBlock(bw, c, data); err != nil {
			return fail(unavailable(err, "write CAR spool"))
		}
	}
	if err := bw.Flush(); err != nil {
		return fail(unavailable(err, "write CAR spool"))
	}
	return f, cr.Roots, nil
}
