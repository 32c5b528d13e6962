package ledger

import (
	"encoding/binary"
	"encoding/hex"
	"slices"
	"strconv"
	"sync"

	binarycodec "github.com/Peersyst/xrpl-go/binary-codec"
	"github.com/Peersyst/xrpl-go/binary-codec/definitions"
	"github.com/Peersyst/xrpl-go/pkg/typecheck"
)

// The ledger keeps entries, transactions and metadata in the binary codec's
// JSON form and serializes them for every close, signature check and hash.
// xrpl-go's encoder compiles two regular expressions for every issued-currency
// amount and decodes every address from base58, which made it the costliest
// part of a busy ledger. encodeFields is the same serialization for the values
// the ledger itself produces; anything it does not recognise exactly (another
// value type, an unusual number form, an X-address) is handed to xrpl-go, so
// the bytes are always the codec's. Tests in this package run every encoding
// through both and compare them (see codecCrossCheck).

// codecCrossCheck, when set (by this package's tests), makes every fast
// encoding also run through xrpl-go and panic on any difference.
var codecCrossCheck bool

// fieldMeta is what serialization needs to know of a field.
type fieldMeta struct {
	name       string
	header     []byte
	ordinal    int32
	typ        string
	vl         bool
	serialized bool
	signing    bool
}

var (
	fieldsOnce sync.Once
	fieldTable map[string]*fieldMeta
)

// fieldInfo returns a field's definition, or nil for a name the codec does not know.
func fieldInfo(name string) *fieldMeta {
	fieldsOnce.Do(func() {
		defs := definitions.Get()
		fieldTable = make(map[string]*fieldMeta, len(defs.Fields))
		for name, fi := range defs.Fields {
			if fi == nil || fi.FieldInfo == nil || fi.FieldHeader == nil {
				continue
			}
			t, f := fi.FieldHeader.TypeCode, fi.FieldHeader.FieldCode
			var h []byte
			switch {
			case t < 16 && f < 16:
				h = []byte{byte(t<<4) | byte(f)}
			case t >= 16 && f < 16:
				h = []byte{byte(f), byte(t)}
			case t < 16 && f >= 16:
				h = []byte{byte(t << 4), byte(f)}
			default:
				h = []byte{0, byte(t), byte(f)}
			}
			fieldTable[name] = &fieldMeta{name: name, header: h, ordinal: fi.Ordinal, typ: fi.Type,
				vl: fi.IsVLEncoded, serialized: fi.IsSerialized, signing: fi.IsSigningField}
		}
	})
	return fieldTable[name]
}

// encodeFields serializes an object in canonical field order, as
// binarycodec.Encode does.
func encodeFields(m map[string]any) ([]byte, error) {
	if b, ok := fastEncode(m, false); ok {
		if codecCrossCheck {
			crossCheckEncode(m, b, false)
		}
		return b, nil
	}
	h, err := binarycodec.Encode(m)
	if err != nil {
		return nil, err
	}
	return hex.DecodeString(h)
}

// signingData is binarycodec.EncodeForSigning without the prefix: the
// serialization of the signing fields only.
func signingData(m map[string]any) ([]byte, error) {
	if b, ok := fastEncode(m, true); ok {
		if codecCrossCheck {
			crossCheckEncode(m, b, true)
		}
		return b, nil
	}
	h, err := binarycodec.EncodeForSigning(m)
	if err != nil {
		return nil, err
	}
	raw, err := hex.DecodeString(h)
	if err != nil {
		return nil, err
	}
	return raw[len(prefixSigning):], nil
}

// prefixSigning is the hash prefix of single-signing data ("STX\0").
var prefixSigning = []byte{0x53, 0x54, 0x58, 0x00}

func crossCheckEncode(m map[string]any, got []byte, signing bool) {
	var want string
	var err error
	if signing {
		want, err = binarycodec.EncodeForSigning(m)
		want = want[2*len(prefixSigning):]
	} else {
		want, err = binarycodec.Encode(m)
	}
	if err != nil || !hexEqual(want, got) {
		panic("ledger codec: fast encoding differs from xrpl-go for " + strconv.Quote(want) + ": " + hex.EncodeToString(got) + " (" + errString(err) + ")")
	}
}

func hexEqual(h string, b []byte) bool {
	raw, err := hex.DecodeString(h)
	return err == nil && string(raw) == string(b)
}

func errString(err error) string {
	if err == nil {
		return "no error"
	}
	return err.Error()
}

// fastEncode serializes m; ok is false when any value needs xrpl-go's rules.
// top-level keys unknown to the codec are dropped, as Encode does; signing
// keeps the signing fields only, as EncodeForSigning does.
func fastEncode(m map[string]any, signing bool) (out []byte, ok bool) {
	if t, _ := m["TransactionType"].(string); t == "UNLModify" {
		return nil, false
	}
	e := encoder{buf: make([]byte, 0, 256)}
	if !e.object(m, true, signing) {
		return nil, false
	}
	return e.buf, true
}

type encoder struct{ buf []byte }

type encField struct {
	f *fieldMeta
	v any
}

func (e *encoder) object(m map[string]any, top, signing bool) bool {
	var small [24]encField
	fields := small[:0]
	for k, v := range m {
		f := fieldInfo(k)
		if f == nil {
			if top {
				continue
			}
			return false
		}
		if signing && !f.signing {
			continue
		}
		fields = append(fields, encField{f, v})
	}
	slices.SortFunc(fields, func(a, b encField) int { return int(a.f.ordinal - b.f.ordinal) })
	for i, fv := range fields {
		if i > 0 && fields[i-1].f.ordinal == fv.f.ordinal {
			return false
		}
		if !fv.f.serialized {
			continue
		}
		if !e.field(fv.f, fv.v) {
			return false
		}
	}
	return true
}

func (e *encoder) field(f *fieldMeta, v any) bool {
	e.buf = append(e.buf, f.header...)
	if f.vl {
		var val []byte
		switch f.typ {
		case "Blob":
			s, ok := v.(string)
			if !ok {
				return false
			}
			b, err := hex.DecodeString(s)
			if err != nil {
				return false
			}
			val = b
		case "AccountID":
			s, ok := v.(string)
			if !ok || s == "" || s[0] != 'r' {
				return false
			}
			a, err := parseAccount(s)
			if err != nil {
				return false
			}
			val = a[:]
		case "Vector256":
			list, ok := v.([]string)
			if !ok {
				items, isAny := v.([]any)
				if !isAny {
					return false
				}
				list = make([]string, len(items))
				for i, it := range items {
					if list[i], ok = it.(string); !ok {
						return false
					}
				}
			}
			val = make([]byte, 0, 32*len(list))
			for _, s := range list {
				h, ok := parseHash(s)
				if !ok {
					return false
				}
				val = append(val, h[:]...)
			}
		default:
			return false
		}
		return e.vl(len(val)) && e.put(val)
	}
	switch f.typ {
	case "UInt8":
		n, ok := smallUint(v, 0xFF, true)
		if !ok {
			return false
		}
		e.buf = append(e.buf, byte(n))
	case "UInt16":
		n, ok := smallUint(v, 0xFFFF, false)
		if !ok {
			return false
		}
		e.buf = binary.BigEndian.AppendUint16(e.buf, uint16(n))
	case "UInt32":
		n, ok := typecheck.ToUint32(v)
		if !ok {
			return false
		}
		e.buf = binary.BigEndian.AppendUint32(e.buf, n)
	case "UInt64":
		s, ok := v.(string)
		switch f.name {
		case "MaximumAmount", "OutstandingAmount", "MPTAmount", "LockedAmount":
			return false
		}
		if !ok || s == "" || len(s) > 16 || !isHexString(s) {
			return false
		}
		n, err := strconv.ParseUint(s, 16, 64)
		if err != nil {
			return false
		}
		e.buf = binary.BigEndian.AppendUint64(e.buf, n)
	case "Hash128", "Hash160", "Hash192", "Hash256":
		s, ok := v.(string)
		if !ok {
			return false
		}
		b, err := hex.DecodeString(s)
		if err != nil || len(b) != hashLen(f.typ) {
			return false
		}
		e.buf = append(e.buf, b...)
	case "Amount":
		return e.amount(v)
	case "STObject":
		m, ok := v.(map[string]any)
		if !ok || !e.object(m, false, false) {
			return false
		}
		e.buf = append(e.buf, 0xE1)
	case "STArray":
		items, ok := v.([]any)
		if !ok {
			return false
		}
		for _, it := range items {
			wrap, ok := it.(map[string]any)
			if !ok || len(wrap) != 1 {
				return false
			}
			for k, inner := range wrap {
				f := fieldInfo(k)
				if f == nil || f.typ != "STObject" || !f.serialized {
					return false
				}
				if !e.field(f, inner) {
					return false
				}
			}
		}
		e.buf = append(e.buf, 0xF1)
	default:
		return false
	}
	return true
}

func hashLen(typ string) int {
	switch typ {
	case "Hash128":
		return 16
	case "Hash160":
		return 20
	case "Hash192":
		return 24
	}
	return 32
}

// smallUint reads a UInt8 (a result name) or UInt16 (a transaction or entry
// type name) value, or a whole number of the Go types the codec takes for it.
func smallUint(v any, limit int64, uint8Field bool) (int64, bool) {
	d := definitions.Get()
	var n int64
	switch x := v.(type) {
	case string:
		c, ok := d.TransactionResults[x]
		if !uint8Field {
			if c, ok = d.TransactionTypes[x]; !ok {
				c, ok = d.LedgerEntryTypes[x]
			}
		}
		if !ok {
			return 0, false
		}
		n = int64(c)
	case int:
		n = int64(x)
	case int64:
		n = x
	case int32:
		if !uint8Field {
			return 0, false
		}
		n = int64(x)
	case uint8:
		if !uint8Field {
			return 0, false
		}
		n = int64(x)
	case uint16:
		if uint8Field {
			return 0, false
		}
		n = int64(x)
	case uint32:
		if uint8Field {
			return 0, false
		}
		n = int64(x)
	default:
		return 0, false
	}
	return n, n >= 0 && n <= limit
}

func (e *encoder) put(b []byte) bool {
	e.buf = append(e.buf, b...)
	return true
}

// vl writes a variable-length prefix.
func (e *encoder) vl(n int) bool {
	switch {
	case n <= 192:
		e.buf = append(e.buf, byte(n))
	case n <= 12480:
		n -= 193
		e.buf = append(e.buf, byte(n>>8)+193, byte(n))
	case n <= 918744:
		n -= 12481
		e.buf = append(e.buf, byte(n>>16)+241, byte(n>>8), byte(n))
	default:
		return false
	}
	return true
}

// codecMaxDrops is the largest XRP amount the codec accepts (10^17 drops).
const codecMaxDrops = 100_000_000_000_000_000

func (e *encoder) amount(v any) bool {
	switch x := v.(type) {
	case string:
		if x == "" || len(x) > 18 || !allDigits(x) {
			return false
		}
		n, err := strconv.ParseUint(x, 10, 64)
		if err != nil || n > codecMaxDrops {
			return false
		}
		e.buf = binary.BigEndian.AppendUint64(e.buf, n|0x4000000000000000)
		return true
	case map[string]any:
		if len(x) != 3 {
			return false
		}
		val, ok1 := x["value"].(string)
		cur, ok2 := x["currency"].(string)
		iss, ok3 := x["issuer"].(string)
		if !ok1 || !ok2 || !ok3 {
			return false
		}
		w, ok := iouWire(val)
		if !ok {
			return false
		}
		code, ok := currencyCode(cur)
		if !ok || iss == "" || iss[0] != 'r' {
			return false
		}
		a, err := parseAccount(iss)
		if err != nil {
			return false
		}
		e.buf = binary.BigEndian.AppendUint64(e.buf, w)
		e.buf = append(e.buf, code[:]...)
		e.buf = append(e.buf, a[:]...)
		return true
	}
	return false
}

// iouWire is the 64-bit serialization of a token value written as
// -?digits(.digits)?(e[+-]?digits)?, with at most 16 digits, in the codec's
// range. Anything else (other spellings, zeros but "0") is left to the codec.
func iouWire(s string) (uint64, bool) {
	if s == "0" {
		return 0x8000000000000000, true
	}
	i, neg := 0, false
	if i < len(s) && s[i] == '-' {
		neg, i = true, 1
	}
	start := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	intPart := s[start:i]
	frac := ""
	if i < len(s) && s[i] == '.' {
		i++
		fs := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		frac = s[fs:i]
		if frac == "" {
			return 0, false
		}
	}
	if intPart == "" {
		return 0, false
	}
	exp := 0
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		es := i
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		ds := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if ds == i || i-ds > 4 {
			return 0, false
		}
		n, err := strconv.Atoi(s[es:i])
		if err != nil {
			return 0, false
		}
		exp = n
	}
	if i != len(s) {
		return 0, false
	}
	digits := intPart + frac
	exp -= len(frac)
	for len(digits) > 0 && digits[0] == '0' {
		digits = digits[1:]
	}
	if digits == "" || len(digits) > 16 {
		return 0, false
	}
	m, err := strconv.ParseUint(digits, 10, 64)
	if err != nil {
		return 0, false
	}
	for m < 1_000_000_000_000_000 && exp > -96 {
		m *= 10
		exp--
	}
	if m < 1_000_000_000_000_000 || m > 9_999_999_999_999_999 || exp < -96 || exp > 80 {
		return 0, false
	}
	w := uint64(0x8000000000000000) | uint64(exp+97)<<54 | m
	if !neg {
		w |= 0x4000000000000000
	}
	return w, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func isHexString(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isDigit(c) && (c < 'a' || c > 'f') && (c < 'A' || c > 'F') {
			return false
		}
	}
	return true
}

// currencyCode is the 160-bit code of a currency the codec would take
// without special cases: three ISO-style characters other than XRP, or 40
// hex digits not starting with a zero byte.
func currencyCode(s string) ([20]byte, bool) {
	var c [20]byte
	switch len(s) {
	case 3:
		if s == "XRP" {
			return c, false
		}
		for i := 0; i < 3; i++ {
			if !isCurrencyChar(s[i]) {
				return c, false
			}
		}
		copy(c[12:], s)
		return c, true
	case 40:
		if _, err := hex.Decode(c[:], []byte(s)); err != nil || c[0] == 0 {
			return c, false
		}
		return c, true
	}
	return c, false
}

// isCurrencyChar is the codec's IOUCodeRegex character class.
func isCurrencyChar(c byte) bool {
	switch {
	case isDigit(c), c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		return true
	}
	switch c {
	case '?', '!', '@', '#', '$', '%', '^', '&', '*', '<', '>', '(', ')', '{', '}', '[', ']', '|':
		return true
	}
	return false
}
