//go:build linux

package main

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/ipfs/embedded"
)

// TestCrashSample is `make run` killed after it stored the sample article's
// draft and before it submitted its anchor: the next start must publish it,
// not give up because "this exact manifest is already stored".
func TestCrashSample(t *testing.T) {
	t.Parallel() // mostly the embedded stack setting itself up
	ctx := context.Background()
	node := newFaultNode(t, "", "", map[string]string{"BANX_LEDGER_ADDR": freeAddr(t)})
	node.start() // a fresh embedded stack: dev author wallets, no sample
	author := walletFromFile(t, filepath.Join(node.dataDir, "wallets", "author-1.seed"))
	addr := author.ClassicAddress.String()
	tok, err := faultSignIn(ctx, node.url, author)
	if err != nil {
		t.Fatal(err)
	}
	// The killed run had stored the sample's cover in the node's content
	// store (publishSample does, before the draft): a draft may only name
	// images the server holds.
	if r, err := faultCall(ctx, node.url, "POST", "/api/v1/media", tok, sampleCover(), map[string]string{"Content-Type": "image/png"}); err != nil || r.status != http.StatusCreated {
		t.Fatalf("sample cover upload: %v %s", err, r)
	}
	// The draft the killed run stored: the same bytes publishSample makes.
	scratch, err := embedded.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer scratch.Close()
	doc, err := sampleDoc(ctx, scratch, addr)
	if err != nil {
		t.Fatal(err)
	}
	d, r, err := faultDraft(ctx, node.url, tok, doc)
	if err != nil || r.status != http.StatusCreated {
		t.Fatalf("sample draft: %v %s", err, r)
	}
	node.kill()

	node.args = []string{"--sample"}
	node.start()
	if strings.Contains(node.p.errb.String(), "sample article not published") {
		t.Fatalf("restart gave up on the sample:\n%s", faultTail(node.p.errb.String(), 2000))
	}
	tok, err = faultSignIn(ctx, node.url, author)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := faultWaitStatus(ctx, node.url, tok, d.ID, 30*time.Second); err != nil || st != "published" {
		t.Fatalf("sample draft %d ended %q (%v)\n%s", d.ID, st, err, faultTail(node.stderr(), 3000))
	}
}
