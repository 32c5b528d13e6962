//go:build linux

package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The crash and fault tests run the real binary: `banx serve` in one process
// and `banx ledger serve` in another, so the ledger outlives a banx killed
// with SIGKILL, exactly as a remote rippled would.

var (
	faultBuildOnce sync.Once
	faultBuilt     string
	faultBuildErr  error
)

// faultBinary builds ./cmd/banx into bin/banx-faulttest (-race: with the
// race detector) at the module root, which git ignores, once per test run,
// with the GOFLAGS the test inherited (make test sets -tags=sqlite_fts5). A
// fixed path lets go build skip the link when nothing changed.
func faultBinary(t *testing.T) string {
	t.Helper()
	faultBuildOnce.Do(func() {
		wd, err := os.Getwd()
		if err != nil {
			faultBuildErr = err
			return
		}
		root := filepath.Join(wd, "..", "..")
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
			faultBuildErr = fmt.Errorf("module root not found above %s: %w", wd, err)
			return
		}
		goBin, err := exec.LookPath("go")
		if err != nil {
			goBin = filepath.Join(os.Getenv("GOROOT"), "bin", "go")
		}
		// Built as the test binary was (-race under make test), the packages
		// come from the build cache the test run just filled, and the race
		// detector watches the server through its crashes too.
		out, race := filepath.Join(root, "bin", "banx-faulttest"), ""
		if bi, ok := debug.ReadBuildInfo(); ok {
			for _, s := range bi.Settings {
				if s.Key == "-race" && s.Value == "true" {
					out, race = out+"-race", "-race"
				}
			}
		}
		args := []string{"build", "-o", out}
		if race != "" {
			args = append(args, race)
		}
		cmd := exec.Command(goBin, append(args, ".")...)
		cmd.Dir = wd
		if b, err := cmd.CombinedOutput(); err != nil {
			faultBuildErr = fmt.Errorf("go build ./cmd/banx: %v\n%s", err, b)
			return
		}
		faultBuilt = out
	})
	if faultBuildErr != nil {
		t.Fatal(faultBuildErr)
	}
	return faultBuilt
}

// faultProc is one banx process with its output kept for failure messages.
type faultProc struct {
	name    string
	cmd     *exec.Cmd
	out     *syncBuffer
	errb    *syncBuffer
	exited  chan struct{}
	waitErr error
}

// startFaultProc starts the built banx with args and environ (added to the
// test's own), and kills it at cleanup if it still runs. The process gets
// SIGKILL if the test binary dies first.
func startFaultProc(t *testing.T, name string, environ map[string]string, args ...string) *faultProc {
	t.Helper()
	p := &faultProc{name: name, out: &syncBuffer{}, errb: &syncBuffer{}, exited: make(chan struct{})}
	p.cmd = exec.Command(faultBinary(t), args...)
	p.cmd.Env = os.Environ()
	keys := make([]string, 0, len(environ))
	for k := range environ {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p.cmd.Env = append(p.cmd.Env, k+"="+environ[k])
	}
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.errb
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		p.waitErr = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		p.stop(t)
		// Built with -race under make test, the server reports its races
		// on its own stderr; they are this test's failures.
		if log := p.errb.String(); strings.Contains(log, "WARNING: DATA RACE") {
			i := strings.Index(log, "WARNING: DATA RACE")
			t.Errorf("%s reported a data race:\n%s", name, faultClip(log[i:], 6000))
		}
	})
	return p
}

// running reports whether the process has not exited.
func (p *faultProc) running() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *faultProc) kill(t *testing.T) {
	t.Helper()
	if !p.running() {
		t.Fatalf("%s had already exited (%v) before the kill\nstderr: %s", p.name, p.waitErr, faultTail(p.errb.String(), 3000))
	}
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
}

// stop ends the process with SIGTERM (SIGKILL after 15 s) if it still runs.
func (p *faultProc) stop(t *testing.T) {
	if !p.running() {
		return
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(15 * time.Second):
		p.cmd.Process.Kill()
		<-p.exited
		t.Errorf("%s ignored SIGTERM for 15 s", p.name)
	}
}

// waitFor waits until the process printed marker on stdout and returns the
// word that follows it.
func (p *faultProc) waitFor(t *testing.T, marker string, timeout time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if _, after, ok := strings.Cut(p.out.String(), marker); ok {
			if word, _, ok := strings.Cut(after, " "); ok {
				return strings.TrimSpace(word)
			}
		}
		if !p.running() {
			t.Fatalf("%s exited (%v) before printing %q\nstdout: %s\nstderr: %s", p.name, p.waitErr, marker, p.out.String(), faultTail(p.errb.String(), 4000))
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s printed no %q in %s\nstdout: %s\nstderr: %s", p.name, marker, timeout, p.out.String(), faultTail(p.errb.String(), 4000))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// tail keeps the end of a long log for a failure message.
func faultTail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

// faultLedger is `banx ledger serve` on a data directory, closing a ledger
// every second unless told otherwise.
type faultLedger struct {
	*faultProc
	url string
}

func startFaultLedger(t *testing.T) *faultLedger {
	t.Helper()
	return startFaultLedgerEvery(t, time.Second)
}

// startFaultLedgerEvery is startFaultLedger closing a ledger every interval.
func startFaultLedgerEvery(t *testing.T, interval time.Duration) *faultLedger {
	t.Helper()
	p := startFaultProc(t, "banx ledger serve", nil, "ledger", "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(),
		"--close-interval", interval.String(), "--log-level", "warn")
	return &faultLedger{faultProc: p, url: p.waitFor(t, "Embedded XRP Ledger at ", 30*time.Second)}
}

// faultNode is `banx serve` on a fixed data directory and address, so that it
// can be killed and started again where clients and the data expect it.
type faultNode struct {
	t       *testing.T
	addr    string
	dataDir string
	environ map[string]string
	args    []string // added to serve's
	p       *faultProc
	url     string
	starts  int
	logs    []string // stderr of every earlier run, for recovery statistics
}

// newFaultNode prepares a node on dataDir (t.TempDir() when empty) talking to
// ledgerURL (its own embedded ledger when empty); environ adds settings
// (BANX_IPFS_API, BANX_ANCHOR_SEED, ...).
func newFaultNode(t *testing.T, dataDir, ledgerURL string, environ map[string]string) *faultNode {
	if dataDir == "" {
		dataDir = t.TempDir()
	}
	env := map[string]string{"BANX_XRPL_URL": ledgerURL, "BANX_DATA_DIR": dataDir, "BANX_VIEW_DWELL": "0s", "BANX_LOG_LEVEL": "info"}
	for k, v := range environ {
		env[k] = v
	}
	return &faultNode{t: t, addr: freeAddr(t), dataDir: dataDir, environ: env}
}

// start runs `banx serve` and waits until it says it is serving.
func (n *faultNode) start() {
	n.t.Helper()
	n.launch()
	n.url = n.p.waitFor(n.t, "running at ", 60*time.Second)
}

// launch runs `banx serve` without waiting: it may still be resolving what
// the last run left in flight.
func (n *faultNode) launch() {
	n.t.Helper()
	if n.p != nil && n.p.running() {
		n.t.Fatal("banx serve is already running")
	}
	if n.p != nil {
		n.logs = append(n.logs, n.p.errb.String())
	}
	n.starts++
	n.p = startFaultProc(n.t, fmt.Sprintf("banx serve (start %d)", n.starts), n.environ, append([]string{"serve", "--addr", n.addr}, n.args...)...)
}

// kill is kill -9.
func (n *faultNode) kill() { n.t.Helper(); n.p.kill(n.t) }

// stderr is every log line of every run so far.
func (n *faultNode) stderr() string {
	s := strings.Join(n.logs, "")
	if n.p != nil {
		s += n.p.errb.String()
	}
	return s
}

// operatorToken is the bearer token serve created on first start.
func (n *faultNode) operatorToken() string {
	b, err := os.ReadFile(filepath.Join(n.dataDir, "operator-token"))
	if err != nil {
		n.t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// faultHTTP is a client with a bound on every request, so a wedged server
// fails the test instead of hanging it.
var faultHTTP = &http.Client{Timeout: 60 * time.Second}

// faultDown reports whether err means the server was not there (killed, or
// not yet listening): the request was not acknowledged.
func faultDown(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		strings.Contains(err.Error(), "EOF") || errors.Is(err, context.DeadlineExceeded)
}
