package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/ipfs/kubotest"
	"github.com/banxmedia/banx/internal/publish/publishtest"
)

// freeAddr returns a loopback address that was free a moment ago, for the
// embedded ledger, whose URL the test needs to fund authors.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// article is an article file by author; previous makes it an edit.
func article(author, title, previous string) string {
	prev := ""
	if previous != "" {
		prev = "previous: " + previous + "\n"
	}
	return "---\ntitle: " + title + "\nsummary: What " + title + " is about.\ncategory: opinion\ntags: [banx]\nlanguage: en\nauthor: " +
		author + "\ncreated: 2026-11-25T12:00:00Z\n" + prev + "---\n\nThe body of " + title + ".\n"
}

// cli runs banx in-process with the given environment.
func cli(ctx context.Context, environ map[string]string, args ...string) (string, error) {
	var out, errOut bytes.Buffer
	err := run(ctx, args, func(k string) string { return environ[k] }, strings.NewReader(""), &out, &errOut)
	if err != nil {
		return out.String(), fmt.Errorf("%w (stderr: %s)", err, errOut.String())
	}
	return out.String(), nil
}

// field reads "name  value" from the CLI's output.
func field(out, name string) string {
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == name {
			return f[1]
		}
	}
	return ""
}

// TestPublishCLI publishes with `banx publish` in both modes against an
// in-process `banx serve` on the embedded ledger and a real Kubo daemon, and
// checks the proof and that `ipfs cat CID | sha256sum` is the anchored hash.
func TestPublishCLI(t *testing.T) {
	ctx := publishtest.Context(t)
	kubo := kubotest.Start(t)
	ledgerAddr := freeAddr(t)
	s := startServe(t, map[string]string{"BANX_IPFS_API": kubo.API, "BANX_LEDGER_ADDR": ledgerAddr, "BANX_BATCH_INTERVAL": "200ms"})
	dir := t.TempDir()
	seedFile := filepath.Join(dir, "author.seed")
	out, err := cli(ctx, nil, "wallet", "new", "--out", seedFile)
	if err != nil {
		t.Fatal(err)
	}
	author := field(out, "address")
	if seed, _ := os.ReadFile(seedFile); strings.Contains(out, strings.TrimSpace(string(seed))) {
		t.Fatal("wallet new printed the seed")
	}
	// A new author funds the wallet by hand from the embedded ledger's faucet
	// (the address last: flags go before or after it).
	fundEnv := map[string]string{"BANX_LEDGER_ADDR": ledgerAddr}
	out, err = cli(ctx, fundEnv, "wallet", "fund", "--xrp", "50", author)
	if err != nil || field(out, "funded") != author || field(out, "balance") != "50" || len(field(out, "transaction")) != 64 {
		t.Fatalf("wallet fund: %v\n%s", err, out)
	}
	out, err = cli(ctx, map[string]string{"BANX_XRPL_URL": "ws://" + ledgerAddr + "/", "BANX_NETWORK": "embedded"}, "wallet", "fund", author, "--xrp", "0.5")
	if err != nil || field(out, "balance") != "50.5" {
		t.Fatalf("wallet fund through BANX_XRPL_URL: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		name    string
		environ map[string]string
		args    []string
		code    int
		want    string
	}{
		{"ErrNetwork", map[string]string{"BANX_XRPL_URL": "https://s.altnet.rippletest.net:51234", "BANX_NETWORK": "testnet"}, []string{author}, 2,
			"wallet fund works only on the embedded development ledger, not on testnet"},
		{"ErrAddress", fundEnv, []string{"rNOTANADDRESS"}, 2, `"rNOTANADDRESS" is not an XRP Ledger classic address`},
		{"ErrAmount", fundEnv, []string{author, "--xrp", "-5"}, 2, "--xrp must be a plain XRP amount"},
		{"ErrNoLedger", map[string]string{"BANX_LEDGER_ADDR": freeAddr(t)}, []string{author}, 1, "no embedded ledger answered at"},
		{"ErrTwoAddresses", fundEnv, []string{author, author}, 2, "wallet fund takes exactly one ADDRESS"},
	} {
		t.Run("Fund/"+tc.name, func(t *testing.T) {
			_, err := cli(ctx, tc.environ, append([]string{"wallet", "fund"}, tc.args...)...)
			if err == nil || exitCode(err) != tc.code || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v (exit %d), want exit %d with %q", err, exitCode(err), tc.code, tc.want)
			}
		})
	}

	publishFile := func(t *testing.T, name, body string, environ map[string]string, args ...string) map[string]string {
		t.Helper()
		path := filepath.Join(dir, name)
		os.WriteFile(path, []byte(body), 0o644)
		out, err := cli(ctx, environ, append([]string{"publish", "--server", s.url, path}, args...)...)
		if err != nil {
			t.Fatalf("publish %s: %v\n%s", name, err, out)
		}
		res := map[string]string{}
		for _, k := range []string{"article", "cid", "sha256", "mode", "tx", "proof"} {
			res[k] = field(out, k)
		}
		raw, err := os.ReadFile(res["proof"])
		if err != nil {
			t.Fatalf("proof file: %v\n%s", err, out)
		}
		b, err := anchor.ParseProofBundle(raw)
		if err != nil || b.Tx.Hash != res["tx"] || b.Manifest.CID != res["cid"] {
			t.Fatalf("proof %v: %+v vs %v", err, b.Tx, res)
		}
		if r := anchor.VerifyOffline(b); r.Verdict() == anchor.VerdictFailed {
			t.Fatalf("proof does not verify: %+v", r.Checks)
		}
		catted, err := kubo.Run(ctx, "cat", res["cid"])
		if err != nil {
			t.Fatal(err)
		}
		if sum := sha256.Sum256([]byte(catted)); hex.EncodeToString(sum[:]) != res["sha256"] || b.Manifest.SHA256 != res["sha256"] {
			t.Fatalf("ipfs cat %s | sha256sum differs from the anchored %s", res["cid"], res["sha256"])
		}
		return res
	}

	first := publishFile(t, "first.md", article(author, "Self anchored from the CLI", ""), nil, "--seed-file", seedFile, "--mode", "self")
	if first["mode"] != "self" || len(first["tx"]) != 64 || !strings.HasPrefix(first["cid"], "bafkrei") {
		t.Fatalf("self: %v", first)
	}
	seed, _ := os.ReadFile(seedFile)
	env := map[string]string{"BANX_SEED": strings.TrimSpace(string(seed))}
	second := publishFile(t, "second.md", article(author, "Batch anchored edit", first["tx"]), env, "--mode", "batch", "--proof-out", filepath.Join(dir, "edit.json"))
	if second["article"] != first["article"] || second["proof"] != filepath.Join(dir, "edit.json") || second["tx"] == first["tx"] {
		t.Fatalf("batch edit: %v after %v", second, first)
	}
	// A third version written to the same --proof-out keeps the second's
	// bundle: a proof is its author's evidence and is never overwritten.
	secondProof, _ := os.ReadFile(filepath.Join(dir, "edit.json"))
	third := publishFile(t, "third.md", article(author, "Third version", second["tx"]), env, "--mode", "batch", "--proof-out", filepath.Join(dir, "edit.json"))
	if want := filepath.Join(dir, "edit.a"+first["article"]+".v3.proof.json"); third["proof"] != want {
		t.Fatalf("third version's proof went to %s, want %s next to the second's", third["proof"], want)
	}
	if kept, _ := os.ReadFile(filepath.Join(dir, "edit.json")); !bytes.Equal(kept, secondProof) {
		t.Fatal("the second version's proof bundle was overwritten")
	}
	code, body, _ := s.do(t, "GET", "/api/v1/articles/"+first["article"], "", nil)
	if code != 200 || !bytes.Contains(body, []byte(`"previous":"`+first["tx"]+`"`)) || bytes.Count(body, []byte(`"status":"published"`)) != 3 {
		t.Fatalf("article = %d %s", code, body)
	}

	t.Run("ErrSeedFileReadable", func(t *testing.T) {
		loose := filepath.Join(dir, "loose.seed")
		os.WriteFile(loose, seed, 0o644)
		os.WriteFile(filepath.Join(dir, "x.md"), []byte(article(author, "X", "")), 0o644)
		_, err := cli(ctx, nil, "publish", "--server", s.url, "--seed-file", loose, filepath.Join(dir, "x.md"))
		if err == nil || !strings.Contains(err.Error(), "chmod 600") || strings.Contains(err.Error(), strings.TrimSpace(string(seed))) {
			t.Fatalf("err = %v", err)
		}
	})
	for _, tc := range []struct{ name, file, want string }{
		{"ErrFrontMatter", "---\ntitle: [unclosed\n---\nbody\n", "line"},
		{"ErrUnknownKey", strings.Replace(article(author, "Y", ""), "tags:", "subtitle: no\ntags:", 1), "subtitle: unknown key"},
		{"ErrOtherAuthor", article(publishtest.GenesisAddress, "Z", ""), "your key is"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name+".md")
			os.WriteFile(path, []byte(tc.file), 0o644)
			_, err := cli(ctx, env, "publish", "--server", s.url, path)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
	t.Run("ErrBothSeeds", func(t *testing.T) {
		_, err := cli(ctx, env, "publish", "--seed-file", seedFile, filepath.Join(dir, "first.md"))
		if err == nil || exitCode(err) != 2 {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrNoSeed", func(t *testing.T) {
		_, err := cli(ctx, nil, "publish", filepath.Join(dir, "first.md"))
		if err == nil || !strings.Contains(err.Error(), "BANX_SEED") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("OKLogin", func(t *testing.T) {
		out, err := cli(ctx, env, "login", "--server", s.url)
		if err != nil || !strings.Contains(out, "signed in   "+author) {
			t.Fatalf("login: %v %s", err, out)
		}
	})
	t.Run("OKAnchorSeedFileKept", func(t *testing.T) {
		info, err := os.Stat(filepath.Join(s.dataDir, "wallets", "anchor.seed"))
		if err != nil || info.Mode().Perm() != 0o600 {
			t.Fatalf("anchor seed file: %v %v", info, err)
		}
	})
}

func walletFromFile(t *testing.T, path string) *wallet.Wallet {
	t.Helper()
	w, err := readSeedFile("test", path)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestAuthorHelp checks that the author commands' -h names the environment
// variables they read, and that the command groups list their subcommands.
func TestAuthorHelp(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"login", "-h"}, []string{"BANX_SERVER", "BANX_SEED_FILE", "BANX_SEED ", "default http://127.0.0.1:8080", "-print-token"}},
		{[]string{"publish", "-h"}, []string{"BANX_SERVER", "BANX_SEED_FILE", "BANX_SEED ", "usage: banx publish [flags] ARTICLE.md", "-mode"}},
		{[]string{"wallet", "fund", "-h"}, []string{"usage: banx wallet fund ADDRESS", "BANX_LEDGER_ADDR", "BANX_XRPL_URL", "-xrp"}},
		{[]string{"wallet", "-h"}, []string{"fund ADDRESS", "new --out FILE", "address"}},
		{[]string{"payout", "--help"}, []string{"plan ", "--next", "status", "verify", "beneficiaries", "decline"}},
		{[]string{"content", "help"}, []string{"add FILE|-", "get CID [-o FILE]", "-- ends the flags"}},
		{[]string{"token", "-h"}, []string{"setup", "status", "trustline"}},
		{[]string{"ledger", "-h"}, []string{"serve", "banx wallet fund ADDRESS"}},
	} {
		t.Run(strings.Join(tc.args, "_"), func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), tc.args, func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
			if err != nil && exitCode(err) != 2 {
				t.Fatalf("err = %v", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String()+errOut.String(), w) {
					t.Errorf("help lacks %q:\n%s%s", w, out.String(), errOut.String())
				}
			}
		})
	}
}
