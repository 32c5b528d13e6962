package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/ledger"
)

// TestParseFlags checks the one flag parser every command uses: flags before
// and after the positional arguments, "--" ending the flags, "-" positional,
// and unknown flags reported by name.
func TestParseFlags(t *testing.T) {
	newFS := func() (*flag.FlagSet, *string, *bool) {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		return fs, fs.String("o", "", ""), fs.Bool("json", false, "")
	}
	for _, tc := range []struct {
		name string
		args []string
		o    string
		json bool
		pos  []string
	}{
		{"OKBefore", []string{"-o", "f", "--json", "CID"}, "f", true, []string{"CID"}},
		{"OKAfter", []string{"CID", "-o", "f", "--json"}, "f", true, []string{"CID"}},
		{"OKBetween", []string{"a", "--o=f", "b", "-json=false", "c"}, "f", false, []string{"a", "b", "c"}},
		{"OKDashDash", []string{"-o", "f", "--", "-json", "-o"}, "f", false, []string{"-json", "-o"}},
		{"OKDashDashAfterPositional", []string{"a", "--", "--json"}, "", false, []string{"a", "--json"}},
		{"OKStdin", []string{"-", "--json"}, "", true, []string{"-"}},
		{"OKValueLooksLikeFlag", []string{"-o", "--json", "x"}, "--json", false, []string{"x"}},
		{"OKNone", nil, "", false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs, o, js := newFS()
			if err := parseFlags(fs, tc.args); err != nil {
				t.Fatal(err)
			}
			if *o != tc.o || *js != tc.json || !slices.Equal(fs.Args(), tc.pos) && len(fs.Args())+len(tc.pos) > 0 {
				t.Fatalf("o=%q json=%v args=%q; want %q %v %q", *o, *js, fs.Args(), tc.o, tc.json, tc.pos)
			}
		})
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"ErrUnknownAfter", []string{"CID", "--trust-me"}, "flag provided but not defined: -trust-me"},
		{"ErrNoValue", []string{"CID", "-o"}, "flag needs an argument: -o"},
		{"ErrBadBool", []string{"CID", "--json=maybe"}, `invalid boolean value "maybe" for -json`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs, _, _ := newFS()
			err := parseFlags(fs, tc.args)
			if exitCode(err) != 2 || !strings.Contains(fmt.Sprint(err), tc.want) {
				t.Fatalf("err = %v, want usage error with %q", err, tc.want)
			}
		})
	}
	t.Run("OKHelp", func(t *testing.T) {
		fs, _, _ := newFS()
		if err := parseFlags(fs, []string{"CID", "-h"}); !errors.Is(err, flag.ErrHelp) {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestErrorText checks that a cause already said in an error's message is not
// printed again, and that a part is not repeated right after itself.
func TestErrorText(t *testing.T) {
	cause := errors.New("invalid cid: invalid cid: length greater than remaining number of bytes in buffer")
	for _, tc := range []struct {
		err  error
		want string
	}{
		{banx.Wrap(banx.EINVALID, cause, `cid "x" is malformed: %v`, cause), `invalid: cid "x" is malformed: invalid cid: length greater than remaining number of bytes in buffer`},
		{banx.Wrap(banx.EUNAVAILABLE, errors.New("connection refused"), "open store"), "unavailable: open store: connection refused"},
		{banx.Errorf(banx.ENOTFOUND, "block b not found"), "not_found: block b not found"},
		{usageError("a: a: b"), "a: b"},
	} {
		if got := (&cleanErr{tc.err}).Error(); got != tc.want {
			t.Errorf("got  %q\nwant %q", got, tc.want)
		}
	}
	wrapped := &cleanErr{usageError("x")}
	if exitCode(wrapped) != 2 {
		t.Errorf("exit code lost through cleanErr")
	}
}

// TestContentGetFlagsAfter stores a file in the embedded content store, then
// reads it back with `content get CID -o FILE` as the README writes it; a
// malformed CID names its cause once.
func TestContentGetFlagsAfter(t *testing.T) {
	ctx := context.Background()
	environ := map[string]string{"BANX_DATA_DIR": t.TempDir()}
	dir := t.TempDir()
	src := filepath.Join(dir, "in.txt")
	os.WriteFile(src, []byte("hello from the content store\n"), 0o600)
	out, err := cli(ctx, environ, "content", "add", src)
	cid := field(out, "cid")
	if err != nil || cid == "" {
		t.Fatalf("add: %v\n%s", err, out)
	}
	for name, args := range map[string][]string{
		"After":  {"content", "get", cid, "-o", filepath.Join(dir, "after.txt")},
		"Before": {"content", "get", "-o", filepath.Join(dir, "before.txt"), cid},
		"Equals": {"content", "get", cid, "--o=" + filepath.Join(dir, "equals.txt")},
	} {
		t.Run("OK"+name, func(t *testing.T) {
			if _, err := cli(ctx, environ, args...); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(dir, strings.ToLower(name)+".txt"))
			if err != nil || string(got) != "hello from the content store\n" {
				t.Fatalf("%q, %v", got, err)
			}
		})
	}
	t.Run("OKDashDash", func(t *testing.T) {
		out, err := cli(ctx, environ, "content", "get", "--", cid)
		if err != nil || out != "hello from the content store\n" {
			t.Fatalf("%q, %v", out, err)
		}
	})
	t.Run("ErrMalformedOnce", func(t *testing.T) {
		_, err := cli(ctx, environ, "content", "get", "bafkreiaaaa", "-o", filepath.Join(dir, "x"))
		if err == nil || exitCode(err) != 1 || strings.Count(err.Error(), "length greater than remaining") != 1 || strings.Count(err.Error(), "invalid cid") != 1 {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestWalletFundFaucetOff asks a ledger that does not run in dev mode to
// fund an account: the refusal says the faucet is off.
func TestWalletFundFaucetOff(t *testing.T) {
	ctx := context.Background()
	cfg := ledger.DefaultConfig()
	cfg.Dev, cfg.Logger = false, slog.New(slog.NewTextHandler(io.Discard, nil))
	l, err := ledger.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	srv, url, err := serveLedger(l, "127.0.0.1:0", cfg.Logger)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	_, err = cli(ctx, map[string]string{"BANX_LEDGER_ADDR": strings.TrimPrefix(url, "http://")}, "wallet", "fund", ledger.GenesisAddress)
	if err == nil || exitCode(err) != 1 || !strings.Contains(err.Error(), "has its faucet off (it does not run in dev mode)") {
		t.Fatalf("err = %v", err)
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"wallet", "fund", "-h"}, func(string) string { return "" }, nil, &out, &out); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("fund -h: %v", err)
	}
}
