package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/internal/auth"
)

// mustSign signs a sign-in message with w, as a wallet would.
func mustSign(msg string, w *wallet.Wallet) (pub, sig string) {
	pub, sig, err := auth.SignWith(msg, w)
	if err != nil {
		panic(err)
	}
	return pub, sig
}

// cliCase is one bad invocation of banx: the arguments, environment on top of
// the fixture's (BANX_DATA_DIR is the running server's, BANX_LEDGER_ADDR its
// embedded ledger), standard input, the exit status it must end with and a
// fragment of its error.
type cliCase struct {
	name   string
	args   []string
	env    map[string]string
	stdin  string
	exit   int
	reason string
}

func (f *badInputFixture) checkCLI(t *testing.T, tc cliCase) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	getenv := func(k string) string {
		if v, ok := tc.env[k]; ok {
			return v
		}
		switch k {
		case "BANX_DATA_DIR":
			return f.srv.dataDir
		case "BANX_LEDGER_ADDR":
			return f.ledgerAddr
		}
		return ""
	}
	var stdout, stderr bytes.Buffer
	err := run(ctx, tc.args, getenv, strings.NewReader(tc.stdin), &stdout, &stderr)
	if err == nil {
		t.Fatalf("banx %q succeeded, want exit %d\nstdout: %.500s", tc.args, tc.exit, stdout.String())
	}
	if testing.Verbose() {
		t.Logf("exit %d: %v", exitCode(err), err)
	}
	if exitCode(err) != tc.exit || !strings.Contains(err.Error(), tc.reason) {
		t.Fatalf("banx %q: exit %d %q, want exit %d containing %q\nstderr: %.500s", tc.args, exitCode(err), err, tc.exit, tc.reason, stderr.String())
	}
}

// cliFiles are the hostile files the CLI catalogue reads.
type cliFiles struct {
	dir                                                      string
	seed0644, seedDir, seedHuge, seedOK, seedRTL             string
	noFrontMatter, otherAuthor, nulArticle, badUTF8          string
	hugeArticle, homoglyphAuthor                             string
	okArticle, garbageBundle, tamperedBundle, mismatchBundle string
	garbageProof, garbagePolicy, existing                    string
}

func writeFile(t *testing.T, path string, data []byte, mode os.FileMode) string {
	t.Helper()
	if err := os.WriteFile(path, data, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return path
}

func (f *badInputFixture) cliFiles(t *testing.T) cliFiles {
	t.Helper()
	dir := t.TempDir()
	me := f.author.ClassicAddress.String()
	p := func(name string) string { return filepath.Join(dir, name) }
	art := func(author, title string) []byte { return []byte(article(author, title, "")) }
	c := cliFiles{dir: dir}
	c.seed0644 = writeFile(t, p("open.seed"), []byte(f.author.Seed+"\n"), 0o644)
	c.seedDir = p("seed.d")
	if err := os.Mkdir(c.seedDir, 0o700); err != nil {
		t.Fatal(err)
	}
	c.seedHuge = writeFile(t, p("huge.seed"), bytes.Repeat([]byte("s"), 1<<20), 0o600)
	c.seedRTL = writeFile(t, p("rtl.seed"), []byte(rtlOverride+f.author.Seed+"\n"), 0o600)
	c.seedOK = writeFile(t, p("author.seed"), []byte(f.author.Seed+"\n"), 0o600)
	c.existing = writeFile(t, p("existing.seed"), []byte("keep me\n"), 0o600)
	c.okArticle = writeFile(t, p("ok.md"), art(me, "A fine article"), 0o644)
	c.noFrontMatter = writeFile(t, p("plain.md"), []byte("# No front matter\n\nJust text.\n"), 0o644)
	c.otherAuthor = writeFile(t, p("other.md"), art(f.author2.ClassicAddress.String(), "Not mine"), 0o644)
	c.nulArticle = writeFile(t, p("nul.md"), art(me, "Null\x00byte"), 0o644)
	c.badUTF8 = writeFile(t, p("utf8.md"), art(me, "Bad "+badUTF8), 0o644)
	c.hugeArticle = writeFile(t, p("huge.md"), append(art(me, "Huge"), bytes.Repeat([]byte("word "), 4<<20)...), 0o644)
	c.homoglyphAuthor = writeFile(t, p("homoglyph.md"), art(homoglyph(me), "Lookalike"), 0o644)
	c.garbageBundle = writeFile(t, p("garbage.proof.json"), []byte(`{"bundle":"banx.proof/1","evil":true}`), 0o644)
	c.garbageProof = writeFile(t, p("garbage-leaf.json"), []byte("not json at all"), 0o644)
	c.garbagePolicy = writeFile(t, p("policy.json"), []byte(`{"version":"`+sqlQuote+`"}`), 0o644)

	code, body, _ := f.srv.do(t, "GET", fmt.Sprintf("/api/v1/articles/%d/versions/1/proof", f.articleID), "", nil)
	if code != 200 {
		t.Fatalf("proof bundle: %d %s", code, body)
	}
	var b map[string]any
	if err := json.Unmarshal(body, &b); err != nil {
		t.Fatal(err)
	}
	b["manifest"].(map[string]any)["sha256"] = strings.Repeat("0", 64)
	c.mismatchBundle = writeFile(t, p("mismatch.proof.json"), js(b), 0o644)
	if err := json.Unmarshal(body, &b); err != nil {
		t.Fatal(err)
	}
	b["author"] = f.author2.ClassicAddress.String()
	c.tamperedBundle = writeFile(t, p("tampered.proof.json"), js(b), 0o644)
	return c
}

// cliCatalogue is every bad invocation, by command in the order of commands().
func cliCatalogue(t *testing.T, f *badInputFixture) []cliCase {
	c := f.cliFiles(t)
	me := f.author.ClassicAddress.String()
	other := f.author2.ClassicAddress.String()
	contentDir := map[string]string{"BANX_DATA_DIR": t.TempDir()} // content commands open their own store
	seed := map[string]string{"BANX_SEED": f.author.Seed}
	unreachable := "http://" + freeAddr(t) // a loopback port nothing listens on
	tx := someTxHash
	media := func(name string, data []byte) string { return writeFile(t, filepath.Join(c.dir, name), data, 0o644) }
	okImage := media("ok.png", testImage(t, color.RGBA{B: 255, A: 255}))
	emptyImage := media("empty.png", nil)
	hugeImage := media("huge.png", append(testImage(t, color.RGBA{A: 255}), make([]byte, 10<<20)...))
	svgImage := media("cover.png", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`))
	htmlImage := media("page.jpg", []byte("<!doctype html><script>alert(1)</script>"))
	return []cliCase{
		// banx itself
		{"Banx/ErrNoCommand", nil, nil, "", 2, "no command given"},
		{"Banx/ErrUnknown", []string{"frobnicate"}, nil, "", 2, `unknown command "frobnicate"`},
		{"Banx/ErrHomoglyphCommand", []string{"sеrve"}, nil, "", 2, `unknown command "sеrve"`},
		{"Banx/ErrNULCommand", []string{"serve\x00"}, nil, "", 2, `unknown command "serve\x00"`},

		// serve: every bad setting is refused before anything is opened
		{"Serve/ErrPort", []string{"serve", "--addr", "127.0.0.1:99999"}, nil, "", 1, "addr (BANX_ADDR): port \"99999\" must be a number from 0 to 65535"},
		{"Serve/ErrFullwidthHost", []string{"serve", "--addr", "ｌocalhost:8080"}, nil, "", 1, `addr (BANX_ADDR): "ｌocalhost" is not an IP address or host name`},
		{"Serve/ErrNoPort", []string{"serve", "--addr", "localhost"}, nil, "", 1, "is not host:port"},
		{"Serve/ErrIPFS", []string{"serve", "--ipfs-api", "ftp://127.0.0.1:5001"}, nil, "", 1, "ipfs-api (BANX_IPFS_API): \"ftp://127.0.0.1:5001\" is neither a multiaddr nor an http(s) URL"},
		{"Serve/ErrIPFSMultiaddr", []string{"serve", "--ipfs-api", "/ip4/127.0.0.1/tcp/0"}, nil, "", 1, "must be 1-65535"},
		{"Serve/ErrXRPLScript", []string{"serve", "--xrpl", "javascript:alert(1)"}, nil, "", 1, `xrpl (BANX_XRPL_URL): "javascript:alert(1)" is not an absolute URL`},
		{"Serve/ErrXRPLScheme", []string{"serve"}, map[string]string{"BANX_XRPL_URL": "file:///etc/passwd"}, "", 1, `xrpl (BANX_XRPL_URL): "file:///etc/passwd" is not an absolute URL`},
		{"Serve/ErrLedgerAddr", []string{"serve", "--ledger-addr", "[::1"}, nil, "", 1, "ledger-addr (BANX_LEDGER_ADDR)"},
		{"Serve/ErrLogLevel", []string{"serve", "--log-level", "LOUD"}, nil, "", 1, `log-level (BANX_LOG_LEVEL): "LOUD" is not one of`},
		{"Serve/ErrDwellNegative", []string{"serve", "--view-dwell", "-1s"}, nil, "", 1, "view-dwell (BANX_VIEW_DWELL): -1s is outside 0s to 10m0s"},
		{"Serve/ErrDwellUnit", []string{"serve", "--view-dwell", "10"}, nil, "", 1, `view-dwell (BANX_VIEW_DWELL): "10" is not a duration`},
		{"Serve/ErrProxyCIDR", []string{"serve", "--trusted-proxies", "10.0.0.0/33"}, nil, "", 1, `trusted-proxies (BANX_TRUSTED_PROXIES): "10.0.0.0/33" is not an IP address or CIDR prefix`},
		{"Serve/ErrBatchInterval", []string{"serve", "--batch-interval", "1ns"}, nil, "", 1, `batch-interval (BANX_BATCH_INTERVAL): "1ns" must be a duration from 100ms to 1h`},
		{"Serve/ErrBatchMax", []string{"serve", "--batch-max", "1e6"}, nil, "", 1, `batch-max (BANX_BATCH_MAX): "1e6" must be a whole number`},
		{"Serve/ErrDomainPath", []string{"serve", "--domain", "evil.example/login"}, nil, "", 1, `domain (BANX_DOMAIN): "evil.example/login" is not a host[:port]`},
		{"Serve/ErrDomainRTL", []string{"serve", "--domain", "banx.example" + rtlOverride + "moc.live"}, nil, "", 1, `domain (BANX_DOMAIN): "banx.example\u202emoc.live" is not a host[:port]`},
		{"Serve/ErrDomainNUL", []string{"serve", "--domain", "banx.example\x00.evil"}, nil, "", 1, `domain (BANX_DOMAIN): "banx.example\x00.evil" is not a host[:port]`},
		{"Serve/ErrDomainHomoglyph", []string{"serve", "--domain", "bаnx.example"}, nil, "", 1, `domain (BANX_DOMAIN): "bаnx.example" is not a host[:port]`},
		{"Serve/ErrDomainPort", []string{"serve", "--domain", "banx.example:http"}, nil, "", 1, `domain (BANX_DOMAIN): "banx.example:http" is not a host[:port]`},
		{"Serve/ErrEmptyData", []string{"serve", "--data", " "}, nil, "", 1, "data (BANX_DATA_DIR): must not be empty"},
		{"Serve/ErrArgument", []string{"serve", "now"}, nil, "", 2, `serve takes no arguments, got ["now"]`},
		{"Serve/ErrFlag", []string{"serve", "--admin"}, nil, "", 2, "flag provided but not defined: -admin"},

		// ledger serve
		{"Ledger/ErrNoSubcommand", []string{"ledger"}, nil, "", 2, "ledger needs a subcommand: serve"},
		{"Ledger/ErrSubcommand", []string{"ledger", "run"}, nil, "", 2, "ledger needs a subcommand: serve"},
		{"Ledger/ErrAddr", []string{"ledger", "serve", "--addr", "127.0.0.1"}, nil, "", 1, `addr: "127.0.0.1" is not host:port`},
		{"Ledger/ErrLogLevel", []string{"ledger", "serve", "--log-level", "chatty"}, nil, "", 1, `"chatty" is not one of debug, info, warn, error`},
		{"Ledger/ErrCloseInterval", []string{"ledger", "serve", "--close-interval", "soon"}, nil, "", 2, `invalid value "soon" for flag -close-interval`},
		{"Ledger/ErrCloseNegative", []string{"ledger", "serve", "--addr", "127.0.0.1:0", "--close-interval", "-1s"}, nil, "", 1, "close interval must not be negative"},
		{"Ledger/ErrArgument", []string{"ledger", "serve", "extra"}, nil, "", 2, `ledger serve takes no arguments, got ["extra"]`},

		// wallet
		{"Wallet/ErrNoSubcommand", []string{"wallet"}, nil, "", 2, "wallet needs a subcommand"},
		{"Wallet/ErrSubcommand", []string{"wallet", "steal"}, nil, "", 2, `unknown wallet subcommand "steal"`},
		{"Wallet/ErrNewNoOut", []string{"wallet", "new"}, nil, "", 2, "wallet new takes --out FILE and no arguments"},
		{"Wallet/ErrNewOverwrite", []string{"wallet", "new", "--out", c.existing}, nil, "", 1, c.existing + " already exists: refusing to overwrite a seed"},
		{"Wallet/ErrNewIntoFile", []string{"wallet", "new", "--out", filepath.Join(c.existing, "x.seed")}, nil, "", 1, "create directory for"},
		{"Wallet/ErrSeedInvalid", []string{"wallet", "address"}, map[string]string{"BANX_SEED": "sNOTASEED"}, "", 1, "author seed in BANX_SEED is not a valid XRPL seed"},
		{"Wallet/ErrSeedZeroWidth", []string{"wallet", "address"}, map[string]string{"BANX_SEED": f.author.Seed[:4] + zeroWidth + f.author.Seed[4:]}, "", 1, "author seed in BANX_SEED is not a valid XRPL seed"},
		{"Wallet/ErrSeedFileRTL", []string{"wallet", "address", "--seed-file", c.seedRTL}, nil, "", 1, "author seed in " + c.seedRTL + " is not a valid XRPL seed"},
		{"Wallet/ErrSeedHomoglyph", []string{"wallet", "address"}, map[string]string{"BANX_SEED": homoglyph(f.author.Seed)}, "", 1, "author seed in BANX_SEED is not a valid XRPL seed"},
		{"Wallet/ErrSeedFileOpen", []string{"wallet", "address", "--seed-file", c.seed0644}, nil, "", 1, "has mode 0644: it must not be readable by group or others (chmod 600)"},
		{"Wallet/ErrSeedFileDir", []string{"wallet", "address", "--seed-file", c.seedDir}, nil, "", 1, "is not a small regular file holding one seed"},
		{"Wallet/ErrSeedFileHuge", []string{"wallet", "address", "--seed-file", c.seedHuge}, nil, "", 1, "is not a small regular file holding one seed"},
		{"Wallet/ErrSeedFileMissing", []string{"wallet", "address", "--seed-file", filepath.Join(c.dir, "..", "..", "nope.seed")}, nil, "", 1, "nope.seed cannot be read"},
		{"Wallet/ErrTwoSeeds", []string{"wallet", "address", "--seed-file", c.seedOK}, seed, "", 2, "not both"},
		{"Wallet/ErrNoSeed", []string{"wallet", "address"}, nil, "", 2, "no signing key"},

		// media add: every refusal comes before the server is asked anything
		{"Media/ErrNoSubcommand", []string{"media"}, seed, "", 2, "media needs a subcommand: add FILE"},
		{"Media/ErrSubcommand", []string{"media", "rm", okImage}, seed, "", 2, `unknown media subcommand "rm": want add`},
		{"Media/ErrNoFile", []string{"media", "add"}, seed, "", 2, "media add takes exactly one FILE (a PNG, JPEG, GIF or WebP image)"},
		{"Media/ErrTwoFiles", []string{"media", "add", okImage, okImage}, seed, "", 2, "media add takes exactly one FILE"},
		{"Media/ErrRole", []string{"media", "add", "--role", "banner", okImage}, seed, "", 2, `--role must be cover or inline, got "banner"`},
		{"Media/ErrRoleCase", []string{"media", "add", "--role", "Cover", okImage}, seed, "", 2, `--role must be cover or inline, got "Cover"`},
		{"Media/ErrTimeout", []string{"media", "add", "--timeout", "0s", okImage}, seed, "", 2, "--timeout must be positive, got 0s"},
		{"Media/ErrAIWithCameraSource", []string{"media", "add", "--ai", "--source", "digitalCapture", okImage}, seed, "", 2, `--ai says the picture was made with AI, but --source "digitalCapture" is not an AI term`},
		{"Media/ErrMissing", []string{"media", "add", filepath.Join(c.dir, "missing.png")}, seed, "", 1, filepath.Join(c.dir, "missing.png") + " does not exist"},
		{"Media/ErrDirectory", []string{"media", "add", c.seedDir}, seed, "", 1, c.seedDir + " is a directory, not an image file"},
		{"Media/ErrDevice", []string{"media", "add", "/dev/null"}, seed, "", 1, "/dev/null is not a regular file but a character device: give an image file"},
		{"Media/ErrEmpty", []string{"media", "add", emptyImage}, seed, "", 1, emptyImage + " is empty: want a PNG, JPEG, GIF or WebP image"},
		{"Media/ErrTooLarge", []string{"media", "add", hugeImage}, seed, "", 1, "bytes: the server accepts images of at most 10485760 bytes"},
		{"Media/ErrSVG", []string{"media", "add", svgImage}, seed, "", 1, svgImage + " is not a PNG, JPEG, GIF or WebP image (its content looks like SVG)"},
		{"Media/ErrHTMLNamedJPEG", []string{"media", "add", htmlImage}, seed, "", 1, "(its content looks like text/html)"},
		{"Media/ErrArticleFile", []string{"media", "add", c.okArticle}, seed, "", 1, "(its content looks like text/plain)"},
		{"Media/ErrAltNewline", []string{"media", "add", "--alt", "two\nlines", okImage}, seed, "", 1, "--alt: "},
		{"Media/ErrAltRTL", []string{"media", "add", "--alt", "cover " + rtlOverride + "gpj.exe", okImage}, seed, "", 1, "--alt: invisible format character U+202E (right-to-left override) not allowed"},
		{"Media/ErrAltTooLong", []string{"media", "add", "--alt", strings.Repeat("a", 501), okImage}, seed, "", 1, "--alt: 501 characters, max 500"},
		{"Media/ErrSource", []string{"media", "add", "--source", "paintedByHand", okImage}, seed, "", 1, `--source: "paintedByHand" is not`},
		{"Media/ErrNoSeed", []string{"media", "add", okImage}, nil, "", 2, "no signing key"},
		{"Media/ErrServerScheme", []string{"media", "add", "--server", "ftp://127.0.0.1", okImage}, seed, "", 2, `--server "ftp://127.0.0.1" is not an http(s) URL`},
		{"Media/ErrUnreachable", []string{"media", "add", "--server", unreachable, okImage}, seed, "", 1, "Banx server " + unreachable + " unreachable"},

		// login
		{"Login/ErrServerScheme", []string{"login", "--server", "ftp://127.0.0.1"}, seed, "", 2, `--server "ftp://127.0.0.1" is not an http(s) URL`},
		{"Login/ErrServerScript", []string{"login", "--server", "javascript:alert(1)"}, seed, "", 2, "is not an http(s) URL"},
		{"Login/ErrServerNoHost", []string{"login", "--server", "http://"}, seed, "", 2, "is not an http(s) URL"},
		{"Login/ErrNoSeed", []string{"login", "--server", f.srv.url}, nil, "", 2, "no signing key"},
		{"Login/ErrBadSeed", []string{"login", "--server", f.srv.url}, map[string]string{"BANX_SEED": "s" + sqlQuote}, "", 1, "author seed in BANX_SEED is not a valid XRPL seed"},
		{"Login/ErrArgument", []string{"login", f.srv.url}, seed, "", 2, "login takes no arguments"},
		{"Login/ErrUnreachable", []string{"login", "--server", unreachable}, seed, "", 1, "Banx server " + unreachable + " unreachable"},

		// publish: every refusal comes before the server is asked anything
		{"Publish/ErrNoFile", []string{"publish"}, seed, "", 2, "publish takes exactly one ARTICLE.md"},
		{"Publish/ErrMode", []string{"publish", "--mode", "turbo", c.okArticle}, seed, "", 2, `--mode must be self or batch, got "turbo"`},
		{"Publish/ErrArticleNegative", []string{"publish", "--server", f.srv.url, "--article", "-3", c.okArticle}, seed, "", 2, "--article must be a positive article id, got -3"},
		{"Publish/ErrTimeout", []string{"publish", "--server", f.srv.url, "--timeout", "0s", c.okArticle}, seed, "", 2, "--timeout must be positive"},
		{"Publish/ErrMaxFee", []string{"publish", "--server", f.srv.url, "--max-fee", "0", c.okArticle}, seed, "", 2, "--max-fee must be at least"},
		{"Publish/ErrMissingFile", []string{"publish", filepath.Join(c.dir, "missing.md")}, seed, "", 1, "open " + filepath.Join(c.dir, "missing.md")},
		{"Publish/ErrTraversal", []string{"publish", "--server", f.srv.url, c.dir + "/../../../../../../etc/passwd"}, seed, "", 1, `/etc/passwd: line 1: front matter: want "---" alone on the first line`},
		{"Publish/ErrNoFrontMatter", []string{"publish", "--server", f.srv.url, c.noFrontMatter}, seed, "", 1, c.noFrontMatter + `: line 1: front matter: want "---" alone on the first line`},
		{"Publish/ErrOtherAuthor", []string{"publish", "--server", f.srv.url, c.otherAuthor}, seed, "", 1, "author is " + other + ", but your key is " + me + "'s"},
		{"Publish/ErrHomoglyphAuthor", []string{"publish", "--server", f.srv.url, c.homoglyphAuthor}, seed, "", 1, `line 7: author: "` + homoglyph(me) + `" is not a valid XRPL classic address (format or checksum)`},
		{"Publish/ErrNUL", []string{"publish", "--server", f.srv.url, c.nulArticle}, seed, "", 1, c.nulArticle + ": line 1: front matter: control characters are not allowed"},
		{"Publish/ErrInvalidUTF8", []string{"publish", "--server", f.srv.url, c.badUTF8}, seed, "", 1, c.badUTF8 + ": line 2: markdown: invalid UTF-8"},
		{"Publish/ErrHuge", []string{"publish", "--server", f.srv.url, c.hugeArticle}, seed, "", 1, c.hugeArticle + ": markdown: more than 2097152 bytes"},
		{"Publish/ErrServer", []string{"publish", "--server", "gopher://x", c.okArticle}, seed, "", 2, `--server "gopher://x" is not an http(s) URL`},
		{"Publish/ErrNoSeed", []string{"publish", c.okArticle}, nil, "", 2, "no signing key"},

		// verify
		{"Verify/ErrNoArgument", []string{"verify"}, nil, "", 2, "verify takes exactly one TXHASH, BUNDLE.json, - or ARTICLE-URL"},
		{"Verify/ErrTwoArguments", []string{"verify", "--offline", c.tamperedBundle, c.garbageBundle}, nil, "", 2, "verify takes exactly one"},
		{"Verify/ErrOfflineTx", []string{"verify", "--offline", tx}, nil, "", 2, "--offline needs a bundle"},
		{"Verify/ErrCIDWithBundle", []string{"verify", "--offline", "--cid", unknownCID, c.tamperedBundle}, nil, "", 2, "--cid and --sha256 go with a TXHASH"},
		{"Verify/ErrTimeout", []string{"verify", "--timeout", "-1s", tx}, nil, "", 2, "--timeout must be positive"},
		{"Verify/ErrNoXRPL", []string{"verify", tx}, nil, "", 2, "--xrpl is required"},
		{"Verify/ErrNoIPFS", []string{"verify", "--xrpl", unreachable, tx}, nil, "", 2, "--ipfs is required"},
		{"Verify/ErrXRPLScheme", []string{"verify", "--xrpl", "ftp://x", "--ipfs", unreachable, tx}, nil, "", 2, `xrpl node "ftp://x": scheme "ftp" not supported, want http, https, ws or wss`},
		{"Verify/ErrIPFSMode", []string{"verify", "--xrpl", unreachable, "--ipfs", unreachable, "--ipfs-mode", "magic", tx}, nil, "", 2, `ipfs mode "magic" is not one of auto, rpc, gateway`},
		{"Verify/ErrShortHash", []string{"verify", "--offline", tx[:63]}, nil, "", 1, "open proof bundle: open " + tx[:63] + ": no such file or directory"},
		{"Verify/ErrMissingBundle", []string{"verify", "--offline", filepath.Join(c.dir, "missing.json")}, nil, "", 1, "open proof bundle: open " + filepath.Join(c.dir, "missing.json") + ": no such file or directory"},
		{"Verify/ErrTraversal", []string{"verify", "--offline", c.dir + "/../../../../../../etc/passwd"}, nil, "", 1, "proof bundle: $: malformed JSON: invalid character"},
		{"Verify/ErrGarbageBundle", []string{"verify", "--offline", c.garbageBundle}, nil, "", 1, `proof bundle: $: unknown member "evil"`},
		{"Verify/ErrMismatch", []string{"verify", "--offline", c.mismatchBundle}, nil, "", 1, "differs from sha256 " + strings.Repeat("0", 64)},
		{"Verify/ErrTampered", []string{"verify", "--offline", c.tamperedBundle}, nil, "", 1, "verification failed: 2 check(s) failed"},
		{"Verify/ErrHugeStdin", []string{"verify", "--offline", "-"}, nil, strings.Repeat(" ", 6<<20+1), 1, "proof bundle: 6291457 bytes, at most 6291456 are allowed"},
		{"Verify/ErrURLNotBundle", []string{"verify", "--offline", f.srv.url + "/healthz"}, nil, "", 1, `proof bundle: $: unknown member "status"`},
		{"Verify/ErrFlag", []string{"verify", "--trust-me", tx}, nil, "", 2, "flag provided but not defined: -trust-me"},

		// content (on a store of its own: the server's is in use)
		{"Content/ErrNoSubcommand", []string{"content"}, contentDir, "", 2, "content needs a subcommand"},
		{"Content/ErrSubcommand", []string{"content", "rm", unknownCID}, contentDir, "", 2, `unknown content subcommand "rm"`},
		{"Content/ErrAddNoFile", []string{"content", "add"}, contentDir, "", 2, "content add takes exactly one FILE"},
		{"Content/ErrAddMissing", []string{"content", "add", filepath.Join(c.dir, "missing.bin")}, contentDir, "", 1, "open " + filepath.Join(c.dir, "missing.bin")},
		{"Content/ErrAddTooLarge", []string{"content", "add", "-"}, contentDir, strings.Repeat("x", 10<<20+1), 1, "- is larger than 10485760 bytes"},
		{"Content/ErrAddIPFS", []string{"content", "add", "--ipfs-api", "ftp://x", c.okArticle}, contentDir, "", 1, "ipfs-api (BANX_IPFS_API)"},
		{"Content/ErrGetMalformed", []string{"content", "get", "not-a-cid"}, contentDir, "", 1, `cid "not-a-cid" is malformed`},
		{"Content/ErrGetTraversal", []string{"content", "get", "../../../etc/passwd"}, contentDir, "", 1, `cid "../../../etc/passwd" is malformed`},
		{"Content/ErrGetSQL", []string{"content", "get", unknownCID + sqlQuote}, contentDir, "", 1, `cid "` + unknownCID + sqlQuote + `" is malformed: invalid cid: illegal base32 data`},
		{"Content/ErrGetUnknown", []string{"content", "get", unknownCID}, contentDir, "", 1, "block " + unknownCID + " not found"},
		{"Content/ErrGetTwo", []string{"content", "get", unknownCID, unknownCID}, contentDir, "", 2, "content get takes exactly one CID"},

		// token
		{"Token/ErrNoSubcommand", []string{"token"}, nil, "", 2, "token needs a subcommand"},
		{"Token/ErrSubcommand", []string{"token", "mint"}, nil, "", 2, `unknown token subcommand "mint"`},
		{"Token/ErrNetwork", []string{"token", "status", "--network", "moonnet"}, nil, "", 1, `network (BANX_NETWORK): "moonnet" is not one of`},
		{"Token/ErrRemoteNoNetwork", []string{"token", "status", "--xrpl", unreachable}, nil, "", 1, "network (BANX_NETWORK): required with a remote ledger"},
		{"Token/ErrArgument", []string{"token", "status", "now"}, nil, "", 2, `token status takes no arguments, got ["now"]`},
		{"Token/ErrIssuerSeed", []string{"token", "status"}, map[string]string{"BANX_ISSUER_SEED": "sBadSeed"}, "", 1, "issuer seed in $BANX_ISSUER_SEED is not a valid XRPL seed"},
		{"Token/ErrIssuerSeedZeroWidth", []string{"token", "status"}, map[string]string{"BANX_ISSUER_SEED": f.author.Seed[:4] + zeroWidth + f.author.Seed[4:]}, "", 1, "issuer seed in $BANX_ISSUER_SEED is not a valid XRPL seed"},
		{"Token/ErrIssuerSeedFileRTL", []string{"token", "status", "--issuer-seed-file", c.seedRTL}, nil, "", 1, "issuer seed in " + c.seedRTL + " is not a valid XRPL seed"},
		{"Token/ErrTrustLineSeedFileRTL", []string{"token", "trustline", "--seed-file", c.seedRTL}, nil, "", 1, "author seed in " + c.seedRTL + " is not a valid XRPL seed"},
		{"Token/ErrTrustLineSeedHomoglyph", []string{"token", "trustline"}, map[string]string{"BANX_AUTHOR_SEED": homoglyph(f.author.Seed)}, "", 1, "author seed in $BANX_AUTHOR_SEED is not a valid XRPL seed"},
		{"Token/ErrSetupNoSeed", []string{"token", "setup", "--issuer-seed-file", filepath.Join(c.dir, "none.seed")}, nil, "", 1, "issuer seed file " + filepath.Join(c.dir, "none.seed") + " does not exist"},
		{"Token/ErrTrustLineOpenSeed", []string{"token", "trustline", "--seed-file", c.seed0644}, nil, "", 1, "has mode 0644"},
		{"Token/ErrTrustLineNoSeed", []string{"token", "trustline"}, nil, "", 1, "author seed: set $BANX_AUTHOR_SEED or give a seed file"},

		// payout
		{"Payout/ErrNoSubcommand", []string{"payout"}, nil, "", 2, "payout needs a subcommand"},
		{"Payout/ErrSubcommand", []string{"payout", "refund"}, nil, "", 2, `unknown payout subcommand "refund"`},
		{"Payout/ErrPlanNoEpoch", []string{"payout", "plan"}, nil, "", 2, "payout plan needs --epoch"},
		{"Payout/ErrPlanNegative", []string{"payout", "plan", "--epoch", "-1"}, nil, "", 2, `invalid value "-1" for flag -epoch`},
		{"Payout/ErrPlanWord", []string{"payout", "plan", "--epoch", "one"}, nil, "", 2, `invalid value "one" for flag -epoch`},
		{"Payout/ErrPlanOverflow", []string{"payout", "plan", "--epoch", "18446744073709551616"}, nil, "", 2, "value out of range"},
		{"Payout/ErrPlanNotClosed", []string{"payout", "plan", "--epoch", "100000"}, nil, "", 1, "epoch 100000 ends at 3942-07-27T00:00:00Z: it cannot be planned before then"},
		{"Payout/ErrPlanTooFar", []string{"payout", "plan", "--epoch", "99999999"}, nil, "", 1, "epoch 99999999 is beyond 1048576"},
		{"Payout/ErrPlanPolicyMissing", []string{"payout", "plan", "--epoch", "0", "--reward-policy", filepath.Join(c.dir, "none.json")}, nil, "", 1, "reward-policy (BANX_REWARD_POLICY): cannot read"},
		{"Payout/ErrPlanPolicyGarbage", []string{"payout", "plan", "--epoch", "0", "--reward-policy", c.garbagePolicy}, nil, "", 1, "reward-policy (BANX_REWARD_POLICY): " + c.garbagePolicy + `: reward policy: version "' OR '1'='1' --": want "banx.reward-policy/1"`},
		{"Payout/ErrPlanNetwork", []string{"payout", "plan", "--epoch", "0", "--network", "main net"}, nil, "", 1, `network (BANX_NETWORK): "main net" is not one of`},
		{"Payout/ErrRunUnplanned", []string{"payout", "run", "--epoch", "3"}, nil, "", 1, "epoch 3 has no plan"},
		{"Payout/ErrRunDryUnplanned", []string{"payout", "run", "--dry-run", "--epoch", "3"}, nil, "", 1, "epoch 3 has no plan"},
		{"Payout/ErrRunDistributionSeed", []string{"payout", "run", "--epoch", "3"}, map[string]string{"BANX_DISTRIBUTION_SEED": "x"}, "", 1, "distribution seed in $BANX_DISTRIBUTION_SEED is not a valid XRPL seed"},
		{"Payout/ErrStatusUnplanned", []string{"payout", "status", "--epoch", "3"}, nil, "", 1, "epoch 3 has no plan"},
		{"Payout/ErrProofNoAuthor", []string{"payout", "proof", "--epoch", "3"}, nil, "", 2, "payout proof needs --author"},
		{"Payout/ErrProofHomoglyph", []string{"payout", "proof", "--epoch", "3", "--author", homoglyph(me)}, nil, "", 1, `author "` + homoglyph(me) + `" is not a classic XRPL address`},
		{"Payout/ErrBeneficiariesNoAuthor", []string{"payout", "beneficiaries"}, nil, "", 2, "payout beneficiaries needs --author"},
		{"Payout/ErrBeneficiariesSetSyntax", []string{"payout", "beneficiaries", "--author", me, "--set", other}, nil, "", 2, `--set: "` + other + `" is not ACCOUNT=BASIS_POINTS`},
		{"Payout/ErrBeneficiariesSetWord", []string{"payout", "beneficiaries", "--author", me, "--set", other + "=half"}, nil, "", 2, "is not ACCOUNT=BASIS_POINTS"},
		{"Payout/ErrBeneficiariesSum", []string{"payout", "beneficiaries", "--author", me, "--set", other + "=5000"}, nil, "", 1, "shares sum to 5000 basis points (50.00%), they must sum to exactly 10000 (100%)"},
		{"Payout/ErrBeneficiariesHomoglyph", []string{"payout", "beneficiaries", "--author", me, "--set", homoglyph(other) + "=10000"}, nil, "", 1, `[0]: beneficiary account "` + homoglyph(other) + `" is not a classic XRPL address`},
		{"Payout/ErrBeneficiariesSQL", []string{"payout", "beneficiaries", "--author", "r'; DROP TABLE reward_beneficiaries; --"}, nil, "", 1, `author "r'; DROP TABLE reward_beneficiaries; --" is not a classic XRPL address`},
		{"Payout/ErrDeclineNoAuthor", []string{"payout", "decline"}, nil, "", 2, "payout decline needs --author"},
		{"Payout/ErrDeclineRTL", []string{"payout", "decline", "--author", rtlOverride + me}, nil, "", 1, `author "\u202e` + me + `" is not a classic XRPL address`},
		{"Payout/ErrDeclineArgument", []string{"payout", "decline", "--author", me, "now"}, nil, "", 2, `payout decline takes no arguments, got ["now"]`},

		// payout verify
		{"PayoutVerify/ErrNoProof", []string{"payout", "verify"}, nil, "", 2, "payout verify takes exactly one PROOF.json"},
		{"PayoutVerify/ErrNoTx", []string{"payout", "verify", c.garbageProof}, nil, "", 2, "payout verify needs --tx"},
		{"PayoutVerify/ErrShortTx", []string{"payout", "verify", c.garbageProof, "--tx", tx[:10]}, nil, "", 2, "payout verify needs --tx"},
		{"PayoutVerify/ErrNoXRPL", []string{"payout", "verify", c.garbageProof, "--tx", tx}, nil, "", 2, "--xrpl is required"},
		{"PayoutVerify/ErrGarbageProof", []string{"payout", "verify", c.garbageProof, "--tx", tx, "--xrpl", unreachable}, nil, "", 2, "proof " + c.garbageProof + " is not a banx.reward-proof/1 JSON document"},
		{"PayoutVerify/ErrMissingProof", []string{"payout", "verify", filepath.Join(c.dir, "none.json"), "--tx", tx, "--xrpl", unreachable}, nil, "", 2, "open proof: open " + filepath.Join(c.dir, "none.json") + ": no such file or directory"},
		{"PayoutVerify/ErrHugeStdin", []string{"payout", "verify", "-", "--tx", tx, "--xrpl", unreachable}, nil, strings.Repeat(" ", 1<<20+1), 2, "proof - is larger than 1048576 bytes"},

		// views audit
		{"Views/ErrNoSubcommand", []string{"views"}, nil, "", 2, "views: want the subcommand audit"},
		{"Views/ErrSubcommand", []string{"views", "purge"}, nil, "", 2, "views: want the subcommand audit"},
		{"Views/ErrArgument", []string{"views", "audit", "now"}, nil, "", 2, `views audit takes no arguments, got ["now"]`},
		{"Views/ErrNoDatabase", []string{"views", "audit", "--data", filepath.Join(c.dir, "nothing")}, nil, "", 1, "no database at " + filepath.Join(c.dir, "nothing", "banx.db")},

		// version
		{"Version/ErrArgument", []string{"version", "--json"}, nil, "", 2, "flag provided but not defined: -json"},
		{"Version/ErrExtra", []string{"version", "now"}, nil, "", 2, `version takes no arguments, got ["now"]`},
	}
}
