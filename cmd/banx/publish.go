package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/Peersyst/xrpl-go/pkg/crypto"
	"github.com/Peersyst/xrpl-go/xrpl/transaction"
	"github.com/Peersyst/xrpl-go/xrpl/transaction/types"
	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/auth"
	"github.com/banxmedia/banx/internal/banx"
	banxhttp "github.com/banxmedia/banx/internal/http"
	"github.com/banxmedia/banx/internal/manifest"
	"github.com/banxmedia/banx/internal/publish"
	"github.com/banxmedia/banx/internal/sqlite"
	"github.com/banxmedia/banx/internal/xrpl"
)

// minAnchorFee is the XRP Ledger's base fee in drops: a self anchor cannot
// cost less, so a smaller --max-fee could never be honoured.
const minAnchorFee = 10

// publishOptions are the flags of `banx publish`.
type publishOptions struct {
	server, seedFile, mode, proofOut string
	article                          int64
	timeout                          time.Duration
	maxFee                           uint64
}

// runPublish implements `banx publish ARTICLE.md`: sign in with the local key,
// store the article as a draft, sign locally what must be signed (the anchor
// transaction in self mode, the leaf in batch mode), wait until the anchor is
// validated, and save the proof bundle. It prints the CID, transaction hash and
// proof path.
func runPublish(ctx context.Context, args []string, e env) error {
	var o publishOptions
	fs := newFlagSet("publish", e)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: banx publish [flags] ARTICLE.md

Publishes ARTICLE.md (Markdown with YAML front matter): signs in with your
key, stores the article, signs the anchor (self mode) or the leaf (batch mode)
locally, waits for the validated anchor and saves the proof bundle. Flags go
before or after ARTICLE.md.

`+authorEnvHelp+`
flags:
`)
		fs.PrintDefaults()
	}
	fs.StringVar(&o.server, "server", orDefault(e.getenv("BANX_SERVER"), defaultServer), "Banx server URL [$BANX_SERVER]")
	fs.StringVar(&o.seedFile, "seed-file", e.getenv("BANX_SEED_FILE"), "author seed file, mode 0600 [$BANX_SEED_FILE]; or the seed in $BANX_SEED")
	fs.StringVar(&o.mode, "mode", "self", "anchoring mode: self (your account signs the anchor; needs XRP) or batch (Banx anchors your signed leaf)")
	fs.StringVar(&o.proofOut, "proof-out", "", "where to write the proof bundle (default ARTICLE.proof.json)")
	fs.Int64Var(&o.article, "article", 0, "for an edit whose previous anchor is a batch with several of your articles: the article id")
	fs.DurationVar(&o.timeout, "timeout", 3*time.Minute, "give up waiting for the validated anchor after this long")
	fs.Uint64Var(&o.maxFee, "max-fee", 100_000, "largest fee in drops you agree to pay for a self anchor")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("publish takes exactly one ARTICLE.md (Markdown with YAML front matter)")
	}
	// Every flag is checked here, before the author signs in: a value the
	// server would refuse must not cost a session and a draft first.
	switch {
	case o.mode != string(banx.ModeSelf) && o.mode != string(banx.ModeBatch):
		return usageError(fmt.Sprintf("--mode must be self or batch, got %q", o.mode))
	case o.article < 0:
		return usageError(fmt.Sprintf("--article must be a positive article id, got %d", o.article))
	case o.timeout <= 0:
		return usageError(fmt.Sprintf("--timeout must be positive, got %s", o.timeout))
	case o.mode == string(banx.ModeSelf) && o.maxFee < minAnchorFee:
		return usageError(fmt.Sprintf("--max-fee must be at least %d drops (the base fee), got %d", minAnchorFee, o.maxFee))
	}
	path := fs.Arg(0)
	if o.proofOut == "" {
		o.proofOut = strings.TrimSuffix(path, filepath.Ext(path)) + ".proof.json"
	}
	w, err := authorWallet(o.seedFile, e.getenv)
	if err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return banx.Wrap(banx.EINVALID, err, "open %s", path)
	}
	m, err := manifest.ParseMarkdown(f)
	f.Close()
	if err != nil {
		return banx.Errorf(banx.ErrorCode(err), "%s: %s", path, banx.ErrorMessage(err))
	}
	if m.Author != w.ClassicAddress.String() {
		return banx.Errorf(banx.EINVALID, "%s: author is %s, but your key is %s's", path, m.Author, w.ClassicAddress)
	}
	canonical, err := m.Canonical()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	c, err := newAPIClient(o.server)
	if err != nil {
		return err
	}
	if _, err := c.signIn(ctx, w); err != nil {
		return err
	}
	res, err := publishManifest(ctx, c, w, m, canonical, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "article  %d (version %d)\ncid      %s\nsha256   %s\nmode     %s\ntx       %s (ledger %d)\nproof    %s\n",
		res.articleID, res.version, res.cid, res.sha256, o.mode, res.txHash, res.ledgerIndex, res.proofPath)
	return nil
}

type publishResult struct {
	articleID           int64
	version             int
	cid, sha256, txHash string
	ledgerIndex         uint32
	proofPath           string // where the bundle was written
}

type draftAnswer struct {
	ID          int64  `json:"id"`
	ArticleID   int64  `json:"article_id"`
	Version     int    `json:"version"`
	CID         string `json:"cid"`
	SHA256      string `json:"sha256"`
	NetworkID   uint32 `json:"network_id"`
	LeafMessage string `json:"leaf_message"`
}

func publishManifest(ctx context.Context, c *apiClient, w *wallet.Wallet, m manifest.Manifest, canonical []byte, o publishOptions) (*publishResult, error) {
	me := w.ClassicAddress.String()
	sha := manifest.Hash(canonical)
	q := ""
	if o.article != 0 {
		q = "?article=" + strconv.FormatInt(o.article, 10)
	}
	var d draftAnswer
	if err := c.do(ctx, "POST", "/api/v1/drafts"+q, canonical, &d); err != nil {
		return nil, err
	}
	// Sign only what describes this very manifest.
	if d.SHA256 != sha {
		return nil, banx.Errorf(banx.EINVALID, "the server stored sha256 %s, not this article's %s: not signing", d.SHA256, sha)
	}
	memo := anchor.SelfMemo(sha, d.CID, me, m.Previous)
	if err := memo.Validate(); err != nil {
		return nil, banx.Errorf(banx.EINVALID, "the server's CID %s does not fit this article: %s", d.CID, banx.ErrorMessage(err))
	}
	anchorPath := fmt.Sprintf("/api/v1/drafts/%d/anchor", d.ID)
	switch banx.AnchorMode(o.mode) {
	case banx.ModeSelf:
		var p struct {
			UnsignedTx string `json:"unsigned_tx"`
		}
		if err := c.do(ctx, "POST", anchorPath, map[string]string{"mode": o.mode}, &p); err != nil {
			return nil, err
		}
		fields, err := publish.CheckUnsignedAnchor(p.UnsignedTx, me, memo, o.maxFee)
		if err != nil {
			return nil, err
		}
		blob, _, err := w.Sign(fields)
		if err != nil {
			return nil, banx.Wrap(banx.EINVALID, err, "sign the anchor transaction")
		}
		if err := c.do(ctx, "POST", fmt.Sprintf("/api/v1/drafts/%d/submit", d.ID), map[string]string{"tx_blob": blob}, nil); err != nil {
			return nil, err
		}
	case banx.ModeBatch:
		leaf, err := anchor.SignLeaf(anchor.Leaf{NetworkID: d.NetworkID, Author: me, SHA256: sha, CID: d.CID}, w.Seed)
		if err != nil {
			return nil, err
		}
		body := map[string]string{"mode": o.mode, "public_key": leaf.PublicKey, "signature": leaf.Signature}
		if err := c.do(ctx, "POST", anchorPath, body, nil); err != nil {
			return nil, err
		}
	}
	v, err := waitPublished(ctx, c, d.ArticleID, d.Version)
	if err != nil {
		return nil, err
	}
	var proof []byte
	if err := c.do(ctx, "GET", fmt.Sprintf("/api/v1/articles/%d/versions/%d/proof", d.ArticleID, d.Version), nil, &proof); err != nil {
		return nil, err
	}
	b, err := anchor.ParseProofBundle(proof)
	if err != nil {
		return nil, err
	}
	if rep := anchor.VerifyOffline(b); rep.Verdict() == anchor.VerdictFailed || b.Manifest.SHA256 != sha || b.Author != me {
		return nil, banx.Errorf(banx.EINVALID, "the server's proof bundle does not verify for this article (verdict %s)", rep.Verdict())
	}
	out := keepOtherProof(o.proofOut, proof, d.ArticleID, d.Version)
	if err := writeFileAtomic(out, proof); err != nil {
		return nil, err
	}
	return &publishResult{articleID: d.ArticleID, version: d.Version, cid: d.CID, sha256: sha, txHash: v.AnchorTxHash,
		ledgerIndex: v.Anchor.LedgerIndex, proofPath: out}, nil
}

type versionAnswer struct {
	Version       int    `json:"version"`
	Status        string `json:"status"`
	AnchorTxHash  string `json:"anchor_tx_hash"`
	FailureReason string `json:"failure_reason"`
	Anchor        struct {
		LedgerIndex uint32 `json:"ledger_index"`
	} `json:"anchor"`
}

// waitPublished polls the article until the version's anchor is final.
func waitPublished(ctx context.Context, c *apiClient, articleID int64, n int) (*versionAnswer, error) {
	for {
		var a struct {
			Versions []versionAnswer `json:"versions"`
		}
		if err := c.do(ctx, "GET", fmt.Sprintf("/api/v1/articles/%d", articleID), nil, &a); err != nil {
			return nil, err
		}
		for _, v := range a.Versions {
			if v.Version != n {
				continue
			}
			switch v.Status {
			case string(banx.StatusPublished):
				return &v, nil
			case string(banx.StatusFailed):
				return nil, banx.Errorf(banx.ECONFLICT, "anchoring failed: %s (the draft is kept: publish again)", v.FailureReason)
			}
		}
		t := time.NewTimer(250 * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return nil, banx.Errorf(banx.EUNAVAILABLE, "the anchor was not validated in time; it may still be: see GET /api/v1/articles/%d", articleID)
			}
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

// writeFileAtomic writes data to path through a temporary file, so a failure
// never leaves a truncated proof behind.
// keepOtherProof returns where to write a proof bundle: path, unless path
// already holds a different bundle (another article, or an earlier version of
// this one, published from the same file). A bundle is its author's own
// evidence, so it is never overwritten: the new one goes next to it, named
// after its article and version (ARTICLE.a12.v2.proof.json).
func keepOtherProof(path string, proof []byte, articleID int64, version int) string {
	old, err := os.ReadFile(path)
	if err != nil || bytes.Equal(old, proof) {
		return path
	}
	return fmt.Sprintf("%s.a%d.v%d.proof.json", strings.TrimSuffix(strings.TrimSuffix(path, ".json"), ".proof"), articleID, version)
}

func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".banx-proof-*")
	if err != nil {
		return banx.Wrap(banx.EUNAVAILABLE, err, "create %s", path)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return banx.Wrap(banx.EUNAVAILABLE, err, "write %s", path)
	}
	if err := tmp.Close(); err != nil {
		return banx.Wrap(banx.EUNAVAILABLE, err, "write %s", path)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return banx.Wrap(banx.EUNAVAILABLE, err, "write %s", path)
	}
	return os.Rename(tmp.Name(), path)
}

// attachPublishing wires sign-in and publishing into the server: the
// anchoring wallet, the publishing service (which first resolves anchors a
// previous run left in flight) and the auth service. The returned function
// stops the service's workers; call it after the HTTP server has stopped.
func attachPublishing(ctx context.Context, srv *banxhttp.Server, cfg Config, getenv func(string) string, db *sqlite.DB,
	store contentStore, client *xrpl.Client, embedded bool, logger *slog.Logger) (func(), error) {
	platform, err := platformWallet(ctx, cfg, getenv, client, embedded, logger)
	if err != nil {
		return nil, err
	}
	interval, _ := time.ParseDuration(cfg.BatchInterval)
	maxLeaves, _ := strconv.Atoi(cfg.BatchMax)
	name := map[uint32]string{0: "mainnet", 1: "testnet", 2: "devnet"}[client.Info().NetworkID]
	if embedded {
		name = "standalone"
	}
	pub := publish.New(db, store, client, publish.Config{BatchInterval: interval, BatchMaxLeaves: maxLeaves, NetworkName: name,
		Platform: platform, Logger: logger})
	if err := pub.Start(ctx); err != nil {
		return nil, err
	}
	srv.Auth = &auth.Service{Store: db, Accounts: client, Domain: cfg.Domain, DomainOf: func() string {
		u, _ := url.Parse(srv.URL())
		return u.Host
	}}
	srv.Publish = pub
	if platform != nil {
		logger.Info("batch anchoring on", "account", platform.ClassicAddress.String(), "interval", interval.String(), "max_leaves", maxLeaves)
	}
	return func() { pub.Close() }, nil
}

// platformWallet is Banx's anchoring account for platform batches: from
// BANX_ANCHOR_SEED or the seed file (0600). On the embedded ledger, without
// either, it lives in DATA/wallets/anchor.seed (0600), created and funded
// from genesis on first start. On a remote ledger without a seed, batch
// anchoring is off (nil).
func platformWallet(ctx context.Context, cfg Config, getenv func(string) string, client *xrpl.Client, embedded bool, logger *slog.Logger) (*wallet.Wallet, error) {
	if seed := strings.TrimSpace(getenv("BANX_ANCHOR_SEED")); seed != "" {
		if cfg.AnchorSeedFile != "" {
			return nil, banx.Errorf(banx.EINVALID, "anchoring seed: set BANX_ANCHOR_SEED or anchor-seed-file (BANX_ANCHOR_SEED_FILE), not both")
		}
		return walletFromSeed("anchoring", seed, "in BANX_ANCHOR_SEED")
	}
	if cfg.AnchorSeedFile != "" {
		return readSeedFile("anchoring", cfg.AnchorSeedFile)
	}
	if !embedded {
		logger.Warn("batch anchoring is off: set BANX_ANCHOR_SEED_FILE to the anchoring account's seed file")
		return nil, nil
	}
	path := filepath.Join(cfg.DataDir, "wallets", "anchor.seed")
	w, err := readSeedFile("anchoring", path)
	if errors.Is(err, os.ErrNotExist) {
		nw, gerr := wallet.New(crypto.SECP256K1())
		if gerr != nil {
			return nil, banx.Wrap(banx.EINTERNAL, gerr, "generate the anchoring key")
		}
		if err := writeSeedFile(path, &nw); err != nil {
			return nil, err
		}
		w, err = &nw, nil
	}
	if err != nil {
		return nil, err
	}
	if _, err := client.AccountInfo(ctx, w.ClassicAddress.String()); xrpl.IsNotFound(err) {
		genesis, gerr := wallet.FromSeed(genesisSeed, "")
		if gerr != nil {
			return nil, banx.Wrap(banx.EINTERNAL, gerr, "genesis wallet")
		}
		pay := &transaction.Payment{BaseTx: transaction.BaseTx{Account: genesis.ClassicAddress}, Destination: w.ClassicAddress,
			Amount: types.XRPCurrencyAmount(anchorFunding)}
		if _, err := client.SubmitAndWait(ctx, pay, &genesis); err != nil {
			return nil, banx.Wrap(banx.EUNAVAILABLE, err, "fund the anchoring account %s from genesis", w.ClassicAddress)
		}
		logger.Info("created and funded the anchoring account on the embedded ledger", "account", w.ClassicAddress.String(), "seed_file", path)
	} else if err != nil {
		return nil, err
	}
	return w, nil
}

// genesisSeed is the standalone ledger's genesis seed, public by design: only
// the embedded dev ledger accepts it.
const genesisSeed = "snoPBrXtMeMyMHUVTgbuqAfg1SUTb"

// anchorFunding is what the embedded ledger's anchoring account starts with:
// 1,000 XRP, about 80 million anchors at the base fee.
const anchorFunding = 1_000_000_000

// validDomain reports whether d is a host[:port] as authors type it: an ASCII
// host name or IP address (IPv6 in brackets), and a port from 1 to 65535.
// Sign-in messages name the domain, and a wallet shows it to the author to
// decide whether to sign: a lookalike letter, a bidi override or a control
// character there would let a message read as another site's.
func validDomain(d string) bool {
	if len(d) > 253 {
		return false
	}
	host, port, err := net.SplitHostPort(d)
	if err != nil { // no port: a host name, an IPv4 address or [IPv6]
		if inner, ok := strings.CutPrefix(d, "["); ok {
			inner, ok = strings.CutSuffix(inner, "]")
			return ok && strings.Contains(inner, ":") && net.ParseIP(inner) != nil
		}
		return validHostname(d)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || strconv.Itoa(n) != port {
		return false
	}
	if strings.Contains(host, ":") {
		return strings.HasPrefix(d, "[") && net.ParseIP(host) != nil
	}
	return validHostname(host)
}

// validatePublishing checks the sign-in and publishing settings.
func (c *Config) validatePublishing() error {
	if c.Domain != "" && !validDomain(c.Domain) {
		return banx.Errorf(banx.EINVALID, "domain (BANX_DOMAIN): %q is not a host[:port]", c.Domain)
	}
	d, err := time.ParseDuration(c.BatchInterval)
	if err != nil || d < 100*time.Millisecond || d > time.Hour {
		return banx.Errorf(banx.EINVALID, "batch-interval (BANX_BATCH_INTERVAL): %q must be a duration from 100ms to 1h", c.BatchInterval)
	}
	n, err := strconv.Atoi(c.BatchMax)
	if err != nil || n < 1 || n > 1_000_000 {
		return banx.Errorf(banx.EINVALID, "batch-max (BANX_BATCH_MAX): %q must be a whole number from 1 to 1000000", c.BatchMax)
	}
	return nil
}
