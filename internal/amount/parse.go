package amount

import (
	"fmt"
	"math"

	"github.com/banxmedia/banx/internal/banx"
)

// numberParts is rippled's NumberParts: the digits of a decimal string and the
// power of ten they are scaled by, before any normalisation.
type numberParts struct {
	negative bool
	intPart  string // integer digits as written
	frac     string // fraction digits as written
	exponent int    // -len(frac) + explicit exponent
}

// ndigits is the number of digits written, integer and fraction together.
func (p *numberParts) ndigits() int { return len(p.intPart) + len(p.frac) }

// digit returns the i-th written digit, reading through the decimal point.
func (p *numberParts) digit(i int) byte {
	if i < len(p.intPart) {
		return p.intPart[i]
	}
	return p.frac[i-len(p.intPart)]
}

// firstSignificant is the index of the first non-zero digit, or ndigits.
func (p *numberParts) firstSignificant() int {
	i := 0
	for i < p.ndigits() && p.digit(i) == '0' {
		i++
	}
	return i
}

// parseParts accepts exactly the grammar of rippled's partsFromString
// (STNumber.cpp), the parser behind every amount in the JSON API:
//
//	^([-+]?)(0|[1-9][0-9]*)(\.([0-9]+))?([eE]([+-]?)([0-9]+))?$
//
// So "+1", "1.5e-3" and "1E+10" are numbers, while "", "-", ".5", "5.", "01",
// "1e", " 1", "0x10", "NaN" and "Inf" are not. The explicit exponent must fit
// a C int, as rippled's boost::lexical_cast<int> requires. The reason returned
// names the first rule the input breaks.
func parseParts(s string) (numberParts, string) {
	if s == "" {
		return numberParts{}, "empty string"
	}
	var p numberParts
	i := 0
	if s[0] == '-' || s[0] == '+' {
		p.negative = s[0] == '-'
		i++
	}
	start := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	intPart := s[start:i]
	switch {
	case intPart == "":
		if i < len(s) {
			return p, fmt.Sprintf("expected a digit at offset %d, found %q", i, s[i])
		}
		return p, "no digits"
	case len(intPart) > 1 && intPart[0] == '0':
		return p, "leading zero in the integer part"
	}
	frac := ""
	if i < len(s) && s[i] == '.' {
		i++
		fs := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		frac = s[fs:i]
		if frac == "" {
			return p, "no digits after the decimal point"
		}
	}
	exp := 0
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		expNeg := false
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			expNeg = s[i] == '-'
			i++
		}
		es := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if es == i {
			return p, "no digits in the exponent"
		}
		for _, c := range s[es:i] {
			exp = exp*10 + int(c-'0')
			if exp > math.MaxInt32 {
				return p, "exponent does not fit in 32 bits"
			}
		}
		if expNeg {
			exp = -exp
		}
	}
	if i < len(s) {
		return p, fmt.Sprintf("unexpected %q at offset %d", s[i], i)
	}
	p.intPart, p.frac = intPart, frac
	p.exponent = exp - len(frac)
	return p, ""
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// ParseIOU parses an issued-currency value in any text form the XRPL JSON API
// accepts ("1", "-1.5", "+2", "0.0001", "1e-3", "1.23E+10",
// "1000000000000000e-5") and normalises it as rippled does when it reads an
// amount (amountFromString, then STAmount::canonicalize through Number):
//
//   - More than 16 significant digits are not an error: the value is rounded to
//     16 digits, to nearest with ties to even ("1.0000000000000005" is 1,
//     "1.0000000000000015" is 1.000000000000002). xrpl-go's binary codec
//     rejects such strings instead ("Precision is out of range"), so text meant
//     for xrpl-go must come from String, which never has more than 16 digits.
//   - Below 1e-81 the value becomes zero; above 9999999999999999e80 it is an
//     error wrapping ErrOverflow. "-0" is zero.
//   - The grammar is rippled's (see parseParts); anything else is rejected.
//
// One deliberate difference: rippled reads the digits into a uint64, so it
// refuses digit strings above 18446744073709551615 and silently corrupts those
// between 2^63 and 2^64 (it casts them to int64). ParseIOU reads any number of
// digits exactly, because xrpl-go's binary-codec Decode renders large or tiny
// values as long plain decimals ("1" followed by 30 zeros) that must parse back
// to the value they came from. ParseIOUStrict keeps rippled's limit.
//
// Errors are *banx.Error with code banx.EINVALID.
func ParseIOU(s string) (IOU, error) { return parseIOU(s, false) }

// ParseIOUStrict is ParseIOU with rippled's limit on the digit string: the
// digits, with the decimal point removed, must not exceed 2^63-1. The embedded
// ledger uses it where rippled reads JSON a client sent, so that it refuses what
// rippled refuses.
func ParseIOUStrict(s string) (IOU, error) { return parseIOU(s, true) }

func parseIOU(s string, strict bool) (IOU, error) {
	p, reason := parseParts(s)
	if reason != "" {
		return IOU{}, invalidValue(s, reason)
	}
	first, n := p.firstSignificant(), p.ndigits()
	if strict && !p.fitsInt64(first) {
		return IOU{}, invalidValue(s, "more digits than rippled reads (the digits must not exceed 9223372036854775807)")
	}
	if first == n {
		return IOU{}, nil
	}
	// Keep 19 significant digits, which fit a uint64 and are more than the
	// 16 + 1 rounding digits needed; remember whether anything non-zero was cut.
	e := p.exponent
	last := n
	sticky := false
	if n-first > 19 {
		last = first + 19
		e += n - last
		for i := last; i < n && !sticky; i++ {
			sticky = p.digit(i) != '0'
		}
	}
	var m uint64
	for i := first; i < last; i++ {
		m = m*10 + uint64(p.digit(i)-'0')
	}
	v, err := fromNumber(p.negative, m, e, sticky, toNearest)
	if err != nil {
		return IOU{}, banx.Wrap(banx.EINVALID, ErrOverflow, "invalid issued-currency value %q: exceeds the maximum 9999999999999999e80", clip(s))
	}
	return v, nil
}

// fitsInt64 reports whether the digits from index first (the first
// significant one) on, read as an integer, are at most math.MaxInt64.
func (p *numberParts) fitsInt64(first int) bool {
	const maxInt64 = "9223372036854775807"
	n := p.ndigits() - first
	if n != len(maxInt64) {
		return n < len(maxInt64)
	}
	for i := range n {
		if d := p.digit(first + i); d != maxInt64[i] {
			return d < maxInt64[i]
		}
	}
	return true
}

func invalidValue(s, reason string) error {
	return banx.Errorf(banx.EINVALID, "invalid issued-currency value %q: %s", clip(s), reason)
}

// clip keeps error messages short when a caller sends a huge string.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}
