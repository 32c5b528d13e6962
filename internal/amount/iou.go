package amount

import (
	"errors"

	"github.com/banxmedia/banx/internal/banx"
)

// Range of a canonical IOU, as rippled's IOUAmount and STAmount define it
// (cMinValue, cMaxValue, cMinOffset, cMaxOffset): a non-zero value is
// mantissa * 10^exponent with exactly 16 digits in the mantissa, which is what
// the 54-bit mantissa and 8-bit exponent of the binary format can carry.
const (
	MinExponent = -96 // exponent of the smallest non-zero magnitude, 1e-81
	MaxExponent = 80  // exponent of the largest magnitude, 9999999999999999e80
	minMantissa = 1_000_000_000_000_000
	maxMantissa = 9_999_999_999_999_999
)

// zeroExponent is the exponent rippled reports for an IOU zero, chosen there so
// that zero sorts below the smallest positive value (exponent -96).
const zeroExponent = -100

// ErrOverflow marks a result above 9999999999999999e80, where rippled throws
// "value overflow" instead of returning a number; a transaction hitting it fails.
// It is wrapped in a *banx.Error with code banx.EINVALID; test it with errors.Is.
var ErrOverflow = errors.New("amount: value overflow")

// ErrDivisionByZero marks a division by a zero IOU, which rippled also refuses.
var ErrDivisionByZero = errors.New("amount: division by zero")

func overflowError() error {
	return banx.Wrap(banx.EINVALID, ErrOverflow, "amount exceeds the maximum issued-currency value 9999999999999999e80")
}

// IOU is an issued-currency value exactly as the XRP Ledger stores it: zero, or
// a 16-digit mantissa (10^15 <= |mantissa| < 10^16) times 10^exponent with
// -96 <= exponent <= 80. Keeping only that canonical form means two equal values
// always have equal fields, so Equal and hashing need no arithmetic, and every
// IOU serialises without further rounding.
//
// The zero value is the amount zero and is ready to use.
type IOU struct {
	mantissa int64
	exponent int
}

// FromParts returns mantissa * 10^exponent normalised as rippled's
// IOUAmount(mantissa, exponent) constructor does: extra digits are rounded to
// nearest with ties to even, values below 1e-81 become zero, values above
// 9999999999999999e80 are an error wrapping ErrOverflow.
func FromParts(mantissa int64, exponent int) (IOU, error) {
	return fromNumber(mantissa < 0, uabs(mantissa), exponent, false, toNearest)
}

// Mantissa returns the signed 16-digit mantissa, or 0 for zero.
func (a IOU) Mantissa() int64 { return a.mantissa }

// Exponent returns the decimal exponent, or -100 for zero as rippled's
// IOUAmount and STAmount report it, so that a zero never looks like a tiny
// non-zero value to code that compares exponents.
func (a IOU) Exponent() int {
	if a.mantissa == 0 {
		return zeroExponent
	}
	return a.exponent
}

// IsZero reports whether a is zero.
func (a IOU) IsZero() bool { return a.mantissa == 0 }

// Sign returns -1, 0 or +1. There is no negative zero: rippled canonicalises it
// away, and so does every constructor here.
func (a IOU) Sign() int {
	switch {
	case a.mantissa < 0:
		return -1
	case a.mantissa > 0:
		return 1
	}
	return 0
}

// Neg returns -a. It is always exact because the mantissa range is symmetric.
func (a IOU) Neg() IOU { return IOU{mantissa: -a.mantissa, exponent: a.exponent} }

// Abs returns |a|.
func (a IOU) Abs() IOU {
	if a.mantissa < 0 {
		return a.Neg()
	}
	return a
}

// Equal reports whether a and b are the same value. Canonical form makes this a
// field comparison, as rippled's operator== is.
func (a IOU) Equal(b IOU) bool {
	if a.mantissa == 0 || b.mantissa == 0 {
		return a.mantissa == b.mantissa
	}
	return a == b
}

// Cmp returns -1, 0 or +1 as a is less than, equal to or greater than b. With
// both values canonical, a larger exponent means a larger magnitude, which is
// how rippled's operator< orders them without arithmetic.
func (a IOU) Cmp(b IOU) int {
	sa, sb := a.Sign(), b.Sign()
	if sa != sb {
		if sa < sb {
			return -1
		}
		return 1
	}
	if sa == 0 {
		return 0
	}
	c := 0
	switch {
	case a.exponent > b.exponent:
		c = 1
	case a.exponent < b.exponent:
		c = -1
	case a.mantissa == b.mantissa:
		return 0
	case uabs(a.mantissa) > uabs(b.mantissa):
		c = 1
	default:
		c = -1
	}
	return c * sa
}

// Add returns a + b rounded as rippled rounds IOU sums (IOUAmount::operator+=
// through Number): the exact sum rounded once to 16 digits, to nearest with
// ties to even. Adding a value more than 16 digits smaller than the other leaves
// the larger unchanged, which is how dust disappears on the ledger. The error
// wraps ErrOverflow when the sum exceeds the IOU range.
func Add(a, b IOU) (IOU, error) {
	if b.mantissa == 0 {
		return a, nil
	}
	if a.mantissa == 0 {
		return b, nil
	}
	if a.mantissa == -b.mantissa && a.exponent == b.exponent {
		return IOU{}, nil
	}
	return addNumbers(a, b, toNearest)
}

// Sub returns a - b, computed as rippled does: a + (-b).
func Sub(a, b IOU) (IOU, error) { return Add(a, b.Neg()) }

// MarshalText encodes a as String does, so IOU values travel through JSON and
// YAML in the same text rippled emits.
func (a IOU) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText decodes text with ParseIOU.
func (a *IOU) UnmarshalText(text []byte) error {
	v, err := ParseIOU(string(text))
	if err != nil {
		return err
	}
	*a = v
	return nil
}
