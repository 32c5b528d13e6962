package ledger

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"strconv"
	"strings"
)

// maxRequestSize is rippled's RPC::Tuning::maxRequestSize.
const maxRequestSize = 1_000_000

// API versions this server speaks; unspecified means 1, as in rippled.
const (
	apiVersionMin         = 1
	apiVersionMax         = 2
	apiVersionUnspecified = 1
)

// rpcCall is one request, from JSON-RPC or WebSocket, after transport parsing.
type rpcCall struct {
	method string
	params map[string]any
	api    int
	ws     *wsConn // nil over HTTP
}

type rpcHandler func(l *Ledger, c *rpcCall) map[string]any

// methods is the one dispatcher table both transports use.
func methods() map[string]rpcHandler {
	return map[string]rpcHandler{
		"server_info":      (*Ledger).rpcServerInfo,
		"server_state":     (*Ledger).rpcServerState,
		"fee":              (*Ledger).rpcFee,
		"ping":             (*Ledger).rpcPing,
		"ledger":           (*Ledger).rpcLedger,
		"ledger_current":   (*Ledger).rpcLedgerCurrent,
		"ledger_closed":    (*Ledger).rpcLedgerClosed,
		"ledger_accept":    (*Ledger).rpcLedgerAccept,
		"account_info":     (*Ledger).rpcAccountInfo,
		"account_lines":    (*Ledger).rpcAccountLines,
		"account_objects":  (*Ledger).rpcAccountObjects,
		"account_tx":       (*Ledger).rpcAccountTx,
		"gateway_balances": (*Ledger).rpcGatewayBalances,
		"tx":               (*Ledger).rpcTx,
		"submit":           (*Ledger).rpcSubmit,
		"subscribe":        (*Ledger).rpcSubscribe,
		"unsubscribe":      (*Ledger).rpcUnsubscribe,
	}
}

func (l *Ledger) routes() http.Handler {
	table := methods()
	mux := http.NewServeMux()
	mux.HandleFunc("/accounts", l.serveFaucet)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			l.serveWS(w, r, table)
			return
		}
		if r.Method != http.MethodPost {
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, "<!DOCTYPE html><html><head><title>Test page for rippled</title></head><body><h1>Test</h1><p>This page shows rippled http(s) connectivity is working.</p></body></html>")
			return
		}
		l.serveJSONRPC(w, r, table)
	})
	return mux
}

// decodeJSON parses a request keeping numbers exact.
func decodeJSON(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("trailing data after JSON value")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("request is not a JSON object")
	}
	return m, nil
}

func httpReply(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// serveJSONRPC follows ServerHandler::processRequest.
func (l *Ledger) serveJSONRPC(w http.ResponseWriter, r *http.Request, table map[string]rpcHandler) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestSize+1))
	if err != nil || len(body) > maxRequestSize {
		httpReply(w, http.StatusBadRequest, "Unable to parse request: request too large or unreadable")
		return
	}
	req, err := decodeJSON(body)
	if err != nil {
		httpReply(w, http.StatusBadRequest, "Unable to parse request: "+err.Error())
		return
	}
	var params map[string]any
	switch p := req["params"].(type) {
	case nil:
		params = map[string]any{}
	case []any:
		if len(p) != 1 {
			httpReply(w, http.StatusBadRequest, "params unparsable")
			return
		}
		switch q := p[0].(type) {
		case map[string]any:
			params = q
		case nil:
			params = map[string]any{}
		default:
			httpReply(w, http.StatusBadRequest, "params unparsable")
			return
		}
	default:
		httpReply(w, http.StatusBadRequest, "params unparsable")
		return
	}
	api, ok := apiVersionOf(params)
	if !ok {
		httpReply(w, http.StatusBadRequest, "invalid_API_version")
		return
	}
	m, present := req["method"]
	if !present || m == nil {
		httpReply(w, http.StatusBadRequest, "Null method")
		return
	}
	method, isStr := m.(string)
	if !isStr {
		httpReply(w, http.StatusBadRequest, "method is not string")
		return
	}
	if method == "" {
		httpReply(w, http.StatusBadRequest, "method is empty")
		return
	}
	params["command"] = method
	result := l.dispatch(table, &rpcCall{method: method, params: params, api: api})
	if _, isErr := result["error"]; isErr {
		result["status"] = "error"
		result["request"] = maskRequest(params)
	} else {
		result["status"] = "success"
	}
	reply := map[string]any{"result": result}
	for _, k := range []string{"jsonrpc", "ripplerpc", "id"} {
		if v, ok := params[k]; ok {
			reply[k] = v
		}
	}
	writeJSON(w, reply)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// maskRequest hides secrets in the request echoed with an error.
func maskRequest(params map[string]any) map[string]any {
	rq := maps.Clone(params)
	for _, k := range []string{"passphrase", "secret", "seed", "seed_hex"} {
		if _, ok := rq[k]; ok {
			rq[k] = "<masked>"
		}
	}
	return rq
}

// apiVersionOf reads api_version; a missing one means 1.
func apiVersionOf(params map[string]any) (int, bool) {
	v, ok := params["api_version"]
	if !ok {
		return apiVersionUnspecified, true
	}
	n, ok := asUint(v)
	if !ok || n < apiVersionMin || n > apiVersionMax {
		return 0, false
	}
	return int(n), true
}

// dispatch runs a method, turning panics into rippled's internal error.
func (l *Ledger) dispatch(table map[string]rpcHandler, c *rpcCall) (result map[string]any) {
	h, ok := table[c.method]
	if !ok {
		return rpcErr("unknownCmd")
	}
	defer func() {
		if r := recover(); r != nil {
			l.log.Error("rpc handler panic", "method", c.method, "panic", r)
			result = rpcErr("internal")
		}
	}()
	return h(l, c)
}

// asUint reads a JSON number (or numeric string where rippled accepts one) as uint32.
func asUint(v any) (uint32, bool) {
	switch x := v.(type) {
	case json.Number:
		n, err := strconv.ParseUint(x.String(), 10, 32)
		return uint32(n), err == nil
	case float64:
		if x < 0 || x > math.MaxUint32 || x != math.Trunc(x) {
			return 0, false
		}
		return uint32(x), true
	case int:
		if x < 0 || int64(x) > math.MaxUint32 {
			return 0, false
		}
		return uint32(x), true
	case uint32:
		return x, true
	}
	return 0, false
}

func asInt(v any) (int64, bool) {
	switch x := v.(type) {
	case json.Number:
		n, err := strconv.ParseInt(x.String(), 10, 64)
		return n, err == nil
	case float64:
		if x != math.Trunc(x) {
			return 0, false
		}
		return int64(x), true
	case int:
		return int64(x), true
	}
	return 0, false
}

// dropsToXRP renders drops as a JSON number of XRP (server_info's *_xrp fields).
func dropsToXRP(d int64) json.Number {
	s := strconv.FormatInt(d/1_000_000, 10)
	if frac := d % 1_000_000; frac != 0 {
		f := strings.TrimRight(fmt.Sprintf("%06d", frac), "0")
		s += "." + f
	}
	return json.Number(s)
}
