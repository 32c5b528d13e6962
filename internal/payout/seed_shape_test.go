package payout_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/banxmedia/banx/internal/payout"
)

// TestLoadWalletMisshapenSeed: a seed holding characters outside the XRPL
// base58 alphabet (an RTL override, a zero-width space) is refused as not a
// seed, from the environment and from a file, without echoing it; xrpl-go's
// decoder panics on such input.
func TestLoadWalletMisshapenSeed(t *testing.T) {
	for _, seed := range []string{"\u202esEdTM1uX8pu2do5XvTnutH6HsouMaM2", "sEdTM1uX8pu2do5\u200bXvTnutH6HsouMaM2"} {
		if _, err := payout.LoadWallet("distribution", "", "BANX_DISTRIBUTION_SEED", seed); err == nil ||
			!strings.Contains(err.Error(), "not a valid XRPL seed") || strings.Contains(err.Error(), "sEdTM1") {
			t.Errorf("seed %q from the environment: %v", seed, err)
		}
		path := filepath.Join(t.TempDir(), "seed")
		if err := os.WriteFile(path, []byte(seed+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := payout.LoadWallet("distribution", path, "BANX_DISTRIBUTION_SEED", ""); err == nil ||
			!strings.Contains(err.Error(), "does not hold a valid XRPL seed") || strings.Contains(err.Error(), "sEdTM1") {
			t.Errorf("seed %q from a file: %v", seed, err)
		}
	}
}
