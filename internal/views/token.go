package views

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"net/netip"
	"sync"
	"time"

	"github.com/banxmedia/banx/internal/banx"
)

// MinKeySize is the shortest view key accepted: 256 bits, the HMAC-SHA256 block
// strength.
const MinKeySize = 32

// Keys holds three independent keys derived from the server's view key: one
// signs tokens, one hashes reader ids and one hashes network prefixes. Deriving
// them keeps a leaked hash from helping to forge a token, and keeping them secret
// (rather than rotating a published salt) keeps the 2^24 IPv4 /24 prefixes from
// being brute-forced out of a stolen database.
type Keys struct {
	token, reader, net *mac
}

// mac computes HMAC-SHA256 under one key. Beacons are hashed three times each,
// so keyed states are pooled: Reset restores a saved state instead of hashing
// the key again. Each state carries its own buffers, because a slice handed to
// a hash.Hash escapes to the heap: callers' stack arrays would be allocated
// on every call.
type mac struct{ pool sync.Pool }

type macState struct {
	h   hash.Hash
	in  [tokenSize]byte
	out [sha256.Size]byte
}

func newMAC(key []byte) *mac {
	m := &mac{}
	m.pool.New = func() any { return &macState{h: hmac.New(sha256.New, key)} }
	return m
}

// sum returns HMAC(msg) in out; msg is at most tokenSize bytes.
func (m *mac) sum(out *[sha256.Size]byte, msg []byte) {
	s := m.pool.Get().(*macState)
	s.h.Reset()
	s.h.Write(s.in[:copy(s.in[:], msg)])
	s.h.Sum(s.out[:0])
	*out = s.out
	m.pool.Put(s)
}

// sumString is sum for a string message.
func (m *mac) sumString(out *[sha256.Size]byte, msg string) {
	s := m.pool.Get().(*macState)
	s.h.Reset()
	s.h.Write(s.in[:copy(s.in[:], msg)])
	s.h.Sum(s.out[:0])
	*out = s.out
	m.pool.Put(s)
}

// NewKeys derives the view keys from master, which must hold at least MinKeySize
// random bytes. EINVALID when it is shorter.
func NewKeys(master []byte) (*Keys, error) {
	if len(master) < MinKeySize {
		return nil, banx.Errorf(banx.EINVALID, "view key must be at least %d bytes, got %d", MinKeySize, len(master))
	}
	derive := func(label string) []byte {
		m := hmac.New(sha256.New, master)
		m.Write([]byte(label))
		return m.Sum(nil)
	}
	return &Keys{
		token:  newMAC(derive("banx view token v1")),
		reader: newMAC(derive("banx view reader v1")),
		net:    newMAC(derive("banx view network v1")),
	}, nil
}

// readerIDBytes is the entropy of a reader cookie id: 128 bits, so ids of
// different readers never collide and cannot be guessed.
const readerIDBytes = 16

// ReaderIDLen is the length of a reader id as it appears in the cookie.
const ReaderIDLen = 22 // base64url of 16 bytes, unpadded

// NewReaderID returns a fresh random reader id for the first-party cookie.
func NewReaderID() string {
	var b [readerIDBytes]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// ValidReaderID reports whether s is a well-formed reader id. A cookie that is
// not one is treated as absent and replaced.
func ValidReaderID(s string) bool {
	if len(s) != ReaderIDLen {
		return false
	}
	var b [readerIDBytes + 2]byte
	n, err := strictBase64.Decode(b[:], []byte(s))
	return err == nil && n == readerIDBytes
}

// strictBase64 decodes reader ids and tokens. Strict() returns a new Encoding
// on every call, so it is made once.
var strictBase64 = base64.RawURLEncoding.Strict()

// hexString is hex.EncodeToString for the short sums of this package, with
// one allocation instead of two.
func hexString(b []byte) string {
	var out [2 * sha256.Size]byte
	n := hex.Encode(out[:], b[:min(len(b), sha256.Size)])
	return string(out[:n])
}

// hashLen is the stored length of reader and network hashes: 128 bits as hex.
const hashLen = 16

// ReaderHash returns the stored identity of a reader id: a keyed hash, so the
// database never holds the cookie itself. It returns "" for an invalid id.
func (k *Keys) ReaderHash(readerID string) string {
	if !ValidReaderID(readerID) {
		return ""
	}
	var sum [sha256.Size]byte
	k.reader.sumString(&sum, readerID)
	return hexString(sum[:hashLen])
}

// NetPrefix returns the network a reader's address belongs to for counting
// purposes: the /24 of an IPv4 address (IPv4-mapped IPv6 included) and the /48
// of an IPv6 address, the usual size of one site's allocation. It returns the
// zero Prefix for an invalid address.
func NetPrefix(a netip.Addr) netip.Prefix {
	a = a.Unmap()
	bits := 48
	if a.Is4() {
		bits = 24
	}
	p, err := a.Prefix(bits)
	if err != nil {
		return netip.Prefix{}
	}
	return p
}

// NetHash returns the stored identity of addr's network prefix: a keyed hash of
// the prefix. The address itself never leaves this function. It returns "" for
// an invalid address.
func (k *Keys) NetHash(addr netip.Addr) string {
	p := NetPrefix(addr)
	if !p.IsValid() {
		return ""
	}
	// The prefix's MarshalBinary form (masked address, then the bit count),
	// built without allocating.
	var msg [17]byte
	n := 4
	if a := p.Addr(); a.Is4() {
		a4 := a.As4()
		copy(msg[:], a4[:])
	} else {
		a16 := a.As16()
		copy(msg[:], a16[:])
		n = 16
	}
	msg[n] = byte(p.Bits())
	var sum [sha256.Size]byte
	k.net.sum(&sum, msg[:n+1])
	return hexString(sum[:hashLen])
}

// Token layout: version(1) article(8) issued-at unix ms(8) reader(16) nonce(12),
// then HMAC-SHA256 of those 45 bytes; base64url without padding.
const (
	tokenVersion = 1
	payloadSize  = 1 + 8 + 8 + hashLen + nonceSize
	nonceSize    = 12
	tokenSize    = payloadSize + sha256.Size
	// TokenLen is the length of a token string.
	TokenLen = (tokenSize*8 + 5) / 6
)

// Claims is what a token says: which article, which reader (by hash), when it
// was issued, and a nonce that makes it unique.
type Claims struct {
	ArticleID  int64
	IssuedAt   time.Time // millisecond precision
	ReaderHash string    // hex, as from Keys.ReaderHash
	Nonce      [nonceSize]byte
}

// ID names the token for replay detection: the hex of its nonce.
func (c Claims) ID() string { return hexString(c.Nonce[:]) }

// IssueToken signs a token for reader readerHash to read article articleID at
// time now. EINVALID for a non-positive article id or a malformed reader hash.
func (k *Keys) IssueToken(articleID int64, readerHash string, now time.Time) (string, Claims, error) {
	if articleID <= 0 {
		return "", Claims{}, banx.Errorf(banx.EINVALID, "article id must be positive, got %d", articleID)
	}
	reader, err := hex.DecodeString(readerHash)
	if err != nil || len(reader) != hashLen {
		return "", Claims{}, banx.Errorf(banx.EINVALID, "reader hash must be %d hex characters", 2*hashLen)
	}
	c := Claims{ArticleID: articleID, IssuedAt: time.UnixMilli(now.UnixMilli()).UTC(), ReaderHash: readerHash}
	rand.Read(c.Nonce[:])
	var buf [tokenSize]byte
	buf[0] = tokenVersion
	binary.BigEndian.PutUint64(buf[1:9], uint64(articleID))
	binary.BigEndian.PutUint64(buf[9:17], uint64(now.UnixMilli()))
	copy(buf[17:17+hashLen], reader)
	copy(buf[17+hashLen:payloadSize], c.Nonce[:])
	var sum [sha256.Size]byte
	k.token.sum(&sum, buf[:payloadSize])
	copy(buf[payloadSize:], sum[:])
	return base64.RawURLEncoding.EncodeToString(buf[:]), c, nil
}

// VerifyToken checks tok against the token key and the reader presenting it.
// A token that is not even shaped like one is EINVALID, with the reason, and
// cannot be attributed to an article. A well-shaped token whose signature does
// not verify, or that was issued to another reader, returns forged = true with
// its claims, which are then unauthenticated: only good enough to attribute the
// rejected beacon to the article it names.
func (k *Keys) VerifyToken(tok, readerHash string) (c Claims, forged bool, err error) {
	if len(tok) != TokenLen {
		return Claims{}, false, banx.Errorf(banx.EINVALID, "view token must be %d characters, got %d", TokenLen, len(tok))
	}
	var src [TokenLen]byte // copied so the conversion allocates nothing
	copy(src[:], tok)
	var buf [tokenSize + 2]byte
	n, err := strictBase64.Decode(buf[:], src[:])
	if err != nil || n != tokenSize {
		return Claims{}, false, banx.Errorf(banx.EINVALID, "view token is not base64url")
	}
	if buf[0] != tokenVersion {
		return Claims{}, false, banx.Errorf(banx.EINVALID, "view token version %d is not supported", buf[0])
	}
	c.ArticleID = int64(binary.BigEndian.Uint64(buf[1:9]))
	if c.ArticleID <= 0 {
		return Claims{}, false, banx.Errorf(banx.EINVALID, "view token names article %d", c.ArticleID)
	}
	c.IssuedAt = time.UnixMilli(int64(binary.BigEndian.Uint64(buf[9:17]))).UTC()
	c.ReaderHash = hexString(buf[17 : 17+hashLen])
	copy(c.Nonce[:], buf[17+hashLen:payloadSize])
	var sum [sha256.Size]byte
	k.token.sum(&sum, buf[:payloadSize])
	if !hmac.Equal(sum[:], buf[payloadSize:tokenSize]) {
		return c, true, nil
	}
	// The reader hash is not secret, but comparing in constant time costs nothing.
	if !hmac.Equal([]byte(c.ReaderHash), []byte(readerHash)) {
		return c, true, nil
	}
	return c, false, nil
}
