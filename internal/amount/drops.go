package amount

import (
	"math/big"
	"strconv"
	"strings"

	"github.com/banxmedia/banx/internal/banx"
)

// XRP is counted in drops, its indivisible unit.
const (
	// DropsPerXRP is the number of drops in one XRP.
	DropsPerXRP = 1_000_000
	// MaxDrops is all the XRP that will ever exist, 100,000,000,000 XRP
	// (rippled's cMaxNativeN); no XRP amount may be larger.
	MaxDrops int64 = 100_000_000_000_000_000
)

// ParseDrops parses an XRP amount written as the JSON API writes it, a string
// of drops, and accepts exactly what rippled accepts there (amountFromJson for
// a native amount): rippled's number grammar (see ParseIOU), provided the
// value has no negative power of ten. So:
//
//   - "10", "0" and "-10" are accepted; a negative amount is representable
//     and it is the transactor that refuses it (temBAD_AMOUNT), so callers
//     that need a positive amount check the sign;
//   - "1.5", "1.0", "10e-1" and "0.0" are refused ("XRP must be specified as
//     an integral amount"), as are leading zeros such as "01";
//   - unlike what one might expect, rippled accepts "+10" and "1e3" (1000
//     drops), so this does too; ParseDropsCanonical refuses them;
//   - the magnitude may not exceed MaxDrops.
//
// Errors are *banx.Error with code banx.EINVALID.
func ParseDrops(s string) (int64, error) {
	p, reason := parseParts(s)
	if reason != "" {
		return 0, invalidDrops(s, reason)
	}
	if p.exponent < 0 {
		return 0, invalidDrops(s, "XRP must be specified as an integral amount of drops")
	}
	first, n := p.firstSignificant(), p.ndigits()
	if first == n {
		return 0, nil
	}
	if n-first+p.exponent > 18 {
		return 0, invalidDrops(s, "exceeds the maximum 100000000000000000 drops")
	}
	var v int64
	for i := first; i < n; i++ {
		v = v*10 + int64(p.digit(i)-'0')
	}
	for range p.exponent {
		v *= 10
	}
	if v > MaxDrops {
		return 0, invalidDrops(s, "exceeds the maximum 100000000000000000 drops")
	}
	if p.negative {
		v = -v
	}
	return v, nil
}

// ParseDropsCanonical parses drops in the one form rippled emits and
// xrpl-go's binary codec accepts: decimal digits only, no sign, no leading
// zero, at most MaxDrops. Banx reads its own inputs (configuration, API
// requests) with it, so that a value it accepts can always be serialised.
func ParseDropsCanonical(s string) (int64, error) {
	if s == "" {
		return 0, invalidDrops(s, "empty string")
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, invalidDrops(s, "only the digits 0-9 are allowed")
		}
	}
	if len(s) > 1 && s[0] == '0' {
		return 0, invalidDrops(s, "leading zero")
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v > MaxDrops {
		return 0, invalidDrops(s, "exceeds the maximum 100000000000000000 drops")
	}
	return v, nil
}

// FormatDrops returns drops as the JSON API writes an XRP amount: a plain
// decimal integer.
func FormatDrops(drops int64) string { return strconv.FormatInt(drops, 10) }

// XRPToDrops converts a decimal XRP amount such as "1.5" or "0.000001" to
// drops. It accepts a non-negative plain decimal with at most 6 fraction
// digits (a drop is 0.000001 XRP, and anything finer would have to be rounded,
// which money code must not do silently), no exponent, no sign and no leading
// zero, and refuses more than 100,000,000,000 XRP.
func XRPToDrops(s string) (int64, error) {
	if s == "" {
		return 0, invalidXRP(s, "empty string")
	}
	intPart, frac, hasPoint := strings.Cut(s, ".")
	switch {
	case intPart == "":
		return 0, invalidXRP(s, "no digits before the decimal point")
	case hasPoint && frac == "":
		return 0, invalidXRP(s, "no digits after the decimal point")
	case !allDigits(intPart) || !allDigits(frac):
		return 0, invalidXRP(s, "only digits and one decimal point are allowed")
	case len(intPart) > 1 && intPart[0] == '0':
		return 0, invalidXRP(s, "leading zero")
	case len(frac) > 6:
		return 0, invalidXRP(s, "more than 6 decimal places (1 drop is 0.000001 XRP)")
	case len(intPart) > 12:
		return 0, invalidXRP(s, "exceeds the maximum 100000000000 XRP")
	}
	v, err := strconv.ParseInt(intPart+frac+strings.Repeat("0", 6-len(frac)), 10, 64)
	if err != nil || v > MaxDrops {
		return 0, invalidXRP(s, "exceeds the maximum 100000000000 XRP")
	}
	return v, nil
}

// DropsToXRP renders drops as a decimal XRP amount without trailing zeros:
// 1500000 is "1.5", 1 is "0.000001", -10 is "-0.00001".
func DropsToXRP(drops int64) string {
	r := new(big.Rat).SetFrac(big.NewInt(drops), big.NewInt(DropsPerXRP))
	s := r.FloatString(6)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func invalidDrops(s, reason string) error {
	return banx.Errorf(banx.EINVALID, "invalid XRP amount in drops %q: %s", clip(s), reason)
}

func invalidXRP(s, reason string) error {
	return banx.Errorf(banx.EINVALID, "invalid XRP amount %q: %s", clip(s), reason)
}
