package ledger

import (
	"github.com/Peersyst/xrpl-go/binary-codec/definitions"
	"github.com/Peersyst/xrpl-go/binary-codec/serdes"
)

// Hash prefixes of rippled's HashPrefix.h used by the SHAMap and the ledger header.
var (
	prefixInnerNode   = []byte("MIN\x00")
	prefixLeafNode    = []byte("MLN\x00")
	prefixTxNode      = []byte("SND\x00")
	prefixLedgerMastr = []byte("LWR\x00")
	prefixTxID        = []byte("TXN\x00")
)

// shamap is rippled's SHAMap reduced to what hashing needs: a radix-16 tree in which
// every leaf sits at the shallowest depth where its key is unique, the root is always
// an inner node, and inner nodes hash their sixteen child hashes. Leaf hashes are given
// by the caller (state and transaction trees hash leaves differently), inner hashes are
// cached and recomputed only along changed paths, so a close costs O(changes).
type shamap struct {
	root *shaNode
}

type shaNode struct {
	children *[16]*shaNode // nil for a leaf
	key      Hash
	hash     Hash
	dirty    bool
}

func newSHAMap() *shamap { return &shamap{root: &shaNode{children: new([16]*shaNode), dirty: true}} }

func nibble(k Hash, depth int) int {
	b := k[depth/2]
	if depth%2 == 0 {
		return int(b >> 4)
	}
	return int(b & 0x0f)
}

// set inserts or replaces the leaf for key with the given leaf hash.
func (m *shamap) set(key, leafHash Hash) {
	n := m.root
	for depth := 0; ; depth++ {
		n.dirty = true
		i := nibble(key, depth)
		c := n.children[i]
		switch {
		case c == nil:
			n.children[i] = &shaNode{key: key, hash: leafHash}
			return
		case c.children == nil && c.key == key:
			c.hash = leafHash
			return
		case c.children == nil:
			// Split: push the existing leaf one level down and retry there.
			inner := &shaNode{children: new([16]*shaNode), dirty: true}
			inner.children[nibble(c.key, depth+1)] = c
			n.children[i] = inner
			n = inner
		default:
			n = c
		}
	}
}

// remove deletes the leaf for key, collapsing inner nodes left with a single leaf.
func (m *shamap) remove(key Hash) {
	m.removeAt(m.root, key, 0)
}

func (m *shamap) removeAt(n *shaNode, key Hash, depth int) bool {
	i := nibble(key, depth)
	c := n.children[i]
	if c == nil {
		return false
	}
	if c.children == nil {
		if c.key != key {
			return false
		}
		n.children[i] = nil
		n.dirty = true
		return true
	}
	if !m.removeAt(c, key, depth+1) {
		return false
	}
	n.dirty = true
	var only *shaNode
	count := 0
	for _, g := range c.children {
		if g != nil {
			count++
			only = g
		}
	}
	switch {
	case count == 0:
		n.children[i] = nil
	case count == 1 && only.children == nil:
		n.children[i] = only
	}
	return true
}

// rootHash is the tree's hash; an empty tree hashes to zero as in rippled.
func (m *shamap) rootHash() Hash {
	empty := true
	for _, c := range m.root.children {
		if c != nil {
			empty = false
			break
		}
	}
	if empty {
		return Hash{}
	}
	return m.root.compute()
}

func (n *shaNode) compute() Hash {
	if n.children == nil || !n.dirty {
		return n.hash
	}
	buf := make([]byte, 0, 4+16*32)
	buf = append(buf, prefixInnerNode...)
	for _, c := range n.children {
		if c == nil {
			buf = append(buf, make([]byte, 32)...)
			continue
		}
		h := c.compute()
		buf = append(buf, h[:]...)
	}
	n.hash = sha512Half(buf)
	n.dirty = false
	return n.hash
}

// stateLeafHash hashes an account-state leaf: prefix MLN, serialized object, key.
func stateLeafHash(key Hash, data []byte) Hash { return sha512Half(prefixLeafNode, data, key[:]) }

// txLeafHash hashes a transaction-with-metadata leaf: prefix SND, VL(tx), VL(meta), id.
func txLeafHash(id Hash, tx, meta []byte) (Hash, error) {
	vt, err := vlEncode(tx)
	if err != nil {
		return Hash{}, err
	}
	vm, err := vlEncode(meta)
	if err != nil {
		return Hash{}, err
	}
	return sha512Half(prefixTxNode, vt, vm, id[:]), nil
}

// vlFieldName names a variable-length field whose header we strip to obtain the codec's
// length prefix, so the prefix encoding comes from the binary codec, not from here.
const vlFieldName = "MemoData"

// vlEncode returns data preceded by its XRPL variable-length prefix.
func vlEncode(data []byte) ([]byte, error) {
	defs := definitions.Get()
	fi, err := defs.GetFieldInstanceByFieldName(vlFieldName)
	if err != nil {
		return nil, err
	}
	codec := serdes.NewFieldIDCodec(defs)
	header, err := codec.Encode(vlFieldName)
	if err != nil {
		return nil, err
	}
	s := serdes.NewBinarySerializer(codec)
	if err := s.WriteFieldAndValue(*fi, data); err != nil {
		return nil, err
	}
	return s.GetSink()[len(header):], nil
}
