package embedded

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/ipfs"
	"github.com/ipfs/go-cid"
	format "github.com/ipfs/go-ipld-format"
)

// spoolAbove is the size beyond which an add's blocks go to a temporary file
// instead of memory. Documents are almost always far smaller; the spool keeps a
// rare large upload from costing its size in memory, and from holding the write
// lock while a slow client sends it.
const spoolAbove = 4 << 20

// collector receives the blocks boxo's importer produces for one add. It does no
// I/O on the database: chunking and hashing run in the caller's goroutine, in
// parallel with other adds, and the writer only stores the result.
type collector struct {
	dir    string
	blocks []block
	size   int

	spool *os.File
	bw    *bufio.Writer
	err   error // the first spool failure; the importer's errors are its own
}

var _ format.DAGService = (*collector)(nil)

// Add keeps nd in memory, or in the spool once the add has grown past spoolAbove.
func (c *collector) Add(_ context.Context, nd format.Node) error {
	if c.err != nil {
		return c.err
	}
	c.size += len(nd.RawData())
	if c.spool == nil {
		c.blocks = append(c.blocks, block{c: nd.Cid(), data: nd.RawData()})
		if c.size <= spoolAbove {
			return nil
		}
		if c.err = c.startSpool(); c.err != nil {
			return c.err
		}
		return nil
	}
	if err := ipfs.WriteCARBlock(c.bw, nd.Cid(), nd.RawData()); err != nil {
		c.err = unavailable(err, "write add spool")
	}
	return c.err
}

// startSpool moves the blocks held so far into a new temporary file.
func (c *collector) startSpool() error {
	f, err := os.CreateTemp(c.dir, "add-*.spool")
	if err != nil {
		return unavailable(fmt.Errorf("%s: %w", c.dir, err), "create add spool")
	}
	c.spool, c.bw = f, bufio.NewWriterSize(f, 256<<10)
	for _, b := range c.blocks {
		if err := ipfs.WriteCARBlock(c.bw, b.c, b.data); err != nil {
			return unavailable(err, "write add spool")
		}
	}
	c.blocks = nil
	return nil
}

// markRoot flags root's block as pinned. The importer adds the root last, so the
// search ends at once.
func (c *collector) markRoot(root cid.Cid) error {
	for i := len(c.blocks) - 1; i >= 0; i-- {
		if c.blocks[i].c.Equals(root) {
			c.blocks[i].pinned = true
			return nil
		}
	}
	return banx.Errorf(banx.EINTERNAL, "importer did not emit its root block %s", root)
}

// AddMany adds nodes in order.
func (c *collector) AddMany(ctx context.Context, nds []format.Node) error {
	for _, nd := range nds {
		if err := c.Add(ctx, nd); err != nil {
			return err
		}
	}
	return nil
}

// replay passes the spooled blocks, in the order they were added, to put.
func (c *collector) replay(put func(cid.Cid, []byte) error) error {
	if err := c.bw.Flush(); err != nil {
		return unavailable(err, "write add spool")
	}
	if _, err := c.spool.Seek(0, io.SeekStart); err != nil {
		return unavailable(err, "rewind add spool")
	}
	br := bufio.NewReaderSize(c.spool, 256<<10)
	for {
		n, err := binary.ReadUvarint(br)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil || n > ipfs.MaxBlockSize+128 {
			return banx.Errorf(banx.EINTERNAL, "add spool %s is damaged", c.spool.Name())
		}
		sec := make([]byte, n)
		if _, err := io.ReadFull(br, sec); err != nil {
			return banx.Wrap(banx.EINTERNAL, err, "add spool %s is damaged", c.spool.Name())
		}
		k, id, err := cid.CidFromBytes(sec)
		if err != nil {
			return banx.Wrap(banx.EINTERNAL, err, "add spool %s is damaged", c.spool.Name())
		}
		if err := put(id, sec[k:]); err != nil {
			return err
		}
	}
}

// discard removes the spool, if any.
func (c *collector) discard() {
	if c.spool != nil {
		c.spool.Close()
		os.Remove(c.spool.Name())
	}
}

// Get is required by format.DAGService; the importer never reads back.
func (c *collector) Get(_ context.Context, id cid.Cid) (format.Node, error) {
	return nil, format.ErrNotFound{Cid: id}
}

// GetMany is required by format.DAGService; the importer never reads back.
func (c *collector) GetMany(context.Context, []cid.Cid) <-chan *format.NodeOption {
	out := make(chan *format.NodeOption)
	close(out)
	return out
}

// Remove is required by format.DAGService; an add only ever adds.
func (c *collector) Remove(context.Context, cid.Cid) error {
	return errors.New("embedded store: an add never removes blocks")
}

// RemoveMany is required by format.DAGService; an add only ever adds.
func (c *collector) RemoveMany(context.Context, []cid.Cid) error {
	return errors.New("embedded store: an add never removes blocks")
}
