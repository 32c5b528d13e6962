package payout

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/Peersyst/xrpl-go/xrpl/transaction"
	"github.com/Peersyst/xrpl-go/xrpl/transaction/types"
	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/contracts"
	"github.com/banxmedia/banx/internal/amount"
	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/xrpl"
)

// DevLedger is a ledger the dev setup can fund accounts on (*xrpl.Client on the
// embedded ledger, whose genesis account holds all XRP).
type DevLedger interface {
	TokenLedger
	SubmitAndWait(ctx context.Context, tx xrpl.Flattener, w *wallet.Wallet) (*xrpl.Transaction, error)
}

// DevAccounts are the wallets `make run` gives the embedded ledger. Only
// addresses and seed file paths: the seeds stay in their files.
type DevAccounts struct {
	Issuer       string
	Distribution string
	Authors      []DevAuthor
}

// DevAuthor is a funded author wallet with a BXE trust line.
type DevAuthor struct {
	Address  string
	SeedFile string
}

// Seed file names under the wallets directory.
const (
	IssuerSeedFile       = "issuer.seed"
	DistributionSeedFile = "distribution.seed"
)

// DevSetup makes a development ledger ready for rewards, idempotently: seed
// files for the issuer, the distribution account and c.DevAuthors authors in
// dir (0600, created once), each account funded from genesis if it does not
// exist, the token set up, and each author trusting the issuer. A restart
// finds everything done and only reads.
func DevSetup(ctx context.Context, l DevLedger, genesis *wallet.Wallet, dir, currency string, c contracts.TokenNetwork, progress func(Step)) (*Token, *DevAccounts, error) {
	if progress == nil {
		progress = func(Step) {}
	}
	drops, err := amount.XRPToDrops(c.DevFundXRP)
	if err != nil || drops <= 0 {
		return nil, nil, banx.Errorf(banx.EINVALID, "devFundXRP %q: want a positive XRP amount", c.DevFundXRP)
	}
	names := []string{IssuerSeedFile, DistributionSeedFile}
	for i := 1; i <= c.DevAuthors; i++ {
		names = append(names, fmt.Sprintf("author-%d.seed", i))
	}
	wallets := make([]*wallet.Wallet, len(names))
	for i, n := range names {
		w, _, err := EnsureSeedFile(n, filepath.Join(dir, n))
		if err != nil {
			return nil, nil, err
		}
		wallets[i] = w
		addr := w.ClassicAddress.String()
		if _, err := l.AccountInfo(ctx, addr); err == nil {
			continue
		} else if banx.ErrorCode(err) != banx.ENOTFOUND {
			return nil, nil, err
		}
		pay := &transaction.Payment{BaseTx: transaction.BaseTx{Account: addrType(genesis.ClassicAddress.String())},
			Destination: addrType(addr), Amount: types.XRPCurrencyAmount(uint64(drops))}
		tx, err := l.SubmitAndWait(ctx, pay, genesis)
		if err != nil {
			return nil, nil, fmt.Errorf("fund dev wallet %s: %w", addr, err)
		}
		progress(Step{Name: "fund " + n, Done: "applied", TxHash: tx.Hash, Detail: fmt.Sprintf("%s XRP to %s", c.DevFundXRP, addr)})
	}
	tok, err := NewToken(l, currency, "embedded", c, wallets[0], wallets[1])
	if err != nil {
		return nil, nil, err
	}
	if _, err := tok.Setup(ctx, progress); err != nil {
		return nil, nil, err
	}
	acc := &DevAccounts{Issuer: tok.Issuer, Distribution: tok.Distribution}
	for i, w := range wallets[2:] {
		a := DevAuthor{Address: w.ClassicAddress.String(), SeedFile: filepath.Join(dir, names[2+i])}
		acc.Authors = append(acc.Authors, a)
		tx, err := tok.AddTrustLine(ctx, w)
		switch {
		case banx.ErrorCode(err) == banx.ECONFLICT:
			progress(Step{Name: "trust line of " + names[2+i], Done: "already", Detail: a.Address})
		case err != nil:
			return nil, nil, fmt.Errorf("trust line of dev author %s: %w", a.Address, err)
		default:
			progress(Step{Name: "trust line of " + names[2+i], Done: "applied", TxHash: tx.Hash, Detail: a.Address})
		}
	}
	return tok, acc, nil
}
