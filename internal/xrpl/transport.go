package xrpl

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/Peersyst/xrpl-go/xrpl/websocket"
)

// request is what both xrpl-go clients accept: every query type of the library
// (and ledgerAcceptRequest) satisfies it.
type request interface {
	Method() string
	Validate() error
	APIVersion() int
	SetAPIVersion(int)
}

// transport sends one request and returns the raw "result" object. It never
// retries; Client decides what is safe to retry.
type transport interface {
	do(ctx context.Context, req request) (json.RawMessage, error)
	close() error
}

// rpcTokenPattern matches rippled error tokens ("actNotFound"). An HTTP answer
// whose error is a bare token is an answer from the API; anything else (a proxy's
// page, a non-200 body) is a broken exchange.
var rpcTokenPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z_]*$`)

// maxResponseSize bounds one JSON-RPC answer, as xrpl-go's client does.
const maxResponseSize = 64 << 20

// rpcTransport is JSON-RPC over HTTP. It speaks the protocol itself, as
// xrpl-go's rpc client does (one POST of {"method", "params": [request]}),
// but hands the "result" object on as raw JSON: the library decoded every
// answer into maps that were then encoded again to be read into typed
// structs, which cost more than the node's own work on big answers.
type rpcTransport struct {
	url  string
	raw  string // the URL as given, with a trailing slash as xrpl-go sends it
	http *http.Client
}

func (t *rpcTransport) do(ctx context.Context, req request) (json.RawMessage, error) {
	if err := req.Validate(); err != nil {
		return nil, unreachable(t.url, req.Method(), err)
	}
	req.SetAPIVersion(req.APIVersion())
	params, err := json.Marshal([1]any{req})
	if err != nil {
		return nil, unreachable(t.url, req.Method(), err)
	}
	body := []byte(`{"method":` + strconv.Quote(req.Method()))
	if string(params) != "[{}]" {
		body = append(append(body, `,"params":`...), params...)
	}
	body = append(body, '}')
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, t.raw, bytes.NewReader(body))
	if err != nil {
		return nil, unreachable(t.url, req.Method(), err)
	}
	hreq.Header.Set("Content-Type", "application/json")
	resp, err := t.http.Do(hreq)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, unreachable(t.url, req.Method(), err)
	}
	defer resp.Body.Close()
	b, err := readBody(resp, maxResponseSize)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, unreachable(t.url, req.Method(), err)
	}
	if len(b) > maxResponseSize {
		return nil, malformed(t.url, req.Method(), fmt.Errorf("answer larger than %d bytes", maxResponseSize))
	}
	if resp.StatusCode != http.StatusOK {
		if s := strings.TrimSpace(string(b)); rpcTokenPattern.MatchString(s) {
			return nil, newRPCError(req.Method(), s)
		}
		return nil, unreachable(t.url, req.Method(), fmt.Errorf("HTTP %d: %s", resp.StatusCode, clipBody(b)))
	}
	var env struct {
		Result json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		return nil, malformed(t.url, req.Method(), err)
	}
	if len(env.Result) == 0 || env.Result[0] != '{' {
		return nil, malformed(t.url, req.Method(), errors.New(`no "result" object`))
	}
	// Big answers (a ledger with its transactions) carry no error: only look
	// for the field when its name is there at all.
	var e struct {
		Error json.RawMessage `json:"error"`
	}
	if bytes.Contains(env.Result, []byte(`"error"`)) {
		if err := json.Unmarshal(env.Result, &e); err != nil {
			return nil, malformed(t.url, req.Method(), err)
		}
	}
	if len(e.Error) > 0 {
		var token string
		if err := json.Unmarshal(e.Error, &token); err != nil {
			return nil, malformed(t.url, req.Method(), fmt.Errorf("result.error is not a string: %s", clipBody(e.Error)))
		}
		if rpcTokenPattern.MatchString(token) {
			return nil, newRPCError(req.Method(), token)
		}
		return nil, unreachable(t.url, req.Method(), fmt.Errorf("error %q", token))
	}
	return env.Result, nil
}

func (t *rpcTransport) close() error { return nil }

// wsTransport is the WebSocket API through xrpl-go's websocket client. The library
// reconnects by itself a few times; when it has given up, the next request dials again.
type wsTransport struct {
	url    string
	mu     sync.Mutex // serialises Connect and Disconnect, as the library requires
	closed bool
	client *websocket.Client
}

// errClosed answers requests on a Client that was closed.
var errClosed = errors.New("client closed")

func (t *wsTransport) connect() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return errClosed
	}
	if t.client.IsConnected() {
		return nil
	}
	if err := t.client.Connect(); err != nil && !errors.Is(err, websocket.ErrAlreadyConnected) {
		return err
	}
	return nil
}

// readBody reads an answer's body, at most limit+1 bytes, into one buffer
// sized by Content-Length when the server sent it.
func readBody(resp *http.Response, limit int64) ([]byte, error) {
	if n := resp.ContentLength; n > 0 && n <= limit {
		buf := make([]byte, n)
		if _, err := io.ReadFull(resp.Body, buf); err != nil {
			return nil, err
		}
		return buf, nil
	}
	return io.ReadAll(io.LimitReader(resp.Body, limit+1))
}

func (t *wsTransport) do(ctx context.Context, req request) (json.RawMessage, error) {
	if !t.client.IsConnected() {
		if err := t.connect(); err != nil {
			return nil, unreachable(t.url, req.Method(), err)
		}
	}
	res, err := withContext(ctx, func() (*websocket.ClientResponse, error) { return t.client.Request(req) })
	if err != nil {
		var xe *websocket.ErrorWebsocketClientXrplResponse
		if errors.As(err, &xe) {
			return nil, newRPCError(req.Method(), xe.Type)
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, unreachable(t.url, req.Method(), err)
	}
	if res == nil || res.Result == nil {
		return nil, malformed(t.url, req.Method(), errors.New(`no "result" object`))
	}
	b, err := json.Marshal(res.Result)
	if err != nil {
		return nil, malformed(t.url, req.Method(), err)
	}
	return b, nil
}

func (t *wsTransport) close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.closed = true
	return t.client.Disconnect()
}

// withContext runs a library call that takes no context and returns as soon as ctx
// ends. The call itself is bounded by the library's own per-request timeout, so the
// goroutine left behind on cancellation finishes shortly after.
func withContext[T any](ctx context.Context, call func() (T, error)) (T, error) {
	type outcome struct {
		v   T
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		v, err := call()
		done <- outcome{v, err}
	}()
	select {
	case o := <-done:
		return o.v, o.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}
