package ledger_test

import (
	"sort"
	"testing"

	binarycodec "github.com/Peersyst/xrpl-go/binary-codec"
)

func nodes(meta map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, n := range meta["AffectedNodes"].([]any) {
		for kind, v := range n.(map[string]any) {
			node := v.(map[string]any)
			out[kind+":"+node["LedgerIndex"].(string)] = node
		}
	}
	return out
}

// TestPaymentMetadata checks an XRP payment's metadata field by field, as rippled's
// ApplyStateTable builds it.
func TestPaymentMetadata(t *testing.T) {
	e := newEnv(t)
	alice := e.fund("100000000", false)
	bob := e.fund("100000000", false)
	prevAlice := e.accountData(string(alice.ClassicAddress), "validated")
	r := e.mustSubmit(alice, payment(string(bob.ClassicAddress), "1234"), "tesSUCCESS")
	e.accept()
	tx := e.rpc("tx", map[string]any{"transaction": hashOf(r), "api_version": 2})
	meta := tx["meta"].(map[string]any)
	list := meta["AffectedNodes"].([]any)
	if len(list) != 2 || num(meta["TransactionIndex"]) != 0 || meta["TransactionResult"] != "tesSUCCESS" {
		t.Fatalf("meta %v", meta)
	}
	var keys []string
	for _, n := range list {
		for _, v := range n.(map[string]any) {
			keys = append(keys, v.(map[string]any)["LedgerIndex"].(string))
		}
	}
	if !sort.StringsAreSorted(keys) {
		t.Fatalf("AffectedNodes not sorted by LedgerIndex: %v", keys)
	}
	aliceNode := nodes(meta)["ModifiedNode:"+prevAlice["index"].(string)]
	if aliceNode == nil {
		t.Fatalf("no ModifiedNode for the sender: %v", meta)
	}
	ff, pf := aliceNode["FinalFields"].(map[string]any), aliceNode["PreviousFields"].(map[string]any)
	if ff["Balance"] != subDrops(prevAlice["Balance"], 1244) || num(ff["Sequence"]) != num(prevAlice["Sequence"])+1 ||
		ff["Account"] != string(alice.ClassicAddress) || ff["Flags"] == nil || ff["OwnerCount"] == nil {
		t.Fatalf("FinalFields %v", ff)
	}
	if len(pf) != 2 || pf["Balance"] != prevAlice["Balance"] || num(pf["Sequence"]) != num(prevAlice["Sequence"]) {
		t.Fatalf("PreviousFields %v", pf)
	}
	if aliceNode["PreviousTxnID"] != prevAlice["PreviousTxnID"] || num(aliceNode["PreviousTxnLgrSeq"]) != num(prevAlice["PreviousTxnLgrSeq"]) {
		t.Fatalf("threading %v vs %v", aliceNode, prevAlice)
	}
	if _, ok := ff["PreviousTxnID"]; ok {
		t.Fatal("PreviousTxnID belongs to the node, not FinalFields")
	}
	now := e.accountData(string(alice.ClassicAddress), "validated")
	if now["PreviousTxnID"] != hashOf(r) {
		t.Fatalf("AccountRoot PreviousTxnID %v", now["PreviousTxnID"])
	}
	// The binary metadata decodes to the same object.
	bin := e.rpc("tx", map[string]any{"transaction": hashOf(r), "binary": true, "api_version": 2})
	decoded, err := binarycodec.Decode(bin["meta_blob"].(string))
	if err != nil || len(decoded["AffectedNodes"].([]any)) != 2 || decoded["TransactionResult"] != "tesSUCCESS" {
		t.Fatalf("meta_blob %v %v", decoded, err)
	}
}

// TestTrustSetThreadsIssuer: creating a line threads the issuer's AccountRoot even
// though nothing else on it changes: a ModifiedNode without PreviousFields.
func TestTrustSetThreadsIssuer(t *testing.T) {
	e := newEnv(t)
	issuer := e.fund("100000000", false)
	alice := e.fund("100000000", false)
	issuerRoot := e.accountData(string(issuer.ClassicAddress), "validated")
	_, meta := e.payAndResult(alice, map[string]any{"TransactionType": "TrustSet", "LimitAmount": usd(issuer, "10")})
	node := nodes(meta)["ModifiedNode:"+issuerRoot["index"].(string)]
	if node == nil || node["PreviousFields"] != nil || node["FinalFields"] == nil || node["PreviousTxnID"] != issuerRoot["PreviousTxnID"] {
		t.Fatalf("issuer node %v", node)
	}
}
