// Package kubotest runs a real, throwaway Kubo daemon for tests and benchmarks.
// Banx's Kubo adapter, its HTTP end-to-end tests and the publishing tests all need
// the genuine daemon rather than a mock, because what matters (identical CIDs, the
// RPC API's error shapes) is exactly what a mock would assume.
//
// Each daemon gets a fresh repository (`ipfs init --profile=test`: loopback only,
// random ports, no bootstrap peers) and runs with --offline, so tests never touch
// the network. A missing binary is a test failure with the command that builds it,
// never a skip.
package kubotest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// EnvBinary names the environment variable that overrides where the Kubo binary is.
const EnvBinary = "BANX_KUBO_BIN"

// startTimeout bounds how long a daemon may take to answer its API.
const startTimeout = 30 * time.Second

// Daemon is a running Kubo daemon with its own temporary repository.
type Daemon struct {
	// API is the RPC API address as Kubo writes it, a multiaddr such as
	// /ip4/127.0.0.1/tcp/41234.
	API string
	// URL is the same address as a base URL, http://127.0.0.1:41234.
	URL string
	// Repo is the daemon's IPFS_PATH; it is removed by Stop.
	Repo string

	cmd     *exec.Cmd
	output  *syncBuffer
	exited  chan struct{}
	waitErr error
	once    sync.Once
}

// Options adjust a daemon's repository before it starts.
type Options struct {
	// Profiles are `ipfs init` profiles applied before the "test" profile, for
	// example "pebbleds" for Kubo's LSM datastore instead of flatfs.
	Profiles []string
	// Config entries are applied as by `ipfs config --json <key> <value>`;
	// values are JSON.
	Config map[string]string
}

// Start starts a daemon for one test or benchmark, stops it in tb.Cleanup and
// returns it. It fails tb if the daemon cannot start.
func Start(tb testing.TB) *Daemon {
	tb.Helper()
	return StartWith(tb, Options{})
}

// StartWith is Start for a daemon configured by opts.
func StartWith(tb testing.TB, opts Options) *Daemon {
	tb.Helper()
	d, err := StartDaemonWith(opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := d.Stop(); err != nil {
			tb.Errorf("stop Kubo daemon: %v", err)
		}
	})
	return d
}

// StartDaemon starts a daemon and waits until its API answers. It suits TestMain,
// where one daemon serves a whole package; the caller must call Stop.
func StartDaemon() (*Daemon, error) {
	return StartDaemonWith(Options{})
}

// StartDaemonWith is StartDaemon for a daemon configured by opts.
func StartDaemonWith(opts Options) (*Daemon, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	repo, err := os.MkdirTemp("", "banx-kubo-")
	if err != nil {
		return nil, fmt.Errorf("create Kubo repository directory: %w", err)
	}
	env := append(os.Environ(), "IPFS_PATH="+repo)
	profiles := strings.Join(append(slices.Clone(opts.Profiles), "test"), ",")
	init := exec.Command(bin, "init", "--profile="+profiles)
	init.Env = env
	if out, err := init.CombinedOutput(); err != nil {
		os.RemoveAll(repo)
		return nil, fmt.Errorf("ipfs init --profile=%s in %s: %v: %s", profiles, repo, err, out)
	}
	for key, value := range opts.Config {
		cmd := exec.Command(bin, "config", "--json", key, value)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			os.RemoveAll(repo)
			return nil, fmt.Errorf("ipfs config %s %s: %v: %s", key, value, err, out)
		}
	}
	d := &Daemon{Repo: repo, output: &syncBuffer{}}
	if err := d.launch(bin); err != nil {
		os.RemoveAll(repo)
		return nil, err
	}
	if err := d.waitReady(); err != nil {
		d.Stop()
		return nil, err
	}
	return d, nil
}

// launch starts `ipfs daemon --offline` on d's repository.
func (d *Daemon) launch(bin string) error {
	d.exited = make(chan struct{})
	d.cmd = exec.Command(bin, "daemon", "--offline")
	d.cmd.Env = append(os.Environ(), "IPFS_PATH="+d.Repo)
	d.cmd.Stdout, d.cmd.Stderr = d.output, d.output
	dieWithParent(d.cmd)
	if err := d.cmd.Start(); err != nil {
		return fmt.Errorf("start %s daemon: %w", bin, err)
	}
	cmd, exited := d.cmd, d.exited
	go func() {
		d.waitErr = cmd.Wait()
		close(exited)
	}()
	return nil
}

// Halt stops the daemon the way an operator or a crash would take IPFS away
// from a running Banx (SIGTERM, SIGKILL after 15 s), but keeps its repository,
// so Resume brings back everything it stored. Fault tests use the pair.
func (d *Daemon) Halt() error { return d.terminate() }

// Resume starts a halted daemon again on the same repository and the same API
// address, so a client configured with API finds it again, and waits until it
// answers.
func (d *Daemon) Resume(ctx context.Context) error {
	select {
	case <-d.exited:
	default:
		return fmt.Errorf("Kubo daemon is still running: Halt it first")
	}
	bin, err := Binary()
	if err != nil {
		return err
	}
	// The test profile picks a random API port at every start; pin the one
	// clients already know.
	if _, err := d.Run(ctx, "config", "Addresses.API", d.API); err != nil {
		return err
	}
	if err := d.launch(bin); err != nil {
		return err
	}
	return d.waitReady()
}

// Binary returns the path of the Kubo binary: $BANX_KUBO_BIN if set, otherwise
// bin/ipfs at the root of the Banx module, found by walking up from the working
// directory (a test's working directory is its package directory).
func Binary() (string, error) {
	if p := os.Getenv(EnvBinary); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("Kubo binary not found at %s (from %s): run `make tools` or fix %s", p, EnvBinary, EnvBinary)
		}
		return p, nil
	}
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	p := filepath.Join(root, "bin", "ipfs")
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("Kubo binary not found at %s: run `make tools` (or set %s)", p, EnvBinary)
	}
	return p, nil
}

// moduleRoot finds the directory of Banx's go.mod. It skips nested modules (such
// as internal/tools/kubo) by checking the module path.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && isBanxModule(b) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("Kubo binary not found: no Banx go.mod above the working directory; set %s", EnvBinary)
		}
		dir = parent
	}
}

func isBanxModule(gomod []byte) bool {
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 2 && f[0] == "module" {
			return f[1] == "github.com/banxmedia/banx"
		}
	}
	return false
}

// waitReady waits for the api file, then for POST /api/v0/version to answer.
func (d *Daemon) waitReady() error {
	deadline := time.Now().Add(startTimeout)
	client := &http.Client{Timeout: 2 * time.Second}
	for time.Now().Before(deadline) {
		select {
		case <-d.exited:
			return fmt.Errorf("Kubo daemon exited before answering (%v): %s", d.waitErr, d.output.String())
		case <-time.After(20 * time.Millisecond):
		}
		if d.API == "" {
			b, err := os.ReadFile(filepath.Join(d.Repo, "api"))
			if err != nil {
				continue
			}
			d.API = strings.TrimSpace(string(b))
			if d.URL, err = urlOf(d.API); err != nil {
				return err
			}
		}
		resp, err := client.Post(d.URL+"/api/v0/version", "", nil)
		if err != nil {
			continue
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			return nil
		}
	}
	return fmt.Errorf("Kubo daemon did not answer within %s: %s", startTimeout, d.output.String())
}

// urlOf turns Kubo's /ip4/<host>/tcp/<port> API file into a base URL.
func urlOf(maddr string) (string, error) {
	p := strings.Split(maddr, "/")
	if len(p) != 5 || p[0] != "" || (p[1] != "ip4" && p[1] != "ip6") || p[3] != "tcp" {
		return "", fmt.Errorf("Kubo API address %q is not /ip4|ip6/<host>/tcp/<port>", maddr)
	}
	host := p[2]
	if p[1] == "ip6" {
		host = "[" + host + "]"
	}
	return "http://" + host + ":" + p[4], nil
}

// Stop ends the daemon with SIGTERM (SIGKILL after 15 s), waits for it and removes
// its repository. It is safe to call more than once.
func (d *Daemon) Stop() error {
	var err error
	d.once.Do(func() {
		defer os.RemoveAll(d.Repo)
		err = d.terminate()
	})
	return err
}

// terminate ends the daemon process, if it runs, and waits for it.
func (d *Daemon) terminate() error {
	if d.cmd == nil || d.cmd.Process == nil {
		return nil
	}
	select {
	case <-d.exited:
		return nil
	default:
	}
	if err := d.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	select {
	case <-d.exited:
		return nil
	case <-time.After(15 * time.Second):
		d.cmd.Process.Kill()
		<-d.exited
		return fmt.Errorf("Kubo daemon ignored SIGTERM for 15 s and was killed: %s", d.output.String())
	}
}

// Output returns what the daemon has printed so far, for failure messages.
func (d *Daemon) Output() string { return d.output.String() }

// Run runs an ipfs command against this daemon's repository (for example
// "config", "Import.CidVersion") and returns its standard output.
func (d *Daemon) Run(ctx context.Context, args ...string) (string, error) {
	bin, err := Binary()
	if err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "IPFS_PATH="+d.Repo)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("ipfs %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out), nil
}

// syncBuffer collects daemon output; the daemon writes while tests may read it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() > 1<<20 { // keep memory bounded; the start of the log explains failures
		return len(p), nil
	}
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
