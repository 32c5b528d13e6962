package amount_test

import (
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/banxmedia/banx/internal/amount"
	"github.com/banxmedia/banx/internal/banx"
)

func rat(t testing.TB, s string) *big.Rat {
	t.Helper()
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		t.Fatalf("bad rational %q", s)
	}
	return r
}

func TestFromRat(t *testing.T) {
	cases := []struct {
		name      string
		in        string
		sig       int
		want      string
		remainder string
	}{
		{"Exact", "3/2", 15, "1.5", "0"},
		{"ThirdOfHundred", "100/3", 15, "33.3333333333333", "1/30000000000000"},
		{"NegativeTowardsZero", "-100/3", 15, "-33.3333333333333", "-1/30000000000000"},
		{"SixteenDigits", "2/3", 16, "0.6666666666666666", "1/15000000000000000"},
		{"OneDigit", "987/1", 1, "900", "87"},
		{"Integer", "123456789012345678", 15, "123456789012345000", "678"},
		{"Min", "1/1" + strings.Repeat("0", 81), 15, "1e-81", "0"},
		{"BelowMinIsAllDust", "1/1" + strings.Repeat("0", 82), 15, "0", "1/1" + strings.Repeat("0", 82)},
		{"FarBelowMin", "3/1" + strings.Repeat("0", 500), 15, "0", "3/1" + strings.Repeat("0", 500)},
		{"Zero", "0", 15, "0", "0"},
	}
	for _, c := range cases {
		t.Run("OK/"+c.name, func(t *testing.T) {
			r := rat(t, c.in)
			got, rem, err := amount.FromRat(r, c.sig)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(iou(t, c.want)) {
				t.Fatalf("FromRat(%s, %d) = %v, want %s", c.in, c.sig, got, c.want)
			}
			if rem.Cmp(rat(t, c.remainder)) != 0 {
				t.Fatalf("remainder = %s, want %s", rem.RatString(), c.remainder)
			}
			// Nothing is lost: value + remainder is the input, and the
			// remainder never has the opposite sign (rounding is towards zero).
			sum := new(big.Rat).Add(got.Rat(), rem)
			if sum.Cmp(r) != 0 {
				t.Fatalf("value + remainder = %s, want %s", sum.RatString(), r.RatString())
			}
			if rem.Sign()*r.Sign() < 0 {
				t.Fatalf("remainder %s has the wrong sign", rem.RatString())
			}
		})
	}
	t.Run("OK/RatRoundTrip", func(t *testing.T) {
		for _, s := range []string{"1e-81", "-1e-81", "9999999999999999e80", "-9999999999999999e80", "1234.567890123456", "0"} {
			v := iou(t, s)
			back, rem, err := amount.FromRat(v.Rat(), 16)
			if err != nil || !back.Equal(v) || rem.Sign() != 0 {
				t.Fatalf("FromRat(%s.Rat(), 16) = %v rem %v, %v", s, back, rem, err)
			}
		}
	})
	t.Run("OK/PayoutSplit", func(t *testing.T) {
		// 1000 BXE split by weights 1:1:1 and 2:3:5:7 at 15 digits: every
		// share rounds down, and the shares plus the dust are the pool.
		pool := rat(t, "1000")
		for _, weights := range [][]int64{{1, 1, 1}, {2, 3, 5, 7}, {1, 999999}} {
			var total int64
			for _, w := range weights {
				total += w
			}
			paid, dust := new(big.Rat), new(big.Rat)
			for _, w := range weights {
				share := new(big.Rat).Mul(pool, big.NewRat(w, total))
				v, rem, err := amount.FromRat(share, 15)
				if err != nil {
					t.Fatal(err)
				}
				if digits := len(trimZeros(v.Mantissa())); digits > 15 {
					t.Fatalf("share %v has %d significant digits", v, digits)
				}
				if v.Rat().Cmp(share) > 0 {
					t.Fatalf("share %v exceeds its exact value %s", v, share.RatString())
				}
				paid.Add(paid, v.Rat())
				dust.Add(dust, rem)
			}
			if new(big.Rat).Add(paid, dust).Cmp(pool) != 0 {
				t.Fatalf("weights %v: paid %s + dust %s != pool", weights, paid.RatString(), dust.RatString())
			}
		}
		v, _, _ := amount.FromRat(new(big.Rat).Mul(pool, big.NewRat(1, 3)), 15)
		if v.String() != "333.333333333333" {
			t.Fatalf("a third of 1000 = %v, want 333.333333333333", v)
		}
	})
	t.Run("ErrOverflow", func(t *testing.T) {
		for _, s := range []string{"1" + strings.Repeat("0", 97), "-1" + strings.Repeat("0", 96), "1" + strings.Repeat("0", 600)} {
			_, _, err := amount.FromRat(rat(t, s), 15)
			if !errors.Is(err, amount.ErrOverflow) {
				t.Fatalf("FromRat(%s) err = %v, want ErrOverflow", s, err)
			}
		}
	})
	t.Run("ErrSigDigits", func(t *testing.T) {
		for _, sig := range []int{0, 17, -1} {
			_, _, err := amount.FromRat(rat(t, "1"), sig)
			wantInvalid(t, err, "significant digits")
		}
	})
	t.Run("ErrNil", func(t *testing.T) {
		_, _, err := amount.FromRat(nil, 15)
		if banx.ErrorCode(err) != banx.EINVALID {
			t.Fatalf("err = %v, want invalid", err)
		}
	})
}

// trimZeros returns the decimal digits of |m| without trailing zeros.
func trimZeros(m int64) string {
	if m < 0 {
		m = -m
	}
	s := big.NewInt(m).String()
	for len(s) > 1 && s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	return s
}
