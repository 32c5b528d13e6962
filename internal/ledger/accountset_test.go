package ledger_test

import (
	"encoding/hex"
	"strings"
	"testing"
)

// TestAccountSetNoOpAnchorsMemo: an AccountSet that changes nothing is how authors
// self-anchor memos; it succeeds, costs the fee and keeps its memo in the ledger.
func TestAccountSetNoOpAnchorsMemo(t *testing.T) {
	e := newEnv(t)
	alice := e.fund("100000000", false)
	aa := string(alice.ClassicAddress)
	memo := map[string]any{"Memo": map[string]any{
		"MemoType":   strings.ToUpper(hex.EncodeToString([]byte("banx/anchor"))),
		"MemoFormat": strings.ToUpper(hex.EncodeToString([]byte("application/json"))),
		"MemoData":   strings.ToUpper(hex.EncodeToString([]byte(`{"root":"abc"}`))),
	}}
	before := e.accountData(aa, "validated")
	r := e.mustSubmit(alice, map[string]any{"TransactionType": "AccountSet", "Memos": []any{memo}}, "tesSUCCESS")
	e.accept()
	tx := e.rpc("tx", map[string]any{"transaction": hashOf(r), "api_version": 2})
	if tx["validated"] != true || tx["meta"].(map[string]any)["TransactionResult"] != "tesSUCCESS" {
		t.Fatalf("tx %v", tx)
	}
	memos := tx["tx_json"].(map[string]any)["Memos"].([]any)
	if got := memos[0].(map[string]any)["Memo"].(map[string]any)["MemoData"]; got != memo["Memo"].(map[string]any)["MemoData"] {
		t.Fatalf("memo %v", got)
	}
	after := e.accountData(aa, "validated")
	if after["Balance"] != subDrops(before["Balance"], 10) || after["Flags"].(any) == nil || num(after["Flags"]) != num(before["Flags"]) {
		t.Fatalf("before %v after %v", before, after)
	}
}

func TestAccountSetFlags(t *testing.T) {
	e := newEnv(t)
	alice := e.fund("100000000", false)
	aa := string(alice.ClassicAddress)
	flags := func() int64 { return num(e.accountData(aa, "validated")["Flags"]) }

	res, _ := e.payAndResult(alice, map[string]any{"TransactionType": "AccountSet", "SetFlag": uint32(8), "Domain": hex.EncodeToString([]byte("banx.example")), "TransferRate": uint32(1_005_000_000)})
	if res != "tesSUCCESS" || flags()&0x00800000 == 0 {
		t.Fatalf("DefaultRipple: %s %#x", res, flags())
	}
	ad := e.accountData(aa, "validated")
	if ad["Domain"] != strings.ToUpper(hex.EncodeToString([]byte("banx.example"))) || num(ad["TransferRate"]) != 1_005_000_000 {
		t.Fatalf("account %v", ad)
	}
	info := e.rpc("account_info", map[string]any{"account": aa, "ledger_index": "validated"})
	if info["account_flags"].(map[string]any)["defaultRipple"] != true {
		t.Fatalf("account_flags %v", info["account_flags"])
	}
	res, _ = e.payAndResult(alice, map[string]any{"TransactionType": "AccountSet", "ClearFlag": uint32(8)})
	if res != "tesSUCCESS" || flags()&0x00800000 != 0 {
		t.Fatalf("clear DefaultRipple: %s %#x", res, flags())
	}

	for _, tc := range []struct {
		name string
		tx   map[string]any
		want string
	}{
		{"ErrSameSetClear", map[string]any{"TransactionType": "AccountSet", "SetFlag": uint32(8), "ClearFlag": uint32(8)}, "temINVALID_FLAG"},
		{"ErrTransferRateLow", map[string]any{"TransactionType": "AccountSet", "TransferRate": uint32(999_999_999)}, "temBAD_TRANSFER_RATE"},
		{"ErrTransferRateHigh", map[string]any{"TransactionType": "AccountSet", "TransferRate": uint32(2_000_000_001)}, "temBAD_TRANSFER_RATE"},
		{"ErrDomainTooLong", map[string]any{"TransactionType": "AccountSet", "Domain": strings.Repeat("61", 257)}, "telBAD_DOMAIN"},
		{"ErrBadTxFlag", map[string]any{"TransactionType": "AccountSet", "Flags": uint32(0x00000001)}, "temINVALID_FLAG"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.unchanged(func() {
				if r := e.submit(alice, tc.tx); r["engine_result"] != tc.want {
					t.Fatalf("got %v", r["engine_result"])
				}
			})
		})
	}
}

func TestRequireAuthNeedsEmptyOwnerDirectory(t *testing.T) {
	e := newEnv(t)
	issuer := e.fund("100000000", false)
	alice := e.fund("100000000", false)
	e.trust(alice, issuer, "10", 0)
	res, _ := e.payAndResult(alice, map[string]any{"TransactionType": "AccountSet", "SetFlag": uint32(2)})
	if res != "tecOWNERS" || num(e.accountData(string(alice.ClassicAddress), "validated")["Flags"])&0x00040000 != 0 {
		t.Fatalf("RequireAuth with owned objects: %s", res)
	}
}

// TestRegularKeyAndDisableMaster walks the key rotation rules: disabling the master key
// needs another key, the regular key signs, the disabled master no longer does.
func TestRegularKeyAndDisableMaster(t *testing.T) {
	e := newEnv(t)
	alice := e.fund("100000000", false)
	aa := string(alice.ClassicAddress)
	regular := newWallet(t, true)

	res, _ := e.payAndResult(alice, map[string]any{"TransactionType": "AccountSet", "SetFlag": uint32(4)})
	if res != "tecNO_ALTERNATIVE_KEY" {
		t.Fatalf("disable master without regular key: %s", res)
	}
	e.unchanged(func() {
		if r := e.submit(alice, map[string]any{"TransactionType": "SetRegularKey", "RegularKey": aa}); r["engine_result"] != "temBAD_REGKEY" {
			t.Fatalf("regular key = master: %v", r["engine_result"])
		}
	})
	res, _ = e.payAndResult(alice, map[string]any{"TransactionType": "SetRegularKey", "RegularKey": string(regular.ClassicAddress), "Fee": "0"})
	if res != "tesSUCCESS" {
		t.Fatalf("first SetRegularKey with the master key is free: %s", res)
	}
	if f := num(e.accountData(aa, "validated")["Flags"]); f&0x00010000 == 0 {
		t.Fatalf("lsfPasswordSpent not set: %#x", f)
	}
	// The regular key can sign for the account (Account stays alice).
	res, _ = e.payAndResult(regular, map[string]any{"TransactionType": "AccountSet", "Account": aa})
	if res != "tesSUCCESS" {
		t.Fatalf("regular key signing: %s", res)
	}
	res, _ = e.payAndResult(regular, map[string]any{"TransactionType": "AccountSet", "Account": aa, "SetFlag": uint32(4)})
	if res != "tecNEED_MASTER_KEY" {
		t.Fatalf("disable master with regular key: %s", res)
	}
	res, _ = e.payAndResult(alice, map[string]any{"TransactionType": "AccountSet", "SetFlag": uint32(4)})
	if res != "tesSUCCESS" {
		t.Fatalf("disable master: %s", res)
	}
	e.unchanged(func() {
		if r := e.submit(alice, map[string]any{"TransactionType": "AccountSet"}); r["engine_result"] != "tefMASTER_DISABLED" {
			t.Fatalf("master after disable: %v", r["engine_result"])
		}
	})
	res, _ = e.payAndResult(regular, map[string]any{"TransactionType": "SetRegularKey", "Account": aa})
	if res != "tecNO_ALTERNATIVE_KEY" {
		t.Fatalf("remove the only key: %s", res)
	}
	res, _ = e.payAndResult(regular, map[string]any{"TransactionType": "AccountSet", "Account": aa, "ClearFlag": uint32(4)})
	if res != "tesSUCCESS" {
		t.Fatalf("re-enable master: %s", res)
	}
	res, _ = e.payAndResult(alice, map[string]any{"TransactionType": "AccountSet"})
	if res != "tesSUCCESS" {
		t.Fatalf("master again: %s", res)
	}
}
