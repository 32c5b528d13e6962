package http_test

import (
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/Peersyst/xrpl-go/xrpl/wallet"
	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/banx"
	banxhttp "github.com/banxmedia/banx/internal/http"
	"github.com/banxmedia/banx/internal/publish/publishtest"
	"github.com/banxmedia/banx/internal/verify"
)

// TestVerifyBatchArticle publishes batch-anchored articles, by a funded
// author and by one whose account is not on the ledger (the no-XRP path),
// and checks that the article page scores their content hash and signature
// in full and that its Verify link checks the version's proof bundle: every
// check runs and passes. The Verify page also takes an article URL of the
// site, and refuses article versions that do not match what it was asked.
func TestVerifyBatchArticle(t *testing.T) {
	ctx := publishtest.Context(t)
	a := startPubAPI(t, withSite, func(st *pubStack, srv *banxhttp.Server) {
		n, err := verify.NewXRPLNode(st.ledgerURL, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { n.Close() })
		srv.Verifier = verify.NewService(&verify.Verifier{Ledger: n, Content: verify.StoreContent{Cat: st.store.Cat, Name: "test store"}}, 0)
	})
	c, pub := a.client, a.stack.pub

	// waitPublished reads the publisher itself, so the wait does not depend
	// on how the API shows unpublished articles.
	waitPublished := func(t *testing.T, id int64) string {
		t.Helper()
		for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			_, versions, err := pub.Article(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range versions {
				switch {
				case v.Version.Status == banx.StatusPublished && v.Anchor != nil:
					return v.Anchor.TxHash
				case v.Version.Status == banx.StatusFailed:
					t.Fatalf("article %d failed to publish: %+v", id, v.Version)
				}
			}
		}
		t.Fatalf("article %d not published after 60s", id)
		return ""
	}
	publishBatch := func(t *testing.T, w *wallet.Wallet, title string) (int64, string) {
		t.Helper()
		me := w.ClassicAddress.String()
		token := a.signIn(t, w)
		var d draftBody
		a.must(t, "POST", "/api/v1/drafts", "/api/v1/drafts", token, pubManifest(me, title, ""), 201, &d)
		leaf, err := anchor.SignLeaf(anchor.Leaf{NetworkID: d.NetworkID, Author: me, SHA256: d.SHA256, CID: d.CID}, w.Seed)
		if err != nil {
			t.Fatal(err)
		}
		a.must(t, "POST", "/api/v1/drafts/{id}/anchor", fmt.Sprintf("/api/v1/drafts/%d/anchor", d.ID), token,
			map[string]string{"mode": "batch", "public_key": leaf.PublicKey, "signature": leaf.Signature}, 202, nil)
		return d.ArticleID, waitPublished(t, d.ArticleID)
	}
	funded := publishtest.NewWallet(t)
	publishtest.Fund(t, ctx, c, funded, 20_000_000)
	unfunded := publishtest.NewEd25519Wallet(t) // never funded: batch is its only way to publish

	verifyLink := regexp.MustCompile(`<a class="button" href="([^"]+)" data-testid="verify">`)
	checkAll := func(t *testing.T, body string) {
		t.Helper()
		if !strings.Contains(body, "✓ Verified: every check passed") {
			t.Errorf("verdict is not verified:\n%s", body)
		}
		for _, id := range []string{anchor.CheckBundle, anchor.CheckMemo, anchor.CheckLeafSignature, anchor.CheckAuthorKey,
			anchor.CheckMerklePath, anchor.CheckTxHash, anchor.CheckTxSignature, anchor.CheckLedgerNetwork, anchor.CheckLedgerTx,
			anchor.CheckContentFetched, anchor.CheckContentSHA256, anchor.CheckContentCID, anchor.CheckManifestAuthor} {
			if !regexp.MustCompile(`data-check="` + regexp.QuoteMeta(id) + `"><span class="status pass">`).MatchString(body) {
				t.Errorf("check %s did not pass", id)
			}
		}
		if n := strings.Count(body, `class="status pass"`); n != strings.Count(body, `data-check=`) {
			t.Errorf("%d of %d checks passed, want all:\n%s", n, strings.Count(body, `data-check=`), body)
		}
	}
	signal := func(body, id string) string {
		m := regexp.MustCompile(`<tr data-signal="` + regexp.QuoteMeta(id) + `"><th scope="row">(.) [^<]*</th><td class="pts">([0-9]+/[0-9]+)</td>`).FindStringSubmatch(body)
		if m == nil {
			return "missing"
		}
		return m[1] + " " + m[2]
	}

	for name, w := range map[string]*wallet.Wallet{"OK/FundedAuthor": funded, "OK/UnfundedAuthor/Ed25519": unfunded} {
		t.Run(name, func(t *testing.T) {
			id, tx := publishBatch(t, w, "Batch by "+name)
			page := fmt.Sprintf("%s/a/%d", a.url, id)
			code, _, body := get(t, page)
			if code != 200 {
				t.Fatalf("GET %s = %d:\n%s", page, code, body)
			}
			for _, sig := range []string{"content.hash", "author.signature"} {
				if got := signal(body, sig); got != "✓ 20/20" {
					t.Errorf("signal %s = %s, want ✓ 20/20", sig, got)
				}
			}
			m := verifyLink.FindStringSubmatch(body)
			if m == nil {
				t.Fatalf("no Verify link on %s:\n%s", page, body)
			}
			link := html.UnescapeString(m[1])
			if !strings.HasPrefix(link, "/verify/"+tx+"?") || !strings.Contains(link, fmt.Sprintf("article=%d", id)) || !strings.Contains(link, "version=1") {
				t.Fatalf("Verify link %s does not name transaction %s and article %d version 1", link, tx, id)
			}
			code, _, body = get(t, a.url+link)
			if code != 200 {
				t.Fatalf("GET %s = %d:\n%s", link, code, body)
			}
			checkAll(t, body)

			for _, u := range []string{page + "/some-slug", strings.TrimPrefix(page, "http://")} {
				code, _, body = get(t, a.url+"/verify?tx="+url.QueryEscape(u))
				if code != 200 || !strings.Contains(body, tx) {
					t.Fatalf("GET /verify?tx=%s = %d, want the report of %s:\n%s", u, code, tx, body)
				}
				checkAll(t, body)
			}
		})
	}

	id, tx := publishBatch(t, funded, "Another")
	tests := []struct{ name, query, reason string }{
		{"ErrHalfPair", fmt.Sprintf("/verify/%s?article=%d", tx, id), "article and version go together"},
		{"ErrBadVersion", fmt.Sprintf("/verify/%s?article=%d&version=x", tx, id), `version &#34;x&#34; is not a version number`},
		{"ErrOtherTx", fmt.Sprintf("/verify/%s?article=%d&version=1", strings.Repeat("A", 64), id), "is anchored by transaction " + tx},
		{"ErrOtherCID", fmt.Sprintf("/verify/%s?article=%d&version=1&cid=bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy", tx, id), "has CID"},
		{"ErrForeignSite", "/verify?tx=" + url.QueryEscape(fmt.Sprintf("https://example.com/a/%d", id)), "is not an article of this site"},
		{"ErrNotArticlePath", "/verify?tx=" + url.QueryEscape(a.url+"/tag/news"), "is not an article page"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, body := get(t, a.url+tt.query)
			if code != 400 || !strings.Contains(body, tt.reason) {
				t.Fatalf("GET %s = %d, want 400 with %q:\n%s", tt.query, code, tt.reason, body)
			}
		})
	}
	t.Run("ErrNoSuchVersion", func(t *testing.T) {
		code, _, body := get(t, fmt.Sprintf("%s/verify/%s?article=%d&version=9", a.url, tx, id))
		if code != 404 {
			t.Fatalf("version 9 = %d, want 404:\n%s", code, body)
		}
	})
}
