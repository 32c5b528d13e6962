package ledger_test

import (
	"encoding/hex"
	"strings"
	"testing"
	"time"

	binarycodec "github.com/Peersyst/xrpl-go/binary-codec"

	"github.com/banxmedia/banx/internal/ledger"
)

func payment(to string, drops string) map[string]any {
	return map[string]any{"TransactionType": "Payment", "Destination": to, "Amount": drops}
}

// TestSubmitRefusesBadBlobs covers blobs rippled refuses before the engine: each is an
// RPC error, the state is unchanged, and the server keeps serving.
func TestSubmitRefusesBadBlobs(t *testing.T) {
	e := newEnv(t)
	alice := e.fund("100000000", false)
	bob := newWallet(t, false)
	good := e.sign(alice, payment(string(bob.ClassicAddress), "2000000"))

	mutated := func() string {
		// Change the Amount after signing: the signature no longer covers the data.
		fields, err := binarycodec.Decode(good)
		if err != nil {
			t.Fatal(err)
		}
		fields["Amount"] = "2000001"
		b, err := binarycodec.Encode(fields)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	negative := func() string {
		// Clear the positive bit of the XRP Amount: a negative amount, re-encoded by hand.
		b := mustHex(t, good)
		amt := mustHex(t, "6140000000001E8480") // sfAmount header + 2000000 drops
		i := strings.Index(string(b), string(amt))
		if i < 0 {
			t.Fatal("amount not found in blob")
		}
		b[i+1] &^= 0x40
		return strings.ToUpper(hex.EncodeToString(b))
	}
	nonCanonical := func() string {
		// An issued amount of 1 written with a one-digit mantissa instead of rippled's
		// normalised 16 digits: the binary is not canonical and cannot be decoded.
		iou := e.sign(alice, map[string]any{"TransactionType": "Payment", "Destination": string(bob.ClassicAddress),
			"Amount": map[string]any{"currency": "USD", "issuer": string(bob.ClassicAddress), "value": "1"}})
		if !strings.Contains(iou, "D4838D7EA4C68000") {
			t.Fatal("IOU value not found in blob")
		}
		return strings.Replace(iou, "D4838D7EA4C68000", "D840000000000001", 1)
	}
	bigMemo := e.sign(alice, map[string]any{"TransactionType": "AccountSet",
		"Memos": []any{map[string]any{"Memo": map[string]any{"MemoData": strings.Repeat("AB", 1100)}}}})
	badMemoType := e.sign(alice, map[string]any{"TransactionType": "AccountSet",
		"Memos": []any{map[string]any{"Memo": map[string]any{"MemoType": hex.EncodeToString([]byte("text plain")), "MemoData": "AB"}}}})
	missingDest := e.sign(alice, map[string]any{"TransactionType": "Payment", "Amount": "1"})
	extraField := e.sign(alice, map[string]any{"TransactionType": "AccountSet", "Destination": string(bob.ClassicAddress)})

	tests := []struct {
		name, blob, err, exception string
	}{
		{"ErrGarbage", "DEADBEEF", "invalidTransaction", ""},
		{"ErrTruncated", good[:len(good)/2&^1], "invalidTransaction", ""},
		{"ErrOddHex", good[:len(good)-1], "invalidParams", ""},
		{"ErrNotHex", "XYZ", "invalidParams", ""},
		{"ErrEmpty", "", "invalidParams", ""},
		{"ErrMutatedAfterSigning", mutated(), "invalidTransaction", "fails local checks: Invalid signature."},
		{"ErrNegativeAmount", negative(), "invalidTransaction", "fails local checks: Invalid signature."},
		{"ErrNonCanonicalIOU", nonCanonical(), "invalidTransaction", ""},
		{"ErrMemoTooBig", bigMemo, "invalidTransaction", "fails local checks: The memo exceeds the maximum allowed size."},
		{"ErrMemoTypeNotURL", badMemoType, "invalidTransaction", "fails local checks: The MemoType and MemoFormat fields may only contain characters that are allowed in URLs under RFC 3986."},
		{"ErrMissingField", missingDest, "invalidTransaction", "Field 'Destination' is required but missing."},
		{"ErrDisallowedField", extraField, "invalidTransaction", "Field 'Destination' found in disallowed location."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.unchanged(func() {
				r := e.rawSubmit(tc.blob)
				if r["error"] != tc.err || r["status"] != "error" {
					t.Fatalf("got %v", r)
				}
				if tc.exception != "" && r["error_exception"] != tc.exception {
					t.Fatalf("error_exception %q", r["error_exception"])
				}
				if rq, _ := r["request"].(map[string]any); rq["command"] != "submit" {
					t.Fatalf("request echo %v", r["request"])
				}
			})
		})
	}
	t.Run("OKStillServing", func(t *testing.T) {
		e.mustSubmit(alice, payment(string(bob.ClassicAddress), "2000000"), "tesSUCCESS")
		e.accept()
		if got := e.balance(string(bob.ClassicAddress)); got != "2000000" {
			t.Fatalf("bob balance %s", got)
		}
	})
}

// TestSubmitCommonChecks covers the engine's common checks, in rippled's order, each
// with its result code and an unchanged ledger.
func TestSubmitCommonChecks(t *testing.T) {
	e := newEnv(t)
	alice := e.fund("100000000", false)
	bob := e.fund("100000000", true)
	carol := newWallet(t, false)
	to := string(bob.ClassicAddress)
	aliceSeq := e.seq(string(alice.ClassicAddress))
	tests := []struct {
		name string
		w    func() map[string]any
		want string
	}{
		{"ErrPastSeq", func() map[string]any {
			return e.submit(alice, map[string]any{"TransactionType": "Payment", "Destination": to, "Amount": "1000000", "Sequence": aliceSeq - 1})
		}, "tefPAST_SEQ"},
		{"ErrMaxLedger", func() map[string]any {
			return e.submit(alice, map[string]any{"TransactionType": "Payment", "Destination": to, "Amount": "1000000",
				"LastLedgerSequence": e.l.Validated().Index})
		}, "tefMAX_LEDGER"},
		{"ErrFeeTooLow", func() map[string]any {
			return e.submit(alice, map[string]any{"TransactionType": "Payment", "Destination": to, "Amount": "1000000", "Fee": "9"})
		}, "telINSUF_FEE_P"},
		{"ErrFeeNotXRP", func() map[string]any {
			return e.submit(alice, map[string]any{"TransactionType": "Payment", "Destination": to, "Amount": "1000000",
				"Fee": map[string]any{"currency": "USD", "issuer": to, "value": "1"}})
		}, "temBAD_FEE"},
		{"ErrFeeTooBig", func() map[string]any {
			return e.submit(alice, map[string]any{"TransactionType": "Payment", "Destination": to, "Amount": "1000000", "Fee": "100000000000"})
		}, "terINSUF_FEE_B"},
		{"ErrNoAccount", func() map[string]any {
			return e.submit(carol, map[string]any{"TransactionType": "Payment", "Destination": to, "Amount": "1000000", "Sequence": uint32(1)})
		}, "terNO_ACCOUNT"},
		{"ErrBadAuth", func() map[string]any {
			tx := map[string]any{"TransactionType": "Payment", "Account": string(alice.ClassicAddress), "Destination": to, "Amount": "1000000"}
			return e.submit(bob, tx) // signed by a key that is neither master nor regular key
		}, "tefBAD_AUTH"},
		{"ErrNetworkIDNotAllowed", func() map[string]any {
			return e.submit(alice, map[string]any{"TransactionType": "Payment", "Destination": to, "Amount": "1000000", "NetworkID": uint32(21337)})
		}, "telNETWORK_ID_MAKES_TX_NON_CANONICAL"},
		{"ErrSeqAndTicket", func() map[string]any {
			return e.submit(alice, map[string]any{"TransactionType": "Payment", "Destination": to, "Amount": "1000000", "TicketSequence": uint32(9)})
		}, "temSEQ_AND_TICKET"},
		{"ErrInvalidFlag", func() map[string]any {
			return e.submit(alice, map[string]any{"TransactionType": "Payment", "Destination": to, "Amount": "1000000", "Flags": uint32(0x00000001)})
		}, "temINVALID_FLAG"},
		{"ErrUnsupportedType", func() map[string]any {
			return e.submit(alice, map[string]any{"TransactionType": "OfferCreate", "TakerGets": "1000000",
				"TakerPays": map[string]any{"currency": "USD", "issuer": to, "value": "1"}})
		}, "temDISABLED"},
		{"ErrZeroAmount", func() map[string]any {
			return e.submit(alice, map[string]any{"TransactionType": "Payment", "Destination": to, "Amount": "0"})
		}, "temBAD_AMOUNT"},
		{"ErrNegativeIOU", func() map[string]any {
			return e.submit(alice, map[string]any{"TransactionType": "Payment", "Destination": to,
				"Amount": map[string]any{"currency": "USD", "issuer": to, "value": "-5"}})
		}, "temBAD_AMOUNT"},
		{"ErrToSelf", func() map[string]any {
			return e.submit(alice, map[string]any{"TransactionType": "Payment", "Destination": string(alice.ClassicAddress), "Amount": "1000000"})
		}, "temREDUNDANT"},
		{"ErrXRPSendMax", func() map[string]any {
			return e.submit(alice, map[string]any{"TransactionType": "Payment", "Destination": to, "Amount": "1000000", "SendMax": "2000000"})
		}, "temBAD_SEND_XRP_MAX"},
		{"ErrXRPPartial", func() map[string]any {
			return e.submit(alice, map[string]any{"TransactionType": "Payment", "Destination": to, "Amount": "1000000", "Flags": uint32(0x00020000)})
		}, "temBAD_SEND_XRP_PARTIAL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.unchanged(func() {
				r := tc.w()
				if r["engine_result"] != tc.want {
					t.Fatalf("engine_result %v, want %s: %v", r["engine_result"], tc.want, r)
				}
				if r["applied"] != false {
					t.Fatalf("applied %v", r["applied"])
				}
				if !strings.HasPrefix(tc.want, "ter") && r["kept"] != false {
					t.Fatalf("kept %v", r["kept"])
				}
			})
		})
	}
}

func TestSubmitDuplicateIsAlready(t *testing.T) {
	e := newEnv(t)
	alice := e.fund("100000000", false)
	bob := newWallet(t, false)
	blob := e.sign(alice, payment(string(bob.ClassicAddress), "5000000"))
	if r := e.rawSubmit(blob); r["engine_result"] != "tesSUCCESS" || r["applied"] != true || r["accepted"] != true {
		t.Fatalf("first: %v", r)
	}
	if r := e.rawSubmit(blob); r["engine_result"] != "tefALREADY" || num(r["engine_result_code"]) != -198 {
		t.Fatalf("second in the open ledger: %v", r)
	}
	e.accept()
	// Once validated the sequence is consumed: rippled's open-ledger apply answers
	// tefPAST_SEQ, and the transaction still cannot apply twice.
	if r := e.rawSubmit(blob); r["engine_result"] != "tefPAST_SEQ" {
		t.Fatalf("after validation: %v", r)
	}
	e.accept()
	if got := e.balance(string(bob.ClassicAddress)); got != "5000000" {
		t.Fatalf("applied twice? bob has %s", got)
	}
}

// TestSubmitPreSeqIsHeldThenApplied: a future sequence is kept (terPRE_SEQ) and applied
// once the gap is filled, as rippled's held transactions.
func TestSubmitPreSeqIsHeldThenApplied(t *testing.T) {
	e := newEnv(t)
	alice := e.fund("100000000", false)
	bob := newWallet(t, false)
	s := e.seq(string(alice.ClassicAddress))
	later := e.submit(alice, map[string]any{"TransactionType": "Payment", "Destination": string(bob.ClassicAddress), "Amount": "3000000", "Sequence": s + 1})
	if later["engine_result"] != "terPRE_SEQ" || later["kept"] != true || later["applied"] != false {
		t.Fatalf("future sequence: %v", later)
	}
	e.accept()
	if e.balance(string(bob.ClassicAddress)) != "" {
		t.Fatal("held transaction applied before its predecessor")
	}
	e.mustSubmit(alice, map[string]any{"TransactionType": "Payment", "Destination": string(bob.ClassicAddress), "Amount": "2000000", "Sequence": s}, "tesSUCCESS")
	e.accept() // validates the first; the held one moves into the new open ledger
	e.accept()
	if got := e.balance(string(bob.ClassicAddress)); got != "5000000" {
		t.Fatalf("bob %s, want both payments", got)
	}
	if res, _ := e.txResult(hashOf(later)); res != "tesSUCCESS" {
		t.Fatalf("held tx result %s", res)
	}
}

func TestNetworkIDRequired(t *testing.T) {
	e := newEnv(t, func(c *ledger.Config) { c.NetworkID = 21337 })
	bob := newWallet(t, false)
	to := string(bob.ClassicAddress)
	for _, tc := range []struct {
		name string
		nid  any
		want string
	}{
		{"ErrMissing", nil, "telREQUIRES_NETWORK_ID"},
		{"ErrWrong", uint32(21338), "telWRONG_NETWORK"},
		{"OK", uint32(21337), "tesSUCCESS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tx := payment(to, "20000000")
			if tc.nid != nil {
				tx["NetworkID"] = tc.nid
			}
			r := e.submit(e.gen, tx)
			if r["engine_result"] != tc.want {
				t.Fatalf("got %v", r)
			}
		})
	}
	if info := e.rpc("server_info", nil)["info"].(map[string]any); num(info["network_id"]) != 21337 {
		t.Fatalf("network_id %v", info["network_id"])
	}
}

// TestHeldTransactionExpires: a kept transaction whose gap is never filled is dropped
// after rippled's five hold ledgers and never applies later.
func TestHeldTransactionExpires(t *testing.T) {
	e := newEnv(t)
	alice := e.fund("100000000", false)
	bob := newWallet(t, false)
	s := e.seq(string(alice.ClassicAddress))
	held := e.submit(alice, map[string]any{"TransactionType": "Payment", "Destination": string(bob.ClassicAddress), "Amount": "3000000", "Sequence": s + 1})
	if held["engine_result"] != "terPRE_SEQ" {
		t.Fatalf("submit %v", held)
	}
	for i := 0; i < 6; i++ {
		e.accept()
	}
	e.mustSubmit(alice, map[string]any{"TransactionType": "Payment", "Destination": string(bob.ClassicAddress), "Amount": "2000000", "Sequence": s}, "tesSUCCESS")
	e.accept()
	e.accept()
	if got := e.balance(string(bob.ClassicAddress)); got != "2000000" {
		t.Fatalf("bob %s: the expired transaction applied", got)
	}
	if r := e.rpc("tx", map[string]any{"transaction": hashOf(held)}); r["error"] != "txnNotFound" {
		t.Fatalf("expired tx %v", r)
	}
}

// TestCloseInterval: with an interval the ledger closes on its own.
func TestCloseInterval(t *testing.T) {
	e := newEnv(t, func(c *ledger.Config) { c.CloseInterval = 20 * time.Millisecond; c.Now = time.Now })
	start := e.l.Validated().Index
	deadline := time.Now().Add(10 * time.Second)
	for e.l.Validated().Index < start+3 {
		if time.Now().After(deadline) {
			t.Fatalf("no automatic close: still at %d", e.l.Validated().Index)
		}
		time.Sleep(5 * time.Millisecond)
	}
	h := e.l.Validated()
	if h.CloseTime <= h.ParentCloseTime {
		t.Fatalf("close time %d after parent %d", h.CloseTime, h.ParentCloseTime)
	}
}
