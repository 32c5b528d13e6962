package anchor

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"

	"github.com/banxmedia/banx/internal/banx"
)

// Hash prefixes of RFC 6962 (Certificate Transparency): a leaf hash and an
// interior node hash are computed over different first bytes, so a leaf can
// never be passed off as a node (or the reverse) to forge an inclusion proof.
const (
	leafPrefix = 0x00
	nodePrefix = 0x01
)

// MaxProofPath bounds the audit path a proof may carry. A tree of
// MaxBatchLeaves leaves needs at most 24; the bound keeps a hostile proof small.
const MaxProofPath = 64

// LeafHash returns the Merkle leaf hash of l:
//
//	SHA-256(0x00 || uint16be(len(msg)) || msg || pubkey (33 bytes) || uint8(len(sig)) || sig)
//
// where msg is SigningMessage(l). Every part is length-delimited, so two
// different leaves never serialize alike; the public key and signature are
// included so that a proof also fixes who signed. It returns banx.EINVALID if
// a field of l is malformed; it does not verify the signature.
func LeafHash(l Leaf) ([32]byte, error) {
	if err := l.Validate(); err != nil {
		return [32]byte{}, err
	}
	return leafHash(l), nil
}

func leafHash(l Leaf) [32]byte { return leafHashOf(l, SigningMessage(l)) }

// leafHashOf is leafHash with the signing message already built.
func leafHashOf(l Leaf, msg []byte) [32]byte {
	sig, _ := hex.DecodeString(l.Signature)
	buf := make([]byte, 0, 1+2+len(msg)+33+1+len(sig))
	buf = append(buf, leafPrefix)
	buf = binary.BigEndian.AppendUint16(buf, uint16(len(msg)))
	buf = append(buf, msg...)
	buf = append(buf, publicKeyBytes(l.PublicKey)...)
	buf = append(buf, byte(len(sig)))
	buf = append(buf, sig...)
	return sha256.Sum256(buf)
}

// nodeHash is SHA-256(0x01 || left || right).
func nodeHash(left, right *[32]byte) [32]byte {
	var buf [1 + 64]byte
	buf[0] = nodePrefix
	copy(buf[1:], left[:])
	copy(buf[33:], right[:])
	return sha256.Sum256(buf[:])
}

// Tree is a batch: leaves sorted by leaf hash and the RFC 6962 Merkle tree over
// them. Sorting makes the tree a function of the set of leaves alone, so anyone
// holding the leaves rebuilds the same root whatever order they arrived in.
type Tree struct {
	leaves []Leaf
	levels [][][32]byte // levels[0] are the leaf hashes; the last level holds the root
}

// BuildTree validates the leaves (formats, not signatures: check each with
// VerifyLeafSignature when it is accepted), sorts them by leaf hash and builds
// the tree. The same article version (same network, author, sha256 and cid)
// may appear only once. It returns banx.EINVALID naming the offending leaf by
// its position in leaves.
func BuildTree(leaves []Leaf) (*Tree, error) {
	if len(leaves) == 0 {
		return nil, banx.Errorf(banx.EINVALID, "batch: no leaves")
	}
	if len(leaves) > MaxBatchLeaves {
		return nil, banx.Errorf(banx.EINVALID, "batch: %d leaves, at most %d are allowed", len(leaves), MaxBatchLeaves)
	}
	type entry struct {
		hash [32]byte
		leaf Leaf
	}
	entries := make([]entry, len(leaves))
	seen := make(map[string]int, len(leaves))
	for i, l := range leaves {
		if err := l.validate(); err != nil {
			return nil, banx.Errorf(banx.EINVALID, "batch: leaf %d: %s", i, err.Error())
		}
		msg := SigningMessage(l)
		if j, dup := seen[string(msg)]; dup {
			return nil, banx.Errorf(banx.EINVALID, "batch: leaf %d anchors the same article version as leaf %d", i, j)
		}
		seen[string(msg)] = i
		entries[i] = entry{leafHashOf(l, msg), l}
	}
	slices.SortFunc(entries, func(a, b entry) int { return bytes.Compare(a.hash[:], b.hash[:]) })
	t := &Tree{leaves: make([]Leaf, len(entries))}
	level := make([][32]byte, len(entries))
	for i, e := range entries {
		t.leaves[i], level[i] = e.leaf, e.hash
	}
	t.levels = append(t.levels, level)
	// Pair nodes level by level; an unpaired last node is carried up unchanged.
	// This is exactly RFC 6962's split at the largest power of two below n, and
	// unlike Bitcoin's duplication of the last node (CVE-2012-2459) it gives two
	// different leaf lists two different roots.
	for len(level) > 1 {
		next := make([][32]byte, (len(level)+1)/2)
		for i := 0; i+1 < len(level); i += 2 {
			next[i/2] = nodeHash(&level[i], &level[i+1])
		}
		if len(level)%2 == 1 {
			next[len(next)-1] = level[len(level)-1]
		}
		t.levels = append(t.levels, next)
		level = next
	}
	return t, nil
}

// Len returns the number of leaves, the tree size written in the batch memo.
func (t *Tree) Len() int { return len(t.leaves) }

// Root returns the tree head anchored in the batch memo.
func (t *Tree) Root() [32]byte { return t.levels[len(t.levels)-1][0] }

// Leaf returns the i-th leaf in tree order (sorted by leaf hash).
func (t *Tree) Leaf(i int) Leaf { return t.leaves[i] }

// LeafHash returns the hash of the i-th leaf in tree order.
func (t *Tree) LeafHash(i int) [32]byte { return t.levels[0][i] }

// Index returns the position of the leaf with hash h, or false.
func (t *Tree) Index(h [32]byte) (int, bool) {
	return slices.BinarySearchFunc(t.levels[0], h, func(a, b [32]byte) int { return bytes.Compare(a[:], b[:]) })
}

// Proof is an RFC 6962 inclusion proof: the audit path of leaf Index in a tree
// of Size leaves, from the leaf's sibling up to the root's child.
type Proof struct {
	Index uint64
	Size  uint64
	Path  [][32]byte
}

// Proof returns the inclusion proof of the i-th leaf in tree order. It panics
// if i is out of range, like a slice index: that is a bug in the caller.
func (t *Tree) Proof(i int) Proof {
	if i < 0 || i >= len(t.leaves) {
		panic(fmt.Sprintf("anchor: proof index %d out of range [0,%d)", i, len(t.leaves)))
	}
	p := Proof{Index: uint64(i), Size: uint64(len(t.leaves)), Path: make([][32]byte, 0, len(t.levels)-1)}
	for _, level := range t.levels[:len(t.levels)-1] {
		if sib := i ^ 1; sib < len(level) {
			p.Path = append(p.Path, level[sib])
		}
		i >>= 1
	}
	return p
}

// VerifyProof checks that leafHash is leaf p.Index of a tree of p.Size leaves
// whose root is root, with the algorithm of RFC 9162 section 2.1.3.2. The path
// must have exactly the length the index and size call for, so a truncated or
// padded path fails. It returns banx.EINVALID with the reason.
func VerifyProof(leafHash [32]byte, p Proof, root [32]byte) error {
	switch {
	case p.Size == 0 || p.Size > MaxBatchLeaves:
		return banx.Errorf(banx.EINVALID, "merkle proof: tree size %d, want 1 to %d", p.Size, MaxBatchLeaves)
	case p.Index >= p.Size:
		return banx.Errorf(banx.EINVALID, "merkle proof: leaf index %d is outside a tree of %d leaves", p.Index, p.Size)
	}
	if want := pathLength(p.Index, p.Size); len(p.Path) != want {
		return banx.Errorf(banx.EINVALID, "merkle proof: path has %d hashes, leaf %d of %d needs %d", len(p.Path), p.Index, p.Size, want)
	}
	fn, sn, r := p.Index, p.Size-1, leafHash
	for _, sib := range p.Path {
		if fn&1 == 1 || fn == sn {
			r = nodeHash(&sib, &r)
			for fn&1 == 0 && fn != 0 {
				fn >>= 1
				sn >>= 1
			}
		} else {
			r = nodeHash(&r, &sib)
		}
		fn >>= 1
		sn >>= 1
	}
	if r != root {
		return banx.Errorf(banx.EINVALID, "merkle proof: path leads to root %x, not the anchored root %x", r, root)
	}
	return nil
}

// pathLength is the audit path length of leaf index in a tree of size leaves:
// one hash per level at which the node has a sibling.
func pathLength(index, size uint64) int {
	n := 0
	for size > 1 {
		if index^1 < size {
			n++
		}
		index >>= 1
		size = (size + 1) / 2
	}
	return n
}
