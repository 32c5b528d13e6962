package address_test

import (
	"testing"

	"github.com/banxmedia/banx/internal/address"
)

func TestIsClassic(t *testing.T) {
	cases := []struct {
		name, in string
		want     bool
	}{
		{"OKGenesis", "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh", true},
		{"OKOther", "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe", true},
		{"ErrChecksum", "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTi", false},
		{"ErrEmpty", "", false},
		{"ErrNonASCII", "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTé", false},
		{"ErrNonASCIIOnly", "ééééééééééééééééééééééééééé", false},
		{"ErrXAddress", "XVLhHMPHU98es4dbozjVtdWzVrDjtV18pX8yuPT7y4xaEHi", false},
		{"ErrNotR", "xHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh", false},
		{"ErrZero", "rHb9CJAWyB4rj91VRWn96DkukG4bwdty0h", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := address.IsClassic(tc.in); got != tc.want {
				t.Fatalf("IsClassic(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func FuzzIsClassic(f *testing.F) {
	f.Add("rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh")
	f.Add("r\xff\xfe")
	f.Fuzz(func(t *testing.T, s string) {
		address.IsClassic(s) // must not panic
	})
}
