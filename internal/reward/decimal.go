package reward

import (
	"math/big"
	"regexp"
	"strings"

	"github.com/banxmedia/banx/internal/banx"
)

// Decimals in plans are plain, exact, non-negative decimal strings: no exponent,
// no sign, no leading zeros, no trailing fraction zeros ("0", "12.5", "0.001").
// One spelling per value keeps plans byte-identical and easy to diff.
var decimalPattern = regexp.MustCompile(`^(0|[1-9][0-9]*)(\.[0-9]*[1-9])?$`)

// maxDecimalLen bounds a decimal read from outside (a stored carry, an API
// body): 1e-81, the smallest token amount, has 83 characters.
const maxDecimalLen = 200

// ParseDecimal reads a plain decimal exactly. It returns banx.EINVALID with the
// reason for anything else.
func ParseDecimal(s string) (*big.Rat, error) {
	if len(s) > maxDecimalLen {
		return nil, banx.Errorf(banx.EINVALID, "decimal of %d characters is too long", len(s))
	}
	if !decimalPattern.MatchString(s) {
		return nil, banx.Errorf(banx.EINVALID, "%q is not a plain non-negative decimal such as 12.5 (no exponent, sign, leading or trailing zeros)", s)
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil, banx.Errorf(banx.EINVALID, "%q is not a decimal", s)
	}
	return r, nil
}

// FormatDecimal renders a non-negative rational with a finite decimal expansion
// (denominator 2^a 5^b) in the plain spelling ParseDecimal reads. It panics on
// a value without one: plans only ever hold such values, so that is a bug.
func FormatDecimal(r *big.Rat) string { return formatDecimal(r) }

func formatDecimal(r *big.Rat) string {
	if r.Sign() < 0 {
		panic("reward: negative decimal " + r.RatString())
	}
	if r.IsInt() {
		return r.Num().String()
	}
	d := new(big.Int).Set(r.Denom())
	two, five, zero := big.NewInt(2), big.NewInt(5), new(big.Int)
	m := new(big.Int)
	a, b := 0, 0
	for {
		q, rem := new(big.Int).QuoRem(d, two, m)
		if rem.Cmp(zero) != 0 {
			break
		}
		d, a = q, a+1
	}
	for {
		q, rem := new(big.Int).QuoRem(d, five, m)
		if rem.Cmp(zero) != 0 {
			break
		}
		d, b = q, b+1
	}
	if d.Cmp(big.NewInt(1)) != 0 {
		panic("reward: " + r.RatString() + " has no finite decimal expansion")
	}
	return strings.TrimRight(r.FloatString(max(a, b)), "0")
}
