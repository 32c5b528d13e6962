package amount_test

import (
	"testing"

	"github.com/banxmedia/banx/internal/amount"
)

func TestParseCurrency(t *testing.T) {
	ok := []struct {
		name, in, want string
		standard       bool
	}{
		{"Standard", "BXE", "BXE", true},
		{"StandardDigits", "US1", "US1", true},
		{"StandardSymbols", "<$>", "<$>", true},
		// rippled copies the bytes: lower case is a different, valid currency.
		{"LowerCaseKept", "bxe", "bxe", true},
		{"LowerCaseXrpIsIssued", "xrp", "xrp", true},
		{"HexUpper", "0158415500000000C1F76FF6ECB0BAC600000000", "0158415500000000C1F76FF6ECB0BAC600000000", false},
		{"HexLowerIsUpperCased", "0158415500000000c1f76ff6ecb0bac600000000", "0158415500000000C1F76FF6ECB0BAC600000000", false},
		// The standard encoding of a code is reported as the code, as rippled does.
		{"HexOfStandard", "0000000000000000000000004258450000000000", "BXE", true},
		{"HexOfLowerStandard", "0000000000000000000000006278650000000000", "bxe", true},
		{"HexStandardPositionBadChars", "0000000000000000000000002058450000000000", "0000000000000000000000002058450000000000", false},
	}
	for _, c := range ok {
		t.Run("OK/"+c.name, func(t *testing.T) {
			got, err := amount.ParseCurrency(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want || amount.IsStandard(got) != c.standard {
				t.Fatalf("ParseCurrency(%q) = %q (standard %v), want %q (%v)", c.in, got, amount.IsStandard(got), c.want, c.standard)
			}
		})
	}
	bad := []struct {
		name, in, reason string
	}{
		{"ErrEmpty", "", "empty"},
		{"ErrXRP", "XRP", "native currency"},
		{"ErrAllZeroHex", "0000000000000000000000000000000000000000", "all-zero code is XRP"},
		{"ErrBadCurrency", "0000000000000000000000005852500000000000", "badCurrency"},
		{"ErrNoCurrency", "0000000000000000000000000000000000000001", "noCurrency"},
		{"ErrTwoChars", "BX", "3 characters or 40 hexadecimal digits"},
		{"ErrFourChars", "BXEE", "3 characters or 40 hexadecimal digits"},
		{"ErrSpace", "B E", "may contain only"},
		{"ErrDisallowedSymbol", "BX-", "may contain only"},
		{"ErrNonASCII", "B\xc3\xa9", "may contain only"},
		{"ErrNotHex", "0158415500000000C1F76FF6ECB0BAC6000000ZZ", "must be hexadecimal"},
		{"ErrHexWrongLength", "0158415500000000C1F76FF6ECB0BAC60000000", "3 characters or 40 hexadecimal digits"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := amount.ParseCurrency(c.in)
			wantInvalid(t, err, c.reason)
		})
	}
}
