package reward_test

import (
	"bytes"
	"crypto/sha256"
	"flag"
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	addresscodec "github.com/Peersyst/xrpl-go/address-codec"

	"github.com/banxmedia/banx/contracts"
	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/reward"
)

var update = flag.Bool("update", false, "rewrite the golden plans under contracts/testdata/plan")

// addr returns a deterministic, valid classic address for test account i.
func addr(i int) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("banx reward test account %d", i)))
	a, err := addresscodec.EncodeAccountIDToClassicAddress(h[:20])
	if err != nil {
		panic(err)
	}
	return a
}

var issuer = addr(1000)

// policy returns the published policy with edits applied to its JSON.
func policy(t testing.TB, edits ...string) reward.Policy {
	t.Helper()
	doc := string(contracts.RewardPolicyJSON)
	for i := 0; i+1 < len(edits); i += 2 {
		n := strings.Replace(doc, edits[i], edits[i+1], 1)
		if n == doc && edits[i] != edits[i+1] {
			t.Fatalf("policy edit %q not applied", edits[i])
		}
		doc = n
	}
	p, err := reward.ParsePolicy([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func input(p reward.Policy, views ...reward.ArticleViews) reward.Input {
	return reward.Input{Network: "embedded", Epoch: 3, Currency: "BXE", Issuer: issuer, Policy: p, Views: views}
}

func compute(t *testing.T, in reward.Input) *reward.Plan {
	t.Helper()
	p, err := reward.ComputePlan(in)
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, in, p)
	return p
}

func rat(t testing.TB, s string) *big.Rat {
	t.Helper()
	r, err := reward.ParseDecimal(s)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return r
}

// checkInvariants asserts the accounting every plan must satisfy: nothing paid
// beyond the pool plus what was carried in, nothing lost, every amount within 15
// significant digits, every proof valid.
func checkInvariants(t *testing.T, in reward.Input, p *reward.Plan) {
	t.Helper()
	avail := rat(t, p.Pool.Available)
	if rat(t, p.Pool.Allocated).Cmp(avail) > 0 {
		t.Fatalf("allocated %s > available %s", p.Pool.Allocated, p.Pool.Available)
	}
	sum := new(big.Rat).Add(rat(t, p.Pool.Allocated), rat(t, p.Pool.Unallocated))
	if sum.Cmp(avail) != 0 {
		t.Fatalf("allocated + unallocated = %s != available %s", sum.RatString(), p.Pool.Available)
	}
	paid, carryIn, carryOut, alloc := new(big.Rat), new(big.Rat), new(big.Rat), new(big.Rat)
	for i, l := range p.Leaves {
		if i > 0 && p.Leaves[i-1].Author >= l.Author {
			t.Fatalf("leaves not sorted at %d", i)
		}
		amt := new(big.Rat)
		for _, pay := range l.Payments {
			r := rat(t, pay.Amount)
			if r.Sign() <= 0 {
				t.Fatalf("payment %+v is not positive", pay)
			}
			digits := strings.Trim(strings.Replace(pay.Amount, ".", "", 1), "0")
			if len(digits) > 15 {
				t.Fatalf("payment %s has %d significant digits", pay.Amount, len(digits))
			}
			if r.Cmp(in.Policy.MinimumPayout) < 0 {
				t.Fatalf("payment %s under the minimum", pay.Amount)
			}
			amt.Add(amt, r)
		}
		if amt.Cmp(rat(t, l.Amount)) != 0 {
			t.Fatalf("leaf %s: payments sum %s != amount %s", l.Author, amt.RatString(), l.Amount)
		}
		lhs := new(big.Rat).Add(rat(t, l.Share), rat(t, l.CarryIn))
		rhs := new(big.Rat).Add(rat(t, l.Amount), rat(t, l.CarryOut))
		if lhs.Cmp(rhs) != 0 {
			t.Fatalf("leaf %s: share+carry_in %s != amount+carry_out %s", l.Author, lhs.RatString(), rhs.RatString())
		}
		paid.Add(paid, amt)
		carryIn.Add(carryIn, rat(t, l.CarryIn))
		carryOut.Add(carryOut, rat(t, l.CarryOut))
		alloc.Add(alloc, rat(t, l.Share))
		proof, err := p.Proof(l.Author)
		if err != nil {
			t.Fatal(err)
		}
		if err := proof.Verify(); err != nil {
			t.Fatalf("proof of %s: %v", l.Author, err)
		}
	}
	if alloc.Cmp(rat(t, p.Pool.Allocated)) != 0 || paid.Cmp(rat(t, p.Totals.Paid)) != 0 ||
		carryIn.Cmp(rat(t, p.Totals.CarryIn)) != 0 || carryOut.Cmp(rat(t, p.Totals.CarryOut)) != 0 {
		t.Fatalf("totals %+v disagree with the leaves", p.Totals)
	}
	if paid.Cmp(new(big.Rat).Add(avail, carryIn)) > 0 {
		t.Fatalf("paid %s exceeds pool %s + carried %s", p.Totals.Paid, p.Pool.Available, p.Totals.CarryIn)
	}
	if _, err := reward.ParsePlan(p.Marshal()); err != nil {
		t.Fatalf("plan does not parse back: %v", err)
	}
}

// goldenInput is the plan the golden file pins: three authors, caps that bind,
// a beneficiary split, a decliner, a carry in and a rollover.
func goldenInput(t testing.TB) reward.Input {
	p := policy(t, `"perArticleCap": "5000"`, `"perArticleCap": "40000"`, `"perAuthorCap": "20000"`, `"perAuthorCap": "50000"`)
	in := input(p,
		reward.ArticleViews{Author: addr(1), ArticleID: 11, Views: 700},
		reward.ArticleViews{Author: addr(1), ArticleID: 12, Views: 300},
		reward.ArticleViews{Author: addr(2), ArticleID: 21, Views: 333},
		reward.ArticleViews{Author: addr(3), ArticleID: 31, Views: 1},
		reward.ArticleViews{Author: addr(4), ArticleID: 41, Views: 500},
	)
	in.Declined = []string{addr(4)}
	in.Beneficiaries = map[string][]reward.Share{addr(2): {{Account: addr(2), BasisPoints: 7500}, {Account: addr(5), BasisPoints: 2500}}}
	in.CarryIn = map[string]string{addr(3): "0.004", addr(6): "0.5"}
	in.Rollover = "0.000000000001"
	return in
}

func TestPlanGolden(t *testing.T) {
	in := goldenInput(t)
	a := compute(t, in)
	// Reverse the input rows: the plan must not depend on their order.
	rev := goldenInput(t)
	for i, j := 0, len(rev.Views)-1; i < j; i, j = i+1, j-1 {
		rev.Views[i], rev.Views[j] = rev.Views[j], rev.Views[i]
	}
	b := compute(t, rev)
	if !bytes.Equal(a.Marshal(), b.Marshal()) || a.Root != b.Root {
		t.Fatal("the same input in another order gave another plan")
	}
	path := filepath.Join("..", "..", "contracts", "testdata", "plan", "golden.json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, a.Marshal(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/reward -run TestPlanGolden -update)", err)
	}
	if !bytes.Equal(a.Marshal(), want) {
		t.Fatalf("plan differs from %s (rerun with -update if the change is intended):\n%s", path, a.Marshal())
	}
	if len(a.Leaves) != 4 || len(a.Declined) != 1 || a.Views.Declined != 500 || a.Views.Eligible != 1334 {
		t.Fatalf("unexpected shape: %d leaves, declined %+v, views %+v", len(a.Leaves), a.Declined, a.Views)
	}
}

func TestPlanSplit(t *testing.T) {
	t.Run("OKProportional", func(t *testing.T) {
		p := compute(t, input(policy(t), reward.ArticleViews{Author: addr(1), ArticleID: 1, Views: 1}, reward.ArticleViews{Author: addr(2), ArticleID: 2, Views: 3}))
		if p.Leaves[0].Amount != "5000" && p.Leaves[1].Amount != "5000" {
			t.Fatalf("article cap 5000 should bind: %+v", p.Leaves)
		}
	})
	t.Run("OKThirds", func(t *testing.T) {
		p := compute(t, input(policy(t, `"perArticleCap": "5000",`, `"perArticleCap": "",`, `"perAuthorCap": "20000",`, `"perAuthorCap": "",`),
			reward.ArticleViews{Author: addr(1), ArticleID: 1, Views: 1},
			reward.ArticleViews{Author: addr(2), ArticleID: 2, Views: 1},
			reward.ArticleViews{Author: addr(3), ArticleID: 3, Views: 1}))
		for _, l := range p.Leaves {
			if l.Share != "33333.3333333333" {
				t.Fatalf("share = %s, want 33333.3333333333 (15 digits, rounded down)", l.Share)
			}
		}
		if p.Pool.Unallocated != "0.0000000001" || p.Pool.ValuePerView != "100000/3" {
			t.Fatalf("pool = %+v", p.Pool)
		}
	})
	t.Run("OKRatePerView", func(t *testing.T) {
		p := compute(t, input(policy(t, `"ratePerView": ""`, `"ratePerView": "0.25"`), reward.ArticleViews{Author: addr(1), ArticleID: 1, Views: 1000}))
		if p.Leaves[0].Amount != "250" || p.Pool.Unallocated != "99750" {
			t.Fatalf("leaf %+v pool %+v", p.Leaves[0], p.Pool)
		}
		// A rate the pool cannot honour is scaled down to the pool.
		p = compute(t, input(policy(t, `"ratePerView": ""`, `"ratePerView": "1000"`, `"perArticleCap": "5000",`, `"perArticleCap": "",`, `"perAuthorCap": "20000",`, `"perAuthorCap": "",`),
			reward.ArticleViews{Author: addr(1), ArticleID: 1, Views: 1000}))
		if p.Leaves[0].Amount != "100000" || p.Pool.Unallocated != "0" {
			t.Fatalf("leaf %+v pool %+v", p.Leaves[0], p.Pool)
		}
	})
	t.Run("OKAuthorCap", func(t *testing.T) {
		var rows []reward.ArticleViews
		for i := range 10 {
			rows = append(rows, reward.ArticleViews{Author: addr(1), ArticleID: int64(i + 1), Views: 100})
		}
		p := compute(t, input(policy(t), rows...))
		if p.Leaves[0].Share != "20000" || !p.Leaves[0].Capped || p.Totals.CappedAuthors != 1 || p.Totals.CappedArticles != 10 {
			t.Fatalf("leaf %+v totals %+v", p.Leaves[0], p.Totals)
		}
		if p.Pool.Unallocated != "80000" {
			t.Fatalf("capped excess must stay in the pool: %+v", p.Pool)
		}
	})
	t.Run("OKNoViews", func(t *testing.T) {
		in := input(policy(t))
		in.Rollover = "12.5"
		p := compute(t, in)
		if len(p.Leaves) != 0 || p.Pool.Unallocated != "100012.5" || p.Root != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
			t.Fatalf("plan = %s", p.Marshal())
		}
	})
}

func TestPlanDecimalEdges(t *testing.T) {
	t.Run("OKTinyPool", func(t *testing.T) {
		p := compute(t, input(policy(t, `"poolPerEpoch": "100000"`, `"poolPerEpoch": "0.000001"`, `"minimumPayout": "0.01"`, `"minimumPayout": "0"`),
			reward.ArticleViews{Author: addr(1), ArticleID: 1, Views: 1},
			reward.ArticleViews{Author: addr(2), ArticleID: 2, Views: 2}))
		if p.Leaves[0].Amount != "0.000000333333333333333" || p.Leaves[1].Amount != "0.000000666666666666666" {
			t.Fatalf("leaves = %+v", p.Leaves)
		}
		if p.Pool.Unallocated != "0.000000000000000000001" {
			t.Fatalf("dust = %s", p.Pool.Unallocated)
		}
	})
	t.Run("OKTinyPoolUnderMinimum", func(t *testing.T) {
		p := compute(t, input(policy(t, `"poolPerEpoch": "100000"`, `"poolPerEpoch": "0.000001"`),
			reward.ArticleViews{Author: addr(1), ArticleID: 1, Views: 1}))
		l := p.Leaves[0]
		if l.Amount != "0" || len(l.Payments) != 0 || l.CarryOut != "0.000001" {
			t.Fatalf("under the minimum the whole share is carried: %+v", l)
		}
		// Next epoch the carry plus a new share passes the minimum.
		in := input(policy(t, `"poolPerEpoch": "100000"`, `"poolPerEpoch": "0.01"`), reward.ArticleViews{Author: addr(1), ArticleID: 1, Views: 1})
		in.CarryIn = p.CarryOut()
		p2 := compute(t, in)
		if p2.Leaves[0].Amount != "0.010001" || p2.Leaves[0].CarryOut != "0" {
			t.Fatalf("leaf = %+v", p2.Leaves[0])
		}
	})
	t.Run("OKHugeViewCounts", func(t *testing.T) {
		const big = 1 << 61
		p := compute(t, input(policy(t, `"perArticleCap": "5000",`, `"perArticleCap": "",`, `"perAuthorCap": "20000",`, `"perAuthorCap": "",`, `"minimumPayout": "0.01"`, `"minimumPayout": "0"`),
			reward.ArticleViews{Author: addr(1), ArticleID: 1, Views: big},
			reward.ArticleViews{Author: addr(2), ArticleID: 2, Views: big + 1},
			reward.ArticleViews{Author: addr(3), ArticleID: 3, Views: 1}))
		if p.Views.Counted != 2*big+2 {
			t.Fatalf("counted = %d", p.Views.Counted)
		}
		if p.Leaves[0].Amount != "49999.9999999999" {
			t.Fatalf("leaf 0 = %+v", p.Leaves[0])
		}
	})
	t.Run("OK15Digits", func(t *testing.T) {
		p := compute(t, input(policy(t, `"poolPerEpoch": "100000"`, `"poolPerEpoch": "999999999999999"`, `"perArticleCap": "5000",`, `"perArticleCap": "",`, `"perAuthorCap": "20000",`, `"perAuthorCap": "",`),
			reward.ArticleViews{Author: addr(1), ArticleID: 1, Views: 2},
			reward.ArticleViews{Author: addr(2), ArticleID: 2, Views: 1}))
		if p.Leaves[0].Amount != "666666666666666" || p.Leaves[1].Amount != "333333333333333" || p.Pool.Unallocated != "0" {
			t.Fatalf("plan = %s", p.Marshal())
		}
	})
	t.Run("ErrViewsOverflow", func(t *testing.T) {
		_, err := reward.ComputePlan(input(policy(t),
			reward.ArticleViews{Author: addr(1), ArticleID: 1, Views: 1 << 62},
			reward.ArticleViews{Author: addr(1), ArticleID: 2, Views: 1 << 62}))
		if banx.ErrorCode(err) != banx.EINVALID || !strings.Contains(err.Error(), "overflow") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestPlanDeclined(t *testing.T) {
	in := input(policy(t, `"perArticleCap": "5000",`, `"perArticleCap": "",`, `"perAuthorCap": "20000",`, `"perAuthorCap": "",`),
		reward.ArticleViews{Author: addr(1), ArticleID: 1, Views: 10},
		reward.ArticleViews{Author: addr(2), ArticleID: 2, Views: 30})
	in.Declined = []string{addr(2)}
	in.CarryIn = map[string]string{addr(2): "7"}
	p := compute(t, in)
	if len(p.Leaves) != 1 || p.Leaves[0].Author != addr(1) || p.Leaves[0].Amount != "100000" {
		t.Fatalf("the decliner's share must return to the pool: %s", p.Marshal())
	}
	if p.CarryOut()[addr(2)] != "7" {
		t.Fatalf("a decliner's carry stays owed: %v", p.CarryOut())
	}
	if _, err := p.Proof(addr(2)); banx.ErrorCode(err) != banx.ENOTFOUND {
		t.Fatalf("proof of a decliner: %v", err)
	}
}

func TestPlanBeneficiaries(t *testing.T) {
	views := reward.ArticleViews{Author: addr(1), ArticleID: 1, Views: 10}
	tests := []struct {
		name   string
		shares []reward.Share
		reason string
	}{
		{"OKThree", []reward.Share{{addr(1), 3334}, {addr(2), 3333}, {addr(3), 3333}}, ""},
		{"OKOther", []reward.Share{{addr(9), 10000}}, ""},
		{"ErrUnder", []reward.Share{{addr(1), 5000}, {addr(2), 4999}}, "sum to 9999"},
		{"ErrOver", []reward.Share{{addr(1), 5000}, {addr(2), 5001}}, "sum to 10001"},
		{"ErrZero", []reward.Share{{addr(1), 10000}, {addr(2), 0}}, "0 basis points"},
		{"ErrDuplicate", []reward.Share{{addr(1), 5000}, {addr(1), 5000}}, "appears twice"},
		{"ErrAddress", []reward.Share{{"rNOPE", 10000}}, "not a classic XRPL address"},
		{"ErrEmpty", []reward.Share{}, "at least one"},
		{"ErrTooMany", []reward.Share{{addr(1), 1000}, {addr(2), 1000}, {addr(3), 1000}, {addr(4), 1000}, {addr(5), 1000}, {addr(6), 1000}, {addr(7), 1000}, {addr(8), 1000}, {addr(9), 2000}}, "at most 8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := input(policy(t), views)
			in.Beneficiaries = map[string][]reward.Share{addr(1): tc.shares}
			p, err := reward.ComputePlan(in)
			if tc.reason != "" {
				if banx.ErrorCode(err) != banx.EINVALID || !strings.Contains(err.Error(), tc.reason) {
					t.Fatalf("err = %v, want %q", err, tc.reason)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkInvariants(t, in, p)
			if len(p.Leaves[0].Payments) != len(tc.shares) {
				t.Fatalf("payments = %+v", p.Leaves[0].Payments)
			}
		})
	}
}

func TestPlanBadInput(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*reward.Input)
		reason string
	}{
		{"ErrZeroViews", func(in *reward.Input) { in.Views = []reward.ArticleViews{{Author: addr(1), ArticleID: 1, Views: 0}} }, "must be positive"},
		{"ErrTwoAuthors", func(in *reward.Input) {
			in.Views = []reward.ArticleViews{{Author: addr(1), ArticleID: 1, Views: 1}, {Author: addr(2), ArticleID: 1, Views: 1}}
		}, "two authors"},
		{"ErrTwice", func(in *reward.Input) {
			in.Views = []reward.ArticleViews{{Author: addr(1), ArticleID: 1, Views: 1}, {Author: addr(1), ArticleID: 1, Views: 1}}
		}, "twice"},
		{"ErrAuthor", func(in *reward.Input) { in.Views = []reward.ArticleViews{{Author: "bob", ArticleID: 1, Views: 1}} }, "not a classic"},
		{"ErrCarry", func(in *reward.Input) { in.CarryIn = map[string]string{addr(1): "1e-3"} }, "plain"},
		{"ErrRollover", func(in *reward.Input) { in.Rollover = "-1" }, "plain"},
		{"ErrIssuer", func(in *reward.Input) { in.Issuer = "" }, "issuer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := input(policy(t))
			tc.edit(&in)
			_, err := reward.ComputePlan(in)
			if banx.ErrorCode(err) != banx.EINVALID || !strings.Contains(err.Error(), tc.reason) {
				t.Fatalf("err = %v, want %q", err, tc.reason)
			}
		})
	}
}

// TestPlanRandom checks the invariants on many random epochs.
func TestPlanRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	pools := []string{"100000", "0.000001", "1", "999999999999999", "12345.6789"}
	for trial := range 200 {
		p := policy(t, `"poolPerEpoch": "100000"`, `"poolPerEpoch": "`+pools[trial%len(pools)]+`"`)
		var rows []reward.ArticleViews
		for a := range 1 + r.IntN(8) {
			for range 1 + r.IntN(4) {
				rows = append(rows, reward.ArticleViews{Author: addr(a), ArticleID: int64(len(rows) + 1), Views: 1 + r.Int64N(1_000_000)})
			}
		}
		in := input(p, rows...)
		if r.IntN(3) == 0 {
			in.Declined = []string{addr(0)}
		}
		in.CarryIn = map[string]string{addr(1): "0.003", addr(20): "1.5"}
		a, err := reward.ComputePlan(in)
		if err != nil {
			t.Fatal(err)
		}
		checkInvariants(t, in, a)
		b, _ := reward.ComputePlan(in)
		if !bytes.Equal(a.Marshal(), b.Marshal()) {
			t.Fatal("two runs differ")
		}
	}
}

func TestProofTampering(t *testing.T) {
	p := compute(t, goldenInput(t))
	good, err := p.Proof(addr(1))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		edit   func(*reward.LeafProof)
		reason string
	}{
		{"ErrAmount", func(lp *reward.LeafProof) { lp.Leaf.Amount = "1000000" }, "leaf hashes to"},
		{"ErrAmountRehashed", func(lp *reward.LeafProof) {
			lp.Leaf.Amount = "1000000"
			h := reward.LeafHash(lp.Network, lp.Epoch, lp.Leaf)
			lp.LeafHash = fmt.Sprintf("%x", h)
		}, "not the anchored root"},
		{"ErrEpoch", func(lp *reward.LeafProof) { lp.Epoch++ }, "leaf hashes to"},
		{"ErrPath", func(lp *reward.LeafProof) { lp.Path = lp.Path[1:] }, "path has"},
		{"ErrRoot", func(lp *reward.LeafProof) { lp.Root = strings.Repeat("0", 64) }, "not the anchored root"},
		{"ErrVersion", func(lp *reward.LeafProof) { lp.Version = "x" }, "version"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lp := good
			lp.Path = append([]string(nil), good.Path...)
			tc.edit(&lp)
			if err := lp.Verify(); err == nil || !strings.Contains(err.Error(), tc.reason) {
				t.Fatalf("err = %v, want %q", err, tc.reason)
			}
		})
	}
	t.Run("ErrPlanEdited", func(t *testing.T) {
		doc := strings.Replace(string(p.Marshal()), `"amount": "`+p.Leaves[0].Amount+`"`, `"amount": "1"`, 1)
		if _, err := reward.ParsePlan([]byte(doc)); err == nil || !strings.Contains(err.Error(), "root") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestPolicyEpochs(t *testing.T) {
	p := policy(t)
	s, e := p.Epoch(0)
	if s.Format("2006-01-02T15:04:05Z07:00") != "2026-01-05T00:00:00Z" || e.Sub(s).Hours() != 168 {
		t.Fatalf("epoch 0 = [%v, %v)", s, e)
	}
	s2, _ := p.Epoch(2)
	if n, ok := p.EpochAt(s2); !ok || n != 2 {
		t.Fatalf("EpochAt(start of 2) = %d %v", n, ok)
	}
	if n, ok := p.EpochAt(s2.Add(-1)); !ok || n != 1 {
		t.Fatalf("EpochAt(just before 2) = %d", n)
	}
	if _, ok := p.EpochAt(s.Add(-1)); ok {
		t.Fatal("before genesis has an epoch")
	}
}
