package ipfs_test

import (
	"bytes"
	"encoding/binary"
	"io"
	"strings"
	"testing"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/ipfs"
	"github.com/ipfs/go-cid"
	mh "github.com/multiformats/go-multihash"
)

func rawBlock(t *testing.T, data string) cid.Cid {
	t.Helper()
	h, err := mh.Sum([]byte(data), mh.SHA2_256, -1)
	if err != nil {
		t.Fatal(err)
	}
	return cid.NewCidV1(cid.Raw, h)
}

// section builds one varint-length-prefixed CAR section by hand.
func section(parts ...[]byte) []byte {
	body := bytes.Join(parts, nil)
	return append(binary.AppendUvarint(nil, uint64(len(body))), body...)
}

func TestCARRoundTrip(t *testing.T) {
	a, b := rawBlock(t, "a"), rawBlock(t, "b")
	var buf bytes.Buffer
	if err := ipfs.WriteCARHeader(&buf, a, b); err != nil {
		t.Fatal(err)
	}
	ipfs.WriteCARBlock(&buf, a, []byte("a"))
	ipfs.WriteCARBlock(&buf, b, []byte("b"))
	r, err := ipfs.NewCARReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Roots) != 2 || !r.Roots[0].Equals(a) || !r.Roots[1].Equals(b) {
		t.Fatalf("roots = %v, want [%s %s]", r.Roots, a, b)
	}
	for _, want := range []string{"a", "b"} {
		c, data, err := r.Next()
		if err != nil || string(data) != want || !c.Equals(rawBlock(t, want)) {
			t.Fatalf("Next = %s %q %v, want block %q", c, data, err, want)
		}
	}
	if _, _, err := r.Next(); err != io.EOF {
		t.Fatalf("Next after the last block = %v, want io.EOF", err)
	}
}

func TestCARReaderErrors(t *testing.T) {
	a := rawBlock(t, "a")
	var header bytes.Buffer
	ipfs.WriteCARHeader(&header, a)
	hdr := header.Bytes()
	rootLink := append([]byte{0xd8, 0x2a, 0x58, 0x25, 0x00}, a.Bytes()...)
	tests := []struct {
		name   string
		car    []byte
		reason string
	}{
		{"ErrEmpty", nil, "header: file ends before its length"},
		{"ErrNotCBORMap", section([]byte("not a car")), "header is not a map of roots and version"},
		{"ErrVersion3", section([]byte{0xa2, 0x65, 'r', 'o', 'o', 't', 's', 0x81}, rootLink, []byte{0x67, 'v', 'e', 'r', 's', 'i', 'o', 'n', 0x03}), "version 3 is not supported"},
		{"ErrUnknownKey", section([]byte{0xa2, 0x65, 'r', 'o', 'o', 'f', 's', 0x81}, rootLink, []byte{0x67, 'v', 'e', 'r', 's', 'i', 'o', 'n', 0x01}), `unknown key "roofs"`},
		{"ErrNoRoots", section([]byte{0xa2, 0x65, 'r', 'o', 'o', 't', 's', 0x80, 0x67, 'v', 'e', 'r', 's', 'i', 'o', 'n', 0x01}), "names no roots"},
		{"ErrHugeHeader", binary.AppendUvarint(nil, 1<<30), "header is 1073741824 bytes"},
		{"ErrTruncatedHeader", hdr[:len(hdr)-3], "header is truncated"},
		{"ErrBlockMismatch", append(bytes.Clone(hdr), section(a.Bytes(), []byte("b"))...), "data does not match its CID"},
		{"ErrBlockTruncated", append(bytes.Clone(hdr), section(a.Bytes(), []byte("a"))[:5]...), "block 1 is truncated"},
		{"ErrBlockCID", append(bytes.Clone(hdr), section([]byte{0x01, 0x55, 0xff})...), "block 1 has a malformed CID"},
		{"ErrBlockSHA1", append(bytes.Clone(hdr), section(cid.NewCidV1(cid.Raw, mustSum(t, "a", mh.SHA1)).Bytes(), []byte("a"))...), "only sha2-256 is accepted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ipfs.NewCARReader(bytes.NewReader(tt.car))
			for err == nil {
				_, _, err = r.Next()
			}
			if banx.ErrorCode(err) != banx.EINVALID || !strings.Contains(err.Error(), tt.reason) {
				t.Fatalf("err = %v, want EINVALID with %q", err, tt.reason)
			}
		})
	}
}

func mustSum(t *testing.T, data string, code uint64) mh.Multihash {
	h, err := mh.Sum([]byte(data), code, -1)
	if err != nil {
		t.Fatal(err)
	}
	return h
}
