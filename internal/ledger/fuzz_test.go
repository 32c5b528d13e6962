package ledger_test

import (
	"context"
	"encoding/hex"
	"testing"

	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/internal/ledger"
)

// FuzzSubmit feeds arbitrary bytes to Submit: whatever arrives, the ledger must answer
// (an error or an engine result), never panic, and never apply an unsigned change.
func FuzzSubmit(f *testing.F) {
	cfg := ledger.DefaultConfig()
	cfg.Logger = quietLogger()
	l, err := ledger.Open(context.Background(), cfg)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { l.Close() })
	gen, _ := wallet.FromSeed(ledger.GenesisSeed, "")
	blob, _, err := gen.Sign(map[string]any{"TransactionType": "AccountSet", "Account": ledger.GenesisAddress,
		"Fee": "10", "Sequence": uint32(1), "Memos": []any{map[string]any{"Memo": map[string]any{"MemoData": "ABCD"}}}})
	if err != nil {
		f.Fatal(err)
	}
	raw, _ := hex.DecodeString(blob)
	f.Add(raw)
	f.Add(raw[:len(raw)/2])
	f.Add([]byte{0x12, 0x00, 0x00})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := l.Submit(b)
		if err == nil && r.EngineResult == "" {
			t.Fatal("neither an error nor an engine result")
		}
		if r.Applied && string(b) != string(raw) {
			t.Fatalf("a mutated blob applied: %x", b)
		}
	})
}
