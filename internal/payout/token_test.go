package payout_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/payout"
)

func TestTokenSetup(t *testing.T) {
	e := startEnv(t)
	ctx := testContext(t)
	_, net := tokenContract(t)

	st, err := e.token.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !st.DefaultRipple || st.Outstanding != net.Supply || st.DistributionBalance != net.Supply || st.Circulating != "0" ||
		st.Holders != 0 || st.TrustLines != 1+net.DevAuthors || len(st.Missing) != 0 {
		t.Fatalf("status after setup = %+v", st)
	}
	if len(e.dev.Authors) != net.DevAuthors {
		t.Fatalf("dev authors = %+v", e.dev.Authors)
	}
	for _, a := range e.dev.Authors {
		info, err := os.Stat(a.SeedFile)
		if err != nil || info.Mode().Perm() != 0o600 {
			t.Fatalf("seed file %s: %v %v", a.SeedFile, info, err)
		}
		if b := e.balance(t, a.Address); b == nil || !b.IsZero() {
			t.Fatalf("dev author %s has no empty trust line: %v", a.Address, b)
		}
	}

	t.Run("OKIdempotent", func(t *testing.T) {
		var steps []payout.Step
		cur, net := tokenContract(t)
		_, _, err := payout.DevSetup(ctx, e.client, genesis(t), filepath.Join(e.dir, "wallets"), cur, net, func(s payout.Step) { steps = append(steps, s) })
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range steps {
			if s.Done != "already" {
				t.Fatalf("second setup applied %+v", s)
			}
		}
		if len(steps) != 3+net.DevAuthors {
			t.Fatalf("steps = %+v", steps)
		}
		st2, _ := e.token.Status(ctx)
		if st2.Outstanding != net.Supply {
			t.Fatalf("supply issued twice: %+v", st2)
		}
	})

	t.Run("OKPrepareTrustLine", func(t *testing.T) {
		w := e.fund(t, false)
		tx, err := e.token.PrepareTrustLine(ctx, w.ClassicAddress.String())
		if err != nil {
			t.Fatal(err)
		}
		if tx["TransactionType"] != "TrustSet" || tx["Account"] != w.ClassicAddress.String() || tx["Fee"] == nil || tx["Sequence"] == nil || tx["LastLedgerSequence"] == nil {
			t.Fatalf("prepared = %v", tx)
		}
		lim := tx["LimitAmount"].(map[string]any)
		if lim["currency"] != "BXE" || lim["issuer"] != e.token.Issuer || lim["value"] != net.AuthorTrustLimit {
			t.Fatalf("limit = %v", lim)
		}
		// The author's wallet signs and submits it; then preparing again is a conflict.
		if _, err := e.token.AddTrustLine(ctx, w); err != nil {
			t.Fatal(err)
		}
		if b := e.balance(t, w.ClassicAddress.String()); b == nil {
			t.Fatal("no trust line after AddTrustLine")
		}
	})

	cases := []struct {
		name, account, code, reason string
	}{
		{"ErrAlreadyTrusts", e.dev.Authors[0].Address, banx.ECONFLICT, "already trusts"},
		{"ErrUnfunded", "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe", banx.ENOTFOUND, "does not exist"},
		{"ErrAddress", "rNotAnAddress", banx.EINVALID, "not a classic"},
		{"ErrIssuer", e.token.Issuer, banx.EINVALID, "is the issuer"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.token.PrepareTrustLine(ctx, tc.account)
			if banx.ErrorCode(err) != tc.code || !strings.Contains(err.Error(), tc.reason) {
				t.Fatalf("err = %v, want %s %q", err, tc.code, tc.reason)
			}
		})
	}

	t.Run("ErrSeedMismatch", func(t *testing.T) {
		cur, net := tokenContract(t)
		net.Issuer = e.dev.Distribution
		_, err := payout.NewToken(e.client, cur, "embedded", net, e.token.IssuerWallet, e.token.DistributionWallet)
		if banx.ErrorCode(err) != banx.EINVALID || !strings.Contains(err.Error(), "derives") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestLoadWallet(t *testing.T) {
	dir := t.TempDir()
	w, created, err := payout.EnsureSeedFile("issuer", filepath.Join(dir, "w", "issuer.seed"))
	if err != nil || !created {
		t.Fatal(created, err)
	}
	t.Run("OKFile", func(t *testing.T) {
		got, err := payout.LoadWallet("issuer", filepath.Join(dir, "w", "issuer.seed"), "BANX_ISSUER_SEED", "")
		if err != nil || got.ClassicAddress != w.ClassicAddress {
			t.Fatalf("%v %v", got, err)
		}
	})
	t.Run("OKEnv", func(t *testing.T) {
		got, err := payout.LoadWallet("issuer", "/nonexistent", "BANX_ISSUER_SEED", w.Seed)
		if err != nil || got.ClassicAddress != w.ClassicAddress {
			t.Fatalf("%v %v", got, err)
		}
	})
	t.Run("ErrReadableByOthers", func(t *testing.T) {
		p := filepath.Join(dir, "open.seed")
		os.WriteFile(p, []byte(w.Seed), 0o644)
		_, err := payout.LoadWallet("issuer", p, "BANX_ISSUER_SEED", "")
		if banx.ErrorCode(err) != banx.EINVALID || !strings.Contains(err.Error(), "chmod 600") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrNotASeed", func(t *testing.T) {
		p := filepath.Join(dir, "bad.seed")
		os.WriteFile(p, []byte("sNotASeedAtAll"), 0o600)
		_, err := payout.LoadWallet("issuer", p, "BANX_ISSUER_SEED", "")
		if banx.ErrorCode(err) != banx.EINVALID || strings.Contains(err.Error(), "sNotASeedAtAll") {
			t.Fatalf("err = %v (and it must not echo the seed)", err)
		}
		_, err = payout.LoadWallet("issuer", "", "BANX_ISSUER_SEED", "sSecretButWrong")
		if err == nil || strings.Contains(err.Error(), "sSecretButWrong") || !strings.Contains(err.Error(), "$BANX_ISSUER_SEED") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrMissing", func(t *testing.T) {
		_, err := payout.LoadWallet("issuer", filepath.Join(dir, "none"), "BANX_ISSUER_SEED", "")
		if banx.ErrorCode(err) != banx.ENOTFOUND {
			t.Fatalf("err = %v", err)
		}
	})
	var _ *wallet.Wallet = w
}
