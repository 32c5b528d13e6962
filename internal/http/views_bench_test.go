package http_test

import (
	"bytes"
	"context"
	"flag"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/views"
	"github.com/gin-gonic/gin"
)

// benchClients is how many concurrent clients drive each benchmark, per CPU
// (SetParallelism): enough to keep the server and the group commit busy.
// Change it with: go test -bench ViewBeacon ./internal/http/ -args -views.clients 256
var benchClients = flag.Int("views.clients", 64, "concurrent benchmark clients per CPU")

// noopRate and stackRate are the no-op baselines measured in the same run: a
// bare Gin handler, and banx's own server answering a route that does nothing.
var noopRate, stackRate float64

// BenchmarkViewBeacon compares, over HTTP on loopback with many concurrent
// clients, a no-op Gin handler (and banx's server stack doing nothing) with the
// durable beacon: token verified, reader and network hashed, decided, sealed
// into the chain and committed with the WAL fsynced before the 201. Run them
// together so the ratios compare like with like:
//
//	go test -run '^$' -bench ViewBeacon -benchtime 5s ./internal/http/
func BenchmarkViewBeacon(b *testing.B) {
	b.Run("NoopGin", func(b *testing.B) {
		gin.SetMode(gin.ReleaseMode)
		e := gin.New()
		e.POST("/noop", func(c *gin.Context) { c.Status(http.StatusNoContent) })
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		srv := &http.Server{Handler: e}
		go srv.Serve(ln)
		defer srv.Close()
		url := "http://" + ln.Addr().String() + "/noop"
		body := bytes.Repeat([]byte("x"), views.TokenLen)
		noopRate = drive(b, func(i int) *http.Request {
			req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
			req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
			req.Header.Set("User-Agent", firefox)
			return req
		}, http.StatusNoContent)
	})
	b.Run("NoopBanxStack", func(b *testing.B) {
		// The same banx server, middleware and all, answering a route that does
		// nothing (the 404 of an unknown path): what the view ledger adds on top
		// of banx's own request handling.
		s := startViewServer(b, testKey)
		url := s.url + "/api/v1/noop"
		body := bytes.Repeat([]byte("x"), views.TokenLen)
		stackRate = drive(b, func(i int) *http.Request {
			req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
			req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
			req.Header.Set("User-Agent", firefox)
			return req
		}, http.StatusNotFound)
	})
	b.Run("DurableBeacon", func(b *testing.B) {
		s := startViewServer(b, testKey)
		s.clock.Run() // real time passes, as rate limits and caps expect
		keys, err := views.NewKeys(testKey)
		if err != nil {
			b.Fatal(err)
		}
		// Every beacon is a different reader with a genuine token issued past
		// the dwell time, as many readers finishing articles at once.
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
		if noopRate > 0 {
			b.ReportMetric(rate/noopRate, "ratio_to_noop")
		}
		if stackRate > 0 {
			b.ReportMetric(rate/stackRate, "ratio_to_stack")
		}
		if a, err := s.db.AuditViews(context.Background()); err != nil || a.Break != nil {
			b.Fatalf("audit after the benchmark: %v %v", a, err)
		}
	})
}

// drive sends b.N requests from benchClients*GOMAXPROCS concurrent clients over
// kept-alive connections and reports and returns the rate. Each client is its
// own network: it connects from its own 127.x.y.1 (all of 127/8 is loopback),
// as readers of a real site come from many networks.
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
