package ledger

import (
	"encoding/hex"
	"fmt"
	"strings"

	addresscodec "github.com/Peersyst/xrpl-go/address-codec"
	"github.com/Peersyst/xrpl-go/binary-codec/definitions"
	"github.com/Peersyst/xrpl-go/keypairs"
	"github.com/Peersyst/xrpl-go/pkg/typecheck"
)

// txn is a decoded, signature-checked transaction ready for the engine.
type txn struct {
	blob      []byte
	id        Hash
	fields    sle // the codec's JSON form
	typ       string
	account   AccountID
	seq       uint32
	ticket    uint32 // TicketSequence; valid when hasTicket
	hasTicket bool
	fee       amount
	flags     uint32
	signer    AccountID // account id of SigningPubKey
	multi     bool      // Signers present
	expire    uint32    // last open ledger in which a held transaction is retried
}

// seqProxy orders transactions of one account: sequences before tickets, each by value.
func (t *txn) seqProxy() (bool, uint32) {
	if t.hasTicket {
		return true, t.ticket
	}
	return false, t.seq
}

// commonFields are rippled's TxFormats common fields; required ones are marked true.
var commonFields = map[string]bool{
	"TransactionType": true, "Flags": false, "SourceTag": false, "Account": true,
	"Sequence": true, "PreviousTxnID": false, "LastLedgerSequence": false,
	"AccountTxnID": false, "Fee": true, "OperationLimit": false, "Memos": false,
	"SigningPubKey": true, "TicketSequence": false, "TxnSignature": false,
	"Signers": false, "NetworkID": false, "Delegate": false,
}

// txFormats are the specific fields of the transaction types this ledger implements.
var txFormats = map[string]map[string]bool{
	"Payment": {"Destination": true, "Amount": true, "SendMax": false, "Paths": false,
		"InvoiceID": false, "DestinationTag": false, "DeliverMin": false,
		"CredentialIDs": false, "DomainID": false},
	"TrustSet": {"LimitAmount": false, "QualityIn": false, "QualityOut": false},
	"AccountSet": {"EmailHash": false, "WalletLocator": false, "WalletSize": false,
		"MessageKey": false, "Domain": false, "TransferRate": false, "SetFlag": false,
		"ClearFlag": false, "TickSize": false, "NFTokenMinter": false},
	"SetRegularKey": {"RegularKey": false},
	"TicketCreate":  {"TicketCount": true},
}

var pseudoTypes = map[string]bool{"EnableAmendment": true, "SetFee": true, "UNLModify": true}

// txError is a failure to accept a blob at all: rippled answers it with the
// invalidTransaction RPC error and the reason in error_exception.
type txError struct{ reason string }

func (e *txError) Error() string { return e.reason }

// decodeTx decodes and checks a signed blob as rippled's submit does before the
// engine sees it: deserialize, apply the type's template, verify the single signature
// over the STX-prefixed signing data, then the local checks.
func decodeTx(blob []byte) (t *txn, err error) {
	defer func() {
		if r := recover(); r != nil {
			t, err = nil, &txError{reason: fmt.Sprint("Malformed transaction: ", r)}
		}
	}()
	fields, err := decodeFields(blob)
	if err != nil {
		return nil, &txError{reason: err.Error()}
	}
	typ, _ := fields["TransactionType"].(string)
	if typ == "" {
		return nil, &txError{reason: "invalid transaction type"}
	}
	if f, ok := txFormats[typ]; ok {
		if err := applyTemplate(fields, f); err != nil {
			return nil, err
		}
	} else if err := applyTemplate(fields, nil); err != nil {
		return nil, err
	}
	t = &txn{blob: blob, fields: fields, typ: typ}
	t.id = sha512Half(prefixTxID, blob)
	if t.account, err = parseAccount(getStr(fields, "Account")); err != nil {
		return nil, &txError{reason: "invalid account"}
	}
	t.seq = getU32(fields, "Sequence")
	if _, ok := fields["TicketSequence"]; ok {
		t.hasTicket, t.ticket = true, getU32(fields, "TicketSequence")
	}
	t.flags = getU32(fields, "Flags")
	if t.fee, err = parseAmount(fields["Fee"]); err != nil {
		return nil, &txError{reason: "invalid Fee"}
	}
	_, t.multi = fields["Signers"]
	if err := checkSignature(t); err != nil {
		return nil, err
	}
	if reason := localChecks(fields); reason != "" {
		return nil, &txError{reason: "fails local checks: " + reason}
	}
	return t, nil
}

func applyTemplate(fields sle, specific map[string]bool) error {
	for name, req := range commonFields {
		if _, ok := fields[name]; req && !ok {
			return &txError{reason: "Field '" + name + "' is required but missing."}
		}
	}
	if specific == nil {
		return nil
	}
	for name, req := range specific {
		if _, ok := fields[name]; req && !ok {
			return &txError{reason: "Field '" + name + "' is required but missing."}
		}
	}
	for name := range fields {
		if _, ok := commonFields[name]; ok {
			continue
		}
		if _, ok := specific[name]; !ok {
			return &txError{reason: "Field '" + name + "' found in disallowed location."}
		}
	}
	return nil
}

// checkSignature verifies a single signature; multi-signed transactions are left for
// the engine, which rejects them because no account here can hold a SignerList.
func checkSignature(t *txn) error {
	bad := &txError{reason: "fails local checks: Invalid signature."}
	pub := getStr(t.fields, "SigningPubKey")
	if t.multi {
		if pub != "" {
			return bad
		}
		return nil
	}
	sig := getStr(t.fields, "TxnSignature")
	if pub == "" || sig == "" {
		return bad
	}
	signing, err := signingData(t.fields)
	if err != nil {
		return bad
	}
	ok, err := keypairs.Validate(string(prefixSigning)+string(signing), pub, sig)
	if err != nil || !ok {
		return bad
	}
	pk, err := hex.DecodeString(pub)
	if err != nil {
		return bad
	}
	copy(t.signer[:], addresscodec.Sha256RipeMD160(pk))
	return nil
}

// urlChars are the characters RFC 3986 allows, the only ones rippled accepts in
// MemoType and MemoFormat.
const urlChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%"

// localChecks is rippled's passesLocalChecks; it returns the reason or "".
func localChecks(fields sle) string {
	if m, ok := fields["Memos"]; ok {
		enc, err := encodeFields(map[string]any{"Memos": m})
		if err != nil {
			return "A memo array may contain only Memo objects."
		}
		// The array's own field header and end marker are not counted by rippled.
		if len(enc)-2 > 1024 {
			return "The memo exceeds the maximum allowed size."
		}
		list, _ := m.([]any)
		for _, item := range list {
			wrap, _ := item.(map[string]any)
			memo, ok := wrap["Memo"].(map[string]any)
			if !ok || len(wrap) != 1 {
				return "A memo array may contain only Memo objects."
			}
			for name, v := range memo {
				if name != "MemoType" && name != "MemoData" && name != "MemoFormat" {
					return "A memo may contain only MemoType, MemoData or MemoFormat fields."
				}
				s, _ := typecheck.ToString(v)
				raw, err := hex.DecodeString(s)
				if err != nil {
					return "The MemoType, MemoData and MemoFormat fields may only contain hex-encoded data."
				}
				if name == "MemoData" {
					continue
				}
				for _, c := range string(raw) {
					if !strings.ContainsRune(urlChars, c) {
						return "The MemoType and MemoFormat fields may only contain characters that are allowed in URLs under RFC 3986."
					}
				}
			}
		}
	}
	if pseudoTypes[getStr(fields, "TransactionType")] {
		return "Cannot submit pseudo transactions."
	}
	return ""
}

// resultCode is the numeric engine result of a token, from the codec's definitions.
func resultCode(token string) int {
	c, err := definitions.Get().GetTransactionResultTypeCodeByTransactionResultName(token)
	if err != nil {
		return 0
	}
	return int(c)
}
