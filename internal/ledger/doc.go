// Package ledger is Banx's embedded standalone XRP Ledger: a faithful, persistent,
// single-node ledger that speaks rippled's public API, so the same client code talks to
// it and to testnet or mainnet by URL only (as Hardhat does for Ethereum).
//
// # What it implements
//
// Wire format, signatures and hashes all come from xrpl-go v0.3.0: the binary codec
// decodes every blob and serializes every ledger entry and metadata object, keypairs
// verifies single signatures over the STX-prefixed signing data (secp256k1 and
// ed25519), the address codec handles addresses. Transaction ids are SHA-512Half of
// the TXN prefix and the blob. Ledger objects live at rippled's keylets (AccountRoot
// 'a', RippleState 'r', Ticket 'T', owner directory 'O', directory pages 'd',
// FeeSettings 'e'). account_hash and transaction_hash are real SHAMap roots (inner
// nodes MIN, state leaves MLN, transaction+metadata leaves SND), and the ledger hash
// is SHA-512Half of the LWR prefix and the header, as calculateLedgerHash.
//
// Ledgers: genesis ledger 1 gives all 100 billion XRP to rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh,
// ledger 2 closes empty, ledger 3 is open, as a standalone rippled started fresh.
// ledger_accept (or Config.CloseInterval) closes the open ledger; closed is
// validated. At close the open ledger's transactions are replayed on the last closed
// state in rippled's canonical order (account XOR the set's SHAMap root, then
// sequence/ticket, then id) with BuildLedger's three passes (tec results held back in
// the first retry pass). Close times are rounded to the 10 s resolution and always
// advance by at least one second. Burned fees shrink total_coins.
//
// Engine: preflight, preclaim and doApply in rippled's order with rippled's result
// codes: NetworkID rules, flags, fee (temBAD_FEE, telINSUF_FEE_P on the open ledger,
// terINSUF_FEE_B), Sequence/TicketSequence (tefPAST_SEQ, terPRE_SEQ, tefNO_TICKET,
// terPRE_TICKET), LastLedgerSequence (tefMAX_LEDGER), signing authority (master key
// unless disabled, or the regular key: tefBAD_AUTH, tefMASTER_DISABLED as rippled with
// fixMasterKeyAsRegularKey), duplicates (tefALREADY while in the open ledger, then
// tefPAST_SEQ as rippled). tec results claim the fee and
// sequence; tef/tem/tel never apply; ter results are kept and retried in each new open
// ledger until they apply, fail for good, or five ledgers (or their
// LastLedgerSequence) pass, as rippled's LocalTxs. Submit refuses, with invalidTransaction and
// "fails local checks", undecodable blobs, bad signatures, template violations,
// memos over 1024 bytes or with non-URL characters in MemoType/MemoFormat, and
// pseudo-transactions.
//
// Transactions: Payment (XRP with account creation and reserve checks; issued
// currencies issuer->holder, holder->issuer and holder->holder through the issuer
// along the default path with NoRipple, RequireAuth, freeze, transfer fee, limits,
// partial payments with DeliverMin, SendMax, DeliveredAmount), TrustSet (create,
// modify, delete with rippled's reserve rules and flags), AccountSet (including the
// no-op AccountSet used to anchor memos), SetRegularKey, TicketCreate. Every other
// transaction type answers temDISABLED. Metadata follows ApplyStateTable: threading
// (PreviousTxnID/PreviousTxnLgrSeq), CreatedNode NewFields without defaults,
// ModifiedNode FinalFields/PreviousFields, DeletedNode FinalFields, sorted by
// LedgerIndex, plus delivered_amount in JSON.
//
// API (JSON-RPC POST / and WebSocket on /, one dispatcher): server_info, server_state,
// fee, ping, ledger, ledger_current, ledger_closed, ledger_accept, account_info,
// account_lines, account_objects, account_tx, tx, submit, gateway_balances,
// subscribe/unsubscribe (ledger, transactions and accounts streams), with API v1 and
// v2 shapes and rippled's error shapes. In Dev mode POST /accounts is a faucet in the
// testnet faucet's style.
//
// Persistence: SQLite (WAL) under DataDir, one transaction per closed ledger; every
// version of every entry is kept so historical ledgers can be queried. DataDir ""
// keeps everything in memory.
//
// # What it does not implement
//
// Order books, offers and path finding (explicit Paths carry no liquidity; cross-
// currency payments are tecPATH_DRY), multi-signing (tefNOT_MULTI_SIGNING, signers are
// not verified), signing on the server (submit with secret/tx_json: notSupported),
// fee escalation and the transaction queue (the open ledger cost is the base fee),
// amendments, the LedgerHashes skip list, deep freeze, clawback, NFTs, AMM, escrow,
// checks, channels. Fees and reserves come from Config; the FeeSettings object
// records the values of the genesis run. xrpl.js's fundWallet insists on https port
// 443, so it reaches this faucet only behind a TLS proxy; the response shape matches
// the testnet faucet's.
package ledger
