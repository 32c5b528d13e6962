package main

import (
	"context"
	"io"
	"path/filepath"

	"github.com/banxmedia/banx/internal/ipfs/embedded"
	"github.com/banxmedia/banx/internal/ipfs/kubo"
)

// contentStore is the method set the commands use; both IPFS adapters satisfy it.
type contentStore interface {
	Add(ctx context.Context, r io.Reader) (string, error)
	Cat(ctx context.Context, cid string) (io.ReadCloser, error)
	Pinned(ctx context.Context, cid string) (bool, error)
	Kind() string
	Ping(ctx context.Context) error
	Close() error
}

// openStore returns Kubo when BANX_IPFS_API names a daemon, and otherwise the
// embedded store in the data directory, which computes the same CIDs.
func openStore(ctx context.Context, cfg Config) (contentStore, error) {
	if cfg.IPFSAPI != "" {
		return kubo.Open(kubo.Config{API: cfg.IPFSAPI})
	}
	return embedded.Open(filepath.Join(cfg.DataDir, "ipfs"))
}
