package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/Peersyst/xrpl-go/pkg/crypto"
	"github.com/Peersyst/xrpl-go/xrpl/interfaces"
	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/internal/address"
	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/verify"
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
		return usageError("wallet needs a subcommand: new --out FILE, address, or fund ADDRESS")
	}
	sub, args := args[0], args[1:]
	if isHelp(sub) {
		fmt.Fprint(e.stdout, walletUsage)
		return nil
	}
	fs := newFlagSet("wallet "+sub, e)
	switch sub {
	case "fund":
		return walletFund(ctx, fs, args, e)
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
		seedFile := fs.String("seed-file", e.getenv("BANX_SEED_FILE"), "seed file (mode 0600) [$BANX_SEED_FILE]; or the seed in $BANX_SEED")
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
	return usageError(fmt.Sprintf("unknown wallet subcommand %q: want new, address or fund", sub))
}

func saveNewWallet(path string, w *wallet.Wallet, e env) error {
	if err := writeSeedFile(path, w); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "address     %s\nseed file   %s (mode 0600; keep it secret, back it up)\n", w.ClassicAddress, path)
	return nil
}

// walletUsage lists `banx wallet`'s subcommands (banx wallet -h).
const walletUsage = `usage: banx wallet <subcommand> [flags]

subcommands:
  new --out FILE   make a new author key; the seed goes to FILE (mode 0600), only the address is printed
  address          show the address and public key of a seed ($BANX_SEED or --seed-file, $BANX_SEED_FILE)
  fund ADDRESS     fund an account with XRP from the embedded development ledger's faucet
                   (embedded network only; on testnet use the XRPL testnet faucet)

Run 'banx wallet <subcommand> -h' for its flags.
`

// faucetXRP is a plain XRP amount the faucet accepts: at most 1,000,000 XRP
// with at most 6 decimals.
var faucetXRP = regexp.MustCompile(`^[0-9]{1,7}(\.[0-9]{1,6})?$`)

// walletFund implements `banx wallet fund ADDRESS`: it asks the embedded
// development ledger's faucet (POST /accounts, served only in dev mode) to
// send XRP to ADDRESS, so that a new author can pay for a trust line or a
// self anchor. It refuses any network but the embedded one: real networks
// have no Banx faucet.
func walletFund(ctx context.Context, fs *flag.FlagSet, args []string, e env) error {
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: banx wallet fund ADDRESS [--xrp AMOUNT]

Funds ADDRESS with XRP from the faucet of the embedded development ledger that
`+"`banx serve`"+` (or `+"`banx ledger serve`"+`) runs: at --xrpl if given, else at
--ledger-addr. Only on the embedded network; a testnet or mainnet account is
funded from another account (testnet: the XRPL testnet faucet).

flags:
`)
		fs.PrintDefaults()
	}
	cfg := DefaultConfig()
	cfg.bind(fs, e.getenv, "xrpl", "ledger-addr", "network")
	amount := fs.String("xrp", "1000", "how much XRP to send (at most 1000000, 6 decimals)")
	timeout := fs.Duration("timeout", 30*time.Second, "give up after this long")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("wallet fund takes exactly one ADDRESS (the classic address to fund)")
	}
	dest := fs.Arg(0)
	switch {
	case !address.IsClassic(dest):
		return usageError(fmt.Sprintf("%q is not an XRP Ledger classic address", clipArg(dest)))
	case !faucetXRP.MatchString(*amount):
		return usageError(fmt.Sprintf("--xrp must be a plain XRP amount such as 1000 or 12.5, got %q", clipArg(*amount)))
	case *timeout <= 0:
		return usageError("--timeout must be positive")
	}
	if err := cfg.Validate(); err != nil {
		return usageError(banx.ErrorMessage(err))
	}
	network, _, err := cfg.tokenNetwork()
	if err != nil {
		return usageError(banx.ErrorMessage(err))
	}
	if network != "embedded" {
		return usageError(fmt.Sprintf("wallet fund works only on the embedded development ledger, not on %s: "+
			"there is no Banx faucet there; send XRP to %s from a funded account (on testnet, the XRPL testnet faucet gives some)", network, dest))
	}
	faucet := "http://" + cfg.LedgerAddr + "/accounts"
	if cfg.XRPLURL != "" {
		u, _ := url.Parse(cfg.XRPLURL)
		switch u.Scheme {
		case "ws":
			u.Scheme = "http"
		case "wss":
			u.Scheme = "https"
		}
		u.Path, u.RawQuery, u.Fragment = "/accounts", "", ""
		faucet = u.String()
	}
	body, _ := json.Marshal(map[string]string{"destination": dest, "xrpAmount": *amount})
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, faucet, bytes.NewReader(body))
	if err != nil {
		return usageError(fmt.Sprintf("faucet URL %s: %v", faucet, err))
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return banx.Errorf(banx.EUNAVAILABLE, "no embedded ledger answered at %s: start `banx serve` (or `banx ledger serve`) first, or give --ledger-addr/--xrpl (%v)", faucet, unwrapErr(err))
	}
	defer resp.Body.Close()
	var out struct {
		Amount  json.Number `json:"amount"`
		Balance json.Number `json:"balance"`
		TxHash  string      `json:"transactionHash"`
		Error   string      `json:"error"`
	}
	dec := json.NewDecoder(io.LimitReader(resp.Body, 64<<10))
	derr := dec.Decode(&out)
	switch {
	case resp.StatusCode == http.StatusForbidden:
		return banx.Errorf(banx.EFORBIDDEN, "the ledger at %s has its faucet off (it does not run in dev mode): %s", faucet, verify.Printable(out.Error))
	case resp.StatusCode == http.StatusNotFound:
		return banx.Errorf(banx.ENOTFOUND, "%s has no faucet (HTTP 404): it is not Banx's embedded development ledger", faucet)
	case resp.StatusCode != http.StatusOK:
		return banx.Errorf(banx.EUNAVAILABLE, "the faucet at %s refused: HTTP %d: %s", faucet, resp.StatusCode, verify.Printable(out.Error))
	case derr != nil || out.TxHash == "":
		return banx.Errorf(banx.EUNAVAILABLE, "the faucet at %s answered something else than a faucet payment", faucet)
	}
	fmt.Fprintf(e.stdout, "funded      %s with %s XRP\nbalance     %s XRP\ntransaction %s\n", dest, out.Amount, out.Balance, verify.Printable(out.TxHash))
	return nil
}

// clipArg bounds a user's argument quoted in an error.
func clipArg(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// unwrapErr drops net/url's "Post "URL": " prefix, which repeats the URL.
func unwrapErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
