package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/banx"
	banxhttp "github.com/banxmedia/banx/internal/http"
	"github.com/banxmedia/banx/internal/verify"
)

// verifyUsage is the help text of `banx verify`.
const verifyUsage = `usage: banx verify [flags] TXHASH | BUNDLE.json | - | ARTICLE-URL

Verifies that an article version was anchored on the XRP Ledger by its author,
asking only the XRPL node (--xrpl) and the IPFS node (--ipfs) you choose; it
never asks Banx. TXHASH verifies a self anchor from the ledger alone (a batch
anchor needs the article's proof bundle); BUNDLE.json is a proof bundle file
(- reads standard input); ARTICLE-URL is an article version's page or proof URL
on a Banx site: an article page /a/{id}[/{slug}] verifies the latest published
version, /articles/{id}/versions/{n} or its API proof URL that version. Only
the proof bundle is taken from the site, from the same host; every check is
made against --xrpl and --ipfs.

Exit status: 0 verified, 1 a check failed (or an error), 2 usage (including a
URL the site refuses or that serves no proof bundle), 3 incomplete (a node did
not answer, or a check needs data you did not give). --offline always ends in
3 when nothing failed: the ledger checks were not made, so nothing is
"verified"; run without --offline to verify fully.

flags:
`

// verifyTxHash recognises a transaction hash argument.
var verifyTxHash = regexp.MustCompile(`^[0-9A-Fa-f]{64}$`)

// runVerify implements `banx verify`.
func runVerify(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("verify", e)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), verifyUsage)
		fs.PrintDefaults()
	}
	xrplURL := fs.String("xrpl", e.getenv("BANX_XRPL_URL"), "XRPL node: http(s):// JSON-RPC or ws(s):// WebSocket [$BANX_XRPL_URL]")
	ipfsURL := fs.String("ipfs", orDefault(e.getenv("BANX_VERIFY_IPFS"), e.getenv("BANX_IPFS_API")),
		"IPFS node: a Kubo RPC API (http://127.0.0.1:5001 or /ip4/.../tcp/5001) or an HTTP gateway [$BANX_VERIFY_IPFS, $BANX_IPFS_API]")
	mode := fs.String("ipfs-mode", "auto", "how to talk to --ipfs: auto, rpc or gateway")
	wantCID := fs.String("cid", "", "with TXHASH: the CID the transaction must anchor")
	wantSHA := fs.String("sha256", "", "with TXHASH: the manifest SHA-256 the transaction must anchor")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	offline := fs.Bool("offline", false, "verify a bundle without any node: ledger and IPFS checks are skipped")
	timeout := fs.Duration("timeout", verify.DefaultTimeout, "bound on the whole verification")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	positional := fs.Args()
	if len(positional) != 1 {
		fs.Usage()
		return usageError("verify takes exactly one TXHASH, BUNDLE.json, - or ARTICLE-URL")
	}
	arg := positional[0]
	isTx := verifyTxHash.MatchString(arg)
	switch {
	case *timeout <= 0:
		return usageError("--timeout must be positive")
	case (*wantCID != "" || *wantSHA != "") && !isTx:
		return usageError("--cid and --sha256 go with a TXHASH; a bundle names its own manifest")
	case *offline && isTx:
		return usageError("--offline needs a bundle: a transaction hash can only be looked up on a ledger")
	case !*offline && *xrplURL == "":
		return usageError("--xrpl is required (any rippled-compatible node), or --offline for a bundle")
	case !*offline && *ipfsURL == "":
		return usageError("--ipfs is required (a Kubo RPC API or an HTTP gateway), or --offline for a bundle")
	}

	v := &verify.Verifier{Timeout: *timeout}
	if !*offline {
		node, err := verify.NewXRPLNode(*xrplURL, 0)
		if err != nil {
			return usageError(banx.ErrorMessage(err))
		}
		defer node.Close()
		m, err := verify.ParseIPFSMode(*mode)
		if err != nil {
			return usageError(banx.ErrorMessage(err))
		}
		content, err := verify.NewIPFSNode(*ipfsURL, m, 0)
		if err != nil {
			return usageError(banx.ErrorMessage(err))
		}
		v.Ledger, v.Content = node, content
	}

	var res verify.Result
	var err error
	if isTx {
		if res, err = v.VerifyTx(ctx, verify.Target{TxHash: arg, CID: *wantCID, SHA256: *wantSHA}); err != nil {
			return err
		}
	} else {
		b, err := loadBundle(ctx, arg, *timeout, e)
		if err != nil {
			return err
		}
		res = v.VerifyBundle(ctx, b)
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			return err
		}
	} else if err := verify.WriteText(e.stdout, res); err != nil {
		return err
	} else if *offline {
		fmt.Fprintf(e.stdout, "\nNote: %s.\n", offlineNote)
	}
	return verdictError(res, *offline)
}

// loadBundle reads a proof bundle from a file, standard input or a URL. A URL
// the site refuses, or that serves no JSON, is a usage error (exit 2) with
// the site's reason; a JSON document that is no bundle fails like a bad file.
func loadBundle(ctx context.Context, arg string, timeout time.Duration, e env) (anchor.ProofBundle, error) {
	if strings.HasPrefix(arg, "http://") || strings.HasPrefix(arg, "https://") {
		hc := &http.Client{Timeout: min(timeout, 30*time.Second)}
		where, err := verify.ResolveProofURL(ctx, hc, arg)
		if err != nil {
			return anchor.ProofBundle{}, refusedURL(err)
		}
		data, err := verify.FetchBundleData(ctx, hc, where.URL)
		if err != nil {
			return anchor.ProofBundle{}, refusedURL(err)
		}
		b, err := anchor.ParseProofBundle(data)
		if err != nil {
			return b, err
		}
		if where.Version > 0 {
			if where.CID != "" && where.CID != b.Manifest.CID {
				return b, banx.Errorf(banx.EINVALID, "the site lists manifest %s for version %d of %s, but its proof bundle at %s anchors %s",
					where.CID, where.Version, arg, where.URL, b.Manifest.CID)
			}
			fmt.Fprintf(e.stderr, "banx: %s is an article page: verifying its latest published version, %d (proof bundle %s)\n", arg, where.Version, where.URL)
		}
		return b, nil
	}
	var r io.Reader = e.stdin
	if arg != "-" {
		f, err := os.Open(arg)
		if err != nil {
			return anchor.ProofBundle{}, banx.Errorf(banx.EINVALID, "open proof bundle: %v", err)
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, anchor.MaxProofBundleBytes+1))
	if err != nil {
		return anchor.ProofBundle{}, banx.Errorf(banx.EINVALID, "read proof bundle %s: %v", arg, err)
	}
	return anchor.ParseProofBundle(data)
}

// refusedURL turns a site's refusal of a URL (not an http(s) URL, no such
// article or bundle, not JSON) into a usage error: exit status 2 with the
// reason. A site that does not answer stays an error (exit 1).
func refusedURL(err error) error {
	switch banx.ErrorCode(err) {
	case banx.EINVALID, banx.ENOTFOUND:
		return usageError(banx.ErrorMessage(err))
	}
	return err
}

// verdictErr is a verification that did not verify; its exit status tells a
// failed check (1) from an incomplete verification (3).
type verdictErr struct {
	verdict         anchor.Verdict
	failed, skipped int
	offline         bool
}

func (e *verdictErr) Error() string {
	if e.verdict == anchor.VerdictFailed {
		return fmt.Sprintf("verification failed: %d check(s) failed", e.failed)
	}
	msg := fmt.Sprintf("verification incomplete: %d check(s) could not be made", e.skipped)
	if e.offline {
		msg += " (" + offlineNote + ")"
	}
	return msg
}

// ExitCode is the process exit status of the verdict.
func (e *verdictErr) ExitCode() int {
	if e.verdict == anchor.VerdictFailed {
		return 1
	}
	return 3
}

// offlineNote says why an offline report is never "verified" (exit 3).
const offlineNote = "offline: the ledger checks were not made; run without --offline to verify fully"

func verdictError(res verify.Result, offline bool) error {
	v := res.Verdict()
	if v == anchor.VerdictVerified {
		return nil
	}
	e := &verdictErr{verdict: v, offline: offline}
	for _, c := range res.Checks {
		switch c.Status {
		case anchor.StatusFail:
			e.failed++
		case anchor.StatusSkip:
			e.skipped++
		}
	}
	return e
}

// attachVerifier gives the server its verification endpoint. The verifier
// asks the ledger node the server uses (by URL, through verify's own client)
// and reads content through the server's store; neither is trusted, as the
// verifier re-hashes and re-imports every byte and recomputes every hash.
func attachVerifier(srv *banxhttp.Server, xrplURL string, store contentStore) (closeFn func(), err error) {
	node, err := verify.NewXRPLNode(xrplURL, 0)
	if err != nil {
		return nil, err
	}
	content := verify.StoreContent{Cat: store.Cat, Name: "the server's " + store.Kind() + " content store"}
	srv.Verifier = verify.NewService(&verify.Verifier{Ledger: node, Content: content}, verify.DefaultConcurrency)
	return func() { node.Close() }, nil
}
