package anchor_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/banx"
)

// fakeLeaves returns n well-formed leaves with distinct content. Their
// signatures are not valid: BuildTree checks form, not signatures.
func fakeLeaves(t testing.TB, n int) []anchor.Leaf {
	t.Helper()
	k := testKeys(t)
	out := make([]anchor.Leaf, n)
	for i := range out {
		sum := sha256.Sum256([]byte(fmt.Sprint("article ", i)))
		out[i] = anchor.Leaf{Author: string(k.alice.ClassicAddress), SHA256: hex.EncodeToString(sum[:]),
			CID: dagPBCID(fmt.Sprint(i)), PublicKey: strings.ToUpper(k.alice.PublicKey), Signature: strings.Repeat("AB", 70)}
	}
	return out
}

// refNode, refRoot and refPath are RFC 6962 section 2.1 written as the RFC
// writes it (recursively), to check the iterative tree against.
func refNode(l, r [32]byte) [32]byte {
	return sha256.Sum256(append(append([]byte{1}, l[:]...), r[:]...))
}

func split(n int) int {
	k := 1
	for k*2 < n {
		k *= 2
	}
	return k
}

func refRoot(d [][32]byte) [32]byte {
	if len(d) == 1 {
		return d[0]
	}
	k := split(len(d))
	return refNode(refRoot(d[:k]), refRoot(d[k:]))
}

func refPath(m int, d [][32]byte) [][32]byte {
	if len(d) == 1 {
		return nil
	}
	k := split(len(d))
	if m < k {
		return append(refPath(m, d[:k]), refRoot(d[k:]))
	}
	return append(refPath(m-k, d[k:]), refRoot(d[:k]))
}

func TestTreeMatchesRFC6962(t *testing.T) {
	all := fakeLeaves(t, 70)
	for n := 1; n <= len(all); n++ {
		tree, err := anchor.BuildTree(all[:n])
		if err != nil {
			t.Fatal(err)
		}
		hashes := make([][32]byte, n)
		for i := range hashes {
			hashes[i] = tree.LeafHash(i)
			h, _ := anchor.LeafHash(tree.Leaf(i))
			if h != hashes[i] {
				t.Fatalf("n=%d: LeafHash(Leaf(%d)) differs from LeafHash(%d)", n, i, i)
			}
			if i > 0 && strings.Compare(string(hashes[i-1][:]), string(hashes[i][:])) >= 0 {
				t.Fatalf("n=%d: leaves not sorted by hash at %d", n, i)
			}
		}
		if tree.Root() != refRoot(hashes) {
			t.Fatalf("n=%d: root differs from RFC 6962 MTH", n)
		}
		for i := 0; i < n; i++ {
			p := tree.Proof(i)
			want := refPath(i, hashes)
			if fmt.Sprint(p.Path) != fmt.Sprint(want) || p.Index != uint64(i) || p.Size != uint64(n) {
				t.Fatalf("n=%d i=%d: proof differs from RFC 6962 PATH", n, i)
			}
			if err := anchor.VerifyProof(hashes[i], p, tree.Root()); err != nil {
				t.Fatalf("n=%d i=%d: %v", n, i, err)
			}
			if j, ok := tree.Index(hashes[i]); !ok || j != i {
				t.Fatalf("n=%d: Index(%d) = %d, %v", n, i, j, ok)
			}
		}
	}
}

func TestTreeOrderIndependent(t *testing.T) {
	leaves := fakeLeaves(t, 33)
	a, err := anchor.BuildTree(leaves)
	if err != nil {
		t.Fatal(err)
	}
	shuffled := append([]anchor.Leaf(nil), leaves...)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	b, err := anchor.BuildTree(shuffled)
	if err != nil {
		t.Fatal(err)
	}
	if a.Root() != b.Root() {
		t.Error("the root depends on the order the leaves arrived in")
	}
}

func TestBuildTreeErr(t *testing.T) {
	leaves := fakeLeaves(t, 3)
	dupSig := leaves[1]
	dupSig.Signature = strings.Repeat("CD", 70)
	bad := leaves[2]
	bad.SHA256 = "xyz"
	for _, tc := range []struct {
		name   string
		leaves []anchor.Leaf
		code   string
		msg    string
	}{
		{"ErrEmpty", nil, banx.EINVALID, "batch: no leaves"},
		// CVE-2012-2459: Bitcoin's tree gives [a b c] and [a b c c] one root.
		// Here the last leaf is never duplicated, and a repeated leaf is refused.
		{"ErrDuplicateLeaf", append(leaves[:3:3], leaves[2]), banx.EINVALID, "batch: leaf 3 anchors the same article version as leaf 2"},
		{"ErrSameVersionOtherSignature", []anchor.Leaf{leaves[0], leaves[1], dupSig}, banx.EINVALID, "batch: leaf 2 anchors the same article version as leaf 1"},
		{"ErrMalformedLeaf", []anchor.Leaf{leaves[0], leaves[1], bad}, banx.EINVALID, `batch: leaf 2: sha256 "xyz" is not a SHA-256 digest`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := anchor.BuildTree(tc.leaves)
			wantErr(t, err, tc.code, tc.msg)
		})
	}
}

func TestVerifyProofErr(t *testing.T) {
	tree, err := anchor.BuildTree(fakeLeaves(t, 11))
	if err != nil {
		t.Fatal(err)
	}
	const i = 5
	leaf, root := tree.LeafHash(i), tree.Root()
	good := tree.Proof(i)
	clone := func() anchor.Proof {
		p := good
		p.Path = append([][32]byte(nil), good.Path...)
		return p
	}
	otherRoot := root
	otherRoot[0] ^= 1
	for _, tc := range []struct {
		name string
		edit func(p *anchor.Proof)
		leaf [32]byte
		root [32]byte
		msg  string
	}{
		{"OK", func(p *anchor.Proof) {}, leaf, root, ""},
		{"ErrTamperedPath", func(p *anchor.Proof) { p.Path[1][7] ^= 0x20 }, leaf, root, "merkle proof: path leads to root"},
		{"ErrSwappedPath", func(p *anchor.Proof) { p.Path[0], p.Path[1] = p.Path[1], p.Path[0] }, leaf, root, "merkle proof: path leads to root"},
		{"ErrTruncated", func(p *anchor.Proof) { p.Path = p.Path[:len(p.Path)-1] }, leaf, root, "merkle proof: path has 3 hashes, leaf 5 of 11 needs 4"},
		{"ErrPadded", func(p *anchor.Proof) { p.Path = append(p.Path, p.Path[0]) }, leaf, root, "merkle proof: path has 5 hashes, leaf 5 of 11 needs 4"},
		{"ErrWrongIndex", func(p *anchor.Proof) { p.Index = 4 }, leaf, root, "merkle proof: path leads to root"},
		{"ErrIndexOutside", func(p *anchor.Proof) { p.Index = 11 }, leaf, root, "merkle proof: leaf index 11 is outside a tree of 11 leaves"},
		// A size whose tree gives leaf 5 the same path shape (12, 16) verifies
		// alike; the size is fixed by the memo, so it cannot be chosen freely.
		{"ErrWrongSize", func(p *anchor.Proof) { p.Size = 6 }, leaf, root, "merkle proof: path has 4 hashes, leaf 5 of 6 needs 2"},
		{"ErrSizeZero", func(p *anchor.Proof) { p.Size = 0 }, leaf, root, "merkle proof: tree size 0, want 1 to 16777216"},
		{"ErrOtherLeaf", func(p *anchor.Proof) {}, tree.LeafHash(4), root, "merkle proof: path leads to root"},
		{"ErrWrongRoot", func(p *anchor.Proof) {}, leaf, otherRoot, "not the anchored root " + hex.EncodeToString(otherRoot[:])},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := clone()
			tc.edit(&p)
			err := anchor.VerifyProof(tc.leaf, p, tc.root)
			if tc.msg == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantErr(t, err, banx.EINVALID, tc.msg)
		})
	}
}

// TestInteriorNodeIsNotALeaf shows why the tree size is read from the memo: the
// hash of an interior node with the rest of a path is a valid proof in a
// smaller tree, but not in the anchored one.
func TestInteriorNodeIsNotALeaf(t *testing.T) {
	tree, err := anchor.BuildTree(fakeLeaves(t, 4))
	if err != nil {
		t.Fatal(err)
	}
	p2 := tree.Proof(2) // [h3, H(h0,h1)]
	h23 := tree.Proof(0).Path[1]
	node01 := p2.Path[1]
	if err := anchor.VerifyProof(node01, anchor.Proof{Index: 0, Size: 2, Path: [][32]byte{h23}}, tree.Root()); err != nil {
		t.Fatalf("the two-leaf reading should hold, so the test means something: %v", err)
	}
	err = anchor.VerifyProof(node01, anchor.Proof{Index: 0, Size: 4, Path: [][32]byte{h23}}, tree.Root())
	wantErr(t, err, banx.EINVALID, "merkle proof: path has 1 hashes, leaf 0 of 4 needs 2")
}
