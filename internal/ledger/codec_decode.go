package ledger

import (
	"encoding/binary"
	"encoding/hex"
	"reflect"
	"strconv"
	"strings"
	"sync"

	binarycodec "github.com/Peersyst/xrpl-go/binary-codec"
	"github.com/Peersyst/xrpl-go/binary-codec/definitions"
)

// decodeFields is binarycodec.Decode for binary objects: every submitted
// blob and every stored entry goes through it. Like encodeFields it handles
// the common types itself (xrpl-go's decoder also compiles a regular
// expression per token amount) and hands anything else to xrpl-go, whose
// output (and errors) it reproduces exactly; tests cross-check the two.
func decodeFields(b []byte) (map[string]any, error) {
	d := decoder{b: b}
	if m, ok := d.object(); ok {
		if codecCrossCheck {
			crossCheckDecode(b, m)
		}
		return m, nil
	}
	return binarycodec.Decode(hex.EncodeToString(b))
}

func crossCheckDecode(b []byte, got map[string]any) {
	want, err := binarycodec.Decode(hex.EncodeToString(b))
	if err != nil || !reflect.DeepEqual(want, got) {
		panic("ledger codec: fast decoding of " + hex.EncodeToString(b) + " differs from xrpl-go (" + errString(err) + ")")
	}
}

var (
	headersOnce  sync.Once
	fieldsByCode map[uint32]*fieldMeta
)

// fieldByHeader returns the field of a (type, field) code pair, or nil.
func fieldByHeader(typ, fld int) *fieldMeta {
	headersOnce.Do(func() {
		fieldInfo("") // builds fieldTable
		fieldsByCode = make(map[uint32]*fieldMeta, len(fieldTable))
		for name, fi := range definitions.Get().Fields {
			if fi == nil || fi.FieldHeader == nil {
				continue
			}
			if f := fieldTable[name]; f != nil && definitions.Get().FieldIDNameMap[*fi.FieldHeader] == name {
				fieldsByCode[uint32(fi.FieldHeader.TypeCode)<<16|uint32(fi.FieldHeader.FieldCode)] = f
			}
		}
	})
	return fieldsByCode[uint32(typ)<<16|uint32(fld)]
}

type decoder struct {
	b []byte
	p int
}

func (d *decoder) take(n int) ([]byte, bool) {
	if n < 0 || d.p+n > len(d.b) {
		return nil, false
	}
	out := d.b[d.p : d.p+n]
	d.p += n
	return out, true
}

func (d *decoder) byte1() (int, bool) {
	b, ok := d.take(1)
	if !ok {
		return 0, false
	}
	return int(b[0]), true
}

// header reads a field header as xrpl-go's parser does.
func (d *decoder) header() (*fieldMeta, bool) {
	c, ok := d.byte1()
	if !ok {
		return nil, false
	}
	typ, fld := c>>4, c&15
	if typ == 0 {
		if typ, ok = d.byte1(); !ok || typ < 16 {
			return nil, false
		}
	}
	if fld == 0 {
		if fld, ok = d.byte1(); !ok || fld < 16 {
			return nil, false
		}
	}
	f := fieldByHeader(typ, fld)
	return f, f != nil
}

func (d *decoder) vlLength() (int, bool) {
	b1, ok := d.byte1()
	if !ok {
		return 0, false
	}
	switch {
	case b1 > 192 && b1 < 241:
		b2, ok := d.byte1()
		return 193 + (b1-193)*256 + b2, ok
	case b1 > 240 && b1 < 255:
		b2, ok2 := d.byte1()
		b3, ok3 := d.byte1()
		return 12481 + (b1-241)*65536 + b2*256 + b3, ok2 && ok3
	}
	return b1, true
}

// object reads fields until the data or an end marker ends.
func (d *decoder) object() (map[string]any, bool) {
	m := make(map[string]any, 16)
	for d.p < len(d.b) {
		f, ok := d.header()
		if !ok {
			return nil, false
		}
		if f.name == "ObjectEndMarker" || f.name == "ArrayEndMarker" {
			break
		}
		v, ok := d.value(f)
		if !ok {
			return nil, false
		}
		m[f.name] = v
	}
	return m, true
}

func (d *decoder) value(f *fieldMeta) (any, bool) {
	if f.vl {
		n, ok := d.vlLength()
		if !ok {
			return nil, false
		}
		raw, ok := d.take(n)
		if !ok {
			return nil, false
		}
		switch f.typ {
		case "Blob":
			return upperHex(raw), true
		case "AccountID":
			if n == 0 {
				return "", true
			}
			if n != 20 {
				return nil, false
			}
			return AccountID(raw).String(), true
		case "Vector256":
			if n%32 != 0 {
				return nil, false
			}
			var list []string
			for i := 0; i < n; i += 32 {
				list = append(list, upperHex(raw[i:i+32]))
			}
			return list, true
		}
		return nil, false
	}
	switch f.typ {
	case "UInt8":
		b, ok := d.take(1)
		if !ok {
			return nil, false
		}
		if f.name == "TransactionResult" {
			name, err := definitions.Get().GetTransactionResultNameByTransactionResultTypeCode(int32(b[0]))
			return name, err == nil
		}
		return int(b[0]), true
	case "UInt16":
		b, ok := d.take(2)
		if !ok {
			return nil, false
		}
		v := int(binary.BigEndian.Uint16(b))
		switch f.name {
		case "TransactionType":
			name, err := definitions.Get().GetTransactionTypeNameByTransactionTypeCode(int32(v))
			return name, err == nil
		case "LedgerEntryType":
			name, err := definitions.Get().GetLedgerEntryTypeNameByLedgerEntryTypeCode(int32(v))
			return name, err == nil
		}
		return v, true
	case "UInt32":
		if f.name == "PermissionValue" {
			return nil, false
		}
		b, ok := d.take(4)
		if !ok {
			return nil, false
		}
		return binary.BigEndian.Uint32(b), true
	case "UInt64":
		switch f.name {
		case "MaximumAmount", "OutstandingAmount", "MPTAmount", "LockedAmount":
			return nil, false
		}
		b, ok := d.take(8)
		if !ok {
			return nil, false
		}
		return upperHex(b), true
	case "Hash128", "Hash160", "Hash192", "Hash256":
		b, ok := d.take(hashLen(f.typ))
		if !ok {
			return nil, false
		}
		return upperHex(b), true
	case "Amount":
		return d.amount()
	case "STObject":
		return d.object()
	case "STArray":
		list := make([]any, 0, 4)
		for d.p < len(d.b) {
			g, ok := d.header()
			if !ok {
				return nil, false
			}
			if g.name == "ArrayEndMarker" {
				break
			}
			if g.typ != "STObject" {
				return nil, false
			}
			inner, ok := d.object()
			if !ok {
				return nil, false
			}
			list = append(list, map[string]any{g.name: inner})
		}
		return list, true
	}
	return nil, false
}

func (d *decoder) amount() (any, bool) {
	if d.p >= len(d.b) {
		return nil, false
	}
	first := d.b[d.p]
	switch {
	case first&0x80 != 0:
		b, ok := d.take(48)
		if !ok || isStandardXRP(b[8:28]) {
			return nil, false
		}
		value := "0"
		if w := binary.BigEndian.Uint64(b); w != 0x8000000000000000 {
			if value, ok = iouText(w); !ok {
				return nil, false
			}
		}
		return map[string]any{"value": value, "currency": currencyText(b[8:28]), "issuer": AccountID(b[28:48]).String()}, true
	case first&0x20 != 0:
		return nil, false // MPT
	}
	b, ok := d.take(8)
	if !ok {
		return nil, false
	}
	sign := ""
	if first&0x40 == 0 {
		sign = "-"
	}
	return sign + strconv.FormatUint(binary.BigEndian.Uint64(b)&0x3FFFFFFFFFFFFFFF, 10), true
}

// iouText renders a non-zero token value as the codec does: a plain decimal
// without exponent or trailing zeros. Values the codec would refuse (not
// normalized) are left to it.
func iouText(w uint64) (string, bool) {
	m := w & (1<<54 - 1)
	exp := int(w>>54&0xFF) - 97
	if m < 1_000_000_000_000_000 || m > 9_999_999_999_999_999 || exp < -96 || exp > 80 {
		return "", false
	}
	digits := strconv.FormatUint(m, 10)
	var s string
	switch {
	case exp >= 0:
		s = digits + strings.Repeat("0", exp)
	default:
		k := -exp
		if k >= len(digits) {
			digits = strings.Repeat("0", k-len(digits)+1) + digits
		}
		intPart, frac := digits[:len(digits)-k], strings.TrimRight(digits[len(digits)-k:], "0")
		s = intPart
		if frac != "" {
			s += "." + frac
		}
	}
	if w&0x4000000000000000 == 0 {
		s = "-" + s
	}
	return s, true
}

// currencyText is the codec's rendering of a 160-bit currency code: "XRP" for
// zero, the upper-cased characters at bytes 12-14 when all three are ISO code
// characters (the codec looks at nothing else), else 40 hex digits. The
// standard code of "XRP" is refused by the codec and never comes here:
// decoding such an amount falls back to it.
func currencyText(c []byte) string {
	zero := true
	for _, x := range c {
		if x != 0 {
			zero = false
			break
		}
	}
	if zero {
		return "XRP"
	}
	iso := strings.ToUpper(string(c[12:15]))
	if len(iso) == 3 && isCurrencyChar(iso[0]) && isCurrencyChar(iso[1]) && isCurrencyChar(iso[2]) {
		return iso
	}
	return upperHex(c)
}

// isStandardXRP reports the standard-position code "XRP", which the codec
// refuses in a token amount.
func isStandardXRP(c []byte) bool {
	for i, x := range c {
		if (i < 12 || i > 14) && x != 0 {
			return false
		}
	}
	return string(c[12:15]) == "XRP"
}
