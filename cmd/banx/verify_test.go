package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/Peersyst/xrpl-go/xrpl/transaction"
	"github.com/Peersyst/xrpl-go/xrpl/transaction/types"
	"github.com/Peersyst/xrpl-go/xrpl/wallet"
	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/ledger"
	"github.com/banxmedia/banx/internal/verify/verifytest"
	"github.com/banxmedia/banx/internal/xrpl"
)

// verifyCLI runs `banx verify args...` in-process and returns its exit
// status, standard output, and standard error followed by the error main
// would print.
func verifyCLI(t *testing.T, env map[string]string, stdin []byte, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), append([]string{"verify"}, args...), func(k string) string { return env[k] },
		bytes.NewReader(stdin), &stdout, &stderr)
	code := 0
	if err != nil {
		code = exitCode(err)
		stderr.WriteString("banx: " + err.Error() + "\n")
	}
	return code, stdout.String(), stderr.String()
}

func TestVerifyCLI(t *testing.T) {
	s := verifytest.Start(t)
	alice, platform := s.NewAccount(t), s.NewAccount(t)
	a := s.NewArticle(t, string(alice.ClassicAddress), "Verified from the command line", "")
	self := s.AnchorSelf(t, a, alice)
	b2 := s.NewArticle(t, a.Author, "In a batch", "")
	batch := s.AnchorBatch(t, platform, verifytest.Leaf(t, b2, alice))
	nodes := []string{"--xrpl", s.XRPLURL, "--ipfs", s.Kubo.URL}
	dir := t.TempDir()
	bundleFile := func(t *testing.T, b anchor.ProofBundle) string {
		t.Helper()
		p := filepath.Join(dir, t.Name()[strings.LastIndex(t.Name(), "/")+1:]+".json")
		if err := os.WriteFile(p, verifytest.MarshalBundle(t, b), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}

	t.Run("OK/TxHash", func(t *testing.T) {
		code, out, errOut := verifyCLI(t, nil, nil, append(nodes, self.Tx.Hash)...)
		if code != 0 {
			t.Fatalf("exit %d\n%s%s", code, out, errOut)
		}
		for _, w := range []string{"Banx anchor verification: VERIFIED", "[ ok ] Transaction validated with tesSUCCESS",
			"[ ok ] Content matches the anchored CID: the content re-imports to " + a.CID, "0 failed, 0 skipped."} {
			if !strings.Contains(out, w) {
				t.Errorf("output lacks %q:\n%s", w, out)
			}
		}
	})
	t.Run("OK/BundleFile/JSON/FlagsAfter/Environment", func(t *testing.T) {
		env := map[string]string{"BANX_XRPL_URL": s.WSURL, "BANX_VERIFY_IPFS": s.GatewayURL}
		code, out, errOut := verifyCLI(t, env, nil, bundleFile(t, batch.Bundle(t, b2.SHA256)), "--json")
		if code != 0 {
			t.Fatalf("exit %d\n%s%s", code, out, errOut)
		}
		var res struct {
			Verdict  string `json:"verdict"`
			Mode     string `json:"mode"`
			Manifest struct{ CID string }
			Checks   []anchor.Check
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if res.Verdict != "verified" || res.Mode != "batch" || res.Manifest.CID != b2.CID || len(res.Checks) < 15 {
			t.Errorf("got %+v", res)
		}
	})
	t.Run("OK/Stdin", func(t *testing.T) {
		code, out, _ := verifyCLI(t, nil, verifytest.MarshalBundle(t, self), append(nodes, "-")...)
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, out)
		}
	})
	t.Run("OK/ArticleURL", func(t *testing.T) {
		// A Banx site as a reader meets it: the page /a/{id}[/{slug}] is HTML,
		// the API lists the versions and serves each published one's bundle.
		versions := func(vs ...string) string { return `{"id":7,"versions":[` + strings.Join(vs, ",") + `]}` }
		articles := map[string]string{
			"7": versions(`{"version":1,"status":"published","cid":"`+a.CID+`"}`, `{"version":2,"status":"draft","cid":"bafyother"}`),
			"8": versions(`{"version":1,"status":"failed","cid":"` + a.CID + `"}`),
			"9": versions(`{"version":1,"status":"published","cid":"bafkreiotherthanthebundle"}`),
		}
		var asked []string
		site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			asked = append(asked, r.URL.Path)
			switch p := r.URL.Path; {
			case p == "/api/v1/articles/my-article/versions/1/proof", p == "/api/v1/articles/7/versions/1/proof", p == "/api/v1/articles/9/versions/1/proof":
				w.Header().Set("Content-Type", "application/json")
				w.Write(verifytest.MarshalBundle(t, self))
			case strings.HasPrefix(p, "/api/v1/articles/") && articles[strings.TrimPrefix(p, "/api/v1/articles/")] != "":
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
				w.Write([]byte(articles[strings.TrimPrefix(p, "/api/v1/articles/")]))
			case strings.HasPrefix(p, "/a/7"), p == "/about":
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.Write([]byte("<html>an article</html>"))
			default:
				http.NotFound(w, r)
			}
		}))
		defer site.Close()
		for _, u := range []string{"/articles/my-article/versions/1", "/a/7", "/a/7/my-slug", "/a/7/my-slug/?utm=x#top"} {
			asked = nil
			code, out, errOut := verifyCLI(t, nil, nil, append(nodes, site.URL+u)...)
			if code != 0 || !strings.Contains(out, "Banx anchor verification: VERIFIED") {
				t.Fatalf("%s: exit %d\n%s%s", u, code, out, errOut)
			}
			if strings.HasPrefix(u, "/a/") {
				if want := []string{"/api/v1/articles/7", "/api/v1/articles/7/versions/1/proof"}; !slices.Equal(asked, want) {
					t.Errorf("%s: the site was asked %q, want %q", u, asked, want)
				}
				if !strings.Contains(errOut, "verifying its latest published version, 1") {
					t.Errorf("%s: stderr %q does not say which version", u, errOut)
				}
			}
		}
		for _, c := range []struct {
			name, path string
			code       int
			want       string
		}{
			{"ErrNoBundle", "/articles/other/versions/1", 2, "no proof bundle at"},
			{"ErrNoArticle", "/a/404", 2, "has no article 404"},
			{"ErrNotPublished", "/a/8/slug", 2, "article 8 on " + strings.TrimPrefix(site.URL, "http://") + " has no published version to verify"},
			{"ErrHTMLPage", "/about", 2, "served text/html; charset=utf-8, not a proof bundle (JSON)"},
			{"ErrSiteDisagrees", "/a/9", 1, "the site lists manifest bafkreiotherthanthebundle for version 1"},
		} {
			code, out, errOut := verifyCLI(t, nil, nil, append(nodes, site.URL+c.path)...)
			if code != c.code || !strings.Contains(errOut, c.want) {
				t.Errorf("%s: exit %d, want %d with %q\n%s%s", c.name, code, c.code, c.want, out, errOut)
			}
		}
	})
	t.Run("ErrFailedCheck", func(t *testing.T) {
		tampered := batch.Bundle(t, b2.SHA256)
		tampered.Author = string(platform.ClassicAddress)
		code, out, _ := verifyCLI(t, nil, nil, append(nodes, bundleFile(t, tampered))...)
		if code != 1 || !strings.Contains(out, "Banx anchor verification: FAILED") || !strings.Contains(out, "[FAIL] Author's signature over the article version") {
			t.Errorf("exit %d, output:\n%s", code, out)
		}
	})
	t.Run("ErrIncomplete", func(t *testing.T) {
		code, out, _ := verifyCLI(t, nil, nil, append(nodes, batch.Hash)...)
		if code != 3 || !strings.Contains(out, "INCOMPLETE") {
			t.Errorf("batch by hash: exit %d, output:\n%s", code, out)
		}
		inline := self
		inline.Manifest.Bytes = a.Bytes
		code, out, errOut := verifyCLI(t, nil, nil, "--offline", bundleFile(t, inline))
		if code != 3 || !strings.Contains(out, "[ ok ] Content matches the anchored CID") || !strings.Contains(out, "[skip] Transaction validated with tesSUCCESS: not checked: no XRPL node given") {
			t.Errorf("offline: exit %d, output:\n%s", code, out)
		}
		// An offline report is never "verified", and says so plainly.
		const note = "offline: the ledger checks were not made; run without --offline to verify fully"
		if !strings.Contains(out, "Note: "+note) || !strings.Contains(errOut, "could not be made ("+note+")") {
			t.Errorf("offline: the note is missing\n%s%s", out, errOut)
		}
	})
	t.Run("ErrUsage", func(t *testing.T) {
		for name, args := range map[string][]string{
			"NoXRPL":        {"--ipfs", s.Kubo.URL, self.Tx.Hash},
			"NoIPFS":        {"--xrpl", s.XRPLURL, self.Tx.Hash},
			"NoTarget":      nodes,
			"TwoTargets":    append(nodes, self.Tx.Hash, batch.Hash),
			"CIDWithBundle": append(nodes, "--cid", a.CID, "bundle.json"),
			"OfflineTxHash": {"--offline", self.Tx.Hash},
			"BadMode":       append(nodes, "--ipfs-mode", "carrier-pigeon", self.Tx.Hash),
			"BadXRPLScheme": {"--xrpl", "ftp://example.org", "--ipfs", s.Kubo.URL, self.Tx.Hash},
		} {
			if code, _, errOut := verifyCLI(t, nil, nil, args...); code != 2 {
				t.Errorf("%s: exit %d, want 2 (stderr %q)", name, code, errOut)
			}
		}
	})
	t.Run("ErrBadBundle", func(t *testing.T) {
		p := filepath.Join(dir, "bad.json")
		os.WriteFile(p, []byte(`{"bundle":"banx.proof/9"}`), 0o600)
		var stderr bytes.Buffer
		err := run(context.Background(), append([]string{"verify"}, append(nodes, p)...), func(string) string { return "" }, nil, &bytes.Buffer{}, &stderr)
		if err == nil || exitCode(err) != 1 || !strings.Contains(err.Error(), `bundle "banx.proof/9" is not a version this reader knows`) {
			t.Errorf("error %v", err)
		}
	})
}

// TestServeVerify anchors an article on `banx serve`'s own embedded ledger
// and store, then asks the server's verification endpoint about it.
func TestServeVerify(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ledgerAddr := ln.Addr().String()
	ln.Close()
	srv := startServe(t, map[string]string{"BANX_LEDGER_ADDR": ledgerAddr})

	genesis, err := wallet.FromSeed(ledger.GenesisSeed, "")
	if err != nil {
		t.Fatal(err)
	}
	a := verifytest.Manifest(t, ledger.GenesisAddress, "Verified by the server", "")
	status, body, _ := srv.do(t, http.MethodPost, "/api/v1/content", srv.token, a.Bytes)
	if status != http.StatusCreated || !strings.Contains(string(body), a.CID) {
		t.Fatalf("add content: %d %s (want CID %s)", status, body, a.CID)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client, err := xrpl.Dial(ctx, "http://"+ledgerAddr+"/")
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	memo := verifytest.Memo(t, anchor.SelfMemo(a.SHA256, a.CID, a.Author, ""))
	tx := &transaction.AccountSet{BaseTx: transaction.BaseTx{Account: genesis.ClassicAddress,
		Memos: []types.MemoWrapper{{Memo: types.Memo{MemoType: memo.Type, MemoFormat: memo.Format, MemoData: memo.Data}}}}}
	done, err := client.SubmitAndWait(ctx, tx, &genesis)
	if err != nil {
		t.Fatal(err)
	}

	status, body, _ = srv.do(t, http.MethodGet, "/api/v1/verify/"+done.Hash, "", nil)
	var res struct {
		Verdict string
		Checks  []anchor.Check
	}
	if err := json.Unmarshal(body, &res); err != nil || status != http.StatusOK || res.Verdict != "verified" {
		t.Fatalf("%d %s", status, body)
	}
	for _, c := range res.Checks {
		if c.ID == anchor.CheckContentFetched && !strings.Contains(c.Detail, "embedded content store") {
			t.Errorf("content fetched from %q", c.Detail)
		}
	}

	// Banx's own /ipfs/ route is a gateway like any other: it serves whole
	// files, which the verifier hashes and re-imports instead of trusting.
	code, out, errOut := verifyCLI(t, nil, nil, "--xrpl", "http://"+ledgerAddr+"/", "--ipfs", srv.url, done.Hash)
	if code != 0 || !strings.Contains(out, "IPFS gateway at "+srv.url) {
		t.Errorf("verify through the server's gateway: exit %d\n%s%s", code, out, errOut)
	}
}
