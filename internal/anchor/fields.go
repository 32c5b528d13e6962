package anchor

import (
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"strconv"

	"github.com/banxmedia/banx/internal/address"
)

// base32Lower is the multibase "b" alphabet: RFC 4648 base32, lower case, no padding.
var base32Lower = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// Multicodec and multihash codes of the CIDs Banx stores (contracts/ipfs-import.json).
const (
	cidVersion1 = 0x01
	codecRaw    = 0x55
	codecDagPB  = 0x70
	mhSHA256    = 0x12
	mhLen32     = 0x20
)

// Field sizes of the formats. A CIDv1 base32 with a sha2-256 multihash is always
// 59 characters; a classic address is 25 to 35.
const (
	cidLength         = 59
	maxAddressLength  = 35
	txHashLength      = 64
	sha256HexLength   = 64
	publicKeyHexLen   = 66
	maxSignatureBytes = 72 // a DER secp256k1 signature; ed25519 ones are 64
)

// checkSHA256 accepts one spelling of a SHA-256 digest: 64 lower-case hex
// characters, as manifest.Hash writes it.
func checkSHA256(field, s string) error {
	if !isHex(s, sha256HexLength, false) {
		return fmt.Errorf("%s %s is not a SHA-256 digest, want 64 lower-case hexadecimal characters", field, quote(s))
	}
	return nil
}

// checkTxHash accepts an XRPL transaction hash as rippled writes it: 64
// upper-case hex characters.
func checkTxHash(field, s string) error {
	if !isHex(s, txHashLength, true) {
		return fmt.Errorf("%s %s is not a transaction hash, want 64 upper-case hexadecimal characters", field, quote(s))
	}
	return nil
}

// checkAddress accepts an XRPL classic address with a valid checksum. X-addresses
// are refused: they carry a tag, which has no meaning for authorship, and a second
// spelling of the same account would make anchors ambiguous.
func checkAddress(field, s string) error {
	if s == "" {
		return fmt.Errorf("%s is required", field)
	}
	if len(s) > maxAddressLength || !address.IsClassic(s) {
		return fmt.Errorf("%s %s is not a valid XRPL classic address (format or checksum)", field, quote(s))
	}
	return nil
}

// parseCID decodes the one CID spelling Banx produces (CIDv1, base32 lower case,
// codec raw or dag-pb, sha2-256) and returns its codec and digest. One spelling
// per CID keeps memos canonical, so CIDv0 and other bases are refused.
func parseCID(field, s string) (codec byte, digest []byte, err error) {
	if s == "" {
		return 0, nil, fmt.Errorf("%s is required", field)
	}
	if len(s) > 2 && s[:2] == "Qm" {
		return 0, nil, fmt.Errorf("%s %s is a CIDv0, want its CIDv1 in base32 (bafkrei... or bafybei...)", field, quote(s))
	}
	notBase32 := func() error {
		return fmt.Errorf("%s %s is not a CIDv1 in base32 lower case (bafkrei... or bafybei...)", field, quote(s))
	}
	if len(s) != cidLength || s[0] != 'b' {
		return 0, nil, notBase32()
	}
	raw, err := base32Lower.DecodeString(s[1:])
	if err != nil || base32Lower.EncodeToString(raw) != s[1:] {
		return 0, nil, notBase32()
	}
	if len(raw) != 4+32 || raw[0] != cidVersion1 || (raw[1] != codecRaw && raw[1] != codecDagPB) ||
		raw[2] != mhSHA256 || raw[3] != mhLen32 {
		return 0, nil, fmt.Errorf("%s %s must be a CIDv1 with codec raw or dag-pb and a sha2-256 hash", field, quote(s))
	}
	return raw[1], raw[4:], nil
}

// checkCIDMatchesSHA256 parses c and, for a raw-codec CID (a manifest that fits
// in one chunk), requires its digest to be the manifest's SHA-256: such a CID
// names exactly those bytes, so a disagreement means the two fields describe
// different content. A dag-pb CID hashes a UnixFS node and cannot be compared
// without the content.
func checkCIDMatchesSHA256(field, c, sha string) error {
	codec, digest, err := parseCID(field, c)
	if err != nil {
		return err
	}
	if codec == codecRaw && hex.EncodeToString(digest) != sha {
		return fmt.Errorf("%s %s is a raw CID whose digest %x differs from sha256 %s", field, c, digest, sha)
	}
	return nil
}

// isHex reports whether s is exactly n hex digits in one case.
func isHex(s string, n int, upper bool) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
		case upper && c >= 'A' && c <= 'F':
		case !upper && c >= 'a' && c <= 'f':
		default:
			return false
		}
	}
	return true
}

// quote shortens and quotes untrusted text for an error message, so a hostile
// value cannot flood a log or a web page.
func quote(s string) string {
	const max = 80
	if len(s) > max {
		return strconv.Quote(s[:max]) + "..."
	}
	return strconv.Quote(s)
}
