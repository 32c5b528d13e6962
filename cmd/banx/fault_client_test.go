//go:build linux

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/manifest"
	"github.com/banxmedia/banx/internal/publish"
)

// faultReply is one HTTP answer as the crash and fault tests judge it.
type faultReply struct {
	status int
	body   []byte
	header http.Header
}

// errorCode and errorMessage read Banx's error body {"error":{code,message}}.
func (r faultReply) errorCode() string    { c, _ := r.errorBody(); return c }
func (r faultReply) errorMessage() string { _, m := r.errorBody(); return m }

func (r faultReply) errorBody() (code, message string) {
	var e struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	json.Unmarshal(r.body, &e)
	return e.Error.Code, e.Error.Message
}

func (r faultReply) String() string {
	return fmt.Sprintf("%d %s", r.status, faultClip(string(r.body), 600))
}

func faultClip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// faultCall sends one request to base+path. body is nil, []byte (sent as is) or a
// value sent as JSON. A transport error (server down) is returned as err.
func faultCall(ctx context.Context, base, method, path, token string, body any, header map[string]string) (faultReply, error) {
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		r = bytes.NewReader(b)
	default:
		raw, _ := json.Marshal(b)
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, r)
	if err != nil {
		return faultReply{}, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := faultHTTP.Do(req)
	if err != nil {
		return faultReply{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return faultReply{}, err
	}
	return faultReply{status: resp.StatusCode, body: data, header: resp.Header}, nil
}

// faultFund creates and funds an account with the dev ledger's faucet.
func faultFund(t *testing.T, ledgerURL string) *wallet.Wallet {
	t.Helper()
	resp, err := faultHTTP.Post(ledgerURL+"/accounts", "application/json", strings.NewReader(`{"xrpAmount":"1000"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Account struct{ Seed string } `json:"account"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Account.Seed == "" {
		t.Fatalf("faucet: %d %v", resp.StatusCode, err)
	}
	w, err := wallet.FromSeed(out.Account.Seed, "")
	if err != nil {
		t.Fatal(err)
	}
	return &w
}

// faultSignIn signs w in at base and returns the session token.
func faultSignIn(ctx context.Context, base string, w *wallet.Wallet) (string, error) {
	c, err := newAPIClient(base)
	if err != nil {
		return "", err
	}
	if _, err := c.signIn(ctx, w); err != nil {
		return "", err
	}
	return c.token, nil
}

// faultManifest is the canonical manifest of a short article by author.
func faultManifest(t *testing.T, author, title string) []byte {
	m, err := manifest.ParseMarkdown(strings.NewReader(article(author, title, "")))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := m.Canonical()
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// faultDraft stores doc as a draft; a 201 is decoded into d.
func faultDraft(ctx context.Context, base, token string, doc []byte) (draftAnswer, faultReply, error) {
	var d draftAnswer
	r, err := faultCall(ctx, base, "POST", "/api/v1/drafts", token, doc, nil)
	if err == nil && r.status == http.StatusCreated {
		err = json.Unmarshal(r.body, &d)
	}
	return d, r, err
}

// faultAnchorSelf asks for the unsigned self anchor, checks and signs it
// as the CLI does, and submits it. It returns the last answer: 202 means the
// anchor was accepted.
func faultAnchorSelf(ctx context.Context, base, token string, w *wallet.Wallet, d draftAnswer) (faultReply, error) {
	r, err := faultCall(ctx, base, "POST", fmt.Sprintf("/api/v1/drafts/%d/anchor", d.ID), token, map[string]string{"mode": "self"}, nil)
	if err != nil || r.status != http.StatusOK {
		return r, err
	}
	var p struct {
		UnsignedTx string `json:"unsigned_tx"`
	}
	if err := json.Unmarshal(r.body, &p); err != nil {
		return r, err
	}
	memo := anchor.SelfMemo(d.SHA256, d.CID, w.ClassicAddress.String(), "")
	fields, err := publish.CheckUnsignedAnchor(p.UnsignedTx, w.ClassicAddress.String(), memo, 1_000_000)
	if err != nil {
		return r, err
	}
	blob, _, err := w.Sign(fields)
	if err != nil {
		return r, err
	}
	return faultCall(ctx, base, "POST", fmt.Sprintf("/api/v1/drafts/%d/submit", d.ID), token, map[string]string{"tx_blob": blob}, nil)
}

// faultQueueBatch signs the draft's leaf and queues it for a platform batch: 202
// means it was accepted.
func faultQueueBatch(ctx context.Context, base, token string, w *wallet.Wallet, d draftAnswer) (faultReply, error) {
	leaf, err := anchor.SignLeaf(anchor.Leaf{NetworkID: d.NetworkID, Author: w.ClassicAddress.String(), SHA256: d.SHA256, CID: d.CID}, w.Seed)
	if err != nil {
		return faultReply{}, err
	}
	body := map[string]string{"mode": "batch", "public_key": leaf.PublicKey, "signature": leaf.Signature}
	return faultCall(ctx, base, "POST", fmt.Sprintf("/api/v1/drafts/%d/anchor", d.ID), token, body, nil)
}

// faultDraftStatus reads a draft's status and anchor transaction.
func faultDraftStatus(ctx context.Context, base, token string, id int64) (status, txHash string, r faultReply, err error) {
	r, err = faultCall(ctx, base, "GET", fmt.Sprintf("/api/v1/drafts/%d", id), token, nil, nil)
	if err != nil || r.status != http.StatusOK {
		return "", "", r, err
	}
	var v struct {
		Status       string `json:"status"`
		AnchorTxHash string `json:"anchor_tx_hash"`
		SHA256       string `json:"sha256"`
	}
	err = json.Unmarshal(r.body, &v)
	return v.Status, v.AnchorTxHash, r, err
}

// faultWaitStatus polls a draft until it is published or failed, or until timeout.
func faultWaitStatus(ctx context.Context, base, token string, id int64, timeout time.Duration) (string, error) {
	deadline := time.Now().Add(timeout)
	for {
		st, _, r, err := faultDraftStatus(ctx, base, token, id)
		if err != nil {
			return "", err
		}
		if r.status != http.StatusOK {
			return "", fmt.Errorf("GET draft %d: %s", id, r)
		}
		if st == "published" || st == "failed" || time.Now().After(deadline) {
			return st, nil
		}
		select {
		case <-ctx.Done():
			return st, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// faultBeacon gets a view token for an article as a new reader and sends the
// beacon; a 201 answer is the receipt {id, hash}.
func faultBeacon(ctx context.Context, base string, articleID int64) (id int64, hash string, r faultReply, err error) {
	r, err = faultCall(ctx, base, "GET", fmt.Sprintf("/api/v1/articles/%d/view-token", articleID), "", nil, nil)
	if err != nil || r.status != http.StatusOK {
		return 0, "", r, err
	}
	var tok struct {
		Token string `json:"token"`
	}
	json.Unmarshal(r.body, &tok)
	cookie := ""
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == "banx_reader" {
			cookie = c.Name + "=" + c.Value
		}
	}
	r, err = faultCall(ctx, base, "POST", "/api/v1/views", "", []byte(tok.Token), map[string]string{"Content-Type": "text/plain", "Cookie": cookie})
	if err != nil || r.status != http.StatusCreated {
		return 0, "", r, err
	}
	var rec struct {
		ID   int64  `json:"id"`
		Hash string `json:"hash"`
	}
	err = json.Unmarshal(r.body, &rec)
	return rec.ID, rec.Hash, r, err
}
