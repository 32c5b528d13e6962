package http

import (
	"bytes"
	"context"
	"net/http"
	"strconv"

	"github.com/Peersyst/xrpl-go/xrpl/transaction"
	"github.com/gin-gonic/gin"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/payout"
	"github.com/banxmedia/banx/internal/reward"
)

// Rewards is the BXE token and payout service (internal/payout.Service).
// Methods return banx codes: EINVALID for bad input, ENOTFOUND for an unknown
// epoch, leaf or account, ECONFLICT for an epoch not closed or out of order, a
// run already in progress, or a trust line that exists; EUNAVAILABLE when the
// ledger cannot be reached or payouts are not configured.
type Rewards interface {
	TokenStatus(ctx context.Context) (*payout.TokenStatus, error)
	PrepareTrustLine(ctx context.Context, account string) (transaction.FlatTransaction, error)
	PlanEpoch(ctx context.Context, epoch uint64, dryRun bool) (*reward.Plan, error)
	Plan(ctx context.Context, epoch uint64) (*reward.Plan, error)
	Proof(ctx context.Context, epoch uint64, author string) (reward.LeafProof, error)
	RunEpoch(ctx context.Context, epoch uint64) ([]payout.Payout, error)
	EpochPayouts(ctx context.Context, epoch uint64) ([]payout.Payout, error)
	Beneficiaries(ctx context.Context, author string) ([]reward.Share, error)
	SetBeneficiaries(ctx context.Context, author string, shares []reward.Share) error
	SetDeclined(ctx context.Context, author string, declined bool) error
	// ReceiveProblems names the accounts that cannot receive BXE now, and
	// why; EUNAVAILABLE when the ledger cannot be read.
	ReceiveProblems(ctx context.Context, accounts []string) ([]payout.ReceiveProblem, error)
}

// handleTokenStatus answers GET /api/v1/token: the BXE token on the ledger.
func (s *Server) handleTokenStatus(c *gin.Context) {
	st, err := s.Rewards.TokenStatus(c.Request.Context())
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, st)
}

type trustLineRequest struct {
	Account string `json:"account"`
}

// trustLineResponse carries the unsigned TrustSet and what to do with it: the
// author's wallet signs tx_json and submits the blob; the server never holds
// the author's key.
type trustLineResponse struct {
	TxJSON       transaction.FlatTransaction `json:"tx_json"`
	Instructions string                      `json:"instructions"`
}

// handlePrepareTrustLine answers POST /api/v1/token/trustline/prepare {account}.
func (s *Server) handlePrepareTrustLine(c *gin.Context) {
	var req trustLineRequest
	if !s.readJSON(c, &req) {
		return
	}
	if req.Account == "" {
		s.writeError(c, banx.Errorf(banx.EINVALID, "request body: account is required"))
		return
	}
	tx, err := s.Rewards.PrepareTrustLine(c.Request.Context(), req.Account)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, trustLineResponse{TxJSON: tx, Instructions: "sign tx_json with the account's wallet and submit it before its LastLedgerSequence; " +
		"the line lets the account receive BXE rewards (it holds one owner reserve)"})
}

// epochParam reads the :epoch path parameter.
func (s *Server) epochParam(c *gin.Context) (uint64, bool) {
	raw := c.Param("epoch")
	e, err := strconv.ParseUint(raw, 10, 64)
	if err != nil || e > reward.MaxEpoch || strconv.FormatUint(e, 10) != raw {
		s.writeError(c, banx.Errorf(banx.EINVALID, "epoch %q: want a decimal number from 0 to %d", truncate(raw, 40), reward.MaxEpoch))
		return 0, false
	}
	return e, true
}

// handlePlanEpoch answers POST /api/v1/payouts/:epoch/plan (operator): close the
// epoch and return its plan; ?dry_run=true computes without storing.
func (s *Server) handlePlanEpoch(c *gin.Context) {
	epoch, ok := s.epochParam(c)
	if !ok {
		return
	}
	dry := false
	if v := c.Query("dry_run"); v != "" {
		var err error
		if dry, err = strconv.ParseBool(v); err != nil {
			s.writeError(c, banx.Errorf(banx.EINVALID, "dry_run %q: want true or false", truncate(v, 20)))
			return
		}
	}
	plan, err := s.Rewards.PlanEpoch(c.Request.Context(), epoch, dry)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", plan.Marshal())
}

// handleGetPlan answers GET /api/v1/payouts/:epoch/plan with the stored plan's
// canonical bytes, so anyone can recompute its root.
func (s *Server) handleGetPlan(c *gin.Context) {
	epoch, ok := s.epochParam(c)
	if !ok {
		return
	}
	plan, err := s.Rewards.Plan(c.Request.Context(), epoch)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", plan.Marshal())
}

// handleGetLeafProof answers GET /api/v1/payouts/:epoch/proofs/:author.
func (s *Server) handleGetLeafProof(c *gin.Context) {
	epoch, ok := s.epochParam(c)
	if !ok {
		return
	}
	p, err := s.Rewards.Proof(c.Request.Context(), epoch, c.Param("author"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

// handleGetPayouts answers GET /api/v1/payouts/:epoch: the payments and their
// states, as JSON or, with ?format=csv, as CSV.
func (s *Server) handleGetPayouts(c *gin.Context) {
	s.answerPayouts(c, false)
}

// handleRunPayouts answers POST /api/v1/payouts/:epoch/run (operator): pay the
// epoch and answer with the final report. The run is synchronous and crash
// safe: a client that gives up does not stop it from being resumable.
func (s *Server) handleRunPayouts(c *gin.Context) {
	s.answerPayouts(c, true)
}

func (s *Server) answerPayouts(c *gin.Context, run bool) {
	epoch, ok := s.epochParam(c)
	if !ok {
		return
	}
	format := c.DefaultQuery("format", "json")
	if format != "json" && format != "csv" {
		s.writeError(c, banx.Errorf(banx.EINVALID, "format %q: want json or csv", truncate(format, 20)))
		return
	}
	ctx := c.Request.Context()
	plan, err := s.Rewards.Plan(ctx, epoch)
	if err != nil {
		s.writeError(c, err)
		return
	}
	var ps []payout.Payout
	if run {
		// Detached from the request: a disconnect must not cut a run between
		// submitting and recording; the next run would resume it anyway.
		ps, err = s.Rewards.RunEpoch(context.WithoutCancel(ctx), epoch)
	} else {
		ps, err = s.Rewards.EpochPayouts(ctx, epoch)
	}
	if err != nil {
		s.writeError(c, err)
		return
	}
	rep := payout.NewReport(epoch, plan.Root, ps)
	if format == "csv" {
		var b bytes.Buffer
		if err := rep.WriteCSV(&b); err != nil {
			s.writeError(c, err)
			return
		}
		c.Data(http.StatusOK, "text/csv; charset=utf-8", b.Bytes())
		return
	}
	c.JSON(http.StatusOK, rep)
}

type beneficiariesBody struct {
	Beneficiaries []reward.Share `json:"beneficiaries"`
}

// handleGetBeneficiaries answers GET /api/v1/authors/:address/beneficiaries.
func (s *Server) handleGetBeneficiaries(c *gin.Context) {
	shares, err := s.Rewards.Beneficiaries(c.Request.Context(), c.Param("address"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	if shares == nil {
		shares = []reward.Share{}
	}
	c.JSON(http.StatusOK, beneficiariesBody{Beneficiaries: shares})
}

// savedBeneficiaries is the answer to a saved split: the split as stored and
// the beneficiaries that cannot receive BXE now (empty when all can).
type savedBeneficiaries struct {
	Beneficiaries []reward.Share          `json:"beneficiaries"`
	Warnings      []payout.ReceiveProblem `json:"warnings"`
}

// handleSetBeneficiaries answers PUT /api/v1/authors/:address/beneficiaries
// (the author from their own session, or the operator): the shares must sum
// to 10000 basis points; an empty list pays the author in full. A split whose
// accounts cannot receive BXE yet is saved all the same (they may add their
// trust line later), and the answer's warnings name each of them and why.
func (s *Server) handleSetBeneficiaries(c *gin.Context) {
	var body beneficiariesBody
	if !s.readJSON(c, &body) {
		return
	}
	ctx := c.Request.Context()
	if err := s.Rewards.SetBeneficiaries(ctx, c.Param("address"), body.Beneficiaries); err != nil {
		s.writeError(c, err)
		return
	}
	shares, err := s.Rewards.Beneficiaries(ctx, c.Param("address"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	if shares == nil {
		shares = []reward.Share{}
	}
	c.JSON(http.StatusOK, savedBeneficiaries{Beneficiaries: shares, Warnings: s.beneficiaryWarnings(ctx, shares)})
}

// uncheckedBeneficiaries begins the one warning given when the ledger could
// not say whether the beneficiaries can receive BXE.
const uncheckedBeneficiaries = "Whether the beneficiaries can receive BXE could not be checked just now"

// beneficiaryWarnings names the accounts of shares that cannot receive BXE
// now. A ledger that cannot be read gives one warning, with no account, that
// says so: the split is saved either way, and undelivered shares are deferred.
func (s *Server) beneficiaryWarnings(ctx context.Context, shares []reward.Share) []payout.ReceiveProblem {
	if len(shares) == 0 {
		return []payout.ReceiveProblem{}
	}
	accounts := make([]string, len(shares))
	for i, sh := range shares {
		accounts[i] = sh.Account
	}
	problems, err := s.Rewards.ReceiveProblems(ctx, accounts)
	if err != nil {
		s.Logger.Warn("beneficiaries: receive check", "err", err)
		return []payout.ReceiveProblem{{Reason: uncheckedBeneficiaries + " (" + banx.ErrorMessage(err) + "); a share that cannot be delivered is deferred to the next epoch."}}
	}
	if problems == nil {
		problems = []payout.ReceiveProblem{}
	}
	return problems
}

type rewardsPreference struct {
	Declined *bool `json:"declined"`
}

// handleSetRewardsPreference answers PUT /api/v1/authors/:address/rewards
// {declined} (operator for now): an author who declines is left out of the
// next plans and their share stays in the pool.
func (s *Server) handleSetRewardsPreference(c *gin.Context) {
	var body rewardsPreference
	if !s.readJSON(c, &body) {
		return
	}
	if body.Declined == nil {
		s.writeError(c, banx.Errorf(banx.EINVALID, "request body: declined (true or false) is required"))
		return
	}
	if err := s.Rewards.SetDeclined(c.Request.Context(), c.Param("address"), *body.Declined); err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"author": c.Param("address"), "declined": *body.Declined})
}
