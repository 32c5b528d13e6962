package ipfs

import (
	"encoding/binary"

	"github.com/ipfs/go-cid"
)

// The CARv1 header is a two-key dag-cbor map. These helpers encode and decode
// exactly that shape and nothing more: strict decoding keeps malformed or hostile
// headers out with a precise reason, without a general CBOR library.

// cborHead appends a CBOR head (major type and argument) in its shortest form,
// as dag-cbor requires.
func cborHead(b []byte, major byte, n uint64) []byte {
	m := major << 5
	switch {
	case n < 24:
		return append(b, m|byte(n))
	case n <= 0xff:
		return append(b, m|24, byte(n))
	case n <= 0xffff:
		return binary.BigEndian.AppendUint16(append(b, m|25), uint16(n))
	case n <= 0xffffffff:
		return binary.BigEndian.AppendUint32(append(b, m|26), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(b, m|27), n)
}

func cborText(b []byte, s string) []byte {
	return append(cborHead(b, 3, uint64(len(s))), s...)
}

// cborDecoder walks a byte slice holding one CBOR item.
type cborDecoder struct {
	b []byte
}

// head reads a head and returns its major type and argument. Indefinite lengths
// and reserved encodings are refused: dag-cbor has neither.
func (d *cborDecoder) head() (byte, uint64, bool) {
	if len(d.b) == 0 {
		return 0, 0, false
	}
	major, info := d.b[0]>>5, d.b[0]&0x1f
	d.b = d.b[1:]
	var size int
	switch {
	case info < 24:
		return major, uint64(info), true
	case info == 24:
		size = 1
	case info == 25:
		size = 2
	case info == 26:
		size = 4
	case info == 27:
		size = 8
	default:
		return 0, 0, false
	}
	if len(d.b) < size {
		return 0, 0, false
	}
	var n uint64
	for _, c := range d.b[:size] {
		n = n<<8 | uint64(c)
	}
	d.b = d.b[size:]
	return major, n, true
}

// bytesOf reads a byte or text string of at most max bytes.
func (d *cborDecoder) bytesOf(major byte, max int) ([]byte, bool) {
	m, n, ok := d.head()
	if !ok || m != major || n > uint64(max) || n > uint64(len(d.b)) {
		return nil, false
	}
	s := d.b[:n]
	d.b = d.b[n:]
	return s, true
}

// decodeCARv1Header decodes {"roots": [CID...], "version": 1} and returns the
// roots, each of which must be a CID Banx can store.
func decodeCARv1Header(h []byte) ([]cid.Cid, error) {
	d := &cborDecoder{b: h}
	m, n, ok := d.head()
	if !ok || m != 5 || n != 2 {
		return nil, carErr("header is not a map of roots and version")
	}
	var roots []cid.Cid
	var version uint64
	var seenRoots, seenVersion bool
	for range n {
		key, ok := d.bytesOf(3, 16)
		if !ok {
			return nil, carErr("header has a key that is not a short text string")
		}
		switch string(key) {
		case "version":
			m, v, ok := d.head()
			if !ok || m != 0 || seenVersion {
				return nil, carErr("header version is not an unsigned integer")
			}
			version, seenVersion = v, true
		case "roots":
			if seenRoots {
				return nil, carErr("header has two roots keys")
			}
			seenRoots = true
			var err error
			if roots, err = d.roots(); err != nil {
				return nil, err
			}
		default:
			return nil, carErr("header has unknown key %q", key)
		}
	}
	switch {
	case len(d.b) != 0:
		return nil, carErr("header has %d trailing bytes", len(d.b))
	case !seenVersion || version != 1:
		return nil, carErr("version %d is not supported (1 or 2)", version)
	case len(roots) == 0:
		return nil, carErr("header names no roots")
	}
	return roots, nil
}

// roots decodes the array of tag-42 links in a CAR header.
func (d *cborDecoder) roots() ([]cid.Cid, error) {
	m, n, ok := d.head()
	if !ok || m != 4 {
		return nil, carErr("header roots is not an array")
	}
	if n > maxCARRoots {
		return nil, carErr("header names %d roots; at most %d are allowed", n, maxCARRoots)
	}
	roots := make([]cid.Cid, 0, n)
	for i := range n {
		m, tag, ok := d.head()
		if !ok || m != 6 || tag != 42 {
			return nil, carErr("header root %d is not a CID link (tag 42)", i)
		}
		b, ok := d.bytesOf(2, 128)
		if !ok || len(b) < 2 || b[0] != 0 {
			return nil, carErr("header root %d is not a binary CID", i)
		}
		c, err := cid.Cast(b[1:])
		if err != nil {
			return nil, carErr("header root %d is malformed: %v", i, err)
		}
		if err := CheckCID(c); err != nil {
			return nil, carErr("header root %s %v", c, err)
		}
		roots = append(roots, c)
	}
	return roots, nil
}
