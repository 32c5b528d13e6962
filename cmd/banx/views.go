package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/sqlite"
	"github.com/banxmedia/banx/internal/views"
)

// runViews is `banx views audit [--data DIR]`: it re-walks the view ledger's
// hash chain and fails (exit 1) at the first break, naming the record and what
// differs. It needs no key and may run while `banx serve` is running.
func runViews(ctx context.Context, args []string, e env) error {
	if len(args) == 0 || args[0] != "audit" {
		fmt.Fprintln(e.stderr, "usage: banx views audit [--data DIR]\n\n  audit   re-walk the view ledger's hash chain and report the first break")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			return nil
		}
		return usageError("views: want the subcommand audit")
	}
	cfg := DefaultConfig()
	fs := newFlagSet("views audit", e)
	cfg.bind(fs, e.getenv, "data")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(fmt.Sprintf("views audit takes no arguments, got %q", fs.Args()))
	}
	path := filepath.Join(cfg.DataDir, "banx.db")
	if _, err := os.Stat(path); err != nil {
		return banx.Wrap(banx.ENOTFOUND, err, "no database at %s (set --data or BANX_DATA_DIR)", path)
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := db.AuditViews(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, a.String())
	if a.Break != nil {
		return a.Break
	}
	return nil
}

// openViewLedger loads (or creates) the view key and opens the view ledger on db
// with the configured dwell time.
func openViewLedger(ctx context.Context, cfg Config, db *sqlite.DB) (*sqlite.ViewLedger, error) {
	key, err := loadViewKey(cfg.viewKeyPath())
	if err != nil {
		return nil, err
	}
	dwell, err := parseViewDwell(cfg.ViewDwell)
	if err != nil {
		return nil, err
	}
	policy := views.DefaultPolicy()
	policy.Dwell = dwell
	return db.OpenViewLedger(ctx, sqlite.ViewLedgerConfig{Key: key, Policy: policy})
}

// viewKeyPath is where the view key lives unless configured.
func (c *Config) viewKeyPath() string {
	if c.ViewKeyFile != "" {
		return c.ViewKeyFile
	}
	return filepath.Join(c.DataDir, "view-key")
}

// maxViewDwell keeps the dwell well inside the token lifetime (one hour).
const maxViewDwell = 10 * time.Minute

// parseViewDwell reads BANX_VIEW_DWELL: a Go duration from 0 to 10m.
func parseViewDwell(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, banx.Errorf(banx.EINVALID, "view-dwell (BANX_VIEW_DWELL): %q is not a duration such as 10s", v)
	}
	if d < 0 || d > maxViewDwell {
		return 0, banx.Errorf(banx.EINVALID, "view-dwell (BANX_VIEW_DWELL): %s is outside 0s to %s", d, maxViewDwell)
	}
	return d, nil
}

// parseTrustedProxies reads BANX_TRUSTED_PROXIES: comma-separated IP addresses
// or CIDR prefixes. Empty means no proxy is trusted.
func parseTrustedProxies(v string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(v, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if a, err := netip.ParseAddr(f); err == nil {
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, banx.Errorf(banx.EINVALID, "trusted-proxies (BANX_TRUSTED_PROXIES): %q is not an IP address or CIDR prefix", f)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// loadViewKey returns the secret key that signs view tokens and keys the reader
// and network hashes. It is created (32 random bytes, hex, mode 0600) on first
// start; a key file that group or others can read is refused. The key is never
// printed or logged: whoever holds it can mint tokens. Replacing it invalidates
// outstanding tokens and starts deduplication afresh (new hashes).
func loadViewKey(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, banx.Wrap(banx.EUNAVAILABLE, err, "create directory for view key %s", path)
		}
		key := make([]byte, views.MinKeySize)
		rand.Read(key)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, banx.Wrap(banx.EUNAVAILABLE, err, "create view key file %s", path)
		}
		_, werr := f.WriteString(hex.EncodeToString(key) + "\n")
		if serr := f.Sync(); werr == nil {
			werr = serr
		}
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			os.Remove(path)
			return nil, banx.Wrap(banx.EUNAVAILABLE, werr, "write view key file %s", path)
		}
		return key, nil
	}
	if err != nil {
		return nil, banx.Wrap(banx.EUNAVAILABLE, err, "read view key file %s", path)
	}
	if info.Mode().Perm()&0o077 != 0 {
		return nil, banx.Errorf(banx.EINVALID, "view key file %s has mode %04o: it must not be readable by group or others (chmod 600)", path, info.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, banx.Wrap(banx.EUNAVAILABLE, err, "read view key file %s", path)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(data)))
	if err != nil || len(key) < views.MinKeySize {
		return nil, banx.Errorf(banx.EINVALID, "view key file %s must hold at least %d random bytes as hex", path, views.MinKeySize)
	}
	return key, nil
}
