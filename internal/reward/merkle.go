package reward

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/banx"
)

// tree is the RFC 6962 Merkle tree over a plan's leaf hashes, in plan order
// (leaves sorted by author). It is built exactly as anchor batches are: pair
// neighbours level by level and carry an unpaired last node up unchanged, which
// is RFC 6962's split at the largest power of two below n.
type tree struct {
	levels [][][32]byte
}

func buildTree(hashes [][32]byte) *tree {
	t := &tree{levels: [][][32]byte{hashes}}
	level := hashes
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
	return t
}

// root is the tree head; an empty plan has RFC 6962's empty root, SHA-256("").
func (t *tree) root() [32]byte {
	if len(t.levels[0]) == 0 {
		return sha256.Sum256(nil)
	}
	return t.levels[len(t.levels)-1][0]
}

func (t *tree) proof(i int) anchor.Proof {
	p := anchor.Proof{Index: uint64(i), Size: uint64(len(t.levels[0]))}
	for _, level := range t.levels[:len(t.levels)-1] {
		if sib := i ^ 1; sib < len(level) {
			p.Path = append(p.Path, level[sib])
		}
		i >>= 1
	}
	return p
}

func nodeHash(l, r *[32]byte) [32]byte {
	var buf [65]byte
	buf[0] = 0x01
	copy(buf[1:], l[:])
	copy(buf[33:], r[:])
	return sha256.Sum256(buf[:])
}

// LeafProof is what an author fetches to check, without trusting Banx, that
// their leaf is in the plan whose root every payout transaction of the epoch
// carries in its memo.
type LeafProof struct {
	Version  string   `json:"version"` // ProofVersion
	Network  string   `json:"network"`
	Epoch    uint64   `json:"epoch"`
	Root     string   `json:"root"`
	Leaf     Leaf     `json:"leaf"`
	LeafHash string   `json:"leaf_hash"`
	Index    uint64   `json:"index"`
	Size     uint64   `json:"size"`
	Path     []string `json:"path"`
}

// ProofVersion names the LeafProof format.
const ProofVersion = "banx.reward-proof/1"

// Verify recomputes the leaf hash from the leaf and follows the path to Root.
// It returns banx.EINVALID with the reason when anything disagrees.
func (p LeafProof) Verify() error {
	if p.Version != ProofVersion {
		return banx.Errorf(banx.EINVALID, "proof version %q: want %q", p.Version, ProofVersion)
	}
	h := LeafHash(p.Network, p.Epoch, p.Leaf)
	if hex.EncodeToString(h[:]) != p.LeafHash {
		return banx.Errorf(banx.EINVALID, "leaf hashes to %x, not the proof's leaf_hash %s", h, p.LeafHash)
	}
	root, err := decodeHash("root", p.Root)
	if err != nil {
		return err
	}
	ap := anchor.Proof{Index: p.Index, Size: p.Size}
	for i, s := range p.Path {
		x, err := decodeHash("path", s)
		if err != nil {
			return banx.Errorf(banx.EINVALID, "path[%d]: %s", i, banx.ErrorMessage(err))
		}
		ap.Path = append(ap.Path, x)
	}
	return anchor.VerifyProof(h, ap, root)
}

func decodeHash(name, s string) ([32]byte, error) {
	var h [32]byte
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 {
		return h, banx.Errorf(banx.EINVALID, "%s %q: want 64 hex digits", name, s)
	}
	copy(h[:], b)
	return h, nil
}
