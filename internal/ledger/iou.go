package ledger

import (
	"errors"
	"math/big"
	"strconv"
	"strings"
)

// iou is an issued-currency value as rippled's STAmount holds it: a signed mantissa
// normalised to 16 digits (10^15 <= |m| < 10^16) and an exponent in -96..80; zero is
// m == 0. It is the one seam through which the engine does IOU arithmetic, kept private
// because Banx's exact decimal package (internal/amount) was not available when this was
// written; every operation rounds exactly once, to nearest (ties to even) unless the
// caller asks to round up, as rippled's Number does.
type iou struct {
	m int64
	e int
}

const (
	iouMinMantissa = 1_000_000_000_000_000
	iouMaxMantissa = 9_999_999_999_999_999
	iouMinExponent = -96
	iouMaxExponent = 80
)

var errIOURange = errors.New("issued amount out of range")

// parseIOU reads a decimal value as the binary codec renders it ("12.5", "-3", "1e-20").
func parseIOU(s string) (iou, error) {
	r, ok := parseDecimalRat(s)
	if !ok {
		return iou{}, errors.New("malformed issued amount")
	}
	return iouFromRat(r, false)
}

func parseDecimalRat(s string) (*big.Rat, bool) {
	if s == "" || strings.ContainsAny(s, " /") {
		return nil, false
	}
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(s[i+1:])
		if err != nil || e > 1000 || e < -1000 {
			return nil, false
		}
		mant, exp = s[:i], e
	}
	body := strings.TrimLeft(mant, "+-")
	if body == "" || strings.Count(body, ".") > 1 || strings.Trim(body, "0123456789.") != "" || body == "." {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(mant)
	if !ok {
		return nil, false
	}
	if exp != 0 {
		p := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(exp))), nil))
		if exp > 0 {
			r.Mul(r, p)
		} else {
			r.Quo(r, p)
		}
	}
	return r, true
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// iouFromRat rounds an exact value to an iou; tiny values underflow to zero.
func iouFromRat(r *big.Rat, roundUp bool) (iou, error) {
	if r.Sign() == 0 {
		return iou{}, nil
	}
	neg := r.Sign() < 0
	a := new(big.Rat).Abs(r)
	// Find e such that 10^15 <= a / 10^e < 10^16.
	e := 0
	num, den := a.Num(), a.Denom()
	e = len(num.String()) - len(den.String()) - 15
	for i := 0; i < 4; i++ {
		q := scaled(a, e)
		if q.Cmp(big.NewRat(iouMinMantissa, 1)) < 0 {
			e--
			continue
		}
		if q.Cmp(big.NewRat(iouMaxMantissa+1, 1)) >= 0 {
			e++
			continue
		}
		break
	}
	q := scaled(a, e)
	m := roundRat(q, roundUp, false)
	if m.Cmp(big.NewInt(iouMaxMantissa)) > 0 {
		m.Quo(m, big.NewInt(10))
		e++
	}
	if e > iouMaxExponent {
		return iou{}, errIOURange
	}
	if e < iouMinExponent {
		return iou{}, nil
	}
	v := m.Int64()
	if neg {
		v = -v
	}
	return iou{m: v, e: e}, nil
}

func scaled(a *big.Rat, e int) *big.Rat {
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(e))), nil)
	q := new(big.Rat).Set(a)
	if e > 0 {
		return q.Quo(q, new(big.Rat).SetInt(p))
	}
	return q.Mul(q, new(big.Rat).SetInt(p))
}

// roundRat rounds a non-negative rational to an integer: away from zero when up, toward
// zero when down, else to nearest with ties to even.
func roundRat(q *big.Rat, up, down bool) *big.Int {
	n, d := q.Num(), q.Denom()
	quo, rem := new(big.Int).QuoRem(n, d, new(big.Int))
	if rem.Sign() == 0 {
		return quo
	}
	switch {
	case up && !down:
		return quo.Add(quo, big.NewInt(1))
	case down && !up:
		return quo
	}
	twice := new(big.Int).Mul(rem, big.NewInt(2))
	c := twice.Cmp(d)
	if c > 0 || c == 0 && quo.Bit(0) == 1 {
		quo.Add(quo, big.NewInt(1))
	}
	return quo
}

func (a iou) rat() *big.Rat {
	if a.m == 0 {
		return new(big.Rat)
	}
	return scaled(new(big.Rat).SetInt64(a.m), -a.e)
}

func (a iou) isZero() bool { return a.m == 0 }

func (a iou) sign() int {
	switch {
	case a.m > 0:
		return 1
	case a.m < 0:
		return -1
	}
	return 0
}

func (a iou) neg() iou { return iou{m: -a.m, e: a.e} }

func (a iou) cmp(b iou) int { return a.rat().Cmp(b.rat()) }

func (a iou) add(b iou) (iou, error) { return iouFromRat(new(big.Rat).Add(a.rat(), b.rat()), false) }

func (a iou) sub(b iou) (iou, error) { return a.add(b.neg()) }

// mulRatio returns a * num / den rounded up or to nearest: the transfer-rate seam.
func (a iou) mulRatio(num, den uint32, roundUp bool) (iou, error) {
	r := new(big.Rat).Mul(a.rat(), big.NewRat(int64(num), int64(den)))
	return iouFromRat(r, roundUp)
}

func minIOU(a, b iou) iou {
	if a.cmp(b) <= 0 {
		return a
	}
	return b
}

// String formats as rippled's STAmount::getText: plain decimal for exponents -25..-5,
// otherwise mantissa "e" exponent.
func (a iou) String() string {
	if a.m == 0 {
		return "0"
	}
	sign := ""
	m := a.m
	if m < 0 {
		sign, m = "-", -m
	}
	if a.e != 0 && (a.e < -25 || a.e > -5) {
		return sign + strconv.FormatInt(m, 10) + "e" + strconv.Itoa(a.e)
	}
	digits := strconv.FormatInt(m, 10)
	if a.e >= 0 {
		return sign + digits + strings.Repeat("0", a.e)
	}
	pad := -a.e
	if len(digits) <= pad {
		digits = strings.Repeat("0", pad-len(digits)+1) + digits
	}
	intPart := digits[:len(digits)-pad]
	frac := strings.TrimRight(digits[len(digits)-pad:], "0")
	if frac == "" {
		return sign + intPart
	}
	return sign + intPart + "." + frac
}
