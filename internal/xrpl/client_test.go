package xrpl_test

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/Peersyst/xrpl-go/xrpl/transaction"
	"github.com/Peersyst/xrpl-go/xrpl/transaction/types"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/ledger"
	"github.com/banxmedia/banx/internal/xrpl"
)

func TestServerInfo(t *testing.T) {
	edit := func(cfg *ledger.Config) {
		cfg.BaseFee = 15
		cfg.ReserveBase = 5_000_000
		cfg.ReserveInc = 1_000_000
	}
	transports(t, edit, func(t *testing.T, c *xrpl.Client) {
		info, err := c.ServerInfo(testContext(t))
		if err != nil {
			t.Fatal(err)
		}
		if info.BaseFee != 15 || info.ReserveBase != 5_000_000 || info.ReserveInc != 1_000_000 {
			t.Errorf("fees/reserves = %d/%d/%d drops, want 15/5000000/1000000", info.BaseFee, info.ReserveBase, info.ReserveInc)
		}
		if info.ValidatedLedger == 0 || info.Ledgers.Max < info.ValidatedLedger || info.Ledgers.Min == 0 {
			t.Errorf("validated %d, complete range %+v", info.ValidatedLedger, info.Ledgers)
		}
		if c.Info().BaseFee != 15 {
			t.Errorf("Info() was not refreshed: %+v", c.Info())
		}
	})
}

func TestPaymentWithMemos(t *testing.T) {
	transports(t, nil, func(t *testing.T, c *xrpl.Client) {
		ctx := testContext(t)
		alice := fund(t, ctx, c, 50_000_000, secp)
		bob := fund(t, ctx, c, 20_000_000, ed25519)
		before, err := c.AccountInfo(ctx, alice.ClassicAddress.String())
		if err != nil {
			t.Fatal(err)
		}

		want := []xrpl.Memo{
			{Type: "banx/manifest", Format: "application/json", Data: []byte(`{"cid":"bafy"}`)},
			{Type: "banx/raw", Data: []byte{0, 1, 2, 0xff}},
		}
		memos, err := xrpl.EncodeMemos(want...)
		if err != nil {
			t.Fatal(err)
		}
		pay := &transaction.Payment{
			BaseTx:      transaction.BaseTx{Memos: memos},
			Destination: bob.ClassicAddress,
			Amount:      types.XRPCurrencyAmount(1_234_567),
		}
		s, err := c.Prepare(ctx, pay, alice)
		if err != nil {
			t.Fatal(err)
		}
		if s.Fee != 12 {
			t.Errorf("autofilled fee %d drops, want 12 (10 x load 1 x 1.2)", s.Fee)
		}
		if s.Sequence != before.Sequence {
			t.Errorf("autofilled sequence %d, want %d", s.Sequence, before.Sequence)
		}
		if s.LastLedgerSequence != before.LedgerIndex+xrpl.DefaultLedgerOffset {
			t.Errorf("LastLedgerSequence %d, want validated %d + %d", s.LastLedgerSequence, before.LedgerIndex, xrpl.DefaultLedgerOffset)
		}
		tx, err := c.SubmitSignedAndWait(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		if !tx.Validated || tx.Result != "tesSUCCESS" || tx.LedgerIndex == 0 || tx.CloseTime.IsZero() {
			t.Fatalf("final tx = %+v", tx)
		}

		got, err := c.Tx(ctx, s.Hash)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Memos) != len(want) {
			t.Fatalf("read back %d memos, want %d", len(got.Memos), len(want))
		}
		for i := range want {
			if got.Memos[i].Type != want[i].Type || got.Memos[i].Format != want[i].Format || !bytes.Equal(got.Memos[i].Data, want[i].Data) {
				t.Errorf("memo %d = %+v, want %+v", i, got.Memos[i], want[i])
			}
		}
		if got.DeliveredAmount == nil || !got.DeliveredAmount.IsXRP() || got.DeliveredAmount.Value != "1234567" {
			t.Errorf("delivered_amount = %+v, want 1234567 drops", got.DeliveredAmount)
		}
		if got.Destination != bob.ClassicAddress.String() || got.Fee != 12 || got.Sequence != s.Sequence {
			t.Errorf("tx fields = dest %s fee %d seq %d", got.Destination, got.Fee, got.Sequence)
		}

		after, err := c.AccountInfo(ctx, alice.ClassicAddress.String())
		if err != nil {
			t.Fatal(err)
		}
		if after.Balance != before.Balance-1_234_567-12 || after.Sequence != before.Sequence+1 {
			t.Errorf("alice balance %d seq %d, want %d and %d", after.Balance, after.Sequence, before.Balance-1_234_567-12, before.Sequence+1)
		}
		b, err := c.AccountInfo(ctx, bob.ClassicAddress.String())
		if err != nil {
			t.Fatal(err)
		}
		if b.Balance != 20_000_000+1_234_567 {
			t.Errorf("bob balance %d, want %d", b.Balance, 20_000_000+1_234_567)
		}

		t.Run("ErrBelowReserve", func(t *testing.T) {
			newcomer := newWallet(t, secp)
			short := &transaction.Payment{Destination: newcomer.ClassicAddress, Amount: types.XRPCurrencyAmount(c.Info().ReserveBase - 1)}
			_, err := c.SubmitAndWait(ctx, short, alice)
			var ee *xrpl.EngineError
			if !errors.As(err, &ee) || ee.Result != "tecNO_DST_INSUF_XRP" {
				t.Fatalf("err = %v, want tecNO_DST_INSUF_XRP", err)
			}
		})
	})
}

func TestIssuedCurrency(t *testing.T) {
	transports(t, nil, func(t *testing.T, c *xrpl.Client) {
		ctx := testContext(t)
		issuer := fund(t, ctx, c, 50_000_000, secp)
		holder := fund(t, ctx, c, 20_000_000, ed25519)
		stranger := fund(t, ctx, c, 20_000_000, secp)
		iss := issuer.ClassicAddress

		if _, err := c.SubmitAndWait(ctx, &transaction.AccountSet{SetFlag: transaction.AsfDefaultRipple}, issuer); err != nil {
			t.Fatalf("AccountSet DefaultRipple: %v", err)
		}
		trust := &transaction.TrustSet{LimitAmount: types.IssuedCurrencyAmount{Currency: "BXE", Issuer: iss, Value: "1000"}}
		if _, err := c.SubmitAndWait(ctx, trust, holder); err != nil {
			t.Fatalf("TrustSet: %v", err)
		}
		pay := &transaction.Payment{
			Destination: holder.ClassicAddress,
			Amount:      types.IssuedCurrencyAmount{Currency: "BXE", Issuer: iss, Value: "125.5"},
		}
		tx, err := c.SubmitAndWait(ctx, pay, issuer)
		if err != nil {
			t.Fatalf("issue BXE: %v", err)
		}
		if d := tx.DeliveredAmount; d == nil || d.Currency != "BXE" || d.Issuer != iss.String() || d.Value != "125.5" {
			t.Errorf("delivered_amount = %+v", d)
		}

		ia, err := c.AccountInfo(ctx, iss.String())
		if err != nil {
			t.Fatal(err)
		}
		if ia.Flags&xrpl.LsfDefaultRipple == 0 {
			t.Errorf("issuer flags %#x lack lsfDefaultRipple", ia.Flags)
		}
		ha, err := c.AccountInfo(ctx, holder.ClassicAddress.String())
		if err != nil {
			t.Fatal(err)
		}
		if ha.OwnerCount != 1 {
			t.Errorf("holder owner count %d, want 1 (the trust line)", ha.OwnerCount)
		}

		lines, err := c.AccountLines(ctx, holder.ClassicAddress.String(), iss.String())
		if err != nil {
			t.Fatal(err)
		}
		if len(lines) != 1 || lines[0].Peer != iss.String() || lines[0].Currency != "BXE" || lines[0].Balance != "125.5" || lines[0].Limit != "1000" {
			t.Fatalf("holder lines = %+v", lines)
		}
		lines, err = c.AccountLines(ctx, iss.String(), "")
		if err != nil {
			t.Fatal(err)
		}
		if len(lines) != 1 || lines[0].Balance != "-125.5" || lines[0].LimitPeer != "1000" {
			t.Fatalf("issuer lines = %+v", lines)
		}
		none, err := c.AccountLines(ctx, stranger.ClassicAddress.String(), "")
		if err != nil || len(none) != 0 {
			t.Errorf("stranger lines = %+v, %v; want none", none, err)
		}

		gb, err := c.GatewayBalances(ctx, iss.String())
		if err != nil {
			t.Fatal(err)
		}
		if gb.Obligations["BXE"] != "125.5" {
			t.Errorf("obligations = %v, want BXE 125.5", gb.Obligations)
		}

		t.Run("HolderToHolder", func(t *testing.T) {
			second := fund(t, ctx, c, 20_000_000, secp)
			trust := &transaction.TrustSet{LimitAmount: types.IssuedCurrencyAmount{Currency: "BXE", Issuer: iss, Value: "50"}}
			if _, err := c.SubmitAndWait(ctx, trust, second); err != nil {
				t.Fatal(err)
			}
			pay := &transaction.Payment{
				Destination: second.ClassicAddress,
				Amount:      types.IssuedCurrencyAmount{Currency: "BXE", Issuer: iss, Value: "10.25"},
			}
			if _, err := c.SubmitAndWait(ctx, pay, holder); err != nil {
				t.Fatalf("holder -> holder through the issuer: %v", err)
			}
			for addr, want := range map[string]string{holder.ClassicAddress.String(): "115.25", second.ClassicAddress.String(): "10.25"} {
				lines, err := c.AccountLines(ctx, addr, iss.String())
				if err != nil || len(lines) != 1 || lines[0].Balance != want {
					t.Errorf("%s lines = %+v, %v; want balance %s", addr, lines, err, want)
				}
			}
			over := &transaction.Payment{
				Destination: second.ClassicAddress,
				Amount:      types.IssuedCurrencyAmount{Currency: "BXE", Issuer: iss, Value: "40"},
			}
			if _, err := c.SubmitAndWait(ctx, over, issuer); !xrpl.IsTec(err) {
				t.Errorf("payment over the trust limit: %v, want tecPATH_DRY", err)
			}
		})

		t.Run("ErrPathDry", func(t *testing.T) {
			before, err := c.AccountInfo(ctx, iss.String())
			if err != nil {
				t.Fatal(err)
			}
			pay := &transaction.Payment{
				Destination: stranger.ClassicAddress,
				Amount:      types.IssuedCurrencyAmount{Currency: "BXE", Issuer: iss, Value: "1"},
			}
			tx, err := c.SubmitAndWait(ctx, pay, issuer)
			var ee *xrpl.EngineError
			if !errors.As(err, &ee) || ee.Result != "tecPATH_DRY" || ee.Code != 128 || !ee.IsTec() || !xrpl.IsTec(err) {
				t.Fatalf("err = %v, want tecPATH_DRY EngineError", err)
			}
			if banx.ErrorCode(err) != banx.ECONFLICT {
				t.Errorf("banx code %q, want %q", banx.ErrorCode(err), banx.ECONFLICT)
			}
			if tx == nil || !tx.Validated || tx.Result != "tecPATH_DRY" {
				t.Fatalf("tec must come with its validated transaction, got %+v", tx)
			}
			after, err := c.AccountInfo(ctx, iss.String())
			if err != nil {
				t.Fatal(err)
			}
			if after.Sequence != before.Sequence+1 || after.Balance != before.Balance-tx.Fee {
				t.Errorf("tec must burn the fee and use the sequence: seq %d->%d, balance %d->%d (fee %d)",
					before.Sequence, after.Sequence, before.Balance, after.Balance, tx.Fee)
			}
		})
	})
}

func TestSubmitAndWaitErrors(t *testing.T) {
	transports(t, nil, func(t *testing.T, c *xrpl.Client) {
		ctx := testContext(t)
		alice := fund(t, ctx, c, 50_000_000, secp)
		bob := fund(t, ctx, c, 20_000_000, ed25519)
		payment := func(tweak func(transaction.FlatTransaction)) *xrpl.SignedTx {
			t.Helper()
			flat := (&transaction.Payment{
				BaseTx:      transaction.BaseTx{Account: alice.ClassicAddress},
				Destination: bob.ClassicAddress,
				Amount:      types.XRPCurrencyAmount(1000),
			}).Flatten()
			if err := c.Autofill(ctx, flat); err != nil {
				t.Fatal(err)
			}
			tweak(flat)
			s, err := xrpl.Sign(flat, alice)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}

		t.Run("ErrPastSequence", func(t *testing.T) {
			s := payment(func(tx transaction.FlatTransaction) { tx["Sequence"] = tx["Sequence"].(uint32) - 1 })
			tx, err := c.SubmitSignedAndWait(ctx, s)
			if !xrpl.IsTef(err) || tx != nil {
				t.Fatalf("got %+v, %v; want a tef EngineError and no transaction", tx, err)
			}
			var ee *xrpl.EngineError
			if errors.As(err, &ee); ee.Result != "tefPAST_SEQ" || ee.Code != -190 {
				t.Errorf("engine error %+v, want tefPAST_SEQ (-190)", ee)
			}
		})

		t.Run("ErrExpiredNeverSubmitted", func(t *testing.T) {
			s := payment(func(tx transaction.FlatTransaction) {})
			_, err := c.Wait(ctx, s.Hash, s.LastLedgerSequence)
			var xe *xrpl.ExpiredError
			if !errors.Is(err, xrpl.ErrExpired) || !errors.As(err, &xe) || xe.ValidatedLedger <= s.LastLedgerSequence {
				t.Fatalf("err = %v, want ErrExpired past %d", err, s.LastLedgerSequence)
			}
			if banx.ErrorCode(err) != banx.EUNAVAILABLE {
				t.Errorf("banx code %q", banx.ErrorCode(err))
			}
		})

		t.Run("ErrExpiredFutureSequence", func(t *testing.T) {
			s := payment(func(tx transaction.FlatTransaction) {
				tx["Sequence"] = tx["Sequence"].(uint32) + 5
				tx["LastLedgerSequence"] = tx["LastLedgerSequence"].(uint32) - xrpl.DefaultLedgerOffset + xrpl.MinLedgerOffset
			})
			_, err := c.SubmitSignedAndWait(ctx, s)
			var xe *xrpl.ExpiredError
			if !errors.As(err, &xe) || xe.LastResult == "" {
				t.Fatalf("err = %v, want ErrExpired carrying the provisional result", err)
			}
			// rippled keeps held transactions in its cache: tx may find it, never validated.
			if tx, err := c.Tx(ctx, s.Hash); (err == nil && tx.Validated) || (err != nil && !xrpl.IsNotFound(err)) {
				t.Errorf("expired tx lookup: %+v, %v; want txnNotFound or not validated", tx, err)
			}
		})

		t.Run("ErrMalformed", func(t *testing.T) {
			s := payment(func(tx transaction.FlatTransaction) { tx["Amount"] = "0" })
			tx, err := c.SubmitSignedAndWait(ctx, s)
			var ee *xrpl.EngineError
			if !errors.As(err, &ee) || ee.Result != "temBAD_AMOUNT" || !ee.IsTem() || tx != nil {
				t.Fatalf("got %+v, %v; want temBAD_AMOUNT", tx, err)
			}
			if banx.ErrorCode(err) != banx.EINVALID {
				t.Errorf("banx code %q, want %q", banx.ErrorCode(err), banx.EINVALID)
			}
		})

		t.Run("ErrInsufficientFeeExpires", func(t *testing.T) {
			s := payment(func(tx transaction.FlatTransaction) {
				tx["Fee"] = "1"
				tx["LastLedgerSequence"] = tx["LastLedgerSequence"].(uint32) - xrpl.DefaultLedgerOffset + xrpl.MinLedgerOffset
			})
			_, err := c.SubmitSignedAndWait(ctx, s)
			var xe *xrpl.ExpiredError
			if !errors.As(err, &xe) || xe.LastResult != "telINSUF_FEE_P" {
				t.Fatalf("err = %v, want ErrExpired after telINSUF_FEE_P", err)
			}
		})

		t.Run("ErrHostileFields", func(t *testing.T) {
			for name, tweak := range map[string]func(transaction.FlatTransaction){
				"Destination": func(tx transaction.FlatTransaction) { tx["Destination"] = "r\xff\xfe" },
				"Issuer": func(tx transaction.FlatTransaction) {
					tx["Amount"] = map[string]any{"currency": "BXE", "issuer": "r\xff\xfe", "value": "1"}
				},
			} {
				flat := (&transaction.Payment{
					BaseTx:      transaction.BaseTx{Account: alice.ClassicAddress},
					Destination: bob.ClassicAddress,
					Amount:      types.XRPCurrencyAmount(1000),
				}).Flatten()
				if err := c.Autofill(ctx, flat); err != nil {
					t.Fatal(err)
				}
				tweak(flat)
				if _, err := xrpl.Sign(flat, alice); banx.ErrorCode(err) != banx.EINVALID {
					t.Errorf("%s not UTF-8: %v, want EINVALID", name, err)
				}
			}
		})

		t.Run("OKAfterErrors", func(t *testing.T) {
			s := payment(func(tx transaction.FlatTransaction) {})
			if tx, err := c.SubmitSignedAndWait(ctx, s); err != nil || tx.Result != "tesSUCCESS" {
				t.Fatalf("got %+v, %v", tx, err)
			}
		})
	})
}

// TestRestartSafety submits, drops the client as a crash would, and waits for the
// persisted hash from a new client.
func TestRestartSafety(t *testing.T) {
	l := startLedger(t, nil)
	for name, url := range map[string]string{"http": l.HTTPURL, "ws": l.WSURL} {
		t.Run(name, func(t *testing.T) {
			ctx := testContext(t)
			c1 := dial(t, url)
			alice := fund(t, ctx, c1, 30_000_000, secp)
			bob := newWallet(t, ed25519)
			s, err := c1.Prepare(ctx, &transaction.Payment{Destination: bob.ClassicAddress, Amount: types.XRPCurrencyAmount(10_000_000)}, alice)
			if err != nil {
				t.Fatal(err)
			}
			res, err := c1.Submit(ctx, s.Blob)
			if err != nil || res.EngineResult != "tesSUCCESS" {
				t.Fatalf("submit: %+v, %v", res, err)
			}
			if err := c1.Close(); err != nil {
				t.Fatal(err)
			}

			c2 := dial(t, url)
			tx, err := c2.Wait(ctx, s.Hash, s.LastLedgerSequence)
			if err != nil || tx.Result != "tesSUCCESS" || tx.Hash != s.Hash {
				t.Fatalf("wait after restart: %+v, %v", tx, err)
			}
			again, err := c2.Wait(ctx, s.Hash, s.LastLedgerSequence)
			if err != nil || again.LedgerIndex != tx.LedgerIndex {
				t.Fatalf("second wait: %+v, %v", again, err)
			}
			if res, err := c2.Submit(ctx, s.Blob); err != nil || res.EngineResult == "tesSUCCESS" {
				t.Errorf("resubmitting an applied blob: %+v, %v; it must not apply again", res, err)
			}
			b, err := c2.AccountInfo(ctx, bob.ClassicAddress.String())
			if err != nil || b.Balance != 10_000_000 {
				t.Errorf("bob = %+v, %v; want exactly one payment", b, err)
			}
		})
	}
}

func TestNetworkID(t *testing.T) {
	transports(t, func(cfg *ledger.Config) { cfg.NetworkID = 21337 }, func(t *testing.T, c *xrpl.Client) {
		ctx := testContext(t)
		if c.Info().NetworkID != 21337 {
			t.Fatalf("network id %d", c.Info().NetworkID)
		}
		alice := fund(t, ctx, c, 30_000_000, ed25519)
		flat := (&transaction.AccountSet{BaseTx: transaction.BaseTx{Account: alice.ClassicAddress}}).Flatten()
		if err := c.Autofill(ctx, flat); err != nil {
			t.Fatal(err)
		}
		if flat["NetworkID"] != uint32(21337) {
			t.Fatalf("NetworkID = %v, want 21337", flat["NetworkID"])
		}
		s, err := xrpl.Sign(flat, alice)
		if err != nil {
			t.Fatal(err)
		}
		if tx, err := c.SubmitSignedAndWait(ctx, s); err != nil || tx.Result != "tesSUCCESS" {
			t.Fatalf("%+v, %v", tx, err)
		}
	})
}

func TestAccountLinesPaging(t *testing.T) {
	l := startLedger(t, nil)
	for name, url := range map[string]string{"http": l.HTTPURL, "ws": l.WSURL} {
		t.Run(name, func(t *testing.T) {
			ctx := testContext(t)
			c := dial(t, url, xrpl.WithLinesPageSize(10))
			issuer := fund(t, ctx, c, 30_000_000, secp)
			holder := fund(t, ctx, c, 30_000_000, ed25519)
			const n = 25
			for i := range n {
				trust := &transaction.TrustSet{LimitAmount: types.IssuedCurrencyAmount{
					Currency: fmt.Sprintf("C%02d", i), Issuer: issuer.ClassicAddress, Value: "1000"}}
				if _, err := c.SubmitAndWait(ctx, trust, holder); err != nil {
					t.Fatalf("TrustSet %d: %v", i, err)
				}
			}
			for _, acct := range []string{holder.ClassicAddress.String(), issuer.ClassicAddress.String()} {
				lines, err := c.AccountLines(ctx, acct, "")
				if err != nil {
					t.Fatal(err)
				}
				seen := map[string]bool{}
				for _, line := range lines {
					seen[line.Currency] = true
				}
				if len(lines) != n || len(seen) != n {
					t.Errorf("%s: %d lines, %d distinct currencies; want %d over 3 pages", acct, len(lines), len(seen), n)
				}
			}
		})
	}
}

// TestMemoLimit checks that EncodeMemos refuses exactly what the ledger refuses.
func TestMemoLimit(t *testing.T) {
	l := startLedger(t, nil)
	c := dial(t, l.HTTPURL)
	ctx := testContext(t)
	alice := fund(t, ctx, c, 50_000_000, secp)
	largest := 0
	for n := 900; n < 1100; n++ {
		_, err := xrpl.EncodeMemos(xrpl.Memo{Type: "banx/x", Data: bytes.Repeat([]byte("x"), n)})
		if err != nil {
			if banx.ErrorCode(err) != banx.ETOOLARGE {
				t.Fatalf("%d bytes: %v, want ETOOLARGE", n, err)
			}
			break
		}
		largest = n
	}
	if largest == 0 || largest >= 1099 {
		t.Fatalf("largest accepted memo data %d bytes", largest)
	}
	pay := func(memos []types.MemoWrapper) (*xrpl.Transaction, error) {
		return c.SubmitAndWait(ctx, &transaction.Payment{
			BaseTx: transaction.BaseTx{Memos: memos}, Destination: genesisAddress, Amount: types.XRPCurrencyAmount(1),
		}, alice)
	}
	t.Run("OK", func(t *testing.T) {
		memos, err := xrpl.EncodeMemos(xrpl.Memo{Type: "banx/x", Data: bytes.Repeat([]byte("x"), largest)})
		if err != nil {
			t.Fatal(err)
		}
		if tx, err := pay(memos); err != nil || len(tx.Memos) != 1 || len(tx.Memos[0].Data) != largest {
			t.Fatalf("largest memo: %+v, %v", tx, err)
		}
	})
	t.Run("ErrTooLargeAtLedger", func(t *testing.T) {
		memos, err := xrpl.EncodeMemos(xrpl.Memo{Type: "banx/x", Data: bytes.Repeat([]byte("x"), largest)})
		if err != nil {
			t.Fatal(err)
		}
		memos[0].Memo.MemoData += "78" // one byte more, past EncodeMemos's check
		_, err = pay(memos)
		var re *xrpl.RPCError
		if !errors.As(err, &re) || re.Name != "invalidTransaction" || banx.ErrorCode(err) != banx.EINVALID {
			t.Fatalf("one byte over: %v, want RPCError invalidTransaction", err)
		}
	})
}

// TestLedgerRestart restarts the ledger itself (persistent DataDir) between a
// submission and the wait: validated history survives, and resubmitting the same
// signed blob applies it exactly once.
func TestLedgerRestart(t *testing.T) {
	dir := t.TempDir()
	edit := func(cfg *ledger.Config) { cfg.DataDir = dir }
	ctx := testContext(t)
	l1 := startLedger(t, edit)
	c1 := dial(t, l1.HTTPURL)
	alice := fund(t, ctx, c1, 30_000_000, secp)
	bob := fund(t, ctx, c1, 20_000_000, ed25519)
	first, err := c1.SubmitAndWait(ctx, &transaction.Payment{Destination: bob.ClassicAddress, Amount: types.XRPCurrencyAmount(1_000)}, alice)
	if err != nil {
		t.Fatal(err)
	}
	pending, err := c1.Prepare(ctx, &transaction.Payment{Destination: bob.ClassicAddress, Amount: types.XRPCurrencyAmount(2_000)}, alice)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := c1.Submit(ctx, pending.Blob); err != nil || res.EngineResult != "tesSUCCESS" {
		t.Fatalf("submit: %+v, %v", res, err)
	}
	c1.Close()
	l1.Stop()

	l2 := startLedger(t, edit)
	c2 := dial(t, l2.WSURL)
	again, err := c2.Wait(ctx, first.Hash, first.LastLedgerSequence)
	if err != nil || again.LedgerIndex != first.LedgerIndex || again.Result != "tesSUCCESS" {
		t.Fatalf("validated tx after restart: %+v, %v; want ledger %d", again, err, first.LedgerIndex)
	}
	// Whatever the restart did to the open ledger, the same blob may be sent again.
	tx, err := c2.SubmitSignedAndWait(ctx, pending)
	if err != nil || tx.Result != "tesSUCCESS" {
		t.Fatalf("resubmit after restart: %+v, %v", tx, err)
	}
	b, err := c2.AccountInfo(ctx, bob.ClassicAddress.String())
	if err != nil || b.Balance != 20_000_000+1_000+2_000 {
		t.Fatalf("bob = %+v, %v; want %d (each payment exactly once)", b, err, 20_000_000+1_000+2_000)
	}
}

// TestPipelinedSubmissions submits several transactions from one account before any
// ledger closes: autofill must read the open ledger's sequence, and all of them must
// land in the same validated ledger.
func TestPipelinedSubmissions(t *testing.T) {
	transports(t, nil, func(t *testing.T, c *xrpl.Client) {
		ctx := testContext(t)
		alice := fund(t, ctx, c, 50_000_000, secp)
		bob := fund(t, ctx, c, 20_000_000, ed25519)
		var signed []*xrpl.SignedTx
		for i := range 3 {
			s, err := c.Prepare(ctx, &transaction.Payment{Destination: bob.ClassicAddress, Amount: types.XRPCurrencyAmount(100 + i)}, alice)
			if err != nil {
				t.Fatal(err)
			}
			if res, err := c.Submit(ctx, s.Blob); err != nil || res.EngineResult != "tesSUCCESS" {
				t.Fatalf("submit %d: %+v, %v", i, res, err)
			}
			if i > 0 && s.Sequence != signed[i-1].Sequence+1 {
				t.Errorf("sequence %d after %d: autofill did not see the open ledger", s.Sequence, signed[i-1].Sequence)
			}
			signed = append(signed, s)
		}
		var ledgerIndex uint32
		for i, s := range signed {
			tx, err := c.Wait(ctx, s.Hash, s.LastLedgerSequence)
			if err != nil {
				t.Fatalf("wait %d: %v", i, err)
			}
			if i > 0 && tx.LedgerIndex != ledgerIndex {
				t.Errorf("tx %d in ledger %d, tx 0 in %d", i, tx.LedgerIndex, ledgerIndex)
			}
			ledgerIndex = tx.LedgerIndex
		}
	})
}

func TestIssuedValues(t *testing.T) {
	l := startLedger(t, nil)
	c := dial(t, l.HTTPURL)
	ctx := testContext(t)
	issuer := fund(t, ctx, c, 50_000_000, secp)
	hot := fund(t, ctx, c, 20_000_000, ed25519)
	holder := fund(t, ctx, c, 20_000_000, secp)
	iss := issuer.ClassicAddress
	if _, err := c.SubmitAndWait(ctx, &transaction.AccountSet{SetFlag: transaction.AsfDefaultRipple}, issuer); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"hot", "holder"} {
		wallet := hot
		if w == "holder" {
			wallet = holder
		}
		trust := &transaction.TrustSet{LimitAmount: types.IssuedCurrencyAmount{Currency: "BXE", Issuer: iss, Value: "9999999999999999e80"}}
		if _, err := c.SubmitAndWait(ctx, trust, wallet); err != nil {
			t.Fatalf("%s TrustSet: %v", w, err)
		}
	}
	issue := func(to *transaction.Payment) (*xrpl.Transaction, error) { return c.SubmitAndWait(ctx, to, issuer) }
	amount := func(v string) types.IssuedCurrencyAmount {
		return types.IssuedCurrencyAmount{Currency: "BXE", Issuer: iss, Value: v}
	}
	for _, v := range []string{"1234567890.12345", "0.000001"} {
		tx, err := issue(&transaction.Payment{Destination: holder.ClassicAddress, Amount: amount(v)})
		if err != nil || tx.DeliveredAmount == nil || tx.DeliveredAmount.Value != v {
			t.Fatalf("issue %s: %+v, %v", v, tx, err)
		}
	}
	if _, err := issue(&transaction.Payment{Destination: hot.ClassicAddress, Amount: amount("500")}); err != nil {
		t.Fatal(err)
	}
	lines, err := c.AccountLines(ctx, holder.ClassicAddress.String(), iss.String())
	if err != nil || len(lines) != 1 || lines[0].Balance != "1234567890.123451" {
		t.Errorf("holder lines = %+v, %v; want balance 1234567890.123451", lines, err)
	}
	gb, err := c.GatewayBalances(ctx, iss.String(), hot.ClassicAddress.String())
	if err != nil {
		t.Fatal(err)
	}
	if gb.Obligations["BXE"] != "1234567890.123451" {
		t.Errorf("obligations = %v, want BXE 1234567890.123451 (hot wallet excluded)", gb.Obligations)
	}
	if hb := gb.Balances[hot.ClassicAddress.String()]; len(hb) != 1 || hb[0].Value != "500" || hb[0].Currency != "BXE" {
		t.Errorf("hot wallet balances = %+v, want 500 BXE", hb)
	}

	t.Run("ErrSeventeenDigits", func(t *testing.T) {
		_, err := c.Prepare(ctx, &transaction.Payment{Destination: holder.ClassicAddress, Amount: amount("1.2345678901234567")}, issuer)
		if banx.ErrorCode(err) != banx.EINVALID {
			t.Fatalf("17 significant digits: %v, want EINVALID before submission", err)
		}
	})
}
