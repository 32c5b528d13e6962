package xrpl

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"sync"

	"github.com/Peersyst/xrpl-go/xrpl/rpc"
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
	do(ctx context.Context, req request) (map[string]any, error)
	close() error
}

// rpcTokenPattern matches rippled error tokens ("actNotFound"). xrpl-go's JSON-RPC
// client reports both those tokens and raw non-200 bodies as *rpc.ClientError; only a
// bare token is an answer from the API, anything else is a broken exchange.
var rpcTokenPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z_]*$`)

// rpcTransport is JSON-RPC over HTTP through xrpl-go's rpc client.
type rpcTransport struct {
	url    string
	client *rpc.Client
}

func (t *rpcTransport) do(ctx context.Context, req request) (map[string]any, error) {
	res, err := withContext(ctx, func() (rpc.XRPLResponse, error) { return t.client.Request(req) })
	if err != nil {
		var ce *rpc.ClientError
		if errors.As(err, &ce) && rpcTokenPattern.MatchString(ce.ErrorString) {
			return nil, newRPCError(req.Method(), ce.ErrorString)
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if isDecodeError(err) {
			return nil, malformed(t.url, req.Method(), err)
		}
		return nil, unreachable(t.url, req.Method(), err)
	}
	r, ok := res.(*rpc.Response)
	if !ok || r.Result == nil {
		return nil, malformed(t.url, req.Method(), errors.New(`no "result" object`))
	}
	return map[string]any(r.Result), nil
}

func (t *rpcTransport) close() error { return nil }

// isDecodeError reports an answer that arrived but is not the JSON the API promises.
func isDecodeError(err error) bool {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	return errors.As(err, &se) || errors.As(err, &te) ||
		errors.Is(err, rpc.ErrResponseErrorFieldIsNotAString) || errors.Is(err, rpc.ErrResponseTooLarge)
}

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

func (t *wsTransport) do(ctx context.Context, req request) (map[string]any, error) {
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
	return res.Result, nil
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
