package anchor

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/Peersyst/xrpl-go/keypairs"
	"github.com/Peersyst/xrpl-go/xrpl/wallet"
	"github.com/banxmedia/banx/internal/banx"
)

// LeafDomain is the first line of every message an author signs for a batch
// anchor. Each purpose Banx asks a wallet to sign has its own first line, so a
// signature made for one purpose (say, signing in) can never be presented as
// consent to another (publishing). No XRPL signing prefix ("STX\0", "SMT\0",
// "CLM\0", ...) starts with "BANX", so the message can never be a transaction.
const LeafDomain = "BANX-ANCHOR-V1"

// leafPurpose is the second line: what a wallet shows the author before signing.
const leafPurpose = "purpose: publish this article version on Banx"

// Leaf is one article version in a batch anchor: what the author signed, the
// key that signed it, and the signature. The platform cannot forge a leaf, and
// cannot move one to another author, article or network, because all of these
// are in the signed message.
type Leaf struct {
	NetworkID uint32 // XRPL NetworkID the batch is anchored on (0 mainnet, 1 testnet, ...)
	Author    string // classic address of the author
	SHA256    string // manifest.Hash of the canonical manifest
	CID       string // CIDv1 base32 of the canonical manifest
	PublicKey string // 33 bytes, upper-case hex: 02/03 secp256k1, ED ed25519
	Signature string // upper-case hex: DER secp256k1 (low S) or 64-byte ed25519
}

// SigningMessage returns the exact bytes the author signs for a leaf: UTF-8
// text, one "name: value" line each, every line ending in "\n". Text, because a
// wallet shows the message before signing and the author should be able to read
// what they consent to. secp256k1 keys sign SHA-512Half of these bytes and
// ed25519 keys the bytes themselves, as XRPL wallets do for any message.
//
// The network is included so that consent to publish on one network (a testnet
// trial, say) cannot be replayed by the platform onto another. The author address
// is included so that a leaf signed by A cannot be presented as B's even if A's
// key is also B's regular key. The public key is not: it is carried beside the
// signature and must resolve to the author (master key, or regular key on the
// ledger).
func SigningMessage(l Leaf) []byte {
	var b strings.Builder
	b.Grow(256)
	b.WriteString(LeafDomain + "\n")
	b.WriteString(leafPurpose + "\n")
	b.WriteString("network: " + strconv.FormatUint(uint64(l.NetworkID), 10) + "\n")
	b.WriteString("author: " + l.Author + "\n")
	b.WriteString("sha256: " + l.SHA256 + "\n")
	b.WriteString("cid: " + l.CID + "\n")
	return []byte(b.String())
}

// validateContent checks the signed fields of a leaf.
func (l Leaf) validateContent() error {
	if err := checkAddress("author", l.Author); err != nil {
		return err
	}
	if err := checkSHA256("sha256", l.SHA256); err != nil {
		return err
	}
	return checkCIDMatchesSHA256("cid", l.CID, l.SHA256)
}

// Validate checks every field of l for format (not the signature), returning a
// banx.EINVALID error with the reason.
func (l Leaf) Validate() error {
	if err := l.validate(); err != nil {
		return banx.Errorf(banx.EINVALID, "leaf: %s", err.Error())
	}
	return nil
}

func (l Leaf) validate() error {
	if err := l.validateContent(); err != nil {
		return err
	}
	if err := checkPublicKey("public_key", l.PublicKey); err != nil {
		return err
	}
	return checkSignature("signature", l.Signature)
}

// checkPublicKey accepts a 33-byte XRPL account public key in upper-case hex.
func checkPublicKey(field, s string) error {
	if !isHex(s, publicKeyHexLen, true) {
		return fmt.Errorf("%s %s is not a public key, want 66 upper-case hexadecimal characters", field, quote(s))
	}
	switch s[:2] {
	case "02", "03", "ED":
		return nil
	}
	return fmt.Errorf("%s %s starts with %s, want 02 or 03 (secp256k1) or ED (ed25519)", field, quote(s), s[:2])
}

func checkSignature(field, s string) error {
	if len(s) == 0 || len(s)%2 != 0 || len(s) > 2*maxSignatureBytes || !isHex(s, len(s), true) {
		return fmt.Errorf("%s %s is not a signature, want up to %d bytes in upper-case hexadecimal", field, quote(s), maxSignatureBytes)
	}
	return nil
}

// SignLeaf signs l with the key derived from an XRPL seed ("s...", secp256k1 or
// ed25519) and returns it with PublicKey and Signature set. An empty Author
// becomes the key's master address. It serves tests and the CLI; a browser
// wallet signs SigningMessage itself.
func SignLeaf(l Leaf, seed string) (Leaf, error) {
	if !SeedShaped(seed) {
		return Leaf{}, banx.Errorf(banx.EINVALID, "sign leaf: the seed is not a valid XRPL seed")
	}
	w, err := wallet.FromSeed(seed, "")
	if err != nil {
		return Leaf{}, banx.Errorf(banx.EINVALID, "sign leaf: the seed is not a valid XRPL seed")
	}
	if l.Author == "" {
		l.Author = string(w.ClassicAddress)
	}
	if err := l.validateContent(); err != nil {
		return Leaf{}, banx.Errorf(banx.EINVALID, "sign leaf: %s", err.Error())
	}
	sig, err := SignMessage(SigningMessage(l), w.PrivateKey)
	if err != nil {
		return Leaf{}, err
	}
	l.PublicKey, l.Signature = strings.ToUpper(w.PublicKey), sig
	return l, nil
}

// SignMessage signs msg with an XRPL private key in hex (as xrpl-go's wallet
// holds it) and returns the signature in upper-case hex. Use a message whose
// first line names its purpose, as SigningMessage does.
func SignMessage(msg []byte, privateKeyHex string) (string, error) {
	sig, err := keypairs.Sign(string(msg), privateKeyHex)
	if err != nil {
		return "", banx.Wrap(banx.EINVALID, err, "sign: %v", err)
	}
	return strings.ToUpper(sig), nil
}

// VerifySignature checks that sigHex is pubKeyHex's signature of msg, with the
// rules of XRPL transaction signatures (secp256k1 signatures must be canonical
// DER with a low S, so a valid signature cannot be altered into another valid
// one). It returns banx.EINVALID with the reason otherwise.
func VerifySignature(msg []byte, pubKeyHex, sigHex string) error {
	if err := checkPublicKey("public key", pubKeyHex); err != nil {
		return banx.Errorf(banx.EINVALID, "%s", err.Error())
	}
	if err := checkSignature("signature", sigHex); err != nil {
		return banx.Errorf(banx.EINVALID, "%s", err.Error())
	}
	ok, err := keypairs.Validate(string(msg), pubKeyHex, sigHex)
	if err != nil {
		return banx.Wrap(banx.EINVALID, err, "public key %s is not a usable secp256k1 or ed25519 key", pubKeyHex)
	}
	if !ok {
		// Only now tell a key that is not on the curve from a wrong signature:
		// parsing the key twice on the fast path would slow batch verification.
		if _, err := keypairs.DeriveClassicAddress(pubKeyHex); err != nil {
			return banx.Wrap(banx.EINVALID, err, "public key %s is not a usable secp256k1 or ed25519 key", pubKeyHex)
		}
		return banx.Errorf(banx.EINVALID, "signature does not verify for this message and public key %s", pubKeyHex)
	}
	return nil
}

// VerifyLeafSignature checks the fields of l and that its Signature is
// PublicKey's signature of SigningMessage(l). It does not say whose key it is:
// see KeyOwner.
func VerifyLeafSignature(l Leaf) error {
	if err := l.Validate(); err != nil {
		return err
	}
	if err := VerifySignature(SigningMessage(l), l.PublicKey, l.Signature); err != nil {
		return banx.Errorf(banx.EINVALID, "leaf: author signature: %s", banx.ErrorMessage(err))
	}
	return nil
}

// AddressOfPublicKey returns the classic address whose master key is pubKeyHex.
func AddressOfPublicKey(pubKeyHex string) (string, error) {
	if err := checkPublicKey("public key", pubKeyHex); err != nil {
		return "", banx.Errorf(banx.EINVALID, "%s", err.Error())
	}
	addr, err := keypairs.DeriveClassicAddress(pubKeyHex)
	if err != nil {
		return "", banx.Wrap(banx.EINVALID, err, "public key %s is not a valid secp256k1 or ed25519 key", pubKeyHex)
	}
	return addr, nil
}

// KeyOwnership says how a signing key relates to the account it signed for.
// Master is decided offline; a key that is not the master key may still be
// the account's RegularKey, which only the ledger can tell (account_info or the
// AccountRoot at LedgerIndex: RegularKey must equal KeyAddress).
type KeyOwnership struct {
	Account    string `json:"account"`     // the account the signature speaks for
	PublicKey  string `json:"public_key"`  // the key that signed
	KeyAddress string `json:"key_address"` // the address derived from PublicKey
	Master     bool   `json:"master"`      // KeyAddress == Account
}

// KeyOwner derives the address of pubKeyHex and compares it with account.
func KeyOwner(account, pubKeyHex string) (KeyOwnership, error) {
	addr, err := AddressOfPublicKey(pubKeyHex)
	if err != nil {
		return KeyOwnership{}, err
	}
	return KeyOwnership{Account: account, PublicKey: pubKeyHex, KeyAddress: addr, Master: addr == account}, nil
}

// publicKeyBytes decodes a validated public key.
func publicKeyBytes(s string) []byte {
	b, _ := hex.DecodeString(s)
	return b
}

// xrplAlphabet is the XRP Ledger's base58 alphabet.
const xrplAlphabet = "rpshnaf39wBUDNEGHJKLM4PQRST7VWXYZ2bcdeCg65jkm8oFqi1tuvAxyz"

// SeedShaped reports whether seed looks like an encoded XRPL seed: 29 to 31
// characters (29 for secp256k1 "s...", 31 for ed25519 "sEd...") of the XRPL
// base58 alphabet. xrpl-go's wallet.FromSeed indexes a table by byte and
// panics on other characters (a bidi override or a zero-width space pasted
// with the seed), so every caller checks the shape first. Callers report a
// failure without the seed: it is a secret.
func SeedShaped(seed string) bool {
	if len(seed) < 29 || len(seed) > 31 {
		return false
	}
	for i := 0; i < len(seed); i++ {
		if strings.IndexByte(xrplAlphabet, seed[i]) < 0 {
			return false
		}
	}
	return true
}
