package publish_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"
	"testing"

	"github.com/Peersyst/xrpl-go/xrpl/transaction"
	"github.com/Peersyst/xrpl-go/xrpl/transaction/types"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/publish"
	"github.com/banxmedia/banx/internal/publish/publishtest"
)

// TestSelfAnchor publishes a first version and an edit in self mode, end to
// end on the real stack, and checks what a reader can verify.
func TestSelfAnchor(t *testing.T) {
	ctx := publishtest.Context(t)
	f := newFixture(t)
	w := f.author(t)
	me := w.ClassicAddress.String()

	d := draft(t, f.svc, w, "First light", "")
	if d.Detail.Version.Status != banx.StatusStored {
		t.Fatalf("new draft is %s", d.Detail.Version.Status)
	}
	p, err := f.svc.PrepareSelf(ctx, me, d.Detail.Version.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p.TxJSON["TransactionType"] != "AccountSet" || p.TxJSON["Account"] != me || p.LastLedgerSequence == 0 {
		t.Fatalf("prepared %v", p.TxJSON)
	}
	before := sequence(t, f.client, me)
	got, err := f.svc.SubmitSelf(ctx, me, d.Detail.Version.ID, signPrepared(t, p, w))
	if err != nil {
		t.Fatal(err)
	}
	if got.Version.Status != banx.StatusAnchoring || got.Version.AnchorTxHash == "" {
		t.Fatalf("after submit: %+v", got.Version)
	}
	v1 := waitFinal(t, f.db, d.Detail.Version.ID)
	if v1.Version.Status != banx.StatusPublished {
		t.Fatalf("version 1 is %s: %s", v1.Version.Status, v1.Anchoring.FailureReason)
	}
	if after := sequence(t, f.client, me); after != before+1 {
		t.Fatalf("author sequence %d -> %d: want exactly one transaction", before, after)
	}
	tx, err := f.client.Tx(ctx, v1.Version.AnchorTxHash)
	if err != nil || !tx.Validated || tx.Result != "tesSUCCESS" || tx.Account != me || len(tx.Memos) != 1 {
		t.Fatalf("anchor tx = %+v, %v", tx, err)
	}
	m, err := anchor.DecodeMemo([]byte(tx.Memos[0].Type), []byte(tx.Memos[0].Format), tx.Memos[0].Data)
	if err != nil || m.SHA256 != v1.Version.SHA256 || m.CID != v1.Version.ManifestCID || m.Author != me {
		t.Fatalf("memo %+v, %v", m, err)
	}
	// The bytes under the CID are exactly those whose hash is anchored.
	rc, err := f.content.Cat(ctx, v1.Version.ManifestCID)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(rc)
	rc.Close()
	if sum := sha256.Sum256(body); hex.EncodeToString(sum[:]) != m.SHA256 {
		t.Fatal("ipfs cat CID | sha256sum differs from the anchored hash")
	}
	verifyProof(t, f.svc, v1)

	t.Run("OKEdit", func(t *testing.T) {
		d2 := draft(t, f.svc, w, "First light, revised", v1.Version.AnchorTxHash)
		if d2.Detail.Version.ArticleID != v1.Version.ArticleID || d2.Detail.Version.Version != 2 {
			t.Fatalf("edit is %+v", d2.Detail.Version)
		}
		p2, err := f.svc.PrepareSelf(ctx, me, d2.Detail.Version.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p2.Memo.Previous != v1.Version.AnchorTxHash {
			t.Fatalf("memo prev = %q", p2.Memo.Previous)
		}
		if _, err := f.svc.SubmitSelf(ctx, me, d2.Detail.Version.ID, signPrepared(t, p2, w)); err != nil {
			t.Fatal(err)
		}
		v2 := waitFinal(t, f.db, d2.Detail.Version.ID)
		if v2.Version.Status != banx.StatusPublished || v2.Version.PreviousTx != v1.Version.AnchorTxHash {
			t.Fatalf("version 2: %+v", v2.Version)
		}
		verifyProof(t, f.svc, v2)
		_, views, err := f.svc.Article(ctx, v1.Version.ArticleID)
		if err != nil || len(views) != 2 || views[1].Version.PreviousTx != views[0].Version.AnchorTxHash || views[1].Anchor.LedgerIndex == 0 {
			t.Fatalf("chain: %v %v", views, err)
		}
	})
}

// TestSelfAnchorRefusals sends every kind of bad signed blob: each is refused
// with its reason, nothing is submitted and the draft stays as it was.
func TestSelfAnchorRefusals(t *testing.T) {
	ctx := publishtest.Context(t)
	f := newFixture(t)
	w, mallory := f.author(t), f.author(t)
	me := w.ClassicAddress.String()
	d := draft(t, f.svc, w, "Refusals", "")
	id := d.Detail.Version.ID
	p, err := f.svc.PrepareSelf(ctx, me, id)
	if err != nil {
		t.Fatal(err)
	}
	good := signPrepared(t, p, w)
	fields, _ := publish.CheckUnsignedAnchor(p.Unsigned, me, p.Memo, 1_000_000)

	resign := func(change func(map[string]any)) string {
		c := map[string]any{}
		for k, v := range fields {
			c[k] = v
		}
		change(c)
		blob, _, err := w.Sign(c)
		if err != nil {
			t.Fatal(err)
		}
		return blob
	}
	other := draft(t, f.svc, w, "Another draft", "")
	pOther, err := f.svc.PrepareSelf(ctx, me, other.Detail.Version.ID)
	if err != nil {
		t.Fatal(err)
	}
	bigMemo := map[string]any{"Memo": map[string]any{"MemoData": strings.Repeat("AB", 900)}}
	malloryBlob, _, _ := mallory.Sign(fields)

	cases := []struct {
		name, author, blob, code, reason string
	}{
		{"ErrFeeChanged", me, resign(func(m map[string]any) { m["Fee"] = "1000" }), banx.EINVALID, "field Fee is 1000, prepared"},
		{"ErrFieldAdded", me, resign(func(m map[string]any) { m["SetFlag"] = uint32(8) }), banx.EINVALID, "field SetFlag was added"},
		{"ErrOversizedMemo", me, resign(func(m map[string]any) { m["Memos"] = append(m["Memos"].([]any), bigMemo) }), banx.EINVALID, "memo differs"},
		{"ErrOtherDraftsMemo", me, signPrepared(t, pOther, w), banx.EINVALID, "memo differs"},
		{"ErrPayment", me, resign(func(m map[string]any) {
			m["TransactionType"] = "Payment"
			m["Destination"] = mallory.ClassicAddress.String()
			m["Amount"] = "1000000"
		}), banx.EINVALID, "type is Payment"},
		{"ErrSignatureOverSomethingElse", me, mutate(t, good, func(m map[string]any) {
			other := resign(func(m map[string]any) { m["Sequence"] = m["Sequence"].(uint32) + 1 })
			o := mutate(t, other, func(map[string]any) {})
			m["TxnSignature"] = mutateField(t, o, "TxnSignature")
		}), banx.EINVALID, "signature does not verify"},
		{"ErrUnsigned", me, p.Unsigned, banx.EINVALID, "not signed"},
		{"ErrNotHex", me, "zz" + good, banx.EINVALID, "hexadecimal"},
		{"ErrGarbage", me, "1200", banx.EINVALID, ""},
		{"ErrOtherAccountsKey", me, malloryBlob, banx.EFORBIDDEN, "neither the master key nor the regular key"},
		{"ErrOtherAuthorsDraft", mallory.ClassicAddress.String(), good, banx.EFORBIDDEN, "belongs to another author"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.svc.SubmitSelf(ctx, tc.author, id, tc.blob)
			wantErr(t, err, tc.code, tc.reason)
			v, _ := f.db.FindVersion(ctx, id)
			a, _ := f.db.FindAnchor(ctx, v.Anchoring.AnchorID)
			if v.Version.Status != banx.StatusStored || v.Version.AnchorTxHash != "" || a.Status != banx.AnchorPrepared {
				t.Fatalf("after refusal: version %s %q, anchor %s", v.Version.Status, v.Version.AnchorTxHash, a.Status)
			}
		})
	}
	if seq := sequence(t, f.client, me); seq != fields["Sequence"].(uint32) {
		t.Fatalf("author sequence moved to %d: something was submitted", seq)
	}
	t.Run("ErrPrepareOthersDraft", func(t *testing.T) {
		_, err := f.svc.PrepareSelf(ctx, mallory.ClassicAddress.String(), id)
		wantErr(t, err, banx.EFORBIDDEN, "another author")
	})
	t.Run("ErrUnfundedAuthor", func(t *testing.T) {
		poor := publishtest.NewWallet(t)
		dp := draft(t, f.svc, poor, "Unfunded", "")
		_, err := f.svc.PrepareSelf(ctx, poor.ClassicAddress.String(), dp.Detail.Version.ID)
		wantErr(t, err, banx.EINVALID, "not on the ledger")
	})
	t.Run("ErrExpiredPrepared", func(t *testing.T) {
		for range publish.DefaultSelfLedgerOffset + 1 {
			f.ledger.Accept()
		}
		_, err := f.svc.SubmitSelf(ctx, me, id, good)
		wantErr(t, err, banx.ECONFLICT, "expired")
	})
	t.Run("OKAfterRefusals", func(t *testing.T) {
		p, err := f.svc.PrepareSelf(ctx, me, id)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SubmitSelf(ctx, me, id, signPrepared(t, p, w)); err != nil {
			t.Fatal(err)
		}
		if v := waitFinal(t, f.db, id); v.Version.Status != banx.StatusPublished {
			t.Fatalf("status %s: %s", v.Version.Status, v.Anchoring.FailureReason)
		}
		_, err = f.svc.SubmitSelf(ctx, me, id, good)
		wantErr(t, err, banx.ECONFLICT, "")
	})
}

// TestSelfAnchorSequenceTaken: the author spends the prepared sequence on
// another transaction first. The anchor can never apply; the failure is final,
// its reason stored, and the draft is kept for another try.
func TestSelfAnchorSequenceTaken(t *testing.T) {
	ctx := publishtest.Context(t)
	f := newFixture(t)
	w := f.author(t)
	me := w.ClassicAddress.String()
	d := draft(t, f.svc, w, "Sequence taken", "")
	p, err := f.svc.PrepareSelf(ctx, me, d.Detail.Version.ID)
	if err != nil {
		t.Fatal(err)
	}
	blob := signPrepared(t, p, w)
	pay := &transaction.Payment{BaseTx: transaction.BaseTx{Account: w.ClassicAddress}, Destination: publishtest.Genesis(t).ClassicAddress,
		Amount: types.XRPCurrencyAmount(1)}
	if _, err := f.client.SubmitAndWait(ctx, pay, w); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SubmitSelf(ctx, me, d.Detail.Version.ID, blob); err != nil {
		t.Fatal(err)
	}
	v := waitFinal(t, f.db, d.Detail.Version.ID)
	if v.Version.Status != banx.StatusFailed || !strings.Contains(v.Anchoring.FailureReason, "tefPAST_SEQ") {
		t.Fatalf("status %s, reason %q", v.Version.Status, v.Anchoring.FailureReason)
	}
	if _, err := f.svc.Proof(ctx, v.Version.ArticleID, 1); banx.ErrorCode(err) != banx.ECONFLICT {
		t.Fatalf("proof of a failed version: %v", err)
	}
	p, err = f.svc.PrepareSelf(ctx, me, d.Detail.Version.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SubmitSelf(ctx, me, d.Detail.Version.ID, signPrepared(t, p, w)); err != nil {
		t.Fatal(err)
	}
	if v := waitFinal(t, f.db, d.Detail.Version.ID); v.Version.Status != banx.StatusPublished || v.Anchoring.FailureReason != "" {
		t.Fatalf("retry: %s %q", v.Version.Status, v.Anchoring.FailureReason)
	}
}

// TestCreateDraftRefusals: bad manifests and bad edits are refused with the
// reason, and nothing is stored.
func TestCreateDraftRefusals(t *testing.T) {
	ctx := publishtest.Context(t)
	f := newFixture(t)
	w, other := publishtest.NewWallet(t), publishtest.NewWallet(t)
	me := w.ClassicAddress.String()
	withField := func(k, v string) []byte {
		doc := manifestDoc(me, "T", "")
		return bytes.Replace(doc, []byte(`{`), []byte(`{"`+k+`":`+v+`,`), 1)
	}
	cases := []struct {
		name   string
		doc    []byte
		code   string
		reason string
	}{
		{"ErrUnknownField", withField("subtitle", `"x"`), banx.EINVALID, "subtitle"},
		{"ErrTitleTooLong", manifestDoc(me, strings.Repeat("t", 201), ""), banx.ETOOLARGE, "title"},
		{"ErrTooLarge", withField("x", `"`+strings.Repeat("a", 5<<20)+`"`), banx.ETOOLARGE, "bytes"},
		{"ErrOtherAuthor", manifestDoc(other.ClassicAddress.String(), "T", ""), banx.EFORBIDDEN, "not the signed-in author"},
		{"ErrUnknownPrevious", manifestDoc(me, "T", strings.Repeat("A", 64)), banx.ECONFLICT, "not the anchor"},
		{"ErrNotJSON", []byte("title: T"), banx.EINVALID, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.svc.CreateDraft(ctx, me, tc.doc, 0)
			wantErr(t, err, tc.code, tc.reason)
		})
	}
	if list, err := f.db.ListPublished(ctx, "", 10, 0); err != nil || len(list) != 0 {
		t.Fatalf("articles: %v %v", list, err)
	}
	t.Run("OKDuplicateAnswersTheDraft", func(t *testing.T) {
		first := draft(t, f.svc, w, "Twice", "")
		again, err := f.svc.CreateDraft(ctx, me, manifestDoc(me, "Twice", ""), 0)
		if err != nil || !again.Existing || again.Detail.Version.ID != first.Detail.Version.ID {
			t.Fatalf("again = %+v, %v; want draft %d answered again", again, err, first.Detail.Version.ID)
		}
	})
	t.Run("ErrEditUnpublished", func(t *testing.T) {
		a := f.author(t)
		d := draft(t, f.svc, a, "Unpublished", "")
		p, _ := f.svc.PrepareSelf(ctx, a.ClassicAddress.String(), d.Detail.Version.ID)
		f.svc.SubmitSelf(ctx, a.ClassicAddress.String(), d.Detail.Version.ID, signPrepared(t, p, a))
		v := waitFinal(t, f.db, d.Detail.Version.ID)
		_, err := f.svc.CreateDraft(ctx, other.ClassicAddress.String(), manifestDoc(other.ClassicAddress.String(), "Hijack", v.Version.AnchorTxHash), 0)
		wantErr(t, err, banx.EFORBIDDEN, "another author's article")
	})
}

func mutateField(t *testing.T, blob, field string) string {
	t.Helper()
	var out string
	mutate(t, blob, func(m map[string]any) { out = m[field].(string) })
	return out
}
