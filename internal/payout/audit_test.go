package payout_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	binarycodec "github.com/Peersyst/xrpl-go/binary-codec"
	"github.com/Peersyst/xrpl-go/pkg/crypto"
	"github.com/Peersyst/xrpl-go/xrpl/transaction"
	"github.com/Peersyst/xrpl-go/xrpl/transaction/types"
	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/payout"
	"github.com/banxmedia/banx/internal/reward"
	"github.com/banxmedia/banx/internal/xrpl"
)

// auditFixture is a real three-author plan (one author with a beneficiary),
// the proof of the split author, and the payout transaction to the author as
// the executor builds it.
type auditFixture struct {
	tok   payout.AuditToken
	proof reward.LeafProof
	tx    payout.PaymentTx
}

func newAddress(t *testing.T) string {
	t.Helper()
	w, err := wallet.New(crypto.ED25519())
	if err != nil {
		t.Fatal(err)
	}
	return w.ClassicAddress.String()
}

func payoutMemo(t *testing.T, m payout.Memo) xrpl.Memo {
	t.Helper()
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return xrpl.Memo{Type: payout.MemoType, Format: payout.MemoFormat, Data: data}
}

func newAuditFixture(t *testing.T) auditFixture {
	t.Helper()
	policy, err := reward.DefaultPolicy()
	if err != nil {
		t.Fatal(err)
	}
	issuer, dist := newAddress(t), newAddress(t)
	a1, a2, a3, friend := newAddress(t), newAddress(t), newAddress(t), newAddress(t)
	plan, err := reward.ComputePlan(reward.Input{Network: "embedded", Epoch: 3, Currency: "BXE", Issuer: issuer, Policy: policy,
		Views:         []reward.ArticleViews{{Author: a1, ArticleID: 1, Views: 30}, {Author: a2, ArticleID: 2, Views: 20}, {Author: a3, ArticleID: 3, Views: 7}},
		Beneficiaries: map[string][]reward.Share{a2: {{Account: a2, BasisPoints: 6000}, {Account: friend, BasisPoints: 4000}}}})
	if err != nil {
		t.Fatal(err)
	}
	proof, err := plan.Proof(a2)
	if err != nil {
		t.Fatal(err)
	}
	if len(proof.Path) == 0 || len(proof.Leaf.Payments) != 2 {
		t.Fatalf("fixture proof has no path or not two payments: %+v", proof)
	}
	pay := proof.Leaf.Payments[0]
	tok := payout.AuditToken{Currency: "BXE", Issuer: issuer, Distribution: dist}
	value := &xrpl.Amount{Currency: "BXE", Issuer: issuer, Value: pay.Amount}
	delivered := *value
	return auditFixture{tok: tok, proof: proof, tx: payout.PaymentTx{
		Hash: strings.Repeat("AB", 32), Validated: true, Result: "tesSUCCESS", LedgerIndex: 9, Type: "Payment",
		Account: dist, Destination: pay.Account, Amount: value, Delivered: &delivered,
		Memos: []xrpl.Memo{payoutMemo(t, payout.Memo{Network: "embedded", Epoch: 3, Root: proof.Root, Author: a2})},
	}}
}

// TestAuditPayout checks the audit passes for the genuine payout and fails the
// right check, with its reason, for each way a proof or payment can be wrong.
func TestAuditPayout(t *testing.T) {
	f := newAuditFixture(t)
	t.Run("OK", func(t *testing.T) {
		r := payout.AuditPayout(f.proof, f.tok, f.tx, nil)
		if !r.OK() || len(r.Checks) != 6 {
			t.Fatalf("audit failed: %+v", r.Checks)
		}
		if !strings.Contains(r.Covered, "1 of the leaf's 2 payments") {
			t.Fatalf("covered = %q", r.Covered)
		}
	})
	t.Run("OKBeneficiary", func(t *testing.T) {
		tx := f.tx
		other := f.proof.Leaf.Payments[1]
		tx.Destination = other.Account
		tx.Delivered = &xrpl.Amount{Currency: "BXE", Issuer: f.tok.Issuer, Value: other.Amount}
		if r := payout.AuditPayout(f.proof, f.tok, tx, nil); !r.OK() {
			t.Fatalf("audit failed: %+v", r.Failed())
		}
	})
	t.Run("OKNoDistributionGiven", func(t *testing.T) {
		tok := f.tok
		tok.Distribution = ""
		r := payout.AuditPayout(f.proof, tok, f.tx, nil)
		if !r.OK() || !strings.Contains(r.Checks[2].Detail, "sender not checked") {
			t.Fatalf("audit: %+v", r.Checks)
		}
	})
	cases := []struct {
		name  string
		edit  func(p *reward.LeafProof, tx *payout.PaymentTx, tok *payout.AuditToken)
		txErr error
		check string
		want  string
	}{
		{"ErrPathTampered", func(p *reward.LeafProof, _ *payout.PaymentTx, _ *payout.AuditToken) {
			p.Path = append([]string(nil), p.Path...)
			p.Path[0] = strings.Repeat("0", 64)
		}, nil, payout.AuditProof, "root"},
		{"ErrLeafTampered", func(p *reward.LeafProof, _ *payout.PaymentTx, _ *payout.AuditToken) {
			p.Leaf.Amount = "1000000"
		}, nil, payout.AuditProof, "leaf_hash"},
		{"ErrProofVersion", func(p *reward.LeafProof, _ *payout.PaymentTx, _ *payout.AuditToken) {
			p.Version = "banx.reward-proof/0"
		}, nil, payout.AuditProof, "proof version"},
		{"ErrNotFound", nil, banx.Errorf(banx.ENOTFOUND, "tx: txnNotFound"), payout.AuditLedger, "txnNotFound"},
		{"ErrNotValidated", func(_ *reward.LeafProof, tx *payout.PaymentTx, _ *payout.AuditToken) {
			tx.Validated = false
		}, nil, payout.AuditLedger, "not in a validated ledger"},
		{"ErrTec", func(_ *reward.LeafProof, tx *payout.PaymentTx, _ *payout.AuditToken) {
			tx.Result = "tecPATH_DRY"
		}, nil, payout.AuditLedger, "tecPATH_DRY"},
		{"ErrNotPayment", func(_ *reward.LeafProof, tx *payout.PaymentTx, _ *payout.AuditToken) {
			tx.Type = "OfferCreate"
		}, nil, payout.AuditPayment, "not a Payment"},
		{"ErrOtherIssuer", func(_ *reward.LeafProof, tx *payout.PaymentTx, tok *payout.AuditToken) {
			tok.Issuer = tx.Destination
		}, nil, payout.AuditPayment, "not BXE issued by"},
		{"ErrOtherSender", func(_ *reward.LeafProof, tx *payout.PaymentTx, _ *payout.AuditToken) {
			tx.Account = tx.Destination
		}, nil, payout.AuditPayment, "not the distribution account"},
		{"ErrNoPayoutMemo", func(_ *reward.LeafProof, tx *payout.PaymentTx, _ *payout.AuditToken) {
			tx.Memos = []xrpl.Memo{{Type: "https://example.com/other", Format: "text/plain", Data: []byte("hi")}}
		}, nil, payout.AuditMemo, "not a Banx payout"},
		{"ErrMemoNotJSON", func(_ *reward.LeafProof, tx *payout.PaymentTx, _ *payout.AuditToken) {
			tx.Memos = []xrpl.Memo{{Type: payout.MemoType, Format: payout.MemoFormat, Data: []byte("epoch 3")}}
		}, nil, payout.AuditMemo, "not the payout memo JSON"},
		{"ErrMemoWrongRoot", func(p *reward.LeafProof, tx *payout.PaymentTx, _ *payout.AuditToken) {
			tx.Memos = []xrpl.Memo{payoutMemo(t, payout.Memo{Network: "embedded", Epoch: 3, Root: strings.Repeat("1", 64), Author: p.Leaf.Author})}
		}, nil, payout.AuditMemo, "names root 1111"},
		{"ErrMemoWrongEpoch", func(p *reward.LeafProof, tx *payout.PaymentTx, _ *payout.AuditToken) {
			tx.Memos = []xrpl.Memo{payoutMemo(t, payout.Memo{Network: "embedded", Epoch: 4, Root: p.Root, Author: p.Leaf.Author})}
		}, nil, payout.AuditMemo, "names epoch 4"},
		{"ErrMemoWrongAuthor", func(p *reward.LeafProof, tx *payout.PaymentTx, _ *payout.AuditToken) {
			tx.Memos = []xrpl.Memo{payoutMemo(t, payout.Memo{Network: "embedded", Epoch: 3, Root: p.Root, Author: tx.Account})}
		}, nil, payout.AuditMemo, "pays the leaf of"},
		{"ErrWrongDestination", func(_ *reward.LeafProof, tx *payout.PaymentTx, _ *payout.AuditToken) {
			tx.Destination = tx.Account
		}, nil, payout.AuditDestination, "the leaf pays only"},
		{"ErrDeliveredLess", func(_ *reward.LeafProof, tx *payout.PaymentTx, _ *payout.AuditToken) {
			d := *tx.Delivered
			d.Value = "0.000001"
			tx.Delivered = &d
		}, nil, payout.AuditDelivered, "less than the leaf's"},
		{"ErrDeliveredMissing", func(_ *reward.LeafProof, tx *payout.PaymentTx, _ *payout.AuditToken) {
			tx.Delivered = nil
		}, nil, payout.AuditDelivered, "no delivered_amount"},
		{"ErrDeliveredXRP", func(_ *reward.LeafProof, tx *payout.PaymentTx, _ *payout.AuditToken) {
			tx.Delivered = &xrpl.Amount{Currency: "XRP", Value: "1000"}
		}, nil, payout.AuditDelivered, "drops of XRP"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, tx, tok := f.proof, f.tx, f.tok
			p.Leaf.Payments = append([]reward.Payment(nil), p.Leaf.Payments...)
			if tc.edit != nil {
				tc.edit(&p, &tx, &tok)
			}
			r := payout.AuditPayout(p, tok, tx, tc.txErr)
			if r.OK() {
				t.Fatal("audit passed")
			}
			failed := r.Failed()
			var hit bool
			for _, c := range failed {
				if c.ID == tc.check && c.Status == anchor.StatusFail && strings.Contains(c.Detail, tc.want) {
					hit = true
				}
			}
			if !hit {
				t.Fatalf("want %s to fail with %q; failed: %+v", tc.check, tc.want, failed)
			}
		})
	}
}

// TestDecodePaymentTx decodes a real signed payout payment and its metadata,
// and refuses a blob that does not hash to the hash asked for.
func TestDecodePaymentTx(t *testing.T) {
	w, err := wallet.New(crypto.ED25519())
	if err != nil {
		t.Fatal(err)
	}
	issuer, dest := newAddress(t), newAddress(t)
	memos, err := xrpl.EncodeMemos(payoutMemo(t, payout.Memo{Network: "embedded", Epoch: 3, Root: strings.Repeat("a", 64), Author: dest}))
	if err != nil {
		t.Fatal(err)
	}
	pay := &transaction.Payment{
		BaseTx:      transaction.BaseTx{Account: types.Address(w.ClassicAddress.String()), Memos: memos, Fee: types.XRPCurrencyAmount(12), Sequence: 5},
		Destination: types.Address(dest),
		Amount:      types.IssuedCurrencyAmount{Currency: "BXE", Issuer: types.Address(issuer), Value: "12.5"},
	}
	flat := pay.Flatten()
	blob, hash, err := w.Sign(flat)
	if err != nil {
		t.Fatal(err)
	}
	meta, err := binarycodec.Encode(map[string]any{"TransactionIndex": 0, "TransactionResult": "tesSUCCESS", "AffectedNodes": []any{},
		"DeliveredAmount": map[string]any{"currency": "BXE", "issuer": issuer, "value": "12.5"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("OKDeliveredIsAmount", func(t *testing.T) {
		plain, err := binarycodec.Encode(map[string]any{"TransactionIndex": 0, "TransactionResult": "tesSUCCESS", "AffectedNodes": []any{}})
		if err != nil {
			t.Fatal(err)
		}
		tx, err := payout.DecodePaymentTx(hash, blob, plain, true, 7, time.Now(), "tesSUCCESS")
		if err != nil || tx.Delivered == nil || tx.Delivered.Value != "12.5" {
			t.Fatalf("decoded %+v, %v", tx, err)
		}
		old, err := payout.DecodePaymentTx(hash, blob, plain, true, 7, time.Date(2013, 1, 1, 0, 0, 0, 0, time.UTC), "tesSUCCESS")
		if err != nil || old.Delivered != nil {
			t.Fatalf("a 2013 payment without DeliveredAmount decoded as delivered: %+v, %v", old, err)
		}
	})
	t.Run("OK", func(t *testing.T) {
		tx, err := payout.DecodePaymentTx(hash, blob, meta, true, 7, time.Now(), "tesSUCCESS")
		if err != nil {
			t.Fatal(err)
		}
		if tx.Type != "Payment" || tx.Destination != dest || tx.Delivered == nil || tx.Delivered.Value != "12.5" || tx.Delivered.Issuer != issuer ||
			len(tx.Memos) != 1 || tx.Memos[0].Type != payout.MemoType || !strings.Contains(string(tx.Memos[0].Data), `"epoch":3`) {
			t.Fatalf("decoded %+v", tx)
		}
	})
	errCases := []struct {
		name, hash, blob, meta, result, want string
	}{
		{"ErrOtherHash", strings.Repeat("0", 64), blob, meta, "tesSUCCESS", "not " + strings.Repeat("0", 64)},
		{"ErrNotHex", hash, "ZZ", meta, "tesSUCCESS", "not hex"},
		{"ErrResultDisagrees", hash, blob, meta, "tecPATH_DRY", "is not the node's"},
	}
	for _, tc := range errCases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := payout.DecodePaymentTx(tc.hash, tc.blob, tc.meta, true, 7, time.Now(), tc.result)
			if banx.ErrorCode(err) != banx.EINVALID || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}
