package views_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/views"
)

// FuzzVerifyToken feeds arbitrary strings to the view-token verifier, the
// first code a beacon's untrusted body reaches. Whatever the input, it must
// not panic, must refuse with EINVALID or accept, and may accept as genuine
// (not forged) only a token it signed itself for that very reader: a fuzzer
// cannot find a second one without the key.
//
//	go test -run '^$' -fuzz '^FuzzVerifyToken$' -fuzztime 30s ./internal/views
func FuzzVerifyToken(f *testing.F) {
	keys, err := views.NewKeys(bytes.Repeat([]byte{0x42}, views.MinKeySize))
	if err != nil {
		f.Fatal(err)
	}
	reader := keys.ReaderHash(views.NewReaderID())
	genuine, _, err := keys.IssueToken(7, reader, time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(genuine, reader)
	f.Add(genuine, keys.ReaderHash(views.NewReaderID()))
	f.Add(genuine[:len(genuine)-1]+"A", reader)
	f.Add("", "")
	f.Add(string(bytes.Repeat([]byte{'/'}, len(genuine))), reader)
	f.Fuzz(func(t *testing.T, tok, readerHash string) {
		c, forged, err := keys.VerifyToken(tok, readerHash)
		if err != nil {
			if banx.ErrorCode(err) != banx.EINVALID {
				t.Fatalf("VerifyToken(%q) = %v, want EINVALID", tok, err)
			}
			return
		}
		if c.ArticleID <= 0 {
			t.Fatalf("accepted a token for article %d", c.ArticleID)
		}
		if forged {
			return
		}
		if c.ReaderHash != readerHash {
			t.Fatalf("VerifyToken(%q, %q) accepted a token of reader %s", tok, readerHash, c.ReaderHash)
		}
		for i := range tok {
			b := []byte(tok)
			b[i] ^= 1 // still base64url for every alphabet character but a few, which then fail to decode
			if _, forged, err := keys.VerifyToken(string(b), readerHash); err == nil && !forged {
				t.Fatalf("token %q with character %d changed is still genuine", tok, i)
			}
		}
	})
}
