package amount

import "github.com/banxmedia/banx/internal/banx"

// Bits of the 64-bit value field of a serialised issued-currency Amount
// (STAmount::add and STAmount(SerialIter&)).
const (
	wireNotXRP    = uint64(1) << 63 // set for every issued-currency amount
	wirePositive  = uint64(1) << 62 // set for positive values
	wireExpShift  = 54              // exponent+97 sits in bits 54..61
	wireValueMask = uint64(1)<<54 - 1
)

// Wire returns the 64-bit value field rippled serialises for a (the first 8
// of an Amount's 48 bytes; currency and issuer follow). The embedded ledger
// hashes and stores amounts in this form, so it must be bit-exact: zero is
// 0x8000000000000000, otherwise the not-XRP bit, the sign bit (set when
// positive), exponent+97 and the 16-digit mantissa.
func (a IOU) Wire() uint64 {
	if a.mantissa == 0 {
		return wireNotXRP
	}
	w := wireNotXRP | uint64(a.exponent+97)<<wireExpShift | uabs(a.mantissa)
	if a.mantissa > 0 {
		w |= wirePositive
	}
	return w
}

// IOUFromWire decodes a 64-bit value field with the checks rippled applies
// when it deserialises an issued-currency amount: the not-XRP bit must be set,
// a non-zero value must already be canonical (16-digit mantissa, exponent
// -96..80), and zero must be exactly 0x8000000000000000, because a ledger that
// accepted another spelling of a value would hash the same amount two ways.
// Errors are *banx.Error with code banx.EINVALID.
func IOUFromWire(w uint64) (IOU, error) {
	if w&wireNotXRP == 0 {
		return IOU{}, banx.Errorf(banx.EINVALID, "invalid issued-currency value 0x%016X: the not-XRP bit is clear", w)
	}
	m := w & wireValueMask
	top := int(w >> wireExpShift) // 10 bits: not-XRP, sign, exponent+97
	if m == 0 {
		if top != 512 {
			return IOU{}, banx.Errorf(banx.EINVALID, "invalid issued-currency value 0x%016X: zero must be 0x8000000000000000", w)
		}
		return IOU{}, nil
	}
	e := top&255 - 97
	if m < minMantissa || m > maxMantissa || e < MinExponent || e > MaxExponent {
		return IOU{}, banx.Errorf(banx.EINVALID, "invalid issued-currency value 0x%016X: not canonical", w)
	}
	v := int64(m)
	if top&256 == 0 {
		v = -v
	}
	return IOU{mantissa: v, exponent: e}, nil
}
