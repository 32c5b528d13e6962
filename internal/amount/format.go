package amount

import "strconv"

// String returns the text rippled puts in JSON for this value
// (STAmount::getText), so that what the embedded ledger reports is byte for
// byte what rippled would report:
//
//   - zero is "0";
//   - with an exponent from -25 to -5, or exactly 0, a plain decimal without
//     trailing zeros: "1", "-1.5", "0.0001", "1234567890123456";
//   - otherwise the 16-digit mantissa, "e" and the exponent, trailing zeros
//     kept: 1e-30 is "1000000000000000e-45", 1.234e23 is "1234000000000000e8",
//     and 123456789012345.6 is "1234567890123456e-1".
//
// Both forms parse back to the same value with ParseIOU, and both are accepted
// by xrpl-go's binary-codec (never more than 16 significant digits).
func (a IOU) String() string {
	if a.mantissa == 0 {
		return "0"
	}
	// The longest text is "-0." + 9 zeros + 16 digits, or a sign, 16 digits,
	// "e" and a three-digit negative exponent: 29 bytes either way.
	var buf [32]byte
	b := buf[:0]
	if a.mantissa < 0 {
		b = append(b, '-')
	}
	var digits [20]byte
	raw := strconv.AppendUint(digits[:0], uabs(a.mantissa), 10)
	e := a.exponent
	if e != 0 && (e < -25 || e > -5) {
		b = append(b, raw...)
		b = append(b, 'e')
		b = strconv.AppendInt(b, int64(e), 10)
		return string(b)
	}
	// Plain decimal: the point sits len(raw)+e digits from the left (e is 0
	// or -25..-5, so within or before the digits); a non-positive position
	// means "0." and leading zeros.
	point := len(raw) + e
	frac := raw[max(point, 0):]
	for len(frac) > 0 && frac[len(frac)-1] == '0' {
		frac = frac[:len(frac)-1]
	}
	if point > 0 {
		b = append(b, raw[:point]...)
	} else {
		b = append(b, '0')
	}
	if len(frac) > 0 {
		b = append(b, '.')
		for range -point {
			b = append(b, '0')
		}
		b = append(b, frac...)
	}
	return string(b)
}
