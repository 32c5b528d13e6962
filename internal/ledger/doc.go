// Package ledger is Banx's embedded standalone XRP Ledger: a faithful, persistent,
// single-node ledger that speaks rippled's public API (JSON-RPC on POST /, WebSocket on
// the same address), so the same client code (xrpl-go, xrpl.js) talks to it and to
// testnet or mainnet by URL only, as Hardhat does for Ethereum. Open, Handler, Accept
// and Close are the whole contract with the binary; Submit, Validated and CurrentIndex
// serve in-process callers and tests.
//
// # Wire format and hashes
//
// Nothing of the wire format is written here: xrpl-go v0.3.0's binary codec decodes
// every blob and serializes every ledger entry and metadata object, keypairs verifies
// single signatures over the STX-prefixed signing data (secp256k1 and ed25519), the
// address codec handles addresses, internal/amount does issued-currency arithmetic with
// rippled's rounding. Ledger objects live at rippled's keylets (AccountRoot 'a',
// RippleState 'r', Ticket 'T', owner directory 'O', directory pages 'd', FeeSettings
// 'e'). account_hash and transaction_hash are real SHAMap roots (inner nodes MIN, state
// leaves MLN, transaction+metadata leaves SND) and the ledger hash is SHA-512Half of LWR
// and the header: tests check them against rippled's SHAMap vectors and mainnet ledger
// 38129. The only hand-written layout is the 118-byte ledger header, which a test
// round-trips through the codec's DecodeLedgerData.
//
// # Ledgers
//
// Genesis ledger 1 gives all 100 billion XRP to rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh;
// ledger 2 closes empty and ledger 3 is open, as in a fresh standalone rippled.
// ledger_accept (or Config.CloseInterval) closes the open ledger; closed is validated.
// At close the open ledger's transactions are replayed on the last closed state in
// rippled's canonical order (account XOR the set's SHAMap root, then sequence before
// ticket, then id) with BuildLedger's three passes (tec held back in the retry pass).
// Close times are rounded to the 10 s resolution and advance at least one second per
// ledger. Burned fees shrink total_coins. A close is persisted in one SQLite
// transaction (WAL) under DataDir with every version of every entry, so historical
// ledgers can be queried and a restart resumes the chain (Open checks the rebuilt
// state hash against the last header); DataDir "" keeps everything in memory.
//
// # Engine
//
// preflight, preclaim and doApply run in rippled's order with rippled's result codes:
// NetworkID rules, flags, fee (temBAD_FEE, telINSUF_FEE_P in the open ledger,
// terINSUF_FEE_B), Sequence or TicketSequence (tefPAST_SEQ, terPRE_SEQ, tefNO_TICKET,
// terPRE_TICKET), LastLedgerSequence (tefMAX_LEDGER), signing authority (master key
// unless disabled, or the regular key: tefBAD_AUTH, and tefMASTER_DISABLED as rippled
// with fixMasterKeyAsRegularKey answers where older servers said tefBAD_AUTH_MASTER),
// duplicates (tefALREADY while in the open ledger, tefPAST_SEQ once validated). tec
// results claim the fee and the sequence; tef, tem and tel never apply; ter results are
// kept and retried in each new open ledger for five ledgers or until their
// LastLedgerSequence, as rippled's LocalTxs. Submit refuses with invalidTransaction
// ("fails local checks: ...") undecodable or non-canonical blobs, bad signatures,
// template violations, memos over 1024 bytes or with non-URL characters in MemoType or
// MemoFormat, and pseudo-transactions.
//
// Transactions: Payment (XRP with account creation and reserve checks; issued
// currencies issuer to holder, holder to issuer and holder to holder through the issuer
// along the default path, honouring NoRipple, RequireAuth, freeze, the transfer fee,
// limits, partial payments with DeliverMin, SendMax, DeliveredAmount), TrustSet
// (create, modify, delete, with rippled's reserve rules and flags), AccountSet
// (including the no-op AccountSet that anchors memos), SetRegularKey, TicketCreate.
// Every other transaction type answers temDISABLED. Metadata follows ApplyStateTable:
// unchanged entries are skipped, owners of created and deleted entries are threaded,
// CreatedNode NewFields omit defaults, ModifiedNode carries FinalFields, PreviousFields
// and the previous PreviousTxnID, DeletedNode FinalFields; nodes are sorted by
// LedgerIndex; JSON adds delivered_amount.
//
// # API
//
// server_info, server_state, fee, ping, ledger, ledger_current, ledger_closed,
// ledger_accept, account_info, account_lines, account_objects, account_tx, tx, submit,
// gateway_balances, subscribe and unsubscribe (ledger, transactions and accounts
// streams), with API v1 and v2 shapes and rippled's error shapes and HTTP statuses. In
// Dev mode POST /accounts is a faucet shaped like the testnet faucet's; when the ledger
// closes only on demand the faucet closes one so the funds are validated at once.
//
// # Not implemented
//
// Offers, order books and path finding (explicit Paths carry no liquidity, so
// cross-currency payments are tecPATH_DRY), multi-signing (tefNOT_MULTI_SIGNING;
// signer signatures are not verified), signing on the server (submit with secret or
// tx_json: notSupported), the fee escalation and transaction queue (the open ledger
// cost is the base fee), amendments, the LedgerHashes skip list, deep freeze, clawback,
// NFTs, AMM, escrow, checks, payment channels, ledger_entry and ledger_data. Fees and
// reserves come from Config; the FeeSettings object records the genesis values.
// xrpl.js's fundWallet only speaks https on port 443, so it reaches this faucet only
// behind a TLS proxy.
package ledger
