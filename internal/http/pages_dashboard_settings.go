package http

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/banxmedia/banx/internal/address"
	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/reward"
)

// beneficiaryRow is one row of the dashboard's beneficiaries form: an
// account and its share in percent, as the author writes it.
type beneficiaryRow struct {
	Account, Percent string
	N                int // the row's number as the author sees it, from 1
	// Warning says why the stored account cannot receive BXE now ("" when
	// it can, or for a row as typed in a refused form).
	Warning string
}

// spareBeneficiaryRows is how many empty rows the form offers beyond the
// stored ones (up to the policy's maximum), so an author can add accounts
// without script.
const spareBeneficiaryRows = 2

// percentPattern is a share in percent with at most two decimals: a basis
// point is 0.01 %, so every accepted value is a whole number of them.
var percentPattern = regexp.MustCompile(`^[0-9]{1,3}(\.[0-9]{1,2})?$`)

// settingsForm prepares the reward settings forms of a dashboard.
func (s *Server) settingsForm(c *gin.Context, policy reward.Policy, stored []reward.Share, opt dashOptions) dashSettings {
	out := dashSettings{Error: opt.refused, Max: policy.MaxBeneficiaries, Rows: opt.rows}
	var unchecked string
	if opt.rows == nil {
		// The stored split is checked against the ledger on every showing, so
		// the warnings last until the accounts can receive, and nothing the
		// author typed travels through the redirect after saving.
		warnings := map[string]string{}
		for _, w := range s.beneficiaryWarnings(c.Request.Context(), stored) {
			if w.Account == "" {
				unchecked = " " + w.Reason
			}
			warnings[w.Account] = w.Reason
		}
		for _, sh := range stored {
			out.Rows = append(out.Rows, beneficiaryRow{Account: sh.Account, Percent: percentOf(sh.BasisPoints), Warning: warnings[sh.Account]})
		}
	}
	switch c.Query("saved") {
	case "beneficiaries":
		switch {
		case len(out.Warnings()) > 0:
			out.Saved = "Your beneficiaries are saved, but not all of them can receive BXE now (see below)."
		default:
			out.Saved = "Your beneficiaries are saved: the next plans pay them." + unchecked
		}
	case "rewards":
		out.Saved = "Your rewards preference is saved: it applies from the next plan."
	}
	for i := 0; i < spareBeneficiaryRows && (out.Max <= 0 || len(out.Rows) < out.Max); i++ {
		out.Rows = append(out.Rows, beneficiaryRow{})
	}
	for i := range out.Rows {
		out.Rows[i].N = i + 1
	}
	return out
}

// Warnings lists why stored beneficiaries cannot receive BXE now, one
// sentence per account, in the rows' order.
func (d dashSettings) Warnings() []string {
	var out []string
	for _, r := range d.Rows {
		if r.Warning != "" {
			out = append(out, r.Warning)
		}
	}
	return out
}

// percentOf writes basis points as a percentage without trailing zeros: 5000
// is "50", 1250 is "12.5", 3333 is "33.33".
func percentOf(bp int) string {
	s := strconv.Itoa(bp/100) + "." + strconv.Itoa(bp%100/10) + strconv.Itoa(bp%10)
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}

// parseBeneficiaryRows reads the beneficiaries form: rows left blank are
// skipped; every other row needs a classic XRPL address, not used twice, and a
// percentage from 0.01 to 100 with at most two decimals; the shares must add up
// to 100 % and there may be at most max rows (0: no bound). Every refusal names
// the row as the author counts it ("Row 1: ..."), in the page's words; the
// rewards service checks the same rules again.
func parseBeneficiaryRows(accounts, percents []string, max int) ([]beneficiaryRow, []reward.Share, error) {
	if len(accounts) != len(percents) {
		return nil, nil, banx.Errorf(banx.EINVALID, "The form sent %d accounts and %d percentages: send one of each per row.", len(accounts), len(percents))
	}
	rows := make([]beneficiaryRow, 0, len(accounts))
	shares := []reward.Share{}
	seen := map[string]int{}
	sum := 0
	var bad error
	for i := range accounts {
		acc, pct := strings.TrimSpace(accounts[i]), strings.TrimSpace(percents[i])
		if acc == "" && pct == "" {
			continue
		}
		n := len(rows) + 1
		rows = append(rows, beneficiaryRow{Account: acc, Percent: pct, N: n})
		if bad != nil {
			continue
		}
		switch {
		case acc == "":
			bad = banx.Errorf(banx.EINVALID, "Row %d: the account is missing for %s %%.", n, truncate(pct, 20))
		case !address.IsClassic(acc):
			bad = banx.Errorf(banx.EINVALID, "Row %d: %q is not an XRP Ledger account address (it starts with r, like rN7n7otQDd6FczFgLdSqtcsAUxDkw6fzRH).", n, truncate(acc, 40))
		case seen[acc] != 0:
			bad = banx.Errorf(banx.EINVALID, "Row %d: %s is already in row %d; give each account one row.", n, acc, seen[acc])
		case !percentPattern.MatchString(pct):
			bad = banx.Errorf(banx.EINVALID, "Row %d: the share %q is not a percentage like 50 or 12.5 (at most two decimals).", n, truncate(pct, 20))
		default:
			whole, frac, _ := strings.Cut(pct, ".")
			w, _ := strconv.Atoi(whole)
			f, _ := strconv.Atoi((frac + "00")[:2])
			bp := w*100 + f
			if bp < 1 || bp > reward.TotalBasisPoints {
				bad = banx.Errorf(banx.EINVALID, "Row %d: the share %s %% must be from 0.01 to 100.", n, pct)
				continue
			}
			seen[acc] = n
			sum += bp
			shares = append(shares, reward.Share{Account: acc, BasisPoints: bp})
		}
	}
	switch {
	case bad != nil:
	case max > 0 && len(rows) > max:
		bad = banx.Errorf(banx.EINVALID, "You gave %d accounts: at most %d are allowed.", len(rows), max)
	case len(shares) > 0 && sum != reward.TotalBasisPoints:
		bad = banx.Errorf(banx.EINVALID, "The shares add up to %s %%: they must add up to exactly 100 %%.", percentOf(sum))
	}
	return rows, shares, bad
}

// dashboardAuthor admits a dashboard form from this origin with a live author
// session, answering for it otherwise.
func (s *Server) dashboardAuthor(c *gin.Context) *banx.Session {
	if !s.sameOrigin(c) {
		return nil
	}
	sess, reason := s.authorSession(c)
	if sess == nil {
		c.Header("Cache-Control", "no-store")
		s.renderPage(c, http.StatusUnauthorized, "dashboard_signin", signinPage{pageBase: s.base("Sign in", "Sign in to your Banx author dashboard."), Reason: reason})
		return nil
	}
	if s.Rewards == nil {
		s.pageError(c, banx.Errorf(banx.EUNAVAILABLE, "rewards are not configured on this server"))
		return nil
	}
	return sess
}

// handleDashboardBeneficiaries saves the signed-in author's beneficiaries from
// the dashboard form (rows of account and percent summing to 100 %, or no row
// to be paid in full), then shows the dashboard again (post/redirect/get). A
// refused form comes back with 400, the reason and the rows as sent.
func (s *Server) handleDashboardBeneficiaries(c *gin.Context) {
	sess := s.dashboardAuthor(c)
	if sess == nil {
		return
	}
	policy, err := s.rewardPolicy()
	if err != nil {
		s.pageError(c, err)
		return
	}
	rows, shares, err := parseBeneficiaryRows(c.PostFormArray("account"), c.PostFormArray("percent"), policy.MaxBeneficiaries)
	if err == nil {
		err = s.Rewards.SetBeneficiaries(c.Request.Context(), sess.Address, shares)
	}
	if err != nil {
		s.settingsRefused(c, err, rows)
		return
	}
	c.Redirect(http.StatusSeeOther, "/dashboard?saved=beneficiaries#settings-h")
}

// handleDashboardRewards records whether the signed-in author declines rewards.
func (s *Server) handleDashboardRewards(c *gin.Context) {
	sess := s.dashboardAuthor(c)
	if sess == nil {
		return
	}
	declined, err := strconv.ParseBool(c.PostForm("declined"))
	if err != nil {
		s.settingsRefused(c, banx.Errorf(banx.EINVALID, "declined must be true or false, got %q", truncate(c.PostForm("declined"), 20)), nil)
		return
	}
	if err := s.Rewards.SetDeclined(c.Request.Context(), sess.Address, declined); err != nil {
		s.settingsRefused(c, err, nil)
		return
	}
	c.Redirect(http.StatusSeeOther, "/dashboard?saved=rewards#settings-h")
}

// settingsRefused shows the dashboard with a settings form's refusal and the
// rows as sent (nil shows the stored ones); errors that are not the author's
// fault become error pages.
func (s *Server) settingsRefused(c *gin.Context, err error, rows []beneficiaryRow) {
	if banx.ErrorCode(err) != banx.EINVALID {
		s.pageError(c, err)
		return
	}
	s.dashboard(c, dashOptions{status: http.StatusBadRequest, refused: banx.ErrorMessage(err), rows: rows})
}
