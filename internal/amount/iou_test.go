package amount_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/banxmedia/banx/internal/amount"
	"github.com/banxmedia/banx/internal/banx"
)

// iou parses s or fails the test: test tables read better as text.
func iou(t testing.TB, s string) amount.IOU {
	t.Helper()
	v, err := amount.ParseIOU(s)
	if err != nil {
		t.Fatalf("ParseIOU(%q): %v", s, err)
	}
	return v
}

// parts builds an IOU from rippled-style (mantissa, exponent) pairs, which is
// how rippled's own unit tests write their expectations.
func parts(t testing.TB, m int64, e int) amount.IOU {
	t.Helper()
	v, err := amount.FromParts(m, e)
	if err != nil {
		t.Fatalf("FromParts(%d, %d): %v", m, e, err)
	}
	return v
}

func wantInvalid(t *testing.T, err error, reason string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", reason)
	}
	if code := banx.ErrorCode(err); code != banx.EINVALID {
		t.Fatalf("code = %q, want %q (err %v)", code, banx.EINVALID, err)
	}
	if !strings.Contains(err.Error(), reason) {
		t.Fatalf("err = %q, want it to contain %q", err, reason)
	}
}

func TestParseIOU(t *testing.T) {
	ok := []struct {
		name, in string
		m        int64
		e        int
	}{
		{"Integer", "1", 1000000000000000, -15},
		{"Negative", "-1.5", -1500000000000000, -15},
		{"PlusSign", "+2", 2000000000000000, -15},
		{"Fraction", "0.0001", 1000000000000000, -19},
		{"Exponent", "1e-3", 1000000000000000, -18},
		{"UpperExponentPlus", "1.23E+10", 1230000000000000, -5},
		{"SixteenDigitMantissa", "1000000000000000e-5", 1000000000000000, -5},
		{"MaxMantissa", "9999999999999999", 9999999999999999, 0},
		{"Max", "9999999999999999e80", 9999999999999999, 80},
		{"Min", "1000000000000000e-96", 1000000000000000, -96},
		{"MinAsDecimal", "1e-81", 1000000000000000, -96},
		{"ExponentLeadingZeros", "1e-0003", 1000000000000000, -18},
		// More than 16 significant digits round to nearest, ties to even, as
		// rippled's Number does; xrpl-go would reject these strings.
		{"SeventeenDigitsTieEven", "1.0000000000000005", 1000000000000000, -15},
		{"SeventeenDigitsTieOdd", "1.0000000000000015", 1000000000000002, -15},
		{"SeventeenDigitsAboveHalf", "1.00000000000000051", 1000000000000001, -15},
		{"NineteenDigits", "9223372036854775807", 9223372036854776, 3},
		{"RoundsIntoNextExponent", "99999999999999995", 1000000000000000, 2},
		{"LongPlainDecimal", "0." + strings.Repeat("0", 80) + "1", 1000000000000000, -96},
		{"LongInteger", "1" + strings.Repeat("0", 30), 1000000000000000, 15},
		{"LongTailSticky", "1.000000000000000" + "5" + strings.Repeat("0", 40) + "1", 1000000000000001, -15},
		{"RoundsUpIntoRange", "9999999999999999.5e-97", 1000000000000000, -96},
	}
	for _, c := range ok {
		t.Run("OK/"+c.name, func(t *testing.T) {
			v, err := amount.ParseIOU(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if v.Mantissa() != c.m || v.Exponent() != c.e {
				t.Fatalf("ParseIOU(%q) = %de%d, want %de%d", c.in, v.Mantissa(), v.Exponent(), c.m, c.e)
			}
		})
	}
	zeros := []string{"0", "-0", "+0", "0.000", "0e100", "-0.0e-5", "1e-82", "9999999999999999e-97", "1e-2147483647"}
	for _, in := range zeros {
		t.Run("OK/Zero/"+in, func(t *testing.T) {
			v, err := amount.ParseIOU(in)
			if err != nil {
				t.Fatal(err)
			}
			if !v.IsZero() || v.Sign() != 0 || v.Exponent() != -100 || v.String() != "0" {
				t.Fatalf("ParseIOU(%q) = %de%d, want zero", in, v.Mantissa(), v.Exponent())
			}
		})
	}
	bad := []struct {
		name, in, reason string
	}{
		{"ErrEmpty", "", "empty string"},
		{"ErrSignOnly", "-", "no digits"},
		{"ErrSigns", "+-1", "expected a digit at offset 1"},
		{"ErrPoint", ".", "expected a digit at offset 0"},
		{"ErrNoIntegerPart", ".5", "expected a digit at offset 0"},
		{"ErrNoFraction", "5.", "no digits after the decimal point"},
		{"ErrLeadingZero", "01", "leading zero"},
		{"ErrLeadingZeroFraction", "00.5", "leading zero"},
		{"ErrLeadingSpace", " 1", "expected a digit at offset 0"},
		{"ErrTrailingSpace", "1 ", "unexpected ' ' at offset 1"},
		{"ErrLeadingJunk", "x1", "expected a digit at offset 0"},
		{"ErrTrailingJunk", "1x", "unexpected 'x' at offset 1"},
		{"ErrHex", "0x10", "unexpected 'x' at offset 1"},
		{"ErrNaN", "NaN", "expected a digit"},
		{"ErrInf", "Inf", "expected a digit"},
		{"ErrExponentNoDigits", "1e", "no digits in the exponent"},
		{"ErrExponentSignOnly", "1e+", "no digits in the exponent"},
		{"ErrExponentTooBig", "1e2147483648", "exponent does not fit in 32 bits"},
		{"ErrTwoPoints", "1.2.3", "unexpected '.' at offset 3"},
		{"ErrComma", "1,5", "unexpected ',' at offset 1"},
		{"ErrOverflow", "1e97", "exceeds the maximum"},
		{"ErrOverflowByRounding", "99999999999999995e80", "exceeds the maximum"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := amount.ParseIOU(c.in)
			wantInvalid(t, err, c.reason)
		})
	}
	t.Run("ErrOverflowIs", func(t *testing.T) {
		_, err := amount.ParseIOU("1e200")
		if !errors.Is(err, amount.ErrOverflow) {
			t.Fatalf("err = %v, want ErrOverflow", err)
		}
	})
}

func TestParseIOUStrict(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		for _, in := range []string{"9223372036854775807", "922337203685477580.7e2", "0.0000000000000000000000000000001", "1e80"} {
			if _, err := amount.ParseIOUStrict(in); err != nil {
				t.Errorf("ParseIOUStrict(%q): %v", in, err)
			}
		}
	})
	t.Run("ErrTooManyDigits", func(t *testing.T) {
		for _, in := range []string{"9223372036854775808", "1" + strings.Repeat("0", 30), "1." + strings.Repeat("1", 30)} {
			_, err := amount.ParseIOUStrict(in)
			wantInvalid(t, err, "more digits than rippled reads")
		}
	})
	t.Run("ErrGrammar", func(t *testing.T) {
		_, err := amount.ParseIOUStrict("1.")
		wantInvalid(t, err, "no digits after the decimal point")
	})
}

func TestIOUString(t *testing.T) {
	cases := []struct {
		name string
		m    int64
		e    int
		want string
	}{
		// rippled's IOUAmount_test testToString.
		{"MinusTwo", -2, 0, "-2"},
		{"Zero", 0, 0, "0"},
		{"Two", 2, 0, "2"},
		{"Fraction", 25, -3, "0.025"},
		{"NegativeFraction", -25, -3, "-0.025"},
		{"Hundreds", 25, 1, "250"},
		{"NegativeHundreds", -25, 1, "-250"},
		{"ScientificLarge", 2, 20, "2000000000000000e5"},
		{"ScientificSmall", -2, -20, "-2000000000000000e-35"},
		// The boundaries of the plain form: exponent -25..-5 or exactly 0.
		{"ExponentZero", 1234567890123456, 0, "1234567890123456"},
		{"ExponentMinus1", 1234567890123456, -1, "1234567890123456e-1"},
		{"ExponentMinus4", 1234567890123456, -4, "1234567890123456e-4"},
		{"ExponentMinus5", 1234567890123456, -5, "12345678901.23456"},
		{"ExponentMinus25", 1234567890123456, -25, "0.0000000001234567890123456"},
		{"ExponentMinus26", 1234567890123456, -26, "1234567890123456e-26"},
		{"ExponentOne", 1234567890123456, 1, "1234567890123456e1"},
		{"Min", 1000000000000000, -96, "1000000000000000e-96"},
		{"Max", 9999999999999999, 80, "9999999999999999e80"},
		{"NegativeMax", -9999999999999999, 80, "-9999999999999999e80"},
		{"TrailingZerosTrimmed", 1500000000000000, -15, "1.5"},
		{"TinyPlain", 1, -10, "0.0000000001"},
	}
	for _, c := range cases {
		t.Run("OK/"+c.name, func(t *testing.T) {
			v := parts(t, c.m, c.e)
			if got := v.String(); got != c.want {
				t.Fatalf("String(%de%d) = %q, want %q", c.m, c.e, got, c.want)
			}
			back := iou(t, v.String())
			if !back.Equal(v) {
				t.Fatalf("ParseIOU(String()) = %v, want %v", back, v)
			}
		})
	}
	t.Run("OK/MarshalText", func(t *testing.T) {
		var v amount.IOU
		if err := v.UnmarshalText([]byte("12.5")); err != nil {
			t.Fatal(err)
		}
		b, err := v.MarshalText()
		if err != nil || string(b) != "12.5" {
			t.Fatalf("MarshalText = %q, %v", b, err)
		}
	})
	t.Run("ErrUnmarshalText", func(t *testing.T) {
		var v amount.IOU
		wantInvalid(t, v.UnmarshalText([]byte("1.")), "no digits after the decimal point")
	})
}

func TestFromParts(t *testing.T) {
	cases := []struct {
		name     string
		m        int64
		e        int
		wantM    int64
		wantE    int
		overflow bool
	}{
		{"ScalesUp", 1, 0, 1000000000000000, -15, false},
		{"RoundsHalfEven", 10000000000000005, 0, 1000000000000000, 1, false},
		{"RoundsHalfEvenUp", 10000000000000015, 0, 1000000000000002, 1, false},
		// rippled's Number_test testLimits: int64 extremes in the 16-digit scale.
		{"MaxInt64", math.MaxInt64, 0, 9223372036854776, 3, false},
		{"MinInt64", math.MinInt64, 0, -9223372036854776, 3, false},
		{"BelowMinIsZero", 1000000000000000, -97, 0, -100, false},
		{"ZeroMantissa", 0, 50, 0, -100, false},
		{"Overflow", 1000000000000000, 81, 0, 0, true},
		{"OverflowHugeExponent", 1, 1 << 40, 0, 0, true},
		{"UnderflowHugeExponent", 1, -(1 << 40), 0, -100, false},
	}
	for _, c := range cases {
		name := "OK/" + c.name
		if c.overflow {
			name = "ErrOverflow/" + c.name
		}
		t.Run(name, func(t *testing.T) {
			v, err := amount.FromParts(c.m, c.e)
			if c.overflow {
				if !errors.Is(err, amount.ErrOverflow) || banx.ErrorCode(err) != banx.EINVALID {
					t.Fatalf("err = %v, want ErrOverflow with code invalid", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if v.Mantissa() != c.wantM || v.Exponent() != c.wantE {
				t.Fatalf("FromParts(%d, %d) = %de%d, want %de%d", c.m, c.e, v.Mantissa(), v.Exponent(), c.wantM, c.wantE)
			}
		})
	}
}

func TestCmp(t *testing.T) {
	ordered := []string{"-9999999999999999e80", "-1", "-0.5", "-1e-81", "0", "1e-81", "0.5", "0.50000000000001", "1", "10", "9999999999999999e80"}
	for i, a := range ordered {
		for j, b := range ordered {
			want := 0
			switch {
			case i < j:
				want = -1
			case i > j:
				want = 1
			}
			if got := iou(t, a).Cmp(iou(t, b)); got != want {
				t.Errorf("Cmp(%s, %s) = %d, want %d", a, b, got, want)
			}
			if got := iou(t, a).Equal(iou(t, b)); got != (want == 0) {
				t.Errorf("Equal(%s, %s) = %v", a, b, got)
			}
		}
	}
	t.Run("OK/NegAbsSign", func(t *testing.T) {
		v := iou(t, "-2.5")
		if v.Sign() != -1 || v.Neg().String() != "2.5" || v.Abs().String() != "2.5" || v.Neg().Sign() != 1 {
			t.Fatalf("Neg/Abs/Sign wrong for %v", v)
		}
		var zero amount.IOU
		if !zero.Neg().Equal(zero) || zero.Neg().Sign() != 0 || !zero.Equal(iou(t, "-0")) {
			t.Fatal("zero is not its own negation")
		}
	})
}
