package manifest

import (
	"encoding/base32"
	"strings"
)

// base32Lower is the multibase "b" alphabet: RFC 4648 base32, lower case, no padding.
var base32Lower = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// Multicodec and multihash codes of the one CID shape Banx stores
// (contracts/ipfs-import.json: CIDv1, sha2-256, raw leaves).
const (
	cidVersion1   = 0x01
	codecRaw      = 0x55
	codecDagPB    = 0x70
	hashSHA256    = 0x12
	hashSHA256Len = 0x20
)

// checkCID accepts the CIDs Banx's content stores produce: CIDv1 in base32
// lower case, sha2-256, codec raw (one-chunk files, "bafkrei...") or dag-pb
// (larger files, "bafybei..."). One spelling per CID keeps the manifest
// canonical, so CIDv0 and other multibase encodings of the same CID are refused.
func checkCID(field, s string) *issue {
	if s == "" {
		return invalid(field, "required")
	}
	if strings.HasPrefix(s, "Qm") {
		return invalid(field, "%s is a CIDv0, want its CIDv1 in base32 (ipfs cid format -v 1 -b base32)", quote(s))
	}
	notBase32 := invalid(field, "%s is not a CIDv1 in base32 lower case (bafkrei... or bafybei...)", quote(s))
	if s[0] != 'b' {
		return notBase32
	}
	raw, err := base32Lower.DecodeString(s[1:])
	if err != nil || base32Lower.EncodeToString(raw) != s[1:] {
		return notBase32
	}
	if len(raw) != 4+32 || raw[0] != cidVersion1 || (raw[1] != codecRaw && raw[1] != codecDagPB) ||
		raw[2] != hashSHA256 || raw[3] != hashSHA256Len {
		return invalid(field, "%s must be a CIDv1 with codec raw or dag-pb and a sha2-256 hash", quote(s))
	}
	return nil
}
