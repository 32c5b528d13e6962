// Package payout pays BXE rewards and keeps the BXE token set up. It wires the
// pure planner (internal/reward) to storage and to the XRP Ledger through small
// interfaces defined here, and implements them nowhere: internal/sqlite stores,
// internal/xrpl talks to the ledger, cmd/banx connects them.
//
// Payments follow a crash-safe state machine, one row per payment:
//
//	pending -> signed -> submitted -> paid | deferred | failed
//	   ^          |          |
//	   +----------+----------+  (only once a validated ledger is past
//	                               LastLedgerSequence without the transaction)
//
// The signed blob, its hash and LastLedgerSequence are committed before the blob
// is submitted. After a crash every signed or submitted payment is looked up by
// hash before anything is signed again; the same blob may be resubmitted at any
// time (it can apply only once), and a new transaction is signed only when the
// old one can never apply. A validated tesSUCCESS is final and reconciled with
// delivered_amount; a validated tec result is final too and is explained, never
// retried: its amount is carried to the author's next epoch.
package payout
