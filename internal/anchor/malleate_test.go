package anchor_test

import (
	"encoding/hex"
	"math/big"
	"strings"
	"testing"
)

// secp256k1N is the order of the secp256k1 group.
var secp256k1N, _ = new(big.Int).SetString("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16)

// malleate turns a DER signature (r, s) into (r, n-s).
func malleate(t *testing.T, sigHex string) string {
	t.Helper()
	der, err := hex.DecodeString(sigHex)
	if err != nil || len(der) < 8 || der[0] != 0x30 || der[2] != 0x02 {
		t.Fatalf("not a DER signature: %s", sigHex)
	}
	rLen := int(der[3])
	r := der[4 : 4+rLen]
	s := der[4+rLen+2:]
	hi := new(big.Int).Sub(secp256k1N, new(big.Int).SetBytes(s)).Bytes()
	if hi[0]&0x80 != 0 {
		hi = append([]byte{0}, hi...)
	}
	out := []byte{0x30, byte(2 + len(r) + 2 + len(hi)), 0x02, byte(len(r))}
	out = append(out, r...)
	out = append(out, 0x02, byte(len(hi)))
	out = append(out, hi...)
	return strings.ToUpper(hex.EncodeToString(out))
}
