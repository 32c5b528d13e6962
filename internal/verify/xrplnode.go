package verify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/gorilla/websocket"
)

// Bounds of the ledger client. Every answer Banx reads is small (a tx with an
// anchor's metadata is a few KiB); the bound only stops a hostile or broken
// node from making the verifier read without end.
const (
	DefaultNodeTimeout     = 10 * time.Second
	MaxLedgerResponseBytes = 1 << 20
)

// XRPLNode speaks rippled's public API to any rippled-compatible node:
// JSON-RPC over http(s), or the WebSocket API over ws(s). It is a separate,
// deliberately small client (three read-only methods, API v2, every answer
// size-bounded), so that verification depends on nothing of Banx's own ledger
// client. It is safe for concurrent use.
type XRPLNode struct {
	url     string
	ws      bool
	http    *http.Client
	timeout time.Duration

	mu     sync.Mutex // serialises WebSocket requests and guards conn
	conn   *websocket.Conn
	nextID uint64
}

var _ Ledger = (*XRPLNode)(nil)

// NewXRPLNode returns a client for the node at rawURL (http, https, ws or wss).
// It does not connect: the first request does. timeout bounds each request; 0
// means DefaultNodeTimeout. A malformed URL is banx.EINVALID.
func NewXRPLNode(rawURL string, timeout time.Duration) (*XRPLNode, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return nil, banx.Errorf(banx.EINVALID, "xrpl node %q is not an absolute URL", clip(rawURL))
	}
	if timeout <= 0 {
		timeout = DefaultNodeTimeout
	}
	n := &XRPLNode{url: u.String(), timeout: timeout}
	switch u.Scheme {
	case "http", "https":
		n.http = &http.Client{Timeout: timeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	case "ws", "wss":
		n.ws = true
	default:
		return nil, banx.Errorf(banx.EINVALID, "xrpl node %q: scheme %q not supported, want http, https, ws or wss", clip(rawURL), u.Scheme)
	}
	return n, nil
}

// URL returns the node's address.
func (n *XRPLNode) URL() string { return n.url }

// Close closes the WebSocket connection, if one is open.
func (n *XRPLNode) Close() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.conn != nil {
		err := n.conn.Close()
		n.conn = nil
		return err
	}
	return nil
}

// NetworkID implements Ledger with server_info.
func (n *XRPLNode) NetworkID(ctx context.Context) (uint32, bool, error) {
	raw, err := n.call(ctx, "server_info", map[string]any{})
	if err != nil {
		return 0, false, err
	}
	var w struct {
		Info *struct {
			NetworkID *uint32 `json:"network_id"`
		} `json:"info"`
	}
	if err := json.Unmarshal(raw, &w); err != nil || w.Info == nil {
		return 0, false, n.malformed("server_info", "no info object")
	}
	if w.Info.NetworkID == nil {
		return 0, false, nil
	}
	return *w.Info.NetworkID, true, nil
}

// Tx implements Ledger with the tx method in binary form, so the verifier gets
// the exact signed bytes and can recompute the hash itself.
func (n *XRPLNode) Tx(ctx context.Context, hash string, ledgerIndex uint32) (LedgerTx, error) {
	params := map[string]any{"transaction": hash, "binary": true}
	if ledgerIndex != 0 {
		params["min_ledger"], params["max_ledger"] = ledgerIndex, ledgerIndex
	}
	raw, err := n.call(ctx, "tx", params)
	if err != nil {
		return LedgerTx{}, err
	}
	t, err := parseTx(raw)
	if err != nil {
		return LedgerTx{}, n.malformed("tx", err.Error())
	}
	if t.Validated && t.CloseTime.IsZero() {
		if t.CloseTime, err = n.closeTime(ctx, t.LedgerIndex); err != nil {
			return LedgerTx{}, err
		}
	}
	return t, nil
}

// closeTime reads a ledger's close time from its header, for nodes whose tx
// answer carries neither close_time_iso nor date.
func (n *XRPLNode) closeTime(ctx context.Context, index uint32) (time.Time, error) {
	raw, err := n.call(ctx, "ledger", map[string]any{"ledger_index": index})
	if err != nil {
		return time.Time{}, err
	}
	var w struct {
		Ledger *struct {
			CloseTime *int64 `json:"close_time"`
		} `json:"ledger"`
	}
	if err := json.Unmarshal(raw, &w); err != nil || w.Ledger == nil || w.Ledger.CloseTime == nil {
		return time.Time{}, n.malformed("ledger", "no ledger.close_time")
	}
	return time.Unix(*w.Ledger.CloseTime+rippleEpoch, 0).UTC(), nil
}

// AccountAt implements Ledger with account_info at a ledger index.
func (n *XRPLNode) AccountAt(ctx context.Context, address string, ledgerIndex uint32) (AccountState, error) {
	raw, err := n.call(ctx, "account_info", map[string]any{"account": address, "ledger_index": ledgerIndex})
	if err != nil {
		return AccountState{}, err
	}
	var w struct {
		AccountData *struct {
			Account    string  `json:"Account"`
			Flags      *uint32 `json:"Flags"`
			RegularKey string  `json:"RegularKey"`
		} `json:"account_data"`
		LedgerIndex *uint32 `json:"ledger_index"`
		Validated   bool    `json:"validated"`
	}
	if err := json.Unmarshal(raw, &w); err != nil {
		return AccountState{}, n.malformed("account_info", err.Error())
	}
	switch {
	case w.AccountData == nil || w.AccountData.Flags == nil:
		return AccountState{}, n.malformed("account_info", "no account_data.Flags")
	case w.AccountData.Account != address:
		return AccountState{}, n.malformed("account_info", fmt.Sprintf("account_data.Account is %q, not %s", clip(w.AccountData.Account), address))
	case w.LedgerIndex == nil || *w.LedgerIndex != ledgerIndex:
		return AccountState{}, n.malformed("account_info", fmt.Sprintf("the answer is not for ledger %d", ledgerIndex))
	case !w.Validated:
		return AccountState{}, banx.Errorf(banx.EUNAVAILABLE, "account_info: ledger %d is not validated on this node", ledgerIndex)
	}
	return AccountState{Flags: *w.AccountData.Flags, RegularKey: w.AccountData.RegularKey}, nil
}

func (n *XRPLNode) malformed(method, reason string) error {
	return banx.Errorf(banx.EINVALID, "%s: the node at %s gave a malformed answer: %s", method, n.url, reason)
}

// call sends one request and returns its result object, or the node's error
// as a coded error.
func (n *XRPLNode) call(ctx context.Context, method string, params map[string]any) (json.RawMessage, error) {
	params["api_version"] = 2
	ctx, cancel := context.WithTimeout(ctx, n.timeout)
	defer cancel()
	if n.ws {
		return n.callWS(ctx, method, params)
	}
	return n.callHTTP(ctx, method, params)
}

func (n *XRPLNode) callHTTP(ctx context.Context, method string, params map[string]any) (json.RawMessage, error) {
	body, err := json.Marshal(map[string]any{"method": method, "params": []any{params}})
	if err != nil {
		return nil, banx.Wrap(banx.EINTERNAL, err, "%s: encode request", method)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.url, bytes.NewReader(body))
	if err != nil {
		return nil, banx.Wrap(banx.EINVALID, err, "%s: %v", method, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := n.http.Do(req)
	if err != nil {
		return nil, banx.Wrap(banx.EUNAVAILABLE, err, "%s: the node at %s does not answer: %v", method, n.url, unwrapURLError(err))
	}
	defer resp.Body.Close()
	data, err := readLimited(resp.Body, MaxLedgerResponseBytes, method+" answer")
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		code := banx.EINVALID
		if resp.StatusCode >= 500 {
			code = banx.EUNAVAILABLE
		}
		return nil, banx.Errorf(code, "%s: the node at %s answered HTTP %d", method, n.url, resp.StatusCode)
	}
	var w struct {
		Result json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(data, &w); err != nil || len(w.Result) == 0 {
		return nil, n.malformed(method, "not a JSON-RPC answer")
	}
	return resultOrError(method, w.Result)
}

// resultOrError returns result unless it is an error answer.
func resultOrError(method string, result json.RawMessage) (json.RawMessage, error) {
	var e rpcError
	if err := json.Unmarshal(result, &e); err != nil {
		return nil, banx.Errorf(banx.EINVALID, "%s: the result is not a JSON object", method)
	}
	if e.Name != "" {
		return nil, e.asError(method)
	}
	return result, nil
}

func (n *XRPLNode) callWS(ctx context.Context, method string, params map[string]any) (json.RawMessage, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.conn == nil {
		d := websocket.Dialer{HandshakeTimeout: n.timeout}
		conn, resp, err := d.DialContext(ctx, n.url, nil)
		if resp != nil && resp.Body != nil {
			resp.Body.Close()
		}
		if err != nil {
			return nil, banx.Wrap(banx.EUNAVAILABLE, err, "%s: cannot connect to %s: %v", method, n.url, err)
		}
		conn.SetReadLimit(MaxLedgerResponseBytes)
		n.conn = conn
	}
	n.nextID++
	id := n.nextID
	req := map[string]any{"id": id, "command": method}
	for k, v := range params {
		req[k] = v
	}
	deadline, _ := ctx.Deadline()
	n.conn.SetWriteDeadline(deadline)
	n.conn.SetReadDeadline(deadline)
	if err := n.conn.WriteJSON(req); err != nil {
		n.dropConn()
		return nil, banx.Wrap(banx.EUNAVAILABLE, err, "%s: send to %s: %v", method, n.url, err)
	}
	// Skip frames that are not the answer (stream messages, late answers of
	// an earlier request cut off by its deadline). Each frame is bounded by
	// the read limit and all of them by the deadline.
	for {
		_, data, err := n.conn.ReadMessage()
		if err != nil {
			n.dropConn()
			if errors.Is(err, websocket.ErrReadLimit) {
				return nil, banx.Errorf(banx.ETOOLARGE, "%s: the node's answer is larger than %d bytes", method, MaxLedgerResponseBytes)
			}
			return nil, banx.Wrap(banx.EUNAVAILABLE, err, "%s: read from %s: %v", method, n.url, err)
		}
		var frame struct {
			ID     *uint64         `json:"id"`
			Type   string          `json:"type"`
			Status string          `json:"status"`
			Result json.RawMessage `json:"result"`
			rpcError
		}
		if err := json.Unmarshal(data, &frame); err != nil {
			return nil, n.malformed(method, "a frame is not a JSON object")
		}
		if frame.ID == nil || *frame.ID != id {
			continue
		}
		if frame.Status == "error" || frame.Name != "" {
			return nil, frame.rpcError.asError(method)
		}
		if len(frame.Result) == 0 {
			return nil, n.malformed(method, "no result")
		}
		return resultOrError(method, frame.Result)
	}
}

// dropConn forgets a broken connection; the next request dials again.
func (n *XRPLNode) dropConn() {
	if n.conn != nil {
		n.conn.Close()
		n.conn = nil
	}
}

// readLimited reads at most max bytes of r, and fails with ETOOLARGE when
// there is more: a truncated answer would be misread.
func readLimited(r io.Reader, max int64, what string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, banx.Wrap(banx.EUNAVAILABLE, err, "read %s: %v", what, unwrapURLError(err))
	}
	if int64(len(data)) > max {
		return nil, banx.Errorf(banx.ETOOLARGE, "%s is larger than %d bytes", what, max)
	}
	return data, nil
}

// unwrapURLError drops net/http's "Post \"url\": " prefix, which repeats the
// URL the message already names.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if strings.Contains(ue.Err.Error(), "deadline exceeded") || ue.Timeout() {
			return errors.New("timed out")
		}
		return ue.Err
	}
	return err
}
