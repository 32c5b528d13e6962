package payout

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/Peersyst/xrpl-go/pkg/crypto"
	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/banx"
)

// LoadWallet returns the wallet of a seed given in an environment variable's
// value (envSeed, preferred when set) or in a file. A seed file that group or
// others may read is refused: whoever reads it can spend the account. Seeds
// never appear in an error, a log line or the database; errors name the file
// or the variable only.
func LoadWallet(what, path, envName, envSeed string) (*wallet.Wallet, error) {
	if s := strings.TrimSpace(envSeed); s != "" {
		if !anchor.SeedShaped(s) {
			return nil, banx.Errorf(banx.EINVALID, "%s seed in $%s is not a valid XRPL seed", what, envName)
		}
		w, err := wallet.FromSeed(s, "")
		if err != nil {
			return nil, banx.Errorf(banx.EINVALID, "%s seed in $%s is not a valid XRPL seed", what, envName)
		}
		return &w, nil
	}
	if path == "" {
		return nil, banx.Errorf(banx.EINVALID, "%s seed: set $%s or give a seed file", what, envName)
	}
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, banx.Errorf(banx.ENOTFOUND, "%s seed file %s does not exist (or set $%s)", what, path, envName)
	}
	if err != nil {
		return nil, banx.Wrap(banx.EUNAVAILABLE, err, "read %s seed file %s", what, path)
	}
	if info.Mode().Perm()&0o077 != 0 {
		return nil, banx.Errorf(banx.EINVALID, "%s seed file %s has mode %04o: it must not be readable by group or others (chmod 600)", what, path, info.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, banx.Wrap(banx.EUNAVAILABLE, err, "read %s seed file %s", what, path)
	}
	seed := strings.TrimSpace(string(b))
	if !anchor.SeedShaped(seed) {
		return nil, banx.Errorf(banx.EINVALID, "%s seed file %s does not hold a valid XRPL seed", what, path)
	}
	w, err := wallet.FromSeed(seed, "")
	if err != nil {
		return nil, banx.Errorf(banx.EINVALID, "%s seed file %s does not hold a valid XRPL seed", what, path)
	}
	return &w, nil
}

// EnsureSeedFile loads the wallet in path, creating a fresh secp256k1 seed there
// (mode 0600, in a 0700 directory) when the file does not exist yet.
func EnsureSeedFile(what, path string) (w *wallet.Wallet, created bool, err error) {
	if _, err := os.Stat(path); err == nil {
		w, err := LoadWallet(what, path, "", "")
		return w, false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, banx.Wrap(banx.EUNAVAILABLE, err, "create wallet directory %s", filepath.Dir(path))
	}
	nw, err := wallet.New(crypto.SECP256K1())
	if err != nil {
		return nil, false, banx.Wrap(banx.EINTERNAL, err, "generate %s wallet", what)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, false, banx.Wrap(banx.EUNAVAILABLE, err, "create %s seed file %s", what, path)
	}
	_, werr := f.WriteString(nw.Seed + "\n")
	if serr := f.Sync(); werr == nil {
		werr = serr
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		os.Remove(path)
		return nil, false, banx.Wrap(banx.EUNAVAILABLE, werr, "write %s seed file %s", what, path)
	}
	return &nw, true, nil
}
