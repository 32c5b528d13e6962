package payout

import (
	"context"
	"math/big"
	"time"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/reward"
)

// Planner closes epochs: it gathers a plan's inputs from the store and the
// previous epoch's outcome, and stores the plan with its payments.
type Planner struct {
	Store    Store
	Policy   reward.Policy
	Network  string
	Currency string
	Issuer   string
	// Now is the clock that says whether an epoch is over; tests fix it.
	Now func() time.Time
}

// PlanEpoch closes epoch and returns its plan. A stored plan is returned as
// stored, so asking twice gives the same bytes. Otherwise the epoch must be
// over, and follow the last planned epoch directly, whose payments must all be
// final (their undelivered amounts are this epoch's carries). With dryRun the
// plan is computed from the same inputs but not stored.
func (pl *Planner) PlanEpoch(ctx context.Context, epoch uint64, dryRun bool) (*reward.Plan, error) {
	if epoch > reward.MaxEpoch {
		return nil, banx.Errorf(banx.EINVALID, "epoch %d is beyond %d", epoch, reward.MaxEpoch)
	}
	if rec, err := pl.Store.Plan(ctx, epoch); err == nil {
		return reward.ParsePlan(rec.Document)
	} else if banx.ErrorCode(err) != banx.ENOTFOUND {
		return nil, err
	}
	_, end := pl.Policy.Epoch(epoch)
	if now := pl.now(); now.Before(end) {
		return nil, banx.Errorf(banx.ECONFLICT, "epoch %d ends at %s: it cannot be planned before then (now %s)", epoch, end.Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	in, err := pl.Inputs(ctx, epoch)
	if err != nil {
		return nil, err
	}
	plan, err := reward.ComputePlan(in)
	if err != nil {
		return nil, err
	}
	if dryRun {
		return plan, nil
	}
	doc := plan.Marshal()
	var payouts []Payout
	for _, l := range plan.Leaves {
		for _, p := range l.Payments {
			payouts = append(payouts, Payout{Epoch: epoch, Author: l.Author, Account: p.Account, Amount: p.Amount})
		}
	}
	if err := pl.Store.SavePlan(ctx, PlanRecord{Epoch: epoch, Network: plan.Network, Root: plan.Root, Document: doc}, payouts); err != nil {
		return nil, err
	}
	return plan, nil
}

// firstEpochWithViews finds the earliest epoch before before that holds a
// counted view, by halving the span of epochs (a few range queries, and only
// for a database's first plan).
func (pl *Planner) firstEpochWithViews(ctx context.Context, before uint64) (uint64, bool, error) {
	startOf := func(e uint64) time.Time { s, _ := pl.Policy.Epoch(e); return s }
	hasViews := func(lo, hi uint64) (bool, error) { // views in epochs [lo, hi)
		v, err := pl.Store.EpochViews(ctx, startOf(lo), startOf(hi))
		return len(v) > 0, err
	}
	if ok, err := hasViews(0, before); err != nil || !ok {
		return 0, false, err
	}
	lo, hi := uint64(0), before
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		ok, err := hasViews(lo, mid)
		if err != nil {
			return 0, false, err
		}
		if ok {
			hi = mid
		} else {
			lo = mid
		}
	}
	return lo, true, nil
}

// Inputs gathers everything epoch's plan depends on.
func (pl *Planner) Inputs(ctx context.Context, epoch uint64) (reward.Input, error) {
	in := reward.Input{Network: pl.Network, Epoch: epoch, Currency: pl.Currency, Issuer: pl.Issuer, Policy: pl.Policy}
	last, err := pl.Store.LastPlan(ctx)
	switch {
	case banx.ErrorCode(err) == banx.ENOTFOUND:
		// The first plan of this database: nothing carried, nothing rolled
		// over. Epochs are planned in order, so a first plan after an epoch
		// with counted views would leave those views unpaid for good.
		first, found, err := pl.firstEpochWithViews(ctx, epoch)
		if err != nil {
			return in, err
		}
		if found {
			return in, banx.Errorf(banx.ECONFLICT, "plan epoch %d first: it holds the first counted views, and epochs are planned in order (a first plan of epoch %d would leave them unpaid)", first, epoch)
		}
	case err != nil:
		return in, err
	case last.Epoch >= epoch:
		return in, banx.Errorf(banx.ECONFLICT, "epoch %d is before the last planned epoch %d and was never planned: epochs are planned in order", epoch, last.Epoch)
	case last.Epoch+1 != epoch:
		return in, banx.Errorf(banx.ECONFLICT, "plan epoch %d first: epochs are planned in order, and the last planned one is %d", last.Epoch+1, last.Epoch)
	default:
		prev, err := reward.ParsePlan(last.Document)
		if err != nil {
			return in, banx.Wrap(banx.EINTERNAL, err, "stored plan of epoch %d", last.Epoch)
		}
		carry, err := pl.carry(ctx, prev)
		if err != nil {
			return in, err
		}
		in.CarryIn, in.Rollover = carry, prev.Pool.Unallocated
	}
	start, end := pl.Policy.Epoch(epoch)
	if in.Views, err = pl.Store.EpochViews(ctx, start, end); err != nil {
		return in, err
	}
	if in.Declined, err = pl.Store.DeclinedAuthors(ctx); err != nil {
		return in, err
	}
	if in.Beneficiaries, err = pl.Store.AllBeneficiaries(ctx); err != nil {
		return in, err
	}
	return in, nil
}

// carry is what each account carries out of prev: the plan's own carries
// plus whatever its payments did not deliver. An undelivered payment is
// carried for the account it was for: a beneficiary's share stays the
// beneficiary's (a carry-only leaf of its own next epoch) rather than going
// back through the author's split, which would hand part of it to the author.
// Every payment of prev must be final, or an amount could be both carried and
// later paid.
func (pl *Planner) carry(ctx context.Context, prev *reward.Plan) (map[string]string, error) {
	sums := map[string]*big.Rat{}
	for a, v := range prev.CarryOut() {
		r, err := reward.ParseDecimal(v)
		if err != nil {
			return nil, banx.Wrap(banx.EINTERNAL, err, "carry of %s in epoch %d", a, prev.Epoch)
		}
		sums[a] = r
	}
	payouts, err := pl.Store.Payouts(ctx, prev.Epoch)
	if err != nil {
		return nil, err
	}
	for _, p := range payouts {
		if !p.Status.Final() {
			return nil, banx.Errorf(banx.ECONFLICT, "epoch %d still has payments that are not final (payment %d is %s): run `banx payout run --epoch %d` first", prev.Epoch, p.ID, p.Status, prev.Epoch)
		}
		owed, err := undelivered(p)
		if err != nil {
			return nil, err
		}
		if owed.Sign() > 0 {
			if sums[p.Account] == nil {
				sums[p.Account] = new(big.Rat)
			}
			sums[p.Account].Add(sums[p.Account], owed)
		}
	}
	out := make(map[string]string, len(sums))
	for a, r := range sums {
		if r.Sign() > 0 {
			out[a] = reward.FormatDecimal(r)
		}
	}
	return out, nil
}

// undelivered is what a final payment still owes its author: all of it unless
// paid, and for a paid one the part delivered_amount falls short of, if any.
func undelivered(p Payout) (*big.Rat, error) {
	amt, err := reward.ParseDecimal(p.Amount)
	if err != nil {
		return nil, banx.Wrap(banx.EINTERNAL, err, "payment %d amount", p.ID)
	}
	if p.Status != StatusPaid {
		return amt, nil
	}
	got, err := ratOf(p.Delivered)
	if err != nil {
		return nil, err
	}
	if got.Cmp(amt) >= 0 {
		return new(big.Rat), nil
	}
	return amt.Sub(amt, got), nil
}

func (pl *Planner) now() time.Time {
	if pl.Now != nil {
		return pl.Now()
	}
	return time.Now()
}

// Proof returns author's inclusion proof in epoch's stored plan.
func (pl *Planner) Proof(ctx context.Context, epoch uint64, author string) (reward.LeafProof, error) {
	if err := checkAddress("author", author); err != nil {
		return reward.LeafProof{}, err
	}
	rec, err := pl.Store.Plan(ctx, epoch)
	if err != nil {
		return reward.LeafProof{}, err
	}
	plan, err := reward.ParsePlan(rec.Document)
	if err != nil {
		return reward.LeafProof{}, banx.Wrap(banx.EINTERNAL, err, "stored plan of epoch %d", epoch)
	}
	return plan.Proof(author)
}
