package anchor

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/manifest"
	"github.com/gowebpki/jcs"
)

// BundleVersion names the proof bundle format. A change to its fields or rules
// is a new version; readers reject versions they do not know.
const BundleVersion = "banx.proof/1"

// Limits of a proof bundle, which is untrusted input: the bundle is read whole,
// so its size bounds every allocation made while parsing it.
const (
	MaxProofBundleBytes = 6 << 20 // room for an inline manifest of manifest.MaxManifestBytes in base64
	MaxTxBlobBytes      = 4096    // a signed AccountSet with a full Memos field is under 1,400 bytes
	MaxNetworkNameLen   = 32
)

// ProofBundle is everything a reader needs to verify one anchored article
// version without asking Banx: what was anchored (manifest CID and SHA-256,
// optionally the manifest itself), where (network, transaction, ledger), the
// memo exactly as the ledger holds it, and for a batch the author's signed leaf
// with its Merkle path. The batch root and size are not repeated: they are read
// from the memo, the on-ledger value, so the bundle cannot contradict it.
type ProofBundle struct {
	Version  string      // BundleVersion
	Mode     Kind        // KindSelf or KindBatch
	Network  Network     // the XRPL network holding the transaction
	Author   string      // classic address of the article's author
	Manifest ManifestRef // what was anchored
	Tx       TxRef       // the anchor transaction
	Memo     MemoHex     // the anchor memo, hex fields as on the ledger
	Batch    *BatchProof // batch mode only
}

// Network identifies an XRPL network: ID is the NetworkID of server_info
// (0 mainnet, 1 testnet, 2 devnet); Name is informational.
type Network struct {
	ID   uint32
	Name string
}

// ManifestRef is the anchored manifest. Bytes, when present, are its canonical
// bytes, so the content can be checked without IPFS.
type ManifestRef struct {
	CID    string
	SHA256 string
	Bytes  []byte
}

// TxRef is the anchor transaction. Blob, when present, is the signed
// transaction in upper-case hex: it lets a reader check offline that the memo
// is in the transaction with this hash and that the signature is valid, leaving
// only "is this hash validated on the ledger" to ask the network.
type TxRef struct {
	Hash        string
	LedgerIndex uint32
	Account     string
	Blob        string
}

// BatchProof is an article's place in a batch: the author's key and signature
// over the leaf (whose other fields are the bundle's network, author and
// manifest) and the leaf's inclusion proof in the memo's tree.
type BatchProof struct {
	PublicKey string
	Signature string
	Index     uint64
	Path      [][32]byte
}

// Leaf rebuilds the batch leaf from the bundle. It is meaningful in batch mode.
func (b ProofBundle) Leaf() Leaf {
	l := Leaf{NetworkID: b.Network.ID, Author: b.Author, SHA256: b.Manifest.SHA256, CID: b.Manifest.CID}
	if b.Batch != nil {
		l.PublicKey, l.Signature = b.Batch.PublicKey, b.Batch.Signature
	}
	return l
}

// The wire form. Field names are the contract (contracts/proof.schema.json).
type bundleJSON struct {
	Bundle   string       `json:"bundle"`
	Mode     string       `json:"mode"`
	Network  networkJSON  `json:"network"`
	Author   string       `json:"author"`
	Manifest manifestJSON `json:"manifest"`
	Tx       txJSON       `json:"tx"`
	Memo     MemoHex      `json:"memo"`
	Batch    *batchJSON   `json:"batch,omitempty"`
}

type networkJSON struct {
	ID   *uint32 `json:"id"`
	Name string  `json:"name,omitempty"`
}

type manifestJSON struct {
	CID    string `json:"cid"`
	SHA256 string `json:"sha256"`
	Bytes  string `json:"bytes,omitempty"` // standard base64 with padding
}

type txJSON struct {
	Hash        string `json:"hash"`
	LedgerIndex uint32 `json:"ledger_index"`
	Account     string `json:"account"`
	Blob        string `json:"blob,omitempty"`
}

type batchJSON struct {
	PublicKey string   `json:"public_key"`
	Signature string   `json:"signature"`
	Index     *uint64  `json:"index"`
	Path      []string `json:"path"`
}

// bundleShape is the shape of a bundle document: its depth, the longest array
// (the Merkle path) and the exact member names of each object.
var bundleShape = jsonLimits{maxDepth: 3, maxArray: MaxProofPath, members: map[string][]string{
	"$":          {"bundle", "mode", "network", "author", "manifest", "tx", "memo", "batch"},
	"$.network":  {"id", "name"},
	"$.manifest": {"cid", "sha256", "bytes"},
	"$.tx":       {"hash", "ledger_index", "account", "blob"},
	"$.memo":     {"type", "format", "data"},
	"$.batch":    {"public_key", "signature", "index", "path"},
}}

// ParseProofBundle decodes and validates an untrusted proof bundle. It is
// strict: at most MaxProofBundleBytes, one JSON object with no unknown,
// duplicate or null members, at most MaxProofPath path hashes, and every field
// in its one spelling. It checks form and internal consistency only; whether
// the bundle proves anything is VerifyOffline's question, so a bundle with a
// forged signature or a foreign memo still parses. Rejections are
// banx.EINVALID (banx.ETOOLARGE for size) with the reason.
func ParseProofBundle(data []byte) (ProofBundle, error) {
	if len(data) > MaxProofBundleBytes {
		return ProofBundle{}, banx.Errorf(banx.ETOOLARGE, "proof bundle: %d bytes, at most %d are allowed", len(data), MaxProofBundleBytes)
	}
	if err := checkJSONShape(data, bundleShape); err != nil {
		return ProofBundle{}, invalidBundle(err.Error())
	}
	var w bundleJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return ProofBundle{}, invalidBundle(strings.TrimPrefix(err.Error(), "json: "))
	}
	b, err := w.bundle()
	if err != nil {
		return ProofBundle{}, invalidBundle(err.Error())
	}
	return b, nil
}

func (w bundleJSON) bundle() (ProofBundle, error) {
	if w.Bundle != BundleVersion {
		return ProofBundle{}, fmt.Errorf("bundle %s is not a version this reader knows (%q)", quote(w.Bundle), BundleVersion)
	}
	b := ProofBundle{Version: w.Bundle, Mode: Kind(w.Mode), Author: w.Author, Memo: w.Memo,
		Manifest: ManifestRef{CID: w.Manifest.CID, SHA256: w.Manifest.SHA256},
		Tx:       TxRef{Hash: w.Tx.Hash, LedgerIndex: w.Tx.LedgerIndex, Account: w.Tx.Account, Blob: w.Tx.Blob}}
	if w.Network.ID == nil {
		return ProofBundle{}, fmt.Errorf("network.id is required")
	}
	b.Network = Network{ID: *w.Network.ID, Name: w.Network.Name}
	if w.Manifest.Bytes != "" {
		raw, err := base64.StdEncoding.Strict().DecodeString(w.Manifest.Bytes)
		if err != nil || base64.StdEncoding.EncodeToString(raw) != w.Manifest.Bytes {
			return ProofBundle{}, fmt.Errorf("manifest.bytes is not standard base64 with padding")
		}
		b.Manifest.Bytes = raw
	}
	if w.Batch != nil {
		if w.Batch.Index == nil {
			return ProofBundle{}, fmt.Errorf("batch.index is required")
		}
		if w.Batch.Path == nil {
			return ProofBundle{}, fmt.Errorf("batch.path is required (an empty list for a batch of one)")
		}
		bp := &BatchProof{PublicKey: w.Batch.PublicKey, Signature: w.Batch.Signature, Index: *w.Batch.Index,
			Path: make([][32]byte, len(w.Batch.Path))}
		for i, h := range w.Batch.Path {
			if !isHex(h, 64, false) {
				return ProofBundle{}, fmt.Errorf("batch.path[%d] %s is not a hash, want 64 lower-case hexadecimal characters", i, quote(h))
			}
			hex.Decode(bp.Path[i][:], []byte(h))
		}
		b.Batch = bp
	}
	if err := b.validate(); err != nil {
		return ProofBundle{}, err
	}
	return b, nil
}

// Validate checks the form of every field and that the parts agree with the
// mode, returning banx.EINVALID with the reason.
func (b ProofBundle) Validate() error {
	if err := b.validate(); err != nil {
		return invalidBundle(err.Error())
	}
	return nil
}

func (b ProofBundle) validate() error {
	if b.Version != BundleVersion {
		return fmt.Errorf("bundle %s is not a version this reader knows (%q)", quote(b.Version), BundleVersion)
	}
	switch b.Mode {
	case KindSelf:
		if b.Batch != nil {
			return fmt.Errorf("mode self has no batch member")
		}
	case KindBatch:
		if b.Batch == nil {
			return fmt.Errorf("mode batch needs the batch member")
		}
	default:
		return fmt.Errorf("mode %s is unknown, want %q or %q", quote(string(b.Mode)), KindSelf, KindBatch)
	}
	if err := checkNetworkName(b.Network.Name); err != nil {
		return err
	}
	if err := checkAddress("author", b.Author); err != nil {
		return err
	}
	if err := checkSHA256("manifest.sha256", b.Manifest.SHA256); err != nil {
		return err
	}
	if err := checkCIDMatchesSHA256("manifest.cid", b.Manifest.CID, b.Manifest.SHA256); err != nil {
		return err
	}
	if len(b.Manifest.Bytes) > manifest.MaxManifestBytes {
		return fmt.Errorf("manifest.bytes holds %d bytes, a manifest has at most %d", len(b.Manifest.Bytes), manifest.MaxManifestBytes)
	}
	if err := checkTxHash("tx.hash", b.Tx.Hash); err != nil {
		return err
	}
	if b.Tx.LedgerIndex == 0 {
		return fmt.Errorf("tx.ledger_index is required")
	}
	if err := checkAddress("tx.account", b.Tx.Account); err != nil {
		return err
	}
	if b.Tx.Blob != "" && (len(b.Tx.Blob)%2 != 0 || len(b.Tx.Blob) > 2*MaxTxBlobBytes || !isHex(b.Tx.Blob, len(b.Tx.Blob), true)) {
		return fmt.Errorf("tx.blob is not a transaction, want at most %d bytes in upper-case hexadecimal", MaxTxBlobBytes)
	}
	for _, f := range []struct{ name, val string }{{"memo.type", b.Memo.Type}, {"memo.format", b.Memo.Format}, {"memo.data", b.Memo.Data}} {
		if f.val == "" || len(f.val)%2 != 0 || len(f.val) > 2*MaxMemosFieldBytes || !isHex(f.val, len(f.val), true) {
			return fmt.Errorf("%s is not a memo field, want 1 to %d bytes in upper-case hexadecimal", f.name, MaxMemosFieldBytes)
		}
	}
	if b.Batch != nil {
		if err := checkPublicKey("batch.public_key", b.Batch.PublicKey); err != nil {
			return err
		}
		if err := checkSignature("batch.signature", b.Batch.Signature); err != nil {
			return err
		}
		if b.Batch.Index >= MaxBatchLeaves {
			return fmt.Errorf("batch.index %d is beyond the largest batch (%d leaves)", b.Batch.Index, MaxBatchLeaves)
		}
		if len(b.Batch.Path) > MaxProofPath {
			return fmt.Errorf("batch.path has %d hashes, at most %d are allowed", len(b.Batch.Path), MaxProofPath)
		}
	}
	return nil
}

func checkNetworkName(s string) error {
	if len(s) > MaxNetworkNameLen {
		return fmt.Errorf("network.name is %d characters long, at most %d are allowed", len(s), MaxNetworkNameLen)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return fmt.Errorf("network.name %s has a character outside [a-z0-9-] at byte %d", quote(s), i)
		}
	}
	return nil
}

// Marshal validates b and returns its canonical JSON (RFC 8785): the same
// bundle always gives the same bytes, so bundles can be hashed, cached and
// compared byte for byte.
func (b ProofBundle) Marshal() ([]byte, error) {
	if err := b.Validate(); err != nil {
		return nil, err
	}
	id := b.Network.ID
	w := bundleJSON{Bundle: b.Version, Mode: string(b.Mode), Author: b.Author, Memo: b.Memo,
		Network:  networkJSON{ID: &id, Name: b.Network.Name},
		Manifest: manifestJSON{CID: b.Manifest.CID, SHA256: b.Manifest.SHA256},
		Tx:       txJSON{Hash: b.Tx.Hash, LedgerIndex: b.Tx.LedgerIndex, Account: b.Tx.Account, Blob: b.Tx.Blob}}
	if len(b.Manifest.Bytes) > 0 {
		w.Manifest.Bytes = base64.StdEncoding.EncodeToString(b.Manifest.Bytes)
	}
	if b.Batch != nil {
		idx := b.Batch.Index
		w.Batch = &batchJSON{PublicKey: b.Batch.PublicKey, Signature: b.Batch.Signature, Index: &idx, Path: make([]string, len(b.Batch.Path))}
		for i, h := range b.Batch.Path {
			w.Batch.Path[i] = hex.EncodeToString(h[:])
		}
	}
	raw, err := json.Marshal(w)
	if err != nil {
		return nil, banx.Wrap(banx.EINTERNAL, err, "proof bundle: encode JSON")
	}
	out, err := jcs.Transform(raw)
	if err != nil {
		return nil, banx.Wrap(banx.EINTERNAL, err, "proof bundle: canonicalize JSON")
	}
	return out, nil
}

func invalidBundle(reason string) error {
	return banx.Errorf(banx.EINVALID, "proof bundle: %s", reason)
}
