package main

import (
	"context"
	"fmt"
	"runtime"
)

// version is set at build time by the Makefile (-ldflags "-X main.version=...").
var version = "dev"

func runVersion(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("version", e)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(fmt.Sprintf("version takes no arguments, got %q", fs.Args()))
	}
	fmt.Fprintf(e.stdout, "banx %s (%s, %s/%s)\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}
