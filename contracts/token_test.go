package contracts_test

import (
	"strings"
	"testing"

	"github.com/banxmedia/banx/contracts"
)

func TestLoadToken(t *testing.T) {
	tok, err := contracts.LoadToken()
	if err != nil {
		t.Fatal(err)
	}
	if tok.Currency != "BXE" {
		t.Fatalf("currency = %q", tok.Currency)
	}
	for _, n := range contracts.Networks {
		net, err := tok.Network(n)
		if err != nil {
			t.Fatal(err)
		}
		if net.Supply == "" || len(net.IssuerFlags) == 0 {
			t.Fatalf("%s: %+v", n, net)
		}
	}
	if emb, _ := tok.Network("embedded"); emb.DevAuthors != 2 {
		t.Fatalf("embedded devAuthors = %d, want 2", emb.DevAuthors)
	}
	if _, err := tok.Network("devnet"); err == nil {
		t.Fatal("unknown network accepted")
	}
}

func TestParseToken(t *testing.T) {
	base := string(contracts.TokenJSON)
	tests := []struct {
		name, old, new, reason string
	}{
		{"ErrUnknownField", `"currency": "BXE",`, `"currency": "BXE", "curency": "X",`, `unknown field "curency"`},
		{"ErrCurrencyXRP", `"currency": "BXE"`, `"currency": "XRP"`, "not XRP"},
		{"ErrCurrencyLower", `"currency": "BXE"`, `"currency": "bxe"`, "upper-case"},
		{"ErrSupplyDigits", `"supply": "1000000000",`, `"supply": "1234567890.1234567",`, "more than 15 significant digits"},
		{"ErrSupplyZero", `"supply": "1000000000",`, `"supply": "0",`, "greater than zero"},
		{"ErrSupplyFloat", `"supply": "1000000000",`, `"supply": "1e9",`, "plain decimal"},
		{"ErrLimitBelowSupply", `"distributionTrustLimit": "1000000000",`, `"distributionTrustLimit": "999999999.5",`, "at least the supply"},
		{"ErrNoDefaultRipple", `"issuerFlags": ["asfDefaultRipple"],`, `"issuerFlags": ["asfDisallowXRP"],`, "asfDefaultRipple is required"},
		{"ErrBadFlag", `"issuerFlags": ["asfDefaultRipple"],`, `"issuerFlags": ["asfDefaultRipple", "asfRequireAuth"],`, "not a supported flag"},
		{"ErrIssuer", `"issuer": "",`, `"issuer": "bob",`, "not a classic address"},
		{"ErrSameAccounts", `"issuer": "",
      "distribution": "",`, `"issuer": "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh",
      "distribution": "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh",`, "must differ"},
		{"ErrNetworkMissing", `"mainnet": {`, `"devnet": {`, `"mainnet" is missing`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(base, tc.old, tc.new, 1)
			if src == base {
				t.Fatalf("edit %q not applied", tc.old)
			}
			_, err := contracts.ParseToken([]byte(src))
			if err == nil || !strings.Contains(err.Error(), tc.reason) {
				t.Fatalf("err = %v, want %q", err, tc.reason)
			}
		})
	}
}

func TestParseRewardPolicy(t *testing.T) {
	p, err := contracts.LoadRewardPolicy()
	if err != nil {
		t.Fatal(err)
	}
	if p.SignificantDigits != 15 || p.PoolPerEpoch == "" {
		t.Fatalf("policy = %+v", p)
	}
	base := string(contracts.RewardPolicyJSON)
	tests := []struct {
		name, old, new, reason string
	}{
		{"OKRate", `"ratePerView": "",`, `"ratePerView": "0.25",`, ""},
		{"OKNoCaps", `"perArticleCap": "5000",`, `"perArticleCap": "",`, ""},
		{"ErrVersion", `"banx.reward-policy/1"`, `"banx.reward-policy/2"`, "version"},
		{"ErrGenesis", `"2026-01-05T00:00:00Z"`, `"2026-01-05"`, "epochGenesis"},
		{"ErrGenesisZone", `"2026-01-05T00:00:00Z"`, `"2026-01-05T00:00:00+01:00"`, "epochGenesis"},
		{"ErrLength", `"168h"`, `"30s"`, "epochLength"},
		{"ErrPool", `"poolPerEpoch": "100000"`, `"poolPerEpoch": "-5"`, "poolPerEpoch"},
		{"ErrDigits", `"significantDigits": 15`, `"significantDigits": 16`, "significantDigits 16"},
		{"ErrBeneficiaries", `"maxBeneficiaries": 8`, `"maxBeneficiaries": 0`, "maxBeneficiaries"},
		{"ErrMinimum", `"minimumPayout": "0.01"`, `"minimumPayout": ".01"`, "minimumPayout"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(base, tc.old, tc.new, 1)
			if src == base {
				t.Fatalf("edit %q not applied", tc.old)
			}
			_, err := contracts.ParseRewardPolicy([]byte(src))
			if tc.reason == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.reason) {
				t.Fatalf("err = %v, want %q", err, tc.reason)
			}
		})
	}
}
