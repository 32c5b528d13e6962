package http_test

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	banxhttp "github.com/banxmedia/banx/internal/http"
	"github.com/banxmedia/banx/internal/metrics"
	"github.com/banxmedia/banx/internal/views"
	"github.com/gin-gonic/gin"
)

// Flags of the beacon benchmarks, given after -args:
//
//	go test -run '^$' -bench ViewBeacon ./internal/http/ -args -views.conns 512
var (
	benchClients = flag.Int("views.clients", 64, "concurrent Go benchmark clients per CPU")
	wrkConns     = flag.Int("views.conns", 256, "connections wrk keeps open")
	wrkThreads   = flag.Int("views.threads", 2, "wrk threads")
)

// noopRate and stackRate are the no-op baselines measured in the same run: a
// bare Gin handler, and banx's own server answering a route that does nothing.
var noopRate, stackRate, goNoopRate, goStackRate float64

// BenchmarkViewBeacon compares, over HTTP on loopback, a no-op Gin handler
// (and banx's server stack doing nothing) with the durable beacon: token
// verified, reader and network hashed, decided, sealed into the chain and
// committed with the WAL fsynced before the 201. The load comes from wrk, the
// issue's tool: a C client that costs little CPU, so the figures are the
// servers' own and not the client's. It shares the machine's CPUs with the
// server alike for every target. Every target gets the same requests: a
// distinct genuine token per beacon, its reader's cookie, a browser's
// User-Agent, and the reader's address in X-Forwarded-For from a trusted proxy
// (wrk connects from one address; a real site sits behind a proxy and sees
// readers from many networks). Run the targets together so the ratios compare
// like with like:
//
//	go test -run '^$' -bench 'ViewBeacon$' -benchtime 5s ./internal/http/
//
// Each target runs wrk once for the bench time (b.N is 1; ns/op is reported
// from the measured rate). Needs wrk: apt-get install -y wrk.
func BenchmarkViewBeacon(b *testing.B) {
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		b.Fatal("wrk is not installed: apt-get install -y wrk")
	}
	d := benchDuration()
	dir := b.TempDir()
	script := filepath.Join(dir, "beacons.lua")
	if err := os.WriteFile(script, []byte(wrkScript), 0o644); err != nil {
		b.Fatal(err)
	}
	// The token file is written once, with enough tokens for the durable run
	// at any rate this machine can reach; the no-op targets read it too, so
	// every target parses the same requests.
	keys, err := views.NewKeys(testKey)
	if err != nil {
		b.Fatal(err)
	}
	// Both banx servers are configured as banx serve configures them: with
	// Prometheus metrics, which every request and beacon updates.
	proxy := func(srv *banxhttp.Server) {
		srv.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
		reg := metrics.New(metrics.Config{})
		srv.Metrics = reg
		srv.Views = reg.CountViews(srv.Views.(metrics.ViewLedger))
	}
	durable := startViewServerWith(b, testKey, proxy)
	durable.clock.Run() // real time passes, as rate limits and caps expect
	tokens := filepath.Join(dir, "tokens.txt")
	n := int(d.Seconds() * 60000)
	writeTokens(b, tokens, keys, durable, n)

	b.Run("NoopGin", func(b *testing.B) {
		gin.SetMode(gin.ReleaseMode)
		e := gin.New()
		e.POST("/noop", func(c *gin.Context) { c.Status(http.StatusNoContent) })
		noopRate, _ = runWrk(b, wrk, script, serveGin(b, e)+"/noop", tokens, d, 204)
	})
	b.Run("NoopBanxStack", func(b *testing.B) {
		// The same banx server, middleware and all, answering a route that does
		// nothing (the 404 of an unknown path): what the view ledger adds on top
		// of banx's own request handling.
		s := startViewServerWith(b, testKey, proxy)
		stackRate, _ = runWrk(b, wrk, script, s.url+"/api/v1/noop", tokens, d, 404)
	})
	b.Run("FloorSQLite", func(b *testing.B) { benchFloor(b, wrk, script, tokens) })
	b.Run("DurableBeacon", func(b *testing.B) {
		rate, requests := runWrk(b, wrk, script, durable.url+"/api/v1/views", tokens, d, 201)
		reportRatios(b, rate, noopRate, stackRate)
		a, err := durable.db.AuditViews(context.Background())
		if err != nil || a.Break != nil {
			b.Fatalf("audit after the benchmark: %v %v", a, err)
		}
		// A 201 means recorded: the chain holds one record per answered beacon.
		if a.Records < requests {
			b.Fatalf("chain holds %d records after %d beacons were acknowledged", a.Records, requests)
		}
	})
}

// serveGin serves e on a loopback port until the benchmark ends and returns
// its base URL.
func serveGin(b *testing.B, e *gin.Engine) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: e}
	go srv.Serve(ln)
	b.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

// benchDuration is -test.benchtime as a duration; counts ("100x") and a
// missing flag mean the default 5s.
func benchDuration() time.Duration {
	if f := flag.Lookup("test.benchtime"); f != nil {
		if d, err := time.ParseDuration(f.Value.String()); err == nil && d > 0 {
			return d
		}
	}
	return 5 * time.Second
}

// writeTokens writes n beacons, one per line: reader cookie id, token and the
// reader's address. Readers are all different; their addresses spread over
// the 512 /24 networks of 198.18.0.0/15, the range set aside for benchmarks,
// so network caps and rate limits act as they would on a busy public site.
func writeTokens(b *testing.B, path string, keys *views.Keys, s *viewServer, n int) {
	b.Helper()
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	issued := s.clock.Now().Add(-s.policy.Dwell - time.Second)
	for i := range n {
		id := views.NewReaderID()
		tok, _, err := keys.IssueToken(s.article, keys.ReaderHash(id), issued)
		if err != nil {
			b.Fatal(err)
		}
		fmt.Fprintf(w, "%s %s 198.%d.%d.%d\n", id, tok, 18+i%2, i/2%256, 1+i/512%254)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
}

// wrkScript makes wrk send each beacon of the token file once: thread k of n
// takes lines k, k+n, ... and stops reusing none. Requests are formatted in
// init, before wrk starts its clock, so the Lua cost per request is one table
// lookup. done prints one line runWrk parses.
const wrkScript = `
local threads = {}
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local file, nthreads, path = args[1], tonumber(args[2]), args[3]
  reqs = {}
  local i = 0
  for line in io.lines(file) do
    if i % nthreads == tid then
      local id, tok, ip = line:match("^(%S+) (%S+) (%S+)$")
      reqs[#reqs + 1] = wrk.format("POST", path, {
        ["Content-Type"] = "text/plain;charset=UTF-8",
        ["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
        ["Cookie"] = "banx_reader=" .. id,
        ["X-Forwarded-For"] = ip,
      }, tok)
    end
    i = i + 1
  end
  next_req = 0
  wrapped = 0
end

function request()
  next_req = next_req + 1
  if next_req > #reqs then
    next_req = 1
    wrapped = wrapped + 1
  end
  return reqs[next_req]
end

function done(summary, latency, requests)
  local wrapped = 0
  for _, t in ipairs(threads) do
    wrapped = wrapped + t:get("wrapped")
  end
  io.write(string.format("BANXWRK requests=%d duration_us=%d status_errors=%d connect=%d read=%d write=%d timeout=%d wrapped=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout, wrapped, latency:percentile(50), latency:percentile(99)))
end
`

// runWrk drives url with wrk for d and reports the rate, the server's CPU per
// request and wrk's latency percentiles. It fails the benchmark when a
// response had another status than want (wrk counts statuses >= 400 as
// errors, so a 404 target expects all of them), a socket failed, or the token
// file ran out for the durable target.
func runWrk(b *testing.B, wrk, script, url, tokens string, d time.Duration, want int) (rate float64, requests int64) {
	b.Helper()
	threads := *wrkThreads
	cmd := exec.Command(wrk, "-t", strconv.Itoa(threads), "-c", strconv.Itoa(*wrkConns),
		"-d", fmt.Sprintf("%ds", int((d+time.Second-1)/time.Second)), "--timeout", "30s", "-s", script, url,
		"--", tokens, strconv.Itoa(threads), pathOf(url))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cpu0 := cpuTime()
	b.ResetTimer()
	if err := cmd.Run(); err != nil {
		b.Fatalf("wrk: %v\n%s", err, out.String())
	}
	b.StopTimer()
	cpu := cpuTime() - cpu0
	var durUS, statusErrs, connect, read, write, timeout, wrapped, p50, p99 int64
	line := out.String()
	if i := strings.Index(line, "BANXWRK "); i >= 0 {
		line = line[i:]
	}
	if _, err := fmt.Sscanf(line, "BANXWRK requests=%d duration_us=%d status_errors=%d connect=%d read=%d write=%d timeout=%d wrapped=%d p50_us=%d p99_us=%d",
		&requests, &durUS, &statusErrs, &connect, &read, &write, &timeout, &wrapped, &p50, &p99); err != nil || requests == 0 || durUS == 0 {
		b.Fatalf("wrk printed no summary (%v):\n%s", err, out.String())
	}
	switch {
	case want < 400 && statusErrs > 0:
		b.Fatalf("%d of %d responses had an error status, want %d", statusErrs, requests, want)
	case want >= 400 && statusErrs != requests:
		b.Fatalf("%d of %d responses had an error status, want all %d", statusErrs, requests, want)
	case connect+read+write+timeout > 0:
		b.Fatalf("socket errors: connect %d, read %d, write %d, timeout %d", connect, read, write, timeout)
	case wrapped > 0 && want == http.StatusCreated:
		// The no-op targets may reuse tokens; a durable beacon sent twice
		// would be a replay, cheaper to decide than a fresh one.
		b.Fatalf("the token file ran out: %d tokens were sent twice; raise the tokens per second in writeTokens", wrapped)
	}
	rate = float64(requests) / (float64(durUS) / 1e6)
	b.ReportMetric(rate, "req/s")
	b.ReportMetric(1e9/rate, "ns/op")
	b.ReportMetric(float64(cpu.Microseconds())/float64(requests), "server-cpu-us/op")
	b.ReportMetric(float64(p50)/1000, "p50-ms")
	b.ReportMetric(float64(p99)/1000, "p99-ms")
	return rate, requests
}

func pathOf(url string) string {
	rest := strings.TrimPrefix(url, "http://")
	return rest[strings.Index(rest, "/"):]
}

// reportRatios reports rate against the baselines of the same run.
func reportRatios(b *testing.B, rate, noop, stack float64) {
	if noop > 0 {
		b.ReportMetric(rate/noop, "ratio_to_noop")
	}
	if stack > 0 {
		b.ReportMetric(rate/stack, "ratio_to_stack")
	}
}

// BenchmarkViewBeaconGoClient is BenchmarkViewBeacon with Go's own HTTP
// client as the load: no tool to install, but the client costs more CPU than
// either server, which shares the CPUs unevenly and pulls the ratios towards
// 1. Each client is its own network: it connects from its own 127.x.y.1 (all
// of 127/8 is loopback), as readers of a real site come from many networks.
//
//	go test -run '^$' -bench ViewBeaconGoClient -benchtime 5s ./internal/http/
func BenchmarkViewBeaconGoClient(b *testing.B) {
	b.Run("NoopGin", func(b *testing.B) {
		gin.SetMode(gin.ReleaseMode)
		e := gin.New()
		e.POST("/noop", func(c *gin.Context) { c.Status(http.StatusNoContent) })
		url := serveGin(b, e) + "/noop"
		body := bytes.Repeat([]byte("x"), views.TokenLen)
		goNoopRate = drive(b, func(i int) *http.Request {
			req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
			req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
			req.Header.Set("User-Agent", firefox)
			return req
		}, http.StatusNoContent)
	})
	b.Run("NoopBanxStack", func(b *testing.B) {
		s := startViewServer(b, testKey)
		url := s.url + "/api/v1/noop"
		body := bytes.Repeat([]byte("x"), views.TokenLen)
		goStackRate = drive(b, func(i int) *http.Request {
			req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
			req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
			req.Header.Set("User-Agent", firefox)
			return req
		}, http.StatusNotFound)
	})
	b.Run("DurableBeacon", func(b *testing.B) {
		s := startViewServer(b, testKey)
		s.clock.Run()
		keys, err := views.NewKeys(testKey)
		if err != nil {
			b.Fatal(err)
		}
		type beacon struct{ cookie, token string }
		beacons := make([]beacon, b.N)
		issued := s.clock.Now().Add(-s.policy.Dwell - time.Second)
		for i := range beacons {
			id := views.NewReaderID()
			tok, _, err := keys.IssueToken(s.article, keys.ReaderHash(id), issued)
			if err != nil {
				b.Fatal(err)
			}
			beacons[i] = beacon{"banx_reader=" + id, tok}
		}
		url := s.url + "/api/v1/views"
		rate := drive(b, func(i int) *http.Request {
			req, _ := http.NewRequest("POST", url, bytes.NewReader([]byte(beacons[i].token)))
			req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
			req.Header.Set("User-Agent", firefox)
			req.Header.Set("Cookie", beacons[i].cookie)
			return req
		}, http.StatusCreated)
		reportRatios(b, rate, goNoopRate, goStackRate)
		if a, err := s.db.AuditViews(context.Background()); err != nil || a.Break != nil {
			b.Fatalf("audit after the benchmark: %v %v", a, err)
		}
	})
}

// BenchmarkViewBeaconInProcess hands the same requests as BenchmarkViewBeacon
// straight to each server's handler from 128 goroutines per CPU, without
// sockets: what is left is the servers' own CPU per request (request building
// and the recorder, alike for all three, included), which is far steadier on
// a shared machine than a rate over loopback. ratio_cpu_noop is the no-op
// handler's CPU per request over the beacon's.
//
//	go test -run '^$' -bench ViewBeaconInProcess -benchtime 3s ./internal/http/
func BenchmarkViewBeaconInProcess(b *testing.B) {
	var noopCPU, stackCPU float64
	var srv *banxhttp.Server
	prod := func(s *banxhttp.Server) {
		s.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
		reg := metrics.New(metrics.Config{})
		s.Metrics = reg
		s.Views = reg.CountViews(s.Views.(metrics.ViewLedger))
		srv = s
	}
	dummy := beacon{views.NewReaderID(), strings.Repeat("x", views.TokenLen), "198.18.0.1"}
	b.Run("NoopGin", func(b *testing.B) {
		gin.SetMode(gin.ReleaseMode)
		e := gin.New()
		e.POST("/noop", func(c *gin.Context) { c.Status(http.StatusNoContent) })
		noopCPU = serveInProcess(b, e, "/noop", func(int) beacon { return dummy }, http.StatusNoContent)
	})
	b.Run("NoopBanxStack", func(b *testing.B) {
		startViewServerWith(b, testKey, prod)
		stackCPU = serveInProcess(b, srv.Handler(), "/api/v1/noop", func(int) beacon { return dummy }, http.StatusNotFound)
	})
	b.Run("DurableBeacon", func(b *testing.B) {
		s := startViewServerWith(b, testKey, prod)
		s.clock.Run()
		keys, err := views.NewKeys(testKey)
		if err != nil {
			b.Fatal(err)
		}
		beacons := make([]beacon, b.N)
		issued := s.clock.Now().Add(-s.policy.Dwell - time.Second)
		for i := range beacons {
			id := views.NewReaderID()
			tok, _, err := keys.IssueToken(s.article, keys.ReaderHash(id), issued)
			if err != nil {
				b.Fatal(err)
			}
			beacons[i] = beacon{id, tok, fmt.Sprintf("198.%d.%d.%d", 18+i%2, i/2%256, 1+i/512%254)}
		}
		cpu := serveInProcess(b, srv.Handler(), "/api/v1/views", func(i int) beacon { return beacons[i] }, http.StatusCreated)
		if noopCPU > 0 {
			b.ReportMetric(noopCPU/cpu, "ratio_cpu_noop")
		}
		if stackCPU > 0 {
			b.ReportMetric(stackCPU/cpu, "ratio_cpu_stack")
		}
	})
}

// beacon is one reader's beacon: cookie id, token and address.
type beacon struct{ id, token, addr string }

// serveInProcess sends b.N requests to h and reports and returns the CPU
// per request.
func serveInProcess(b *testing.B, h http.Handler, path string, beaconAt func(i int) beacon, want int) float64 {
	var next atomic.Int64
	b.SetParallelism(128)
	cpu0 := cpuTime()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			bc := beaconAt(int(next.Add(1) - 1))
			req := httptest.NewRequest("POST", path, strings.NewReader(bc.token))
			req.RemoteAddr = "127.0.0.1:40000"
			req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
			req.Header.Set("User-Agent", firefox)
			req.Header.Set("Cookie", "banx_reader="+bc.id)
			req.Header.Set("X-Forwarded-For", bc.addr)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != want {
				b.Errorf("status %d %s, want %d", w.Code, w.Body, want)
				return
			}
		}
	})
	b.StopTimer()
	cpu := float64((cpuTime() - cpu0).Microseconds()) / float64(b.N)
	b.ReportMetric(cpu, "cpu-us/op")
	return cpu
}

// drive sends b.N requests from benchClients*GOMAXPROCS concurrent clients over
// kept-alive connections and reports and returns the rate.
func drive(b *testing.B, newReq func(i int) *http.Request, want int) float64 {
	var next, clients atomic.Int64
	b.SetParallelism(*benchClients)
	cpu0 := cpuTime()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		k := clients.Add(1)
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, byte(k>>8), byte(k), 1)}}
		tr := &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 1}
		defer tr.CloseIdleConnections()
		client := &http.Client{Transport: tr}
		for pb.Next() {
			resp, err := client.Do(newReq(int(next.Add(1) - 1)))
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != want {
				b.Errorf("status %d, want %d", resp.StatusCode, want)
				return
			}
		}
	})
	b.StopTimer()
	rate := float64(b.N) / b.Elapsed().Seconds()
	b.ReportMetric(rate, "req/s")
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-us/op")
	return rate
}

// cpuTime is the CPU time (user and system) the process has used: on a shared
// machine, CPU per request is steadier than requests per second.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
