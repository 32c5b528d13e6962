package xrpl

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Consecutive sequence numbers of one account must reach the node in order, or
// every blob after an overtaken one is held (terPRE_SEQ) until the next
// ledger. Submitting them one round trip at a time keeps the order but leaves
// the client and the node waiting for each other; several connections lose
// the order. SubmitInOrder keeps one ordered stream and many requests in
// flight on it: HTTP/1.1 pipelining (RFC 9112 section 9.3: a server answers
// pipelined requests in order, and processes non-idempotent ones in order).

// maxPipelineBody bounds one pipelined answer, as the JSON-RPC client does.
const maxPipelineBody = 10 << 20

// SubmitInOrder submits blobs in order with up to window requests in flight
// on one connection, and returns each blob's answer as Submit would (results[i]
// or errs[i]). onAnswer, when set, is called with i once blob i's answer is in,
// in order. Over WebSocket, through an HTTP proxy, with credentials in the
// URL, or once the pipelined connection fails, the remaining blobs are
// submitted one at a time with Submit: every blob is submitted at least once
// (resubmitting one is always safe: it can apply only once).
func (c *Client) SubmitInOrder(ctx context.Context, blobs []string, window int, onAnswer func(i int)) ([]*SubmitResult, []error) {
	results := make([]*SubmitResult, len(blobs))
	errs := make([]error, len(blobs))
	done := 0
	if rt, ok := c.t.(*rpcTransport); ok && window > 1 && len(blobs) > 1 {
		done = c.pipeline(ctx, rt, blobs, window, results, errs, onAnswer)
	}
	for i := done; i < len(blobs); i++ {
		results[i], errs[i] = c.Submit(ctx, blobs[i])
		if onAnswer != nil {
			onAnswer(i)
		}
	}
	return results, errs
}

// pipeline submits blobs over one HTTP/1.1 connection and returns how many
// leading blobs have their answer; it stops at the first broken exchange.
func (c *Client) pipeline(ctx context.Context, rt *rpcTransport, blobs []string, window int, results []*SubmitResult, errs []error, onAnswer func(int)) int {
	u, err := url.Parse(rt.raw)
	if err != nil || u.User != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return 0
	}
	probe := &http.Request{Method: http.MethodPost, URL: u, Header: http.Header{}}
	if p, err := http.ProxyFromEnvironment(probe); err != nil || p != nil {
		return 0
	}
	conn, err := dialPipeline(ctx, u, c.opts.timeout)
	if err != nil {
		c.opts.logger.Debug("pipelined submit: dial failed; submitting one at a time", "err", err)
		return 0
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) })
	defer stop()

	slots := make(chan struct{}, window)
	writeErr := make(chan error, 1)
	go func() {
		bw := bufio.NewWriterSize(conn, 64<<10)
		for _, blob := range blobs {
			select {
			case slots <- struct{}{}:
			default:
				// The window is full: send what is buffered, then wait.
				if err := bw.Flush(); err != nil {
					writeErr <- err
					return
				}
				slots <- struct{}{}
			}
			if err := writeSubmit(bw, u, blob); err != nil {
				writeErr <- err
				return
			}
		}
		writeErr <- bw.Flush()
	}()

	br := bufio.NewReaderSize(conn, 64<<10)
	answered := 0
	for i := range blobs {
		conn.SetReadDeadline(time.Now().Add(c.opts.timeout))
		res, err := readSubmitAnswer(br, c.url)
		if err != nil {
			if ctx.Err() == nil {
				c.opts.logger.Debug("pipelined submit broke; submitting the rest one at a time", "answered", i, "err", err)
			}
			break
		}
		<-slots
		results[i], errs[i] = c.submitAnswer(res)
		if errs[i] != nil {
			errs[i] = c.failed("submit", errs[i])
		}
		answered++
		if onAnswer != nil {
			onAnswer(i)
		}
	}
	conn.SetDeadline(time.Now()) // unblock a writer still waiting on the socket
	for len(slots) > 0 {
		<-slots
	}
	<-writeErr
	return answered
}

// dialPipeline opens the connection a pipelined submission runs on.
func dialPipeline(ctx context.Context, u *url.URL, timeout time.Duration) (net.Conn, error) {
	host := u.Host
	if u.Port() == "" {
		if u.Scheme == "https" {
			host = net.JoinHostPort(u.Hostname(), "443")
		} else {
			host = net.JoinHostPort(u.Hostname(), "80")
		}
	}
	d := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}
	if u.Scheme == "https" {
		td := &tls.Dialer{NetDialer: d, Config: &tls.Config{ServerName: u.Hostname(), NextProtos: []string{"http/1.1"}}}
		return td.DialContext(ctx, "tcp", host)
	}
	return d.DialContext(ctx, "tcp", host)
}

// writeSubmit writes one submit request.
func writeSubmit(w io.Writer, u *url.URL, blob string) error {
	body, err := json.Marshal(map[string]any{"method": "submit", "params": []any{map[string]any{"tx_blob": blob}}})
	if err != nil {
		return err
	}
	req := &http.Request{Method: http.MethodPost, URL: u, Host: u.Host, ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body))}
	return req.Write(w)
}

// submitAnswer is one pipelined answer: the submit result, or why there is none.
type submitAnswer struct {
	result wireSubmit
	err    error // an answer that is not a submit result (RPC error, overload)
}

// readSubmitAnswer reads one response off the stream. Its error means the
// stream itself is broken; a response that is not a result is an answer with
// err set. The body is decoded once, result and error field together.
func readSubmitAnswer(br *bufio.Reader, nodeURL string) (submitAnswer, error) {
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return submitAnswer{}, err
	}
	body, err := readBody(resp, maxPipelineBody)
	resp.Body.Close()
	if err != nil {
		return submitAnswer{}, err
	}
	if len(body) > maxPipelineBody {
		return submitAnswer{}, errors.New("answer too large")
	}
	if resp.StatusCode != http.StatusOK {
		return submitAnswer{err: unreachable(nodeURL, "submit", fmt.Errorf("HTTP %d: %s", resp.StatusCode, clipBody(body)))}, nil
	}
	var env struct {
		Result *struct {
			Error json.RawMessage `json:"error"`
			wireSubmit
		} `json:"result"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			err = fmt.Errorf("field %q: got JSON %s, want %s", te.Field, te.Value, te.Type)
		}
		return submitAnswer{err: malformed(nodeURL, "submit", err)}, nil
	}
	if env.Result == nil {
		return submitAnswer{err: malformed(nodeURL, "submit", errors.New(`no "result" object`))}, nil
	}
	if len(env.Result.Error) > 0 {
		var token string
		if err := json.Unmarshal(env.Result.Error, &token); err != nil || !rpcTokenPattern.MatchString(token) {
			return submitAnswer{err: malformed(nodeURL, "submit", fmt.Errorf("error field %s", clipBody(env.Result.Error)))}, nil
		}
		return submitAnswer{err: newRPCError("submit", token)}, nil
	}
	return submitAnswer{result: env.Result.wireSubmit}, nil
}

func clipBody(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

// submitAnswer turns a pipelined answer into Submit's result or error.
func (c *Client) submitAnswer(a submitAnswer) (*SubmitResult, error) {
	if a.err != nil {
		return nil, a.err
	}
	return c.submitResult(a.result)
}
