package anchor_test

import (
	"strings"
	"testing"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/banx"
)

func TestSigningMessage(t *testing.T) {
	l := anchor.Leaf{NetworkID: 1, Author: alice, SHA256: sha, CID: cidOfTest}
	want := "BANX-ANCHOR-V1\n" +
		"purpose: publish this article version on Banx\n" +
		"network: 1\n" +
		"author: " + alice + "\n" +
		"sha256: " + sha + "\n" +
		"cid: " + cidOfTest + "\n"
	if got := string(anchor.SigningMessage(l)); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestSignAndVerifyLeaf(t *testing.T) {
	k := testKeys(t)
	for _, tc := range []struct {
		name   string
		seed   string
		prefix string
	}{
		{"OKSecp256k1", k.alice.Seed, "0"},
		{"OKEd25519", k.bob.Seed, "ED"},
		{"OKGenesis", genesisSeed, "0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := anchor.SignLeaf(anchor.Leaf{SHA256: sha, CID: cidOfTest}, tc.seed)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(l.PublicKey, tc.prefix) {
				t.Errorf("public key %s, want prefix %s", l.PublicKey, tc.prefix)
			}
			if err := anchor.VerifyLeafSignature(l); err != nil {
				t.Fatal(err)
			}
			addr, err := anchor.AddressOfPublicKey(l.PublicKey)
			if err != nil || addr != l.Author {
				t.Errorf("AddressOfPublicKey = %s, %v; want the author %s", addr, err, l.Author)
			}
			own, err := anchor.KeyOwner(l.Author, l.PublicKey)
			if err != nil || !own.Master {
				t.Errorf("KeyOwner = %+v, %v", own, err)
			}
		})
	}
	t.Run("OKGenesisAddress", func(t *testing.T) {
		l, _ := anchor.SignLeaf(anchor.Leaf{SHA256: sha, CID: cidOfTest}, genesisSeed)
		if l.Author != alice {
			t.Errorf("genesis seed signs as %s, want %s", l.Author, alice)
		}
	})
}

func TestVerifyLeafSignatureErr(t *testing.T) {
	k := testKeys(t)
	a := newArticle(t, string(k.alice.ClassicAddress), "Signed", "")
	good := signedLeaf(t, k.alice, a)
	goodEd := signedLeaf(t, k.bob, newArticle(t, string(k.bob.ClassicAddress), "Signed", ""))
	carolSig := signedLeaf(t, k.carol, newArticle(t, string(k.carol.ClassicAddress), "Signed", ""))
	other := newArticle(t, a.author, "Other", "")
	flip := func(s string) string {
		b := []byte(s)
		i := len(b) - 3
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	const noVerify = "leaf: author signature: signature does not verify for this message and public key"
	for _, tc := range []struct {
		name string
		edit func(l *anchor.Leaf)
		base anchor.Leaf
		msg  string
	}{
		{"ErrForged", func(l *anchor.Leaf) { l.Signature = flip(l.Signature) }, good, noVerify},
		{"ErrForgedEd25519", func(l *anchor.Leaf) { l.Signature = flip(l.Signature) }, goodEd, noVerify},
		{"ErrOtherKey", func(l *anchor.Leaf) { l.PublicKey = carolSig.PublicKey }, good, noVerify},
		{"ErrOtherKeysSignature", func(l *anchor.Leaf) { l.PublicKey, l.Signature = carolSig.PublicKey, carolSig.Signature }, good, noVerify},
		{"ErrAuthorSwapped", func(l *anchor.Leaf) { l.Author = string(k.bob.ClassicAddress) }, good, noVerify},
		{"ErrOtherArticle", func(l *anchor.Leaf) { l.SHA256, l.CID = other.sha256, other.cid }, good, noVerify},
		{"ErrOtherNetwork", func(l *anchor.Leaf) { l.NetworkID = 1 }, good, noVerify},
		{"ErrHighS", func(l *anchor.Leaf) { l.Signature = highS(t, l.Signature) }, good, noVerify},
		{"ErrPublicKeyLower", func(l *anchor.Leaf) { l.PublicKey = strings.ToLower(l.PublicKey) }, good, "leaf: public_key \"0"},
		{"ErrPublicKeyPrefix", func(l *anchor.Leaf) { l.PublicKey = "04" + l.PublicKey[2:] }, good, "starts with 04, want 02 or 03 (secp256k1) or ED (ed25519)"},
		{"ErrPublicKeyNotOnCurve", func(l *anchor.Leaf) { l.PublicKey = "02" + strings.Repeat("F", 64) }, good, "is not a usable secp256k1 or ed25519 key"},
		{"ErrSignatureOdd", func(l *anchor.Leaf) { l.Signature = l.Signature[1:] }, good, "leaf: signature \""},
		{"ErrSignatureEmpty", func(l *anchor.Leaf) { l.Signature = "" }, good, `leaf: signature "" is not a signature`},
		{"ErrSignatureTooLong", func(l *anchor.Leaf) { l.Signature = strings.Repeat("AB", 73) }, good, "want up to 72 bytes in upper-case hexadecimal"},
		{"ErrCIDForOtherContent", func(l *anchor.Leaf) { l.CID = other.cid }, good, "leaf: cid " + other.cid + " is a raw CID whose digest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := tc.base
			tc.edit(&l)
			wantErr(t, anchor.VerifyLeafSignature(l), banx.EINVALID, tc.msg)
		})
	}
}

// highS rewrites a DER secp256k1 signature (r, s) into (r, n-s): valid
// mathematically, but a malleated form that XRPL (and this package) refuses.
func highS(t *testing.T, sigHex string) string {
	t.Helper()
	return malleate(t, sigHex)
}

func TestSignLeafErr(t *testing.T) {
	k := testKeys(t)
	t.Run("ErrSeed", func(t *testing.T) {
		_, err := anchor.SignLeaf(anchor.Leaf{SHA256: sha, CID: cidOfTest}, "not-a-seed")
		wantErr(t, err, banx.EINVALID, "sign leaf: the seed is not a valid XRPL seed")
	})
	// Characters outside base58 made xrpl-go's decoder panic (index out of range).
	for name, seed := range map[string]string{
		"ErrSeedRTLOverride":   "\u202e" + k.alice.Seed[1:],
		"ErrSeedZeroWidth":     k.alice.Seed[:10] + "\u200b" + k.alice.Seed[13:],
		"ErrSeedTrailingSpace": k.alice.Seed + " ",
		"ErrSeedLatin1":        k.alice.Seed[:28] + "\u00e9",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := anchor.SignLeaf(anchor.Leaf{SHA256: sha, CID: cidOfTest}, seed)
			wantErr(t, err, banx.EINVALID, "sign leaf: the seed is not a valid XRPL seed")
			if strings.Contains(err.Error(), k.alice.Seed[2:12]) {
				t.Fatalf("error %q echoes the seed", err)
			}
		})
	}
	t.Run("ErrContent", func(t *testing.T) {
		_, err := anchor.SignLeaf(anchor.Leaf{SHA256: "00", CID: cidOfTest}, k.alice.Seed)
		wantErr(t, err, banx.EINVALID, `sign leaf: sha256 "00" is not a SHA-256 digest`)
	})
}

func TestKeyOwnerRegularKey(t *testing.T) {
	k := testKeys(t)
	// Carol's key signs for Alice, as it would if it were Alice's RegularKey.
	l, err := anchor.SignLeaf(anchor.Leaf{Author: string(k.alice.ClassicAddress), SHA256: sha, CID: cidOfTest}, k.carol.Seed)
	if err != nil {
		t.Fatal(err)
	}
	if err := anchor.VerifyLeafSignature(l); err != nil {
		t.Fatal(err)
	}
	own, err := anchor.KeyOwner(l.Author, l.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	if own.Master || own.KeyAddress != string(k.carol.ClassicAddress) || own.Account != string(k.alice.ClassicAddress) {
		t.Errorf("KeyOwner = %+v", own)
	}
}

func TestVerifySignatureGeneric(t *testing.T) {
	k := testKeys(t)
	msg := []byte("BANX-SIGNIN-V1\nnonce: 42\n")
	for _, w := range []struct{ name, priv, pub string }{
		{"OKSecp256k1", k.alice.PrivateKey, k.alice.PublicKey},
		{"OKEd25519", k.bob.PrivateKey, k.bob.PublicKey},
	} {
		t.Run(w.name, func(t *testing.T) {
			sig, err := anchor.SignMessage(msg, w.priv)
			if err != nil {
				t.Fatal(err)
			}
			if err := anchor.VerifySignature(msg, strings.ToUpper(w.pub), sig); err != nil {
				t.Fatal(err)
			}
			err = anchor.VerifySignature([]byte("BANX-ANCHOR-V1\n"), strings.ToUpper(w.pub), sig)
			wantErr(t, err, banx.EINVALID, "signature does not verify")
		})
	}
}
