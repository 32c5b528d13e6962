package payout

import (
	"context"

	"github.com/Peersyst/xrpl-go/xrpl/transaction"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/reward"
)

// Preferences is where authors' reward preferences live. Methods return
// banx.EINVALID for a split that does not sum to 100%.
type Preferences interface {
	Beneficiaries(ctx context.Context, author string) ([]reward.Share, error)
	SetBeneficiaries(ctx context.Context, author string, shares []reward.Share, max int) error
	SetDeclined(ctx context.Context, author string, declined bool) error
	DeclinedAuthors(ctx context.Context) ([]string, error)
}

// Service is the one surface the HTTP API and the CLI use for rewards: the
// token, epoch plans and proofs, payout runs and authors' preferences.
type Service struct {
	Store       Store
	Preferences Preferences
	Planner     *Planner
	// Executor pays; nil when the distribution seed is not configured, in which
	// case runs are refused and everything else works.
	Executor *Executor
	Token    *Token
}

// TokenStatus reports the token's state on the ledger.
func (s *Service) TokenStatus(ctx context.Context) (*TokenStatus, error) { return s.Token.Status(ctx) }

// PrepareTrustLine returns the unsigned, autofilled TrustSet for account.
func (s *Service) PrepareTrustLine(ctx context.Context, account string) (transaction.FlatTransaction, error) {
	return s.Token.PrepareTrustLine(ctx, account)
}

// PlanEpoch closes epoch and returns its plan (the stored one if it exists).
func (s *Service) PlanEpoch(ctx context.Context, epoch uint64, dryRun bool) (*reward.Plan, error) {
	return s.Planner.PlanEpoch(ctx, epoch, dryRun)
}

// Plan returns epoch's stored plan, or ENOTFOUND.
func (s *Service) Plan(ctx context.Context, epoch uint64) (*reward.Plan, error) {
	rec, err := s.Store.Plan(ctx, epoch)
	if err != nil {
		return nil, err
	}
	return reward.ParsePlan(rec.Document)
}

// Proof returns author's inclusion proof in epoch's plan.
func (s *Service) Proof(ctx context.Context, epoch uint64, author string) (reward.LeafProof, error) {
	return s.Planner.Proof(ctx, epoch, author)
}

// RunEpoch pays epoch's plan; ECONFLICT while another run holds the lock.
func (s *Service) RunEpoch(ctx context.Context, epoch uint64) ([]Payout, error) {
	if s.Executor == nil || s.Executor.Wallet == nil {
		return nil, banx.Errorf(banx.EUNAVAILABLE, "payouts are not configured on this server: the distribution seed is missing")
	}
	return s.Executor.Run(ctx, epoch)
}

// EpochPayouts returns epoch's payments; ENOTFOUND when the epoch has no plan.
func (s *Service) EpochPayouts(ctx context.Context, epoch uint64) ([]Payout, error) {
	if _, err := s.Store.Plan(ctx, epoch); err != nil {
		return nil, err
	}
	return s.Store.Payouts(ctx, epoch)
}

// Beneficiaries returns author's split (empty: paid in full).
func (s *Service) Beneficiaries(ctx context.Context, author string) ([]reward.Share, error) {
	if err := checkAddress("author", author); err != nil {
		return nil, err
	}
	return s.Preferences.Beneficiaries(ctx, author)
}

// SetBeneficiaries replaces author's split; an empty one restores payment in full.
func (s *Service) SetBeneficiaries(ctx context.Context, author string, shares []reward.Share) error {
	if err := checkAddress("author", author); err != nil {
		return err
	}
	return s.Preferences.SetBeneficiaries(ctx, author, shares, s.Planner.Policy.MaxBeneficiaries)
}

// SetDeclined records whether author declines rewards from the next plan on.
func (s *Service) SetDeclined(ctx context.Context, author string, declined bool) error {
	if err := checkAddress("author", author); err != nil {
		return err
	}
	return s.Preferences.SetDeclined(ctx, author, declined)
}

// ReceiveProblems names the accounts among accounts that cannot receive BXE
// now, and why (see Token.ReceiveProblems). EUNAVAILABLE when the ledger
// cannot be read or the token is not configured on this server.
func (s *Service) ReceiveProblems(ctx context.Context, accounts []string) ([]ReceiveProblem, error) {
	if s.Token == nil || s.Token.Ledger == nil {
		return nil, banx.Errorf(banx.EUNAVAILABLE, "the BXE token is not configured on this server")
	}
	return s.Token.ReceiveProblems(ctx, accounts)
}
