//go:build linux

package main

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// faultProxy is a loopback TCP proxy between banx and a dependency that a
// test can cut (connections refused, open ones reset), slow down (every
// chunk forwarded late) and restore, without touching either side.
type faultProxy struct {
	t      *testing.T
	addr   string
	target string

	mu    sync.Mutex
	ln    net.Listener
	delay time.Duration
	wake  chan struct{} // closed by cut and restore: held chunks go at once
	conns map[net.Conn]bool
	wg    sync.WaitGroup
}

// startFaultProxy forwards a free loopback port to target (host:port) until
// the test ends.
func startFaultProxy(t *testing.T, target string) *faultProxy {
	t.Helper()
	p := &faultProxy{t: t, target: target, conns: map[net.Conn]bool{}, wake: make(chan struct{})}
	p.listen("127.0.0.1:0")
	t.Cleanup(func() {
		p.cut()
		p.wg.Wait()
	})
	return p
}

func (p *faultProxy) listen(addr string) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		p.t.Fatalf("proxy listen %s: %v", addr, err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	p.wg.Go(func() { p.accept(ln) })
}

func (p *faultProxy) accept(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns[c], p.conns[up] = true, true
		p.mu.Unlock()
		p.wg.Go(func() { p.pipe(up, c) })
		p.wg.Go(func() { p.pipe(c, up) })
	}
}

// pipe copies src to dst, holding each chunk for the current delay.
func (p *faultProxy) pipe(dst, src net.Conn) {
	defer func() {
		dst.Close()
		src.Close()
		p.mu.Lock()
		delete(p.conns, dst)
		delete(p.conns, src)
		p.mu.Unlock()
	}()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			d, wake := p.delay, p.wake
			p.mu.Unlock()
			if d > 0 {
				select {
				case <-time.After(d):
				case <-wake:
				}
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// cut makes the dependency unreachable: the port refuses connections and
// every open connection is reset.
func (p *faultProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.release()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetLinger(0)
		}
		c.Close()
	}
}

// restore reopens a cut proxy on the same port, at full speed.
func (p *faultProxy) restore() {
	p.mu.Lock()
	cut, addr := p.ln == nil, p.addr
	p.delay = 0
	p.release()
	p.mu.Unlock()
	if cut {
		p.listen(addr)
	}
}

// slow holds every forwarded chunk for d.
func (p *faultProxy) slow(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.delay = d
}

// release lets every held chunk go; the caller holds mu.
func (p *faultProxy) release() {
	close(p.wake)
	p.wake = make(chan struct{})
}

// submitFilter is an HTTP proxy in front of the ledger's JSON-RPC that can
// refuse every submit while passing every other method, so a test can leave
// signed, stored anchors that never reached the ledger.
type submitFilter struct {
	proxy   *httputil.ReverseProxy
	drop    atomic.Bool
	dropped atomic.Int64
}

// startSubmitFilter serves the filter on a free loopback port until the test
// ends and returns it with its URL.
func startSubmitFilter(t *testing.T, ledgerURL string) (*submitFilter, string) {
	t.Helper()
	target, err := url.Parse(ledgerURL)
	if err != nil {
		t.Fatal(err)
	}
	f := &submitFilter{proxy: httputil.NewSingleHostReverseProxy(target)}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv.URL
}

func (f *submitFilter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if f.drop.Load() && bytes.Contains(body, []byte(`"method":"submit"`)) {
		f.dropped.Add(1)
		http.Error(w, "submit refused by the test's filter", http.StatusServiceUnavailable)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	f.proxy.ServeHTTP(w, r)
}
