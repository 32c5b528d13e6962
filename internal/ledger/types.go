package ledger

import (
	"bytes"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"github.com/banxmedia/banx/internal/address"
	"sync"
	"sync/atomic"

	addresscodec "github.com/Peersyst/xrpl-go/address-codec"
	"github.com/Peersyst/xrpl-go/binary-codec/types"
)

// Hash is a 256-bit XRPL hash: ledger, transaction and ledger-object ids.
type Hash [32]byte

// String renders the hash as rippled does: 64 upper-case hex digits.
func (h Hash) String() string {
	const digits = "0123456789ABCDEF"
	var b [64]byte
	for i, c := range h {
		b[2*i], b[2*i+1] = digits[c>>4], digits[c&0x0f]
	}
	return string(b[:])
}

// IsZero reports whether every byte is zero.
func (h Hash) IsZero() bool { return h == Hash{} }

// parseHash reads 64 hex digits (any case) into a Hash.
func parseHash(s string) (Hash, bool) {
	var h Hash
	if len(s) != 64 {
		return h, false
	}
	if _, err := hex.Decode(h[:], []byte(s)); err != nil {
		return h, false
	}
	return h, true
}

// AccountID is the 20-byte identifier behind a classic address.
type AccountID [20]byte

// addrCache memoises base58 encoding, which is costly on the hot path.
var addrCache sync.Map // AccountID -> string

// String renders the classic address (r...).
func (a AccountID) String() string {
	if v, ok := addrCache.Load(a); ok {
		return v.(string)
	}
	s, err := addresscodec.EncodeAccountIDToClassicAddress(a[:])
	if err != nil {
		return ""
	}
	addrCache.Store(a, s)
	return s
}

// less orders accounts as rippled does for trust-line low/high sides.
func (a AccountID) less(b AccountID) bool { return bytes.Compare(a[:], b[:]) < 0 }

// accountOne is rippled's noAccount(), the issuer recorded in a trust line's Balance.
const accountOneAddress = "rrrrrrrrrrrrrrrrrrrrBZbvji"

// idCache memoises base58 decoding of addresses seen before, the other
// direction of addrCache; it is dropped whole when it grows past maxIDCache.
var (
	idCache     sync.Map // string -> AccountID
	idCacheSize atomic.Int64
)

const maxIDCache = 1 << 18

// parseAccount decodes a classic address with the address codec.
func parseAccount(s string) (AccountID, error) {
	if v, ok := idCache.Load(s); ok {
		return v.(AccountID), nil
	}
	var a AccountID
	// xrpl-go's base58 decoder panics on non-ASCII input: screen it first.
	if !address.IsClassic(s) {
		return a, fmt.Errorf("%q is not a classic address", s)
	}
	_, id, err := addresscodec.DecodeClassicAddressToAccountID(s)
	if err != nil {
		return a, err
	}
	if len(id) != 20 {
		return a, fmt.Errorf("account id of %d bytes", len(id))
	}
	copy(a[:], id)
	if idCacheSize.Add(1) > maxIDCache {
		idCache.Clear()
		idCacheSize.Store(0)
	}
	idCache.Store(s, a)
	return a, nil
}

// currencyBytes returns the 160-bit currency code of a codec currency string.
func currencyBytes(code string) ([20]byte, error) {
	var c [20]byte
	b, err := (&types.Currency{}).FromJSON(code)
	if err != nil {
		return c, err
	}
	if len(b) != 20 {
		return c, fmt.Errorf("currency of %d bytes", len(b))
	}
	copy(c[:], b)
	return c, nil
}

// sha512Half hashes the concatenation of parts: the first half of their
// SHA-512, written part by part instead of copied together first.
func sha512Half(parts ...[]byte) Hash {
	d := sha512.New()
	for _, p := range parts {
		d.Write(p)
	}
	var sum [sha512.Size]byte
	var h Hash
	copy(h[:], d.Sum(sum[:0]))
	return h
}
