package payout

import (
	"math/big"

	"github.com/Peersyst/xrpl-go/xrpl/transaction/types"
	"github.com/banxmedia/banx/internal/address"

	"github.com/banxmedia/banx/internal/amount"
	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/reward"
)

func addrType(s string) types.Address { return types.Address(s) }

func checkAddress(what, a string) error {
	if !address.IsClassic(a) {
		return banx.Errorf(banx.EINVALID, "%s %q is not a classic XRPL address", what, a)
	}
	return nil
}

// ratOf reads a token amount as the ledger writes it (plain or e-notation).
func ratOf(v string) (*big.Rat, error) {
	iou, err := amount.ParseIOU(v)
	if err != nil {
		return nil, banx.Wrap(banx.EINTERNAL, err, "ledger amount %q", v)
	}
	return iou.Rat(), nil
}

// ratString renders a finite decimal in the plans' plain spelling; negative
// values (an issuer's view of a line) keep their sign.
func ratString(r *big.Rat) string {
	if r.Sign() < 0 {
		return "-" + reward.FormatDecimal(new(big.Rat).Neg(r))
	}
	return reward.FormatDecimal(r)
}
