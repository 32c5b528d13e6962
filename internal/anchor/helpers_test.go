package anchor_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/Peersyst/xrpl-go/keypairs"
	"github.com/Peersyst/xrpl-go/keypairs/interfaces"
	xrplcrypto "github.com/Peersyst/xrpl-go/pkg/crypto"
	"github.com/Peersyst/xrpl-go/xrpl/wallet"
	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/manifest"
)

// Test keys: fixed seeds, so golden vectors are reproducible. genesisSeed is
// the standalone ledger's genesis account (secp256k1).
const genesisSeed = "snoPBrXtMeMyMHUVTgbuqAfg1SUTb"

// seedFrom derives an XRPL family seed from 16 bytes of fixed entropy.
func seedFrom(t testing.TB, fill byte, alg interfaces.KeypairCryptoAlg) string {
	t.Helper()
	s, err := keypairs.GenerateSeed(bytes.Repeat([]byte{fill}, 16), alg, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// keys are the test authors: alice (secp256k1), bob (ed25519), carol
// (secp256k1, used as someone else's regular key) and the platform.
type keys struct {
	alice, bob, carol, platform wallet.Wallet
}

func testKeys(t testing.TB) keys {
	t.Helper()
	w := func(seed string) wallet.Wallet {
		t.Helper()
		x, err := wallet.FromSeed(seed, "")
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	return keys{
		alice:    w(seedFrom(t, 0xA1, xrplcrypto.SECP256K1())),
		bob:      w(seedFrom(t, 0xB0, xrplcrypto.ED25519())),
		carol:    w(seedFrom(t, 0xC0, xrplcrypto.SECP256K1())),
		platform: w(genesisSeed),
	}
}

var b32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// rawCID is the CID Banx's stores give a one-chunk manifest: CIDv1, raw, sha2-256.
func rawCID(data []byte) string {
	sum := sha256.Sum256(data)
	return "b" + b32.EncodeToString(append([]byte{0x01, 0x55, 0x12, 0x20}, sum[:]...))
}

// dagPBCID is a well-formed dag-pb CID over some digest (a multi-chunk file).
func dagPBCID(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	return "b" + b32.EncodeToString(append([]byte{0x01, 0x70, 0x12, 0x20}, sum[:]...))
}

// article is one manifest version with its canonical bytes and identifiers.
type article struct {
	bytes  []byte
	sha256 string
	cid    string
	author string
}

func newArticle(t testing.TB, author, title, previous string) article {
	t.Helper()
	m := manifest.Manifest{
		Schema: manifest.Version, Title: title, Summary: "A test article.", Body: "Body of " + title + ".",
		Category: "opinion", Language: "en", Author: author, Created: "2026-01-01T00:00:00Z", Previous: previous,
	}
	c, err := m.Canonical()
	if err != nil {
		t.Fatal(err)
	}
	return article{bytes: c, sha256: manifest.Hash(c), cid: rawCID(c), author: author}
}

// signedLeaf signs an article version for the batch on network 0.
func signedLeaf(t testing.TB, w wallet.Wallet, a article) anchor.Leaf {
	t.Helper()
	l, err := anchor.SignLeaf(anchor.Leaf{Author: a.author, SHA256: a.sha256, CID: a.cid}, w.Seed)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// anchorTx signs an AccountSet that changes nothing and carries memo: the
// transaction an anchor is. It returns the blob and the transaction hash.
func anchorTx(t testing.TB, w wallet.Wallet, memo anchor.MemoHex) (string, string) {
	t.Helper()
	tx := map[string]any{
		"TransactionType":    "AccountSet",
		"Account":            string(w.ClassicAddress),
		"Fee":                "12",
		"Sequence":           uint32(7),
		"LastLedgerSequence": uint32(120),
		"Flags":              uint32(0),
		"Memos": []any{map[string]any{"Memo": map[string]any{
			"MemoType": memo.Type, "MemoFormat": memo.Format, "MemoData": memo.Data,
		}}},
	}
	blob, hash, err := w.Sign(tx)
	if err != nil {
		t.Fatal(err)
	}
	return blob, hash
}

// wantErr asserts err is a *banx.Error with code and a message containing msg.
func wantErr(t testing.TB, err error, code, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s: %q", code, msg)
	}
	var be *banx.Error
	if !errors.As(err, &be) {
		t.Fatalf("error %v is not a *banx.Error", err)
	}
	if be.Code != code {
		t.Errorf("code %s, want %s (message %q)", be.Code, code, be.Message)
	}
	if !strings.Contains(be.Message, msg) {
		t.Errorf("message %q\nwant it to contain %q", be.Message, msg)
	}
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
