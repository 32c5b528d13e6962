package kubo

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"

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
// same files with the same reasons; the daemon receives a clean CARv1.
// Errors: EINVALID (malformed CAR, bad block, DAG incomplete), EUNAVAILABLE.
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
	resp, err := s.sh.Request("dag/import").Body(files.NewMultiFileReader(dir, true, false)).
		Option("pin-roots", true).Option("stats", false).Send(ctx)
	if err == nil && resp.Error != nil {
		err = resp.Error
	}
	if err != nil {
		if src.err != nil {
			return nil, fmt.Errorf("import CAR: %w", src.err)
		}
		return nil, s.translate(err, "import CAR")
	}
	defer resp.Close()
	var roots []string
	dec := json.NewDecoder(resp.Output)
	for {
		var out struct {
			Root *struct {
				Cid struct {
					Value string `json:"/"`
				}
				PinErrorMsg string
			}
		}
		if err := dec.Decode(&out); err == io.EOF {
			break
		} else if err != nil {
			if src.err != nil {
				return nil, fmt.Errorf("import CAR: %w", src.err)
			}
			return nil, s.translate(err, "import CAR")
		}
		if out.Root == nil {
			continue
		}
		if out.Root.PinErrorMsg != "" {
			return nil, banx.Errorf(banx.EINVALID, "CAR root %s cannot be pinned (is its DAG complete?): %s",
				out.Root.Cid.Value, out.Root.PinErrorMsg)
		}
		roots = append(roots, out.Root.Cid.Value)
	}
	// Report the roots as the CAR names them, in its order; Kubo must have pinned each.
	out := make([]string, len(cr.Roots))
	for i, c := range cr.Roots {
		if !slices.Contains(roots, c.String()) {
			return nil, banx.Errorf(banx.EINTERNAL, "import CAR: Kubo at %s did not report root %s", s.api, c)
		}
		out[i] = c.String()
	}
	return out, nil
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
