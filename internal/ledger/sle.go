package ledger

import (
	"fmt"
	"maps"
	"strconv"

	"github.com/Peersyst/xrpl-go/pkg/typecheck"
)

// sle is a ledger entry (or a transaction) in the binary codec's JSON form, so the
// codec serializes it for hashing and storage and metadata can copy fields verbatim.
// Stored sles are immutable: writers clone, set, and put the clone back.
type sle = map[string]any

// Ledger-entry flag bits (rippled LedgerFormats.h).
const (
	lsfPasswordSpent  = 0x00010000
	lsfRequireDestTag = 0x00020000
	lsfRequireAuth    = 0x00040000
	lsfDisallowXRP    = 0x00080000
	lsfDisableMaster  = 0x00100000
	lsfNoFreeze       = 0x00200000
	lsfGlobalFreeze   = 0x00400000
	lsfDefaultRipple  = 0x00800000
	lsfDepositAuth    = 0x01000000

	lsfLowReserve   = 0x00010000
	lsfHighReserve  = 0x00020000
	lsfLowAuth      = 0x00040000
	lsfHighAuth     = 0x00080000
	lsfLowNoRipple  = 0x00100000
	lsfHighNoRipple = 0x00200000
	lsfLowFreeze    = 0x00400000
	lsfHighFreeze   = 0x00800000
)

func getU32(m sle, f string) uint32 {
	v, _ := typecheck.ToUint32(m[f])
	return v
}

func hasField(m sle, f string) bool {
	_, ok := m[f]
	return ok
}

func getStr(m sle, f string) string {
	s, _ := m[f].(string)
	return s
}

// getU64 reads a UInt64 field, which the codec renders as 16 hex digits.
func getU64(m sle, f string) uint64 {
	s, _ := m[f].(string)
	v, _ := strconv.ParseUint(s, 16, 64)
	return v
}

func fmtU64(v uint64) string { return fmt.Sprintf("%016X", v) }

func getDrops(m sle, f string) int64 {
	v, _ := strconv.ParseInt(getStr(m, f), 10, 64)
	return v
}

func fmtDrops(d int64) string { return strconv.FormatInt(d, 10) }

func getAccount(m sle, f string) (AccountID, bool) {
	s := getStr(m, f)
	if s == "" {
		return AccountID{}, false
	}
	a, err := parseAccount(s)
	return a, err == nil
}

func getAmount(m sle, f string) (amount, bool) {
	v, ok := m[f]
	if !ok {
		return amount{}, false
	}
	a, err := parseAmount(v)
	return a, err == nil
}

func cloneSLE(m sle) sle { return maps.Clone(m) }
