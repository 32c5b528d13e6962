package main

import (
	"context"
	"io"
	"path/filepath"

	"github.com/banxmedia/banx/internal/banx"
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
// embedded store in the data directory, which computes the same CIDs. A daemon
// whose settings would change CIDs is refused at once; one that does not answer
// yet is accepted, and /healthz reports it until it does.
func openStore(ctx context.Context, cfg Config) (contentStore, error) {
	if cfg.IPFSAPI != "" {
		s, err := kubo.Open(kubo.Config{API: cfg.IPFSAPI})
		if err != nil {
			return nil, err
		}
		if err := s.Verify(ctx); err != nil && banx.ErrorCode(err) != banx.EUNAVAILABLE {
			s.Close()
			return nil, err
		}
		return s, nil
	}
	return embedded.Open(filepath.Join(cfg.DataDir, "ipfs"))
}
