package ledger

import (
	"bytes"
	"testing"

	binarycodec "github.com/Peersyst/xrpl-go/binary-codec"
)

// TestSHAMapMatchesRippled replays rippled's SHAMap_test "build/tear": transaction
// leaves without metadata (leaf hash = SHA-512Half("TXN\0" || data)) whose keys share
// long prefixes; the root after each insert, and again after each delete in reverse,
// must equal rippled's published hashes.
func TestSHAMapMatchesRippled(t *testing.T) {
	keys := []string{
		"b92891fe4ef6cee585fdc6fda1e09eb4d386363158ec3321b8123e5a772c6ca8",
		"b92881fe4ef6cee585fdc6fda1e09eb4d386363158ec3321b8123e5a772c6ca8",
		"b92691fe4ef6cee585fdc6fda1e09eb4d386363158ec3321b8123e5a772c6ca8",
		"b92791fe4ef6cee585fdc6fda1e09eb4d386363158ec3321b8123e5a772c6ca8",
		"b91891fe4ef6cee585fdc6fda1e09eb4d386363158ec3321b8123e5a772c6ca8",
		"b99891fe4ef6cee585fdc6fda1e09eb4d386363158ec3321b8123e5a772c6ca8",
		"f22891fe4ef6cee585fdc6fda1e09eb4d386363158ec3321b8123e5a772c6ca8",
		"292891fe4ef6cee585fdc6fda1e09eb4d386363158ec3321b8123e5a772c6ca8",
	}
	want := []string{
		"B7387CFEA0465759ADC718E8C42B52D2309D179B326E239EB5075C64B6281F7F",
		"FBC195A9592A54AB44010274163CB6BA95F497EC5BA0A883184546 7FB2ECE266",
		"4E7D2684B65DFD48937FFB775E20175C43AF0C94066F7D5679F51AE756795B75",
		"7A2F312EB203695FFD164E038E281839EEF06A1B99BFC263F3CECC6C74F93E07",
		"395A6691A372387A703FB0F2C6D2C405DAF307D0817F8F0E207596462B0E3A3E",
		"D044C0A696DE3169CC70AE216A1564D69DE96582865796142CE7D98A84D9DDE4",
		"76DCC77C4027309B5A91AD164083264D70B77B5E43E08AEDA5EBF94361143615",
		"DF4220E93ADC6F5569063A01B4DC79F8DB9553B6A3222ADE23DEA02BBE7230E5",
	}
	m := newSHAMap()
	if !m.rootHash().IsZero() {
		t.Fatal("empty map must hash to zero")
	}
	parsed := make([]Hash, len(keys))
	for i, k := range keys {
		h, ok := parseHash(k)
		if !ok {
			t.Fatalf("key %d", i)
		}
		parsed[i] = h
		m.set(h, sha512Half(prefixTxID, bytes.Repeat([]byte{byte(i)}, 32)))
		if got := m.rootHash().String(); got != strip(want[i]) {
			t.Fatalf("after insert %d: root %s, want %s", i, got, strip(want[i]))
		}
	}
	for i := len(keys) - 1; i >= 0; i-- {
		if got := m.rootHash().String(); got != strip(want[i]) {
			t.Fatalf("before delete %d: root %s, want %s", i, got, strip(want[i]))
		}
		m.remove(parsed[i])
	}
	if !m.rootHash().IsZero() {
		t.Fatal("emptied map must hash to zero")
	}
}

func strip(s string) string { return string(bytes.ReplaceAll([]byte(s), []byte(" "), nil)) }

// TestHeaderLayoutMatchesCodec checks that the header bytes hashed for the ledger hash
// are the layout the binary codec's DecodeLedgerData reads.
func TestHeaderLayoutMatchesCodec(t *testing.T) {
	h := LedgerHeader{Index: 38129, TotalDrops: 99999999999996310, CloseTime: 410424200,
		ParentCloseTime: 410424190, CloseTimeResolution: 10, CloseFlags: 1}
	h.ParentHash[0], h.TransactionHash[1], h.AccountHash[2] = 0xAA, 0xBB, 0xCC
	d, err := binarycodec.DecodeLedgerData(upperHex(h.headerBytes()))
	if err != nil {
		t.Fatal(err)
	}
	if d.LedgerIndex != h.Index || d.TotalCoins != "99999999999996310" || d.ParentHash != h.ParentHash.String() ||
		d.TransactionHash != h.TransactionHash.String() || d.AccountHash != h.AccountHash.String() ||
		d.ParentCloseTime != h.ParentCloseTime || d.CloseTime != h.CloseTime || d.CloseTimeResolution != 10 || d.CloseFlags != 1 {
		t.Fatalf("decoded %+v from %+v", d, h)
	}
}

// TestLedgerHashMatchesMainnet recomputes mainnet ledger 38129's hash from its header
// (the fixture xrpl.js's hashLedger tests use, whose parent close time equals its own).
func TestLedgerHashMatchesMainnet(t *testing.T) {
	h := LedgerHeader{Index: 38129, TotalDrops: 99999999999996310, CloseTime: 410424200,
		ParentCloseTime: 410424200, CloseTimeResolution: 10}
	h.ParentHash, _ = parseHash("3401E5B2E5D3A53EB0891088A5F2D9364BBB6CE5B37A337D2C0660DAF9C4175E")
	h.AccountHash, _ = parseHash("2C23D15B6B549123FB351E4B5CDE81C564318EB845449CD43C3EA7953C4DB452")
	h.TransactionHash, _ = parseHash("DB83BF807416C5B3499A73130F843CF615AB8E797D79FE7D330ADF1BFA93951A")
	if got := h.computeHash().String(); got != "E6DB7365949BF9814D76BCC730B01818EB9136A89DB224F3F9F5AAE4569D758E" {
		t.Fatalf("ledger hash %s", got)
	}
}
