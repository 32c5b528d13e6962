package amount_test

import (
	"testing"

	"github.com/banxmedia/banx/internal/amount"
)

// sink keeps results alive so the compiler cannot drop the work.
var sink amount.IOU

func BenchmarkAdd(b *testing.B) {
	cases := []struct {
		name string
		x, y string
	}{
		{"SameExponent", "1.25", "2.5"},
		{"ExponentGap8", "1234.567890123456", "0.00001234567890123456"},
		{"Subtraction", "1000000", "-0.0000001234567890123456"},
		{"TinyPlusHuge", "1e80", "1e-81"},
	}
	for _, c := range cases {
		x, y := iou(b, c.x), iou(b, c.y)
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				v, err := amount.Add(x, y)
				if err != nil {
					b.Fatal(err)
				}
				sink = v
			}
		})
	}
}

func BenchmarkParseIOU(b *testing.B) {
	for _, s := range []string{"1", "-1234.567890123456", "1000000000000000e-5", "1.00000000000000000000000000000001", "0." + "0000000000" + "1"} {
		b.Run(s, func(b *testing.B) {
			for b.Loop() {
				v, err := amount.ParseIOU(s)
				if err != nil {
					b.Fatal(err)
				}
				sink = v
			}
		})
	}
}

func BenchmarkString(b *testing.B) {
	for _, s := range []string{"1234.567890123456", "1234567890123456e-30"} {
		v := iou(b, s)
		b.Run(s, func(b *testing.B) {
			for b.Loop() {
				_ = v.String()
			}
		})
	}
}

func BenchmarkMulRound(b *testing.B) {
	x, y := iou(b, "1234.567890123456"), iou(b, "1.002")
	for b.Loop() {
		v, err := amount.MulRound(x, y, true)
		if err != nil {
			b.Fatal(err)
		}
		sink = v
	}
}
