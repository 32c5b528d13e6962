package amount_test

import (
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/banxmedia/banx/internal/amount"
	"github.com/banxmedia/banx/internal/banx"
)

func TestAdd(t *testing.T) {
	cases := []struct {
		name       string
		a, b, want amount.IOU
	}{
		// rippled's Number_test testAdd, 16-digit scale (the operands are
		// rippled's Number{mantissa, exponent} values).
		{"RippledSmallAddend", parts(t, 1000000000000000, -15), parts(t, 6555555555555555, -29), parts(t, 1000000000000066, -15)},
		{"RippledBothNegative", parts(t, -1000000000000000, -15), parts(t, -6555555555555555, -29), parts(t, -1000000000000066, -15)},
		{"RippledMixedSigns", parts(t, -1000000000000000, -15), parts(t, 6555555555555555, -29), parts(t, -9999999999999344, -16)},
		{"RippledMixedSignsSwapped", parts(t, -6555555555555555, -29), parts(t, 1000000000000000, -15), parts(t, 9999999999999344, -16)},
		{"RippledBorrow", parts(t, -9999999999999999, -31), parts(t, 1000000000000000, -15), parts(t, 9999999999999990, -16)},
		{"ZeroLeft", amount.IOU{}, iou(t, "5"), iou(t, "5")},
		{"ZeroRight", iou(t, "5"), amount.IOU{}, iou(t, "5")},
		{"Simple", iou(t, "1.25"), iou(t, "2.5"), iou(t, "3.75")},
		{"CarryAcrossExponents", iou(t, "9999999999999999"), iou(t, "1"), iou(t, "10000000000000000")},
		{"CarryWithTieToEven", iou(t, "9999999999999999"), iou(t, "0.5"), iou(t, "10000000000000000")},
		{"TieToEvenStays", iou(t, "9999999999999998"), iou(t, "0.5"), iou(t, "9999999999999998")},
		{"AboveHalfRoundsUp", iou(t, "1"), iou(t, "0.0000000000000006"), iou(t, "1.000000000000001")},
		{"BelowHalfRoundsDown", iou(t, "1"), iou(t, "0.0000000000000004"), iou(t, "1")},
		// rippled drops an addend more than 16 digits below the other.
		{"TinyPlusHugeDropsTiny", iou(t, "1e80"), iou(t, "1e-81"), iou(t, "1e80")},
		{"HugePlusTinyDropsTiny", iou(t, "-1e-81"), iou(t, "9999999999999999e80"), iou(t, "9999999999999999e80")},
		{"SubtractionToZero", iou(t, "1.5"), iou(t, "-1.5"), amount.IOU{}},
		{"SubtractionLosesLeadingDigits", iou(t, "1.000000000000001"), iou(t, "-1"), iou(t, "1e-15")},
		// The "cusp": after subtracting, the result sits exactly on 10^15 so
		// rippled does not borrow the guard digits back and keeps 10^15, where
		// exact rounding would give 999999999999999.9. Faithful to rippled.
		{"CuspLikeRippled", iou(t, "1000000000000000"), iou(t, "-0.1000000000000005"), iou(t, "1000000000000000")},
		{"MinPlusMin", iou(t, "1e-81"), iou(t, "1e-81"), iou(t, "2e-81")},
		{"MinMinusSlightlyLessUnderflows", iou(t, "1.000000000000001e-81"), iou(t, "-1e-81"), amount.IOU{}},
	}
	for _, c := range cases {
		t.Run("OK/"+c.name, func(t *testing.T) {
			got, err := amount.Add(c.a, c.b)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(c.want) {
				t.Fatalf("Add(%v, %v) = %v, want %v", c.a, c.b, got, c.want)
			}
			rev, err := amount.Add(c.b, c.a)
			if err != nil || !rev.Equal(got) {
				t.Fatalf("Add is not commutative: %v vs %v (%v)", rev, got, err)
			}
		})
	}
	t.Run("ErrOverflow", func(t *testing.T) {
		_, err := amount.Add(iou(t, "9999999999999999e80"), iou(t, "1e80"))
		if !errors.Is(err, amount.ErrOverflow) || banx.ErrorCode(err) != banx.EINVALID {
			t.Fatalf("err = %v, want ErrOverflow", err)
		}
		_, err = amount.Add(iou(t, "9999999999999999e80"), iou(t, "5e79"))
		if !errors.Is(err, amount.ErrOverflow) {
			t.Fatalf("rounding past the maximum: err = %v, want ErrOverflow", err)
		}
	})
}

func TestSub(t *testing.T) {
	cases := []struct {
		name       string
		a, b, want amount.IOU
	}{
		// rippled's Number_test testSub, 16-digit scale.
		{"RippledSmallSubtrahend", parts(t, 1000000000000000, -15), parts(t, 6555555555555555, -29), parts(t, 9999999999999344, -16)},
		{"RippledNegativeResult", parts(t, 6555555555555555, -29), parts(t, 1000000000000000, -15), parts(t, -9999999999999344, -16)},
		{"RippledSame", parts(t, 1000000000000000, -15), parts(t, 1000000000000000, -15), amount.IOU{}},
		{"RippledOneUlpBelow", parts(t, 1000000000000000, -15), parts(t, 1000000000000001, -15), parts(t, -1000000000000000, -30)},
		{"RippledOneUlpAbove", parts(t, 1000000000000001, -15), parts(t, 1000000000000000, -15), parts(t, 1000000000000000, -30)},
		{"ZeroMinusZero", amount.IOU{}, amount.IOU{}, amount.IOU{}},
		{"ZeroMinusX", amount.IOU{}, iou(t, "2"), iou(t, "-2")},
		{"Balance", iou(t, "100"), iou(t, "33.3333333333333"), iou(t, "66.6666666666667")},
	}
	for _, c := range cases {
		t.Run("OK/"+c.name, func(t *testing.T) {
			got, err := amount.Sub(c.a, c.b)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(c.want) {
				t.Fatalf("Sub(%v, %v) = %v, want %v", c.a, c.b, got, c.want)
			}
			if got.IsZero() && got.Sign() != 0 {
				t.Fatal("negative zero")
			}
		})
	}
	t.Run("ErrOverflow", func(t *testing.T) {
		_, err := amount.Sub(iou(t, "-9999999999999999e80"), iou(t, "1e80"))
		if !errors.Is(err, amount.ErrOverflow) {
			t.Fatalf("err = %v, want ErrOverflow", err)
		}
	})
}

func TestMulRound(t *testing.T) {
	cases := []struct {
		name    string
		a, b    string
		roundUp bool
		want    string
	}{
		{"TransferRate", "100", "1.002", true, "100.2"},
		{"TransferRateDown", "100", "1.002", false, "100.2"},
		{"Zero", "0", "5", true, "0"},
		{"UpAwayFromZero", "0.6666666666666667", "3", true, "2.000000000000001"},
		{"DownTruncates", "0.6666666666666667", "3", false, "2"},
		// rippled's mulRound canonicalises a truncated product through Number,
		// which rounds to nearest: 1.5000000000000015 "rounded down" is
		// 1.500000000000002 (a tie, rounded to even).
		{"DownRoundsToNearestLikeRippled", "1.5", "1.000000000000001", false, "1.500000000000002"},
		{"DownTieToEven", "1.5", "1.000000000000003", false, "1.500000000000004"},
		{"UpOfTie", "1.5", "1.000000000000003", true, "1.500000000000005"},
		// roundUp is towards +infinity: for a negative product it truncates
		// (through Number's round to nearest), otherwise it goes away from zero.
		{"NegativeUp", "-1.5", "1.000000000000003", true, "-1.500000000000004"},
		{"NegativeDown", "-1.5", "1.000000000000003", false, "-1.500000000000005"},
		{"TinyUpIsSmallestPositive", "1e-81", "1e-81", true, "1e-81"},
		{"TinyDownIsZero", "1e-81", "1e-81", false, "0"},
		{"TinyNegativeUpIsZero", "-1e-81", "1e-81", true, "0"},
		{"TinyNegativeDownIsZero", "-1e-81", "1e-81", false, "0"},
		{"Max", "9999999999999999e80", "1", false, "9999999999999999e80"},
	}
	for _, c := range cases {
		t.Run("OK/"+c.name, func(t *testing.T) {
			got, err := amount.MulRound(iou(t, c.a), iou(t, c.b), c.roundUp)
			if err != nil {
				t.Fatal(err)
			}
			if want := iou(t, c.want); !got.Equal(want) {
				t.Fatalf("MulRound(%s, %s, %v) = %v, want %v", c.a, c.b, c.roundUp, got, want)
			}
		})
	}
	t.Run("ErrOverflow", func(t *testing.T) {
		_, err := amount.MulRound(iou(t, "1e80"), iou(t, "1e80"), false)
		if !errors.Is(err, amount.ErrOverflow) {
			t.Fatalf("err = %v, want ErrOverflow", err)
		}
	})
}

func TestDivRound(t *testing.T) {
	cases := []struct {
		name    string
		a, b    string
		roundUp bool
		want    string
	}{
		{"ThirdUp", "1", "3", true, "0.3333333333333334"},
		{"ThirdDown", "1", "3", false, "0.3333333333333333"},
		// As with MulRound, "down" is truncation to 17 digits and then
		// Number's round to nearest.
		{"TwoThirdsDownRoundsToNearestLikeRippled", "2", "3", false, "0.6666666666666667"},
		{"TwoThirdsUp", "2", "3", true, "0.6666666666666667"},
		{"NegativeThirdUp", "-1", "3", true, "-0.3333333333333333"},
		{"NegativeThirdDown", "1", "-3", false, "-0.3333333333333334"},
		{"Exact", "100.2", "1.002", false, "100"},
		{"ZeroNumerator", "0", "7", true, "0"},
		{"TinyUpIsSmallestPositive", "1e-81", "1e80", true, "1e-81"},
		{"TinyDownIsZero", "1e-81", "1e80", false, "0"},
	}
	for _, c := range cases {
		t.Run("OK/"+c.name, func(t *testing.T) {
			got, err := amount.DivRound(iou(t, c.a), iou(t, c.b), c.roundUp)
			if err != nil {
				t.Fatal(err)
			}
			if want := iou(t, c.want); !got.Equal(want) {
				t.Fatalf("DivRound(%s, %s, %v) = %v, want %v", c.a, c.b, c.roundUp, got, want)
			}
		})
	}
	t.Run("ErrDivisionByZero", func(t *testing.T) {
		_, err := amount.DivRound(iou(t, "1"), amount.IOU{}, true)
		if !errors.Is(err, amount.ErrDivisionByZero) || banx.ErrorCode(err) != banx.EINVALID {
			t.Fatalf("err = %v, want ErrDivisionByZero", err)
		}
	})
	t.Run("ErrOverflow", func(t *testing.T) {
		_, err := amount.DivRound(iou(t, "1e80"), iou(t, "1e-80"), false)
		if !errors.Is(err, amount.ErrOverflow) {
			t.Fatalf("err = %v, want ErrOverflow", err)
		}
	})
}

func TestMulRatio(t *testing.T) {
	const maxUInt = math.MaxUint32
	const maxMantissa = 9999999999999999
	// Cases from rippled's IOUAmount_test testMulRatio.
	t.Run("OK/ExactRoundTrip", func(t *testing.T) {
		for _, m := range []int64{maxMantissa, -maxMantissa} {
			big := parts(t, m, 0)
			for _, up := range []bool{true, false} {
				got, err := amount.MulRatio(big, maxUInt, maxUInt, up)
				if err != nil || !got.Equal(big) {
					t.Fatalf("MulRatio(%v, max, max, %v) = %v, %v", big, up, got, err)
				}
			}
		}
	})
	t.Run("OK/Tiny", func(t *testing.T) {
		tiny := parts(t, 1000000000000000, -96)
		tinyNeg := tiny.Neg()
		check := func(a amount.IOU, num uint32, up bool, want amount.IOU) {
			t.Helper()
			got, err := amount.MulRatio(a, num, maxUInt, up)
			if err != nil || !got.Equal(want) {
				t.Fatalf("MulRatio(%v, %d, max, %v) = %v, %v; want %v", a, num, up, got, err, want)
			}
		}
		check(tiny, 1, true, tiny)
		check(tiny, maxUInt-1, true, tiny)
		check(tiny, 1, false, amount.IOU{})
		check(tiny, maxUInt-1, false, amount.IOU{})
		check(tinyNeg, 1, true, amount.IOU{})
		check(tinyNeg, maxUInt-1, true, amount.IOU{})
		check(tinyNeg, 1, false, tinyNeg)
		check(tinyNeg, maxUInt-1, false, tinyNeg)
	})
	t.Run("OK/RoundingDiffersByOneUlp", func(t *testing.T) {
		for _, a := range []amount.IOU{parts(t, 1, 0), parts(t, maxMantissa, 80), parts(t, -1, 0)} {
			up, err1 := amount.MulRatio(a, maxUInt-1, maxUInt, true)
			down, err2 := amount.MulRatio(a, maxUInt-1, maxUInt, false)
			if err1 != nil || err2 != nil || up.Mantissa()-down.Mantissa() != 1 {
				t.Fatalf("MulRatio(%v): up %v (%v), down %v (%v)", a, up, err1, down, err2)
			}
		}
	})
	t.Run("OK/TransferRate", func(t *testing.T) {
		got, err := amount.MulRatio(iou(t, "100"), 1_002_000_000, 1_000_000_000, true)
		if err != nil || !got.Equal(iou(t, "100.2")) {
			t.Fatalf("100 * 1.002 = %v, %v", got, err)
		}
	})
	t.Run("OK/Zero", func(t *testing.T) {
		got, err := amount.MulRatio(amount.IOU{}, 3, 7, true)
		if err != nil || !got.IsZero() {
			t.Fatalf("0 * 3/7 = %v, %v", got, err)
		}
	})
	t.Run("ErrDivisionByZero", func(t *testing.T) {
		_, err := amount.MulRatio(iou(t, "1"), 1, 0, true)
		if !errors.Is(err, amount.ErrDivisionByZero) {
			t.Fatalf("err = %v, want ErrDivisionByZero", err)
		}
	})
	t.Run("ErrOverflow", func(t *testing.T) {
		_, err := amount.MulRatio(parts(t, maxMantissa, 80), 2, 1, true)
		if !errors.Is(err, amount.ErrOverflow) {
			t.Fatalf("err = %v, want ErrOverflow", err)
		}
	})
}

// roundHalfEven is an independent oracle: the exact value s * 10^e rounded to
// 16 significant digits, to nearest with ties to even, then limited to the IOU
// range. It is what rippled's Number computes except at the "cusp" (see
// TestAdd).
func roundHalfEven(t *testing.T, s *big.Int, e int) (amount.IOU, error) {
	t.Helper()
	neg := s.Sign() < 0
	m := new(big.Int).Abs(s)
	if m.Sign() == 0 {
		return amount.IOU{}, nil
	}
	if d := len(m.String()) - 16; d > 0 {
		p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d)), nil)
		q, r := new(big.Int).QuoRem(m, p, new(big.Int))
		switch c := new(big.Int).Lsh(r, 1).Cmp(p); {
		case c > 0, c == 0 && q.Bit(0) == 1:
			q.Add(q, big.NewInt(1))
		}
		m, e = q, e+d
	}
	v := m.Int64()
	if neg {
		v = -v
	}
	return amount.FromParts(v, e)
}

func TestAddMatchesExactRounding(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	mantissa := func() int64 {
		m := 1_000_000_000_000_000 + rng.Int64N(9_000_000_000_000_000)
		if rng.IntN(2) == 0 {
			m = -m
		}
		return m
	}
	cusps := 0
	for range 50_000 {
		e1 := rng.IntN(60) - 40
		e2 := e1 + rng.IntN(24) - 12
		a, b := parts(t, mantissa(), e1), parts(t, mantissa(), e2)
		got, err := amount.Add(a, b)
		if err != nil {
			t.Fatal(err)
		}
		emin := min(a.Exponent(), b.Exponent())
		sum := new(big.Int).Mul(big.NewInt(a.Mantissa()), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(a.Exponent()-emin)), nil))
		sum.Add(sum, new(big.Int).Mul(big.NewInt(b.Mantissa()), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(b.Exponent()-emin)), nil)))
		want, err := roundHalfEven(t, sum, emin)
		if err != nil {
			t.Fatal(err)
		}
		if got.Equal(want) {
			continue
		}
		// rippled keeps the exponent of the larger operand when a difference
		// lands on 10^15 (or one below it after rounding down).
		if m := got.Mantissa(); (m == 1e15 || m == -1e15 || m == 9999999999999990 || m == -9999999999999990) && a.Sign() != b.Sign() {
			cusps++
			continue
		}
		t.Fatalf("Add(%v, %v) = %v, exact rounding gives %v", a, b, got, want)
	}
	t.Logf("%d cusp results", cusps)
}

func TestMul(t *testing.T) {
	cases := []struct {
		name       string
		a, b, want amount.IOU
	}{
		// rippled's Number_test testMul, 16-digit scale, round to nearest.
		{"RippledSmallIntegers", parts(t, 7, 0), parts(t, 8, 0), parts(t, 56, 0)},
		{"RippledSqrt2Squared", parts(t, 1414213562373095, -15), parts(t, 1414213562373095, -15), parts(t, 2000000000000000, -15)},
		{"RippledNegative", parts(t, -1414213562373095, -15), parts(t, 1414213562373095, -15), parts(t, -2000000000000000, -15)},
		{"RippledBothNegative", parts(t, -1414213562373095, -15), parts(t, -1414213562373095, -15), parts(t, 2000000000000000, -15)},
		{"RippledRoundsToTen", parts(t, 3214285714285706, -15), parts(t, 3111111111111119, -15), parts(t, 1000000000000000, -14)},
		{"RippledMaxMantissa", parts(t, 9999999999999999, 0), parts(t, 9999999999999999, 0), parts(t, 9999999999999998, 16)},
		{"TieToEven", iou(t, "1.5"), iou(t, "1.000000000000003"), iou(t, "1.500000000000004")},
		{"TieToOddRoundsUp", iou(t, "1.5"), iou(t, "1.000000000000001"), iou(t, "1.500000000000002")},
		{"Zero", amount.IOU{}, iou(t, "3"), amount.IOU{}},
		{"Underflow", iou(t, "1e-81"), iou(t, "1e-81"), amount.IOU{}},
		{"TransferRate", iou(t, "100"), iou(t, "1.002"), iou(t, "100.2")},
	}
	for _, c := range cases {
		t.Run("OK/"+c.name, func(t *testing.T) {
			got, err := amount.Mul(c.a, c.b)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(c.want) {
				t.Fatalf("Mul(%v, %v) = %v, want %v", c.a, c.b, got, c.want)
			}
		})
	}
	t.Run("ErrOverflow", func(t *testing.T) {
		_, err := amount.Mul(iou(t, "9999999999999999e80"), iou(t, "10"))
		if !errors.Is(err, amount.ErrOverflow) {
			t.Fatalf("err = %v, want ErrOverflow", err)
		}
	})
}

func TestDiv(t *testing.T) {
	cases := []struct {
		name, a, b, want string
	}{
		// rippled's divide adds 5 below the 16th digit before rounding, so a
		// third comes out ...334.
		{"Third", "1", "3", "0.3333333333333334"},
		{"TwoThirds", "2", "3", "0.6666666666666667"},
		{"One", "1", "1", "1"},
		{"Exact", "10", "4", "2.5"},
		{"Negative", "-10", "4", "-2.5"},
		{"Zero", "0", "4", "0"},
	}
	for _, c := range cases {
		t.Run("OK/"+c.name, func(t *testing.T) {
			got, err := amount.Div(iou(t, c.a), iou(t, c.b))
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(iou(t, c.want)) {
				t.Fatalf("Div(%s, %s) = %v, want %s", c.a, c.b, got, c.want)
			}
		})
	}
	t.Run("ErrDivisionByZero", func(t *testing.T) {
		_, err := amount.Div(iou(t, "1"), amount.IOU{})
		if !errors.Is(err, amount.ErrDivisionByZero) {
			t.Fatalf("err = %v, want ErrDivisionByZero", err)
		}
	})
	t.Run("ErrOverflow", func(t *testing.T) {
		_, err := amount.Div(iou(t, "9999999999999999e80"), iou(t, "0.1"))
		if !errors.Is(err, amount.ErrOverflow) {
			t.Fatalf("err = %v, want ErrOverflow", err)
		}
	})
}
