package contracts

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// TokenJSON is the BXE token contract: currency code, issuer and distribution
// accounts, supply, issuer flags and trust-line limits for each network Banx runs
// on. `banx token setup` makes the ledger match it; authors' wallets read the
// recommended trust-line limit from it.
//
//go:embed token.json
var TokenJSON []byte

// RewardPolicyJSON is the reward policy: epoch calendar, pool, caps, minimum
// payout and beneficiary rules. The payout planner (internal/reward) computes
// every plan from it, and each plan names the policy's SHA-256 so a plan can be
// recomputed and checked by anyone holding the same policy and view ledger.
//
//go:embed reward-policy.json
var RewardPolicyJSON []byte

// Networks a token contract must describe. "embedded" is Banx's own standalone
// ledger (`make run`); the others are the public XRP Ledger networks.
var Networks = []string{"embedded", "testnet", "mainnet"}

// Token is the typed form of TokenJSON.
type Token struct {
	About    string                  `json:"about"`
	Currency string                  `json:"currency"`
	Networks map[string]TokenNetwork `json:"networks"`
}

// TokenNetwork is the token's deployment on one network.
type TokenNetwork struct {
	// Issuer and Distribution are classic addresses, or "" when they are whatever
	// the configured seeds derive (a network not yet deployed, or the embedded one).
	Issuer       string `json:"issuer"`
	Distribution string `json:"distribution"`
	// Supply is what the distribution account holds after setup, a decimal.
	Supply string `json:"supply"`
	// IssuerFlags are AccountSet flags the issuer must have, by their asf name.
	IssuerFlags []string `json:"issuerFlags"`
	// DistributionTrustLimit is the limit of the distribution account's line to
	// the issuer; it must be at least Supply.
	DistributionTrustLimit string `json:"distributionTrustLimit"`
	// AuthorTrustLimit is the limit Banx proposes when it prepares an author's TrustSet.
	AuthorTrustLimit string `json:"authorTrustLimit"`
	// DevAuthors is how many funded author wallets with trust lines the embedded
	// ledger gets on `make run`; 0 on public networks.
	DevAuthors int `json:"devAuthors"`
	// DevFundXRP is the XRP the embedded ledger's genesis account gives each dev wallet.
	DevFundXRP string `json:"devFundXRP"`
}

// AccountSetFlags maps the asf names a contract may use to their AccountSet
// SetFlag values. Only flags that make sense for an issuer of a reward token
// are listed; RequireAuth is not, because it would make every payout to a
// new author fail with tecNO_AUTH.
var AccountSetFlags = map[string]uint32{
	"asfDefaultRipple": 8,
	"asfDisallowXRP":   3,
	"asfRequireDest":   1,
}

var (
	addressPattern  = regexp.MustCompile(`^r[1-9A-HJ-NP-Za-km-z]{24,34}$`)
	decimalPattern  = regexp.MustCompile(`^(0|[1-9][0-9]*)(\.[0-9]+)?$`)
	currencyPattern = regexp.MustCompile(`^[A-Z0-9]{3}$`)
)

// LoadToken parses and validates the embedded token contract.
func LoadToken() (Token, error) { return ParseToken(TokenJSON) }

// ParseToken decodes a token contract strictly (unknown fields are an error) and
// validates it.
func ParseToken(b []byte) (Token, error) {
	var t Token
	if err := strictDecodeContract(b, &t); err != nil {
		return Token{}, fmt.Errorf("token contract: %w", err)
	}
	if err := t.Validate(); err != nil {
		return Token{}, fmt.Errorf("token contract: %w", err)
	}
	return t, nil
}

// Validate checks every field and names the first bad one with the reason.
func (t Token) Validate() error {
	if !currencyPattern.MatchString(t.Currency) || t.Currency == "XRP" {
		return fmt.Errorf("currency %q: want three upper-case letters or digits, not XRP", t.Currency)
	}
	for _, n := range Networks {
		net, ok := t.Networks[n]
		if !ok {
			return fmt.Errorf("networks: %q is missing", n)
		}
		if err := net.validate(); err != nil {
			return fmt.Errorf("networks.%s.%w", n, err)
		}
	}
	for n := range t.Networks {
		if !slices.Contains(Networks, n) {
			return fmt.Errorf("networks: %q is not one of %s", n, strings.Join(Networks, ", "))
		}
	}
	return nil
}

// Network returns the deployment on the named network.
func (t Token) Network(name string) (TokenNetwork, error) {
	n, ok := t.Networks[name]
	if !ok {
		return TokenNetwork{}, fmt.Errorf("network %q: want one of %s", name, strings.Join(Networks, ", "))
	}
	return n, nil
}

func (n TokenNetwork) validate() error {
	for _, a := range []struct{ name, v string }{{"issuer", n.Issuer}, {"distribution", n.Distribution}} {
		if a.v != "" && !addressPattern.MatchString(a.v) {
			return fmt.Errorf("%s %q: not a classic address", a.name, a.v)
		}
	}
	if n.Issuer != "" && n.Issuer == n.Distribution {
		return fmt.Errorf("distribution: must differ from the issuer")
	}
	for _, d := range []struct{ name, v string }{{"supply", n.Supply}, {"distributionTrustLimit", n.DistributionTrustLimit}, {"authorTrustLimit", n.AuthorTrustLimit}} {
		if err := checkDecimal(d.v, true); err != nil {
			return fmt.Errorf("%s: %w", d.name, err)
		}
	}
	if cmpDecimal(n.DistributionTrustLimit, n.Supply) < 0 {
		return fmt.Errorf("distributionTrustLimit %s: must be at least the supply %s", n.DistributionTrustLimit, n.Supply)
	}
	if !slices.Contains(n.IssuerFlags, "asfDefaultRipple") {
		return fmt.Errorf("issuerFlags: asfDefaultRipple is required, or payouts from the distribution account cannot ripple to authors")
	}
	for _, f := range n.IssuerFlags {
		if _, ok := AccountSetFlags[f]; !ok {
			return fmt.Errorf("issuerFlags: %q is not a supported flag", f)
		}
	}
	if n.DevAuthors < 0 || n.DevAuthors > 10 {
		return fmt.Errorf("devAuthors %d: want 0 to 10", n.DevAuthors)
	}
	if err := checkDecimal(n.DevFundXRP, false); err != nil {
		return fmt.Errorf("devFundXRP: %w", err)
	}
	return nil
}

// RewardPolicy is the typed form of RewardPolicyJSON. Decimals stay strings
// here; internal/reward parses them into exact rationals.
type RewardPolicy struct {
	About             string `json:"about"`
	Version           string `json:"version"`
	EpochGenesis      string `json:"epochGenesis"`
	EpochLength       string `json:"epochLength"`
	PoolPerEpoch      string `json:"poolPerEpoch"`
	RatePerView       string `json:"ratePerView"`   // "" = share the pool in proportion to views
	PerArticleCap     string `json:"perArticleCap"` // "" = no cap
	PerAuthorCap      string `json:"perAuthorCap"`  // "" = no cap
	MinimumPayout     string `json:"minimumPayout"`
	SignificantDigits int    `json:"significantDigits"`
	MaxBeneficiaries  int    `json:"maxBeneficiaries"`
}

// RewardPolicyVersion names the policy format this code implements.
const RewardPolicyVersion = "banx.reward-policy/1"

// LoadRewardPolicy parses and validates the embedded reward policy.
func LoadRewardPolicy() (RewardPolicy, error) { return ParseRewardPolicy(RewardPolicyJSON) }

// ParseRewardPolicy decodes a policy strictly and validates it.
func ParseRewardPolicy(b []byte) (RewardPolicy, error) {
	var p RewardPolicy
	if err := strictDecodeContract(b, &p); err != nil {
		return RewardPolicy{}, fmt.Errorf("reward policy: %w", err)
	}
	if err := p.Validate(); err != nil {
		return RewardPolicy{}, fmt.Errorf("reward policy: %w", err)
	}
	return p, nil
}

// Validate checks every field and names the first bad one with the reason.
func (p RewardPolicy) Validate() error {
	if p.Version != RewardPolicyVersion {
		return fmt.Errorf("version %q: want %q", p.Version, RewardPolicyVersion)
	}
	g, err := time.Parse(time.RFC3339, p.EpochGenesis)
	if err != nil || g.Location() != time.UTC || g.Nanosecond() != 0 {
		return fmt.Errorf("epochGenesis %q: want an RFC 3339 UTC time in whole seconds ending in Z", p.EpochGenesis)
	}
	d, err := time.ParseDuration(p.EpochLength)
	if err != nil || d < time.Minute || d%time.Second != 0 || d > 366*24*time.Hour {
		return fmt.Errorf("epochLength %q: want a whole number of seconds from 1m to 8784h", p.EpochLength)
	}
	if err := checkDecimal(p.PoolPerEpoch, true); err != nil {
		return fmt.Errorf("poolPerEpoch: %w", err)
	}
	for _, o := range []struct{ name, v string }{{"ratePerView", p.RatePerView}, {"perArticleCap", p.PerArticleCap}, {"perAuthorCap", p.PerAuthorCap}} {
		if o.v == "" {
			continue
		}
		if err := checkDecimal(o.v, true); err != nil {
			return fmt.Errorf("%s: %w", o.name, err)
		}
	}
	if err := checkDecimal(p.MinimumPayout, false); err != nil {
		return fmt.Errorf("minimumPayout: %w", err)
	}
	if p.SignificantDigits < 1 || p.SignificantDigits > 15 {
		return fmt.Errorf("significantDigits %d: want 1 to 15 (the XRPL keeps 15 for tokens)", p.SignificantDigits)
	}
	if p.MaxBeneficiaries < 1 || p.MaxBeneficiaries > 64 {
		return fmt.Errorf("maxBeneficiaries %d: want 1 to 64", p.MaxBeneficiaries)
	}
	return nil
}

// checkDecimal accepts a plain non-negative decimal of at most 15 significant
// digits (positive when positive is set): the values a contract states must be
// exactly representable as XRPL token amounts.
func checkDecimal(v string, positive bool) error {
	if !decimalPattern.MatchString(v) {
		return fmt.Errorf("%q is not a plain decimal such as 1000 or 0.5", v)
	}
	// Leading zeros and trailing zeros alike are not significant: the XRPL keeps
	// a mantissa and an exponent, so 1000000000 is one digit.
	digits := strings.Trim(strings.Replace(v, ".", "", 1), "0")
	if len(digits) > 15 {
		return fmt.Errorf("%q has more than 15 significant digits", v)
	}
	if positive && digits == "" {
		return fmt.Errorf("%q must be greater than zero", v)
	}
	return nil
}

// cmpDecimal compares two values accepted by checkDecimal.
func cmpDecimal(a, b string) int {
	ai, af, _ := strings.Cut(a, ".")
	bi, bf, _ := strings.Cut(b, ".")
	if len(ai) != len(bi) {
		return cmpInt(len(ai), len(bi))
	}
	if c := strings.Compare(ai, bi); c != 0 {
		return c
	}
	for len(af) < len(bf) {
		af += "0"
	}
	for len(bf) < len(af) {
		bf += "0"
	}
	return strings.Compare(af, bf)
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func strictDecodeContract(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("trailing data after the JSON object")
	}
	return nil
}
