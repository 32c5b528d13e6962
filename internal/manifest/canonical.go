package manifest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/gowebpki/jcs"
)

// Canonical validates m and returns its canonical bytes: RFC 8785 (JSON
// Canonicalization Scheme) applied to the JSON encoding of m, in which empty
// optional fields are absent. These are the bytes stored on IPFS and hashed; they
// depend only on the field values, never on the key order, white space or
// escapes of the document m was parsed from.
func (m Manifest) Canonical() ([]byte, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return nil, banx.Wrap(banx.EINTERNAL, err, "manifest: encode JSON")
	}
	out, err := jcs.Transform(raw)
	if err != nil {
		return nil, banx.Wrap(banx.EINTERNAL, err, "manifest: canonicalize JSON")
	}
	return out, nil
}

// Hash returns the content hash of canonical manifest bytes: SHA-256 in lower-case
// hex, the value anchored on the XRP Ledger.
func Hash(canonical []byte) string {
	sum := sha256.Sum256(canonical)
	return hex.EncodeToString(sum[:])
}

// Hash validates m and returns the content hash of its canonical bytes.
func (m Manifest) Hash() (string, error) {
	c, err := m.Canonical()
	if err != nil {
		return "", err
	}
	return Hash(c), nil
}
