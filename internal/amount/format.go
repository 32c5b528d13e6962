package amount

import (
	"strconv"
	"strings"
)

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
	raw := strconv.FormatUint(uabs(a.mantissa), 10)
	var b strings.Builder
	b.Grow(len(raw) + 24)
	if a.mantissa < 0 {
		b.WriteByte('-')
	}
	e := a.exponent
	if e != 0 && (e < -25 || e > -5) {
		b.WriteString(raw)
		b.WriteByte('e')
		b.WriteString(strconv.Itoa(e))
		return b.String()
	}
	// Plain decimal: the point sits len(raw)+e digits from the left; a negative
	// position means leading zeros after "0.".
	point := len(raw) + e
	intPart, fracPart := "0", ""
	switch {
	case point >= len(raw):
		intPart = raw + strings.Repeat("0", point-len(raw))
	case point > 0:
		intPart, fracPart = raw[:point], raw[point:]
	default:
		fracPart = strings.Repeat("0", -point) + raw
	}
	b.WriteString(intPart)
	if fracPart = strings.TrimRight(fracPart, "0"); fracPart != "" {
		b.WriteByte('.')
		b.WriteString(fracPart)
	}
	return b.String()
}
