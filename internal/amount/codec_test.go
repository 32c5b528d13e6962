package amount_test

import (
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"strings"
	"testing"

	binarycodec "github.com/Peersyst/xrpl-go/binary-codec"

	"github.com/banxmedia/banx/internal/amount"
)

const (
	genesis = "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh"
	holder  = "rvYAfWj5gh67oV6fW32ZzP3Aw4Eubs59B"
)

// payment is a Payment carrying value as an issued-currency Amount.
func payment(currency, value string) map[string]any {
	return map[string]any{
		"TransactionType": "Payment",
		"Account":         genesis,
		"Destination":     holder,
		"Fee":             "10",
		"Sequence":        uint32(1),
		"Amount": map[string]any{
			"currency": currency,
			"issuer":   genesis,
			"value":    value,
		},
	}
}

// wireValue is the 8-byte issued-currency value rippled serialises
// (STAmount::add): 0x8000000000000000 for zero, otherwise the not-XRP bit, the
// sign bit (set for positive), exponent+97 in 8 bits and the 54-bit mantissa.
func wireValue(v amount.IOU) string {
	w := uint64(0x8000000000000000)
	if !v.IsZero() {
		m := v.Mantissa()
		if m > 0 {
			w |= 0x4000000000000000
		} else {
			m = -m
		}
		w |= uint64(v.Exponent()+97) << 54
		w |= uint64(m)
	}
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], w)
	return strings.ToUpper(hex.EncodeToString(b[:]))
}

// roundTrip encodes v's text in a Payment with xrpl-go's binary codec, checks
// the serialised value is rippled's, decodes it and returns the decoded text.
func roundTrip(t *testing.T, v amount.IOU) string {
	t.Helper()
	blob, err := binarycodec.Encode(payment("BXE", v.String()))
	if err != nil {
		t.Fatalf("binarycodec.Encode(value %q): %v", v.String(), err)
	}
	// Field code 0x61 is Amount (type 6, field 1).
	if want := "61" + wireValue(v); !strings.Contains(blob, want) {
		t.Fatalf("value %q serialised as %s, want it to contain %s", v.String(), blob, want)
	}
	tx, err := binarycodec.Decode(blob)
	if err != nil {
		t.Fatalf("binarycodec.Decode: %v", err)
	}
	amt, ok := tx["Amount"].(map[string]any)
	if !ok {
		t.Fatalf("decoded Amount is %T", tx["Amount"])
	}
	text, ok := amt["value"].(string)
	if !ok {
		t.Fatalf("decoded value is %T", amt["value"])
	}
	return text
}

func TestBinaryCodecRoundTrip(t *testing.T) {
	fixed := []string{
		"0", "1", "-1", "1.5", "-1.5", "0.0001", "100.2", "1234567890123456",
		"9999999999999999e80", "-9999999999999999e80", "1e-81", "-1e-81",
		"1234567890123456e-26", "0.0000000001234567890123456", "12345678901.23456",
		"1234567890123456e-1", "1e16", "333.333333333333", "1e30", "1.000000000000001",
	}
	for _, s := range fixed {
		t.Run("OK/"+s, func(t *testing.T) {
			v := iou(t, s)
			text := roundTrip(t, v)
			back, err := amount.ParseIOU(text)
			if err != nil {
				t.Fatalf("ParseIOU(decoded %q): %v", text, err)
			}
			if !back.Equal(v) {
				t.Fatalf("decoded %q = %v, want %v", text, back, v)
			}
		})
	}
	t.Run("OK/Random", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(7, 11))
		for range 2000 {
			m := 1_000_000_000_000_000 + rng.Int64N(9_000_000_000_000_000)
			if rng.IntN(2) == 0 {
				m = -m
			}
			// Half of the values in rippled's plain-decimal exponent range.
			e := rng.IntN(amount.MaxExponent-amount.MinExponent+1) + amount.MinExponent
			if rng.IntN(2) == 0 {
				e = rng.IntN(21) - 25
			}
			v := parts(t, m, e)
			text := roundTrip(t, v)
			back, err := amount.ParseIOU(text)
			if err != nil || !back.Equal(v) {
				t.Fatalf("%v: decoded %q parses to %v, %v", v, text, back, err)
			}
		}
	})
	// xrpl-go refuses more than 16 significant digits where rippled rounds;
	// String never produces them, but raw input can.
	t.Run("ErrSeventeenDigitsRefusedByXrplGo", func(t *testing.T) {
		if _, err := binarycodec.Encode(payment("BXE", "1.0000000000000015")); err == nil {
			t.Fatal("xrpl-go accepted 17 significant digits; update ParseIOU's documentation")
		}
		if v := iou(t, "1.0000000000000015"); v.String() != "1.000000000000002" {
			t.Fatalf("ParseIOU rounds 1.0000000000000015 to %v", v)
		}
	})
}

func TestBinaryCodecCurrency(t *testing.T) {
	for _, code := range []string{"BXE", "USD", "<$>", "0158415500000000C1F76FF6ECB0BAC600000000"} {
		t.Run("OK/"+code, func(t *testing.T) {
			parsed, err := amount.ParseCurrency(code)
			if err != nil {
				t.Fatal(err)
			}
			blob, err := binarycodec.Encode(payment(parsed, "1"))
			if err != nil {
				t.Fatal(err)
			}
			tx, err := binarycodec.Decode(blob)
			if err != nil {
				t.Fatal(err)
			}
			got := tx["Amount"].(map[string]any)["currency"].(string)
			if again, err := amount.ParseCurrency(got); err != nil || again != parsed {
				t.Fatalf("decoded currency %q parses to %q, %v; want %q", got, again, err, parsed)
			}
		})
	}
	// The pitfall from XRPL_NOTES: rippled keeps "bxe" distinct from "BXE",
	// but xrpl-go v0.3.0 decodes it as "BXE". Banx's own codes must be upper
	// case; this test fails when xrpl-go changes, to revisit that advice.
	t.Run("OK/LowerCaseUpperCasedByXrplGo", func(t *testing.T) {
		blob, err := binarycodec.Encode(payment("bxe", "1"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(blob, "627865") {
			t.Fatalf("xrpl-go did not encode the bytes of \"bxe\": %s", blob)
		}
		tx, err := binarycodec.Decode(blob)
		if err != nil {
			t.Fatal(err)
		}
		if got := tx["Amount"].(map[string]any)["currency"]; got != "BXE" {
			t.Fatalf("xrpl-go decodes \"bxe\" as %v now", got)
		}
	})
}

func TestBinaryCodecDrops(t *testing.T) {
	for _, drops := range []int64{0, 1, 10, 1_500_000, amount.MaxDrops} {
		t.Run("OK/"+amount.FormatDrops(drops), func(t *testing.T) {
			tx := payment("BXE", "1")
			tx["Amount"] = amount.FormatDrops(drops)
			blob, err := binarycodec.Encode(tx)
			if err != nil {
				t.Fatal(err)
			}
			dec, err := binarycodec.Decode(blob)
			if err != nil {
				t.Fatal(err)
			}
			got, err := amount.ParseDropsCanonical(dec["Amount"].(string))
			if err != nil || got != drops {
				t.Fatalf("decoded %v parses to %d, %v", dec["Amount"], got, err)
			}
		})
	}
}
