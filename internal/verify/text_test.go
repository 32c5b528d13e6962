package verify_test

import (
	"strings"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/verify"
)

// TestWriteText checks the checklist layout and that text from untrusted
// sources (node answers, memos) cannot drive the reader's terminal.
func TestWriteText(t *testing.T) {
	res := verify.Result{Report: anchor.Report{Mode: anchor.KindSelf, Author: "rAuthor", TxHash: "ABCD", LedgerIndex: 7},
		CloseTime: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), CID: "bafkreixyz"}
	res.Set(anchor.CheckMemo, anchor.StatusPass, "self anchor")
	res.Set(anchor.CheckLedgerTx, anchor.StatusFail, "node said \x1b[2J\x1b[31mall good\r\n")
	res.Set(anchor.CheckContentFetched, anchor.StatusSkip, "no IPFS node given")
	var b strings.Builder
	if err := verify.WriteText(&b, res); err != nil {
		t.Fatal(err)
	}
	want := `Banx anchor verification: FAILED
  transaction  ABCD (self anchor, network 0)
  ledger       7, closed 2026-01-02T03:04:05Z
  author       rAuthor
  manifest     bafkreixyz

  [ ok ] Anchor memo follows the Banx memo contract: self anchor
  [FAIL] Transaction validated with tesSUCCESS: node said ?[2J?[31mall good??
  [skip] Content fetched from IPFS by CID: no IPFS node given

1 passed, 1 failed, 1 skipped.
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
