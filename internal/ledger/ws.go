package ledger

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// wsSendBuffer bounds the messages queued for one client; a client that falls this
// far behind is disconnected rather than slowing the ledger.
const wsSendBuffer = 1024

// wsConn is one WebSocket client and its subscriptions.
type wsConn struct {
	c    *websocket.Conn
	send chan []byte
	done chan struct{}
	once sync.Once

	mu       sync.Mutex
	streams  map[string]bool
	accounts map[AccountID]bool
	api      int
}

func (w *wsConn) close() { w.once.Do(func() { close(w.done); w.c.Close() }) }

// enqueue queues a message, dropping the client when it cannot keep up.
func (w *wsConn) enqueue(b []byte) {
	select {
	case w.send <- b:
	case <-w.done:
	default:
		w.close()
	}
}

// hub fans ledger events out to subscribed clients.
type hub struct {
	l     *Ledger
	mu    sync.Mutex
	conns map[*wsConn]bool
}

func newHub(l *Ledger) *hub { return &hub{l: l, conns: map[*wsConn]bool{}} }

func (h *hub) add(c *wsConn) {
	h.mu.Lock()
	h.conns[c] = true
	h.mu.Unlock()
}

func (h *hub) remove(c *wsConn) {
	h.mu.Lock()
	delete(h.conns, c)
	h.mu.Unlock()
}

func (h *hub) shutdown() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.conns {
		c.close()
	}
}

// serveWS runs one WebSocket session with rippled's request/response framing.
func (l *Ledger) serveWS(w http.ResponseWriter, r *http.Request, table map[string]rpcHandler) {
	// Any origin may connect, as to rippled's public port.
	upgrader := websocket.Upgrader{ReadBufferSize: 4096, WriteBufferSize: 4096,
		CheckOrigin: func(*http.Request) bool { return true }}
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	conn.SetReadLimit(maxRequestSize)
	c := &wsConn{c: conn, send: make(chan []byte, wsSendBuffer), done: make(chan struct{}),
		streams: map[string]bool{}, accounts: map[AccountID]bool{}, api: apiVersionUnspecified}
	l.hub.add(c)
	defer l.hub.remove(c)
	defer c.close()
	go func() {
		for {
			select {
			case b := <-c.send:
				conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
				if err := conn.WriteMessage(websocket.TextMessage, b); err != nil {
					c.close()
					return
				}
			case <-c.done:
				return
			}
		}
	}()
	for {
		_, msg, err := conn.ReadMessage()
		if err != nil {
			return
		}
		reply := l.wsRequest(c, msg, table)
		b, err := json.Marshal(reply)
		if err != nil {
			continue
		}
		c.enqueue(b)
	}
}

// wsRequest follows ServerHandler::processSession.
func (l *Ledger) wsRequest(c *wsConn, msg []byte, table map[string]rpcHandler) map[string]any {
	jv, err := decodeJSON(msg)
	if err != nil {
		return map[string]any{"type": "error", "error": "jsonInvalid", "value": string(msg)}
	}
	api, okAPI := apiVersionOf(jv)
	cmd, hasCmd := jv["command"]
	meth, hasMeth := jv["method"]
	cmdStr, cmdIsStr := cmd.(string)
	methStr, methIsStr := meth.(string)
	if !okAPI || (!hasCmd && !hasMeth) || (hasCmd && !cmdIsStr) || (hasMeth && !methIsStr) ||
		(hasCmd && hasMeth && cmdStr != methStr) {
		jr := map[string]any{"type": "response", "status": "error", "request": jv}
		if !okAPI {
			jr["error"] = "invalid_API_version"
		} else {
			jr["error"] = "missingCommand"
		}
		copyIDs(jr, jv)
		return jr
	}
	method := cmdStr
	if !hasCmd {
		method = methStr
	}
	result := l.dispatch(table, &rpcCall{method: method, params: jv, api: api, ws: c})
	var jr map[string]any
	if _, isErr := result["error"]; isErr {
		jr = result
		jr["status"] = "error"
		jr["request"] = maskRequest(jv)
	} else {
		jr = map[string]any{"result": result, "status": "success"}
	}
	copyIDs(jr, jv)
	jr["type"] = "response"
	return jr
}

func copyIDs(jr, jv map[string]any) {
	for _, k := range []string{"id", "jsonrpc", "ripplerpc", "api_version"} {
		if v, ok := jv[k]; ok {
			jr[k] = v
		}
	}
}

// knownStreams are rippled's stream names; those this ledger never emits are accepted
// and stay silent.
var knownStreams = map[string]bool{
	"ledger": true, "transactions": true, "transactions_proposed": true, "server": true,
	"validations": true, "manifests": true, "peer_status": true, "consensus": true, "book_changes": true,
}

func (l *Ledger) rpcSubscribe(c *rpcCall) map[string]any   { return l.subscription(c, true) }
func (l *Ledger) rpcUnsubscribe(c *rpcCall) map[string]any { return l.subscription(c, false) }

func (l *Ledger) subscription(c *rpcCall, on bool) map[string]any {
	if c.ws == nil {
		return rpcErr("invalidParams")
	}
	var streams []string
	if v, ok := c.params["streams"]; ok {
		list, isList := v.([]any)
		if !isList {
			return rpcErr("invalidParams")
		}
		for _, s := range list {
			name, _ := s.(string)
			if !knownStreams[name] {
				return rpcErr("malformedStream")
			}
			streams = append(streams, name)
		}
	}
	var accts []AccountID
	for _, field := range []string{"accounts", "accounts_proposed"} {
		v, ok := c.params[field]
		if !ok {
			continue
		}
		list, isList := v.([]any)
		if !isList || len(list) == 0 {
			return rpcErr("actMalformed")
		}
		for _, s := range list {
			str, _ := s.(string)
			a, err := parseAccount(str)
			if err != nil {
				return rpcErr("actMalformed")
			}
			accts = append(accts, a)
		}
	}
	if _, ok := c.params["books"]; ok {
		return rpcErrMsg("notSupported", "Order book subscriptions are not supported by this server.")
	}
	c.ws.mu.Lock()
	c.ws.api = c.api
	for _, s := range streams {
		if s == "transactions_proposed" {
			s = "transactions"
		}
		if on {
			c.ws.streams[s] = true
		} else {
			delete(c.ws.streams, s)
		}
	}
	for _, a := range accts {
		if on {
			c.ws.accounts[a] = true
		} else {
			delete(c.ws.accounts, a)
		}
	}
	c.ws.mu.Unlock()
	res := map[string]any{}
	if on {
		for _, s := range streams {
			if s == "ledger" {
				l.mu.Lock()
				h := l.closed
				res["fee_base"] = l.cfg.BaseFee
				res["fee_ref"] = l.cfg.BaseFee
				res["ledger_hash"] = h.Hash.String()
				res["ledger_index"] = h.Index
				res["ledger_time"] = h.CloseTime
				res["reserve_base"] = l.cfg.ReserveBase
				res["reserve_inc"] = l.cfg.ReserveInc
				res["validated_ledgers"] = l.completeLedgers()
				if l.cfg.NetworkID != 0 {
					res["network_id"] = l.cfg.NetworkID
				}
				l.mu.Unlock()
			}
		}
	}
	return res
}

// publish sends a closed ledger's ledgerClosed and transaction messages.
func (h *hub) publish(ev *closeEvent) {
	h.mu.Lock()
	conns := make([]*wsConn, 0, len(h.conns))
	for c := range h.conns {
		conns = append(conns, c)
	}
	h.mu.Unlock()
	if len(conns) == 0 {
		return
	}
	l := h.l
	l.mu.Lock()
	validated := l.completeLedgers()
	l.mu.Unlock()
	hd := ev.header
	lc := map[string]any{
		"type": "ledgerClosed", "fee_base": l.cfg.BaseFee, "fee_ref": l.cfg.BaseFee,
		"ledger_hash": hd.Hash.String(), "ledger_index": hd.Index, "ledger_time": hd.CloseTime,
		"reserve_base": l.cfg.ReserveBase, "reserve_inc": l.cfg.ReserveInc, "txn_count": hd.TxCount,
		"validated_ledgers": validated,
	}
	if l.cfg.NetworkID != 0 {
		lc["network_id"] = l.cfg.NetworkID
	}
	lcBytes, _ := json.Marshal(lc)
	msgs := map[int][][]byte{}
	render := func(api int) [][]byte {
		if m, ok := msgs[api]; ok {
			return m
		}
		out := make([][]byte, len(ev.txs))
		for i, a := range ev.txs {
			b, _ := json.Marshal(txStreamMessage(a, hd, api))
			out[i] = b
		}
		msgs[api] = out
		return out
	}
	for _, c := range conns {
		c.mu.Lock()
		wantLedger, wantTx, api := c.streams["ledger"], c.streams["transactions"], c.api
		var accts map[AccountID]bool
		if len(c.accounts) > 0 {
			accts = make(map[AccountID]bool, len(c.accounts))
			for a := range c.accounts {
				accts[a] = true
			}
		}
		c.mu.Unlock()
		if wantLedger {
			c.enqueue(lcBytes)
		}
		if !wantTx && accts == nil {
			continue
		}
		rendered := render(api)
		for i, a := range ev.txs {
			send := wantTx
			for _, acct := range a.accounts {
				if accts[acct] {
					send = true
				}
			}
			if send {
				c.enqueue(rendered[i])
			}
		}
	}
}

// txStreamMessage is the "transaction" stream message for a validated transaction.
func txStreamMessage(a *appliedTx, h LedgerHeader, api int) map[string]any {
	m := map[string]any{
		"type":                  "transaction",
		"engine_result":         a.result,
		"engine_result_code":    resultCode(a.result),
		"engine_result_message": engineMessages[a.result],
		"ledger_hash":           h.Hash.String(),
		"ledger_index":          h.Index,
		"meta":                  metaJSON(a.meta, a.tx.fields),
		"status":                "closed",
		"validated":             true,
		"close_time_iso":        closeTimeISO(h.CloseTime),
	}
	tj := txJSON(a.tx.fields, api)
	if api > 1 {
		m["tx_json"] = tj
		m["hash"] = a.tx.id.String()
	} else {
		tj["hash"] = a.tx.id.String()
		tj["date"] = h.CloseTime
		m["transaction"] = tj
	}
	return m
}
