package payout_test

import (
	"path/filepath"
	"testing"

	"github.com/banxmedia/banx/internal/payout"
	"github.com/banxmedia/banx/internal/reward"
)

// TestBeneficiaryShareCarried checks QA finding F41's money: a beneficiary
// that cannot receive (no trust line) has its share deferred and carried as
// its own, and once it adds a trust line the next epoch pays it all of that
// share; none of it goes back through the author's split to the author.
func TestBeneficiaryShareCarried(t *testing.T) {
	e := startEnv(t)
	ctx := testContext(t)
	dbPath := filepath.Join(t.TempDir(), "banx.db")
	db := openDB(t, dbPath)
	a1, a2 := e.dev.Authors[0].Address, e.dev.Authors[1].Address
	ben := e.fund(t, false)
	benAddr := ben.ClassicAddress.String()
	if err := db.SetBeneficiaries(ctx, a1, []reward.Share{{Account: a1, BasisPoints: 5000}, {Account: benAddr, BasisPoints: 5000}}, 8); err != nil {
		t.Fatal(err)
	}
	addViews(t, dbPath, 1, a1, 10, epochStart(t, 3))
	pl := planner(t, db, e)
	if _, err := pl.PlanEpoch(ctx, 3, false); err != nil {
		t.Fatal(err)
	}
	ex := &payout.Executor{Store: db, Ledger: e.client, Wallet: e.distribution(t), Currency: e.token.Currency, Issuer: e.token.Issuer, Standalone: true}
	ps, err := ex.Run(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	var deferred string
	for _, p := range ps {
		switch {
		case p.Account == benAddr && p.Status == payout.StatusDeferred:
			deferred = p.Amount
		case p.Account == a1 && p.Status == payout.StatusPaid:
		default:
			t.Fatalf("epoch 3 payment %+v", p)
		}
	}
	if deferred == "" {
		t.Fatalf("the beneficiary's payment was not deferred: %+v", ps)
	}

	// The beneficiary adds its trust line; epoch 4 has views of another
	// author only, so a1 earns nothing new.
	if _, err := e.token.AddTrustLine(ctx, ben); err != nil {
		t.Fatal(err)
	}
	a1Before := e.balance(t, a1)
	addViews(t, dbPath, 2, a2, 5, epochStart(t, 4))
	plan4, err := pl.PlanEpoch(ctx, 4, false)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _, ok := plan4.Leaf(benAddr)
	if !ok || leaf.CarryIn != deferred || leaf.Amount != deferred {
		t.Fatalf("beneficiary's leaf = %+v (found %v), deferred %s", leaf, ok, deferred)
	}
	if l, _, ok := plan4.Leaf(a1); ok {
		t.Fatalf("the author has a leaf in epoch 4 without views: %+v", l)
	}
	if _, err := ex.Run(ctx, 4); err != nil {
		t.Fatal(err)
	}
	if got := e.balance(t, benAddr); got.Rat().Cmp(mustRat(t, deferred)) != 0 {
		t.Fatalf("beneficiary holds %s, its deferred share was %s", got, deferred)
	}
	if got := e.balance(t, a1); got.Rat().Cmp(a1Before.Rat()) != 0 {
		t.Fatalf("the author received %s -> %s in epoch 4", a1Before, got)
	}
}
