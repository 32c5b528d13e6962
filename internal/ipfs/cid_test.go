package ipfs_test

import (
	"strings"
	"testing"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/ipfs"
	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multibase"
	mh "github.com/multiformats/go-multihash"
)

func TestParseCID(t *testing.T) {
	sum := func(code uint64, length int) mh.Multihash {
		h, err := mh.Sum([]byte("banx"), code, length)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	v1raw := cid.NewCidV1(cid.Raw, sum(mh.SHA2_256, -1))
	tests := []struct {
		name, in, want, reason string
	}{
		{"OKv1Raw", v1raw.String(), v1raw.String(), ""},
		{"OKv1DagPB", "bafybeibo7ymcgripez2tdgohhvnxdn4zexcxkrlzm5t3bauzlfiqfjrory", "bafybeibo7ymcgripez2tdgohhvnxdn4zexcxkrlzm5t3bauzlfiqfjrory", ""},
		{"OKv0", "QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH", "QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH", ""},
		{"OKBase58v1", v1raw.Encode(multibase.MustNewEncoder(multibase.Base58BTC)), v1raw.String(), ""},
		{"ErrEmpty", "", "", "cid is empty"},
		{"ErrTooLong", "b" + strings.Repeat("a", 200), "", "at most 128 are allowed"},
		{"ErrMalformed", "bafkreigh2akiscaildc!", "", "is malformed"},
		{"ErrSHA512", cid.NewCidV1(cid.Raw, sum(mh.SHA2_512, -1)).String(), "", "uses hash function sha2-512; only sha2-256 is accepted"},
		{"ErrIdentity", cid.NewCidV1(cid.Raw, sum(mh.IDENTITY, -1)).String(), "", "uses hash function identity"},
		{"ErrTruncated", cid.NewCidV1(cid.Raw, sum(mh.SHA2_256, 20)).String(), "", "has a 20-byte sha2-256 digest"},
		{"ErrDagCBOR", cid.NewCidV1(cid.DagCBOR, sum(mh.SHA2_256, -1)).String(), "", "has codec dag-cbor; only dag-pb and raw are accepted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ipfs.ParseCID(tt.in)
			if tt.reason == "" {
				if err != nil {
					t.Fatal(err)
				}
				if c.String() != tt.want {
					t.Fatalf("ParseCID(%q) = %s, want %s", tt.in, c, tt.want)
				}
				return
			}
			if banx.ErrorCode(err) != banx.EINVALID || !strings.Contains(banx.ErrorMessage(err), tt.reason) {
				t.Fatalf("err = %v, want EINVALID with %q", err, tt.reason)
			}
		})
	}
}
