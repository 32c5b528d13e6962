package amount

import (
	"math/big"
	"math/bits"

	"github.com/banxmedia/banx/internal/banx"
)

const (
	tenTo14 = 100_000_000_000_000
	tenTo17 = 100_000_000_000_000_000
)

// MulRound returns a * b as rippled's mulRound (STAmount.cpp) computes it for
// an issued-currency result; the payment engine uses it for transfer fees
// (amount * rate / 10^9, the rate as an IOU "rate e-9") and partial payments.
//
// roundUp means "away from zero" for a positive product and "towards zero"
// for a negative one, i.e. towards +infinity, as in rippled. What rippled
// actually does, and this copies:
//
//   - the 32-digit product of the mantissas is divided by 10^14, adding
//     10^14-1 first when rounding away from zero;
//   - rounding away from zero then cuts the result to 16 digits with
//     canonicalizeRound, which truncates all but the last dropped digit and
//     rounds that one up (so a discarded 0.01 ulp in an earlier digit is lost);
//   - otherwise the 17-18 digit result is canonicalised through Number, which
//     rounds to nearest with ties to even: "round down" can round the last digit
//     up. rippled fixed both quirks only in mulRoundStrict, behind amendments
//     for offers, and the payment engine still calls mulRound;
//   - a positive product that would round up to zero becomes the smallest
//     positive IOU, 1e-81, so a fee is never rounded away.
//
// The error wraps ErrOverflow when the product exceeds the IOU range.
func MulRound(a, b IOU, roundUp bool) (IOU, error) {
	if a.mantissa == 0 || b.mantissa == 0 {
		return IOU{}, nil
	}
	neg := (a.mantissa < 0) != (b.mantissa < 0)
	away := neg != roundUp
	hi, lo := bits.Mul64(uabs(a.mantissa), uabs(b.mantissa))
	if away {
		var c uint64
		lo, c = bits.Add64(lo, tenTo14-1, 0)
		hi += c
	}
	// The product is below 10^32, so hi < 10^14 and the quotient fits 64 bits.
	amount, _ := bits.Div64(hi, lo, tenTo14)
	offset := a.exponent + b.exponent + 14
	if away {
		amount, offset = canonicalizeRound(amount, offset)
	}
	return roundedResult(neg, amount, offset, roundUp)
}

// DivRound returns a / b as rippled's divRound computes it for an
// issued-currency result: the numerator mantissa is scaled by 10^17 and divided
// by the denominator mantissa, adding denominator-1 first when rounding away
// from zero; the 16-18 digit quotient is then cut to 16 digits exactly as in
// MulRound (canonicalizeRound when rounding away from zero, Number's round to
// nearest otherwise), and a positive quotient that would round up to zero
// becomes 1e-81.
//
// The error wraps ErrDivisionByZero when b is zero and ErrOverflow when the
// quotient exceeds the IOU range.
func DivRound(a, b IOU, roundUp bool) (IOU, error) {
	if b.mantissa == 0 {
		return IOU{}, banx.Wrap(banx.EINVALID, ErrDivisionByZero, "division of an issued-currency value by zero")
	}
	if a.mantissa == 0 {
		return IOU{}, nil
	}
	neg := (a.mantissa < 0) != (b.mantissa < 0)
	away := neg != roundUp
	den := uabs(b.mantissa)
	hi, lo := bits.Mul64(uabs(a.mantissa), tenTo17)
	if away {
		var c uint64
		lo, c = bits.Add64(lo, den-1, 0)
		hi += c
	}
	// The scaled numerator is below 10^33, so hi < 10^15 <= den and the
	// quotient fits 64 bits.
	amount, _ := bits.Div64(hi, lo, den)
	offset := a.exponent - b.exponent - 17
	if away {
		amount, offset = canonicalizeRound(amount, offset)
	}
	return roundedResult(neg, amount, offset, roundUp)
}

// canonicalizeRound is rippled's legacy canonicalizeRound for an
// issued-currency value: bring a 17-18 digit magnitude down to 16 digits,
// truncating every dropped digit but the last and rounding that last one up.
func canonicalizeRound(value uint64, offset int) (uint64, int) {
	if value > maxMantissa {
		for value > 10*maxMantissa {
			value /= 10
			offset++
		}
		value += 9
		value /= 10
		offset++
	}
	return value, offset
}

// roundedResult builds the STAmount(asset, amount, offset, negative) of
// mulRound/divRound, including their "never round a positive result up to
// zero" rule.
func roundedResult(neg bool, amount uint64, offset int, roundUp bool) (IOU, error) {
	r, err := fromNumber(neg, amount, offset, false, toNearest)
	if err != nil {
		return IOU{}, err
	}
	if roundUp && !neg && r.mantissa == 0 {
		return IOU{mantissa: minMantissa, exponent: MinExponent}, nil
	}
	return r, nil
}

// MulRatio returns a * num / den as rippled's mulRatio (IOUAmount.cpp), which
// the payment engine's direct steps use to apply a transfer rate (num = rate,
// den = 10^9) or a trust-line quality to an amount. The exact quotient is kept
// to 19 digits, normalised to 16 with round to nearest, and then, only if the
// division left a remainder, moved one unit in the last place towards
// +infinity when roundUp is set for a positive result, or towards -infinity
// when roundUp is clear for a negative one. A positive result that would round
// up to zero becomes 1e-81, and a negative one that would round down to zero
// becomes -1e-81.
//
// The error wraps ErrDivisionByZero when den is zero and ErrOverflow when the
// result exceeds the IOU range.
func MulRatio(a IOU, num, den uint32, roundUp bool) (IOU, error) {
	if den == 0 {
		return IOU{}, banx.Wrap(banx.EINVALID, ErrDivisionByZero, "ratio with a zero denominator")
	}
	neg := a.mantissa < 0
	d := new(big.Int).SetUint64(uint64(den))
	mul := new(big.Int).SetUint64(uabs(a.mantissa))
	mul.Mul(mul, new(big.Int).SetUint64(uint64(num)))
	low, rem := new(big.Int).QuoRem(mul, d, new(big.Int))
	exponent := a.exponent
	if a.mantissa == 0 {
		exponent = zeroExponent
	}
	const fl64 = 18 // floor(log10(math.MaxInt64))
	if rem.Sign() != 0 {
		// Scale so that low keeps as many digits as an int64 holds and the
		// fraction rem/den contributes as many of them as it can.
		if room := fl64 - log10Ceil(low); room > 0 {
			exponent -= room
			p := pow10Big(room)
			low.Mul(low, p)
			rem.Mul(rem, p)
		}
		add, r := new(big.Int).QuoRem(rem, d, new(big.Int))
		low.Add(low, add)
		rem = r
	}
	hasRem := rem.Sign() != 0
	if shrink := log10Ceil(low) - fl64; shrink > 0 {
		exponent += shrink
		q, r := new(big.Int).QuoRem(low, pow10Big(shrink), new(big.Int))
		if r.Sign() != 0 {
			hasRem = true
		}
		low = q
	}
	m := low.Int64()
	if neg {
		m = -m
	}
	result, err := FromParts(m, exponent)
	if err != nil {
		return IOU{}, err
	}
	if hasRem {
		switch {
		case roundUp && !neg:
			if result.mantissa == 0 {
				return IOU{mantissa: minMantissa, exponent: MinExponent}, nil
			}
			return FromParts(result.mantissa+1, result.exponent)
		case !roundUp && neg:
			if result.mantissa == 0 {
				return IOU{mantissa: -minMantissa, exponent: MinExponent}, nil
			}
			return FromParts(result.mantissa-1, result.exponent)
		}
	}
	return result, nil
}

// log10Ceil is the index of the first power of ten >= v (0 for v <= 1), as
// rippled computes it with lower_bound on its table of powers.
func log10Ceil(v *big.Int) int {
	p := big.NewInt(1)
	ten := big.NewInt(10)
	i := 0
	for p.Cmp(v) < 0 {
		p.Mul(p, ten)
		i++
	}
	return i
}

func pow10Big(n int) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
}

// Mul returns a * b as rippled's multiply (STAmount.cpp) computes it for an
// issued-currency result with the Number switchover on: the exact 32-digit
// product of the mantissas, rounded once to 16 digits to nearest with ties to
// even (Number::operator*=). rippled uses it where no rounding direction is
// asked for, such as rippleSend's amount * transfer rate. The error wraps
// ErrOverflow when the product exceeds the IOU range.
func Mul(a, b IOU) (IOU, error) {
	if a.mantissa == 0 || b.mantissa == 0 {
		return IOU{}, nil
	}
	neg := (a.mantissa < 0) != (b.mantissa < 0)
	hi, lo := bits.Mul64(uabs(a.mantissa), uabs(b.mantissa))
	e := a.exponent + b.exponent
	g := guard{sbit: neg}
	for hi != 0 || lo > maxMantissa {
		var r uint64
		hi, lo, r = div128By10(hi, lo)
		g.push(r)
		e++
	}
	m, e := g.roundUp(lo, e, toNearest)
	if m == 0 {
		return IOU{}, nil
	}
	return fromNumber(neg, m, e, false, toNearest)
}

// div128By10 divides the 128-bit value hi:lo by 10.
func div128By10(hi, lo uint64) (qhi, qlo, rem uint64) {
	qhi, r := hi/10, hi%10
	qlo, rem = bits.Div64(r, lo, 10)
	return qhi, qlo, rem
}

// Div returns a / b as rippled's divide (STAmount.cpp) computes it for an
// issued-currency result: the numerator mantissa scaled by 10^17, divided by
// the denominator mantissa (truncating), plus 5 in the 17th or 18th digit,
// then rounded to 16 digits through Number. The "+ 5" is rippled's own nudge
// against truncation; offers and quality use this. The error wraps
// ErrDivisionByZero when b is zero and ErrOverflow when the quotient exceeds
// the IOU range.
func Div(a, b IOU) (IOU, error) {
	if b.mantissa == 0 {
		return IOU{}, banx.Wrap(banx.EINVALID, ErrDivisionByZero, "division of an issued-currency value by zero")
	}
	if a.mantissa == 0 {
		return IOU{}, nil
	}
	neg := (a.mantissa < 0) != (b.mantissa < 0)
	hi, lo := bits.Mul64(uabs(a.mantissa), tenTo17)
	q, _ := bits.Div64(hi, lo, uabs(b.mantissa))
	return fromNumber(neg, q+5, a.exponent-b.exponent-17, false, toNearest)
}
