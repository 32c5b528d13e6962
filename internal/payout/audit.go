package payout

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	binarycodec "github.com/Peersyst/xrpl-go/binary-codec"

	"github.com/banxmedia/banx/internal/amount"
	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/reward"
	"github.com/banxmedia/banx/internal/xrpl"
)

// PaymentTx is a payout transaction as read from a ledger node, decoded from
// the signed blob and the metadata blob (DecodePaymentTx), so that an audit
// rests on the bytes whose hash it asked for, not on the node's JSON.
type PaymentTx struct {
	Hash        string
	Validated   bool   // in a validated ledger, as the node says
	Result      string // TransactionResult of the metadata; "" when not in a ledger
	LedgerIndex uint32
	Type        string // TransactionType
	Account     string // the sender
	Destination string
	Amount      *xrpl.Amount // what was asked for; never what arrived
	Delivered   *xrpl.Amount // the metadata's DeliveredAmount; nil when absent
	Memos       []xrpl.Memo
}

// AuditToken is the token a payout must be made in, and optionally the
// account it must come from. The proof does not name them (a leaf is the same
// whatever pays it), so the auditor gives them from the token contract.
type AuditToken struct {
	Currency     string
	Issuer       string
	Distribution string // "" accepts any sender (the sender is shown)
}

// Audit check IDs, in checklist order.
const (
	AuditProof       = "proof"
	AuditLedger      = "ledger"
	AuditPayment     = "payment"
	AuditMemo        = "memo"
	AuditDestination = "destination"
	AuditDelivered   = "delivered"
)

var auditNames = map[string]string{
	AuditProof:       "proof is well-formed and its Merkle path leads to the root",
	AuditLedger:      "transaction is in a validated ledger with tesSUCCESS",
	AuditPayment:     "transaction is a payment of the token from the distribution account",
	AuditMemo:        "memo is a Banx payout memo naming the proof's epoch and root",
	AuditDestination: "destination is one of the leaf's payment accounts",
	AuditDelivered:   "delivered_amount equals the leaf's amount for that account",
}

// AuditCheck is one line of a payout audit: the same check as an anchor
// verification, so both print and serialize alike.
type AuditCheck = anchor.Check

// AuditResult is the checklist of one payout transaction against one leaf
// proof. It passes only when every check passes.
type AuditResult struct {
	Epoch   uint64       `json:"epoch"`
	Root    string       `json:"root"`
	Author  string       `json:"author"`
	TxHash  string       `json:"tx_hash"`
	Checks  []AuditCheck `json:"checks"`
	Covered string       `json:"covered"` // which of the leaf's payments the tx covers
}

// OK reports whether every check passed.
func (r AuditResult) OK() bool {
	for _, c := range r.Checks {
		if c.Status != anchor.StatusPass {
			return false
		}
	}
	return len(r.Checks) > 0
}

// Failed returns the checks that did not pass.
func (r AuditResult) Failed() []AuditCheck {
	var out []AuditCheck
	for _, c := range r.Checks {
		if c.Status != anchor.StatusPass {
			out = append(out, c)
		}
	}
	return out
}

func (r *AuditResult) set(id string, st anchor.Status, detail string) {
	r.Checks = append(r.Checks, AuditCheck{ID: id, Name: auditNames[id], Status: st, Detail: detail})
}

// AuditPayout checks, without trusting Banx, that tx pays the leaf of proof:
// the proof's path leads to its root; tx is validated and tesSUCCESS; it is a
// Payment of tok from the distribution account whose payout memo names the
// proof's network, epoch, root and author; its Destination is one of the
// leaf's payment accounts; and its delivered_amount (never Amount) equals that
// payment's amount exactly. A leaf with beneficiaries has several payments:
// one transaction covers one of them, as Covered says. txErr, when not nil, is
// why tx could not be read (its checks then fail with that reason).
func AuditPayout(proof reward.LeafProof, tok AuditToken, tx PaymentTx, txErr error) AuditResult {
	r := AuditResult{Epoch: proof.Epoch, Root: proof.Root, Author: proof.Leaf.Author, TxHash: tx.Hash}
	if err := proof.Verify(); err != nil {
		r.set(AuditProof, anchor.StatusFail, banx.ErrorMessage(err))
	} else {
		r.set(AuditProof, anchor.StatusPass, fmt.Sprintf("leaf %d of %d hashes to %s and leads to root %s", proof.Index, proof.Size, proof.LeafHash, proof.Root))
	}
	if txErr != nil {
		for _, id := range []string{AuditLedger, AuditPayment, AuditMemo, AuditDestination, AuditDelivered} {
			if id == AuditLedger {
				r.set(id, anchor.StatusFail, banx.ErrorMessage(txErr))
			} else {
				r.set(id, anchor.StatusSkip, "no transaction to check")
			}
		}
		return r
	}
	switch {
	case !tx.Validated:
		r.set(AuditLedger, anchor.StatusFail, "the transaction is not in a validated ledger (yet): nothing about it is final")
	case tx.Result != "tesSUCCESS":
		r.set(AuditLedger, anchor.StatusFail, fmt.Sprintf("validated in ledger %d with %s: it delivered nothing", tx.LedgerIndex, orNone(tx.Result)))
	default:
		r.set(AuditLedger, anchor.StatusPass, fmt.Sprintf("validated in ledger %d, tesSUCCESS", tx.LedgerIndex))
	}
	r.checkPayment(tok, tx)
	r.checkMemo(proof, tx)
	pay, ok := r.checkDestination(proof, tx)
	r.checkDelivered(tok, tx, pay, ok)
	if ok && len(proof.Leaf.Payments) > 1 {
		r.Covered = fmt.Sprintf("this transaction covers 1 of the leaf's %d payments (%s %s); check the others' transactions too", len(proof.Leaf.Payments), pay.Account, pay.Amount)
	} else if ok {
		r.Covered = fmt.Sprintf("this transaction covers the leaf's only payment (%s %s)", pay.Account, pay.Amount)
	}
	return r
}

func (r *AuditResult) checkPayment(tok AuditToken, tx PaymentTx) {
	var why []string
	if tx.Type != "Payment" {
		why = append(why, fmt.Sprintf("it is a %s, not a Payment", orNone(tx.Type)))
	}
	if tx.Amount == nil || !sameToken(*tx.Amount, tok) {
		why = append(why, fmt.Sprintf("its Amount is %s, not %s issued by %s", amountText(tx.Amount), tok.Currency, tok.Issuer))
	}
	if tok.Distribution != "" && tx.Account != tok.Distribution {
		why = append(why, fmt.Sprintf("it was sent by %s, not the distribution account %s", orNone(tx.Account), tok.Distribution))
	}
	if len(why) > 0 {
		r.set(AuditPayment, anchor.StatusFail, strings.Join(why, "; "))
		return
	}
	from := "from " + tx.Account
	if tok.Distribution == "" {
		from += " (sender not checked: no distribution account given)"
	}
	r.set(AuditPayment, anchor.StatusPass, fmt.Sprintf("Payment of %s issued by %s %s", tok.Currency, tok.Issuer, from))
}

func (r *AuditResult) checkMemo(proof reward.LeafProof, tx PaymentTx) {
	var memo *Memo
	for _, m := range tx.Memos {
		if m.Type != MemoType {
			continue
		}
		if memo != nil {
			r.set(AuditMemo, anchor.StatusFail, "the transaction carries more than one payout memo")
			return
		}
		var got Memo
		if m.Format != MemoFormat {
			r.set(AuditMemo, anchor.StatusFail, fmt.Sprintf("the payout memo's format is %q, not %q", m.Format, MemoFormat))
			return
		}
		dec := json.NewDecoder(strings.NewReader(string(m.Data)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&got); err != nil || dec.More() {
			r.set(AuditMemo, anchor.StatusFail, "the payout memo's data is not the payout memo JSON")
			return
		}
		memo = &got
	}
	if memo == nil {
		r.set(AuditMemo, anchor.StatusFail, fmt.Sprintf("no memo of type %s: this is not a Banx payout", MemoType))
		return
	}
	var why []string
	if memo.Epoch != proof.Epoch {
		why = append(why, fmt.Sprintf("it names epoch %d, the proof epoch %d", memo.Epoch, proof.Epoch))
	}
	if !strings.EqualFold(memo.Root, proof.Root) {
		why = append(why, fmt.Sprintf("it names root %s, the proof root %s", memo.Root, proof.Root))
	}
	if memo.Network != proof.Network {
		why = append(why, fmt.Sprintf("it names network %q, the proof %q", memo.Network, proof.Network))
	}
	if memo.Author != proof.Leaf.Author {
		why = append(why, fmt.Sprintf("it pays the leaf of %s, the proof is %s's", memo.Author, proof.Leaf.Author))
	}
	if len(why) > 0 {
		r.set(AuditMemo, anchor.StatusFail, strings.Join(why, "; "))
		return
	}
	r.set(AuditMemo, anchor.StatusPass, fmt.Sprintf("network %s, epoch %d, root %s, author %s", memo.Network, memo.Epoch, memo.Root, memo.Author))
}

func (r *AuditResult) checkDestination(proof reward.LeafProof, tx PaymentTx) (reward.Payment, bool) {
	var accounts []string
	for _, p := range proof.Leaf.Payments {
		if p.Account == tx.Destination {
			r.set(AuditDestination, anchor.StatusPass, fmt.Sprintf("%s is paid %s by the leaf", p.Account, p.Amount))
			return p, true
		}
		accounts = append(accounts, p.Account)
	}
	r.set(AuditDestination, anchor.StatusFail, fmt.Sprintf("the transaction pays %s; the leaf pays only %s", orNone(tx.Destination), orNone(strings.Join(accounts, ", "))))
	return reward.Payment{}, false
}

func (r *AuditResult) checkDelivered(tok AuditToken, tx PaymentTx, pay reward.Payment, ok bool) {
	if !ok {
		r.set(AuditDelivered, anchor.StatusSkip, "no leaf payment to compare with")
		return
	}
	want, err := amount.ParseIOU(pay.Amount)
	if err != nil {
		r.set(AuditDelivered, anchor.StatusFail, "the leaf's amount "+pay.Amount+" is not a token amount")
		return
	}
	d := tx.Delivered
	switch {
	case d == nil:
		r.set(AuditDelivered, anchor.StatusFail, "the metadata has no delivered_amount: nothing is proven delivered")
		return
	case !sameToken(*d, tok):
		r.set(AuditDelivered, anchor.StatusFail, fmt.Sprintf("delivered %s, not %s issued by %s", amountText(d), tok.Currency, tok.Issuer))
		return
	}
	got, err := amount.ParseIOU(d.Value)
	if err != nil {
		r.set(AuditDelivered, anchor.StatusFail, "delivered_amount "+d.Value+" is not a token amount")
		return
	}
	switch c := got.Cmp(want); {
	case c < 0:
		r.set(AuditDelivered, anchor.StatusFail, fmt.Sprintf("delivered %s, less than the leaf's %s", got, pay.Amount))
	case c > 0:
		r.set(AuditDelivered, anchor.StatusFail, fmt.Sprintf("delivered %s, more than the leaf's %s", got, pay.Amount))
	default:
		r.set(AuditDelivered, anchor.StatusPass, fmt.Sprintf("delivered %s %s, exactly the leaf's amount", got, tok.Currency))
	}
}

func sameToken(a xrpl.Amount, tok AuditToken) bool {
	if a.IsXRP() || a.MPTIssuanceID != "" || a.Issuer != tok.Issuer {
		return false
	}
	x, err1 := amount.ParseCurrency(a.Currency)
	y, err2 := amount.ParseCurrency(tok.Currency)
	return err1 == nil && err2 == nil && x == y
}

func amountText(a *xrpl.Amount) string {
	switch {
	case a == nil:
		return "(none)"
	case a.IsXRP():
		return a.Value + " drops of XRP"
	case a.MPTIssuanceID != "":
		return a.Value + " of MPT " + a.MPTIssuanceID
	}
	return a.Value + " " + a.Currency + " issued by " + a.Issuer
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// DecodePaymentTx decodes a transaction read from a node in binary form. The
// blob must hash to hash (so the node cannot answer with another transaction)
// and re-encode to the same bytes; the metadata, when given, must carry the
// result the node reported. Where the metadata has no DeliveredAmount, the
// delivered amount is rippled's: the Amount, for a successful payment that is
// not partial in a ledger after DeliveredAmount began to be recorded (ledger
// 4594095, closed 2014-01-20); before that it is unknown. Errors are
// banx.EINVALID with the reason.
func DecodePaymentTx(hash, blob, meta string, validated bool, ledgerIndex uint32, closeTime time.Time, result string) (PaymentTx, error) {
	raw, err := hex.DecodeString(blob)
	if err != nil || len(raw) == 0 {
		return PaymentTx{}, banx.Errorf(banx.EINVALID, "the transaction blob is not hex")
	}
	if id := anchor.TxID(raw); !strings.EqualFold(id, hash) {
		return PaymentTx{}, banx.Errorf(banx.EINVALID, "the node answered with transaction %s, not %s", id, strings.ToUpper(hash))
	}
	fields, err := decodeFields(blob)
	if err != nil {
		return PaymentTx{}, banx.Errorf(banx.EINVALID, "transaction blob: %v", err)
	}
	if again, err := binarycodec.Encode(fields); err != nil || !strings.EqualFold(again, blob) {
		return PaymentTx{}, banx.Errorf(banx.EINVALID, "the transaction blob does not re-encode to the same bytes")
	}
	t := PaymentTx{Hash: strings.ToUpper(hash), Validated: validated, LedgerIndex: ledgerIndex, Result: result}
	t.Type, _ = fields["TransactionType"].(string)
	t.Account, _ = fields["Account"].(string)
	t.Destination, _ = fields["Destination"].(string)
	if v, ok := fields["Amount"]; ok {
		if t.Amount, err = amountOf(v); err != nil {
			return PaymentTx{}, banx.Errorf(banx.EINVALID, "Amount: %v", err)
		}
	}
	if ms, ok := fields["Memos"].([]any); ok {
		for i, w := range ms {
			m, err := memoOf(w)
			if err != nil {
				return PaymentTx{}, banx.Errorf(banx.EINVALID, "Memos[%d]: %v", i, err)
			}
			t.Memos = append(t.Memos, m)
		}
	}
	if meta == "" {
		return t, nil
	}
	mf, err := decodeFields(meta)
	if err != nil {
		return PaymentTx{}, banx.Errorf(banx.EINVALID, "metadata blob: %v", err)
	}
	if res, _ := mf["TransactionResult"].(string); res != result {
		return PaymentTx{}, banx.Errorf(banx.EINVALID, "the metadata's result %q is not the node's %q", res, result)
	}
	if v, ok := mf["DeliveredAmount"]; ok {
		if t.Delivered, err = amountOf(v); err != nil {
			return PaymentTx{}, banx.Errorf(banx.EINVALID, "DeliveredAmount: %v", err)
		}
	} else if flags, _ := fields["Flags"].(uint32); t.Type == "Payment" && result == "tesSUCCESS" && flags&tfPartialPayment == 0 &&
		(ledgerIndex >= deliveredSinceLedger || closeTime.After(deliveredSince)) {
		t.Delivered = t.Amount
	}
	return t, nil
}

// tfPartialPayment lets a payment deliver less than its Amount; such a payment
// always records DeliveredAmount.
const tfPartialPayment = 0x00020000

// Since ledger 4594095 (closed 2014-01-20T00:00:00Z) every payment's
// metadata says what it delivered: DeliveredAmount when it differs from Amount.
const deliveredSinceLedger = 4594095

var deliveredSince = time.Date(2014, 1, 20, 0, 0, 0, 0, time.UTC)

// decodeFields runs xrpl-go's binary codec on untrusted bytes: a panic in it
// is a rejection.
func decodeFields(blob string) (fields map[string]any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cannot be decoded")
		}
	}()
	fields, err = binarycodec.Decode(strings.ToUpper(blob))
	if err != nil {
		return nil, fmt.Errorf("cannot be decoded: %v", err)
	}
	return fields, nil
}

func amountOf(v any) (*xrpl.Amount, error) {
	switch a := v.(type) {
	case string:
		if _, err := strconv.ParseUint(a, 10, 64); err != nil {
			return nil, fmt.Errorf("%q is not drops", a)
		}
		return &xrpl.Amount{Currency: "XRP", Value: a}, nil
	case map[string]any:
		val, _ := a["value"].(string)
		if id, _ := a["mpt_issuance_id"].(string); id != "" {
			return &xrpl.Amount{MPTIssuanceID: id, Value: val}, nil
		}
		cur, _ := a["currency"].(string)
		iss, _ := a["issuer"].(string)
		if cur == "" || iss == "" || val == "" {
			return nil, fmt.Errorf("an issued amount needs currency, issuer and value")
		}
		return &xrpl.Amount{Currency: cur, Issuer: iss, Value: val}, nil
	}
	return nil, fmt.Errorf("not an amount")
}

func memoOf(w any) (xrpl.Memo, error) {
	outer, _ := w.(map[string]any)
	m, _ := outer["Memo"].(map[string]any)
	if m == nil {
		return xrpl.Memo{}, fmt.Errorf("not a Memo object")
	}
	field := func(k string) ([]byte, error) {
		s, _ := m[k].(string)
		b, err := hex.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("%s is not hex", k)
		}
		return b, nil
	}
	typ, err := field("MemoType")
	if err != nil {
		return xrpl.Memo{}, err
	}
	format, err := field("MemoFormat")
	if err != nil {
		return xrpl.Memo{}, err
	}
	data, err := field("MemoData")
	if err != nil {
		return xrpl.Memo{}, err
	}
	return xrpl.Memo{Type: string(typ), Format: string(format), Data: data}, nil
}
