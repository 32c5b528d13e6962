package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/contracts"
	"github.com/banxmedia/banx/internal/banx"
	banxhttp "github.com/banxmedia/banx/internal/http"
	"github.com/banxmedia/banx/internal/ledger"
	"github.com/banxmedia/banx/internal/payout"
	"github.com/banxmedia/banx/internal/sqlite"
	"github.com/banxmedia/banx/internal/xrpl"
)

// tokenUsage lists `banx token`'s subcommands (banx token -h).
const tokenUsage = `usage: banx token <subcommand> [flags]

subcommands:
  setup       set up the BXE token on its issuer and distribution accounts; idempotent (operator)
  status      show the token's accounts, trust lines and supply on the ledger
  trustline   add an author's BXE trust line, signed locally with the author's seed

Run 'banx token <subcommand> -h' for its flags.
`

// runToken implements `banx token setup|status|trustline` for the BXE token.
// (token.go is the operator's bearer token; this file is the reward token.)
func runToken(ctx context.Context, args []string, e env) error {
	if len(args) == 0 {
		return usageError("token needs a subcommand: setup, status or trustline")
	}
	sub, args := args[0], args[1:]
	if isHelp(sub) {
		fmt.Fprint(e.stdout, tokenUsage)
		return nil
	}
	cfg := DefaultConfig()
	fs := newFlagSet("token "+sub, e)
	cfg.bind(fs, e.getenv, "data", "xrpl", "ledger-addr", "network", "issuer-seed-file", "distribution-seed-file")
	asJSON := fs.Bool("json", false, "print JSON instead of text")
	var seedFile *string
	if sub == "trustline" {
		seedFile = fs.String("seed-file", "", "the author's seed file (mode 0600), or set $BANX_AUTHOR_SEED; the seed is used locally and never sent")
	}
	switch sub {
	case "setup", "status", "trustline":
	default:
		return usageError(fmt.Sprintf("unknown token subcommand %q: want setup, status or trustline", sub))
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(fmt.Sprintf("token %s takes no arguments, got %q", sub, fs.Args()))
	}
	network, tn, err := cfg.tokenNetwork()
	if err != nil {
		return err
	}
	issuerW, distW, err := cfg.tokenWallets(e.getenv, sub == "setup")
	if err != nil {
		return err
	}
	client, err := cfg.dialLedger(ctx, network)
	if err != nil {
		return err
	}
	defer client.Close()
	tok, err := payout.NewToken(client, tn.currency, network, tn.network, issuerW, distW)
	if err != nil {
		return err
	}
	switch sub {
	case "setup":
		steps, err := tok.Setup(ctx, func(s payout.Step) {
			if !*asJSON {
				printStep(e.stdout, s)
			}
		})
		if err != nil {
			return err
		}
		if *asJSON {
			return writeRewardJSON(e.stdout, steps)
		}
		fmt.Fprintf(e.stdout, "BXE is set up on %s: issuer %s, distribution %s\n", network, tok.Issuer, tok.Distribution)
		return nil
	case "status":
		st, err := tok.Status(ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeRewardJSON(e.stdout, st)
		}
		printTokenStatus(e.stdout, st)
		return nil
	default:
		w, err := loadTokenWallet("author", *seedFile, "BANX_AUTHOR_SEED", e.getenv)
		if err != nil {
			return err
		}
		tx, err := tok.AddTrustLine(ctx, w)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeRewardJSON(e.stdout, map[string]any{"account": w.ClassicAddress.String(), "tx_hash": tx.Hash, "ledger_index": tx.LedgerIndex})
		}
		fmt.Fprintf(e.stdout, "%s now trusts %s for %s %s (tx %s, ledger %d)\n", w.ClassicAddress, tok.Issuer, tn.network.AuthorTrustLimit, tn.currency, tx.Hash, tx.LedgerIndex)
		return nil
	}
}

// tokenContract is the token contract's part that applies to one network.
type tokenContract struct {
	currency string
	network  contracts.TokenNetwork
}

// tokenNetwork names the contract network: BANX_NETWORK, or "embedded" when no
// remote ledger is configured. A remote ledger needs the network named, so a
// mainnet node is never treated with the dev ledger's settings.
func (c *Config) tokenNetwork() (string, tokenContract, error) {
	tok, err := contracts.LoadToken()
	if err != nil {
		return "", tokenContract{}, banx.Wrap(banx.EINTERNAL, err, "token contract")
	}
	n := c.Network
	if n == "" {
		if c.XRPLURL != "" {
			return "", tokenContract{}, banx.Errorf(banx.EINVALID, "network (BANX_NETWORK): required with a remote ledger (BANX_XRPL_URL): one of %s", strings.Join(contracts.Networks, ", "))
		}
		n = "embedded"
	}
	if !slices.Contains(contracts.Networks, n) {
		return "", tokenContract{}, banx.Errorf(banx.EINVALID, "network (BANX_NETWORK): %q is not one of %s", n, strings.Join(contracts.Networks, ", "))
	}
	net, _ := tok.Network(n)
	return n, tokenContract{currency: tok.Currency, network: net}, nil
}

// walletsDir is where seed files live unless configured elsewhere.
func (c *Config) walletsDir() string { return filepath.Join(c.DataDir, "wallets") }

// tokenWallets loads the issuer and distribution wallets from their seed files
// or environment variables. Unless required, a missing seed is not an error
// (the contract may name the addresses); a seed file readable by others always is.
func (c *Config) tokenWallets(getenv func(string) string, required bool) (issuer, distribution *wallet.Wallet, err error) {
	load := func(what, file, def, envName string) (*wallet.Wallet, error) {
		if file == "" {
			file = filepath.Join(c.walletsDir(), def)
		}
		w, err := loadTokenWallet(what, file, envName, getenv)
		if err != nil && !required && banx.ErrorCode(err) == banx.ENOTFOUND {
			return nil, nil
		}
		return w, err
	}
	if issuer, err = load("issuer", c.IssuerSeedFile, payout.IssuerSeedFile, "BANX_ISSUER_SEED"); err != nil {
		return nil, nil, err
	}
	if distribution, err = load("distribution", c.DistributionSeed, payout.DistributionSeedFile, "BANX_DISTRIBUTION_SEED"); err != nil {
		return nil, nil, err
	}
	return issuer, distribution, nil
}

// loadTokenWallet is payout.LoadWallet with the seed screened first, from the
// environment or the file: the decoder under LoadWallet panics on characters
// outside the base58 alphabet (see seedShaped). Any other problem with the
// file (missing, readable by others, too big) is LoadWallet's to report.
func loadTokenWallet(what, file, envName string, getenv func(string) string) (*wallet.Wallet, error) {
	env := strings.TrimSpace(getenv(envName))
	if env != "" && !seedShaped(env) {
		return nil, banx.Errorf(banx.EINVALID, "%s seed in $%s is not a valid XRPL seed", what, envName)
	}
	if env == "" && file != "" {
		if info, err := os.Stat(file); err == nil && info.Mode().IsRegular() && info.Size() <= maxSeedFileBytes {
			if data, err := os.ReadFile(file); err == nil && !seedShaped(strings.TrimSpace(string(data))) {
				return nil, banx.Errorf(banx.EINVALID, "%s seed in %s is not a valid XRPL seed", what, file)
			}
		}
	}
	return payout.LoadWallet(what, file, envName, env)
}

// ledgerURL is the configured node, or the embedded ledger a running `banx
// serve` exposes on BANX_LEDGER_ADDR.
func (c *Config) ledgerURL() string {
	if c.XRPLURL != "" {
		return c.XRPLURL
	}
	return "http://" + c.LedgerAddr
}

// dialLedger connects to the ledger; on the embedded (standalone) ledger the
// client closes ledgers itself instead of waiting for the close timer.
func (c *Config) dialLedger(ctx context.Context, network string) (*xrpl.Client, error) {
	var opts []xrpl.Option
	if network == "embedded" {
		opts = append(opts, xrpl.WithAutoAccept())
	}
	client, err := xrpl.Dial(ctx, c.ledgerURL(), opts...)
	if err != nil && c.XRPLURL == "" {
		return nil, banx.Wrap(banx.EUNAVAILABLE, err, "the embedded ledger at %s does not answer: start `banx serve` (or `banx ledger serve`) first, or set BANX_XRPL_URL", c.ledgerURL())
	}
	return client, err
}

func printStep(w io.Writer, s payout.Step) {
	line := fmt.Sprintf("%-32s %-8s %s", s.Name, s.Done, s.Detail)
	if s.TxHash != "" {
		line += " (tx " + s.TxHash + ")"
	}
	fmt.Fprintln(w, line)
}

func printTokenStatus(w io.Writer, st *payout.TokenStatus) {
	fmt.Fprintf(w, "network               %s (validated ledger %d)\n", st.Network, st.LedgerIndex)
	fmt.Fprintf(w, "currency              %s\n", st.Currency)
	fmt.Fprintf(w, "issuer                %s flags: %s\n", st.Issuer, orDefault(strings.Join(st.IssuerFlags, ","), "none"))
	fmt.Fprintf(w, "distribution          %s\n", st.Distribution)
	fmt.Fprintf(w, "supply (contract)     %s\n", st.Supply)
	fmt.Fprintf(w, "outstanding           %s\n", st.Outstanding)
	fmt.Fprintf(w, "distribution balance  %s\n", st.DistributionBalance)
	fmt.Fprintf(w, "circulating           %s\n", st.Circulating)
	fmt.Fprintf(w, "holders               %d (trust lines %d)\n", st.Holders, st.TrustLines)
	if len(st.Missing) > 0 {
		fmt.Fprintf(w, "missing setup steps   %s (run `banx token setup`)\n", strings.Join(st.Missing, "; "))
	}
}

func writeRewardJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// attachRewards gives the server its BXE token and payout service. On the
// embedded ledger it first makes the ledger ready for rewards (the token set
// up, two funded dev author wallets with trust lines; seeds in 0600 files under
// DATA/wallets, never printed) and prints the addresses. With a remote ledger
// and no BANX_NETWORK, rewards stay off and the server says why.
func attachRewards(ctx context.Context, srv *banxhttp.Server, cfg Config, e env, db *sqlite.DB, client *xrpl.Client, embedded bool, logger *slog.Logger) error {
	for _, s := range []struct {
		field *string
		env   string
	}{{&cfg.Network, "BANX_NETWORK"}, {&cfg.IssuerSeedFile, "BANX_ISSUER_SEED_FILE"}, {&cfg.DistributionSeed, "BANX_DISTRIBUTION_SEED_FILE"}} {
		if *s.field == "" {
			*s.field = e.getenv(s.env)
		}
	}
	if !embedded && cfg.Network == "" {
		logger.Warn("BXE rewards are off: set BANX_NETWORK (testnet or mainnet) to use a remote ledger's token")
		return nil
	}
	network, tn, err := cfg.tokenNetwork()
	if err != nil {
		return err
	}
	if embedded && network == "embedded" && cfg.IssuerSeedFile == "" && cfg.DistributionSeed == "" {
		setup, err := xrpl.Dial(ctx, client.URL(), xrpl.WithAutoAccept(), xrpl.WithLogger(logger))
		if err != nil {
			return err
		}
		genesis, err := wallet.FromSeed(ledger.GenesisSeed, "")
		if err != nil {
			setup.Close()
			return banx.Wrap(banx.EINTERNAL, err, "genesis wallet")
		}
		_, dev, err := payout.DevSetup(ctx, setup, &genesis, cfg.walletsDir(), tn.currency, tn.network, func(s payout.Step) {
			if s.Done == "applied" {
				logger.Info("BXE dev setup", "step", s.Name, "detail", s.Detail, "tx", s.TxHash)
			}
		})
		setup.Close()
		if err != nil {
			return fmt.Errorf("BXE dev setup on the embedded ledger: %w", err)
		}
		fmt.Fprintf(e.stdout, "BXE token ready: issuer %s, distribution %s\n", dev.Issuer, dev.Distribution)
		for _, a := range dev.Authors {
			fmt.Fprintf(e.stdout, "Dev author wallet %s (seed in %s)\n", a.Address, a.SeedFile)
		}
	}
	issuerW, distW, err := cfg.tokenWallets(e.getenv, false)
	if err != nil {
		return err
	}
	tok, err := payout.NewToken(client, tn.currency, network, tn.network, issuerW, distW)
	if err != nil {
		return err
	}
	policy, err := cfg.rewardPolicy()
	if err != nil {
		return err
	}
	svc := &payout.Service{Store: db, Preferences: db, Token: tok,
		Planner: &payout.Planner{Store: db, Policy: policy, Network: network, Currency: tn.currency, Issuer: tok.Issuer}}
	if distW != nil {
		svc.Executor = newExecutor(db, client, network, tok, distW, e.getenv)
	}
	srv.Rewards = svc
	return nil
}
