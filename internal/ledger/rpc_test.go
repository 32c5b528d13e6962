package ledger_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	binarycodec "github.com/Peersyst/xrpl-go/binary-codec"

	"github.com/banxmedia/banx/internal/ledger"
)

func (e *env) post(body string) (int, string) {
	e.t.Helper()
	resp, err := http.Post(e.srv.URL, "application/json", strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestJSONRPCTransport(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		name, body string
		status     int
		contains   string
	}{
		{"ErrMalformedJSON", `{"method": "ping", `, 400, "Unable to parse request"},
		{"ErrNotObject", `[1,2]`, 400, "Unable to parse request"},
		{"ErrOversized", `{"method":"ping","params":[{"x":"` + strings.Repeat("a", 1_000_001) + `"}]}`, 400, "Unable to parse request"},
		{"ErrNullMethod", `{"params":[{}]}`, 400, "Null method"},
		{"ErrMethodNotString", `{"method":5}`, 400, "method is not string"},
		{"ErrParamsNotArray", `{"method":"ping","params":{"a":1}}`, 400, "params unparsable"},
		{"ErrAPIVersion", `{"method":"ping","params":[{"api_version":7}]}`, 400, "invalid_API_version"},
		{"OKNoParams", `{"method":"ping"}`, 200, `"status":"success"`},
		{"OKUnknownKeysIgnored", `{"method":"ledger_current","params":[{"BaseRequest":{},"api_version":2}]}`, 200, `"ledger_current_index"`},
		{"OKIDEchoed", `{"method":"ping","params":[{"id":42}]}`, 200, `"id":42`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := e.post(tc.body)
			if status != tc.status || !strings.Contains(body, tc.contains) {
				t.Fatalf("HTTP %d %.200s", status, body)
			}
		})
	}
	t.Run("ErrUnknownMethod", func(t *testing.T) {
		r := e.rpc("not_a_method", map[string]any{"x": 1})
		if r["error"] != "unknownCmd" || num(r["error_code"]) != 32 || r["error_message"] != "Unknown method." || r["status"] != "error" {
			t.Fatalf("result %v", r)
		}
		if rq := r["request"].(map[string]any); rq["command"] != "not_a_method" || num(rq["x"]) != 1 {
			t.Fatalf("request %v", rq)
		}
	})
	t.Run("OKStillServing", func(t *testing.T) {
		if r := e.rpc("ping", nil); r["status"] != "success" {
			t.Fatalf("result %v", r)
		}
	})
}

func TestServerMethods(t *testing.T) {
	e := newEnv(t, func(c *ledger.Config) { c.ReserveBase, c.ReserveInc = 10_000_000, 2_000_000 })
	h := e.accept()
	info := e.rpc("server_info", nil)["info"].(map[string]any)
	vl := info["validated_ledger"].(map[string]any)
	if vl["reserve_base_xrp"] != json.Number("10") || vl["reserve_inc_xrp"] != json.Number("2") || vl["base_fee_xrp"] != json.Number("0.00001") ||
		num(vl["seq"]) != int64(h.Index) || vl["hash"] != h.Hash.String() {
		t.Fatalf("validated_ledger %v", vl)
	}
	if info["server_state"] != "full" || info["complete_ledgers"] != "1-"+itoa(int64(h.Index)) || !strings.Contains(info["build_version"].(string), ".") {
		t.Fatalf("info %v", info)
	}
	st := e.rpc("server_state", nil)["state"].(map[string]any)["validated_ledger"].(map[string]any)
	if num(st["reserve_base"]) != 10_000_000 || num(st["reserve_inc"]) != 2_000_000 || num(st["base_fee"]) != 10 {
		t.Fatalf("server_state %v", st)
	}
	fee := e.rpc("fee", nil)
	if fee["drops"].(map[string]any)["base_fee"] != "10" || num(fee["ledger_current_index"]) != int64(h.Index+1) {
		t.Fatalf("fee %v", fee)
	}
	if r := e.rpc("ledger_closed", nil); r["ledger_hash"] != h.Hash.String() || num(r["ledger_index"]) != int64(h.Index) {
		t.Fatalf("ledger_closed %v", r)
	}
	if r := e.rpc("ledger_current", nil); num(r["ledger_current_index"]) != int64(h.Index+1) {
		t.Fatalf("ledger_current %v", r)
	}
	if r := e.rpc("ledger_accept", nil); num(r["ledger_current_index"]) != int64(h.Index+2) {
		t.Fatalf("ledger_accept %v", r)
	}
	// The reserve is enforced with the configured values.
	bob := newWallet(t, false)
	res, _ := e.payAndResult(e.gen, payment(string(bob.ClassicAddress), "9999999"))
	if res != "tecNO_DST_INSUF_XRP" {
		t.Fatalf("below the 10 XRP base reserve: %s", res)
	}
}

func TestLedgerMethod(t *testing.T) {
	e := newEnv(t)
	alice := e.fund("100000000", false)
	r := e.mustSubmit(alice, payment(string(e.gen.ClassicAddress), "1000"), "tesSUCCESS")
	h := e.accept()
	hash := hashOf(r)
	prev := e.rpc("ledger", map[string]any{"ledger_index": h.Index - 1, "api_version": 2})["ledger"].(map[string]any)

	t.Run("OKValidatedV2", func(t *testing.T) {
		res := e.rpc("ledger", map[string]any{"ledger_index": "validated", "transactions": true, "api_version": 2})
		l := res["ledger"].(map[string]any)
		if res["validated"] != true || num(res["ledger_index"]) != int64(h.Index) || num(l["ledger_index"]) != int64(h.Index) ||
			l["ledger_hash"] != h.Hash.String() || l["parent_hash"] != prev["ledger_hash"] || l["closed"] != true ||
			l["account_hash"] != h.AccountHash.String() || l["transaction_hash"] != h.TransactionHash.String() ||
			l["total_coins"] != itoa(h.TotalDrops) || num(l["close_time"]) <= num(l["parent_close_time"]) || num(l["close_time_resolution"]) != 10 {
			t.Fatalf("ledger %v", res)
		}
		txs := l["transactions"].([]any)
		if len(txs) != 1 || txs[0] != hash {
			t.Fatalf("transactions %v", txs)
		}
	})
	t.Run("OKExpandV2", func(t *testing.T) {
		l := e.rpc("ledger", map[string]any{"ledger_hash": h.Hash.String(), "transactions": true, "expand": true, "api_version": 2})["ledger"].(map[string]any)
		tx := l["transactions"].([]any)[0].(map[string]any)
		if tx["hash"] != hash || tx["tx_json"].(map[string]any)["DeliverMax"] != "1000" || tx["meta"].(map[string]any)["TransactionResult"] != "tesSUCCESS" {
			t.Fatalf("expanded %v", tx)
		}
		if _, ok := tx["tx_json"].(map[string]any)["Amount"]; ok {
			t.Fatal("API v2 replaces Amount with DeliverMax")
		}
	})
	t.Run("OKV1StringIndex", func(t *testing.T) {
		l := e.rpc("ledger", map[string]any{"ledger_index": h.Index})["ledger"].(map[string]any)
		if l["ledger_index"] != itoa(int64(h.Index)) {
			t.Fatalf("API v1 ledger_index %v", l["ledger_index"])
		}
	})
	t.Run("OKBinary", func(t *testing.T) {
		l := e.rpc("ledger", map[string]any{"ledger_index": "validated", "binary": true, "transactions": true, "expand": true, "api_version": 2})["ledger"].(map[string]any)
		d, err := binarycodec.DecodeLedgerData(l["ledger_data"].(string))
		if err != nil || d.LedgerIndex != h.Index || d.AccountHash != h.AccountHash.String() {
			t.Fatalf("ledger_data %v %v", d, err)
		}
		tx := l["transactions"].([]any)[0].(map[string]any)
		meta, err := binarycodec.Decode(tx["meta_blob"].(string))
		if err != nil || meta["TransactionResult"] != "tesSUCCESS" {
			t.Fatalf("meta_blob %v %v", meta, err)
		}
	})
	t.Run("OKCurrent", func(t *testing.T) {
		res := e.rpc("ledger", map[string]any{"ledger_index": "current", "api_version": 2})
		if res["validated"] != false || num(res["ledger_current_index"]) != int64(h.Index+1) || res["ledger"].(map[string]any)["closed"] != false {
			t.Fatalf("current %v", res)
		}
	})
	for _, tc := range []struct {
		name   string
		params map[string]any
		err    string
	}{
		{"ErrFuture", map[string]any{"ledger_index": h.Index + 5}, "lgrNotFound"},
		{"ErrUnknownHash", map[string]any{"ledger_hash": strings.Repeat("0", 64)}, "lgrNotFound"},
		{"ErrBadHash", map[string]any{"ledger_hash": "xyz"}, "invalidParams"},
		{"ErrBadIndex", map[string]any{"ledger_index": "yesterday"}, "invalidParams"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r := e.rpc("ledger", tc.params); r["error"] != tc.err {
				t.Fatalf("result %v", r)
			}
		})
	}
}

func TestTxMethod(t *testing.T) {
	e := newEnv(t)
	alice := e.fund("100000000", false)
	r := e.mustSubmit(alice, payment(string(e.gen.ClassicAddress), "1000"), "tesSUCCESS")
	hash := hashOf(r)
	t.Run("OKPending", func(t *testing.T) {
		p := e.rpc("tx", map[string]any{"transaction": strings.ToLower(hash), "api_version": 2})
		if p["validated"] != false || p["hash"] != hash || p["meta"] != nil {
			t.Fatalf("pending %v", p)
		}
	})
	h := e.accept()
	t.Run("OKValidatedV2", func(t *testing.T) {
		v := e.rpc("tx", map[string]any{"transaction": hash, "api_version": 2})
		tj := v["tx_json"].(map[string]any)
		if v["validated"] != true || num(v["ledger_index"]) != int64(h.Index) || v["ledger_hash"] != h.Hash.String() ||
			v["close_time_iso"] == nil || num(tj["date"]) != int64(h.CloseTime) || tj["hash"] != nil || v["ctid"] == nil {
			t.Fatalf("tx %v", v)
		}
		meta := v["meta"].(map[string]any)
		if num(meta["TransactionIndex"]) != 0 || meta["delivered_amount"] != "1000" {
			t.Fatalf("meta %v", meta)
		}
	})
	t.Run("OKV1", func(t *testing.T) {
		v := e.rpc("tx", map[string]any{"transaction": hash})
		if v["hash"] != hash || v["Amount"] != "1000" || v["DeliverMax"] != "1000" || v["meta"] == nil || v["validated"] != true {
			t.Fatalf("tx v1 %v", v)
		}
	})
	t.Run("OKBinary", func(t *testing.T) {
		v := e.rpc("tx", map[string]any{"transaction": hash, "binary": true, "api_version": 2})
		if _, err := binarycodec.Decode(v["tx_blob"].(string)); err != nil || v["meta_blob"] == nil {
			t.Fatalf("binary %v", v)
		}
	})
	for _, tc := range []struct {
		name   string
		params map[string]any
		err    string
	}{
		{"ErrNotFound", map[string]any{"transaction": strings.Repeat("A", 64)}, "txnNotFound"},
		{"ErrMalformed", map[string]any{"transaction": "1234"}, "notImpl"},
		{"ErrMissing", map[string]any{}, "invalidParams"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r := e.rpc("tx", tc.params); r["error"] != tc.err {
				t.Fatalf("result %v", r)
			}
		})
	}
	t.Run("ErrNotFoundSearchedAll", func(t *testing.T) {
		r := e.rpc("tx", map[string]any{"transaction": strings.Repeat("B", 64), "min_ledger": 1, "max_ledger": h.Index})
		if r["error"] != "txnNotFound" || r["searched_all"] != true {
			t.Fatalf("result %v", r)
		}
	})
}

func TestSubmitResponseShape(t *testing.T) {
	e := newEnv(t)
	alice := e.fund("100000000", false)
	r := e.mustSubmit(alice, payment(string(e.gen.ClassicAddress), "1000"), "tesSUCCESS")
	for _, k := range []string{"accepted", "applied", "broadcast", "kept"} {
		if r[k] != true {
			t.Fatalf("%s = %v", k, r[k])
		}
	}
	if r["queued"] != false || num(r["engine_result_code"]) != 0 || r["engine_result_message"] != "The transaction was applied. Only final in a validated ledger." ||
		r["open_ledger_cost"] != "10" || num(r["validated_ledger_index"]) != int64(e.l.Validated().Index) ||
		num(r["account_sequence_next"]) != num(r["account_sequence_available"]) || r["tx_blob"] == nil {
		t.Fatalf("submit %v", r)
	}
	if r := e.rpc("submit", map[string]any{"tx_json": map[string]any{}, "secret": "s"}); r["error"] != "notSupported" {
		t.Fatalf("sign-and-submit %v", r)
	}
	if r := e.rpc("submit", map[string]any{}); r["error"] != "invalidParams" {
		t.Fatalf("no blob %v", r)
	}
	var _ = bytes.MinRead
}
