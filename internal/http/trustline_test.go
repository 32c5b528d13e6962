package http_test

import (
	"maps"
	"strings"
	"testing"

	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/internal/publish/publishtest"
)

// TestTrustLineRelay checks POST /api/v1/token/trustline/submit: a signed-in
// author's own prepared TrustSet, signed outside the server, is submitted and
// validated and the dashboard then shows the line; anything but exactly that
// TrustSet, another account's, or an unsigned one is refused and nothing is
// submitted.
func TestTrustLineRelay(t *testing.T) {
	m := startMinuteRewards(t)
	ctx := publishtest.Context(t)
	alice, bob := publishtest.NewWallet(t), publishtest.NewWallet(t)
	for _, w := range []*wallet.Wallet{alice, bob} {
		publishtest.Fund(t, ctx, m.client, w, 50_000_000)
	}
	me := alice.ClassicAddress.String()
	token := m.signIn(t, alice)
	const prepRoute, route = "/api/v1/token/trustline/prepare", "/api/v1/token/trustline/submit"
	prepare := func(t *testing.T, w *wallet.Wallet) map[string]any {
		t.Helper()
		var p struct {
			TxJSON map[string]any `json:"tx_json"`
		}
		m.must(t, "POST", prepRoute, prepRoute, "", map[string]string{"account": w.ClassicAddress.String()}, 200, &p)
		return p.TxJSON
	}
	sign := func(t *testing.T, w *wallet.Wallet, tx map[string]any) string {
		t.Helper()
		blob, _, err := w.Sign(tx)
		if err != nil {
			t.Fatal(err)
		}
		return blob
	}
	edited := func(tx map[string]any, k string, v any) map[string]any {
		out := maps.Clone(tx)
		out[k] = v
		return out
	}

	tx := prepare(t, alice)
	limit := tx["LimitAmount"].(map[string]any)
	for _, tc := range []struct {
		name, token, blob string
		status            int
		reason            string
	}{
		{"ErrNotSignedIn", "", sign(t, alice, tx), 401, "sign in first"},
		{"ErrOtherAccount", token, sign(t, bob, prepare(t, bob)), 403, "only your own BXE TrustSet is relayed"},
		{"ErrLimit", token, sign(t, alice, edited(tx, "LimitAmount", map[string]any{"currency": limit["currency"], "issuer": limit["issuer"], "value": "1"})), 400,
			"field LimitAmount is"},
		{"ErrIssuer", token, sign(t, alice, edited(tx, "LimitAmount", map[string]any{"currency": limit["currency"], "issuer": bob.ClassicAddress.String(), "value": limit["value"]})), 400,
			"it must be exactly the prepared transaction"},
		{"ErrFlags", token, sign(t, alice, edited(tx, "Flags", uint32(0))), 400, "field Flags is"},
		{"ErrFee", token, sign(t, alice, edited(tx, "Fee", "2000000")), 400, "above the limit of 100000 drops"},
		{"ErrExtraField", token, sign(t, alice, edited(tx, "Memos", []any{map[string]any{"Memo": map[string]any{"MemoData": "AB"}}})), 400, "unexpected field Memos"},
		{"ErrNotHex", token, "zz", 400, "not hexadecimal"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m.refused(t, "POST", route, route, tc.token, map[string]string{"tx_blob": tc.blob}, tc.status, tc.reason)
		})
	}
	if _, _, body := cookieRequest(t, "GET", m.url+"/dashboard", token, "-", "", nil); !strings.Contains(body, "Not set: you cannot receive BXE") {
		t.Fatal("a refused TrustSet changed the trust line")
	}

	t.Run("OK", func(t *testing.T) {
		var out struct {
			Hash, Result, Account, Limit string
			LedgerIndex                  uint32 `json:"ledger_index"`
		}
		m.must(t, "POST", route, route, token, map[string]string{"tx_blob": sign(t, alice, prepare(t, alice))}, 200, &out)
		if out.Result != "tesSUCCESS" || out.Account != me || out.LedgerIndex == 0 || out.Limit == "" {
			t.Fatalf("submit = %+v", out)
		}
		_, _, body := cookieRequest(t, "GET", m.url+"/dashboard", token, "-", "", nil)
		if !strings.Contains(body, `data-testid="trustline">Set, limit `+out.Limit) {
			t.Errorf("the dashboard does not show the new line")
		}
	})
	t.Run("ErrAlreadySet", func(t *testing.T) {
		m.refused(t, "POST", route, route, token, map[string]string{"tx_blob": sign(t, alice, tx)}, 409, "already trusts")
	})
}
