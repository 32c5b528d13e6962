package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/Peersyst/xrpl-go/xrpl/wallet"
	"github.com/gin-gonic/gin"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/banxmedia/banx/contracts"
	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/auth"
	banxhttp "github.com/banxmedia/banx/internal/http"
	"github.com/banxmedia/banx/internal/ipfs/embedded"
	"github.com/banxmedia/banx/internal/publish"
	"github.com/banxmedia/banx/internal/publish/publishtest"
	"github.com/banxmedia/banx/internal/sqlite"
	"github.com/banxmedia/banx/internal/xrpl"
)

// pubLedger reports the embedded ledger's client to /healthz.
type pubLedger struct{ c *xrpl.Client }

func (l pubLedger) Kind() string { return "embedded" }
func (l pubLedger) Ping(ctx context.Context) error {
	_, err := l.c.ServerInfo(ctx)
	return err
}

// pubAPI is a real Banx HTTP server with sign-in and publishing on a SQLite
// file, the embedded IPFS store and the embedded ledger on loopback.
type pubAPI struct {
	url    string
	srv    *banxhttp.Server
	client *xrpl.Client
	db     *sqlite.DB
	spec   *openAPI
	stack  *pubStack
}

// pubStack is the publishing stack under a pubAPI: the embedded ledger on
// loopback, a SQLite file, the embedded IPFS store and a running publisher
// that closes batches every 50 ms.
type pubStack struct {
	ledgerURL string
	client    *xrpl.Client
	db        *sqlite.DB
	store     *embedded.Store
	pub       *publish.Service
	logger    *slog.Logger
}

// withSite serves the reader pages too.
func withSite(st *pubStack, srv *banxhttp.Server) { srv.Site = &banxhttp.Site{ViewCounts: st.db} }

// startPubAPI starts a pubAPI; each option may add to the server (pages, a
// verifier) before it opens.
func startPubAPI(t *testing.T, options ...func(*pubStack, *banxhttp.Server)) *pubAPI {
	t.Helper()
	ctx := publishtest.Context(t)
	l := publishtest.StartLedger(t)
	c := publishtest.Dial(t, l.URL, xrpl.WithAutoAccept())
	db := publishtest.OpenDB(t)
	store, err := embedded.Open(filepath.Join(t.TempDir(), "ipfs"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	platform := publishtest.NewWallet(t)
	publishtest.Fund(t, ctx, c, platform, 100_000_000)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	pub := publish.New(db, store, c, publish.Config{BatchInterval: 50 * time.Millisecond, Platform: platform, Logger: logger})
	if err := pub.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pub.Close() })
	st := &pubStack{ledgerURL: l.URL, client: c, db: db, store: store, pub: pub, logger: logger}
	srv := &banxhttp.Server{Addr: "127.0.0.1:0", Store: store, DB: db, Ledger: pubLedger{c}, Logger: logger,
		Auth: &auth.Service{Store: db, Accounts: c, Domain: "banx.test"}, Publish: pub}
	for _, o := range options {
		o(st, srv)
	}
	if err := srv.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(context.Background()) })
	return &pubAPI{url: srv.URL(), srv: srv, client: c, db: db, spec: loadOpenAPI(t), stack: st}
}

type apiResponse struct {
	status int
	body   []byte
	header http.Header
}

func (a *pubAPI) call(t *testing.T, method, path, token string, body any) apiResponse {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		r = bytes.NewReader(b)
	default:
		raw, _ := json.Marshal(b)
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, a.url+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return apiResponse{resp.StatusCode, out, resp.Header}
}

// must calls and checks the status, and the body against the spec's schema
// for this operation and status.
func (a *pubAPI) must(t *testing.T, method, route, path, token string, body any, status int, out any) apiResponse {
	t.Helper()
	r := a.call(t, method, path, token, body)
	if r.status != status {
		t.Fatalf("%s %s = %d %s, want %d", method, path, r.status, r.body, status)
	}
	a.spec.validate(t, route, method, r)
	if out != nil {
		if err := json.Unmarshal(r.body, out); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// refused checks a failure: status, error code, reason, and the Error schema.
func (a *pubAPI) refused(t *testing.T, method, route, path, token string, body any, status int, reason string) {
	t.Helper()
	r := a.call(t, method, path, token, body)
	var e struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	json.Unmarshal(r.body, &e)
	if r.status != status || !strings.Contains(e.Error.Message, reason) {
		t.Fatalf("%s %s = %d %s, want %d with %q", method, path, r.status, r.body, status, reason)
	}
	a.spec.validate(t, route, method, r)
}

// signIn signs w in through the API and returns the session token.
func (a *pubAPI) signIn(t *testing.T, w *wallet.Wallet) string {
	t.Helper()
	var ch struct{ Message string }
	a.must(t, "POST", "/api/v1/auth/challenge", "/api/v1/auth/challenge", "", map[string]string{"address": w.ClassicAddress.String()}, 201, &ch)
	pub, sig, err := auth.SignWith(ch.Message, w)
	if err != nil {
		t.Fatal(err)
	}
	var sess struct{ Token string }
	r := a.must(t, "POST", "/api/v1/auth/session", "/api/v1/auth/session", "", map[string]string{"message": ch.Message, "public_key": pub, "signature": sig}, 201, &sess)
	cookie := r.header.Get("Set-Cookie")
	for _, want := range []string{banxhttp.SessionCookie + "=" + sess.Token, "HttpOnly", "SameSite=Strict"} {
		if !strings.Contains(cookie, want) {
			t.Fatalf("Set-Cookie %q lacks %q", cookie, want)
		}
	}
	if strings.Contains(cookie, "Secure") {
		t.Fatalf("Secure cookie over plain HTTP: %q", cookie)
	}
	return sess.Token
}

type draftBody struct {
	ID          int64  `json:"id"`
	ArticleID   int64  `json:"article_id"`
	Version     int    `json:"version"`
	Status      string `json:"status"`
	CID         string `json:"cid"`
	SHA256      string `json:"sha256"`
	NetworkID   uint32 `json:"network_id"`
	LeafMessage string `json:"leaf_message"`
}

func pubManifest(author, title, previous string) []byte {
	m := map[string]any{"schema": "banx.manifest/1", "title": title, "summary": "About " + title + ".", "body": "Body of " + title + ".",
		"category": "opinion", "language": "en", "author": author, "created": "2026-11-25T12:00:00Z"}
	if previous != "" {
		m["previous"] = previous
	}
	b, _ := json.Marshal(m)
	return b
}

// waitPublished polls the article as an anonymous reader until version n is
// published: before that it is private to its author (404 while the article
// has no published version).
func (a *pubAPI) waitPublished(t *testing.T, articleID int64, n int) map[string]any {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	path := fmt.Sprintf("/api/v1/articles/%d", articleID)
	for {
		r := a.call(t, "GET", path, "", nil)
		if r.status != 200 && r.status != 404 {
			t.Fatalf("GET %s = %d %s", path, r.status, r.body)
		}
		a.spec.validate(t, "/api/v1/articles/{id}", "GET", r)
		var art struct {
			Versions []map[string]any `json:"versions"`
		}
		json.Unmarshal(r.body, &art)
		for _, v := range art.Versions {
			if v["version"] == float64(n) && v["status"] == "published" {
				return v
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("version %d of article %d not published after 60s", n, articleID)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestPublishAPI publishes in both modes through the HTTP API, validating
// every answer against contracts/openapi.yaml.
func TestPublishAPI(t *testing.T) {
	ctx := publishtest.Context(t)
	a := startPubAPI(t)
	w := publishtest.NewWallet(t)
	publishtest.Fund(t, ctx, a.client, w, 20_000_000)
	me := w.ClassicAddress.String()
	token := a.signIn(t, w)
	a.must(t, "GET", "/api/v1/auth/session", "/api/v1/auth/session", token, nil, 200, nil)

	// Self mode.
	var d draftBody
	a.must(t, "POST", "/api/v1/drafts", "/api/v1/drafts", token, pubManifest(me, "Self via API", ""), 201, &d)
	if d.Status != "stored" || !strings.HasPrefix(d.LeafMessage, anchor.LeafDomain+"\n") {
		t.Fatalf("draft %+v", d)
	}
	a.must(t, "GET", "/api/v1/drafts/{id}", fmt.Sprintf("/api/v1/drafts/%d", d.ID), token, nil, 200, nil)
	var p struct {
		UnsignedTx string      `json:"unsigned_tx"`
		Memo       anchor.Memo `json:"memo"`
	}
	anchorPath := fmt.Sprintf("/api/v1/drafts/%d/anchor", d.ID)
	a.must(t, "POST", "/api/v1/drafts/{id}/anchor", anchorPath, token, map[string]string{"mode": "self"}, 200, &p)
	fields, err := publish.CheckUnsignedAnchor(p.UnsignedTx, me, anchor.SelfMemo(d.SHA256, d.CID, me, ""), 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	blob, _, err := w.Sign(fields)
	if err != nil {
		t.Fatal(err)
	}
	submitPath := fmt.Sprintf("/api/v1/drafts/%d/submit", d.ID)
	a.must(t, "POST", "/api/v1/drafts/{id}/submit", submitPath, token, map[string]string{"tx_blob": blob}, 202, nil)
	v1 := a.waitPublished(t, d.ArticleID, 1)
	proofPath := fmt.Sprintf("/api/v1/articles/%d/versions/1/proof", d.ArticleID)
	r := a.must(t, "GET", "/api/v1/articles/{id}/versions/{n}/proof", proofPath, "", nil, 200, nil)
	bundle, err := anchor.ParseProofBundle(r.body)
	if err != nil || anchor.VerifyOffline(bundle).Verdict() == anchor.VerdictFailed {
		t.Fatalf("proof: %v %+v", err, anchor.VerifyOffline(bundle))
	}

	// Batch mode, as an edit of the self-anchored version.
	var d2 draftBody
	a.must(t, "POST", "/api/v1/drafts", "/api/v1/drafts", token, pubManifest(me, "Batch via API", v1["anchor_tx_hash"].(string)), 201, &d2)
	leaf, err := anchor.SignLeaf(anchor.Leaf{NetworkID: d2.NetworkID, Author: me, SHA256: d2.SHA256, CID: d2.CID}, w.Seed)
	if err != nil || string(anchor.SigningMessage(leaf)) != d2.LeafMessage {
		t.Fatalf("leaf %v: signed message differs from leaf_message", err)
	}
	a.must(t, "POST", "/api/v1/drafts/{id}/anchor", fmt.Sprintf("/api/v1/drafts/%d/anchor", d2.ID), token,
		map[string]string{"mode": "batch", "public_key": leaf.PublicKey, "signature": leaf.Signature}, 202, nil)
	v2 := a.waitPublished(t, d.ArticleID, 2)
	if v2["previous"] != v1["anchor_tx_hash"] || v2["mode"] != "batch" {
		t.Fatalf("version 2 = %v", v2)
	}
	a.must(t, "GET", "/api/v1/articles/{id}/versions/{n}/proof", fmt.Sprintf("/api/v1/articles/%d/versions/2/proof", d.ArticleID), "", nil, 200, nil)

	var list struct {
		Articles []struct {
			ID      int64 `json:"id"`
			Version int   `json:"version"`
		} `json:"articles"`
	}
	a.must(t, "GET", "/api/v1/articles", "/api/v1/articles?author="+me, "", nil, 200, &list)
	if len(list.Articles) != 1 || list.Articles[0].ID != d.ArticleID || list.Articles[0].Version != 2 {
		t.Fatalf("list = %+v", list)
	}
	r = a.call(t, "DELETE", "/api/v1/auth/session", token, nil)
	if r.status != 204 {
		t.Fatalf("sign out = %d %s", r.status, r.body)
	}
	a.refused(t, "GET", "/api/v1/auth/session", "/api/v1/auth/session", token, nil, 401, "not valid")
}

// TestPublishAPIRefusals sends every kind of bad input through the API: each
// gets its 4xx and reason, and nothing is stored or submitted.
func TestPublishAPIRefusals(t *testing.T) {
	ctx := publishtest.Context(t)
	a := startPubAPI(t)
	w, mallory := publishtest.NewWallet(t), publishtest.NewWallet(t)
	publishtest.Fund(t, ctx, a.client, w, 20_000_000)
	me := w.ClassicAddress.String()
	token, malloryToken := a.signIn(t, w), a.signIn(t, mallory)

	var d draftBody
	a.must(t, "POST", "/api/v1/drafts", "/api/v1/drafts", token, pubManifest(me, "Target", ""), 201, &d)
	var p struct {
		UnsignedTx string `json:"unsigned_tx"`
	}
	anchorPath := fmt.Sprintf("/api/v1/drafts/%d/anchor", d.ID)
	submitPath := fmt.Sprintf("/api/v1/drafts/%d/submit", d.ID)
	a.must(t, "POST", "/api/v1/drafts/{id}/anchor", anchorPath, token, map[string]string{"mode": "self"}, 200, &p)
	fields, _ := publish.CheckUnsignedAnchor(p.UnsignedTx, me, anchor.SelfMemo(d.SHA256, d.CID, me, ""), 1_000_000)
	fields["Fee"] = "5000"
	changed, _, _ := w.Sign(fields)

	var ch struct{ Message string }
	a.must(t, "POST", "/api/v1/auth/challenge", "/api/v1/auth/challenge", "", map[string]string{"address": me}, 201, &ch)
	pub, sig, _ := auth.SignWith(ch.Message, w)
	a.must(t, "POST", "/api/v1/auth/session", "/api/v1/auth/session", "", map[string]string{"message": ch.Message, "public_key": pub, "signature": sig}, 201, nil)
	foreign := strings.Replace(ch.Message, "domain: banx.test", "domain: evil.example", 1)
	fpub, fsig, _ := auth.SignWith(foreign, w)
	otherLeaf, err := anchor.SignLeaf(anchor.Leaf{NetworkID: d.NetworkID + 1, Author: me, SHA256: d.SHA256, CID: d.CID}, w.Seed)
	if err != nil {
		t.Fatal(err)
	}
	badFront := bytes.Replace(pubManifest(me, "X", ""), []byte(`{`), []byte(`{"subtitle":"x",`), 1)

	cases := []struct {
		name, method, route, path, token string
		body                             any
		status                           int
		reason                           string
	}{
		{"ErrNoSession", "POST", "/api/v1/drafts", "/api/v1/drafts", "", pubManifest(me, "X", ""), 401, "sign in first"},
		{"ErrReplayedProof", "POST", "/api/v1/auth/session", "/api/v1/auth/session", "", map[string]string{"message": ch.Message, "public_key": pub, "signature": sig}, 401, "already been used"},
		{"ErrForeignDomain", "POST", "/api/v1/auth/session", "/api/v1/auth/session", "", map[string]string{"message": foreign, "public_key": fpub, "signature": fsig}, 401, `for domain "evil.example"`},
		{"ErrUnknownField", "POST", "/api/v1/auth/challenge", "/api/v1/auth/challenge", "", map[string]string{"address": me, "extra": "1"}, 400, "unknown field"},
		{"ErrManifestUnknownField", "POST", "/api/v1/drafts", "/api/v1/drafts", token, badFront, 400, "subtitle"},
		{"ErrManifestOverLimit", "POST", "/api/v1/drafts", "/api/v1/drafts", token, pubManifest(me, strings.Repeat("t", 300), ""), 413, "title"},
		{"ErrOtherAuthorsManifest", "POST", "/api/v1/drafts", "/api/v1/drafts", malloryToken, pubManifest(me, "Y", ""), 403, "not the signed-in author"},
		{"ErrBadArticleParam", "POST", "/api/v1/drafts", "/api/v1/drafts?article=x", token, pubManifest(me, "Z", ""), 400, "positive integer"},
		{"ErrOtherAuthorsDraft", "POST", "/api/v1/drafts/{id}/anchor", anchorPath, malloryToken, map[string]string{"mode": "self"}, 403, "another author"},
		{"ErrBadMode", "POST", "/api/v1/drafts/{id}/anchor", anchorPath, token, map[string]string{"mode": "later"}, 400, "mode must be"},
		{"ErrBlobDiffers", "POST", "/api/v1/drafts/{id}/submit", submitPath, token, map[string]string{"tx_blob": changed}, 400, "field Fee is 5000"},
		{"ErrBlobNotHex", "POST", "/api/v1/drafts/{id}/submit", submitPath, token, map[string]string{"tx_blob": "nothex"}, 400, "hexadecimal"},
		{"ErrLeafOverSomethingElse", "POST", "/api/v1/drafts/{id}/anchor", anchorPath, token,
			map[string]string{"mode": "batch", "public_key": otherLeaf.PublicKey, "signature": otherLeaf.Signature}, 400, "does not verify"},
		{"ErrUnknownDraft", "GET", "/api/v1/drafts/{id}", "/api/v1/drafts/999", token, nil, 404, "not found"},
		{"ErrBadDraftID", "GET", "/api/v1/drafts/{id}", "/api/v1/drafts/abc", token, nil, 400, "positive integer"},
		{"ErrProofBeforePublished", "GET", "/api/v1/articles/{id}/versions/{n}/proof", fmt.Sprintf("/api/v1/articles/%d/versions/1/proof", d.ArticleID), "", nil, 409, "once its anchor is validated"},
		{"ErrBadLimit", "GET", "/api/v1/articles", "/api/v1/articles?limit=1000", "", nil, 400, "limit"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a.refused(t, tc.method, tc.route, tc.path, tc.token, tc.body, tc.status, tc.reason)
		})
	}
	var art struct {
		Versions []struct {
			Status       string `json:"status"`
			AnchorTxHash string `json:"anchor_tx_hash"`
		} `json:"versions"`
	}
	a.must(t, "GET", "/api/v1/articles/{id}", fmt.Sprintf("/api/v1/articles/%d", d.ArticleID), token, nil, 200, &art)
	if len(art.Versions) != 1 || art.Versions[0].Status != "stored" || art.Versions[0].AnchorTxHash != "" {
		t.Fatalf("after refusals: %+v", art)
	}
	if info, _ := a.client.AccountInfo(ctx, me); info.Sequence != uint32(fields["Sequence"].(uint32)) {
		t.Fatalf("author sequence moved to %d: something was submitted", info.Sequence)
	}
}

// TestOpenAPIRoutes checks that contracts/openapi.yaml lists exactly the
// routes the Gin engine registers (operations marked x-banx-requires are for
// components this server was not given).
func TestOpenAPIRoutes(t *testing.T) {
	a := startPubAPI(t)
	engine, ok := a.srv.Handler().(*gin.Engine)
	if !ok {
		t.Fatalf("Handler is %T, want *gin.Engine", a.srv.Handler())
	}
	registered := map[string]bool{}
	for _, r := range engine.Routes() {
		registered[r.Method+" "+ginToOpenAPI(r.Path)] = true
	}
	documented, optional := a.spec.operations()
	var missing, extra []string
	for op := range registered {
		if !documented[op] {
			missing = append(missing, op)
		}
	}
	for op := range documented {
		if !registered[op] && !optional[op] {
			extra = append(extra, op)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 || len(extra) > 0 {
		t.Fatalf("routes not in contracts/openapi.yaml: %v\nspec operations the server does not register: %v", missing, extra)
	}
	for _, want := range []string{"POST /api/v1/auth/challenge", "POST /api/v1/drafts/{id}/submit", "GET /api/v1/articles/{id}/versions/{n}/proof"} {
		if !registered[want] {
			t.Fatalf("%s is not registered", want)
		}
	}
}

// TestOpenAPIRoutesSource reads routes.go, where every route is registered,
// so that routes of components the test server lacks (views, rewards,
// verifier) are held to the spec too: both lists must be equal.
func TestOpenAPIRoutesSource(t *testing.T) {
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	groups := map[string]string{"e": ""}
	for _, m := range regexp.MustCompile(`(\w+) := (\w+)\.Group\("([^"]*)"\)`).FindAllStringSubmatch(string(src), -1) {
		groups[m[1]] = groups[m[2]] + m[3]
	}
	registered := map[string]bool{}
	for _, m := range regexp.MustCompile(`(\w+)\.(GET|POST|PUT|PATCH|DELETE|HEAD)\("([^"]*)"`).FindAllStringSubmatch(string(src), -1) {
		prefix, ok := groups[m[1]]
		if !ok {
			t.Fatalf("route %s %s on unknown group %s", m[2], m[3], m[1])
		}
		registered[m[2]+" "+ginToOpenAPI(prefix+m[3])] = true
	}
	documented, _ := loadOpenAPI(t).operations()
	var missing, extra []string
	for op := range registered {
		if !documented[op] {
			missing = append(missing, op)
		}
	}
	for op := range documented {
		if !registered[op] {
			extra = append(extra, op)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 || len(extra) > 0 || len(registered) < 20 {
		t.Fatalf("routes.go has %d routes; not in contracts/openapi.yaml: %v\nspec operations not in routes.go: %v", len(registered), missing, extra)
	}
}

// ginToOpenAPI turns /a/:id/b into /a/{id}/b.
func ginToOpenAPI(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if strings.HasPrefix(s, ":") || strings.HasPrefix(s, "*") {
			parts[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

// openAPI is the parsed contract with a JSON Schema compiler over it.
type openAPI struct {
	doc      map[string]any
	compiler *jsonschema.Compiler
	cache    map[string]*jsonschema.Schema
}

func loadOpenAPI(t *testing.T) *openAPI {
	t.Helper()
	raw, err := contracts.OpenAPIJSON()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	for id, b := range map[string][]byte{contracts.ManifestSchemaID: contracts.ManifestSchemaJSON,
		contracts.MemoSchemaID: contracts.MemoSchemaJSON, contracts.ProofSchemaID: contracts.ProofSchemaJSON} {
		d, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.AddResource(id, d); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.AddResource(contracts.OpenAPIID, doc); err != nil {
		t.Fatal(err)
	}
	return &openAPI{doc: doc.(map[string]any), compiler: c, cache: map[string]*jsonschema.Schema{}}
}

var httpMethods = map[string]string{"get": "GET", "post": "POST", "put": "PUT", "patch": "PATCH", "delete": "DELETE", "head": "HEAD"}

func (o *openAPI) operations() (all, optional map[string]bool) {
	all, optional = map[string]bool{}, map[string]bool{}
	for path, item := range o.doc["paths"].(map[string]any) {
		ops := item.(map[string]any)
		_, opt := ops["x-banx-requires"]
		for k := range ops {
			if m, ok := httpMethods[k]; ok {
				all[m+" "+path] = true
				if opt {
					optional[m+" "+path] = true
				}
			}
		}
	}
	return all, optional
}

// validate checks a JSON response body against the schema the spec gives for
// its operation and status; a documented status without a body is fine, an
// undocumented status is not.
func (o *openAPI) validate(t *testing.T, route, method string, r apiResponse) {
	t.Helper()
	item, ok := o.doc["paths"].(map[string]any)[route].(map[string]any)
	if !ok {
		t.Fatalf("route %s is not in the spec", route)
	}
	op, ok := item[strings.ToLower(method)].(map[string]any)
	if !ok {
		t.Fatalf("%s %s is not in the spec", method, route)
	}
	code := fmt.Sprint(r.status)
	resp, ok := op["responses"].(map[string]any)[code].(map[string]any)
	if !ok {
		t.Fatalf("%s %s answered %d, which the spec does not list", method, route, r.status)
	}
	ptr := "#/paths/" + escapePointer(route) + "/" + strings.ToLower(method) + "/responses/" + code
	if ref, ok := resp["$ref"].(string); ok {
		ptr = ref
		resp = o.resolve(ref)
	}
	content, ok := resp["content"].(map[string]any)["application/json"].(map[string]any)
	if !ok || content["schema"] == nil {
		return
	}
	ptr += "/content/application~1json/schema"
	sch, ok := o.cache[ptr]
	if !ok {
		var err error
		if sch, err = o.compiler.Compile(contracts.OpenAPIID + ptr); err != nil {
			t.Fatalf("compile %s: %v", ptr, err)
		}
		o.cache[ptr] = sch
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(r.body))
	if err != nil {
		t.Fatalf("%s %s: body is not JSON: %s", method, route, r.body)
	}
	if err := sch.Validate(inst); err != nil {
		t.Fatalf("%s %s %d: body does not match the spec: %v\nbody: %s", method, route, r.status, err, r.body)
	}
}

func (o *openAPI) resolve(ref string) map[string]any {
	var cur any = o.doc
	for _, p := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		cur = cur.(map[string]any)[strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~")]
	}
	return cur.(map[string]any)
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}
