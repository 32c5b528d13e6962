package anchor

import (
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"strings"

	binarycodec "github.com/Peersyst/xrpl-go/binary-codec"
)

// txIDPrefix is the XRPL hash prefix of a transaction ID ("TXN\0"): the ID is
// SHA-512Half(prefix || signed blob).
var txIDPrefix = []byte{0x54, 0x58, 0x4E, 0x00}

// TxID returns the XRPL transaction ID of a signed transaction blob, in
// upper-case hex.
func TxID(blob []byte) string {
	sum := sha512.Sum512(append(append([]byte{}, txIDPrefix...), blob...))
	return strings.ToUpper(hex.EncodeToString(sum[:32]))
}

// signedTx is what the offline checks read from a transaction blob.
type signedTx struct {
	fields        map[string]any
	account       string
	signingPubKey string
	signature     string
	memos         []MemoHex
}

// decodeTx decodes a signed transaction blob with xrpl-go's binary codec and
// requires it to re-encode to the same bytes, so the fields read are exactly
// those that were signed and hashed. The codec is third-party code reading
// untrusted bytes; a panic in it is turned into a rejection.
func decodeTx(blobHex string) (tx signedTx, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("transaction blob cannot be decoded")
		}
	}()
	fields, err := binarycodec.Decode(blobHex)
	if err != nil {
		return signedTx{}, fmt.Errorf("transaction blob cannot be decoded: %v", err)
	}
	again, err := binarycodec.Encode(fields)
	if err != nil || !strings.EqualFold(again, blobHex) {
		return signedTx{}, fmt.Errorf("transaction blob is not in canonical binary form")
	}
	tx.fields = fields
	tx.account, _ = fields["Account"].(string)
	tx.signingPubKey, _ = fields["SigningPubKey"].(string)
	tx.signature, _ = fields["TxnSignature"].(string)
	list, _ := fields["Memos"].([]any)
	for _, e := range list {
		wrapper, _ := e.(map[string]any)
		memo, _ := wrapper["Memo"].(map[string]any)
		t, _ := memo["MemoType"].(string)
		f, _ := memo["MemoFormat"].(string)
		d, _ := memo["MemoData"].(string)
		tx.memos = append(tx.memos, MemoHex{Type: strings.ToUpper(t), Format: strings.ToUpper(f), Data: strings.ToUpper(d)})
	}
	return tx, nil
}

// verifySignature checks the single signature of tx. Multi-signed
// transactions (empty SigningPubKey, Signers) are not produced by Banx and are
// reported as such.
func (tx signedTx) verifySignature() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("transaction cannot be re-encoded for signing")
		}
	}()
	if tx.signingPubKey == "" {
		return fmt.Errorf("transaction is multi-signed or unsigned; only single-signed anchors are verified offline")
	}
	payload, err := binarycodec.EncodeForSigning(tx.fields)
	if err != nil {
		return fmt.Errorf("transaction cannot be re-encoded for signing: %v", err)
	}
	raw, err := hex.DecodeString(payload)
	if err != nil {
		return fmt.Errorf("transaction cannot be re-encoded for signing: %v", err)
	}
	if err := VerifySignature(raw, strings.ToUpper(tx.signingPubKey), strings.ToUpper(tx.signature)); err != nil {
		return fmt.Errorf("TxnSignature: %s", errorDetail(err))
	}
	return nil
}
