package kubo

import (
	"context"
	"fmt"
	"io"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/ipfs"
	"github.com/ipfs/boxo/files"
)

// ExportCAR writes the DAG of c to w as a CARv1 file, the format other IPFS nodes
// (and the embedded store) import. Errors: EINVALID, ENOTFOUND (root or any block
// not on the node), EUNAVAILABLE. Kubo checks the root before streaming; a block
// missing deeper in the DAG ends the stream with an error after some bytes.
func (s *Store) ExportCAR(ctx context.Context, c string, w io.Writer) error {
	id, err := ipfs.ParseCID(c)
	if err != nil {
		return err
	}
	what := "export " + id.String()
	resp, err := s.sh.Request("dag/export", id.String()).Option("offline", true).Send(ctx)
	if err == nil && resp.Error != nil {
		err = resp.Error
	}
	if err != nil {
		return s.translate(err, what)
	}
	defer resp.Close()
	if _, err := io.Copy(w, resp.Output); err != nil {
		return s.translate(err, what)
	}
	return nil
}

// ImportCAR stores the blocks of a CAR file and pins its roots. The CAR is first
// read through ipfs.CARReader, which checks every block, so both stores refuse the
// same files with the same reasons; the daemon receives a clean CARv1. Kubo would
// pin the roots itself, fetching any missing block from the network; instead the
// roots are pinned only after an offline completeness check, so an incomplete CAR
// is refused at once. Errors: EINVALID (malformed CAR, bad block, incomplete DAG),
// EUNAVAILABLE.
func (s *Store) ImportCAR(ctx context.Context, r io.Reader) ([]string, error) {
	cr, err := ipfs.NewCARReader(r)
	if err != nil {
		return nil, err
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(copyCAR(cr, pw)) }()
	src := &errReader{r: pr}
	defer pr.Close()

	dir := files.NewSliceDirectory([]files.DirEntry{files.FileEntry("", files.NewReaderFile(src))})
	err = s.sh.Request("dag/import").Body(files.NewMultiFileReader(dir, true, false)).
		Option("pin-roots", false).Option("stats", false).Exec(ctx, nil)
	if err != nil {
		if src.err != nil {
			return nil, fmt.Errorf("import CAR: %w", src.err)
		}
		return nil, s.translate(err, "import CAR")
	}
	roots := make([]string, len(cr.Roots))
	for i, c := range cr.Roots {
		roots[i] = c.String()
		if err := s.checkComplete(ctx, roots[i]); err != nil {
			if banx.ErrorCode(err) == banx.ENOTFOUND {
				return nil, banx.Wrap(banx.EINVALID, err, "CAR root %s: DAG incomplete: %s", c, banx.ErrorMessage(err))
			}
			return nil, err
		}
	}
	for _, c := range roots {
		if err := s.pinAdd(ctx, c); err != nil {
			return nil, err
		}
	}
	return roots, nil
}

// copyCAR re-encodes a checked CAR stream as CARv1.
func copyCAR(cr *ipfs.CARReader, w io.Writer) error {
	if err := ipfs.WriteCARHeader(w, cr.Roots...); err != nil {
		return err
	}
	for {
		c, data, err := cr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := ipfs.WriteCARBlock(w, c, data); err != nil {
			return err
		}
	}
}
