package reward

import (
	"crypto/sha256"
	"encoding/hex"
	"math/big"
	"time"

	"github.com/banxmedia/banx/contracts"
	"github.com/banxmedia/banx/internal/banx"
)

// Policy is a reward policy with its decimals parsed into exact rationals.
type Policy struct {
	Genesis          time.Time
	Length           time.Duration
	Pool             *big.Rat // per epoch, before rollover
	RatePerView      *big.Rat // nil: the pool is shared in proportion to views
	ArticleCap       *big.Rat // nil: no cap
	AuthorCap        *big.Rat // nil: no cap
	MinimumPayout    *big.Rat
	Digits           int
	MaxBeneficiaries int
	// SHA256 is the hex SHA-256 of the policy document the values came from;
	// every plan names it so it can be recomputed from the same rules.
	SHA256 string
}

// ParsePolicy parses and validates a policy document (contracts/reward-policy.json).
func ParsePolicy(doc []byte) (Policy, error) {
	c, err := contracts.ParseRewardPolicy(doc)
	if err != nil {
		return Policy{}, banx.Wrap(banx.EINVALID, err, "%s", err.Error())
	}
	sum := sha256.Sum256(doc)
	p := Policy{Digits: c.SignificantDigits, MaxBeneficiaries: c.MaxBeneficiaries, SHA256: hex.EncodeToString(sum[:])}
	p.Genesis, _ = time.Parse(time.RFC3339, c.EpochGenesis)
	p.Length, _ = time.ParseDuration(c.EpochLength)
	if p.Pool, err = parseDecimal("poolPerEpoch", c.PoolPerEpoch); err != nil {
		return Policy{}, err
	}
	if p.MinimumPayout, err = parseDecimal("minimumPayout", c.MinimumPayout); err != nil {
		return Policy{}, err
	}
	for _, o := range []struct {
		name, v string
		dst     **big.Rat
	}{{"ratePerView", c.RatePerView, &p.RatePerView}, {"perArticleCap", c.PerArticleCap, &p.ArticleCap}, {"perAuthorCap", c.PerAuthorCap, &p.AuthorCap}} {
		if o.v == "" {
			continue
		}
		if *o.dst, err = parseDecimal(o.name, o.v); err != nil {
			return Policy{}, err
		}
	}
	return p, nil
}

// DefaultPolicy returns the policy published in contracts/reward-policy.json.
func DefaultPolicy() (Policy, error) { return ParsePolicy(contracts.RewardPolicyJSON) }

// Epoch returns epoch e's half-open interval [start, end) in UTC.
func (p Policy) Epoch(e uint64) (start, end time.Time) {
	start = addTimes(p.Genesis, e, p.Length)
	return start, start.Add(p.Length)
}

// addTimes returns t + n*d. The product can exceed time.Duration's range (epoch
// 20,000 of a 168-hour policy already does), so it is computed exactly and added
// as seconds and nanoseconds.
func addTimes(t time.Time, n uint64, d time.Duration) time.Time {
	ns := new(big.Int).Mul(big.NewInt(int64(d)), new(big.Int).SetUint64(n))
	secs, rem := new(big.Int).QuoRem(ns, big.NewInt(int64(time.Second)), new(big.Int))
	return time.Unix(t.Unix()+secs.Int64(), int64(t.Nanosecond())+rem.Int64()).In(t.Location())
}

// EpochAt returns the epoch that contains t, and false before genesis.
func (p Policy) EpochAt(t time.Time) (uint64, bool) {
	if t.Before(p.Genesis) {
		return 0, false
	}
	return uint64(t.Sub(p.Genesis) / p.Length), true
}

// MaxEpoch bounds epoch numbers so that an epoch's end stays representable.
const MaxEpoch = 1 << 20

// parseDecimal reads a contract value; the contract has already checked it is a
// plain decimal of at most 15 significant digits.
func parseDecimal(name, v string) (*big.Rat, error) {
	r, err := ParseDecimal(v)
	if err != nil {
		return nil, banx.Errorf(banx.EINVALID, "%s: %s", name, banx.ErrorMessage(err))
	}
	return r, nil
}
