// Package banx holds Banx's domain: the types every adapter speaks, and the error
// codes by which failures cross package boundaries. It imports only the standard
// library, so every other package can depend on it without cycles.
package banx

import (
	"errors"
	"fmt"
)

// Error codes. Adapters translate their own failures into one of these so that the
// HTTP layer and the CLI can map a failure to a status or exit message in one place.
const (
	EINVALID      = "invalid"                // the caller sent something malformed or out of range
	ENOTFOUND     = "not_found"              // the thing asked for does not exist
	ECONFLICT     = "conflict"               // the request contradicts stored state
	EUNAUTHORIZED = "unauthorized"           // no valid credentials
	EFORBIDDEN    = "forbidden"              // credentials valid, but not for this
	ETOOLARGE     = "too_large"              // a body or field is over its limit
	EUNSUPPORTED  = "unsupported_media_type" // a body of a kind the operation does not take
	ETOOMANY      = "too_many_requests"      // the caller is over a rate limit; retry later
	EUNAVAILABLE  = "unavailable"            // a dependency (IPFS, ledger, disk) cannot be reached
	EINTERNAL     = "internal"               // a bug or an unexpected failure
)

// Error is an application error: a code for machines and a message for people.
// The message must be safe to show to the caller; details for operators belong in
// the wrapped error, which is logged but never sent.
type Error struct {
	Code    string
	Message string
	Err     error // optional underlying cause, for logs and errors.Is/As
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Unwrap exposes the cause to errors.Is and errors.As.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an *Error with the given code and message that keeps err as its cause.
func Wrap(code string, err error, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: err}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for any
// other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the caller-safe message of the first *Error in err's chain,
// or a generic message for errors that carry no code (their detail may leak internals).
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
