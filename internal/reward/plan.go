package reward

import (
	"bytes"
	"cmp"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"slices"
	"time"

	"github.com/banxmedia/banx/internal/address"

	"github.com/banxmedia/banx/internal/amount"
	"github.com/banxmedia/banx/internal/banx"
)

// PlanVersion names the plan document format.
const PlanVersion = "banx.reward-plan/1"

// TotalBasisPoints is 100%: an author's beneficiary shares must sum to it.
const TotalBasisPoints = 10000

// ArticleViews is one row of the view ledger's epoch totals: counted views of
// one article of one author.
type ArticleViews struct {
	Author    string
	ArticleID int64
	Views     int64
}

// Share is one beneficiary of an author: the account and its part of the
// author's rewards in basis points (1/100 of a percent).
type Share struct {
	Account     string `json:"account"`
	BasisPoints int    `json:"basis_points"`
}

// Input is everything a plan depends on. Two equal Inputs give byte-identical plans.
type Input struct {
	Network  string
	Epoch    uint64
	Currency string
	Issuer   string
	Policy   Policy
	// Views are counted views per article in the epoch, in any order.
	Views []ArticleViews
	// Declined are authors who opted out of rewards: their views do not count
	// towards the split, so their share stays with the others.
	Declined []string
	// Beneficiaries maps an author to their split; an author without an entry is
	// paid in full.
	Beneficiaries map[string][]Share
	// CarryIn maps an author to the decimal amount carried from earlier epochs.
	CarryIn map[string]string
	// Rollover is what the previous epoch left unallocated, a decimal ("" = 0).
	Rollover string
}

// Plan is the outcome of an epoch: the per-author leaves, their Merkle root and
// the pool's accounts. It is a pure function of its Input.
type Plan struct {
	Version      string     `json:"version"`
	Network      string     `json:"network"`
	Epoch        uint64     `json:"epoch"`
	Start        string     `json:"start"`
	End          string     `json:"end"`
	PolicySHA256 string     `json:"policy_sha256"`
	Currency     string     `json:"currency"`
	Issuer       string     `json:"issuer"`
	Pool         Pool       `json:"pool"`
	Views        ViewCounts `json:"views"`
	Totals       Totals     `json:"totals"`
	Declined     []Declined `json:"declined"`
	Root         string     `json:"root"`
	Leaves       []Leaf     `json:"leaves"`
}

// Pool is where the epoch's BXE went. Available = Base + Rollover =
// Allocated + Unallocated; Unallocated (rounding dust, capped excess, or the
// whole pool when nobody earned) rolls into the next epoch.
type Pool struct {
	Base         string `json:"base"`
	Rollover     string `json:"rollover"`
	Available    string `json:"available"`
	ValuePerView string `json:"value_per_view"` // exact, as a fraction "n/d" when not a finite decimal
	Allocated    string `json:"allocated"`
	Unallocated  string `json:"unallocated"`
}

// ViewCounts summarises the view ledger's part.
type ViewCounts struct {
	Counted  int64 `json:"counted"`  // every counted view in the epoch
	Eligible int64 `json:"eligible"` // those of authors who take rewards
	Declined int64 `json:"declined"` // those of authors who declined
}

// Totals sums the leaves: Allocated + CarryIn = Paid + CarryOut.
type Totals struct {
	Authors        int    `json:"authors"`
	Payments       int    `json:"payments"`
	CarryIn        string `json:"carry_in"`
	Paid           string `json:"paid"`
	CarryOut       string `json:"carry_out"`
	CappedArticles int    `json:"capped_articles"`
	CappedAuthors  int    `json:"capped_authors"`
}

// Declined is an author who opted out, with the views that did not count and
// what stays carried for them (owed from earlier epochs, paid once they take
// rewards again).
type Declined struct {
	Author string `json:"author"`
	Views  int64  `json:"views"`
	Carry  string `json:"carry"`
}

// ComputePlan computes epoch in.Epoch's plan. It returns banx.EINVALID naming
// the offending input when one is malformed (a bad address, a non-positive view
// count, an article under two authors, beneficiaries not summing to 100%...).
func ComputePlan(in Input) (*Plan, error) {
	if in.Policy.Pool == nil || in.Policy.MinimumPayout == nil || in.Policy.Digits < 1 || in.Policy.Digits > 15 || in.Policy.Length <= 0 {
		return nil, banx.Errorf(banx.EINVALID, "plan: policy is incomplete: parse it with ParsePolicy")
	}
	if in.Epoch > MaxEpoch {
		return nil, banx.Errorf(banx.EINVALID, "plan: epoch %d is beyond %d", in.Epoch, MaxEpoch)
	}
	if in.Network == "" || in.Currency == "" {
		return nil, banx.Errorf(banx.EINVALID, "plan: network and currency are required")
	}
	if err := checkAccount("issuer", in.Issuer); err != nil {
		return nil, err
	}
	digits := in.Policy.Digits
	start, end := in.Policy.Epoch(in.Epoch)
	p := &Plan{
		Version: PlanVersion, Network: in.Network, Epoch: in.Epoch,
		Start: start.UTC().Format(time.RFC3339), End: end.UTC().Format(time.RFC3339),
		PolicySHA256: in.Policy.SHA256, Currency: in.Currency, Issuer: in.Issuer,
		Declined: []Declined{}, Leaves: []Leaf{},
	}

	authors, err := groupViews(in.Views)
	if err != nil {
		return nil, err
	}
	declined := map[string]bool{}
	for _, a := range in.Declined {
		if err := checkAccount("declined author", a); err != nil {
			return nil, err
		}
		declined[a] = true
	}
	carry := map[string]*big.Rat{}
	for a, v := range in.CarryIn {
		if err := checkAccount("carry author", a); err != nil {
			return nil, err
		}
		r, err := ParseDecimal(v)
		if err != nil {
			return nil, banx.Errorf(banx.EINVALID, "plan: carry of %s: %s", a, banx.ErrorMessage(err))
		}
		if r.Sign() > 0 {
			carry[a] = r
			if _, ok := authors[a]; !ok {
				authors[a] = &authorViews{author: a}
			}
		}
	}
	for a, shares := range in.Beneficiaries {
		if err := ValidateShares(a, shares, in.Policy.MaxBeneficiaries); err != nil {
			return nil, err
		}
	}
	rollover := new(big.Rat)
	if in.Rollover != "" {
		if rollover, err = ParseDecimal(in.Rollover); err != nil {
			return nil, banx.Errorf(banx.EINVALID, "plan: rollover: %s", banx.ErrorMessage(err))
		}
	}

	order := make([]string, 0, len(authors))
	for a := range authors {
		order = append(order, a)
	}
	slices.Sort(order)

	var eligible int64
	for _, a := range order {
		av := authors[a]
		p.Views.Counted += av.views
		if declined[a] {
			p.Views.Declined += av.views
			c := new(big.Rat)
			if carry[a] != nil {
				c = carry[a]
			}
			p.Declined = append(p.Declined, Declined{Author: a, Views: av.views, Carry: formatDecimal(c)})
			continue
		}
		eligible += av.views
	}
	p.Views.Eligible = eligible

	available := new(big.Rat).Add(in.Policy.Pool, rollover)
	perView := new(big.Rat)
	if eligible > 0 {
		perView.SetFrac(available.Num(), new(big.Int).Mul(available.Denom(), big.NewInt(eligible)))
		if r := in.Policy.RatePerView; r != nil && r.Cmp(perView) < 0 {
			perView.Set(r)
		}
	}

	allocated, carryInSum, paid, carryOutSum := new(big.Rat), new(big.Rat), new(big.Rat), new(big.Rat)
	minimum := in.Policy.MinimumPayout
	for _, a := range order {
		av := authors[a]
		// A declined author keeps what was carried for them: it is owed from
		// earlier epochs and is paid when they take rewards again.
		if declined[a] {
			continue
		}
		leaf := Leaf{Author: a, Views: av.views, Articles: av.articles, Payments: []Payment{}}
		if leaf.Articles == nil {
			leaf.Articles = []ArticleCount{} // an author with only a carry
		}
		share := new(big.Rat)
		for _, art := range av.articles {
			s := new(big.Rat).Mul(perView, new(big.Rat).SetInt64(art.Views))
			if c := in.Policy.ArticleCap; c != nil && s.Cmp(c) > 0 {
				s.Set(c)
				leaf.Capped = true
				p.Totals.CappedArticles++
			}
			share.Add(share, s)
		}
		if c := in.Policy.AuthorCap; c != nil && share.Cmp(c) > 0 {
			share.Set(c)
			leaf.Capped = true
			p.Totals.CappedAuthors++
		}
		shareIOU, _, err := amount.FromRat(share, digits)
		if err != nil {
			return nil, banx.Wrap(banx.EINVALID, err, "plan: share of %s", a)
		}
		shareR := shareIOU.Rat()
		allocated.Add(allocated, shareR)
		cin := carry[a]
		if cin == nil {
			cin = new(big.Rat)
		}
		carryInSum.Add(carryInSum, cin)
		total := new(big.Rat).Add(shareR, cin)
		payable := new(big.Rat)
		if total.Sign() > 0 && total.Cmp(minimum) >= 0 {
			rounded, _, err := amount.FromRat(total, digits)
			if err != nil {
				return nil, banx.Wrap(banx.EINVALID, err, "plan: amount of %s", a)
			}
			shares := in.Beneficiaries[a]
			if len(shares) == 0 {
				shares = []Share{{Account: a, BasisPoints: TotalBasisPoints}}
			}
			shares = slices.Clone(shares)
			slices.SortFunc(shares, func(x, y Share) int { return cmp.Compare(x.Account, y.Account) })
			for _, s := range shares {
				part := new(big.Rat).Mul(rounded.Rat(), big.NewRat(int64(s.BasisPoints), TotalBasisPoints))
				iou, _, err := amount.FromRat(part, digits)
				if err != nil {
					return nil, banx.Wrap(banx.EINVALID, err, "plan: payment of %s to %s", a, s.Account)
				}
				r := iou.Rat()
				if r.Sign() == 0 || r.Cmp(minimum) < 0 {
					continue
				}
				payable.Add(payable, r)
				leaf.Payments = append(leaf.Payments, Payment{Account: s.Account, Amount: formatDecimal(r)})
			}
		}
		out := new(big.Rat).Sub(total, payable)
		paid.Add(paid, payable)
		carryOutSum.Add(carryOutSum, out)
		leaf.Share, leaf.CarryIn, leaf.Amount, leaf.CarryOut = formatDecimal(shareR), formatDecimal(cin), formatDecimal(payable), formatDecimal(out)
		p.Totals.Payments += len(leaf.Payments)
		p.Leaves = append(p.Leaves, leaf)
	}
	p.Totals.Authors = len(p.Leaves)

	if allocated.Cmp(available) > 0 {
		return nil, banx.Errorf(banx.EINTERNAL, "plan: allocated %s exceeds the pool %s", formatDecimal(allocated), formatDecimal(available))
	}
	if new(big.Rat).Add(allocated, carryInSum).Cmp(new(big.Rat).Add(paid, carryOutSum)) != 0 {
		return nil, banx.Errorf(banx.EINTERNAL, "plan: allocated + carried in differs from paid + carried out")
	}
	p.Pool = Pool{
		Base: formatDecimal(in.Policy.Pool), Rollover: formatDecimal(rollover), Available: formatDecimal(available),
		ValuePerView: ratText(perView), Allocated: formatDecimal(allocated),
		Unallocated: formatDecimal(new(big.Rat).Sub(available, allocated)),
	}
	p.Totals.CarryIn, p.Totals.Paid, p.Totals.CarryOut = formatDecimal(carryInSum), formatDecimal(paid), formatDecimal(carryOutSum)

	hashes := make([][32]byte, len(p.Leaves))
	for i, l := range p.Leaves {
		hashes[i] = LeafHash(p.Network, p.Epoch, l)
	}
	root := buildTree(hashes).root()
	p.Root = hex.EncodeToString(root[:])
	return p, nil
}

// ratText renders an exact rational: as a decimal when it has a finite
// expansion, else as "numerator/denominator".
func ratText(r *big.Rat) string {
	d := new(big.Int).Set(r.Denom())
	for _, f := range []int64{2, 5} {
		fb := big.NewInt(f)
		for new(big.Int).Mod(d, fb).Sign() == 0 {
			d.Quo(d, fb)
		}
	}
	if d.Cmp(big.NewInt(1)) == 0 {
		return formatDecimal(r)
	}
	return r.RatString()
}

type authorViews struct {
	author   string
	views    int64
	articles []ArticleCount
}

// groupViews groups rows by author with articles sorted by id, refusing what a
// view ledger cannot produce: bad addresses, non-positive counts, an article
// twice or under two authors, and totals that overflow.
func groupViews(rows []ArticleViews) (map[string]*authorViews, error) {
	authors := map[string]*authorViews{}
	owner := make(map[int64]string, len(rows))
	for _, r := range rows {
		if r.Views <= 0 {
			return nil, banx.Errorf(banx.EINVALID, "plan: article %d has %d views: counts must be positive", r.ArticleID, r.Views)
		}
		if prev, ok := owner[r.ArticleID]; ok {
			if prev != r.Author {
				return nil, banx.Errorf(banx.EINVALID, "plan: article %d appears under two authors, %s and %s", r.ArticleID, prev, r.Author)
			}
			return nil, banx.Errorf(banx.EINVALID, "plan: article %d appears twice", r.ArticleID)
		}
		owner[r.ArticleID] = r.Author
		av := authors[r.Author]
		if av == nil {
			if err := checkAccount("author", r.Author); err != nil {
				return nil, err
			}
			av = &authorViews{author: r.Author}
			authors[r.Author] = av
		}
		if av.views > (1<<63-1)-r.Views {
			return nil, banx.Errorf(banx.EINVALID, "plan: views of %s overflow", r.Author)
		}
		av.views += r.Views
		av.articles = append(av.articles, ArticleCount{ID: r.ArticleID, Views: r.Views})
	}
	var total int64
	for _, av := range authors {
		if total > (1<<63-1)-av.views {
			return nil, banx.Errorf(banx.EINVALID, "plan: total views overflow")
		}
		total += av.views
		slices.SortFunc(av.articles, func(a, b ArticleCount) int { return cmp.Compare(a.ID, b.ID) })
	}
	return authors, nil
}

// ValidateShares checks an author's beneficiaries: valid distinct accounts,
// each share at least 1 basis point, at most max of them, summing to exactly
// 10000 (100%). It returns banx.EINVALID with the reason.
func ValidateShares(author string, shares []Share, max int) error {
	if len(shares) == 0 {
		return banx.Errorf(banx.EINVALID, "beneficiaries of %s: at least one is required (the author alone gets 100%% by default)", author)
	}
	if max > 0 && len(shares) > max {
		return banx.Errorf(banx.EINVALID, "beneficiaries of %s: %d given, at most %d are allowed", author, len(shares), max)
	}
	seen := map[string]bool{}
	sum := 0
	for i, s := range shares {
		if err := checkAccount("beneficiary account", s.Account); err != nil {
			return banx.Errorf(banx.EINVALID, "beneficiaries of %s: [%d]: %s", author, i, banx.ErrorMessage(err))
		}
		if seen[s.Account] {
			return banx.Errorf(banx.EINVALID, "beneficiaries of %s: %s appears twice", author, s.Account)
		}
		seen[s.Account] = true
		if s.BasisPoints < 1 || s.BasisPoints > TotalBasisPoints {
			return banx.Errorf(banx.EINVALID, "beneficiaries of %s: %s has %d basis points, want 1 to 10000", author, s.Account, s.BasisPoints)
		}
		sum += s.BasisPoints
	}
	if sum != TotalBasisPoints {
		return banx.Errorf(banx.EINVALID, "beneficiaries of %s: shares sum to %d basis points (%d.%02d%%), they must sum to exactly 10000 (100%%)", author, sum, sum/100, sum%100)
	}
	return nil
}

func checkAccount(what, a string) error {
	if !address.IsClassic(a) {
		return banx.Errorf(banx.EINVALID, "%s %q is not a classic XRPL address", what, a)
	}
	return nil
}

// Marshal returns the plan's canonical JSON: indented, fields in declaration
// order, lists in plan order, ending in a newline. It is what `banx payout plan`
// prints and what the golden files hold.
func (p *Plan) Marshal() []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(p); err != nil {
		panic("reward: plan does not encode: " + err.Error())
	}
	return b.Bytes()
}

// Leaf returns the leaf of author, and false when the plan has none.
func (p *Plan) Leaf(author string) (Leaf, int, bool) {
	i, ok := slices.BinarySearchFunc(p.Leaves, author, func(l Leaf, a string) int { return cmp.Compare(l.Author, a) })
	if !ok {
		return Leaf{}, 0, false
	}
	return p.Leaves[i], i, true
}

// Proof returns the inclusion proof of author's leaf, or banx.ENOTFOUND.
func (p *Plan) Proof(author string) (LeafProof, error) {
	l, i, ok := p.Leaf(author)
	if !ok {
		return LeafProof{}, banx.Errorf(banx.ENOTFOUND, "epoch %d's plan has no leaf for %s", p.Epoch, author)
	}
	hashes := make([][32]byte, len(p.Leaves))
	for j, x := range p.Leaves {
		hashes[j] = LeafHash(p.Network, p.Epoch, x)
	}
	ap := buildTree(hashes).proof(i)
	lp := LeafProof{Version: ProofVersion, Network: p.Network, Epoch: p.Epoch, Root: p.Root, Leaf: l,
		LeafHash: hex.EncodeToString(hashes[i][:]), Index: ap.Index, Size: ap.Size, Path: make([]string, len(ap.Path))}
	for j, h := range ap.Path {
		lp.Path[j] = hex.EncodeToString(h[:])
	}
	return lp, nil
}

// ParsePlan decodes a plan document and checks that its root matches its
// leaves, so a stored or downloaded plan cannot be silently altered.
func ParsePlan(b []byte) (*Plan, error) {
	var p Plan
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, banx.Wrap(banx.EINVALID, err, "plan: not a %s document: %v", PlanVersion, err)
	}
	if p.Version != PlanVersion {
		return nil, banx.Errorf(banx.EINVALID, "plan: version %q, want %q", p.Version, PlanVersion)
	}
	hashes := make([][32]byte, len(p.Leaves))
	for i, l := range p.Leaves {
		if i > 0 && p.Leaves[i-1].Author >= l.Author {
			return nil, banx.Errorf(banx.EINVALID, "plan: leaves are not sorted by author at %d", i)
		}
		hashes[i] = LeafHash(p.Network, p.Epoch, l)
	}
	root := buildTree(hashes).root()
	if hex.EncodeToString(root[:]) != p.Root {
		return nil, banx.Errorf(banx.EINVALID, "plan: leaves hash to root %x, not the plan's root %s", root, p.Root)
	}
	return &p, nil
}

// CarryOut returns what each author carries into the next epoch: leaves' carry
// out and declined authors' standing carry, without zeros. Amounts a payout
// could not deliver are added to it by the payout service, not here.
func (p *Plan) CarryOut() map[string]string {
	out := map[string]string{}
	for _, l := range p.Leaves {
		if l.CarryOut != "0" {
			out[l.Author] = l.CarryOut
		}
	}
	for _, d := range p.Declined {
		if d.Carry != "0" {
			out[d.Author] = d.Carry
		}
	}
	return out
}
