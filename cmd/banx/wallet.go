package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/Peersyst/xrpl-go/pkg/crypto"
	"github.com/Peersyst/xrpl-go/xrpl/interfaces"
	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/internal/address"
	"github.com/banxmedia/banx/internal/banx"
)

// maxSeedFileBytes bounds a seed file: a seed is 29-31 characters.
const maxSeedFileBytes = 256

// seedShaped reports whether s could be an encoded XRPL seed: "s" and 28 to
// 30 more characters of the XRPL's base58 alphabet. xrpl-go's decoder indexes
// a 256-entry table by rune and panics on any other character, so a seed
// pasted with a zero-width space or a lookalike letter must stop here.
func seedShaped(s string) bool {
	return len(s) >= 29 && len(s) <= 31 && s[0] == 's' && strings.Trim(s, address.Alphabet) == ""
}

// readSeedFile reads an XRPL seed from a file that only its owner can read.
// The seed never appears in an error message.
func readSeedFile(what, path string) (*wallet.Wallet, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, banx.Wrap(banx.EINVALID, err, "%s seed file %s cannot be read", what, path)
	}
	if info.Mode().Perm()&0o077 != 0 {
		return nil, banx.Errorf(banx.EINVALID, "%s seed file %s has mode %04o: it must not be readable by group or others (chmod 600)",
			what, path, info.Mode().Perm())
	}
	if !info.Mode().IsRegular() || info.Size() > maxSeedFileBytes {
		return nil, banx.Errorf(banx.EINVALID, "%s seed file %s is not a small regular file holding one seed", what, path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, banx.Wrap(banx.EINVALID, err, "%s seed file %s cannot be read", what, path)
	}
	return walletFromSeed(what, strings.TrimSpace(string(data)), "in "+path)
}

// walletFromSeed derives a wallet; where says where the seed came from, for
// the error, which never contains the seed.
func walletFromSeed(what, seed, where string) (*wallet.Wallet, error) {
	if !seedShaped(seed) {
		return nil, banx.Errorf(banx.EINVALID, "%s seed %s is not a valid XRPL seed", what, where)
	}
	w, err := wallet.FromSeed(seed, "")
	if err != nil {
		return nil, banx.Errorf(banx.EINVALID, "%s seed %s is not a valid XRPL seed", what, where)
	}
	return &w, nil
}

// authorWallet is the author's signing key for the CLI: BANX_SEED, or else the
// seed file. The seed stays on this machine: it signs locally and is never
// printed, logged or sent.
func authorWallet(seedFile string, getenv func(string) string) (*wallet.Wallet, error) {
	if seed := strings.TrimSpace(getenv("BANX_SEED")); seed != "" {
		if seedFile != "" {
			return nil, usageError("give the seed either in BANX_SEED or with --seed-file, not both")
		}
		return walletFromSeed("author", seed, "in BANX_SEED")
	}
	if seedFile == "" {
		return nil, usageError("no signing key: set BANX_SEED or pass --seed-file FILE (mode 0600); `banx wallet new --out FILE` makes one")
	}
	return readSeedFile("author", seedFile)
}

// writeSeedFile creates path (0600, failing if it exists) holding w's seed.
func writeSeedFile(path string, w *wallet.Wallet) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return banx.Wrap(banx.EUNAVAILABLE, err, "create directory for %s", path)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return banx.Errorf(banx.ECONFLICT, "%s already exists: refusing to overwrite a seed", path)
	}
	if err != nil {
		return banx.Wrap(banx.EUNAVAILABLE, err, "create %s", path)
	}
	_, werr := f.WriteString(w.Seed + "\n")
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		os.Remove(path)
		return banx.Wrap(banx.EUNAVAILABLE, werr, "write %s", path)
	}
	return nil
}

// runWallet implements `banx wallet new --out FILE [--ed25519]` and
// `banx wallet address [--seed-file FILE]`: make and inspect an author key
// without the seed ever being shown.
func runWallet(ctx context.Context, args []string, e env) error {
	if len(args) == 0 {
		return usageError("wallet needs a subcommand: new --out FILE, or address")
	}
	sub, args := args[0], args[1:]
	fs := newFlagSet("wallet "+sub, e)
	switch sub {
	case "new":
		out := fs.String("out", "", "file to write the new seed to (created with mode 0600; never overwritten)")
		ed := fs.Bool("ed25519", false, "make an ed25519 key instead of secp256k1")
		if err := parseFlags(fs, args); err != nil {
			return err
		}
		if *out == "" || fs.NArg() > 0 {
			return usageError("wallet new takes --out FILE and no arguments")
		}
		var alg interfaces.CryptoImplementation = crypto.SECP256K1()
		if *ed {
			alg = crypto.ED25519()
		}
		w, err := wallet.New(alg)
		if err != nil {
			return banx.Wrap(banx.EINTERNAL, err, "generate key")
		}
		return saveNewWallet(*out, &w, e)
	case "address":
		seedFile := fs.String("seed-file", "", "seed file (mode 0600); default: BANX_SEED")
		if err := parseFlags(fs, args); err != nil {
			return err
		}
		w, err := authorWallet(*seedFile, e.getenv)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "address     %s\npublic key  %s\n", w.ClassicAddress, strings.ToUpper(w.PublicKey))
		return nil
	}
	return usageError(fmt.Sprintf("unknown wallet subcommand %q: want new or address", sub))
}

func saveNewWallet(path string, w *wallet.Wallet, e env) error {
	if err := writeSeedFile(path, w); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "address     %s\nseed file   %s (mode 0600; keep it secret, back it up)\n", w.ClassicAddress, path)
	return nil
}
