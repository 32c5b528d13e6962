package payout_test

import (
	"context"
	"encoding/json"
	"errors"
	"math/big"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/amount"
	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/payout"
	"github.com/banxmedia/banx/internal/reward"
	"github.com/banxmedia/banx/internal/xrpl"
)

// TestPayoutEndToEnd plans two epochs from a real view ledger and pays them on
// the embedded ledger: an author without a trust line is deferred and paid the
// next epoch, a decliner gets nothing, a beneficiary split is honoured, and the
// ledger balances equal the plans exactly.
func TestPayoutEndToEnd(t *testing.T) {
	e := startEnv(t)
	ctx := testContext(t)
	dbPath := filepath.Join(t.TempDir(), "banx.db")
	db := openDB(t, dbPath)
	a1, a2 := e.dev.Authors[0].Address, e.dev.Authors[1].Address
	noLine := e.fund(t, false)
	decliner := e.fund(t, true)
	friend := e.fund(t, true)

	start := epochStart(t, 3)
	addViews(t, dbPath, 1, a1, 30, start)
	addViews(t, dbPath, 2, a1, 10, start.Add(time.Hour))
	addViews(t, dbPath, 3, a2, 20, start.Add(2*time.Hour))
	addViews(t, dbPath, 4, noLine.ClassicAddress.String(), 20, start.Add(3*time.Hour))
	addViews(t, dbPath, 5, decliner.ClassicAddress.String(), 50, start.Add(4*time.Hour))
	if err := db.SetDeclined(ctx, decliner.ClassicAddress.String(), true); err != nil {
		t.Fatal(err)
	}
	if err := db.SetBeneficiaries(ctx, a2, []reward.Share{{Account: a2, BasisPoints: 6000}, {Account: friend.ClassicAddress.String(), BasisPoints: 4000}}, 8); err != nil {
		t.Fatal(err)
	}

	pl := planner(t, db, e)
	plan, err := pl.PlanEpoch(ctx, 3, false)
	if err != nil {
		t.Fatal(err)
	}
	again, err := pl.PlanEpoch(ctx, 3, false)
	if err != nil || string(again.Marshal()) != string(plan.Marshal()) {
		t.Fatalf("second plan differs: %v", err)
	}
	dry, err := pl.PlanEpoch(ctx, 4, true)
	if banx.ErrorCode(err) != banx.ECONFLICT || dry != nil {
		t.Fatalf("epoch 4 planned before epoch 3 was paid: %v", err)
	}
	if plan.Views.Eligible != 80 || plan.Views.Declined != 50 || len(plan.Leaves) != 3 || plan.Totals.Payments != 4 {
		t.Fatalf("plan = %s", plan.Marshal())
	}

	before := map[string]*amount.IOU{}
	for _, a := range []string{a1, a2, friend.ClassicAddress.String(), decliner.ClassicAddress.String()} {
		before[a] = e.balance(t, a)
	}
	var progress []payout.Progress
	ex := &payout.Executor{Store: db, Ledger: e.client, Wallet: e.distribution(t), Currency: e.token.Currency, Issuer: e.token.Issuer,
		BatchSize: 3, Standalone: true, Progress: func(p payout.Progress) { progress = append(progress, p) }}
	ps, err := ex.Run(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]payout.Status{a1: payout.StatusPaid, a2: payout.StatusPaid, friend.ClassicAddress.String(): payout.StatusPaid, noLine.ClassicAddress.String(): payout.StatusDeferred}
	for _, p := range ps {
		if want[p.Account] != p.Status {
			t.Fatalf("payment %+v, want %s", p, want[p.Account])
		}
		if p.Status == payout.StatusDeferred && (p.Result != "tecPATH_DRY" || !strings.Contains(p.Reason, "trust line")) {
			t.Fatalf("deferred payment not explained: %+v", p)
		}
		if p.Status == payout.StatusPaid {
			if p.Delivered != p.Amount || p.Reason != "" {
				t.Fatalf("paid %+v", p)
			}
			got := e.balance(t, p.Account)
			delta, _ := amount.Sub(*got, *before[p.Account])
			if delta.Rat().Cmp(mustRat(t, p.Amount)) != 0 {
				t.Fatalf("%s received %s, plan says %s", p.Account, delta, p.Amount)
			}
			tx, err := e.client.Tx(ctx, p.TxHash)
			if err != nil || len(tx.Memos) != 1 || tx.Memos[0].Type != payout.MemoType {
				t.Fatalf("tx %v memos %+v", err, tx)
			}
			var m payout.Memo
			if err := json.Unmarshal(tx.Memos[0].Data, &m); err != nil || m.Root != plan.Root || m.Epoch != 3 || m.Author == "" {
				t.Fatalf("memo = %+v (%v), root %s", m, err, plan.Root)
			}
		}
	}
	if b := e.balance(t, decliner.ClassicAddress.String()); !b.IsZero() {
		t.Fatalf("decliner was paid %s", b)
	}
	if last := progress[len(progress)-1]; last.Paid != 3 || last.Deferred != 1 || last.Pending+last.InFlight != 0 {
		t.Fatalf("progress = %+v", last)
	}
	// A second run finds nothing to do.
	ps2, err := ex.Run(ctx, 3)
	if err != nil || statusCount(ps2) != statusCount(ps) {
		t.Fatalf("second run: %v %s", err, statusCount(ps2))
	}

	// The author adds a trust line; epoch 4 pays the deferred amount on top.
	if _, err := e.token.AddTrustLine(ctx, noLine); err != nil {
		t.Fatal(err)
	}
	addViews(t, dbPath, 4, noLine.ClassicAddress.String(), 1, epochStart(t, 4))
	plan4, err := pl.PlanEpoch(ctx, 4, false)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _, ok := plan4.Leaf(noLine.ClassicAddress.String())
	var deferred string
	for _, p := range ps {
		if p.Status == payout.StatusDeferred {
			deferred = p.Amount
		}
	}
	if !ok || leaf.CarryIn != deferred || leaf.Share != plan4.Pool.Allocated {
		t.Fatalf("leaf = %+v, deferred %s", leaf, deferred)
	}
	if plan4.Pool.Rollover != plan.Pool.Unallocated {
		t.Fatalf("rollover %s != previous unallocated %s", plan4.Pool.Rollover, plan.Pool.Unallocated)
	}
	if _, err := ex.Run(ctx, 4); err != nil {
		t.Fatal(err)
	}
	if got := e.balance(t, noLine.ClassicAddress.String()); got.Rat().Cmp(mustRat(t, leaf.Amount)) != 0 {
		t.Fatalf("balance %s, leaf amount %s", got, leaf.Amount)
	}

	t.Run("OKProof", func(t *testing.T) {
		proof, err := pl.Proof(ctx, 3, a1)
		if err != nil {
			t.Fatal(err)
		}
		if err := proof.Verify(); err != nil || proof.Root != plan.Root {
			t.Fatalf("proof %+v: %v", proof, err)
		}
		if _, err := pl.Proof(ctx, 3, decliner.ClassicAddress.String()); banx.ErrorCode(err) != banx.ENOTFOUND {
			t.Fatalf("decliner proof: %v", err)
		}
		if _, err := pl.Proof(ctx, 9, a1); banx.ErrorCode(err) != banx.ENOTFOUND {
			t.Fatalf("unplanned epoch proof: %v", err)
		}
	})
	t.Run("ErrOtherToken", func(t *testing.T) {
		other := &payout.Executor{Store: db, Ledger: e.client, Wallet: e.distribution(t), Currency: e.token.Currency, Issuer: a1, Network: "testnet"}
		if _, err := other.Run(ctx, 3); banx.ErrorCode(err) != banx.ECONFLICT || !strings.Contains(err.Error(), "was planned for BXE") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrNotClosed", func(t *testing.T) {
		pl2 := *pl
		pl2.Now = func() time.Time { return epochStart(t, 5).Add(time.Hour) }
		if _, err := pl2.PlanEpoch(ctx, 5, false); banx.ErrorCode(err) != banx.ECONFLICT || !strings.Contains(err.Error(), "cannot be planned before") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrSkipEpoch", func(t *testing.T) {
		if _, err := pl.PlanEpoch(ctx, 7, false); banx.ErrorCode(err) != banx.ECONFLICT || !strings.Contains(err.Error(), "plan epoch 5 first") {
			t.Fatalf("err = %v", err)
		}
	})
}

func mustRat(t testing.TB, s string) *big.Rat {
	t.Helper()
	r, err := reward.ParseDecimal(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// shortHistory is a real node that claims to keep only its newest ledgers, as
// a pruned rippled does.
type shortHistory struct{ *xrpl.Client }

func (s shortHistory) ServerInfo(ctx context.Context) (xrpl.ServerInfo, error) {
	info, err := s.Client.ServerInfo(ctx)
	info.Ledgers.Min = info.Ledgers.Max - 2
	return info, err
}

// TestExpiryNeedsHistory checks that a payment is re-signed only when the node
// can prove it never applied: signed blobs that were never submitted and whose
// LastLedgerSequence has passed stay in flight on a node with a short history.
func TestExpiryNeedsHistory(t *testing.T) {
	e := startEnv(t)
	ctx := testContext(t)
	dbPath := filepath.Join(t.TempDir(), "banx.db")
	db := openDB(t, dbPath)
	addViews(t, dbPath, 1, e.dev.Authors[0].Address, 3, epochStart(t, 3))
	if _, err := planner(t, db, e).PlanEpoch(ctx, 3, false); err != nil {
		t.Fatal(err)
	}
	stop := errors.New("stop after signing")
	ex := &payout.Executor{Store: db, Ledger: e.client, Wallet: e.distribution(t), Currency: e.token.Currency, Issuer: e.token.Issuer,
		Standalone: true, Hook: func(b string) {
			if b == payout.BoundarySigned {
				panic(stop)
			}
		}}
	func() {
		defer func() {
			if r := recover(); r != stop {
				t.Fatalf("recovered %v", r)
			}
		}()
		ex.Run(ctx, 3)
	}()
	for range xrpl.DefaultLedgerOffset + 2 {
		if _, err := e.ledger.Accept(); err != nil {
			t.Fatal(err)
		}
	}
	ex.Hook, ex.Ledger = nil, shortHistory{e.client}
	_, err := ex.Run(ctx, 3)
	if banx.ErrorCode(err) != banx.EUNAVAILABLE || !strings.Contains(err.Error(), "cannot prove") {
		t.Fatalf("err = %v", err)
	}
	ps, _ := db.Payouts(ctx, 3)
	if ps[0].Status != payout.StatusSigned || ps[0].Attempt != 1 {
		t.Fatalf("payment re-signed on a node without the history: %+v", ps[0])
	}
	ex.Ledger = e.client
	if ps, err = ex.Run(ctx, 3); err != nil || ps[0].Status != payout.StatusPaid || ps[0].Attempt != 2 {
		t.Fatalf("with full history: %v %+v", err, ps)
	}
}
