// Package address validates XRPL classic addresses from untrusted input.
//
// xrpl-go v0.3.0's base58 decoder indexes a 256-entry table by rune and panics on
// any non-ASCII character, so its IsValidClassicAddress must never see raw input.
// Every package that accepts an address from outside goes through IsClassic.
package address

import (
	"strings"

	addresscodec "github.com/Peersyst/xrpl-go/address-codec"
)

// Alphabet is the XRPL's base58 alphabet.
const Alphabet = "rpshnaf39wBUDNEGHJKLM4PQRST7VWXYZ2bcdeCg65jkm8oFqi1tuvAxyz"

// Classic addresses are 25 to 35 characters long (a 21-byte payload in base58).
const (
	MinLength = 25
	MaxLength = 35
)

// IsClassic reports whether s is a classic address ("r...") with a valid checksum.
// It never panics, whatever s holds.
func IsClassic(s string) bool {
	if len(s) < MinLength || len(s) > MaxLength || s[0] != 'r' || strings.Trim(s, Alphabet) != "" {
		return false
	}
	return addresscodec.IsValidClassicAddress(s)
}
