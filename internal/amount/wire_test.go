package amount_test

import (
	"testing"

	"github.com/banxmedia/banx/internal/amount"
)

func TestWire(t *testing.T) {
	ok := []struct {
		in   string
		wire uint64
	}{
		{"0", 0x8000000000000000},
		// 1 = 1000000000000000e-15: positive, exponent -15+97 = 82.
		{"1", 0xD4838D7EA4C68000},
		{"-1", 0x94838D7EA4C68000},
		{"9999999999999999e80", 0xEC6386F26FC0FFFF},
		{"1e-81", 0xC0438D7EA4C68000},
	}
	for _, c := range ok {
		t.Run("OK/"+c.in, func(t *testing.T) {
			v := iou(t, c.in)
			if got := v.Wire(); got != c.wire {
				t.Fatalf("Wire(%s) = %016X, want %016X", c.in, got, c.wire)
			}
			if w, err := wireValueHex(v); err != nil || w != v.Wire() {
				t.Fatalf("Wire disagrees with the independent encoder: %016X vs %016X (%v)", v.Wire(), w, err)
			}
			back, err := amount.IOUFromWire(c.wire)
			if err != nil || !back.Equal(v) {
				t.Fatalf("IOUFromWire(%016X) = %v, %v", c.wire, back, err)
			}
		})
	}
	bad := []struct {
		name   string
		wire   uint64
		reason string
	}{
		{"ErrXRPBit", 0x4000000000000001, "not-XRP bit is clear"},
		{"ErrNegativeZero", 0x8000000000000000 | 1<<54, "zero must be 0x8000000000000000"},
		{"ErrSignedZero", 0xC000000000000000, "zero must be 0x8000000000000000"},
		{"ErrShortMantissa", 0xD400000000000001, "not canonical"},
		{"ErrExponentBelowRange", 0xC0038D7EA4C68000, "not canonical"},
		{"ErrExponentAboveRange", 0xEC838D7EA4C68000, "not canonical"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := amount.IOUFromWire(c.wire)
			wantInvalid(t, err, c.reason)
		})
	}
}

// wireValueHex runs the codec test's independent encoder.
func wireValueHex(v amount.IOU) (uint64, error) {
	var w uint64
	for _, c := range wireValue(v) {
		w <<= 4
		switch {
		case c >= '0' && c <= '9':
			w |= uint64(c - '0')
		default:
			w |= uint64(c-'A') + 10
		}
	}
	return w, nil
}
