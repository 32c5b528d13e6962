package amount

import (
	"encoding/hex"
	"strings"

	"github.com/banxmedia/banx/internal/banx"
)

// isoCharSet is rippled's set of characters allowed in a three-character
// currency code (UintTypes.cpp, detail::isoCharSet).
const isoCharSet = "abcdefghijklmnopqrstuvwxyz" +
	"ABCDEFGHIJKLMNOPQRSTUVWXYZ" +
	"0123456789" +
	"<>(){}[]|?!@#$%^&*"

// ParseCurrency validates an issued-currency code and returns it in the form
// rippled writes it in JSON (to_string(Currency)), so that two spellings of the
// same 160-bit currency compare equal as strings:
//
//   - a three-character code made of rippled's characters (letters, digits and
//     <>(){}[]|?!@#$%^&*) is returned unchanged. Case matters: rippled copies
//     the bytes as they are, so "bxe" and "BXE" are two different currencies
//     and both are valid. (Old rippled versions upper-cased; current ones do
//     not.) Beware that xrpl-go v0.3.0's binary-codec Decode upper-cases a
//     standard code, so a lower-case code does not survive a round trip
//     through it: Banx's own token codes should be upper case.
//   - 40 hexadecimal digits (either case) are returned upper-case, or as the
//     three-character code when they are the standard encoding of one
//     (twelve zero bytes, three code characters, five zero bytes), because
//     that is the text rippled reports for them.
//
// Refused, as rippled refuses them for an issued currency: "" and "XRP" (the
// native currency, not an issued one), the all-zero hex code (XRP again), the
// hex encoding of "XRP" in the standard position (rippled's badCurrency,
// temBAD_CURRENCY), and rippled's internal placeholder noCurrency (hex ...01),
// which rippled itself renders as "1". Errors are *banx.Error with code
// banx.EINVALID.
func ParseCurrency(s string) (string, error) {
	switch len(s) {
	case 0:
		return "", invalidCurrency(s, "empty")
	case 3:
		if s == "XRP" {
			return "", invalidCurrency(s, "XRP is the native currency, not an issued currency")
		}
		for i := 0; i < 3; i++ {
			if strings.IndexByte(isoCharSet, s[i]) < 0 {
				return "", invalidCurrency(s, "a 3-character code may contain only letters, digits and <>(){}[]|?!@#$%^&*")
			}
		}
		return s, nil
	case 40:
		raw, err := hex.DecodeString(s)
		if err != nil {
			return "", invalidCurrency(s, "a 40-character code must be hexadecimal")
		}
		return currencyFromBytes(s, raw)
	}
	return "", invalidCurrency(s, "must be 3 characters or 40 hexadecimal digits")
}

// currencyFromBytes applies rippled's to_string rules to a decoded 160-bit code.
func currencyFromBytes(s string, raw []byte) (string, error) {
	var noCurrency [20]byte
	noCurrency[19] = 1
	if string(raw) == string(noCurrency[:]) {
		return "", invalidCurrency(s, "this code is rippled's reserved noCurrency")
	}
	zeroOutside := true
	for i, b := range raw {
		if (i < 12 || i >= 15) && b != 0 {
			zeroOutside = false
			break
		}
	}
	if zeroOutside {
		code := string(raw[12:15])
		switch {
		case code == "\x00\x00\x00":
			return "", invalidCurrency(s, "the all-zero code is XRP, not an issued currency")
		case code == "XRP":
			return "", invalidCurrency(s, "the standard encoding of \"XRP\" is reserved (rippled's badCurrency)")
		case isISOCode(code):
			return code, nil
		}
	}
	return strings.ToUpper(s), nil
}

func isISOCode(code string) bool {
	for i := 0; i < len(code); i++ {
		if strings.IndexByte(isoCharSet, code[i]) < 0 {
			return false
		}
	}
	return true
}

// IsStandard reports whether code, as returned by ParseCurrency, is a
// three-character standard code rather than a 40-digit nonstandard one. The
// two are serialised differently and some clients only display the former.
func IsStandard(code string) bool { return len(code) == 3 }

func invalidCurrency(s, reason string) error {
	return banx.Errorf(banx.EINVALID, "invalid currency code %q: %s", clip(s), reason)
}
