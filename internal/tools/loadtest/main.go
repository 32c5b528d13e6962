// Command loadtest puts a Banx server under the load of many readers at once:
// each simulated reader, on its own loopback network and cookie jar, reads an
// article page, fetches a view token and sends the view beacon, again and
// again, for a bounded time. It reports requests, errors, latency percentiles
// per kind of request and the server's resident memory before and after.
//
// By default it starts its own stack: `banx serve` on a fresh data directory
// and free loopback ports (embedded ledger and IPFS store), a funded author
// wallet, and one article published with `banx publish`. With -url it targets
// a running server instead, and -article names the article to read.
//
//	go run ./internal/tools/loadtest -banx bin/banx -duration 60s -conns 1000
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// config is the harness's flags.
type config struct {
	banx     string
	url      string
	article  int64
	duration time.Duration
	conns    int
	keep     bool
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	var c config
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.StringVar(&c.banx, "banx", "bin/banx", "banx binary to start (ignored with -url)")
	fs.StringVar(&c.url, "url", "", "base URL of a running server; empty starts one")
	fs.Int64Var(&c.article, "article", 0, "article id to read (with -url)")
	fs.DurationVar(&c.duration, "duration", 60*time.Second, "how long to load the server (1s to 10m)")
	fs.IntVar(&c.conns, "conns", 1000, "concurrent readers, one connection each (1 to 20000)")
	fs.BoolVar(&c.keep, "keep", false, "keep the started server's data directory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case c.duration < time.Second || c.duration > 10*time.Minute:
		return fmt.Errorf("-duration must be 1s to 10m, got %s", c.duration)
	case c.conns < 1 || c.conns > 20000:
		return fmt.Errorf("-conns must be 1 to 20000, got %d", c.conns)
	case c.url != "" && c.article <= 0:
		return fmt.Errorf("-url needs -article, the id of a published article")
	}
	if err := raiseFileLimit(c.conns); err != nil {
		return err
	}
	target := &stack{url: c.url, article: c.article}
	if c.url == "" {
		var err error
		if target, err = startStack(ctx, c.banx, out); err != nil {
			return err
		}
		defer target.stop(c.keep, out)
	}
	fmt.Fprintf(out, "target   %s, article %d\nload     %d readers for %s\n", target.url, target.article, c.conns, c.duration)
	rssBefore, cpuBefore := target.rss(), target.cpu()
	rep, err := load(ctx, target, c.conns, c.duration)
	if err != nil {
		return err
	}
	rep.rssBefore, rep.rssAfter, rep.rssPeak = rssBefore, target.rss(), target.peakRSS()
	rep.cpu = target.cpu() - cpuBefore
	rep.print(out)
	if target.token != "" {
		target.printMetrics(ctx, out)
	}
	return nil
}

// raiseFileLimit lifts the soft limit on open files to the hard limit: each
// reader holds a socket here and the server (which inherits the limit) holds
// the other end, and a common soft limit of 1024 would turn a run of 1000
// readers into "too many open files" errors that measure the shell, not Banx.
// It fails with the numbers when even the hard limit is too low.
func raiseFileLimit(conns int) error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return fmt.Errorf("read the open-file limit: %v", err)
	}
	if lim.Cur < lim.Max {
		lim.Cur = lim.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
			return fmt.Errorf("raise the open-file limit to %d: %v", lim.Max, err)
		}
	}
	if need := uint64(conns) + 256; lim.Cur < need {
		return fmt.Errorf("-conns %d needs at least %d open files, the hard limit is %d (raise it with ulimit -Hn as root)", conns, need, lim.Cur)
	}
	return nil
}
