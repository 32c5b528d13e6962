// Package xrpl is Banx's client for the XRP Ledger. It wraps the JSON-RPC and
// WebSocket clients of github.com/Peersyst/xrpl-go with the small, typed surface the
// publishing and payout code needs: autofill from live server state, signing,
// submission with rippled's finality rules (a result is final only in a validated
// ledger, or once a validated ledger is past LastLedgerSequence), strictly validated
// reads, and typed errors that map onto banx error codes.
//
// It speaks rippled's public API, so it works the same against a rippled node and
// against Banx's embedded standalone ledger; WithAutoAccept lets it close ledgers
// itself while waiting when the ledger is standalone.
package xrpl

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/Peersyst/xrpl-go/xrpl/rpc"
	"github.com/Peersyst/xrpl-go/xrpl/websocket"

	"github.com/banxmedia/banx/internal/banx"
)

// Defaults. LastLedgerSequence = validated + 20 gives a transaction about a minute on
// the live networks and matches xrpl.js and xrpl-go; the docs advise at least 4.
const (
	DefaultLedgerOffset = 20
	MinLedgerOffset     = 4
	DefaultTimeout      = 10 * time.Second
	DefaultPollInterval = time.Second
	DefaultMaxFee       = 2_000_000 // drops (2 XRP), the libraries' default cap
	defaultReadRetries  = 3
)

// Option configures a Client at Dial.
type Option func(*options)

type options struct {
	httpClient    *http.Client
	timeout       time.Duration
	ledgerOffset  uint32
	pollInterval  time.Duration
	autoAccept    bool
	maxFee        uint64
	readRetries   int
	linesPageSize int
	logger        *slog.Logger
	onError       func(method string, err error) // see WithErrorHook
}

// WithHTTPClient shares an *http.Client (and its connection pool) between clients.
// Its Timeout bounds each request; when it has none, the Dial timeout is used on a copy.
func WithHTTPClient(hc *http.Client) Option { return func(o *options) { o.httpClient = hc } }

// WithTimeout bounds each request to the node (default 10s).
func WithTimeout(d time.Duration) Option { return func(o *options) { o.timeout = d } }

// WithLedgerOffset sets how many ledgers past the last validated one a transaction
// may wait (LastLedgerSequence = validated + n). Dial refuses n < 4.
func WithLedgerOffset(n uint32) Option { return func(o *options) { o.ledgerOffset = n } }

// WithPollInterval sets how often Wait looks for the transaction (default 1s).
func WithPollInterval(d time.Duration) Option { return func(o *options) { o.pollInterval = d } }

// WithAutoAccept makes Wait close the open ledger itself (ledger_accept) instead of
// sleeping. Only for a standalone ledger, where nothing closes otherwise: tests and dev.
func WithAutoAccept() Option { return func(o *options) { o.autoAccept = true } }

// WithMaxFee caps the autofilled fee, in drops (default 2 XRP). A fee the load would
// push higher is capped, and the transaction may then wait in the queue.
func WithMaxFee(drops uint64) Option { return func(o *options) { o.maxFee = drops } }

// WithLogger receives debug records about resubmissions and retries.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// Client talks to one XRP Ledger node. It is safe for concurrent use.
type Client struct {
	url  string // redacted, for messages
	t    transport
	opts options

	mu       sync.Mutex
	info     ServerInfo             // learned at Dial, refreshed by every ServerInfo call
	accounts map[string]*sync.Mutex // per-account submission locks
}

// Dial connects to the node at rawURL: http(s):// uses JSON-RPC, ws(s):// the
// WebSocket API. It sends server_info once to learn the network id, fees and reserves.
// An unreachable node is banx.EUNAVAILABLE; a malformed URL or option is banx.EINVALID.
func Dial(ctx context.Context, rawURL string, opts ...Option) (*Client, error) {
	o := options{
		timeout:       DefaultTimeout,
		ledgerOffset:  DefaultLedgerOffset,
		pollInterval:  DefaultPollInterval,
		maxFee:        DefaultMaxFee,
		readRetries:   defaultReadRetries,
		linesPageSize: defaultLinesPageSize,
	}
	for _, opt := range opts {
		opt(&o)
	}
	if o.logger == nil {
		o.logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.timeout <= 0 {
		return nil, banx.Errorf(banx.EINVALID, "ledger client timeout must be positive, got %s", o.timeout)
	}
	if o.ledgerOffset < MinLedgerOffset {
		return nil, banx.Errorf(banx.EINVALID, "ledger offset must be at least %d, got %d", MinLedgerOffset, o.ledgerOffset)
	}
	if o.pollInterval <= 0 {
		return nil, banx.Errorf(banx.EINVALID, "poll interval must be positive, got %s", o.pollInterval)
	}
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return nil, banx.Errorf(banx.EINVALID, "ledger URL %q is not an absolute URL", rawURL)
	}
	c := &Client{url: u.Redacted(), opts: o}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		hc := o.httpClient
		if hc == nil {
			hc = newHTTPClient(o.timeout)
		} else if hc.Timeout == 0 {
			cp := *hc
			cp.Timeout = o.timeout
			hc = &cp
		}
		// xrpl-go's configuration checks the URL (and refuses credentials it
		// would send in the clear); requests then go through rpcTransport.
		cfg, err := rpc.NewClientConfig(rawURL, rpc.WithHTTPClient(hc))
		if err != nil {
			return nil, banx.Wrap(banx.EINVALID, err, "ledger URL %s", c.url)
		}
		c.t = &rpcTransport{url: c.url, raw: cfg.URL, http: hc}
	case "ws", "wss":
		cfg := websocket.NewClientConfig().WithHost(rawURL).WithTimeout(o.timeout)
		ws := &wsTransport{url: c.url, client: websocket.NewClient(cfg)}
		if _, err := withContext(ctx, func() (struct{}, error) { return struct{}{}, ws.connect() }); err != nil {
			if ctx.Err() != nil {
				go ws.close()
				return nil, ctx.Err()
			}
			return nil, unreachable(c.url, "connect", err)
		}
		c.t = ws
	default:
		return nil, banx.Errorf(banx.EINVALID, "ledger URL %s: scheme must be http, https, ws or wss", c.url)
	}
	if _, err := c.ServerInfo(ctx); err != nil {
		c.t.close()
		return nil, err
	}
	return c, nil
}

// newHTTPClient returns a client with bounded dial, handshake and total times and a
// connection pool sized for one busy node.
func newHTTPClient(timeout time.Duration) *http.Client {
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: timeout,
		MaxIdleConns:          64,
		MaxIdleConnsPerHost:   64,
		IdleConnTimeout:       90 * time.Second,
	}
	return &http.Client{Transport: tr, Timeout: timeout}
}

// Close releases the connection. The Client must not be used afterwards.
func (c *Client) Close() error { return c.t.close() }

// URL returns the node's URL with any password redacted.
func (c *Client) URL() string { return c.url }

// Info returns the server state learned at Dial or by the latest ServerInfo call.
func (c *Client) Info() ServerInfo {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.info
}

// call sends req and decodes its result into out. Read-only requests (retry=true)
// are retried on transport failures; nothing is retried on an answer.
func (c *Client) call(ctx context.Context, req request, out any, retry bool) error {
	attempts := 1
	if retry {
		attempts += c.opts.readRetries
	}
	var err error
	var res json.RawMessage
	for i := range attempts {
		if i > 0 {
			delay := time.Duration(100<<(i-1)) * time.Millisecond
			c.opts.logger.Debug("retrying ledger request", "method", req.Method(), "attempt", i+1, "err", err)
			if werr := sleep(ctx, delay); werr != nil {
				return werr
			}
		}
		res, err = c.t.do(ctx, req)
		if err == nil || !isUnavailable(err) {
			break
		}
	}
	if err != nil {
		return c.failed(req.Method(), err)
	}
	if err := decodeResult(res, out); err != nil {
		return c.failed(req.Method(), malformed(c.url, req.Method(), err))
	}
	return nil
}

// decodeResult decodes a result object into a typed wire struct, so a field of
// the wrong JSON type is an error with the field's name instead of a zero value.
func decodeResult(b json.RawMessage, out any) error {
	if raw, ok := out.(*json.RawMessage); ok {
		*raw = b
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return fmt.Errorf("field %q: got JSON %s, want %s", te.Field, te.Value, te.Type)
		}
		return err
	}
	return nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
