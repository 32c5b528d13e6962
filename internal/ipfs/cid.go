package ipfs

import (
	"fmt"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multicodec"
	mh "github.com/multiformats/go-multihash"
)

// MaxCIDLength bounds the text form of a CID. A sha2-256 CIDv1 in base32 is 59
// characters; anything far longer is not a CID Banx could have produced.
const MaxCIDLength = 128

// ParseCID validates a CID received from outside and returns it decoded. Banx
// only stores UnixFS content imported with sha2-256, so only CIDs that could name
// such content are accepted: CIDv0, or CIDv1 with codec dag-pb or raw, with a full
// 32-byte sha2-256 digest. Every rejection is a banx.EINVALID error whose message
// says exactly why.
func ParseCID(s string) (cid.Cid, error) {
	switch {
	case s == "":
		return cid.Undef, banx.Errorf(banx.EINVALID, "cid is empty")
	case len(s) > MaxCIDLength:
		return cid.Undef, banx.Errorf(banx.EINVALID, "cid is %d characters long, at most %d are allowed", len(s), MaxCIDLength)
	}
	c, err := cid.Decode(s)
	if err != nil {
		return cid.Undef, banx.Wrap(banx.EINVALID, err, "cid %q is malformed: %v", s, err)
	}
	if err := CheckCID(c); err != nil {
		return cid.Undef, banx.Errorf(banx.EINVALID, "cid %q %s", s, err.Error())
	}
	return c, nil
}

// CheckCID reports why a decoded CID cannot name Banx content, or nil. The
// message is a fragment meant to follow the CID ("<cid> uses hash ..."). CAR import
// uses it to refuse the same blocks ParseCID refuses.
func CheckCID(c cid.Cid) error {
	p := c.Prefix()
	if p.MhType != mh.SHA2_256 {
		return fmt.Errorf("uses hash function %s; only sha2-256 is accepted", multicodec.Code(p.MhType))
	}
	if p.MhLength != 32 {
		return fmt.Errorf("has a %d-byte sha2-256 digest; 32 bytes are required", p.MhLength)
	}
	if p.Codec != cid.DagProtobuf && p.Codec != cid.Raw {
		return fmt.Errorf("has codec %s; only dag-pb and raw are accepted", multicodec.Code(p.Codec))
	}
	return nil
}
