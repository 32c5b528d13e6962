package verify

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	binarycodec "github.com/Peersyst/xrpl-go/binary-codec"
	"github.com/banxmedia/banx/internal/banx"
)

// Ledger is the one XRP Ledger node a verification asks. Verification trusts
// it for what only a ledger can say (this transaction is in a validated
// ledger with this result; this account had these keys at that ledger) and
// checks everything else itself: the transaction it returns must hash to the
// hash asked for, and its memo and signature are decoded and verified locally.
type Ledger interface {
	// NetworkID returns the network_id of server_info; known is false when the
	// node does not report one. EUNAVAILABLE when the node does not answer.
	NetworkID(ctx context.Context) (id uint32, known bool, err error)
	// Tx returns the transaction with this hash (64 upper-case hex digits). When
	// ledgerIndex is not 0 the node is told to search that ledger only, so that
	// "not found" can be told from "the node lacks that ledger". ENOTFOUND when
	// the node searched and does not have it; EUNAVAILABLE when it does not
	// answer or lacks the history; EINVALID for a malformed answer.
	Tx(ctx context.Context, hash string, ledgerIndex uint32) (LedgerTx, error)
	// AccountAt returns the account's root entry in the validated ledger
	// ledgerIndex. ENOTFOUND when the account did not exist in that ledger;
	// EUNAVAILABLE when the node does not answer or lacks that ledger.
	AccountAt(ctx context.Context, address string, ledgerIndex uint32) (AccountState, error)
}

// LedgerTx is a transaction as the node returned it.
type LedgerTx struct {
	Hash        string    // as the node labelled it; verification recomputes it from Blob
	Blob        string    // the signed transaction, upper-case hex
	Validated   bool      // in a validated ledger
	Result      string    // TransactionResult from the metadata; "" when not in a ledger
	LedgerIndex uint32    // the ledger holding it, when validated
	CloseTime   time.Time // that ledger's close time, when validated (zero if the node gave none)
}

// AccountState is what key ownership needs of an AccountRoot.
type AccountState struct {
	Flags      uint32 // lsf* flags
	RegularKey string // "" when none is set
}

// LsfDisableMaster is the AccountRoot flag that forbids the master key from
// signing: a signature by the master key is not the account's once it is set.
const LsfDisableMaster uint32 = 0x00100000

// rippleEpoch is 2000-01-01T00:00:00Z, the origin of XRPL timestamps.
const rippleEpoch = 946684800

// wireTx is the API v2 binary answer of the tx method.
type wireTx struct {
	Hash         string  `json:"hash"`
	TxBlob       string  `json:"tx_blob"`
	MetaBlob     string  `json:"meta_blob"`
	Meta         any     `json:"meta"` // API v1 spelling of meta_blob
	LedgerIndex  *uint32 `json:"ledger_index"`
	Validated    bool    `json:"validated"`
	CloseTimeISO string  `json:"close_time_iso"`
	Date         *int64  `json:"date"`
}

// parseTx reads the tx answer. The metadata blob is decoded only for its
// TransactionResult, with xrpl-go's codec reading untrusted bytes, so a panic
// there is turned into a malformed-answer error.
func parseTx(raw json.RawMessage) (t LedgerTx, err error) {
	var w wireTx
	if err := json.Unmarshal(raw, &w); err != nil {
		return LedgerTx{}, fmt.Errorf("tx answer: %v", err)
	}
	if w.TxBlob == "" {
		return LedgerTx{}, fmt.Errorf("tx answer has no tx_blob")
	}
	t = LedgerTx{Hash: strings.ToUpper(w.Hash), Blob: strings.ToUpper(w.TxBlob), Validated: w.Validated}
	meta := w.MetaBlob
	if meta == "" {
		meta, _ = w.Meta.(string)
	}
	if meta != "" {
		if t.Result, err = transactionResult(meta); err != nil {
			return LedgerTx{}, err
		}
	}
	if !w.Validated {
		return t, nil
	}
	if w.LedgerIndex == nil || *w.LedgerIndex == 0 {
		return LedgerTx{}, fmt.Errorf("validated transaction without ledger_index")
	}
	if t.Result == "" {
		return LedgerTx{}, fmt.Errorf("validated transaction without metadata")
	}
	t.LedgerIndex = *w.LedgerIndex
	switch {
	case w.CloseTimeISO != "":
		ct, err := time.Parse(time.RFC3339, w.CloseTimeISO)
		if err != nil {
			return LedgerTx{}, fmt.Errorf("close_time_iso %q is not an RFC 3339 time", clip(w.CloseTimeISO))
		}
		t.CloseTime = ct.UTC()
	case w.Date != nil:
		t.CloseTime = time.Unix(*w.Date+rippleEpoch, 0).UTC()
	}
	return t, nil
}

func transactionResult(metaHex string) (result string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("metadata blob cannot be decoded")
		}
	}()
	fields, err := binarycodec.Decode(metaHex)
	if err != nil {
		return "", fmt.Errorf("metadata blob cannot be decoded: %v", err)
	}
	r, _ := fields["TransactionResult"].(string)
	if r == "" {
		return "", fmt.Errorf("metadata has no TransactionResult")
	}
	return r, nil
}

// rpcError is an error answer of the node: {"error": "txnNotFound", ...}.
type rpcError struct {
	Name        string `json:"error"`
	Message     string `json:"error_message"`
	SearchedAll *bool  `json:"searched_all"`
}

// asError gives an RPC error its banx code. Only answers that settle the
// question are ENOTFOUND: a node that lacks the ledger asked about cannot say
// whether a transaction or an account is in it.
func (e rpcError) asError(method string) error {
	msg := e.Name
	if e.Message != "" {
		msg += ": " + clip(e.Message)
	}
	switch e.Name {
	case "txnNotFound":
		if e.SearchedAll != nil && !*e.SearchedAll {
			return banx.Errorf(banx.EUNAVAILABLE, "%s: the node does not hold the ledger history to tell (%s)", method, msg)
		}
		return banx.Errorf(banx.ENOTFOUND, "%s: %s", method, msg)
	case "actNotFound":
		return banx.Errorf(banx.ENOTFOUND, "%s: %s", method, msg)
	case "lgrNotFound", "noNetwork", "noCurrent", "noClosed", "tooBusy", "slowDown", "amendmentBlocked", "notSynced":
		return banx.Errorf(banx.EUNAVAILABLE, "%s: %s", method, msg)
	}
	return banx.Errorf(banx.EINVALID, "%s: the node refused the request: %s", method, msg)
}

func clip(s string) string {
	if len(s) > 120 {
		return s[:120] + "..."
	}
	return s
}
