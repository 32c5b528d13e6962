package xrpl_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/url"
	"sync/atomic"
	"testing"

	"github.com/Peersyst/xrpl-go/xrpl/transaction"
	"github.com/Peersyst/xrpl-go/xrpl/transaction/types"
	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/internal/xrpl"
)

// signRun signs n XRP payments from w with consecutive sequence numbers;
// fee, when set, changes one payment's fee.
func signRun(t *testing.T, ctx context.Context, c *xrpl.Client, w *wallet.Wallet, n int, fee ...func(i int) string) []*xrpl.SignedTx {
	t.Helper()
	out := make([]*xrpl.SignedTx, n)
	var seq, lls uint32
	for i := range out {
		tx := (&transaction.Payment{BaseTx: transaction.BaseTx{Account: w.ClassicAddress}, Destination: genesisAddress,
			Amount: types.XRPCurrencyAmount(1000 + i)}).Flatten()
		if i == 0 {
			if err := c.Autofill(ctx, tx); err != nil {
				t.Fatal(err)
			}
			seq, lls = tx["Sequence"].(uint32), tx["LastLedgerSequence"].(uint32)
		}
		tx["Sequence"], tx["Fee"], tx["LastLedgerSequence"] = seq+uint32(i), "12", lls
		for _, f := range fee {
			tx["Fee"] = f(i)
		}
		s, err := xrpl.Sign(tx, w)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = s
	}
	return out
}

// TestSubmitInOrder submits a run of consecutive sequence numbers with many
// requests in flight: every one must be applied, in order, in one ledger,
// whatever the transport does (pipelined HTTP, WebSocket one at a time).
func TestSubmitInOrder(t *testing.T) {
	transports(t, nil, func(t *testing.T, c *xrpl.Client) {
		ctx := testContext(t)
		w := fund(t, ctx, c, 100_000_000, ed25519)
		for _, window := range []int{1, 2, 16} {
			signed := signRun(t, ctx, c, w, 40)
			blobs := make([]string, len(signed))
			for i, s := range signed {
				blobs[i] = s.Blob
			}
			var order []int
			res, errs := c.SubmitInOrder(ctx, blobs, window, func(i int) { order = append(order, i) })
			for i := range blobs {
				if errs[i] != nil || res[i].EngineResult != "tesSUCCESS" {
					t.Fatalf("window %d blob %d: %v %+v", window, i, errs[i], res[i])
				}
				if order[i] != i {
					t.Fatalf("window %d: answers reported in order %v", window, order)
				}
			}
			if _, err := c.AcceptLedger(ctx); err != nil {
				t.Fatal(err)
			}
			for _, s := range signed {
				tx, err := c.Tx(ctx, s.Hash)
				if err != nil || !tx.Validated || tx.Result != "tesSUCCESS" {
					t.Fatalf("window %d: %s: %v %+v", window, s.Hash, err, tx)
				}
			}
		}
	})
}

// TestSubmitInOrderFailureInRun makes one payment in the middle of a
// pipelined run fail without using its sequence number (a fee below the
// base fee: telINSUF_FEE_P): the ones before apply, and every one after it is
// held (terPRE_SEQ), each answer matched to its own blob.
func TestSubmitInOrderFailureInRun(t *testing.T) {
	transports(t, nil, func(t *testing.T, c *xrpl.Client) {
		ctx := testContext(t)
		w := fund(t, ctx, c, 100_000_000, ed25519)
		const bad = 9
		signed := signRun(t, ctx, c, w, 20, func(i int) string {
			if i == bad {
				return "1"
			}
			return "12"
		})
		blobs := make([]string, len(signed))
		for i, s := range signed {
			blobs[i] = s.Blob
		}
		res, errs := c.SubmitInOrder(ctx, blobs, 8, nil)
		for i := range blobs {
			want := "tesSUCCESS"
			switch {
			case i == bad:
				want = "telINSUF_FEE_P"
			case i > bad:
				want = "terPRE_SEQ"
			}
			if errs[i] != nil || res[i].EngineResult != want {
				t.Fatalf("blob %d: %v %+v, want %s", i, errs[i], res[i], want)
			}
		}
	})
}

// TestSubmitInOrderBrokenStream puts a proxy in front of the node that cuts
// the pipelined connection within the first answers (1400 bytes pass, each
// answer is bigger than 1 KB): the rest must be submitted one at a time, and
// every blob still applies exactly once.
func TestSubmitInOrderBrokenStream(t *testing.T) {
	l := startLedger(t, nil)
	target, _ := url.Parse(l.HTTPURL)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var conns atomic.Int32
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			n := conns.Add(1)
			go func() {
				defer in.Close()
				out, err := net.Dial("tcp", target.Host)
				if err != nil {
					return
				}
				defer out.Close()
				go io.Copy(out, in)
				if n == 2 { // the first connection is Dial's; the second is the pipeline
					// Pass about three answers through, then cut.
					br := bufio.NewReader(out)
					buf := make([]byte, 1400)
					k, _ := br.Read(buf)
					in.Write(buf[:k])
					return
				}
				io.Copy(in, out)
			}()
		}
	}()
	ctx := testContext(t)
	c := dial(t, "http://"+ln.Addr().String()+"/")
	w := fund(t, ctx, c, 100_000_000, ed25519)
	conns.Store(1)
	signed := signRun(t, ctx, c, w, 30)
	blobs := make([]string, len(signed))
	for i, s := range signed {
		blobs[i] = s.Blob
	}
	res, errs := c.SubmitInOrder(ctx, blobs, 8, nil)
	for i := range blobs {
		if errs[i] != nil {
			t.Fatalf("blob %d: %v", i, errs[i])
		}
		switch res[i].EngineResult {
		case "tesSUCCESS", "tefALREADY", "tefPAST_SEQ":
		default:
			t.Fatalf("blob %d: %+v", i, res[i])
		}
	}
	if conns.Load() < 2 {
		t.Fatal("no pipelined connection was opened")
	}
	if _, err := c.AcceptLedger(ctx); err != nil {
		t.Fatal(err)
	}
	for _, s := range signed {
		if tx, err := c.Tx(ctx, s.Hash); err != nil || tx.Result != "tesSUCCESS" {
			t.Fatalf("%s: %v %+v", s.Hash, err, tx)
		}
	}
}
