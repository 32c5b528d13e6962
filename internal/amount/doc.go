// Package amount holds exact XRP Ledger amounts: issued-currency values (IOU),
// XRP drops and currency codes. The embedded ledger settles balances with it and
// the payout planner splits rewards with it, so its results must be the ones
// rippled would compute, digit for digit: a ledger that rounds differently from
// rippled forks from it, and a planner that rounds differently leaves dust or
// overdraws a trust line.
//
// The model is rippled's (XRPLF/rippled, src/libxrpl/protocol/IOUAmount.cpp,
// STAmount.cpp and src/libxrpl/basics/Number.cpp) as it runs with the
// fixUniversalNumber switchover on, which is the behaviour of every rippled
// release since 1.10 and of standalone mode: arithmetic on IOU values goes
// through rippled's Number type, a 16-digit decimal with a 16-digit guard that
// rounds to nearest, ties to even. The newer 19-digit Number mantissa scale that
// recent rippled development builds can switch to by amendment is not modelled.
//
// No floating point is used anywhere: an IOU is an int64 mantissa and a decimal
// exponent, XRP is an int64 count of drops, and exact conversions go through
// math/big.
package amount
