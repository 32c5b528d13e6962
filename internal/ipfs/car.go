package ipfs

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/ipfs/go-cid"
)

// CAR files move content between the stores (and to anyone else running IPFS).
// Banx writes CARv1 exactly as Kubo's `ipfs dag export` does, so the same DAG
// exports to the same bytes from either store, and reads CARv1 and CARv2.
// The format is small enough that a dependency on go-car is not worth its graph.

// maxCARHeader bounds the header a reader accepts: a few hundred roots at most.
const maxCARHeader = 64 << 10

// maxCARRoots bounds the number of roots in a CAR header.
const maxCARRoots = 1024

// WriteCARHeader writes a CARv1 header naming roots. The dag-cbor encoding is
// canonical (map keys shortest first: "roots", then "version"), which is what
// go-car writes for Kubo.
func WriteCARHeader(w io.Writer, roots ...cid.Cid) error {
	var h []byte
	h = cborHead(h, 5, 2)
	h = cborText(h, "roots")
	h = cborHead(h, 4, uint64(len(roots)))
	for _, c := range roots {
		h = cborHead(h, 6, 42) // tag 42: an IPLD link
		b := c.Bytes()
		h = cborHead(h, 2, uint64(len(b)+1))
		h = append(h, 0) // the multibase identity prefix dag-cbor puts before binary CIDs
		h = append(h, b...)
	}
	h = cborText(h, "version")
	h = cborHead(h, 0, 1)
	return writeSection(w, h)
}

// WriteCARBlock writes one block section: the CID's binary form, then the data.
func WriteCARBlock(w io.Writer, c cid.Cid, data []byte) error {
	return writeSection(w, c.Bytes(), data)
}

// writeSection writes the varint length of the parts followed by the parts.
func writeSection(w io.Writer, parts ...[]byte) error {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	var lenBuf [binary.MaxVarintLen64]byte
	if _, err := w.Write(lenBuf[:binary.PutUvarint(lenBuf[:], uint64(n))]); err != nil {
		return err
	}
	for _, p := range parts {
		if _, err := w.Write(p); err != nil {
			return err
		}
	}
	return nil
}

// CARReader reads the blocks of a CAR file one at a time, so an import needs
// memory for one block, not for the file. Every block is checked against its CID
// before it is returned; all failures are banx.EINVALID with the exact reason.
type CARReader struct {
	// Roots are the root CIDs named in the header.
	Roots []cid.Cid

	r      *bufio.Reader
	blocks int
}

// NewCARReader reads the header of a CARv1 or CARv2 file. For CARv2 it skips to
// the inner CARv1 payload and ignores the index.
func NewCARReader(r io.Reader) (*CARReader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	h, err := readSection(br, maxCARHeader, "header")
	if err != nil {
		return nil, err
	}
	if bytes.Equal(h, carV2Pragma) {
		if br, err = skipToV2Payload(br); err != nil {
			return nil, err
		}
		if h, err = readSection(br, maxCARHeader, "CARv1 payload header"); err != nil {
			return nil, err
		}
	}
	roots, err := decodeCARv1Header(h)
	if err != nil {
		return nil, err
	}
	return &CARReader{Roots: roots, r: br}, nil
}

// carV2Pragma is the fixed "header" {"version": 2} that opens every CARv2 file.
var carV2Pragma = []byte{0xa1, 0x67, 'v', 'e', 'r', 's', 'i', 'o', 'n', 0x02}

// skipToV2Payload reads the 40-byte CARv2 header (characteristics, data offset,
// data size, index offset) and returns a reader limited to the CARv1 payload.
func skipToV2Payload(br *bufio.Reader) (*bufio.Reader, error) {
	var hdr [40]byte
	if _, err := io.ReadFull(br, hdr[:]); err != nil {
		return nil, carErr("CARv2 header is truncated")
	}
	offset := binary.LittleEndian.Uint64(hdr[16:24])
	size := binary.LittleEndian.Uint64(hdr[24:32])
	const consumed = 11 + 40 // pragma with its length byte, then the header
	if offset < consumed || size == 0 || size > 1<<50 {
		return nil, carErr("CARv2 header has data offset %d and size %d", offset, size)
	}
	if _, err := br.Discard(int(offset - consumed)); err != nil {
		return nil, carErr("CARv2 data offset %d is past the end of the file", offset)
	}
	return bufio.NewReaderSize(io.LimitReader(br, int64(size)), 64<<10), nil
}

// Next returns the next block, checked against its CID, or io.EOF after the last.
func (cr *CARReader) Next() (cid.Cid, []byte, error) {
	if _, err := cr.r.Peek(1); err == io.EOF {
		return cid.Undef, nil, io.EOF
	}
	cr.blocks++
	what := fmt.Sprintf("block %d", cr.blocks)
	sec, err := readSection(cr.r, MaxBlockSize+128, what)
	if err != nil {
		return cid.Undef, nil, err
	}
	n, c, err := cid.CidFromBytes(sec)
	if err != nil {
		return cid.Undef, nil, carErr("%s has a malformed CID: %v", what, err)
	}
	if err := CheckCID(c); err != nil {
		return cid.Undef, nil, carErr("%s: %s %v", what, c, err)
	}
	data := sec[n:]
	if !BlockMatches(c, data) {
		return cid.Undef, nil, carErr("%s: data does not match its CID %s", what, c)
	}
	return c, data, nil
}

// BlockMatches reports whether data hashes to c. Only CIDs that pass CheckCID
// (sha2-256, 32-byte digests) can match.
func BlockMatches(c cid.Cid, data []byte) bool {
	h := c.Hash()
	if len(h) != 34 || h[0] != 0x12 || h[1] != 0x20 {
		return false
	}
	sum := sha256.Sum256(data)
	return bytes.Equal(h[2:], sum[:])
}

// readSection reads one varint-length-prefixed section of at most max bytes.
func readSection(br *bufio.Reader, max int, what string) ([]byte, error) {
	n, err := binary.ReadUvarint(br)
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, carErr("%s: file ends before its length", what)
		}
		return nil, carErr("%s: length is not a valid varint", what)
	}
	if n == 0 || n > uint64(max) {
		return nil, carErr("%s is %d bytes; it must be 1 to %d", what, n, max)
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(br, buf); err != nil {
		return nil, carErr("%s is truncated: %d bytes announced", what, n)
	}
	return buf, nil
}

func carErr(format string, args ...any) error {
	return banx.Errorf(banx.EINVALID, "CAR "+format, args...)
}
