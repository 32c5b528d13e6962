//go:build linux

package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/xrpl"
)

// TestCrashExpired kills banx while a self anchor and a batch anchor are
// signed and stored but have never reached the ledger (a filter refuses
// every submit), and keeps it down until the ledger has passed their
// LastLedgerSequence. The restart must fail the self anchor (the author's
// signature cannot be renewed: they anchor again), re-sign the batch and
// publish it, and the ledger must hold each version at most once.
func TestCrashExpired(t *testing.T) {
	t.Parallel() // mostly waiting for ledgers to close
	ctx := context.Background()
	ledger := startFaultLedgerEvery(t, 200*time.Millisecond)
	filter, url := startSubmitFilter(t, ledger.url)
	node := newFaultNode(t, "", url, map[string]string{"BANX_ANCHOR_SEED": faultFund(t, ledger.url).Seed, "BANX_BATCH_INTERVAL": "300ms"})
	node.start()
	w := faultFund(t, ledger.url)
	tok, err := faultSignIn(ctx, node.url, w)
	if err != nil {
		t.Fatal(err)
	}
	draft := func(title string) draftAnswer {
		d, r, err := faultDraft(ctx, node.url, tok, faultManifest(t, w.ClassicAddress.String(), title))
		if err != nil || r.status != http.StatusCreated {
			t.Fatalf("draft: %v %s", err, r)
		}
		return d
	}
	self, batch := draft("Self anchor that never reached the ledger"), draft("Batch that never reached the ledger")

	filter.drop.Store(true)
	if r, err := faultAnchorSelf(ctx, node.url, tok, w, self); err != nil || r.status != http.StatusAccepted {
		t.Fatalf("self anchor: %v %s", err, r)
	}
	if r, err := faultQueueBatch(ctx, node.url, tok, w, batch); err != nil || r.status != http.StatusAccepted {
		t.Fatalf("queue: %v %s", err, r)
	}
	db := faultOpenDB(t, node.dataDir)
	var stored, lls int
	deadline := time.Now().Add(20 * time.Second)
	for stored < 2 || filter.dropped.Load() < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("%d anchors stored, %d submits refused in 20 s", stored, filter.dropped.Load())
		}
		time.Sleep(50 * time.Millisecond)
		db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(last_ledger_seq), 0) FROM anchors WHERE status = 'submitted'`).Scan(&stored, &lls)
	}
	node.kill()
	filter.drop.Store(false)

	c, err := xrpl.Dial(ctx, ledger.url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for {
		l, err := c.Ledger(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if l.Index > uint32(lls) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}

	node.start()
	tok, err = faultSignIn(ctx, node.url, w)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := faultWaitStatus(ctx, node.url, tok, batch.ID, 30*time.Second); err != nil || st != "published" {
		t.Fatalf("expired batch: version ended %q (%v)\n%s", st, err, faultTail(node.stderr(), 3000))
	}
	if !strings.Contains(node.stderr(), `"msg":"re-signed expired batch anchor"`) {
		t.Error("the batch was published without being re-signed")
	}
	st, _, r, err := faultDraftStatus(ctx, node.url, tok, self.ID)
	if err != nil || st != "failed" || !strings.Contains(string(r.body), "can never apply") {
		t.Errorf("expired self anchor: %q %v %s", st, err, r)
	}
	// The author anchors again: once, this time.
	if r, err := faultAnchorSelf(ctx, node.url, tok, w, self); err != nil || r.status != http.StatusAccepted {
		t.Fatalf("self anchor again: %v %s", err, r)
	}
	if st, err := faultWaitStatus(ctx, node.url, tok, self.ID, 30*time.Second); err != nil || st != "published" {
		t.Fatalf("self anchor again: %q %v", st, err)
	}
	n := checkAnchoredOnce(t, ctx, ledger.url, node.dataDir)
	t.Logf("anchors expired while banx was down: batch re-signed and published, self anchor failed and anchored again; %d anchors on the ledger, none twice", n)
}
