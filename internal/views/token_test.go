package views_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/views"
)

func testKeys(t testing.TB) *views.Keys {
	t.Helper()
	k, err := views.NewKeys(bytes.Repeat([]byte{7}, views.MinKeySize))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestNewKeys(t *testing.T) {
	t.Run("ErrShort", func(t *testing.T) {
		_, err := views.NewKeys(make([]byte, views.MinKeySize-1))
		if banx.ErrorCode(err) != banx.EINVALID || !strings.Contains(err.Error(), "at least 32 bytes") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("OKDifferentKeysDifferentHashes", func(t *testing.T) {
		other, _ := views.NewKeys(bytes.Repeat([]byte{8}, views.MinKeySize))
		id := views.NewReaderID()
		if testKeys(t).ReaderHash(id) == other.ReaderHash(id) {
			t.Fatal("reader hash does not depend on the key")
		}
	})
}

func TestReaderID(t *testing.T) {
	id := views.NewReaderID()
	if len(id) != views.ReaderIDLen || !views.ValidReaderID(id) {
		t.Fatalf("NewReaderID() = %q, not valid", id)
	}
	if views.NewReaderID() == id {
		t.Fatal("two reader ids are equal")
	}
	for _, bad := range []string{"", "short", id + "A", strings.Repeat("!", views.ReaderIDLen), "AAAAAAAAAAAAAAAAAAAAA_"} {
		if views.ValidReaderID(bad) {
			t.Errorf("ValidReaderID(%q) = true", bad)
		}
	}
	k := testKeys(t)
	if h := k.ReaderHash(id); len(h) != 32 || h != k.ReaderHash(id) || strings.Contains(h, id) {
		t.Fatalf("ReaderHash = %q", h)
	}
	if k.ReaderHash("bad") != "" {
		t.Fatal("hash of an invalid reader id")
	}
}

func TestNetPrefix(t *testing.T) {
	cases := []struct{ addr, want string }{
		{"203.0.113.77", "203.0.113.0/24"},
		{"::ffff:203.0.113.77", "203.0.113.0/24"},
		{"2001:db8:abcd:12:1::9", "2001:db8:abcd::/48"},
		{"127.23.45.67", "127.23.45.0/24"},
	}
	for _, tc := range cases {
		if got := views.NetPrefix(netip.MustParseAddr(tc.addr)); got.String() != tc.want {
			t.Errorf("NetPrefix(%s) = %s, want %s", tc.addr, got, tc.want)
		}
	}
	k := testKeys(t)
	a, b := k.NetHash(netip.MustParseAddr("203.0.113.1")), k.NetHash(netip.MustParseAddr("203.0.113.254"))
	c := k.NetHash(netip.MustParseAddr("203.0.114.1"))
	if a != b || a == c || len(a) != 32 {
		t.Fatalf("net hashes: same /24 %q %q, other /24 %q", a, b, c)
	}
	if k.NetHash(netip.Addr{}) != "" {
		t.Fatal("hash of the zero address")
	}
}

// TestHashVectors pins what reader and network hashes cover: HMAC-SHA256, under
// keys derived from the view key by label, of the cookie id and of the
// prefix's binary form (netip.Prefix.MarshalBinary). Hashes already stored in
// the views table must keep matching the readers and networks they name.
func TestHashVectors(t *testing.T) {
	master := bytes.Repeat([]byte{7}, views.MinKeySize)
	k := testKeys(t)
	mac := func(key, msg []byte) []byte {
		m := hmac.New(sha256.New, key)
		m.Write(msg)
		return m.Sum(nil)
	}
	netKey := mac(master, []byte("banx view network v1"))
	for _, addr := range []string{"203.0.113.77", "::ffff:203.0.113.77", "2001:db8:abcd:12::1", "fe80::1%eth0"} {
		t.Run("Net"+addr, func(t *testing.T) {
			p := views.NetPrefix(netip.MustParseAddr(addr))
			b, err := p.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			want := hex.EncodeToString(mac(netKey, b)[:16])
			if got := k.NetHash(netip.MustParseAddr(addr)); got != want {
				t.Fatalf("NetHash(%s) = %s, want %s", addr, got, want)
			}
		})
	}
	t.Run("Reader", func(t *testing.T) {
		id := views.NewReaderID()
		want := hex.EncodeToString(mac(mac(master, []byte("banx view reader v1")), []byte(id))[:16])
		if got := k.ReaderHash(id); got != want {
			t.Fatalf("ReaderHash = %s, want %s", got, want)
		}
	})
}

func TestToken(t *testing.T) {
	k := testKeys(t)
	reader := k.ReaderHash(views.NewReaderID())
	now := time.Date(2026, 11, 25, 12, 0, 0, 123456789, time.UTC)
	tok, claims, err := k.IssueToken(42, reader, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(tok) != views.TokenLen {
		t.Fatalf("token length %d, want %d", len(tok), views.TokenLen)
	}
	t.Run("OK", func(t *testing.T) {
		got, forged, err := k.VerifyToken(tok, reader)
		if err != nil || forged {
			t.Fatalf("forged=%v err=%v", forged, err)
		}
		if got != claims || got.ArticleID != 42 || !got.IssuedAt.Equal(now.Truncate(time.Millisecond)) || got.ReaderHash != reader {
			t.Fatalf("claims = %+v, want %+v", got, claims)
		}
		if len(got.ID()) != 24 {
			t.Fatalf("ID = %q", got.ID())
		}
	})
	t.Run("OKUnique", func(t *testing.T) {
		tok2, c2, _ := k.IssueToken(42, reader, now)
		if tok2 == tok || c2.ID() == claims.ID() {
			t.Fatal("two tokens for the same reader, article and time are equal")
		}
	})
	t.Run("ErrOtherReader", func(t *testing.T) {
		got, forged, err := k.VerifyToken(tok, k.ReaderHash(views.NewReaderID()))
		if err != nil || !forged || got.ArticleID != 42 {
			t.Fatalf("forged=%v err=%v claims=%+v", forged, err, got)
		}
	})
	t.Run("ErrNoReader", func(t *testing.T) {
		if _, forged, err := k.VerifyToken(tok, ""); err != nil || !forged {
			t.Fatalf("forged=%v err=%v", forged, err)
		}
	})
	t.Run("ErrOtherKey", func(t *testing.T) {
		other, _ := views.NewKeys(bytes.Repeat([]byte{9}, views.MinKeySize))
		if _, forged, err := other.VerifyToken(tok, reader); err != nil || !forged {
			t.Fatalf("forged=%v err=%v", forged, err)
		}
	})
	t.Run("ErrTampered", func(t *testing.T) {
		raw, _ := base64.RawURLEncoding.DecodeString(tok)
		for _, i := range []int{1, 8, 9, 16, 17, 40, 44, 45, 76} {
			b := bytes.Clone(raw)
			b[i] ^= 1
			_, forged, err := k.VerifyToken(base64.RawURLEncoding.EncodeToString(b), reader)
			if err == nil && !forged {
				t.Errorf("byte %d flipped: token still verifies", i)
			}
		}
	})
	malformed := []struct{ name, tok, reason string }{
		{"ErrEmpty", "", "must be 103 characters"},
		{"ErrLong", tok + "A", "must be 103 characters"},
		{"ErrNotBase64", strings.Repeat("*", views.TokenLen), "not base64url"},
		{"ErrVersion", "Ag" + tok[2:], "version"},
	}
	for _, tc := range malformed {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := k.VerifyToken(tc.tok, reader)
			if banx.ErrorCode(err) != banx.EINVALID || !strings.Contains(err.Error(), tc.reason) {
				t.Fatalf("err = %v, want EINVALID with %q", err, tc.reason)
			}
		})
	}
	t.Run("ErrIssueBadArticle", func(t *testing.T) {
		if _, _, err := k.IssueToken(0, reader, now); banx.ErrorCode(err) != banx.EINVALID {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrIssueBadReader", func(t *testing.T) {
		if _, _, err := k.IssueToken(1, "xyz", now); banx.ErrorCode(err) != banx.EINVALID {
			t.Fatalf("err = %v", err)
		}
	})
}
