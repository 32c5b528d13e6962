package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/Peersyst/xrpl-go/xrpl/transaction"
	"github.com/Peersyst/xrpl-go/xrpl/transaction/types"
	"github.com/Peersyst/xrpl-go/xrpl/wallet"
	"github.com/banxmedia/banx/internal/ledger"
	"github.com/banxmedia/banx/internal/xrpl"
)

// stack is the server under load; cmd is nil when the harness did not start it.
type stack struct {
	url     string
	article int64
	token   string // operator token, to read /metrics at the end
	dir     string
	cmd     *exec.Cmd
	exited  chan error
}

// startStack starts `banx serve` on a fresh data directory and publishes one
// article through the CLI, as an author would.
func startStack(ctx context.Context, banxBin string, out io.Writer) (*stack, error) {
	bin, err := filepath.Abs(banxBin)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("banx binary: %v (run make build)", err)
	}
	dir, err := os.MkdirTemp("", "banx-loadtest-")
	if err != nil {
		return nil, err
	}
	s := &stack{dir: dir}
	addr, ledgerAddr, err := freeAddr(), freeAddr(), nil
	if addr == "" || ledgerAddr == "" {
		return nil, fmt.Errorf("no free loopback port")
	}
	logs, err := os.Create(filepath.Join(dir, "serve.log"))
	if err != nil {
		return nil, err
	}
	// Warnings only: a line per request would measure the log file, not Banx.
	s.cmd = exec.Command(bin, "serve", "-addr", addr, "-data", filepath.Join(dir, "data"), "-ledger-addr", ledgerAddr,
		"-view-dwell", "0s", "-log-level", "warn", "-batch-interval", "500ms")
	s.cmd.Stdout, s.cmd.Stderr = logs, logs
	if err := s.cmd.Start(); err != nil {
		logs.Close()
		return nil, err
	}
	s.exited = make(chan error, 1)
	go func() { s.exited <- s.cmd.Wait(); logs.Close() }()
	s.url = "http://" + addr
	fmt.Fprintf(out, "started  banx serve (pid %d) in %s\n", s.cmd.Process.Pid, dir)
	if err := s.waitHealthy(ctx); err != nil {
		s.stop(true, out)
		return nil, err
	}
	if err := s.publish(ctx, bin, "http://"+ledgerAddr+"/"); err != nil {
		s.stop(true, out)
		return nil, err
	}
	tok, err := os.ReadFile(filepath.Join(dir, "data", "operator-token"))
	if err == nil {
		s.token = strings.TrimSpace(string(tok))
	}
	return s, nil
}

// freeAddr returns a loopback address with a port nobody listens on now.
func freeAddr() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return ""
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitHealthy polls /healthz until every dependency answers (one minute).
func (s *stack) waitHealthy(ctx context.Context) error {
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		select {
		case err := <-s.exited:
			return fmt.Errorf("banx serve exited: %v (see %s)", err, filepath.Join(s.dir, "serve.log"))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		resp, err := http.Get(s.url + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return fmt.Errorf("banx serve was not healthy within a minute (see %s)", filepath.Join(s.dir, "serve.log"))
}

// publish creates an author wallet with the CLI, funds it from the embedded
// ledger's genesis account, and publishes one self-anchored article.
func (s *stack) publish(ctx context.Context, bin, ledgerURL string) error {
	seed := filepath.Join(s.dir, "author.seed")
	out, err := exec.CommandContext(ctx, bin, "wallet", "new", "-out", seed).CombinedOutput()
	if err != nil {
		return fmt.Errorf("banx wallet new: %v\n%s", err, out)
	}
	author := field(string(out), "address")
	client, err := xrpl.Dial(ctx, ledgerURL)
	if err != nil {
		return err
	}
	defer client.Close()
	genesis, err := wallet.FromSeed(ledger.GenesisSeed, "")
	if err != nil {
		return err
	}
	pay := &transaction.Payment{BaseTx: transaction.BaseTx{Account: genesis.ClassicAddress},
		Destination: types.Address(author), Amount: types.XRPCurrencyAmount(100_000_000)}
	if _, err := client.SubmitAndWait(ctx, pay, &genesis); err != nil {
		return fmt.Errorf("fund the author %s: %v", author, err)
	}
	md := filepath.Join(s.dir, "article.md")
	body := "---\ntitle: Load test article\nsummary: An article read by many readers at once.\ncategory: opinion\ntags: [banx, load]\n" +
		"language: en\nauthor: " + author + "\ncreated: 2026-11-25T12:00:00Z\n---\n\n" +
		strings.Repeat("Readers come and go, and every view is weighed before it counts. ", 40) + "\n"
	if err := os.WriteFile(md, []byte(body), 0o644); err != nil {
		return err
	}
	out, err = exec.CommandContext(ctx, bin, "publish", "-server", s.url, "-seed-file", seed, "-mode", "self", md).CombinedOutput()
	if err != nil {
		return fmt.Errorf("banx publish: %v\n%s", err, out)
	}
	if s.article, err = strconv.ParseInt(field(string(out), "article"), 10, 64); err != nil {
		return fmt.Errorf("banx publish printed no article id:\n%s", out)
	}
	return nil
}

// field returns the value after name on the first line starting with it.
func field(out, name string) string {
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == name {
			return f[1]
		}
	}
	return ""
}

// stop interrupts the server it started and waits for it; the data directory
// is removed unless keep.
func (s *stack) stop(keep bool, out io.Writer) {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-s.exited:
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
	}
	if keep {
		fmt.Fprintf(out, "kept     %s\n", s.dir)
		return
	}
	os.RemoveAll(s.dir)
}

// rss and peakRSS read the started server's resident memory (VmRSS, VmHWM)
// in bytes; 0 when the server is not ours or /proc is missing.
func (s *stack) rss() int64     { return s.status("VmRSS:") }
func (s *stack) peakRSS() int64 { return s.status("VmHWM:") }

func (s *stack) status(key string) int64 {
	if s.cmd == nil {
		return 0
	}
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), key); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// cpu is the CPU time the started server has used (user and system, all
// threads), from /proc/PID/stat in clock ticks of 1/100 s, Linux's USER_HZ;
// 0 when the server is not ours. On a shared machine, CPU per request says
// more about the server than latency does.
func (s *stack) cpu() time.Duration {
	if s.cmd == nil {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// Fields after the command name, which is in parentheses and may hold spaces.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// printMetrics shows the server's own view of the run: the view decisions and
// the request latency counts from /metrics.
func (s *stack) printMetrics(ctx context.Context, out io.Writer) {
	req, _ := http.NewRequestWithContext(ctx, "GET", s.url+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+s.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(out, "metrics  %v\n", err)
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(out, "metrics  GET /metrics = %d\n", resp.StatusCode)
		return
	}
	fmt.Fprintln(out, "server metrics (GET /metrics):")
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "banx_views_") && !strings.HasSuffix(line, " 0") ||
			strings.HasPrefix(line, "banx_http_request_duration_seconds_count") ||
			strings.HasPrefix(line, "process_resident_memory_bytes") || strings.HasPrefix(line, "go_goroutines") {
			fmt.Fprintln(out, "  "+line)
		}
	}
}
