package ledger_test

import "testing"

func TestSmokePayment(t *testing.T) {
	e := newEnv(t)
	w := e.fund("50000000", false)
	if got := e.balance(string(w.ClassicAddress)); got != "50000000" {
		t.Fatalf("balance %s", got)
	}
	h := e.l.Validated()
	t.Logf("ledger %d %s acct %s tx %s", h.Index, h.Hash, h.AccountHash, h.TransactionHash)
}
