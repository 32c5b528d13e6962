package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// The kinds of request a reader sends, in order, once per loop.
const (
	kindPage = iota
	kindToken
	kindBeacon
	kinds
)

var kindNames = [kinds]string{"page GET /a/{id}", "token GET .../view-token", "beacon POST /api/v1/views"}

// reader is one simulated browser: its own connection from its own /24 on
// loopback (so the per-network limits see distinct networks) and cookie jar.
type reader struct {
	client *http.Client
	lat    [kinds][]time.Duration
	errs   [kinds]int
	status map[int]int
	failed map[string]int // transport errors by message, a few kept for the report
}

// newReader dials from 127.a.b.1, a distinct /24 for each of up to 62,500
// readers.
func newReader(i int) *reader {
	ip := net.IPv4(127, byte(1+i/250), byte(i%250), 1)
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: ip}, Timeout: 10 * time.Second}
	tr := &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 1, MaxConnsPerHost: 1, IdleConnTimeout: time.Minute}
	jar, _ := cookiejar.New(nil)
	return &reader{client: &http.Client{Transport: tr, Jar: jar, Timeout: 30 * time.Second},
		status: map[int]int{}, failed: map[string]int{}}
}

// do sends one request and records its latency and outcome; it returns the
// body of a 2xx answer.
func (r *reader) do(ctx context.Context, kind int, method, url, contentType string, body []byte, want int) ([]byte, bool) {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		r.errs[kind]++
		return nil, false
	}
	req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	start := time.Now()
	resp, err := r.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, false // the run ended mid-request: not the server's fault
		}
		r.lat[kind] = append(r.lat[kind], time.Since(start))
		r.errs[kind]++
		r.failed[shortError(err)]++
		return nil, false
	}
	out, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil && ctx.Err() != nil {
		return nil, false // the run ended while the body was arriving
	}
	r.lat[kind] = append(r.lat[kind], time.Since(start))
	r.status[resp.StatusCode]++
	if err != nil {
		r.errs[kind]++
		r.failed["reading the body: "+shortError(err)]++
		return nil, false
	}
	if resp.StatusCode != want {
		r.errs[kind]++
		return nil, false
	}
	return out, true
}

// shortError keeps the last part of a transport error ("connection reset by
// peer"), which is what tells one failure from another in the report.
func shortError(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		msg = msg[i+2:]
	}
	return msg
}

// loop reads the article, fetches a token and sends the beacon until ctx ends.
func (r *reader) loop(ctx context.Context, base string, article int64) {
	page := fmt.Sprintf("%s/a/%d", base, article)
	tokenURL := fmt.Sprintf("%s/api/v1/articles/%d/view-token", base, article)
	for ctx.Err() == nil {
		r.do(ctx, kindPage, "GET", page, "", nil, http.StatusOK)
		body, ok := r.do(ctx, kindToken, "GET", tokenURL, "", nil, http.StatusOK)
		if !ok {
			continue
		}
		var tok struct {
			Token string `json:"token"`
		}
		if json.Unmarshal(body, &tok) != nil || tok.Token == "" {
			r.errs[kindToken]++
			continue
		}
		r.do(ctx, kindBeacon, "POST", base+"/api/v1/views", "text/plain;charset=UTF-8", []byte(tok.Token), http.StatusCreated)
	}
}

// report is the outcome of a run.
type report struct {
	elapsed                      time.Duration
	conns                        int
	lat                          [kinds][]time.Duration
	errs                         [kinds]int
	status                       map[int]int
	failed                       map[string]int
	rssBefore, rssAfter, rssPeak int64
	cpu                          time.Duration // server CPU time during the run
}

// load runs conns readers against s for d and merges what they saw.
func load(ctx context.Context, s *stack, conns int, d time.Duration) (*report, error) {
	readers := make([]*reader, conns)
	for i := range readers {
		readers[i] = newReader(i)
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var wg sync.WaitGroup
	start := time.Now()
	for _, r := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.loop(ctx, s.url, s.article)
		}()
	}
	wg.Wait()
	rep := &report{elapsed: time.Since(start), conns: conns, status: map[int]int{}, failed: map[string]int{}}
	for _, r := range readers {
		for k := range kinds {
			rep.lat[k] = append(rep.lat[k], r.lat[k]...)
			rep.errs[k] += r.errs[k]
		}
		for code, n := range r.status {
			rep.status[code] += n
		}
		for msg, n := range r.failed {
			rep.failed[msg] += n
		}
		r.client.CloseIdleConnections()
	}
	return rep, nil
}

// print writes the figures: per kind and overall.
func (r *report) print(w io.Writer) {
	fmt.Fprintf(w, "\nran      %s with %d concurrent readers\n", r.elapsed.Round(time.Millisecond), r.conns)
	fmt.Fprintf(w, "%-28s %9s %7s %8s %9s %9s %9s %9s\n", "REQUEST", "COUNT", "ERRORS", "REQ/S", "P50", "P90", "P99", "MAX")
	var all []time.Duration
	errs := 0
	for k := range kinds {
		all = append(all, r.lat[k]...)
		errs += r.errs[k]
		r.row(w, kindNames[k], r.lat[k], r.errs[k])
	}
	r.row(w, "all", all, errs)
	codes := make([]int, 0, len(r.status))
	for c := range r.status {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	var parts []string
	for _, c := range codes {
		parts = append(parts, fmt.Sprintf("%d: %d", c, r.status[c]))
	}
	fmt.Fprintf(w, "statuses %s\n", strings.Join(parts, ", "))
	for msg, n := range r.failed {
		fmt.Fprintf(w, "failed   %d × %s\n", n, msg)
	}
	if r.rssBefore > 0 {
		fmt.Fprintf(w, "server RSS before %s, after %s, peak %s\n", mib(r.rssBefore), mib(r.rssAfter), mib(r.rssPeak))
	}
	if n := len(all); r.cpu > 0 && n > 0 {
		fmt.Fprintf(w, "server CPU %s in %s (%.2f cores), %s per request\n", r.cpu.Round(10*time.Millisecond),
			r.elapsed.Round(time.Millisecond), r.cpu.Seconds()/r.elapsed.Seconds(), (r.cpu / time.Duration(n)).Round(time.Microsecond))
	}
}

func (r *report) row(w io.Writer, name string, lat []time.Duration, errs int) {
	slices.Sort(lat)
	fmt.Fprintf(w, "%-28s %9d %7d %8.0f %9s %9s %9s %9s\n", name, len(lat), errs, float64(len(lat))/r.elapsed.Seconds(),
		pct(lat, 50), pct(lat, 90), pct(lat, 99), pct(lat, 100))
}

// pct is the p-th percentile of sorted latencies (nearest rank).
func pct(sorted []time.Duration, p int) string {
	if len(sorted) == 0 {
		return "-"
	}
	i := (len(sorted)*p + 99) / 100
	i = max(1, min(i, len(sorted)))
	d := sorted[i-1]
	switch {
	case d >= time.Second:
		return d.Round(time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond).String()
	}
	return d.Round(time.Microsecond).String()
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
