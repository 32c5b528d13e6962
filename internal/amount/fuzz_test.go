package amount_test

import (
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/banxmedia/banx/internal/amount"
)

// The seed corpora live in testdata/fuzz/<FuzzName>/ and run with every
// `go test`; `go test -fuzz=FuzzParseIOU ./internal/amount/` explores further.

// ulpBound is 10^(exponent+1): one unit in the place above the last digit of
// v. rippled's rounding is within half a unit in the last place except at the
// "cusp" (a difference landing on 10^15, see TestAdd), where it can be off by
// a few units of the finer exponent, still within this bound. Results at the
// bottom of the range (zero, or the smallest value that mulRound and divRound
// return instead of zero) are only within 1e-81 of the exact value.
func ulpBound(v amount.IOU) *big.Rat {
	e := v.Exponent() + 1
	if v.IsZero() || v.Exponent() == amount.MinExponent {
		e = amount.MinExponent + 15
	}
	return pow10Rat(e)
}

func pow10Rat(e int) *big.Rat {
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(e))), nil)
	if e >= 0 {
		return new(big.Rat).SetInt(p)
	}
	return new(big.Rat).SetFrac(big.NewInt(1), p)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// near reports whether |got - exact| <= bound.
func near(got amount.IOU, exact, bound *big.Rat) bool {
	d := new(big.Rat).Sub(got.Rat(), exact)
	return d.Abs(d).Cmp(bound) <= 0
}

func FuzzParseIOU(f *testing.F) {
	for _, s := range []string{"1", "-1.5", "0.0001", "1e-3", "1.23E+10", "1000000000000000e-5", "9999999999999999e80", "1e-81", "+0", "01", "1.", "1.00000000000000015", "NaN"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := amount.ParseIOU(s)
		if err != nil {
			if strict, serr := amount.ParseIOUStrict(s); serr == nil {
				t.Fatalf("ParseIOUStrict(%q) = %v but ParseIOU failed: %v", s, strict, err)
			}
			return
		}
		if strict, serr := amount.ParseIOUStrict(s); serr == nil && !strict.Equal(v) {
			t.Fatalf("ParseIOUStrict(%q) = %v, ParseIOU = %v", s, strict, v)
		}
		text := v.String()
		back, err := amount.ParseIOU(text)
		if err != nil || !back.Equal(v) || back.String() != text {
			t.Fatalf("ParseIOU(%q) = %v; String %q parses to %v, %v", s, v, text, back, err)
		}
		if m := v.Mantissa(); m != 0 && (abs64(m) < 1e15 || abs64(m) > 9999999999999999 || v.Exponent() < -96 || v.Exponent() > 80) {
			t.Fatalf("ParseIOU(%q) = %de%d is not canonical", s, m, v.Exponent())
		}
		// The value is the input rounded to nearest (checked when the
		// input's exact value is cheap to compute).
		if !v.IsZero() && len(s) < 200 {
			exact, ok := new(big.Rat).SetString(strings.TrimPrefix(s, "+"))
			if !ok {
				t.Fatalf("big.Rat cannot read %q, which ParseIOU accepted", s)
			}
			half := new(big.Rat).Mul(pow10Rat(v.Exponent()), big.NewRat(1, 2))
			if !near(v, exact, half) {
				t.Fatalf("ParseIOU(%q) = %v, more than half a unit from the exact value", s, v)
			}
		}
	})
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// fromFuzz builds an IOU from fuzzer integers, or reports false when they are
// out of range (which FromParts tests cover).
func fromFuzz(m int64, e int) (amount.IOU, bool) {
	v, err := amount.FromParts(m, e%200)
	return v, err == nil
}

func FuzzAddSub(f *testing.F) {
	f.Add(int64(1000000000000000), -15, int64(6555555555555555), -29)
	f.Add(int64(9999999999999999), 80, int64(1), -96)
	f.Add(int64(-1), 0, int64(1), 0)
	f.Add(int64(1000000000000000), 0, int64(-1000000000000005), -16)
	f.Fuzz(func(t *testing.T, m1 int64, e1 int, m2 int64, e2 int) {
		a, ok1 := fromFuzz(m1, e1)
		b, ok2 := fromFuzz(m2, e2)
		if !ok1 || !ok2 {
			return
		}
		ab, err1 := amount.Add(a, b)
		ba, err2 := amount.Add(b, a)
		if (err1 == nil) != (err2 == nil) || (err1 == nil && !ab.Equal(ba)) {
			t.Fatalf("Add(%v, %v) = %v, %v but Add(%v, %v) = %v, %v", a, b, ab, err1, b, a, ba, err2)
		}
		if err1 != nil && !errors.Is(err1, amount.ErrOverflow) {
			t.Fatalf("Add(%v, %v): unexpected error %v", a, b, err1)
		}
		d1, err3 := amount.Sub(a, b)
		d2, err4 := amount.Sub(b, a)
		if (err3 == nil) != (err4 == nil) || (err3 == nil && !d1.Equal(d2.Neg())) {
			t.Fatalf("Sub(%v, %v) = %v, %v but Sub(%v, %v) = %v, %v", a, b, d1, err3, b, a, d2, err4)
		}
		if c := a.Cmp(b); c != a.Rat().Cmp(b.Rat()) {
			t.Fatalf("Cmp(%v, %v) = %d disagrees with the exact values", a, b, c)
		}
		if a.Equal(b) != (a.Cmp(b) == 0) {
			t.Fatalf("Equal(%v, %v) disagrees with Cmp", a, b)
		}
		if err1 == nil {
			exact := new(big.Rat).Add(a.Rat(), b.Rat())
			if !near(ab, exact, ulpBound(ab)) {
				t.Fatalf("Add(%v, %v) = %v, too far from %s", a, b, ab, exact.FloatString(100))
			}
		}
		if err3 == nil && a.Equal(b) && !d1.IsZero() {
			t.Fatalf("Sub(%v, %v) = %v is non-zero for equal values", a, b, d1)
		}
	})
}

func FuzzMulDivRound(f *testing.F) {
	f.Add(int64(1), 0, int64(3), 0)
	f.Add(int64(15), -1, int64(1000000000000001), -15)
	f.Add(int64(-1), -81, int64(1), -81)
	f.Add(int64(100), 0, int64(1002000000), -9)
	f.Fuzz(func(t *testing.T, m1 int64, e1 int, m2 int64, e2 int) {
		a, ok1 := fromFuzz(m1, e1)
		b, ok2 := fromFuzz(m2, e2)
		if !ok1 || !ok2 {
			return
		}
		if w, err := amount.IOUFromWire(a.Wire()); err != nil || !w.Equal(a) {
			t.Fatalf("IOUFromWire(%v.Wire()) = %v, %v", a, w, err)
		}
		if p, err := amount.Mul(a, b); err == nil {
			exact := new(big.Rat).Mul(a.Rat(), b.Rat())
			if !near(p, exact, ulpBound(p)) {
				t.Fatalf("Mul(%v, %v) = %v, too far from the exact product", a, b, p)
			}
		} else if !errors.Is(err, amount.ErrOverflow) {
			t.Fatalf("Mul(%v, %v): %v", a, b, err)
		}
		if q, err := amount.Div(a, b); err == nil {
			exact := new(big.Rat).Quo(a.Rat(), b.Rat())
			if !near(q, exact, ulpBound(q)) {
				t.Fatalf("Div(%v, %v) = %v, too far from the exact quotient", a, b, q)
			}
		} else if !errors.Is(err, amount.ErrOverflow) && !b.IsZero() {
			t.Fatalf("Div(%v, %v): %v", a, b, err)
		}
		up, errUp := amount.MulRound(a, b, true)
		down, errDown := amount.MulRound(a, b, false)
		if errUp == nil && errDown == nil {
			if up.Cmp(down) < 0 {
				t.Fatalf("MulRound(%v, %v): up %v < down %v", a, b, up, down)
			}
			exact := new(big.Rat).Mul(a.Rat(), b.Rat())
			for _, r := range []amount.IOU{up, down} {
				if !near(r, exact, ulpBound(r)) {
					t.Fatalf("MulRound(%v, %v) = %v, too far from the exact product", a, b, r)
				}
			}
		}
		if b.IsZero() {
			if _, err := amount.DivRound(a, b, true); !errors.Is(err, amount.ErrDivisionByZero) {
				t.Fatalf("DivRound(%v, 0): err = %v", a, err)
			}
			return
		}
		up, errUp = amount.DivRound(a, b, true)
		down, errDown = amount.DivRound(a, b, false)
		if errUp == nil && errDown == nil {
			if up.Cmp(down) < 0 {
				t.Fatalf("DivRound(%v, %v): up %v < down %v", a, b, up, down)
			}
			exact := new(big.Rat).Quo(a.Rat(), b.Rat())
			for _, r := range []amount.IOU{up, down} {
				if !near(r, exact, ulpBound(r)) {
					t.Fatalf("DivRound(%v, %v) = %v, too far from the exact quotient", a, b, r)
				}
			}
		}
	})
}

func FuzzFromRat(f *testing.F) {
	f.Add(int64(100), int64(3), uint8(15))
	f.Add(int64(-2), int64(3), uint8(16))
	f.Add(int64(1), int64(7), uint8(1))
	f.Fuzz(func(t *testing.T, num, den int64, sig uint8) {
		if den == 0 {
			return
		}
		r := big.NewRat(num, den)
		v, rem, err := amount.FromRat(r, int(sig))
		if sig < 1 || sig > 16 {
			if err == nil {
				t.Fatalf("FromRat with %d digits succeeded", sig)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if new(big.Rat).Add(v.Rat(), rem).Cmp(r) != 0 {
			t.Fatalf("FromRat(%s): %v + %s != input", r.RatString(), v, rem.RatString())
		}
		if rem.Sign()*r.Sign() < 0 || v.Rat().Sign()*r.Sign() < 0 {
			t.Fatalf("FromRat(%s) = %v rem %s rounds away from zero", r.RatString(), v, rem.RatString())
		}
		if digits := len(trimZeros(v.Mantissa())); v.Mantissa() != 0 && digits > int(sig) {
			t.Fatalf("FromRat(%s, %d) = %v has %d digits", r.RatString(), sig, v, digits)
		}
	})
}

func FuzzParseDrops(f *testing.F) {
	for _, s := range []string{"0", "10", "-10", "+10", "1e3", "1.5", "100000000000000000", "01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := amount.ParseDrops(s)
		if canon, cerr := amount.ParseDropsCanonical(s); cerr == nil && (err != nil || canon != v) {
			t.Fatalf("ParseDropsCanonical(%q) = %d but ParseDrops = %d, %v", s, canon, v, err)
		}
		if err != nil {
			return
		}
		if v > amount.MaxDrops || v < -amount.MaxDrops {
			t.Fatalf("ParseDrops(%q) = %d is out of range", s, v)
		}
		if back, err := amount.ParseDrops(amount.FormatDrops(v)); err != nil || back != v {
			t.Fatalf("ParseDrops(FormatDrops(%d)) = %d, %v", v, back, err)
		}
		if v >= 0 {
			if back, err := amount.XRPToDrops(amount.DropsToXRP(v)); err != nil || back != v {
				t.Fatalf("XRPToDrops(DropsToXRP(%d)) = %d, %v", v, back, err)
			}
		}
	})
}

func FuzzParseCurrency(f *testing.F) {
	for _, s := range []string{"BXE", "bxe", "XRP", "0000000000000000000000004258450000000000", "0158415500000000C1F76FF6ECB0BAC600000000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := amount.ParseCurrency(s)
		if err != nil {
			return
		}
		again, err := amount.ParseCurrency(c)
		if err != nil || again != c {
			t.Fatalf("ParseCurrency(%q) = %q, which reparses as %q, %v", s, c, again, err)
		}
	})
}
