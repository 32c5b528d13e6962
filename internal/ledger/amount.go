package ledger

import (
	"errors"
	"strconv"
	"strings"
)

// maxDrops is rippled's cMaxNativeN: no XRP amount may exceed all XRP in existence.
const maxDrops int64 = 100_000_000_000_000_000

// amount is a decoded STAmount: XRP in drops, or an issued value with its issue.
type amount struct {
	native   bool
	drops    int64
	value    iou
	currency string // as the binary codec renders it: "USD" or 40 hex digits
	issuer   AccountID
}

var errBadAmount = errors.New("malformed amount")

// parseAmount reads an Amount field as the binary codec decodes it.
func parseAmount(v any) (amount, error) {
	switch x := v.(type) {
	case string:
		d, err := strconv.ParseInt(x, 10, 64)
		if err != nil {
			return amount{}, errBadAmount
		}
		return amount{native: true, drops: d}, nil
	case map[string]any:
		cur, _ := x["currency"].(string)
		iss, _ := x["issuer"].(string)
		val, _ := x["value"].(string)
		if cur == "" || iss == "" || val == "" {
			return amount{}, errBadAmount
		}
		a, err := parseAccount(iss)
		if err != nil {
			return amount{}, errBadAmount
		}
		n, err := parseIOU(val)
		if err != nil {
			return amount{}, err
		}
		return amount{value: n, currency: cur, issuer: a}, nil
	}
	return amount{}, errBadAmount
}

// json renders the amount in the codec's (and rippled's) JSON form.
func (a amount) json() any {
	if a.native {
		return strconv.FormatInt(a.drops, 10)
	}
	return map[string]any{"currency": a.currency, "issuer": a.issuer.String(), "value": a.value.String()}
}

// jsonIssuer renders an issued amount with a different issuer (trust-line fields).
func (a amount) jsonIssuer(issuer string) any {
	return map[string]any{"currency": a.currency, "issuer": issuer, "value": a.value.String()}
}

func (a amount) sign() int {
	if a.native {
		switch {
		case a.drops > 0:
			return 1
		case a.drops < 0:
			return -1
		}
		return 0
	}
	return a.value.sign()
}

// badCurrency reports rippled's badCurrency(): the 160-bit code whose ISO bytes spell XRP.
func badCurrency(code string) bool {
	return strings.EqualFold(code, "0000000000000000000000005852500000000000")
}

// sameIssue reports whether two issued amounts name the same currency and issuer.
func sameIssue(a, b amount) bool {
	return a.native == b.native && (a.native || a.currency == b.currency && a.issuer == b.issuer)
}
