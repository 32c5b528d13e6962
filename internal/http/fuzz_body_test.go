package http_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/contracts"
	"github.com/banxmedia/banx/internal/auth"
	"github.com/banxmedia/banx/internal/banx"
	banxhttp "github.com/banxmedia/banx/internal/http"
	"github.com/banxmedia/banx/internal/ipfs/embedded"
	"github.com/banxmedia/banx/internal/payout"
	"github.com/banxmedia/banx/internal/publish"
	"github.com/banxmedia/banx/internal/publish/publishtest"
	"github.com/banxmedia/banx/internal/reward"
	"github.com/banxmedia/banx/internal/sqlite"
	"github.com/banxmedia/banx/internal/verify"
	"github.com/banxmedia/banx/internal/views"
	"github.com/banxmedia/banx/internal/xrpl"
)

// The fuzz targets below send fuzzed bodies to every API route that reads
// one, through the real Gin engine (middleware included) of a server on real
// parts: SQLite on a temp file, the embedded IPFS store, the embedded ledger,
// the publishing, sign-in, payout, view and verification services. Whatever
// the body, the answer must not be a 5xx (a recovered panic is a 500), and a
// refusal must be the JSON error body with its code. Seeds are committed in
// testdata/fuzz/<target>; `make fuzz` runs each target.

const fuzzOperatorToken = "fuzz-operator-token-0123456789"

// bodyStack is the server under fuzz and the state its routes need: an
// author's session, a stored draft and a draft whose self anchor is prepared.
type bodyStack struct {
	h          http.Handler
	author     *wallet.Wallet
	session    string
	draftID    int64
	preparedID int64
	article    int64 // the draft's article (no published version)
	draftDoc   []byte
}

// newBodyStack builds the server once per fuzz target (each fuzzing worker
// process builds its own).
func newBodyStack(tb testing.TB) *bodyStack {
	tb.Helper()
	ctx := publishtest.Context(tb)
	l := publishtest.StartLedger(tb)
	c := publishtest.Dial(tb, l.URL, xrpl.WithAutoAccept())
	dir := tb.TempDir()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "banx.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	store, err := embedded.Open(filepath.Join(dir, "ipfs"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { store.Close() })
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	platform := publishtest.NewWallet(tb)
	publishtest.Fund(tb, ctx, c, platform, 100_000_000)
	// Batch anchoring is on, as in banx serve, but its batches close only
	// after the run: a fuzzed leaf never reaches the ledger.
	pub := publish.New(db, store, c, publish.Config{BatchInterval: time.Hour, Platform: platform, Logger: logger})
	if err := pub.Start(ctx); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { pub.Close() })

	tok, err := contracts.LoadToken()
	if err != nil {
		tb.Fatal(err)
	}
	net, _ := tok.Network("embedded")
	token, _, err := payout.DevSetup(ctx, c, publishtest.Genesis(tb), filepath.Join(dir, "wallets"), tok.Currency, net, nil)
	if err != nil {
		tb.Fatal(err)
	}
	policy, err := reward.DefaultPolicy()
	if err != nil {
		tb.Fatal(err)
	}
	rewards := &payout.Service{Store: db, Preferences: db, Token: token,
		Planner: &payout.Planner{Store: db, Policy: policy, Network: "embedded", Currency: tok.Currency, Issuer: token.Issuer}}
	viewLedger, err := db.OpenViewLedger(ctx, sqlite.ViewLedgerConfig{Key: bytes.Repeat([]byte{7}, views.MinKeySize), Policy: views.DefaultPolicy()})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { viewLedger.Close() })
	node, err := verify.NewXRPLNode(l.URL, 0)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { node.Close() })
	verifier := verify.NewService(&verify.Verifier{Ledger: node, Content: verify.StoreContent{Cat: store.Cat, Name: "fuzz store"}}, 0)

	srv := &banxhttp.Server{Addr: "127.0.0.1:0", Store: store, DB: db, Ledger: pubLedger{c}, Logger: logger,
		OperatorTokenHash: sha256.Sum256([]byte(fuzzOperatorToken)),
		Auth:              &auth.Service{Store: db, Accounts: c, Domain: "banx.test"},
		Publish:           pub, Rewards: rewards, Views: viewLedger, Verifier: verifier}
	if err := srv.Open(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { srv.Close(context.Background()) })

	s := &bodyStack{h: srv.Handler(), author: publishtest.NewWallet(tb)}
	publishtest.Fund(tb, ctx, c, s.author, 20_000_000)
	s.session = s.signIn(tb)
	me := s.author.ClassicAddress.String()
	s.draftDoc = pubManifest(me, "Fuzzed draft", "")
	var d struct {
		ID        int64 `json:"id"`
		ArticleID int64 `json:"article_id"`
	}
	s.mustDo(tb, "POST", "/api/v1/drafts", s.draftDoc, 201, &d)
	s.draftID, s.article = d.ID, d.ArticleID
	s.mustDo(tb, "POST", "/api/v1/drafts", pubManifest(me, "Prepared draft", ""), 201, &d)
	s.preparedID = d.ID
	s.mustDo(tb, "POST", fmt.Sprintf("/api/v1/drafts/%d/anchor", s.preparedID), []byte(`{"mode":"self"}`), 200, nil)
	return s
}

// signIn signs the author in through the handler and returns the token.
func (s *bodyStack) signIn(tb testing.TB) string {
	tb.Helper()
	var ch struct{ Message string }
	s.mustDo(tb, "POST", "/api/v1/auth/challenge", []byte(`{"address":"`+s.author.ClassicAddress.String()+`"}`), 201, &ch)
	pub, sig, err := auth.SignWith(ch.Message, s.author)
	if err != nil {
		tb.Fatal(err)
	}
	body, _ := json.Marshal(map[string]string{"message": ch.Message, "public_key": pub, "signature": sig})
	var sess struct{ Token string }
	s.mustDo(tb, "POST", "/api/v1/auth/session", body, 201, &sess)
	return sess.Token
}

func (s *bodyStack) mustDo(tb testing.TB, method, path string, body []byte, status int, out any) {
	tb.Helper()
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if s.session != "" {
		req.Header.Set("Authorization", "Bearer "+s.session)
	}
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, req)
	if rec.Code != status {
		tb.Fatalf("%s %s = %d %s, want %d", method, path, rec.Code, rec.Body, status)
	}
	if out != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			tb.Fatal(err)
		}
	}
}

// send sends one fuzzed body and checks the answer: never a 5xx, and every
// refusal a JSON error with a code and a message.
func (s *bodyStack) send(t *testing.T, method, path, auth, contentType string, body []byte) {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	switch auth {
	case "author":
		req.Header.Set("Authorization", "Bearer "+s.session)
	case "operator":
		req.Header.Set("Authorization", "Bearer "+fuzzOperatorToken)
	}
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, req)
	if rec.Code >= 500 {
		t.Fatalf("%s %s with body %q: %d %s", method, path, body, rec.Code, rec.Body)
	}
	if rec.Code >= 400 {
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
			t.Fatalf("%s %s with body %q: %d and no error body: %s", method, path, body, rec.Code, rec.Body)
		}
		if e.Error.Code == banx.EINTERNAL {
			t.Fatalf("%s %s with body %q: internal error %s", method, path, body, rec.Body)
		}
	}
}

// seeds adds each seed to the corpus.
func seeds(f *testing.F, bodies ...string) {
	for _, b := range bodies {
		f.Add([]byte(b))
	}
}

// hostile are seeds every JSON body target starts from besides its own.
var hostile = []string{
	``, `null`, `[]`, `{}`, `"x"`, `0`, `{"a":1}{"b":2}`, `{"x":"\u202e\u200b\u0000"}`, "{\"x\":\"\xff\xfe\"}",
	`{"x":1e999}`, `{"x":-0}`, `[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`, `{"x":"' OR '1'='1"}`,
}

func FuzzChallengeBody(f *testing.F) {
	s := newBodyStack(f)
	seeds(f, hostile...)
	seeds(f, `{"address":"`+s.author.ClassicAddress.String()+`"}`, `{"address":"rNOTANADDRESS"}`, `{"address":123}`, `{"address":null}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		s.send(t, "POST", "/api/v1/auth/challenge", "", "application/json", body)
	})
}

func FuzzSignInBody(f *testing.F) {
	s := newBodyStack(f)
	seeds(f, hostile...)
	seeds(f, `{"message":"BANX-LOGIN-V1\n","public_key":"02AB","signature":"3045"}`,
		`{"message":"BANX-LOGIN-V1\nSign in to Banx\ndomain: banx.test\naddress: `+s.author.ClassicAddress.String()+`\nnonce: 00000000000000000000000000000000\nissued: 2026-11-25T00:00:00Z\nexpires: 2026-11-25T00:05:00Z\n","public_key":"`+s.author.PublicKey+`","signature":"00"}`,
		`{"message":1,"public_key":[],"signature":{}}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		s.send(t, "POST", "/api/v1/auth/session", "", "application/json", body)
	})
}

func FuzzDraftBody(f *testing.F) {
	s := newBodyStack(f)
	seeds(f, hostile...)
	seeds(f, string(s.draftDoc), string(pubManifest("rNOTANADDRESS", "x", "")))
	f.Fuzz(func(t *testing.T, body []byte) {
		s.send(t, "POST", "/api/v1/drafts", "author", "application/json", body)
	})
}

func FuzzAnchorBody(f *testing.F) {
	s := newBodyStack(f)
	seeds(f, hostile...)
	seeds(f, `{"mode":"batch","public_key":"`+s.author.PublicKey+`","signature":"3044022000"}`, `{"mode":"self","signature":"AB"}`,
		`{"mode":"batch"}`, `{"mode":"SELF"}`, `{"mode":"self","fee":"1"}`)
	path := fmt.Sprintf("/api/v1/drafts/%d/anchor", s.draftID)
	f.Fuzz(func(t *testing.T, body []byte) {
		s.send(t, "POST", path, "author", "application/json", body)
	})
}

func FuzzSubmitBody(f *testing.F) {
	s := newBodyStack(f)
	seeds(f, hostile...)
	seeds(f, `{"tx_blob":""}`, `{"tx_blob":"1200002200000000"}`, `{"tx_blob":"`+string(bytes.Repeat([]byte("12"), 300))+`"}`, `{"tx_blob":{}}`)
	path := fmt.Sprintf("/api/v1/drafts/%d/submit", s.preparedID)
	f.Fuzz(func(t *testing.T, body []byte) {
		s.send(t, "POST", path, "author", "application/json", body)
	})
}

func FuzzPreviewBody(f *testing.F) {
	s := newBodyStack(f)
	seeds(f, hostile...)
	seeds(f, `{"body":"# Title\n\n<script>alert(1)</script> [x](javascript:alert(1)) ![i](ipfs://bafy)"}`,
		`{"body":"x","media":["bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"]}`, `{"body":"x","media":[null,1]}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		s.send(t, "POST", "/api/v1/preview", "author", "application/json", body)
	})
}

func FuzzVerifyBundleBody(f *testing.F) {
	s := newBodyStack(f)
	seeds(f, hostile...)
	seeds(f, `{"bundle":"banx.proof/1"}`, `{"bundle":"banx.proof/1","network":{"id":0},"mode":"self"}`, `{"bundle":1}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		s.send(t, "POST", "/api/v1/verify", "", "application/json", body)
	})
}

func FuzzTrustLineBody(f *testing.F) {
	s := newBodyStack(f)
	seeds(f, hostile...)
	seeds(f, `{"account":"`+s.author.ClassicAddress.String()+`"}`, `{"account":"rrrrrrrrrrrrrrrrrrrrBZbvji"}`, `{"account":""}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		s.send(t, "POST", "/api/v1/token/trustline/prepare", "", "application/json", body)
	})
}

func FuzzBeneficiariesBody(f *testing.F) {
	s := newBodyStack(f)
	seeds(f, hostile...)
	me := s.author.ClassicAddress.String()
	seeds(f, `{"beneficiaries":[]}`, `{"beneficiaries":[{"account":"rrrrrrrrrrrrrrrrrrrrBZbvji","basis_points":10000}]}`,
		`{"beneficiaries":[{"account":"`+me+`","basis_points":5000},{"account":"rrrrrrrrrrrrrrrrrrrrBZbvji","basis_points":5000}]}`,
		`{"beneficiaries":[{"account":"x","basis_points":-1}]}`, `{"beneficiaries":[null]}`)
	path := "/api/v1/authors/" + me + "/beneficiaries"
	f.Fuzz(func(t *testing.T, body []byte) {
		s.send(t, "PUT", path, "operator", "application/json", body)
	})
}

func FuzzRewardsBody(f *testing.F) {
	s := newBodyStack(f)
	seeds(f, hostile...)
	seeds(f, `{"declined":true}`, `{"declined":false}`, `{"declined":"yes"}`, `{"declined":null}`)
	path := "/api/v1/authors/" + s.author.ClassicAddress.String() + "/rewards"
	f.Fuzz(func(t *testing.T, body []byte) {
		s.send(t, "PUT", path, "author", "application/json", body)
	})
}

// FuzzBeaconBody fuzzes the view beacon's body and Content-Type together:
// the handler picks the parser from the type.
func FuzzBeaconBody(f *testing.F) {
	s := newBodyStack(f)
	tok := views.NewReaderID() // any text: the fuzzer finds token shapes from the seeds
	for _, ct := range []string{"", "text/plain", "application/json", "application/x-www-form-urlencoded", "text/plain;charset=UTF-8", ";;", "image/png"} {
		for _, b := range append([]string{`{"token":"` + tok + `"}`, "token=" + tok + "&webdriver=true", tok, `{"token":"x","webdriver":1}`}, hostile...) {
			f.Add(ct, []byte(b))
		}
	}
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		s.send(t, "POST", "/api/v1/views", "", contentType, body)
	})
}
