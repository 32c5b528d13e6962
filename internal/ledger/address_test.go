package ledger_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/banxmedia/banx/internal/ledger"
)

// TestNonASCIIAccount guards against xrpl-go's base58 decoder, which panics on
// non-ASCII input: a hostile account parameter gets rippled's error, not a
// dropped connection.
func TestNonASCIIAccount(t *testing.T) {
	l, err := ledger.Open(context.Background(), ledger.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	srv := httptest.NewServer(l.Handler())
	defer srv.Close()
	body := []byte(`{"method":"account_info","params":[{"account":"rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTé"}]}`)
	resp, err := http.Post(srv.URL, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Result struct{ Error, Status string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if out.Result.Status != "error" || out.Result.Error == "" {
		t.Fatalf("result = %+v, want an RPC error", out.Result)
	}
}
