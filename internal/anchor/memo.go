// Package anchor is the pure core of anchoring articles on the XRP Ledger and
// of verifying anchors without trusting any Banx component: the memo format
// carried by anchor transactions, the message an author signs, Merkle batches
// with inclusion proofs, the self-contained proof bundle, and the offline half
// of verification, reported as an ordered checklist. It does no I/O; the ledger
// client, IPFS and HTTP are wired around it by the caller.
//
// The formats are specified in contracts/memo.md, contracts/memo.schema.json and
// contracts/proof.schema.json; this package is their normative codec.
package anchor

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/gowebpki/jcs"
)

// Memo identifiers. MemoType names the format and its version as a URL, as the
// XRPL convention for MemoType (an RFC 5988 relation) suggests, so an indexer can
// select Banx anchors by one exact string and a reader of another version knows
// at once that it does not understand the memo. MemoFormat is the MIME type of
// MemoData.
const (
	MemoTypePrefix = "https://banx.media/anchor/"
	MemoType       = MemoTypePrefix + "v1"
	MemoFormat     = "application/json"
	MemoVersion    = 1
)

// Limits of the memo format. MaxMemosFieldBytes is rippled's limit on the whole
// serialized Memos field; the largest memo this format allows stays far below it
// (see contracts/memo.md and TestMemoSizeAtMaximum).
const (
	MaxMemoDataBytes   = 512
	MaxBatchIDLength   = 64
	MaxBatchLeaves     = 1 << 24
	MaxMemosFieldBytes = 1024
)

// Kind says what an anchor memo commits to.
type Kind string

// The two kinds of anchor. A self anchor is one article version in a
// transaction its author signed; a batch anchor is the Merkle root over many
// author-signed leaves in a transaction the platform signed.
const (
	KindSelf  Kind = "self"
	KindBatch Kind = "batch"
)

// Memo is the decoded MemoData of an anchor transaction. Which fields are set
// depends on Kind; the others are empty. Field values are kept exactly as they
// are written on the ledger (lower-case hex for digests, upper-case hex for
// transaction hashes), so encoding a decoded memo gives the same bytes back.
type Memo struct {
	Version int  `json:"v"`
	Kind    Kind `json:"kind"`

	// Self anchor: one article version.
	SHA256   string `json:"sha256,omitempty"` // manifest.Hash of the canonical manifest
	CID      string `json:"cid,omitempty"`    // CIDv1 base32 of the canonical manifest
	Author   string `json:"author,omitempty"` // classic address; must be the transaction's Account
	Previous string `json:"prev,omitempty"`   // anchor tx hash of the version this one replaces

	// Batch anchor: a Merkle root over author-signed leaves (merkle.go).
	Root    string `json:"root,omitempty"`   // lower-case hex of the RFC 6962 tree head
	Leaves  uint64 `json:"leaves,omitempty"` // tree size; proofs are verified against it
	BatchID string `json:"id,omitempty"`     // optional platform reference, [A-Za-z0-9._-]
}

// SelfMemo returns the memo of a self anchor. previous is "" for a first version.
func SelfMemo(sha256, cid, author, previous string) Memo {
	return Memo{Version: MemoVersion, Kind: KindSelf, SHA256: sha256, CID: cid, Author: author, Previous: previous}
}

// BatchMemo returns the memo of a batch anchor over t. batchID may be "".
func BatchMemo(t *Tree, batchID string) Memo {
	root := t.Root()
	return Memo{Version: MemoVersion, Kind: KindBatch, Root: hex.EncodeToString(root[:]), Leaves: uint64(t.Len()), BatchID: batchID}
}

// RootHash returns the batch root as bytes. It is meaningful only for a valid
// batch memo (DecodeMemo or Validate has accepted it).
func (m Memo) RootHash() [32]byte {
	var r [32]byte
	hex.Decode(r[:], []byte(m.Root))
	return r
}

// Validate reports the first rule of contracts/memo.md that m breaks, as a
// banx.EINVALID error.
func (m Memo) Validate() error {
	if err := m.validate(); err != nil {
		return invalidMemo(err.Error())
	}
	return nil
}

func (m Memo) validate() error {
	if m.Version != MemoVersion {
		return fmt.Errorf("v is %d, this reader knows only %d", m.Version, MemoVersion)
	}
	switch m.Kind {
	case KindSelf:
		if m.Root != "" || m.Leaves != 0 || m.BatchID != "" {
			return fmt.Errorf("a self anchor has no root, leaves or id")
		}
		if err := checkSHA256("sha256", m.SHA256); err != nil {
			return err
		}
		if err := checkCIDMatchesSHA256("cid", m.CID, m.SHA256); err != nil {
			return err
		}
		if err := checkAddress("author", m.Author); err != nil {
			return err
		}
		if m.Previous != "" {
			return checkTxHash("prev", m.Previous)
		}
		return nil
	case KindBatch:
		if m.SHA256 != "" || m.CID != "" || m.Author != "" || m.Previous != "" {
			return fmt.Errorf("a batch anchor has no sha256, cid, author or prev")
		}
		if !isHex(m.Root, 64, false) {
			return fmt.Errorf("root %s is not a Merkle root, want 64 lower-case hexadecimal characters", quote(m.Root))
		}
		if m.Leaves < 1 || m.Leaves > MaxBatchLeaves {
			return fmt.Errorf("leaves is %d, want 1 to %d", m.Leaves, MaxBatchLeaves)
		}
		return checkBatchID(m.BatchID)
	case "":
		return fmt.Errorf("kind is required")
	default:
		return fmt.Errorf("kind %s is unknown, want %q or %q", quote(string(m.Kind)), KindSelf, KindBatch)
	}
}

func checkBatchID(id string) error {
	if len(id) > MaxBatchIDLength {
		return fmt.Errorf("id is %d characters long, at most %d are allowed", len(id), MaxBatchIDLength)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return fmt.Errorf("id %s has a character outside [A-Za-z0-9._-] at byte %d", quote(id), i)
		}
	}
	return nil
}

// EncodeMemo validates m and returns the three memo fields as raw bytes: the
// caller hex-encodes them for the transaction (or uses EncodeMemoHex). MemoData
// is the RFC 8785 (JCS) canonical JSON of m, so one memo has one encoding.
func EncodeMemo(m Memo) (memoType, memoFormat, memoData []byte, err error) {
	if err := m.Validate(); err != nil {
		return nil, nil, nil, err
	}
	data, err := canonicalMemoData(m)
	if err != nil {
		return nil, nil, nil, err
	}
	return []byte(MemoType), []byte(MemoFormat), data, nil
}

func canonicalMemoData(m Memo) ([]byte, error) {
	raw, err := json.Marshal(m)
	if err != nil {
		return nil, banx.Wrap(banx.EINTERNAL, err, "anchor memo: encode JSON")
	}
	out, err := jcs.Transform(raw)
	if err != nil {
		return nil, banx.Wrap(banx.EINTERNAL, err, "anchor memo: canonicalize JSON")
	}
	return out, nil
}

// MemoHex is a memo as it appears in a transaction's JSON: each field the
// upper-case hex of its bytes, the spelling rippled returns.
type MemoHex struct {
	Type   string `json:"type"`
	Format string `json:"format"`
	Data   string `json:"data"`
}

// EncodeMemoHex is EncodeMemo with the fields hex-encoded for a transaction.
func EncodeMemoHex(m Memo) (MemoHex, error) {
	t, f, d, err := EncodeMemo(m)
	if err != nil {
		return MemoHex{}, err
	}
	return MemoHex{Type: upperHex(t), Format: upperHex(f), Data: upperHex(d)}, nil
}

// DecodeMemoHex decodes the hex fields of a ledger memo (either case) and then
// the memo itself, with DecodeMemo's rules.
func DecodeMemoHex(h MemoHex) (Memo, error) {
	var raw [3][]byte
	for i, f := range []struct{ name, val string }{{"MemoType", h.Type}, {"MemoFormat", h.Format}, {"MemoData", h.Data}} {
		if len(f.val) > 2*(MaxMemosFieldBytes) {
			return Memo{}, invalidMemo(fmt.Sprintf("%s is %d hex characters, more than a ledger memo can hold", f.name, len(f.val)))
		}
		b, err := hex.DecodeString(f.val)
		if err != nil {
			return Memo{}, invalidMemo(fmt.Sprintf("%s is not hexadecimal: %v", f.name, err))
		}
		raw[i] = b
	}
	return DecodeMemo(raw[0], raw[1], raw[2])
}

// DecodeMemo decodes and validates the raw memo fields of an anchor. It is
// strict, because it judges untrusted ledger data: the type must be this
// version's MemoType, the format MemoFormat, and MemoData the canonical JSON of
// a valid memo with no unknown, duplicate or mistyped fields. Every rejection is
// a banx.EINVALID error that says why.
func DecodeMemo(memoType, memoFormat, memoData []byte) (Memo, error) {
	if err := checkMemoType(memoType); err != nil {
		return Memo{}, invalidMemo(err.Error())
	}
	if string(memoFormat) != MemoFormat {
		return Memo{}, invalidMemo(fmt.Sprintf("MemoFormat %s is not %q", quote(string(memoFormat)), MemoFormat))
	}
	if len(memoData) > MaxMemoDataBytes {
		return Memo{}, invalidMemo(fmt.Sprintf("MemoData is %d bytes, at most %d are allowed", len(memoData), MaxMemoDataBytes))
	}
	m, err := parseMemoData(memoData)
	if err != nil {
		return Memo{}, invalidMemo("MemoData: " + err.Error())
	}
	if err := m.validate(); err != nil {
		return Memo{}, invalidMemo("MemoData: " + err.Error())
	}
	canonical, err := canonicalMemoData(m)
	if err != nil {
		return Memo{}, err
	}
	if !bytes.Equal(canonical, memoData) {
		return Memo{}, invalidMemo(fmt.Sprintf("MemoData is not in canonical form (RFC 8785), want %s", canonical))
	}
	return m, nil
}

func checkMemoType(t []byte) error {
	s := string(t)
	if s == MemoType {
		return nil
	}
	if v, ok := strings.CutPrefix(s, MemoTypePrefix); ok {
		return fmt.Errorf("MemoType %s is anchor format version %s, this reader knows only %q", quote(s), quote(v), MemoType)
	}
	return fmt.Errorf("MemoType %s is not a Banx anchor (%q)", quote(s), MemoType)
}

// memoFields lists the keys each kind allows, for the "unknown field" reason.
var memoFields = map[Kind][]string{
	KindSelf:  {"v", "kind", "sha256", "cid", "author", "prev"},
	KindBatch: {"v", "kind", "root", "leaves", "id"},
}

// parseMemoData decodes MemoData into a Memo, reporting shape and type errors;
// value rules are left to validate.
func parseMemoData(data []byte) (Memo, error) {
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return Memo{}, fmt.Errorf("not a JSON object")
	}
	if err := checkJSONShape(data, jsonLimits{maxDepth: 1, maxArray: 0}); err != nil {
		return Memo{}, err
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil || obj == nil {
		return Memo{}, fmt.Errorf("not a JSON object")
	}
	var m Memo
	vRaw, ok := obj["v"]
	if !ok {
		return Memo{}, fmt.Errorf("v is required")
	}
	if err := json.Unmarshal(vRaw, &m.Version); err != nil {
		return Memo{}, fmt.Errorf("v must be an integer, got %s", clipJSON(vRaw))
	}
	if m.Version != MemoVersion {
		return Memo{}, fmt.Errorf("v is %d, this reader knows only %d", m.Version, MemoVersion)
	}
	if err := jsonString(obj, "kind", (*string)(&m.Kind)); err != nil {
		return Memo{}, err
	}
	allowed, ok := memoFields[m.Kind]
	if !ok {
		return m, nil // validate names the bad kind
	}
	for k := range obj {
		if !contains(allowed, k) {
			return Memo{}, fmt.Errorf("unknown field %s for kind %s", quote(k), m.Kind)
		}
	}
	for _, f := range []struct {
		key string
		dst *string
	}{{"sha256", &m.SHA256}, {"cid", &m.CID}, {"author", &m.Author}, {"prev", &m.Previous}, {"root", &m.Root}, {"id", &m.BatchID}} {
		if err := jsonString(obj, f.key, f.dst); err != nil {
			return Memo{}, err
		}
	}
	if raw, ok := obj["leaves"]; ok {
		if err := json.Unmarshal(raw, &m.Leaves); err != nil {
			return Memo{}, fmt.Errorf("leaves must be a positive integer, got %s", clipJSON(raw))
		}
		if m.Leaves == 0 {
			return Memo{}, fmt.Errorf("leaves is 0, want 1 to %d", MaxBatchLeaves)
		}
	}
	return m, nil
}

// jsonString decodes obj[key] into dst when present; it must be a JSON string.
func jsonString(obj map[string]json.RawMessage, key string, dst *string) error {
	raw, ok := obj[key]
	if !ok {
		return nil
	}
	if len(raw) == 0 || raw[0] != '"' {
		return fmt.Errorf("%s must be a string, got %s", key, clipJSON(raw))
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return fmt.Errorf("%s: %v", key, err)
	}
	if *dst == "" {
		return fmt.Errorf("%s is empty: leave it out instead", key)
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func clipJSON(raw []byte) string {
	if len(raw) > 40 {
		return string(raw[:40]) + "..."
	}
	return string(raw)
}

func invalidMemo(reason string) error {
	return banx.Errorf(banx.EINVALID, "anchor memo: %s", reason)
}

func upperHex(b []byte) string { return strings.ToUpper(hex.EncodeToString(b)) }
