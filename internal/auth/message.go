// Package auth signs authors in with their XRP Ledger wallet. The server issues
// a challenge (domain, address, nonce, issue and expiry time) as a short text;
// the author's wallet signs the text off-ledger; the server checks the
// signature, that the key belongs to the address (master key unless disabled,
// or the account's current RegularKey on the ledger), freshness and the domain,
// then uses the nonce up and opens a session. Only a hash of a session token is
// ever stored.
//
// The signed text starts with its own domain-separation line, LoginDomain, so
// a sign-in signature can never be mistaken for consent to publish (the anchor
// leaf starts with a different line) and can never be a transaction: every
// XRPL signing prefix is binary ("STX\0", ...), never "BANX".
package auth

import (
	"fmt"
	"strings"
	"time"

	"github.com/banxmedia/banx/internal/banx"
)

// LoginDomain is the first line of every sign-in message.
const LoginDomain = "BANX-LOGIN-V1"

const loginPurpose = "purpose: sign in to Banx"

// messageTime is how times are written in a challenge: RFC 3339 UTC, seconds.
const messageTime = "2006-01-02T15:04:05Z"

// MaxMessageBytes bounds a presented message before it is parsed.
const MaxMessageBytes = 1024

// Message returns the exact text an author signs for challenge c:
//
//	BANX-LOGIN-V1
//	purpose: sign in to Banx
//	domain: banx.example
//	address: r...
//	nonce: 32 hex characters
//	issued: 2026-11-25T12:00:00Z
//	expires: 2026-11-25T12:05:00Z
//
// Every line ends in "\n". It is plain text so a wallet can show it.
func Message(c banx.Challenge) string {
	var b strings.Builder
	b.WriteString(LoginDomain + "\n")
	b.WriteString(loginPurpose + "\n")
	b.WriteString("domain: " + c.Domain + "\n")
	b.WriteString("address: " + c.Address + "\n")
	b.WriteString("nonce: " + c.Nonce + "\n")
	b.WriteString("issued: " + c.IssuedAt.UTC().Format(messageTime) + "\n")
	b.WriteString("expires: " + c.ExpiresAt.UTC().Format(messageTime) + "\n")
	return b.String()
}

// ParseMessage reads a sign-in message back into its challenge. It accepts
// only the exact layout Message writes, so one challenge has one spelling and
// a signature over any other text is refused before it is checked.
func ParseMessage(msg string) (banx.Challenge, error) {
	bad := func(format string, args ...any) (banx.Challenge, error) {
		return banx.Challenge{}, banx.Errorf(banx.EINVALID, "sign-in message: "+format, args...)
	}
	if len(msg) > MaxMessageBytes {
		return bad("%d bytes, at most %d", len(msg), MaxMessageBytes)
	}
	if !strings.HasSuffix(msg, "\n") {
		return bad("must end with a newline")
	}
	lines := strings.Split(strings.TrimSuffix(msg, "\n"), "\n")
	if len(lines) == 0 || lines[0] != LoginDomain {
		return bad("first line must be %q: this is not a Banx sign-in message", LoginDomain)
	}
	if len(lines) != 7 || lines[1] != loginPurpose {
		return bad("want the 7 lines of a %s message", LoginDomain)
	}
	var c banx.Challenge
	var issued, expires string
	type field struct {
		name string
		dst  *string
	}
	fields := []field{{"domain", &c.Domain}, {"address", &c.Address}, {"nonce", &c.Nonce}, {"issued", &issued}, {"expires", &expires}}
	for i, f := range fields {
		v, ok := strings.CutPrefix(lines[2+i], f.name+": ")
		if !ok || v == "" {
			return bad("line %d must be %q followed by a value", 3+i, f.name+": ")
		}
		*f.dst = v
	}
	var err error
	if c.IssuedAt, err = time.Parse(messageTime, issued); err != nil {
		return bad("issued %q is not an RFC 3339 UTC time", issued)
	}
	if c.ExpiresAt, err = time.Parse(messageTime, expires); err != nil {
		return bad("expires %q is not an RFC 3339 UTC time", expires)
	}
	c.Message = msg
	if Message(c) != msg {
		return bad("not in canonical form")
	}
	return c, nil
}

func checkNonce(n string) error {
	if len(n) != 32 {
		return fmt.Errorf("nonce must be 32 lower-case hex characters")
	}
	for i := 0; i < len(n); i++ {
		if c := n[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return fmt.Errorf("nonce must be 32 lower-case hex characters")
		}
	}
	return nil
}
