package amount_test

import (
	"math"
	"testing"

	"github.com/banxmedia/banx/internal/amount"
)

func TestParseDrops(t *testing.T) {
	ok := []struct {
		in   string
		want int64
	}{
		{"0", 0},
		{"10", 10},
		{"100000000000000000", amount.MaxDrops},
		{"-10", -10},
		{"-0", 0},
		// rippled's partsFromString grammar applies to XRP too: a sign and a
		// non-negative exponent are accepted.
		{"+10", 10},
		{"1e3", 1000},
		{"1E+17", amount.MaxDrops},
		{"1.5e1", 15},
		{"0e99999", 0},
	}
	for _, c := range ok {
		t.Run("OK/"+c.in, func(t *testing.T) {
			got, err := amount.ParseDrops(c.in)
			if err != nil || got != c.want {
				t.Fatalf("ParseDrops(%q) = %d, %v; want %d", c.in, got, err, c.want)
			}
		})
	}
	bad := []struct {
		name, in, reason string
	}{
		{"ErrEmpty", "", "empty string"},
		{"ErrDecimal", "1.5", "integral amount"},
		{"ErrDecimalZeroFraction", "1.0", "integral amount"},
		{"ErrNegativeExponent", "10e-1", "integral amount"},
		{"ErrZeroWithFraction", "0.0", "integral amount"},
		{"ErrLeadingZero", "010", "leading zero"},
		{"ErrTooLarge", "100000000000000001", "exceeds the maximum"},
		{"ErrTooLargeExponent", "1e18", "exceeds the maximum"},
		{"ErrTooLargeNegative", "-100000000000000001", "exceeds the maximum"},
		{"ErrHuge", "184467440737095516160", "exceeds the maximum"},
		{"ErrJunk", "10 drops", "unexpected ' '"},
		{"ErrHex", "0x10", "unexpected 'x'"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := amount.ParseDrops(c.in)
			wantInvalid(t, err, c.reason)
		})
	}
}

func TestParseDropsCanonical(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		for in, want := range map[string]int64{"0": 0, "12": 12, "100000000000000000": amount.MaxDrops} {
			got, err := amount.ParseDropsCanonical(in)
			if err != nil || got != want {
				t.Fatalf("ParseDropsCanonical(%q) = %d, %v", in, got, err)
			}
		}
	})
	bad := []struct {
		name, in, reason string
	}{
		{"ErrEmpty", "", "empty string"},
		{"ErrPlus", "+1", "only the digits"},
		{"ErrNegative", "-1", "only the digits"},
		{"ErrExponent", "1e3", "only the digits"},
		{"ErrDecimal", "1.0", "only the digits"},
		{"ErrLeadingZero", "01", "leading zero"},
		{"ErrTooLarge", "100000000000000001", "exceeds the maximum"},
		{"ErrHuge", "99999999999999999999999", "exceeds the maximum"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := amount.ParseDropsCanonical(c.in)
			wantInvalid(t, err, c.reason)
		})
	}
}

func TestXRPToDrops(t *testing.T) {
	ok := []struct {
		in   string
		want int64
	}{
		{"1.5", 1_500_000},
		{"0.000001", 1},
		{"0", 0},
		{"1", 1_000_000},
		{"1.500000", 1_500_000},
		{"100000000000", amount.MaxDrops},
		{"99999999999.999999", amount.MaxDrops - 1},
	}
	for _, c := range ok {
		t.Run("OK/"+c.in, func(t *testing.T) {
			got, err := amount.XRPToDrops(c.in)
			if err != nil || got != c.want {
				t.Fatalf("XRPToDrops(%q) = %d, %v; want %d", c.in, got, err, c.want)
			}
		})
	}
	bad := []struct {
		name, in, reason string
	}{
		{"ErrEmpty", "", "empty string"},
		{"ErrTooPrecise", "1.0000001", "more than 6 decimal places"},
		{"ErrNoIntegerPart", ".5", "no digits before the decimal point"},
		{"ErrNoFraction", "1.", "no digits after the decimal point"},
		{"ErrExponent", "1e3", "only digits"},
		{"ErrNegative", "-1", "only digits"},
		{"ErrPlus", "+1", "only digits"},
		{"ErrTwoPoints", "1.2.3", "only digits"},
		{"ErrLeadingZero", "01.5", "leading zero"},
		{"ErrTooLarge", "100000000000.000001", "exceeds the maximum"},
		{"ErrFarTooLarge", "1000000000000", "exceeds the maximum"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := amount.XRPToDrops(c.in)
			wantInvalid(t, err, c.reason)
		})
	}
}

func TestDropsText(t *testing.T) {
	cases := []struct {
		drops    int64
		xrp, txt string
	}{
		{1_500_000, "1.5", "1500000"},
		{1, "0.000001", "1"},
		{0, "0", "0"},
		{1_000_000, "1", "1000000"},
		{-10, "-0.00001", "-10"},
		{amount.MaxDrops, "100000000000", "100000000000000000"},
		{math.MinInt64, "-9223372036854.775808", "-9223372036854775808"},
	}
	for _, c := range cases {
		t.Run("OK/"+c.txt, func(t *testing.T) {
			if got := amount.DropsToXRP(c.drops); got != c.xrp {
				t.Fatalf("DropsToXRP(%d) = %q, want %q", c.drops, got, c.xrp)
			}
			if got := amount.FormatDrops(c.drops); got != c.txt {
				t.Fatalf("FormatDrops(%d) = %q, want %q", c.drops, got, c.txt)
			}
			if c.drops >= 0 && c.drops <= amount.MaxDrops {
				back, err := amount.XRPToDrops(c.xrp)
				if err != nil || back != c.drops {
					t.Fatalf("XRPToDrops(%q) = %d, %v", c.xrp, back, err)
				}
				back, err = amount.ParseDropsCanonical(c.txt)
				if err != nil || back != c.drops {
					t.Fatalf("ParseDropsCanonical(%q) = %d, %v", c.txt, back, err)
				}
			}
		})
	}
}
