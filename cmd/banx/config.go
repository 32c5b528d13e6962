package main

import (
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/banxmedia/banx/internal/banx"
)

// Config is every setting banx reads. It starts from DefaultConfig, is filled from
// flags whose defaults come from BANX_* environment variables, and is validated
// once, so a bad value stops start-up with the setting's name and the reason.
type Config struct {
	Addr              string // BANX_ADDR: web server listen address, host:port
	DataDir           string // BANX_DATA_DIR: SQLite file, embedded content store, embedded ledger
	IPFSAPI           string // BANX_IPFS_API: Kubo RPC API (multiaddr or URL); "" = embedded store
	XRPLURL           string // BANX_XRPL_URL: rippled-compatible node; "" = embedded ledger
	LedgerAddr        string // BANX_LEDGER_ADDR: where the embedded ledger serves its API
	OperatorTokenFile string // BANX_OPERATOR_TOKEN_FILE: file holding the operator's bearer token
	LogLevel          string // BANX_LOG_LEVEL: debug, info, warn or error
	ViewDwell         string // BANX_VIEW_DWELL: minimum read time before a view counts
	ViewKeyFile       string // BANX_VIEW_KEY_FILE: file holding the secret view-token key
	TrustedProxies    string // BANX_TRUSTED_PROXIES: reverse proxies (CIDRs) whose X-Forwarded-For counts
	Domain            string // BANX_DOMAIN: host[:port] authors reach Banx at; sign-in proofs name it
	AnchorSeedFile    string // BANX_ANCHOR_SEED_FILE: platform anchoring seed (0600); or the seed in BANX_ANCHOR_SEED
	BatchInterval     string // BANX_BATCH_INTERVAL: how often a platform batch is anchored
	BatchMax          string // BANX_BATCH_MAX: most leaves in one batch (closes early when reached)
	Network           string // BANX_NETWORK: token contract network: embedded, testnet or mainnet
	IssuerSeedFile    string // BANX_ISSUER_SEED_FILE: BXE issuer seed (0600); or the seed in BANX_ISSUER_SEED
	DistributionSeed  string // BANX_DISTRIBUTION_SEED_FILE: BXE distribution seed (0600); or BANX_DISTRIBUTION_SEED
	RewardPolicyFile  string // BANX_REWARD_POLICY: reward policy file; "" = contracts/reward-policy.json
}

// DefaultConfig is what `make run` uses: everything embedded, on loopback.
func DefaultConfig() Config {
	return Config{
		Addr:          "127.0.0.1:8080",
		DataDir:       "data",
		LedgerAddr:    "127.0.0.1:5005",
		LogLevel:      "info",
		ViewDwell:     "10s",
		BatchInterval: "2s",
		BatchMax:      "10000",
	}
}

// setting ties a config field to its flag and environment variable.
type setting struct {
	flag, env, help string
	field           *string
}

func (c *Config) settings() []setting {
	return []setting{
		{"addr", "BANX_ADDR", "web server listen address (host:port)", &c.Addr},
		{"data", "BANX_DATA_DIR", "data directory (database, embedded stores)", &c.DataDir},
		{"ipfs-api", "BANX_IPFS_API", "Kubo RPC API as multiaddr or URL; empty = embedded content store", &c.IPFSAPI},
		{"xrpl", "BANX_XRPL_URL", "XRPL node URL (http(s):// or ws(s)://); empty = embedded ledger", &c.XRPLURL},
		{"ledger-addr", "BANX_LEDGER_ADDR", "listen address of the embedded ledger's API (host:port)", &c.LedgerAddr},
		{"operator-token-file", "BANX_OPERATOR_TOKEN_FILE", "file with the operator bearer token (default DATA/operator-token)", &c.OperatorTokenFile},
		{"log-level", "BANX_LOG_LEVEL", "log level: debug, info, warn, error", &c.LogLevel},
		{"view-dwell", "BANX_VIEW_DWELL", "minimum time on an article before its view counts (0s to 10m)", &c.ViewDwell},
		{"view-key-file", "BANX_VIEW_KEY_FILE", "file with the secret view-token key (default DATA/view-key)", &c.ViewKeyFile},
		{"trusted-proxies", "BANX_TRUSTED_PROXIES", "comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For is believed", &c.TrustedProxies},
		{"domain", "BANX_DOMAIN", "host[:port] authors reach Banx at, named in sign-in challenges (default: the listen address)", &c.Domain},
		{"anchor-seed-file", "BANX_ANCHOR_SEED_FILE", "platform anchoring account seed file, mode 0600 (embedded ledger default: DATA/wallets/anchor.seed)", &c.AnchorSeedFile},
		{"batch-interval", "BANX_BATCH_INTERVAL", "how often a platform batch of anchors is closed (100ms to 1h)", &c.BatchInterval},
		{"batch-max", "BANX_BATCH_MAX", "most article versions in one batch anchor; a full batch closes at once (1 to 1000000)", &c.BatchMax},
		{"network", "BANX_NETWORK", "token contract network: embedded, testnet, mainnet (default embedded without BANX_XRPL_URL)", &c.Network},
		{"issuer-seed-file", "BANX_ISSUER_SEED_FILE", "BXE issuer seed file, mode 0600 (default DATA/wallets/issuer.seed)", &c.IssuerSeedFile},
		{"reward-policy", "BANX_REWARD_POLICY", "reward policy file in the format of contracts/reward-policy.json (default: that contract)", &c.RewardPolicyFile},
		{"distribution-seed-file", "BANX_DISTRIBUTION_SEED_FILE", "BXE distribution seed file, mode 0600 (default DATA/wallets/distribution.seed)", &c.DistributionSeed},
	}
}

// bind registers the named settings as flags on fs; an environment variable, when
// set, replaces the built-in default, and a flag replaces both.
func (c *Config) bind(fs *flag.FlagSet, getenv func(string) string, names ...string) {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	for _, s := range c.settings() {
		if !want[s.flag] {
			continue
		}
		if v := getenv(s.env); v != "" {
			*s.field = v
		}
		fs.StringVar(s.field, s.flag, *s.field, s.help+" [$"+s.env+"]")
	}
}

// Validate checks every setting and names the first bad one with the reason.
func (c *Config) Validate() error {
	if err := validateHostPort("addr (BANX_ADDR)", c.Addr); err != nil {
		return err
	}
	if strings.TrimSpace(c.DataDir) == "" {
		return banx.Errorf(banx.EINVALID, "data (BANX_DATA_DIR): must not be empty")
	}
	if c.IPFSAPI != "" {
		if err := validateIPFSAPI(c.IPFSAPI); err != nil {
			return err
		}
	}
	if c.XRPLURL != "" {
		u, err := url.Parse(c.XRPLURL)
		if err != nil || u.Host == "" {
			return banx.Errorf(banx.EINVALID, "xrpl (BANX_XRPL_URL): %q is not an absolute URL", c.XRPLURL)
		}
		switch u.Scheme {
		case "http", "https", "ws", "wss":
		default:
			return banx.Errorf(banx.EINVALID, "xrpl (BANX_XRPL_URL): scheme %q not supported, want http, https, ws or wss", u.Scheme)
		}
	}
	if err := validateHostPort("ledger-addr (BANX_LEDGER_ADDR)", c.LedgerAddr); err != nil {
		return err
	}
	if _, err := parseLogLevel(c.LogLevel); err != nil {
		return err
	}
	if _, err := parseViewDwell(c.ViewDwell); err != nil {
		return err
	}
	if _, err := parseTrustedProxies(c.TrustedProxies); err != nil {
		return err
	}
	if err := c.validatePublishing(); err != nil {
		return err
	}
	return nil
}

// operatorTokenPath is where the operator token lives unless configured.
func (c *Config) operatorTokenPath() string {
	if c.OperatorTokenFile != "" {
		return c.OperatorTokenFile
	}
	return filepath.Join(c.DataDir, "operator-token")
}

func validateHostPort(name, v string) error {
	host, port, err := net.SplitHostPort(v)
	if err != nil {
		return banx.Errorf(banx.EINVALID, "%s: %q is not host:port: %v", name, v, err)
	}
	if host != "" && net.ParseIP(host) == nil && !validHostname(host) {
		return banx.Errorf(banx.EINVALID, "%s: %q is not an IP address or host name", name, host)
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		return banx.Errorf(banx.EINVALID, "%s: port %q must be a number from 0 to 65535", name, port)
	}
	return nil
}

func validHostname(h string) bool {
	if len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for _, r := range label {
			if !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				return false
			}
		}
	}
	return true
}

// validateIPFSAPI accepts Kubo's two spellings of its API address: a multiaddr
// (/ip4/127.0.0.1/tcp/5001) or an http(s) URL.
func validateIPFSAPI(v string) error {
	const name = "ipfs-api (BANX_IPFS_API)"
	if strings.HasPrefix(v, "/") {
		parts := strings.Split(strings.Trim(v, "/"), "/")
		if len(parts) < 4 || (parts[0] != "ip4" && parts[0] != "ip6" && parts[0] != "dns" && parts[0] != "dns4" && parts[0] != "dns6") || parts[2] != "tcp" {
			return banx.Errorf(banx.EINVALID, "%s: multiaddr %q must look like /ip4/HOST/tcp/PORT", name, v)
		}
		if n, err := strconv.Atoi(parts[3]); err != nil || n <= 0 || n > 65535 {
			return banx.Errorf(banx.EINVALID, "%s: port %q in %q must be 1-65535", name, parts[3], v)
		}
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return banx.Errorf(banx.EINVALID, "%s: %q is neither a multiaddr nor an http(s) URL", name, v)
	}
	return nil
}

func parseLogLevel(v string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(v)); err != nil {
		return 0, banx.Errorf(banx.EINVALID, "log-level (BANX_LOG_LEVEL): %q is not one of debug, info, warn, error", v)
	}
	return l, nil
}

// String lists the effective settings for the start-up log; it holds no secrets.
func (c Config) String() string {
	return fmt.Sprintf("addr=%s data=%s ipfs=%s xrpl=%s", c.Addr, c.DataDir, orDefault(c.IPFSAPI, "embedded"), orDefault(c.XRPLURL, "embedded"))
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
