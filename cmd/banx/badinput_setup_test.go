package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/auth"
	"github.com/banxmedia/banx/internal/manifest"
	"github.com/banxmedia/banx/internal/publish"
)

// badInputFixture is a running `banx serve` with real parts and enough state
// for every route to reach its checks: a published article (the sample), a
// signed-in author with a draft, and the operator token.
type badInputFixture struct {
	srv          *server
	ledgerAddr   string
	author       *wallet.Wallet // the first dev author, who wrote the sample article
	authorSeed   string         // its seed file (mode 0600)
	session      string         // the author's bearer token
	draftID      int64          // a draft of the author's, not anchored
	draftArticle int64          // the draft's article, which has no published version
	articleID    int64          // the published sample article
	draftDoc     []byte         // the draft's canonical manifest
	draft        draftAnswer    // the draft as the server answered it
	prepared     draftAnswer    // a second draft, whose self anchor is prepared
	preparedTx   map[string]any // its unsigned anchor transaction, checked
	author2      *wallet.Wallet // the second dev author, who has no session
	// usedProof is the message, public key and signature of the sign-in
	// that opened session; openChallenge is an issued, unused challenge.
	usedProof     [3]string
	openChallenge string
}

// challenge asks the server for a sign-in challenge for the author.
func (f *badInputFixture) challenge(t *testing.T, ctx context.Context, c *apiClient) string {
	t.Helper()
	var ch struct{ Message string }
	if err := c.do(ctx, "POST", "/api/v1/auth/challenge", map[string]string{"address": f.author.ClassicAddress.String()}, &ch); err != nil {
		t.Fatal(err)
	}
	return ch.Message
}

// newBadInputFixture starts the server on the embedded stack and builds the
// state the catalogue needs. Everything it writes happens before the
// catalogue's first database dump.
func newBadInputFixture(t *testing.T) *badInputFixture {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	f := &badInputFixture{ledgerAddr: freeAddr(t)}
	f.srv = startServe(t, map[string]string{"BANX_LEDGER_ADDR": f.ledgerAddr}, "--sample")
	f.authorSeed = filepath.Join(f.srv.dataDir, "wallets", "author-1.seed")
	w, err := readSeedFile("dev author", f.authorSeed)
	if err != nil {
		t.Fatal(err)
	}
	f.author = w

	// The sample article is anchored in the background: wait until it is
	// published, so nothing the server does on its own changes the database
	// while the catalogue runs.
	for {
		code, body, _ := f.srv.do(t, "GET", "/api/v1/articles?limit=1", "", nil)
		var list struct {
			Articles []struct {
				ID int64 `json:"id"`
			} `json:"articles"`
		}
		if code == 200 && json.Unmarshal(body, &list) == nil && len(list.Articles) == 1 {
			f.articleID = list.Articles[0].ID
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("the sample article was not published: %d %s\nstderr: %s", code, body, f.srv.stderr())
		}
		time.Sleep(100 * time.Millisecond)
	}

	// The search index is not filled here: the first search fills it, and
	// the catalogue's refused searches must not (byDesign checks a good one).
	c, err := newAPIClient(f.srv.url)
	if err != nil {
		t.Fatal(err)
	}
	// Sign in by hand, keeping the used proof (to replay it) and a second,
	// unused challenge (to answer it with bad proofs).
	used := f.challenge(t, ctx, c)
	pub, sig, err := auth.SignWith(used, w)
	if err != nil {
		t.Fatal(err)
	}
	var sess struct{ Token string }
	if err := c.do(ctx, "POST", "/api/v1/auth/session", map[string]string{"message": used, "public_key": pub, "signature": sig}, &sess); err != nil {
		t.Fatal(err)
	}
	c.token, f.session = sess.Token, sess.Token
	f.usedProof = [3]string{used, pub, sig}
	f.openChallenge = f.challenge(t, ctx, c)
	if f.author2, err = readSeedFile("dev author", filepath.Join(f.srv.dataDir, "wallets", "author-2.seed")); err != nil {
		t.Fatal(err)
	}

	m, err := manifest.ParseMarkdown(strings.NewReader(article(w.ClassicAddress.String(), "Draft under attack", "")))
	if err != nil {
		t.Fatal(err)
	}
	if f.draftDoc, err = m.Canonical(); err != nil {
		t.Fatal(err)
	}
	var d draftAnswer
	if err := c.do(ctx, "POST", "/api/v1/drafts", f.draftDoc, &d); err != nil {
		t.Fatal(err)
	}
	f.draftID, f.draftArticle, f.draft = d.ID, d.ArticleID, d

	// A second draft with a prepared self anchor, for signed blobs to refuse.
	m.Title = "Prepared under attack"
	doc, err := m.Canonical()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.do(ctx, "POST", "/api/v1/drafts", doc, &f.prepared); err != nil {
		t.Fatal(err)
	}
	var p struct {
		UnsignedTx string `json:"unsigned_tx"`
	}
	if err := c.do(ctx, "POST", fmt.Sprintf("/api/v1/drafts/%d/anchor", f.prepared.ID), map[string]string{"mode": "self"}, &p); err != nil {
		t.Fatal(err)
	}
	memo := anchor.SelfMemo(f.prepared.SHA256, f.prepared.CID, w.ClassicAddress.String(), "")
	if f.preparedTx, err = publish.CheckUnsignedAnchor(p.UnsignedTx, w.ClassicAddress.String(), memo, 1_000_000); err != nil {
		t.Fatal(err)
	}
	return f
}

// request is one HTTP request of the catalogue.
type request struct {
	method, path string
	auth         string // "", "operator", "author" or a literal Authorization header value
	contentType  string
	header       map[string]string
	body         []byte
	chunked      bool // send the body without a Content-Length, as a stream of chunks
}

// send sends r to the fixture's server and returns the status and body.
func (f *badInputFixture) send(t *testing.T, r request) (int, []byte, http.Header) {
	t.Helper()
	var body io.Reader = bytes.NewReader(r.body)
	if r.chunked {
		body = io.MultiReader(body) // hides the length: the client streams chunks
	}
	req, err := http.NewRequest(r.method, f.srv.url+r.path, body)
	if err != nil {
		t.Fatalf("build %s %q: %v", r.method, r.path, err)
	}
	switch r.auth {
	case "":
	case "operator":
		req.Header.Set("Authorization", "Bearer "+f.srv.token)
	case "author":
		req.Header.Set("Authorization", "Bearer "+f.session)
	default:
		req.Header.Set("Authorization", r.auth)
	}
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", r.method, r.path, err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return resp.StatusCode, b.Bytes(), resp.Header
}

// apiError is the JSON error body every API failure has.
type apiError struct {
	Error struct {
		Code      string `json:"code"`
		Message   string `json:"message"`
		RequestID string `json:"request_id"`
	} `json:"error"`
}

func (e apiError) String() string { return fmt.Sprintf("%s: %s", e.Error.Code, e.Error.Message) }
