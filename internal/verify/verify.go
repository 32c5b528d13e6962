// Package verify checks that an article version was anchored on the XRP
// Ledger by its author, asking only an XRPL node and an IPFS node chosen by
// the reader, never Banx's database or API. It adds the online half of
// verification to the offline checks of internal/anchor: the transaction is
// in a validated ledger with tesSUCCESS and hashes to its ID, the signing key
// belonged to the author at that ledger (master key not disabled, or the
// RegularKey), and the content fetched by CID hashes to the anchored SHA-256
// and re-imports to the same CID. Everything fetched is bounded in size and
// time. The result is one ordered checklist, printed by `banx verify`,
// served by the API and shown on the article page.
package verify

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	binarycodec "github.com/Peersyst/xrpl-go/binary-codec"
	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/ipfs"
	"github.com/banxmedia/banx/internal/manifest"
)

// DefaultTimeout bounds one whole verification (every ledger and IPFS request).
const DefaultTimeout = 60 * time.Second

// Verifier verifies anchors against the nodes it is given. The zero value
// with neither node verifies offline: every check that needs a node is a
// skip. It is safe for concurrent use if its nodes are.
type Verifier struct {
	// Ledger is the XRPL node asked about transactions and accounts; nil
	// leaves the ledger checks skipped.
	Ledger Ledger
	// Content is where manifests are fetched by CID; nil checks only the
	// manifest bytes a bundle carries inline.
	Content Content
	// Timeout bounds one verification; 0 means DefaultTimeout.
	Timeout time.Duration
	// MaxContentBytes bounds the manifest fetched; 0 means manifest.MaxManifestBytes.
	MaxContentBytes int64
}

// Target is what a reader verifies when they start from a transaction hash:
// the anchor transaction and, optionally, the article version they expect it
// to anchor (its CID or its SHA-256), which a self anchor must then name.
type Target struct {
	TxHash string
	CID    string
	SHA256 string
}

// Result is a verification: the anchor package's ordered checklist plus what
// the online checks learned (the ledger close time, the anchored manifest).
type Result struct {
	anchor.Report
	CloseTime time.Time // zero unless the transaction is in a validated ledger
	CID       string    // the anchored manifest's CID, when known
	SHA256    string    // its SHA-256, when known
}

// Verdict is the result's verdict: verified only if every check passed.
func (r Result) Verdict() anchor.Verdict { return r.Report.Verdict() }

// resultJSON is the wire form served by the API and printed by --json.
type resultJSON struct {
	Verdict     anchor.Verdict       `json:"verdict"`
	Mode        anchor.Kind          `json:"mode,omitempty"`
	Author      string               `json:"author,omitempty"`
	TxHash      string               `json:"tx_hash,omitempty"`
	LedgerIndex uint32               `json:"ledger_index,omitempty"`
	NetworkID   uint32               `json:"network_id"`
	CloseTime   string               `json:"close_time,omitempty"`
	Manifest    *manifestJSON        `json:"manifest,omitempty"`
	Checks      []anchor.Check       `json:"checks"`
	Key         *anchor.KeyOwnership `json:"key,omitempty"`
}

type manifestJSON struct {
	CID    string `json:"cid,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
}

// MarshalJSON writes the result with its verdict first.
func (r Result) MarshalJSON() ([]byte, error) {
	w := resultJSON{Verdict: r.Verdict(), Mode: r.Mode, Author: r.Author, TxHash: r.TxHash, LedgerIndex: r.LedgerIndex,
		NetworkID: r.NetworkID, Checks: r.Checks, Key: r.Key}
	if w.Checks == nil {
		w.Checks = []anchor.Check{}
	}
	if !r.CloseTime.IsZero() {
		w.CloseTime = r.CloseTime.UTC().Format(time.RFC3339)
	}
	if r.CID != "" || r.SHA256 != "" {
		w.Manifest = &manifestJSON{CID: r.CID, SHA256: r.SHA256}
	}
	return json.Marshal(w)
}

func (v *Verifier) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	d := v.Timeout
	if d <= 0 {
		d = DefaultTimeout
	}
	return context.WithTimeout(ctx, d)
}

func (v *Verifier) maxContent() int64 {
	if v.MaxContentBytes > 0 {
		return v.MaxContentBytes
	}
	return manifest.MaxManifestBytes
}

// txLookup is the ledger's answer about the anchor transaction, asked once
// and read by several checks.
type txLookup struct {
	tx  LedgerTx
	err error
}

// VerifyBundle verifies a proof bundle: every offline check of the anchor
// package, then the ledger and the content. A bundle that does not validate
// gives a result with one failed check.
func (v *Verifier) VerifyBundle(ctx context.Context, b anchor.ProofBundle) Result {
	ctx, cancel := v.withTimeout(ctx)
	defer cancel()
	if err := b.Validate(); err != nil {
		return Result{Report: anchor.VerifyOffline(b)}
	}
	var lk *txLookup
	if v.Ledger != nil {
		lk = &txLookup{}
		lk.tx, lk.err = v.Ledger.Tx(ctx, b.Tx.Hash, b.Tx.LedgerIndex)
	}
	return v.verifyBundle(ctx, b, lk)
}

func (v *Verifier) verifyBundle(ctx context.Context, b anchor.ProofBundle, lk *txLookup) Result {
	// A bundle without the signed blob borrows the ledger's: the offline
	// checks then decode and verify exactly what the ledger holds, and
	// tx.hash proves the node did not substitute another transaction.
	if b.Tx.Blob == "" && lk != nil && lk.err == nil && len(lk.tx.Blob) <= 2*anchor.MaxTxBlobBytes && isUpperHex(lk.tx.Blob) {
		b.Tx.Blob = lk.tx.Blob
	}
	res := Result{Report: anchor.VerifyOffline(b), CID: b.Manifest.CID, SHA256: b.Manifest.SHA256}
	r := &res.Report
	if v.Ledger == nil {
		const offline = "not checked: no XRPL node given"
		for _, id := range []string{anchor.CheckLedgerNetwork, anchor.CheckLedgerTx, anchor.CheckLedgerCloseTime} {
			r.Set(id, anchor.StatusSkip, offline)
		}
		settleKeyOffline(r, b)
	} else {
		v.checkNetwork(ctx, r, b.Network.ID)
		if ledgerIndex, ok := checkLedgerTx(r, b, lk); ok {
			res.CloseTime = lk.tx.CloseTime
			r.Set(anchor.CheckLedgerCloseTime, anchor.StatusPass, fmt.Sprintf("%s (ledger %d)", lk.tx.CloseTime.UTC().Format(time.RFC3339), ledgerIndex))
			v.checkKey(ctx, r, b, ledgerIndex)
		} else {
			r.Set(anchor.CheckLedgerCloseTime, anchor.StatusSkip, "not known: the transaction is not in a validated ledger")
			r.Set(anchor.CheckAuthorKey, anchor.StatusSkip, "not checked: the transaction is in no validated ledger at which to read the author's keys")
		}
	}
	v.checkContent(ctx, r, b)
	sortChecks(r)
	return res
}

// checkNetwork compares the node's network with the bundle's: the same
// transaction hash means nothing on another network.
func (v *Verifier) checkNetwork(ctx context.Context, r *anchor.Report, want uint32) {
	id, known, err := v.Ledger.NetworkID(ctx)
	switch {
	case err != nil:
		r.Set(anchor.CheckLedgerNetwork, anchor.StatusSkip, "could not ask the node: "+banx.ErrorMessage(err))
	case !known:
		r.Set(anchor.CheckLedgerNetwork, anchor.StatusSkip, "the node does not report its network id")
	case id != want:
		r.Set(anchor.CheckLedgerNetwork, anchor.StatusFail, fmt.Sprintf("the node is on network %d, the anchor on network %d", id, want))
	default:
		r.Set(anchor.CheckLedgerNetwork, anchor.StatusPass, fmt.Sprintf("network %d", id))
	}
}

// checkLedgerTx settles ledger.tx. ok reports that the node showed this very
// transaction (its bytes hash to the anchored hash) in validated ledger
// index, where the key checks then read the account; the result may still be
// a failure (tec), which ledger.tx reports.
func checkLedgerTx(r *anchor.Report, b anchor.ProofBundle, lk *txLookup) (index uint32, ok bool) {
	t := lk.tx
	genuine := lk.err == nil && isUpperHex(t.Blob) && anchor.TxID(mustHex(t.Blob)) == b.Tx.Hash
	switch {
	case lk.err != nil && banx.ErrorCode(lk.err) == banx.ENOTFOUND:
		r.Set(anchor.CheckLedgerTx, anchor.StatusFail, fmt.Sprintf("the node has no transaction %s in ledger %d: %s", b.Tx.Hash, b.Tx.LedgerIndex, banx.ErrorMessage(lk.err)))
	case lk.err != nil:
		r.Set(anchor.CheckLedgerTx, anchor.StatusSkip, "could not ask the node: "+banx.ErrorMessage(lk.err))
	case !genuine:
		r.Set(anchor.CheckLedgerTx, anchor.StatusFail, fmt.Sprintf("the node answered with a transaction that does not hash to %s", b.Tx.Hash))
	case !t.Validated:
		r.Set(anchor.CheckLedgerTx, anchor.StatusFail, "the transaction is not in a validated ledger: until it is, it may never apply and anchors nothing")
	case t.Result != "tesSUCCESS":
		r.Set(anchor.CheckLedgerTx, anchor.StatusFail, fmt.Sprintf("the transaction failed with %s in ledger %d: it was recorded to charge its fee but anchors nothing", t.Result, t.LedgerIndex))
	case t.LedgerIndex != b.Tx.LedgerIndex:
		r.Set(anchor.CheckLedgerTx, anchor.StatusFail, fmt.Sprintf("the transaction is in ledger %d, the bundle says %d", t.LedgerIndex, b.Tx.LedgerIndex))
	default:
		r.Set(anchor.CheckLedgerTx, anchor.StatusPass, fmt.Sprintf("validated in ledger %d with tesSUCCESS; its bytes hash to %s", t.LedgerIndex, b.Tx.Hash))
	}
	return t.LedgerIndex, genuine && t.Validated
}

// signingKey returns the key whose ownership decides authorship: the leaf's
// for a batch (the author signed the leaf), the transaction's for a self
// anchor (the author signed the transaction). ok is false when that
// signature did not verify, which its own check already reports.
func signingKey(r *anchor.Report, b anchor.ProofBundle) (key string, ok bool) {
	if b.Mode == anchor.KindBatch {
		c, _ := r.Get(anchor.CheckLeafSignature)
		return b.Batch.PublicKey, c.Status == anchor.StatusPass
	}
	c, _ := r.Get(anchor.CheckTxSignature)
	if c.Status != anchor.StatusPass {
		return "", false
	}
	fields, err := decodeBlob(b.Tx.Blob)
	if err != nil {
		return "", false
	}
	key, _ = fields["SigningPubKey"].(string)
	return strings.ToUpper(key), key != ""
}

// settleKeyOffline records, without a ledger, what can be said of the key.
func settleKeyOffline(r *anchor.Report, b anchor.ProofBundle) {
	key, ok := signingKey(r, b)
	if !ok {
		if _, has := r.Get(anchor.CheckAuthorKey); !has {
			r.Set(anchor.CheckAuthorKey, anchor.StatusSkip, "not checked: no verified signature")
		}
		return
	}
	own, err := anchor.KeyOwner(b.Author, key)
	if err != nil {
		r.Set(anchor.CheckAuthorKey, anchor.StatusFail, banx.ErrorMessage(err))
		return
	}
	r.Key = &own
	r.Set(anchor.CheckAuthorKey, anchor.StatusSkip, fmt.Sprintf(
		"not checked: whether key %s (address %s) could sign for %s at ledger %d needs an XRPL node (master key not disabled, or RegularKey)",
		own.PublicKey, own.KeyAddress, b.Author, b.Tx.LedgerIndex))
}

// checkKey decides whether the signing key belonged to the author at the
// anchor's ledger: the master key if it was not disabled there, or the
// account's RegularKey there; for an account not on that ledger (never
// funded), its master key alone. It reads the account as of that validated
// ledger, so a key set or disabled later neither helps nor harms.
func (v *Verifier) checkKey(ctx context.Context, r *anchor.Report, b anchor.ProofBundle, ledgerIndex uint32) {
	key, ok := signingKey(r, b)
	if !ok {
		if c, has := r.Get(anchor.CheckAuthorKey); !has || c.Status == anchor.StatusSkip {
			r.Set(anchor.CheckAuthorKey, anchor.StatusSkip, "not checked: no verified signature")
		}
		return
	}
	own, err := anchor.KeyOwner(b.Author, key)
	if err != nil {
		r.Set(anchor.CheckAuthorKey, anchor.StatusFail, banx.ErrorMessage(err))
		return
	}
	r.Key = &own
	acct, err := v.Ledger.AccountAt(ctx, b.Author, ledgerIndex)
	switch {
	case err != nil && banx.ErrorCode(err) == banx.ENOTFOUND:
		// An account not on the ledger has no RegularKey and no disabled
		// master key yet, so exactly its master key speaks for it: the
		// no-XRP authors batch anchoring exists for sign this way.
		if own.Master {
			r.Set(anchor.CheckAuthorKey, anchor.StatusPass, fmt.Sprintf("account not on the ledger: only its master key can sign for it, and this is it (%s at ledger %d)", b.Author, ledgerIndex))
			return
		}
		r.Set(anchor.CheckAuthorKey, anchor.StatusFail, fmt.Sprintf("account not on the ledger: only its master key can sign for it, and key %s belongs to %s, not %s (ledger %d)", own.PublicKey, own.KeyAddress, b.Author, ledgerIndex))
		r.Set(anchor.CheckLedgerRegularKey, anchor.StatusFail, fmt.Sprintf("%s does not exist in ledger %d, so it had no RegularKey, let alone %s", b.Author, ledgerIndex, own.KeyAddress))
		return
	case err != nil:
		r.Set(anchor.CheckAuthorKey, anchor.StatusSkip, fmt.Sprintf("could not read %s at ledger %d: %s", b.Author, ledgerIndex, banx.ErrorMessage(err)))
		return
	}
	if own.Master {
		if acct.Flags&LsfDisableMaster != 0 {
			r.Set(anchor.CheckAuthorKey, anchor.StatusFail, fmt.Sprintf("signed with the master key of %s, which was disabled at ledger %d: it no longer speaks for the account", b.Author, ledgerIndex))
			return
		}
		r.Set(anchor.CheckAuthorKey, anchor.StatusPass, fmt.Sprintf("the master key of %s, not disabled at ledger %d", b.Author, ledgerIndex))
		return
	}
	if acct.RegularKey == own.KeyAddress {
		r.Set(anchor.CheckAuthorKey, anchor.StatusPass, fmt.Sprintf("key %s (address %s) was %s's RegularKey at ledger %d", own.PublicKey, own.KeyAddress, b.Author, ledgerIndex))
		r.Set(anchor.CheckLedgerRegularKey, anchor.StatusPass, fmt.Sprintf("%s's RegularKey at ledger %d: %s", b.Author, ledgerIndex, acct.RegularKey))
		return
	}
	regular := "it had none"
	if acct.RegularKey != "" {
		regular = "it was " + acct.RegularKey
	}
	r.Set(anchor.CheckAuthorKey, anchor.StatusFail, fmt.Sprintf("key %s belongs to %s, which is neither %s's master key nor its RegularKey at ledger %d (%s)", own.PublicKey, own.KeyAddress, b.Author, ledgerIndex, regular))
	r.Set(anchor.CheckLedgerRegularKey, anchor.StatusFail, fmt.Sprintf("%s's RegularKey at ledger %d is not %s: %s", b.Author, ledgerIndex, own.KeyAddress, regular))
}

// checkContent fetches the manifest by CID when a content source is given and
// checks it, then re-imports the checked bytes to the anchored CID. Without a
// source, the bytes a bundle carries inline are checked the same way.
func (v *Verifier) checkContent(ctx context.Context, r *anchor.Report, b anchor.ProofBundle) {
	data := b.Manifest.Bytes
	if v.Content == nil {
		r.Set(anchor.CheckContentFetched, anchor.StatusSkip, "not checked: no IPFS node given")
	} else {
		fetched, err := v.Content.Fetch(ctx, b.Manifest.CID, v.maxContent())
		switch {
		case err == nil:
			r.Set(anchor.CheckContentFetched, anchor.StatusPass, fmt.Sprintf("%d bytes from %s", len(fetched), v.Content.Describe()))
			r.VerifyContent(b, fetched)
			if len(data) > 0 && string(data) != string(fetched) {
				r.Set(anchor.CheckContentSHA256, anchor.StatusFail, "the manifest bytes inside the bundle differ from the content IPFS serves for the CID: at most one of them is the anchored content")
			}
			data = fetched
		case banx.ErrorCode(err) == banx.EUNAVAILABLE:
			r.Set(anchor.CheckContentFetched, anchor.StatusSkip, "could not fetch from "+v.Content.Describe()+": "+banx.ErrorMessage(err))
		default:
			r.Set(anchor.CheckContentFetched, anchor.StatusFail, banx.ErrorMessage(err))
		}
		if err != nil && len(data) == 0 {
			const nothing = "not checked: the content could not be fetched"
			r.Set(anchor.CheckContentSHA256, anchor.StatusSkip, nothing)
			r.Set(anchor.CheckContentCID, anchor.StatusSkip, nothing)
			r.Set(anchor.CheckManifestAuthor, anchor.StatusSkip, nothing)
			return
		}
	}
	if len(data) == 0 {
		return
	}
	if c, _ := r.Get(anchor.CheckContentSHA256); c.Status != anchor.StatusPass {
		return
	}
	got, err := ComputeCID(data)
	switch {
	case err != nil:
		r.Set(anchor.CheckContentCID, anchor.StatusSkip, "could not compute the CID: "+banx.ErrorMessage(err))
	case got != b.Manifest.CID:
		r.Set(anchor.CheckContentCID, anchor.StatusFail, fmt.Sprintf("the content re-imports to %s, not the anchored %s (%s)", got, b.Manifest.CID, cidSettingsSummary()))
	default:
		r.Set(anchor.CheckContentCID, anchor.StatusPass, fmt.Sprintf("the content re-imports to %s (%s)", got, cidSettingsSummary()))
	}
}

// VerifyTx verifies an anchor starting from its transaction hash: the ledger
// supplies the transaction and its memo. A self anchor is then verified in
// full. A batch anchor holds only a Merkle root, so without the article's
// proof bundle its inclusion checks are skips. It returns banx.EINVALID for
// a malformed target and when no ledger node is configured.
func (v *Verifier) VerifyTx(ctx context.Context, t Target) (Result, error) {
	t, err := t.normalize()
	if err != nil {
		return Result{}, err
	}
	if v.Ledger == nil {
		return Result{}, banx.Errorf(banx.EINVALID, "verifying a transaction hash needs an XRPL node")
	}
	ctx, cancel := v.withTimeout(ctx)
	defer cancel()
	lk := &txLookup{}
	lk.tx, lk.err = v.Ledger.Tx(ctx, t.TxHash, 0)
	res := Result{Report: anchor.Report{TxHash: t.TxHash}, CID: t.CID, SHA256: t.SHA256}
	r := &res.Report
	if lk.err != nil {
		if banx.ErrorCode(lk.err) == banx.ENOTFOUND {
			r.Set(anchor.CheckLedgerTx, anchor.StatusFail, fmt.Sprintf("the node does not know transaction %s: %s", t.TxHash, banx.ErrorMessage(lk.err)))
		} else {
			r.Set(anchor.CheckLedgerTx, anchor.StatusSkip, "could not ask the node: "+banx.ErrorMessage(lk.err))
		}
		return res, nil
	}
	if !isUpperHex(lk.tx.Blob) || anchor.TxID(mustHex(lk.tx.Blob)) != t.TxHash {
		r.Set(anchor.CheckLedgerTx, anchor.StatusFail, fmt.Sprintf("the node answered with a transaction that does not hash to %s", t.TxHash))
		return res, nil
	}
	fields, err := decodeBlob(lk.tx.Blob)
	if err != nil {
		r.Set(anchor.CheckLedgerTx, anchor.StatusFail, err.Error())
		return res, nil
	}
	account, _ := fields["Account"].(string)
	memoHex, memoErr := anchorMemo(fields)
	var memo anchor.Memo
	if memoErr == nil {
		memo, memoErr = anchor.DecodeMemoHex(memoHex)
	}
	network, known, nerr := v.Ledger.NetworkID(ctx)
	if nerr != nil || !known {
		network = 0
	}
	if memoErr == nil && memo.Kind == anchor.KindSelf {
		b := anchor.ProofBundle{Version: anchor.BundleVersion, Mode: anchor.KindSelf, Network: anchor.Network{ID: network},
			Author: memo.Author, Manifest: anchor.ManifestRef{CID: memo.CID, SHA256: memo.SHA256},
			Tx: anchor.TxRef{Hash: t.TxHash, LedgerIndex: lk.tx.LedgerIndex, Account: account}, Memo: memoHex}
		if b.Tx.LedgerIndex == 0 {
			b.Tx.LedgerIndex = 1 // not validated: ledger.tx fails, whatever index the bundle names
		}
		err := b.Validate()
		if err == nil {
			res = v.verifyBundle(ctx, b, lk)
			res.Set(anchor.CheckBundle, anchor.StatusPass, "no bundle given: built from the transaction the ledger holds")
			if !lk.tx.Validated {
				res.LedgerIndex = 0
			}
			checkTarget(&res.Report, t, memo)
			sortChecks(&res.Report)
			return res, nil
		}
		r.Set(anchor.CheckBundle, anchor.StatusFail, "the transaction's anchor cannot be verified: "+banx.ErrorMessage(err))
	}
	// No self anchor to verify in full: report what the ledger and the memo say.
	r.Set(anchor.CheckMemo, statusOf(memoErr), memoDetail(memo, memoErr))
	r.Mode, r.NetworkID = memo.Kind, network
	b := anchor.ProofBundle{Tx: anchor.TxRef{Hash: t.TxHash, LedgerIndex: lk.tx.LedgerIndex}}
	if b.Tx.LedgerIndex == 0 {
		b.Tx.LedgerIndex = 1
	}
	if index, ok := checkLedgerTx(r, b, lk); ok {
		r.LedgerIndex, res.CloseTime = index, lk.tx.CloseTime
		r.Set(anchor.CheckLedgerCloseTime, anchor.StatusPass, fmt.Sprintf("%s (ledger %d)", lk.tx.CloseTime.UTC().Format(time.RFC3339), index))
	}
	if memoErr == nil && memo.Kind == anchor.KindBatch {
		const need = "not checked: a batch anchor holds only a Merkle root; proving an article is in it needs the article's proof bundle (banx verify BUNDLE.json, or the article URL)"
		r.Set(anchor.CheckLeafSignature, anchor.StatusSkip, need)
		r.Set(anchor.CheckAuthorKey, anchor.StatusSkip, need)
		r.Set(anchor.CheckMerklePath, anchor.StatusSkip, need)
	}
	sortChecks(r)
	return res, nil
}

// checkTarget fails memo.content when the reader expected another article
// version than the one the transaction anchors.
func checkTarget(r *anchor.Report, t Target, m anchor.Memo) {
	switch {
	case t.CID != "" && t.CID != m.CID:
		r.Set(anchor.CheckMemoContent, anchor.StatusFail, fmt.Sprintf("the transaction anchors CID %s, not the expected %s", m.CID, t.CID))
	case t.SHA256 != "" && t.SHA256 != m.SHA256:
		r.Set(anchor.CheckMemoContent, anchor.StatusFail, fmt.Sprintf("the transaction anchors sha256 %s, not the expected %s", m.SHA256, t.SHA256))
	}
}

func (t Target) normalize() (Target, error) {
	t.TxHash = strings.ToUpper(strings.TrimSpace(t.TxHash))
	if len(t.TxHash) != 64 || !isUpperHex(t.TxHash) {
		return t, banx.Errorf(banx.EINVALID, "transaction hash %q is not 64 hexadecimal characters", clip(t.TxHash))
	}
	if t.CID != "" {
		id, err := ipfs.ParseCID(t.CID)
		if err != nil {
			return t, banx.Wrap(banx.EINVALID, err, "expected %s", banx.ErrorMessage(err))
		}
		// Memos hold one spelling of a CID, so the expected one must be that spelling.
		if id.Version() == 0 || id.String() != t.CID {
			return t, banx.Errorf(banx.EINVALID, "expected cid %q is not in the spelling anchors use: want a CIDv1 in base32 lower case", clip(t.CID))
		}
	}
	if t.SHA256 != "" {
		t.SHA256 = strings.ToLower(t.SHA256)
		if _, err := hex.DecodeString(t.SHA256); err != nil || len(t.SHA256) != 64 {
			return t, banx.Errorf(banx.EINVALID, "expected sha256 %q is not 64 hexadecimal characters", clip(t.SHA256))
		}
	}
	return t, nil
}

// anchorMemo picks the memo to judge: the first whose MemoType names a Banx
// anchor format (any version, so that DecodeMemoHex can say which), else the
// first memo, so that the reason names what the transaction carries instead.
func anchorMemo(fields map[string]any) (anchor.MemoHex, error) {
	list, _ := fields["Memos"].([]any)
	var memos []anchor.MemoHex
	for _, e := range list {
		wrapper, _ := e.(map[string]any)
		m, _ := wrapper["Memo"].(map[string]any)
		t, _ := m["MemoType"].(string)
		f, _ := m["MemoFormat"].(string)
		d, _ := m["MemoData"].(string)
		memos = append(memos, anchor.MemoHex{Type: strings.ToUpper(t), Format: strings.ToUpper(f), Data: strings.ToUpper(d)})
	}
	if len(memos) == 0 {
		return anchor.MemoHex{}, banx.Errorf(banx.EINVALID, "anchor memo: the transaction carries no memo")
	}
	prefix := strings.ToUpper(hex.EncodeToString([]byte(anchor.MemoTypePrefix)))
	for _, m := range memos {
		if strings.HasPrefix(m.Type, prefix) {
			return m, nil
		}
	}
	return memos[0], nil
}

func statusOf(err error) anchor.Status {
	if err != nil {
		return anchor.StatusFail
	}
	return anchor.StatusPass
}

func memoDetail(m anchor.Memo, err error) string {
	if err != nil {
		return banx.ErrorMessage(err)
	}
	if m.Kind == anchor.KindBatch {
		return fmt.Sprintf("batch anchor v%d, %d leaves, root %s", m.Version, m.Leaves, m.Root)
	}
	return fmt.Sprintf("self anchor v%d by %s", m.Version, m.Author)
}

// decodeBlob decodes a signed transaction with xrpl-go's binary codec, which
// is reading untrusted bytes: a panic in it is a rejection.
func decodeBlob(blob string) (fields map[string]any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the transaction blob cannot be decoded")
		}
	}()
	fields, err = binarycodec.Decode(blob)
	if err != nil {
		return nil, fmt.Errorf("the transaction blob cannot be decoded: %v", err)
	}
	return fields, nil
}

func isUpperHex(s string) bool {
	if len(s) == 0 || len(s)%2 != 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

func mustHex(s string) []byte {
	b, _ := hex.DecodeString(s)
	return b
}

// checkOrder is the order of a report, the anchor package's: what the proof
// says, then what the ledger says, then what the content says.
var checkOrder = []string{
	anchor.CheckBundle, anchor.CheckMemo, anchor.CheckMemoContent, anchor.CheckAuthor, anchor.CheckLeafSignature,
	anchor.CheckAuthorKey, anchor.CheckMerklePath, anchor.CheckTxHash, anchor.CheckTxSignature, anchor.CheckTxMemo,
	anchor.CheckLedgerNetwork, anchor.CheckLedgerTx, anchor.CheckLedgerCloseTime, anchor.CheckLedgerRegularKey,
	anchor.CheckContentFetched, anchor.CheckContentSHA256, anchor.CheckContentCID, anchor.CheckManifestAuthor,
}

func sortChecks(r *anchor.Report) {
	rank := func(id string) int {
		if i := slices.Index(checkOrder, id); i >= 0 {
			return i
		}
		return len(checkOrder)
	}
	slices.SortStableFunc(r.Checks, func(a, b anchor.Check) int { return rank(a.ID) - rank(b.ID) })
}
