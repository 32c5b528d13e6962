package amount

// This file reproduces rippled's Number (src/libxrpl/basics/Number.cpp) at its
// original 16-digit mantissa scale. IOU addition and every IOU normalisation in
// rippled go through it, so its rounding decisions, including the quirks of the
// guard, decide which last digit a balance ends with.

// Limits of rippled's Number. Its exponent range is far wider than an IOU's; the
// IOU range is applied only after Number has rounded, exactly as
// IOUAmount(Number) does, so a value can round up into the IOU range.
const (
	numMinExponent = -32768
	numMaxExponent = 32768
)

// roundMode is rippled's Number::rounding_mode. rippled keeps it in a
// thread-local that defaults to to-nearest; the operations this package exposes
// all run with that default, as the payment engine's mulRound/divRound do (they
// use DontAffectNumberRoundMode). The other modes exist so that the guard is a
// faithful copy and the "Strict" variants rippled has can be added without
// rewriting it.
type roundMode int

const (
	toNearest roundMode = iota
	towardsZero
	downward
	upward
)

// guard is rippled's Number::Guard: up to 16 decimal digits shifted off the
// right of a mantissa, one per nibble with the most significant first, plus a
// sticky bit recording that a non-zero digit fell off the end of the guard
// itself. Keeping 16 digits and not one is what makes rippled's addition
// round correctly when the operands' exponents differ by more than one.
type guard struct {
	digits uint64
	xbit   bool // a non-zero digit was pushed out of the 16 guard digits
	sbit   bool // the guarded digits belong to a negative value
}

// push shifts digit d in at the top of the guard.
func (g *guard) push(d uint64) {
	g.xbit = g.xbit || g.digits&0xF != 0
	g.digits >>= 4
	g.digits |= (d & 0xF) << 60
}

// pop takes back the most significant guard digit; subtraction uses it to
// borrow digits back when the difference lost leading digits.
func (g *guard) pop() uint64 {
	d := g.digits >> 60
	g.digits <<= 4
	return d
}

// round says which way the guarded remainder points: 1 above half (round
// away), -1 below half (truncate), 0 exactly half (round to even).
func (g *guard) round(mode roundMode) int {
	switch mode {
	case towardsZero:
		return -1
	case downward:
		if g.sbit && (g.digits > 0 || g.xbit) {
			return 1
		}
		return -1
	case upward:
		if g.sbit {
			return -1
		}
		if g.digits > 0 || g.xbit {
			return 1
		}
		return -1
	}
	switch {
	case g.digits > 0x5000_0000_0000_0000:
		return 1
	case g.digits < 0x5000_0000_0000_0000:
		return -1
	case g.xbit:
		return 1
	}
	return 0
}

// roundUp applies the guard to a mantissa whose true value is m plus the
// guarded fraction (Guard::doRoundUp without rippled's later "cusp" fix,
// which applies only to the 19-digit scale).
func (g *guard) roundUp(m uint64, e int, mode roundMode) (uint64, int) {
	if r := g.round(mode); r == 1 || (r == 0 && m&1 == 1) {
		m++
		if m > maxMantissa {
			m /= 10
			e++
		}
	}
	return bringIntoRange(m, e)
}

// roundDown applies the guard to a mantissa whose true value is m minus the
// guarded fraction (Guard::doRoundDown): after a subtraction the guard holds
// what still has to be taken away.
func (g *guard) roundDown(m uint64, e int, mode roundMode) (uint64, int) {
	if r := g.round(mode); r == 1 || (r == 0 && m&1 == 1) {
		m--
		if m < minMantissa {
			m *= 10
			e--
		}
	}
	return bringIntoRange(m, e)
}

// bringIntoRange is Guard::bringIntoRange: one last scale-up after rounding,
// and Number's own underflow to zero.
func bringIntoRange(m uint64, e int) (uint64, int) {
	if m < minMantissa {
		m *= 10
		e--
	}
	if e < numMinExponent {
		return 0, 0
	}
	return m, e
}

// normalizeNumber is Number::normalize: scale m up to 16 digits, or drop digits
// into a guard and round them, then apply Number's exponent range. sticky says
// that non-zero digits below m were already discarded by the caller (the
// parser keeps only 19 significant digits of an arbitrarily long input).
// It returns m == 0 for zero.
func normalizeNumber(neg bool, m uint64, e int, sticky bool, mode roundMode) (uint64, int, error) {
	if m == 0 {
		return 0, 0, nil
	}
	for m < minMantissa && e > numMinExponent {
		m *= 10
		e--
	}
	g := guard{sbit: neg, xbit: sticky}
	for m > maxMantissa {
		if e >= numMaxExponent {
			return 0, 0, overflowError()
		}
		g.push(m % 10)
		m /= 10
		e++
	}
	if e < numMinExponent || m < minMantissa {
		return 0, 0, nil
	}
	m, e = g.roundUp(m, e, mode)
	if e > numMaxExponent {
		return 0, 0, overflowError()
	}
	return m, e, nil
}

// fromNumber turns a Number result into an IOU as IOUAmount's constructor from
// Number does: overflow past exponent 80 is an error, anything below exponent
// -96 silently becomes zero.
func fromNumber(neg bool, m uint64, e int, sticky bool, mode roundMode) (IOU, error) {
	m, e, err := normalizeNumber(neg, m, e, sticky, mode)
	if err != nil {
		return IOU{}, err
	}
	if m == 0 || e < MinExponent {
		return IOU{}, nil
	}
	if e > MaxExponent {
		return IOU{}, overflowError()
	}
	v := int64(m)
	if neg {
		v = -v
	}
	return IOU{mantissa: v, exponent: e}, nil
}

// addNumbers is Number::operator+= on two normalised non-zero values,
// followed by the conversion back to IOU. Digits of the operand with the
// smaller exponent are shifted into the guard rather than discarded, so the
// sum is the exact sum rounded once, to nearest with ties to even.
func addNumbers(a, b IOU, mode roundMode) (IOU, error) {
	xn, xm, xe := a.mantissa < 0, uabs(a.mantissa), a.exponent
	yn, ym, ye := b.mantissa < 0, uabs(b.mantissa), b.exponent
	var g guard
	if xe < ye {
		g.sbit = xn
		for xe < ye {
			if xm == 0 && g.digits == 0 {
				xe = ye // only zeros left to shift: nothing changes
				break
			}
			g.push(xm % 10)
			xm /= 10
			xe++
		}
	} else if xe > ye {
		g.sbit = yn
		for xe > ye {
			if ym == 0 && g.digits == 0 {
				ye = xe
				break
			}
			g.push(ym % 10)
			ym /= 10
			ye++
		}
	}
	if xn == yn {
		xm += ym
		if xm > maxMantissa {
			g.push(xm % 10)
			xm /= 10
			xe++
		}
		xm, xe = g.roundUp(xm, xe, mode)
	} else {
		if xm > ym {
			xm -= ym
		} else {
			xm = ym - xm
			xe = ye
			xn = yn
		}
		for xm < minMantissa {
			xm = xm*10 - g.pop()
			xe--
		}
		xm, xe = g.roundDown(xm, xe, mode)
	}
	if xm == 0 {
		return IOU{}, nil
	}
	return fromNumber(xn, xm, xe, false, mode)
}

// uabs is |v| as an unsigned value, defined for math.MinInt64 too.
func uabs(v int64) uint64 {
	if v < 0 {
		return uint64(-(v + 1)) + 1
	}
	return uint64(v)
}
