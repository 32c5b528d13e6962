package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/banxmedia/banx/internal/banx"
)

// runContent implements `banx content add FILE|-` and `banx content get CID`.
// It talks to the configured store directly, so an operator can seed or inspect
// content without a running server.
func runContent(ctx context.Context, args []string, e env) error {
	if len(args) == 0 {
		return usageError("content needs a subcommand: add FILE|- or get CID [-o FILE]")
	}
	sub, args := args[0], args[1:]
	if isHelp(sub) {
		fmt.Fprint(e.stdout, contentUsage)
		return nil
	}
	cfg := DefaultConfig()
	fs := newFlagSet("content "+sub, e)
	cfg.bind(fs, e.getenv, "data", "ipfs-api")
	out := ""
	if sub == "get" {
		fs.StringVar(&out, "o", "", "write the content to this file instead of standard output")
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	switch sub {
	case "add":
		if fs.NArg() != 1 {
			return usageError("content add takes exactly one FILE (or - for standard input)")
		}
		return contentAdd(ctx, cfg, fs.Arg(0), e)
	case "get":
		if fs.NArg() != 1 {
			return usageError("content get takes exactly one CID")
		}
		return contentGet(ctx, cfg, fs.Arg(0), out, e)
	}
	return usageError(fmt.Sprintf("unknown content subcommand %q: want add or get", sub))
}

// contentUsage lists `banx content`'s subcommands (banx content -h).
const contentUsage = `usage: banx content <subcommand> [flags]

subcommands:
  add FILE|-            store a file (- reads standard input); prints its CID, SHA-256 and size
  get CID [-o FILE]     write the content of CID to standard output, or to FILE

Flags go before or after the arguments; -- ends the flags.
Run 'banx content <subcommand> -h' for its flags.
`

// maxContentBytes matches the server's largest accepted item (a 10 MiB image).
const maxContentBytes = 10 << 20

func contentAdd(ctx context.Context, cfg Config, path string, e env) error {
	var r io.Reader = e.stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return banx.Wrap(banx.EINVALID, err, "open %s", path)
		}
		defer f.Close()
		r = f
	}
	// Read whole (bounded) so an oversized or unreadable input stores nothing.
	data, err := io.ReadAll(io.LimitReader(r, maxContentBytes+1))
	if err != nil {
		return banx.Wrap(banx.EINVALID, err, "read %s", path)
	}
	if len(data) > maxContentBytes {
		return banx.Errorf(banx.ETOOLARGE, "%s is larger than %d bytes", path, maxContentBytes)
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	cid, err := store.Add(ctx, bytes.NewReader(data))
	if err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	fmt.Fprintf(e.stdout, "cid     %s\nsha256  %s\nsize    %d\nstore   %s\n", cid, hex.EncodeToString(sum[:]), len(data), store.Kind())
	return nil
}

func contentGet(ctx context.Context, cfg Config, cid, out string, e env) error {
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	rc, err := store.Cat(ctx, cid)
	if err != nil {
		return err
	}
	defer rc.Close()
	if out == "" {
		_, err = io.Copy(e.stdout, rc)
		return err
	}
	// Write to a temp file and rename, so a failed read never leaves a truncated file.
	tmp, err := os.CreateTemp(filepath.Dir(out), ".banx-get-*")
	if err != nil {
		return banx.Wrap(banx.EUNAVAILABLE, err, "create %s", out)
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, rc); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return banx.Wrap(banx.EUNAVAILABLE, err, "write %s", out)
	}
	return os.Rename(tmp.Name(), out)
}
