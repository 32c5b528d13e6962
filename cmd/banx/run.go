package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
)

// env is how commands read the environment; tests pass a map instead of os.Getenv.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// command is one subcommand: its name, a one-line summary and its entry point.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, e env) error
}

func commands() []command {
	return []command{
		{"serve", "run the web server (and the embedded ledger and content store by default)", runServe},
		{"ledger", "run the embedded standalone XRP Ledger (ledger serve)", runLedger},
		{"content", "add a file to, or get a CID from, the configured content store", runContent},
		{"verify", "verify an article's anchor using only an XRPL node and an IPFS node", runVerify},
		{"views", "audit the view ledger's hash chain (views audit)", runViews},
		{"token", "set up the BXE token, show its status, add an author's trust line (token setup|status|trustline)", runToken},
		{"payout", "plan, run and inspect BXE reward payouts (payout plan|run|status|proof|beneficiaries|decline)", runPayout},
		{"publish", "publish ARTICLE.md: sign in with your key, store on IPFS, anchor (self or batch), save the proof", runPublish},
		{"media", "upload an image for your article (media add FILE): prints its CID and the front matter to use", runMedia},
		{"login", "sign in to a Banx server with your wallet key", runLogin},
		{"wallet", "make or show an author key (wallet new --out FILE | wallet address)", runWallet},
		{"version", "print the version", runVersion},
	}
}

// run is the whole program: main only wires the process to it, so tests can run
// any command in-process with their own arguments, environment and streams.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		if len(args) == 0 {
			return usageError("no command given")
		}
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			if err := c.run(ctx, args[1:], e); err != nil {
				return &cleanErr{err}
			}
			return nil
		}
	}
	usage(stderr)
	return usageError(fmt.Sprintf("unknown command %q", args[0]))
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: banx <command> [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'banx <command> -h' for a command's flags.")
}

// errUsage marks errors caused by how banx was called; they exit with status 2.
type errUsage struct{ msg string }

func (e *errUsage) Error() string { return e.msg }

func usageError(msg string) error { return &errUsage{msg} }

// exitCode maps an error to the process exit status: 2 for usage errors (as flag
// does), 1 for everything else.
func exitCode(err error) int {
	var ue *errUsage
	if errors.As(err, &ue) || errors.Is(err, flag.ErrHelp) {
		return 2
	}
	var coded interface{ ExitCode() int }
	if errors.As(err, &coded) {
		return coded.ExitCode()
	}
	return 1
}

// newFlagSet returns a flag set that reports errors instead of exiting.
func newFlagSet(name string, e env) *flag.FlagSet {
	fs := flag.NewFlagSet("banx "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}
