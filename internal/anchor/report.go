package anchor

import (
	"encoding/json"

	"github.com/banxmedia/banx/internal/banx"
)

// Status is the outcome of one verification check.
type Status string

// Check outcomes. Skip means the check could not be made with what was at hand
// (typically: it needs the ledger or the content); it is neither a pass nor a
// failure, and a report with a skip is not a full verification.
const (
	StatusPass Status = "pass"
	StatusFail Status = "fail"
	StatusSkip Status = "skip"
)

// Check IDs. The offline ones are made by VerifyOffline and ContentChecks; the
// online ones are made by the caller, who holds the ledger client and the
// content store, and are listed here so the CLI, the API and the web page use
// one vocabulary and one order. IDs are stable: clients may key on them.
const (
	// Offline.
	CheckBundle         = "bundle"          // the bundle parses and is self-consistent
	CheckMemo           = "memo"            // the memo decodes under the contract
	CheckMemoContent    = "memo.content"    // self: the memo names the bundle's manifest
	CheckAuthor         = "author"          // self: memo author = bundle author = transaction Account
	CheckLeafSignature  = "leaf.signature"  // batch: the author's signature over the leaf verifies
	CheckAuthorKey      = "author.key"      // the signing key is the author's master key (else: RegularKey on the ledger)
	CheckMerklePath     = "merkle.path"     // batch: the leaf's path leads to the memo's root
	CheckTxHash         = "tx.hash"         // the transaction blob hashes to the anchored transaction hash
	CheckTxSignature    = "tx.signature"    // the blob's signature verifies against its SigningPubKey
	CheckTxMemo         = "tx.memo"         // the blob carries the bundle's memo and Account
	CheckContentSHA256  = "content.sha256"  // the manifest bytes hash to the anchored SHA-256
	CheckContentCID     = "content.cid"     // the manifest bytes are the content the CID names
	CheckManifestAuthor = "manifest.author" // the manifest names the anchored author (and, self, prev)

	// Online, added by the caller.
	CheckLedgerTx         = "ledger.tx"          // the transaction is in a validated ledger with tesSUCCESS, and its memo and Account match
	CheckLedgerNetwork    = "ledger.network"     // the server's network id is the bundle's
	CheckLedgerCloseTime  = "ledger.close_time"  // the close time of the ledger holding the transaction (informational)
	CheckLedgerRegularKey = "ledger.regular_key" // the signing key was the author's RegularKey at that ledger
	CheckContentFetched   = "content.fetch"      // the content was fetched by CID from IPFS
)

// checkNames are the human titles of the checks, in report order.
var checkNames = []struct{ id, name string }{
	{CheckBundle, "Proof bundle is well-formed"},
	{CheckMemo, "Anchor memo follows the Banx memo contract"},
	{CheckMemoContent, "Memo names this manifest"},
	{CheckAuthor, "Author is the account that signed the transaction"},
	{CheckLeafSignature, "Author's signature over the article version"},
	{CheckAuthorKey, "Signing key belongs to the author"},
	{CheckMerklePath, "Merkle path leads to the anchored root"},
	{CheckTxHash, "Transaction blob has the anchored hash"},
	{CheckTxSignature, "Transaction signature is valid"},
	{CheckTxMemo, "Transaction carries this memo"},
	{CheckLedgerNetwork, "Ledger is on the stated network"},
	{CheckLedgerTx, "Transaction validated with tesSUCCESS"},
	{CheckLedgerCloseTime, "Anchored at ledger close time"},
	{CheckLedgerRegularKey, "Signing key was the author's RegularKey"},
	{CheckContentFetched, "Content fetched from IPFS by CID"},
	{CheckContentSHA256, "Content hashes to the anchored SHA-256"},
	{CheckContentCID, "Content matches the anchored CID"},
	{CheckManifestAuthor, "Manifest names the anchored author"},
}

// CheckName returns the human title of a check ID, or the ID itself.
func CheckName(id string) string {
	for _, c := range checkNames {
		if c.id == id {
			return c.name
		}
	}
	return id
}

// Check is one line of a verification report.
type Check struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Status Status `json:"status"`
	Detail string `json:"detail,omitempty"`
}

// Verdict summarises a report: verified only if every check passed.
type Verdict string

// Verdicts.
const (
	VerdictVerified   Verdict = "verified"   // every check passed
	VerdictFailed     Verdict = "failed"     // at least one check failed
	VerdictIncomplete Verdict = "incomplete" // nothing failed, but some checks were skipped
)

// Report is the ordered checklist of a verification, printed by the CLI, served
// as JSON by the API and shown by the web page. VerifyOffline fills the offline
// checks; the caller adds or settles the online ones with Set.
type Report struct {
	Mode        Kind    `json:"mode,omitempty"`
	Author      string  `json:"author,omitempty"`
	TxHash      string  `json:"tx_hash,omitempty"`
	LedgerIndex uint32  `json:"ledger_index,omitempty"`
	NetworkID   uint32  `json:"network_id"`
	Checks      []Check `json:"checks"`

	// Key is set when a signature was checked: which key signed for which
	// account. If Key.Master is false, CheckAuthorKey is a skip and the caller
	// settles it by reading the author's RegularKey at LedgerIndex.
	Key *KeyOwnership `json:"key,omitempty"`
}

// Set records a check, replacing an earlier one with the same ID in place (so
// a skipped offline check settled online keeps its position) or appending it.
func (r *Report) Set(id string, status Status, detail string) {
	c := Check{ID: id, Name: CheckName(id), Status: status, Detail: detail}
	for i := range r.Checks {
		if r.Checks[i].ID == id {
			r.Checks[i] = c
			return
		}
	}
	r.Checks = append(r.Checks, c)
}

// SetErr records a pass when err is nil and a failure with err's message
// otherwise.
func (r *Report) SetErr(id string, err error, passDetail string) {
	if err != nil {
		r.Set(id, StatusFail, errorDetail(err))
		return
	}
	r.Set(id, StatusPass, passDetail)
}

// Get returns the check with the given ID.
func (r Report) Get(id string) (Check, bool) {
	for _, c := range r.Checks {
		if c.ID == id {
			return c, true
		}
	}
	return Check{}, false
}

// Verdict returns failed if any check failed, incomplete if any was skipped,
// and verified otherwise.
func (r Report) Verdict() Verdict {
	v := VerdictVerified
	for _, c := range r.Checks {
		switch c.Status {
		case StatusFail:
			return VerdictFailed
		case StatusSkip:
			v = VerdictIncomplete
		}
	}
	return v
}

// MarshalJSON adds the verdict, so a JSON consumer need not recompute it.
func (r Report) MarshalJSON() ([]byte, error) {
	type plain Report
	return json.Marshal(struct {
		Verdict Verdict `json:"verdict"`
		plain
	}{r.Verdict(), plain(r)})
}

// errorDetail is the caller-safe message of a check failure.
func errorDetail(err error) string { return banx.ErrorMessage(err) }
