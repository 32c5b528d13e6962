package amount

import (
	"math/big"

	"github.com/banxmedia/banx/internal/banx"
)

// Rat returns the exact value of a as a new big.Rat. Planning code does its
// arithmetic exactly in big.Rat and comes back with FromRat, so rounding
// happens once, where it can be accounted for.
func (a IOU) Rat() *big.Rat {
	r := new(big.Rat)
	if a.mantissa == 0 {
		return r
	}
	m := big.NewInt(a.mantissa)
	if a.exponent >= 0 {
		return r.SetInt(m.Mul(m, pow10Big(a.exponent)))
	}
	return r.SetFrac(m, pow10Big(-a.exponent))
}

// MaxSigDigits is the most significant digits an IOU holds.
const MaxSigDigits = 16

// FromRat rounds r towards zero to at most sigDigits significant digits
// (1..16) and returns that IOU together with the exact remainder r - result.
// Rounding towards zero means a payout computed this way never exceeds the
// share it was computed from, and the remainder (the "dust") can be carried to
// the next epoch instead of vanishing; payouts use 15 digits, the precision the
// XRPL documents for tokens. Values too small for an IOU (below 1e-81) give
// zero and the whole of r as remainder; values above 9999999999999999e80 are an
// error wrapping ErrOverflow.
func FromRat(r *big.Rat, sigDigits int) (IOU, *big.Rat, error) {
	if r == nil {
		return IOU{}, nil, banx.Errorf(banx.EINVALID, "no value to convert")
	}
	if sigDigits < 1 || sigDigits > MaxSigDigits {
		return IOU{}, nil, banx.Errorf(banx.EINVALID, "significant digits %d out of range 1..%d", sigDigits, MaxSigDigits)
	}
	if r.Sign() == 0 {
		return IOU{}, new(big.Rat), nil
	}
	num := new(big.Int).Abs(r.Num())
	den := r.Denom()
	// num/den lies in [10^(k-1), 10^(k+1)) for k the difference of their
	// digit counts; outside the IOU range there is nothing to compute.
	k := len(num.String()) - len(den.String())
	if k < MinExponent+16-2 {
		return IOU{}, new(big.Rat).Set(r), nil
	}
	if k > MaxExponent+16+2 {
		return IOU{}, nil, overflowError()
	}
	lo := pow10Big(sigDigits - 1)
	hi := pow10Big(sigDigits)
	// Find e with 10^(sig-1) <= floor(|r| / 10^e) < 10^sig.
	e := k - sigDigits
	var q *big.Int
	for {
		q = scaledFloor(num, den, e)
		switch {
		case q.Cmp(hi) >= 0:
			e++
			continue
		case q.Cmp(lo) < 0:
			e--
			continue
		}
		break
	}
	m := q.Int64()
	if r.Sign() < 0 {
		m = -m
	}
	v, err := FromParts(m, e)
	if err != nil {
		return IOU{}, nil, err
	}
	return v, new(big.Rat).Sub(r, v.Rat()), nil
}

// scaledFloor returns floor(num / (den * 10^e)) for non-negative num.
func scaledFloor(num, den *big.Int, e int) *big.Int {
	n, d := new(big.Int).Set(num), new(big.Int).Set(den)
	if e >= 0 {
		d.Mul(d, pow10Big(e))
	} else {
		n.Mul(n, pow10Big(-e))
	}
	return n.Quo(n, d)
}
