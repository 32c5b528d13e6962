package publish

import (
	"encoding/hex"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"

	binarycodec "github.com/Peersyst/xrpl-go/binary-codec"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/banx"
)

// selfAnchorFields are the only fields a prepared self anchor has: an
// AccountSet that changes nothing and carries one memo.
var selfAnchorFields = map[string]bool{
	"TransactionType": true, "Account": true, "Fee": true, "Sequence": true, "LastLedgerSequence": true,
	"Flags": false, "Memos": true, "NetworkID": false,
}

// decodeHexTx decodes a transaction in upper- or lower-case hex with the
// binary codec and requires it to re-encode to the same bytes. The codec reads
// untrusted bytes, so its panics become refusals.
func decodeHexTx(what, blob string) (fields map[string]any, err error) {
	if blob == "" || len(blob)%2 != 0 || len(blob) > 2*anchor.MaxTxBlobBytes {
		return nil, banx.Errorf(banx.EINVALID, "%s must be 1 to %d bytes of hexadecimal", what, anchor.MaxTxBlobBytes)
	}
	if _, err := hex.DecodeString(blob); err != nil {
		return nil, banx.Errorf(banx.EINVALID, "%s is not hexadecimal", what)
	}
	defer func() {
		if r := recover(); r != nil {
			fields, err = nil, banx.Errorf(banx.EINVALID, "%s cannot be decoded as an XRPL transaction", what)
		}
	}()
	fields, err = binarycodec.Decode(blob)
	if err != nil {
		return nil, banx.Errorf(banx.EINVALID, "%s cannot be decoded as an XRPL transaction: %v", what, err)
	}
	again, err := binarycodec.Encode(fields)
	if err != nil || !strings.EqualFold(again, blob) {
		return nil, banx.Errorf(banx.EINVALID, "%s is not in canonical binary form", what)
	}
	return fields, nil
}

// memosOf returns the memos of decoded transaction fields, hex upper-cased.
func memosOf(fields map[string]any) []anchor.MemoHex {
	var out []anchor.MemoHex
	list, _ := fields["Memos"].([]any)
	for _, e := range list {
		w, _ := e.(map[string]any)
		m, _ := w["Memo"].(map[string]any)
		t, _ := m["MemoType"].(string)
		f, _ := m["MemoFormat"].(string)
		d, _ := m["MemoData"].(string)
		out = append(out, anchor.MemoHex{Type: strings.ToUpper(t), Format: strings.ToUpper(f), Data: strings.ToUpper(d)})
	}
	return out
}

// CheckUnsignedAnchor is what a signer (the CLI, a browser wallet page) checks
// before signing a self anchor a server prepared: an AccountSet from account
// that changes nothing, carries exactly the expected memo, pays at most maxFee
// drops and has a LastLedgerSequence. It returns the decoded fields, ready to
// sign. EINVALID with the reason for anything else, so a server can never make
// its user sign something other than the anchor they asked for.
func CheckUnsignedAnchor(unsignedHex, account string, memo anchor.Memo, maxFee uint64) (map[string]any, error) {
	fields, err := decodeHexTx("prepared transaction", unsignedHex)
	if err != nil {
		return nil, err
	}
	want, err := anchor.EncodeMemoHex(memo)
	if err != nil {
		return nil, err
	}
	bad := func(format string, args ...any) (map[string]any, error) {
		return nil, banx.Errorf(banx.EINVALID, "prepared transaction: "+format, args...)
	}
	for _, k := range sortedKeys(fields) {
		if _, ok := selfAnchorFields[k]; !ok {
			return bad("unexpected field %s: an anchor is an AccountSet that changes nothing", k)
		}
	}
	for k, required := range selfAnchorFields {
		if _, ok := fields[k]; required && !ok {
			return bad("field %s is missing", k)
		}
	}
	fee, err := strconv.ParseUint(fmt.Sprint(fields["Fee"]), 10, 64)
	switch {
	case fields["TransactionType"] != "AccountSet":
		return bad("type is %v, want AccountSet", fields["TransactionType"])
	case fields["Account"] != account:
		return bad("Account is %v, not %s", fields["Account"], account)
	case fields["Flags"] != nil && fmt.Sprint(fields["Flags"]) != "0":
		return bad("Flags is %v, want 0", fields["Flags"])
	case err != nil || fee > maxFee:
		return bad("Fee %v is above the limit of %d drops", fields["Fee"], maxFee)
	}
	if memos := memosOf(fields); len(memos) != 1 || memos[0] != want {
		return bad("the memo is not the anchor memo of this article version")
	}
	return fields, nil
}

// checkSignedAnchor checks an author's signed blob against the unsigned
// transaction Banx prepared: same type, Account the author, every field
// exactly as prepared (only SigningPubKey and TxnSignature added), the memo of
// the draft, and a valid single signature. It returns the signing public key.
// EINVALID with the reason for anything else, and then nothing is relayed.
func checkSignedAnchor(unsignedHex, blobHex, author string, memo anchor.MemoHex) (string, error) {
	signed, err := decodeHexTx("signed transaction", blobHex)
	if err != nil {
		return "", err
	}
	prepared, err := decodeHexTx("prepared transaction", unsignedHex)
	if err != nil {
		return "", banx.Wrap(banx.EINTERNAL, err, "stored prepared transaction is unreadable")
	}
	bad := func(format string, args ...any) (string, error) {
		return "", banx.Errorf(banx.EINVALID, "signed transaction: "+format, args...)
	}
	pub, _ := signed["SigningPubKey"].(string)
	sig, _ := signed["TxnSignature"].(string)
	switch {
	case signed["TransactionType"] != prepared["TransactionType"]:
		return bad("type is %v, the prepared anchor is %v", signed["TransactionType"], prepared["TransactionType"])
	case signed["Account"] != author:
		return bad("Account is %v, not the signed-in author %s", signed["Account"], author)
	case signed["Signers"] != nil:
		return bad("multi-signed transactions are not accepted as anchors")
	case pub == "" || sig == "":
		return bad("it is not signed (SigningPubKey and TxnSignature are required)")
	}
	if memos := memosOf(signed); len(memos) != 1 || memos[0] != memo {
		return bad("the memo differs from this draft's anchor memo")
	}
	stripped := make(map[string]any, len(signed))
	for k, v := range signed {
		if k != "SigningPubKey" && k != "TxnSignature" {
			stripped[k] = v
		}
	}
	if diff := firstDifference(prepared, stripped); diff != "" {
		return bad("%s: it must be exactly the prepared transaction", diff)
	}
	payload, err := binarycodec.EncodeForSigning(signed)
	if err != nil {
		return bad("cannot be re-encoded for signing: %v", err)
	}
	raw, _ := hex.DecodeString(payload)
	if err := anchor.VerifySignature(raw, strings.ToUpper(pub), strings.ToUpper(sig)); err != nil {
		return bad("%s", banx.ErrorMessage(err))
	}
	return strings.ToUpper(pub), nil
}

// firstDifference names the first field (in sorted order) that a and b do not
// share with the same value, or "" if they are equal.
func firstDifference(a, b map[string]any) string {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	var names []string
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		av, aok := a[k]
		bv, bok := b[k]
		switch {
		case !aok:
			return fmt.Sprintf("field %s was added", k)
		case !bok:
			return fmt.Sprintf("field %s was removed", k)
		case !reflect.DeepEqual(av, bv):
			return fmt.Sprintf("field %s is %s, prepared %s", k, clip(fmt.Sprint(bv)), clip(fmt.Sprint(av)))
		}
	}
	return ""
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}
