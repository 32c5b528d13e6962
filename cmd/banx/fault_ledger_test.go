//go:build linux

package main

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/xrpl"
)

// faultAnchor is one successful anchor transaction found on the ledger.
type faultAnchor struct {
	hash   string
	ledger uint32
	memo   anchor.Memo
}

// key is what the transaction anchors: one manifest (self) or one Merkle
// root (batch). Two successful transactions with the same key anchor the
// same versions twice.
func (a faultAnchor) key() string {
	if a.memo.Kind == anchor.KindSelf {
		return "self:" + a.memo.SHA256
	}
	return "batch:" + a.memo.Root
}

// faultScanAnchors reads every validated ledger from the first and returns the
// successful transactions that carry a Banx anchor memo. It trusts nothing
// Banx stored: this is what a verifier sees.
func faultScanAnchors(t *testing.T, ctx context.Context, ledgerURL string) []faultAnchor {
	t.Helper()
	c, err := xrpl.Dial(ctx, ledgerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	head, err := c.Ledger(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []faultAnchor
	for i := uint32(2); i <= head.Index; i++ {
		l, err := c.LedgerTransactions(ctx, i)
		if err != nil {
			t.Fatalf("ledger %d: %v", i, err)
		}
		for _, tx := range l.Transactions {
			if tx.Result != "tesSUCCESS" || tx.Type != "AccountSet" {
				continue
			}
			for _, m := range tx.Memos {
				memo, err := anchor.DecodeMemo([]byte(m.Type), []byte(m.Format), m.Data)
				if err != nil {
					continue
				}
				out = append(out, faultAnchor{hash: tx.Hash, ledger: i, memo: memo})
			}
		}
	}
	return out
}

// checkAnchoredOnce fails the test if two successful ledger transactions
// anchor the same manifest or the same batch root, if a published version's
// anchor transaction is not among them, or if an anchor on the ledger is not
// recorded by Banx as the validated anchor of the versions it covers. It
// returns how many anchor transactions it found.
func checkAnchoredOnce(t *testing.T, ctx context.Context, ledgerURL, dataDir string) int {
	t.Helper()
	found := faultScanAnchors(t, ctx, ledgerURL)
	byKey := map[string]faultAnchor{}
	byHash := map[string]faultAnchor{}
	for _, a := range found {
		if prev, dup := byKey[a.key()]; dup {
			t.Errorf("anchored twice: %s in %s (ledger %d) and %s (ledger %d)", a.key(), prev.hash, prev.ledger, a.hash, a.ledger)
		}
		byKey[a.key()] = a
		byHash[a.hash] = a
	}
	db := faultOpenDB(t, dataDir)
	rows, err := db.QueryContext(ctx, `SELECT v.id, v.sha256, v.anchor_tx_hash, COALESCE(a.root, ''), COALESCE(a.status, ''), COALESCE(a.tx_hash, '')
		FROM article_versions v LEFT JOIN anchors a ON a.id = v.anchor_id WHERE v.status = 'published'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var sha, txHash, root, status, anchorHash string
		if err := rows.Scan(&id, &sha, &txHash, &root, &status, &anchorHash); err != nil {
			t.Fatal(err)
		}
		a, ok := byHash[txHash]
		switch {
		case !ok:
			t.Errorf("version %d is published with anchor %s, which is no successful anchor on the ledger", id, txHash)
		case a.memo.Kind == anchor.KindSelf && a.memo.SHA256 != sha:
			t.Errorf("version %d (sha256 %s) names %s, which anchors %s", id, sha, txHash, a.memo.SHA256)
		case a.memo.Kind == anchor.KindBatch && (a.memo.Root != root || status != "validated" || anchorHash != txHash):
			t.Errorf("version %d names batch %s (root %s), Banx recorded root %s, anchor %s %s", id, txHash, a.memo.Root, root, status, anchorHash)
		}
	}
	// An anchor Banx gave up on (expired, refused) must not have succeeded:
	// its versions would be anchored again by the next attempt.
	failed, err := db.QueryContext(ctx, `SELECT tx_hash, reason FROM anchors WHERE status = 'failed' AND tx_hash IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	defer failed.Close()
	for failed.Next() {
		var hash, reason string
		if err := failed.Scan(&hash, &reason); err != nil {
			t.Fatal(err)
		}
		if a, ok := byHash[hash]; ok {
			t.Errorf("anchor %s is recorded as failed (%s) but succeeded in ledger %d", hash, reason, a.ledger)
		}
	}
	// Every anchor on the ledger is Banx's record of it: no validated
	// transaction was lost track of (its versions re-anchored elsewhere).
	for _, a := range found {
		var n int
		q := `SELECT COUNT(*) FROM anchors WHERE tx_hash = ? AND status = 'validated'`
		if err := db.QueryRowContext(ctx, q, a.hash).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("ledger anchor %s (%s, ledger %d) is not recorded as validated by Banx", a.hash, a.key(), a.ledger)
		}
	}
	return len(found)
}

// faultOpenDB opens banx.db of a data directory read-only beside a running
// server (WAL lets both read).
func faultOpenDB(t *testing.T, dataDir string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", fmt.Sprintf("file:%s?mode=ro&_busy_timeout=5000", filepath.Join(dataDir, "banx.db")))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
