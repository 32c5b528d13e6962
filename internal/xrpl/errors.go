package xrpl

import (
	"errors"
	"fmt"
	"strings"

	"github.com/Peersyst/xrpl-go/binary-codec/definitions"

	"github.com/banxmedia/banx/internal/banx"
)

// ErrExpired reports that a transaction can never apply: a validated ledger is past
// its LastLedgerSequence and does not contain it. Only then is it safe to build and
// sign a replacement. Every *ExpiredError matches it with errors.Is.
var ErrExpired = banx.Errorf(banx.EUNAVAILABLE, "transaction expired: the ledger passed its LastLedgerSequence without applying it")

// ExpiredError is the detailed form of ErrExpired, for logs and reconciliation.
type ExpiredError struct {
	Hash               string
	LastLedgerSequence uint32
	ValidatedLedger    uint32 // first validated ledger seen past LastLedgerSequence
	LastResult         string // last provisional engine result, "" if never submitted here
}

// Error implements the error interface.
func (e *ExpiredError) Error() string {
	msg := fmt.Sprintf("transaction %s expired: validated ledger %d is past LastLedgerSequence %d",
		e.Hash, e.ValidatedLedger, e.LastLedgerSequence)
	if e.LastResult != "" {
		msg += " (last provisional result " + e.LastResult + ")"
	}
	return msg
}

// Unwrap makes errors.Is(err, ErrExpired) and banx.ErrorCode work.
func (e *ExpiredError) Unwrap() error { return ErrExpired }

// EngineError is a transaction result other than tesSUCCESS. Its class says what
// happened: tec was applied and is final (fee burned, sequence used, effect not done);
// tef and tem were never applied; ter and tel are provisional and may still apply.
type EngineError struct {
	Result  string // the engine result name, e.g. "tecPATH_DRY"
	Code    int    // its numeric code, e.g. 128
	Message string // the server's human explanation when it sent one
	Hash    string // the transaction ID, when known
}

// Error implements the error interface.
func (e *EngineError) Error() string {
	var b strings.Builder
	b.WriteString("transaction ")
	if e.Hash != "" {
		b.WriteString(e.Hash + " ")
	}
	fmt.Fprintf(&b, "failed: %s (%d)", e.Result, e.Code)
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	return b.String()
}

// Unwrap exposes a domain error code, so callers that only know banx codes can map
// an engine failure: tem is the caller's mistake, tec/tef contradict ledger state,
// ter/tel mean the ledger could not take it now.
func (e *EngineError) Unwrap() error {
	code := banx.ECONFLICT
	switch {
	case e.IsTem():
		code = banx.EINVALID
	case e.IsTer(), e.IsTel():
		code = banx.EUNAVAILABLE
	}
	return banx.Errorf(code, "ledger refused the transaction: %s", e.Result)
}

// IsTec reports a claimed-fee failure: final once validated, never to be retried blindly.
func (e *EngineError) IsTec() bool { return strings.HasPrefix(e.Result, "tec") }

// IsTef reports a failure that was never applied and cannot apply in the future.
func (e *EngineError) IsTef() bool { return strings.HasPrefix(e.Result, "tef") }

// IsTem reports a malformed transaction: never applied, never will be.
func (e *EngineError) IsTem() bool { return strings.HasPrefix(e.Result, "tem") }

// IsTer reports a retryable result: not applied yet, may still apply.
func (e *EngineError) IsTer() bool { return strings.HasPrefix(e.Result, "ter") }

// IsTel reports a local (this server only) failure: not applied here, may still apply.
func (e *EngineError) IsTel() bool { return strings.HasPrefix(e.Result, "tel") }

// IsTec reports whether err carries an *EngineError of class tec.
func IsTec(err error) bool { e, ok := asEngine(err); return ok && e.IsTec() }

// IsTef reports whether err carries an *EngineError of class tef.
func IsTef(err error) bool { e, ok := asEngine(err); return ok && e.IsTef() }

// IsTem reports whether err carries an *EngineError of class tem.
func IsTem(err error) bool { e, ok := asEngine(err); return ok && e.IsTem() }

// IsTer reports whether err carries an *EngineError of class ter.
func IsTer(err error) bool { e, ok := asEngine(err); return ok && e.IsTer() }

// IsTel reports whether err carries an *EngineError of class tel.
func IsTel(err error) bool { e, ok := asEngine(err); return ok && e.IsTel() }

func asEngine(err error) (*EngineError, bool) {
	var e *EngineError
	ok := errors.As(err, &e)
	return e, ok
}

// engineError builds an *EngineError, filling the numeric code from the protocol
// definitions when the server did not send one.
func engineError(result string, code *int, message, hash string) *EngineError {
	e := &EngineError{Result: result, Message: message, Hash: hash}
	if code != nil {
		e.Code = *code
	} else {
		e.Code = engineCode(result)
	}
	return e
}

// engineCode returns the protocol's numeric code for an engine result name, or -1
// for a name the protocol definitions do not know.
func engineCode(result string) int {
	if c, ok := definitions.Get().TransactionResults[result]; ok {
		return int(c)
	}
	return -1
}

// resultClass returns the three-letter class of an engine result ("tes", "tec", ...).
func resultClass(result string) string {
	if len(result) < 3 {
		return ""
	}
	return result[:3]
}

// RPCError is an error the ledger server answered instead of a result: the request
// itself failed (unknown account, unknown transaction, bad parameters...).
type RPCError struct {
	Method  string // the API method, e.g. "account_info"
	Name    string // the error token, e.g. "actNotFound"
	Code    int    // rippled's numeric error code, -1 when unknown
	Message string // rippled's default explanation for the token
}

// Error implements the error interface.
func (e *RPCError) Error() string {
	if e.Message != "" {
		return fmt.Sprintf("%s: %s: %s", e.Method, e.Name, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.Method, e.Name)
}

// Unwrap maps the token to a domain code so HTTP handlers need not know rippled.
func (e *RPCError) Unwrap() error {
	return banx.Errorf(rpcErrorCode(e.Name), "ledger %s: %s", e.Method, e.Name)
}

// IsNotFound reports whether err is an RPC error meaning "no such thing"
// (actNotFound, txnNotFound, lgrNotFound, entryNotFound, objectNotFound).
func IsNotFound(err error) bool {
	var e *RPCError
	return errors.As(err, &e) && rpcErrorCode(e.Name) == banx.ENOTFOUND
}

// rpcErrors lists the tokens a client meets in practice, with rippled's numeric
// code and default message (include/xrpl/protocol/ErrorCodes.h).
var rpcErrors = map[string]struct {
	code int
	msg  string
	kind string
}{
	"actNotFound":        {19, "Account not found.", banx.ENOTFOUND},
	"lgrNotFound":        {21, "ledgerNotFound", banx.ENOTFOUND},
	"lgrNotValidated":    {22, "Ledger not validated.", banx.EUNAVAILABLE},
	"txnNotFound":        {29, "Transaction not found.", banx.ENOTFOUND},
	"entryNotFound":      {-1, "Entry not found.", banx.ENOTFOUND},
	"objectNotFound":     {92, "The requested object was not found.", banx.ENOTFOUND},
	"invalidParams":      {31, "Invalid parameters.", banx.EINVALID},
	"unknownCmd":         {32, "Unknown method.", banx.EINTERNAL},
	"actMalformed":       {35, "Account malformed.", banx.EINVALID},
	"invalidTransaction": {-1, "Transaction fails local checks.", banx.EINVALID},
	"notImpl":            {74, "Not implemented.", banx.EINVALID},
	"noPermission":       {6, "You don't have permission for this command.", banx.EFORBIDDEN},
	"forbidden":          {3, "Bad credentials.", banx.EFORBIDDEN},
	"notStandAlone":      {-1, "Operation valid in debug mode only.", banx.EFORBIDDEN},
	"tooBusy":            {9, "The server is too busy to help you now.", banx.EUNAVAILABLE},
	"slowDown":           {10, "You are placing too much load on the server.", banx.EUNAVAILABLE},
	"notReady":           {13, "Not ready to handle this request.", banx.EUNAVAILABLE},
	"noClosed":           {15, "Closed ledger is unavailable.", banx.EUNAVAILABLE},
	"noCurrent":          {16, "Current ledger is unavailable.", banx.EUNAVAILABLE},
	"noNetwork":          {17, "Not synced to the network.", banx.EUNAVAILABLE},
	"notSynced":          {18, "Not synced to the network.", banx.EUNAVAILABLE},
	"amendmentBlocked":   {14, "Amendment blocked, need upgrade.", banx.EUNAVAILABLE},
	"highFee":            {11, "Current transaction fee exceeds your limit.", banx.EUNAVAILABLE},
	"internal":           {73, "Internal error.", banx.EINTERNAL},
}

func newRPCError(method, name string) *RPCError {
	e := &RPCError{Method: method, Name: name, Code: -1}
	if k, ok := rpcErrors[name]; ok {
		e.Code, e.Message = k.code, k.msg
	}
	return e
}

func rpcErrorCode(name string) string {
	if k, ok := rpcErrors[name]; ok {
		return k.kind
	}
	return banx.EINTERNAL
}

// transportError marks a failure to reach the node or to get its answer, as opposed
// to an answer that says no. Only these are retried, and only where that is safe.
type transportError struct{ err error }

func (e *transportError) Error() string { return e.err.Error() }
func (e *transportError) Unwrap() error { return e.err }

// unreachable wraps a transport failure as EUNAVAILABLE naming the node.
func unreachable(url, method string, err error) error {
	return banx.Wrap(banx.EUNAVAILABLE, &transportError{err}, "ledger node %s unreachable (%s)", url, method)
}

// malformed reports an answer that does not have the shape the API promises.
func malformed(url, method string, err error) error {
	return banx.Wrap(banx.EUNAVAILABLE, err, "ledger node %s sent a malformed %s response", url, method)
}

// isUnavailable reports whether err means the node could not be reached or did not
// answer: the only failures a read may retry.
func isUnavailable(err error) bool {
	var te *transportError
	return errors.As(err, &te)
}
