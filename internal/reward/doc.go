// Package reward turns an epoch's counted views into a payout plan. It is pure:
// no I/O, no clock, no map iteration in its results, so the same policy and the
// same view ledger always give the same plan, byte for byte, and the same Merkle
// root over its per-author leaves.
//
// All arithmetic is exact (math/big.Rat); rounding happens in one place, towards
// zero to the policy's significant digits (internal/amount.FromRat), so the sum
// of payments can never exceed the pool. What rounding, caps and declined
// rewards leave over is accounted for, never dropped: the pool's remainder rolls
// into the next epoch's pool, an author's remainder (amounts under the minimum
// payout, sub-digit dust of a split) is carried to that author's next epoch.
//
// The plan root is an RFC 6962 Merkle tree head, hashed exactly as the anchor
// batches of internal/anchor are (leaf prefix 0x00, node prefix 0x01), so one
// verifier (anchor.VerifyProof) checks both kinds of inclusion proof.
package reward
