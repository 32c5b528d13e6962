package ledger_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

type wsClient struct {
	t *testing.T
	c *websocket.Conn
}

func (e *env) dialWS() *wsClient {
	e.t.Helper()
	c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(e.srv.URL, "http")+"/", nil)
	if err != nil {
		e.t.Fatalf("dial: %v", err)
	}
	e.t.Cleanup(func() { c.Close() })
	return &wsClient{t: e.t, c: c}
}

func (w *wsClient) send(v any) {
	w.t.Helper()
	var b []byte
	if s, ok := v.(string); ok {
		b = []byte(s)
	} else {
		b, _ = json.Marshal(v)
	}
	if err := w.c.WriteMessage(websocket.TextMessage, b); err != nil {
		w.t.Fatal(err)
	}
}

func (w *wsClient) read() map[string]any {
	w.t.Helper()
	w.c.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, b, err := w.c.ReadMessage()
	if err != nil {
		w.t.Fatalf("read: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		w.t.Fatalf("decode %s: %v", b, err)
	}
	return m
}

// readType reads until a message of the given type arrives.
func (w *wsClient) readType(typ string) map[string]any {
	w.t.Helper()
	for i := 0; i < 50; i++ {
		if m := w.read(); m["type"] == typ {
			return m
		}
	}
	w.t.Fatalf("no %s message", typ)
	return nil
}

func TestWebSocketRequests(t *testing.T) {
	e := newEnv(t)
	ws := e.dialWS()
	t.Run("OKServerInfo", func(t *testing.T) {
		ws.send(map[string]any{"id": 0, "command": "server_info", "api_version": 2, "BaseRequest": map[string]any{}})
		r := ws.read()
		if r["type"] != "response" || r["status"] != "success" || num(r["id"]) != 0 || num(r["api_version"]) != 2 {
			t.Fatalf("frame %v", r)
		}
		if _, ok := r["result"].(map[string]any)["info"]; !ok {
			t.Fatalf("result %v", r["result"])
		}
	})
	t.Run("OKPing", func(t *testing.T) {
		ws.send(map[string]any{"id": "p1", "command": "ping"})
		if r := ws.read(); r["id"] != "p1" || r["status"] != "success" {
			t.Fatalf("ping %v", r)
		}
	})
	t.Run("ErrUnknownCommand", func(t *testing.T) {
		ws.send(map[string]any{"id": 7, "command": "no_such_method", "api_version": 2})
		r := ws.read()
		if r["error"] != "unknownCmd" || num(r["error_code"]) != 32 || r["status"] != "error" || r["type"] != "response" || num(r["id"]) != 7 {
			t.Fatalf("frame %v", r)
		}
		if rq := r["request"].(map[string]any); rq["command"] != "no_such_method" {
			t.Fatalf("request echo %v", rq)
		}
	})
	t.Run("ErrTxNotFound", func(t *testing.T) {
		ws.send(map[string]any{"id": 8, "command": "tx", "transaction": strings.Repeat("AB", 32), "api_version": 2})
		if r := ws.read(); r["error"] != "txnNotFound" || num(r["error_code"]) != 29 {
			t.Fatalf("frame %v", r)
		}
	})
	t.Run("ErrMissingCommand", func(t *testing.T) {
		ws.send(map[string]any{"id": 9})
		if r := ws.read(); r["error"] != "missingCommand" || r["status"] != "error" {
			t.Fatalf("frame %v", r)
		}
	})
	t.Run("ErrBadAPIVersion", func(t *testing.T) {
		ws.send(map[string]any{"id": 10, "command": "ping", "api_version": 9})
		if r := ws.read(); r["error"] != "invalid_API_version" {
			t.Fatalf("frame %v", r)
		}
	})
	t.Run("ErrMalformedJSON", func(t *testing.T) {
		ws.send("{not json")
		if r := ws.read(); r["error"] != "jsonInvalid" || r["type"] != "error" {
			t.Fatalf("frame %v", r)
		}
	})
	t.Run("OKStillServing", func(t *testing.T) {
		ws.send(map[string]any{"id": 11, "command": "ledger_current"})
		if r := ws.read(); r["status"] != "success" {
			t.Fatalf("frame %v", r)
		}
	})
}

func TestWebSocketSubscriptions(t *testing.T) {
	e := newEnv(t)
	alice := e.fund("100000000", false)
	bob := e.fund("100000000", false)
	carol := newWallet(t, false)

	all := e.dialWS()
	all.send(map[string]any{"id": 1, "command": "subscribe", "streams": []string{"ledger", "transactions"}, "api_version": 2})
	r := all.read()
	res, _ := r["result"].(map[string]any)
	if r["status"] != "success" || num(res["ledger_index"]) != int64(e.l.Validated().Index) || num(res["fee_base"]) != 10 {
		t.Fatalf("subscribe %v", r)
	}
	mine := e.dialWS()
	mine.send(map[string]any{"id": 2, "command": "subscribe", "accounts": []string{string(carol.ClassicAddress)}})
	if r := mine.read(); r["status"] != "success" {
		t.Fatalf("subscribe accounts %v", r)
	}

	other := e.mustSubmit(alice, payment(string(bob.ClassicAddress), "1000000"), "tesSUCCESS")
	toCarol := e.mustSubmit(alice, payment(string(carol.ClassicAddress), "20000000"), "tesSUCCESS")
	h := e.accept()

	lc := all.readType("ledgerClosed")
	if num(lc["ledger_index"]) != int64(h.Index) || lc["ledger_hash"] != h.Hash.String() || num(lc["txn_count"]) != 2 {
		t.Fatalf("ledgerClosed %v, want %+v", lc, h)
	}
	seen := map[string]bool{}
	for i := 0; i < 2; i++ {
		m := all.readType("transaction")
		if m["validated"] != true || m["engine_result"] != "tesSUCCESS" || m["ledger_hash"] != h.Hash.String() {
			t.Fatalf("transaction %v", m)
		}
		if _, ok := m["tx_json"]; !ok {
			t.Fatalf("API v2 stream message lacks tx_json: %v", m)
		}
		seen[m["hash"].(string)] = true
	}
	if !seen[hashOf(other)] || !seen[hashOf(toCarol)] {
		t.Fatalf("stream hashes %v", seen)
	}
	m := mine.read()
	if m["type"] != "transaction" || m["transaction"] == nil {
		t.Fatalf("API v1 account stream message %v", m)
	}
	if got := m["transaction"].(map[string]any)["hash"]; got != hashOf(toCarol) {
		t.Fatalf("account stream delivered %v, want only carol's payment", got)
	}

	mine.send(map[string]any{"id": 3, "command": "unsubscribe", "accounts": []string{string(carol.ClassicAddress)}})
	if r := mine.read(); r["status"] != "success" {
		t.Fatalf("unsubscribe %v", r)
	}
	t.Run("ErrMalformedStream", func(t *testing.T) {
		all.send(map[string]any{"id": 4, "command": "subscribe", "streams": []string{"nope"}})
		if r := all.readType("response"); r["error"] != "malformedStream" {
			t.Fatalf("frame %v", r)
		}
	})
	t.Run("ErrMalformedAccount", func(t *testing.T) {
		all.send(map[string]any{"id": 5, "command": "subscribe", "accounts": []string{"rNotAnAddress"}})
		if r := all.readType("response"); r["error"] != "actMalformed" {
			t.Fatalf("frame %v", r)
		}
	})
	t.Run("ErrSubscribeOverHTTP", func(t *testing.T) {
		if r := e.rpc("subscribe", map[string]any{"streams": []string{"ledger"}}); r["error"] != "invalidParams" {
			t.Fatalf("result %v", r)
		}
	})
}
