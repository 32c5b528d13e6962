package http

import (
	"context"
	"encoding/json"
	"html/template"
	"math/big"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/chart"
	"github.com/banxmedia/banx/internal/payout"
	"github.com/banxmedia/banx/internal/reward"
)

// dashboardPages are the templates of the author and operator dashboards,
// parsed with the layout like every other page.
var dashboardPages = []string{"dashboard", "dashboard_signin", "operator", "operator_login"}

// loadDashboards adds the dashboard templates to the site's, at Open, so a
// broken template stops the server from starting.
func (s *Server) loadDashboards() error {
	ts, err := pageTemplates(s.Site.assets, dashboardPages...)
	if err != nil {
		return err
	}
	for k, v := range ts {
		s.Site.templates[k] = v
	}
	return nil
}

// rewardPolicy is the policy the payout service plans with, so the dashboards
// draw the same epochs it pays; without one, the published policy.
func (s *Server) rewardPolicy() (reward.Policy, error) {
	if svc, ok := s.Rewards.(*payout.Service); ok && svc.Planner != nil && svc.Planner.Policy.Length > 0 {
		return svc.Planner.Policy, nil
	}
	return reward.DefaultPolicy()
}

// payoutService is the concrete payout service behind Rewards, for the reads
// the Rewards interface does not carry yet (an account's holding, declined
// authors); nil when Rewards is something else.
func (s *Server) payoutService() *payout.Service {
	svc, _ := s.Rewards.(*payout.Service)
	return svc
}

// maxPlannedShown bounds how many planned epochs a dashboard reads (newest first).
const maxPlannedShown = 12

// recentEpochs is the window the view charts cover: the current epoch and the
// ones before it.
const recentEpochs = 6

// maxPlannedFallback bounds how many epochs plannedEpochs looks up one by one
// when the plan store cannot list its newest plans in one query.
const maxPlannedFallback = 64

// recentPlanStore is the plan store's bounded read of its newest plans
// (internal/sqlite's DB): one indexed query, however many epochs have passed.
type recentPlanStore interface {
	// RecentPlans returns up to limit plans of epochs at or before
	// atOrBefore, newest first; EINVALID for a limit out of range.
	RecentPlans(ctx context.Context, atOrBefore uint64, limit int) ([]payout.PlanRecord, error)
}

// plannedEpochs returns up to maxPlannedShown planned epochs at or before
// last, newest first, with their plans. With one-minute epochs the current
// epoch is in the hundreds of thousands, so the plans are read in one query
// (ORDER BY epoch DESC LIMIT 12), never by walking epoch numbers back to 0.
func (s *Server) plannedEpochs(ctx context.Context, last uint64) ([]*reward.Plan, error) {
	if s.Rewards == nil {
		return nil, nil
	}
	if svc := s.payoutService(); svc != nil {
		if rs, ok := svc.Store.(recentPlanStore); ok {
			recs, err := rs.RecentPlans(ctx, last, maxPlannedShown)
			if err != nil {
				return nil, err
			}
			out := make([]*reward.Plan, 0, len(recs))
			for _, rec := range recs {
				p, err := reward.ParsePlan(rec.Document)
				if err != nil {
					return nil, banx.Wrap(banx.EINTERNAL, err, "stored plan of epoch %d", rec.Epoch)
				}
				out = append(out, p)
			}
			return out, nil
		}
	}
	var out []*reward.Plan
	for i := uint64(0); i < maxPlannedFallback && i <= last && len(out) < maxPlannedShown; i++ {
		p, err := s.Rewards.Plan(ctx, last-i)
		if banx.ErrorCode(err) == banx.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

type dashArticle struct {
	ID     int64
	URL    string
	Edit   string // the Publish page opened on this article
	Title  string
	Status string
	Latest int
	Views  int64 // counted in the epochs shown
	Now    int64 // counted in the current epoch
}

type dashEpoch struct {
	N                 uint64
	Start, End        string
	Views             int64
	Share, Amount     string
	CarryIn, CarryOut string
	Paid              string
	Statuses          string
	Planned           bool   // the epoch has a plan
	Earned            bool   // the plan has a leaf for the author
	Undelivered       bool   // a payment was deferred or failed: carried on
	CarryFrom         string // the epoch CarryIn comes from ("E12"), when shown
}

type holding struct {
	Known     bool
	Error     string
	HasLine   bool
	Balance   string
	Limit     string
	Currency  string
	Issuer    string
	Prepared  string // the TrustSet JSON, when asked for
	PrepError string
}

type dashboardPage struct {
	pageBase
	Address, AddressShort string
	Articles              []dashArticle
	ViewsChart            template.HTML
	EarnedChart           template.HTML
	Epochs                []dashEpoch
	TotalPaid             string // paid for the author's leaves, to anyone
	PaidYou               string // of which to the author's own account
	PaidBeneficiaries     string // of which to the author's beneficiaries
	Holding               holding
	RewardsOn             bool
	Beneficiaries         []reward.Share
	Declined              bool
	DeclinedKnown         bool
	CurrentEpoch          uint64
	Settings              dashSettings
}

// dashSettings is the reward settings forms: the beneficiary rows to show
// (the stored split, or what the author just sent when it was refused), the
// refusal, and what was saved.
type dashSettings struct {
	Rows  []beneficiaryRow
	Error string
	Saved string
	Max   int
}

// signinPage explains how an author signs in, for a browser without a session.
type signinPage struct {
	pageBase
	Reason string
}

// authorSession returns the signed-in author of a page request from the
// session cookie, or nil with the reason there is none.
func (s *Server) authorSession(c *gin.Context) (*banx.Session, string) {
	if s.Auth == nil {
		return nil, "Author sign-in is not enabled on this server."
	}
	ck, err := c.Request.Cookie(SessionCookie)
	if err != nil || ck.Value == "" {
		return nil, "You are not signed in."
	}
	sess, err := s.Auth.Authenticate(c.Request.Context(), ck.Value)
	if err != nil {
		return nil, "Your session has expired or was ended: sign in again."
	}
	return sess, ""
}

// handleDashboardPage renders GET /dashboard: the signed-in author's articles,
// views per epoch, earnings, BXE holding and reward settings. Without a
// session it answers 401 with a page that says how to sign in.
func (s *Server) handleDashboardPage(c *gin.Context) {
	s.dashboard(c, dashOptions{})
}

// handleDashboardTrustLine renders GET /dashboard/trustline: the dashboard with
// the author's unsigned TrustSet prepared, to sign with their own wallet. It
// changes nothing, so it is a GET.
func (s *Server) handleDashboardTrustLine(c *gin.Context) {
	s.dashboard(c, dashOptions{prepare: true})
}

// dashOptions changes what one dashboard answer shows.
type dashOptions struct {
	prepare bool             // prepare the trust line
	status  int              // 0 means 200
	refused string           // why a settings form was refused
	rows    []beneficiaryRow // the rows the refused form sent
}

func (s *Server) dashboard(c *gin.Context, opt dashOptions) {
	prepare := opt.prepare
	c.Header("Cache-Control", "no-store")
	sess, reason := s.authorSession(c)
	if sess == nil {
		s.renderPage(c, http.StatusUnauthorized, "dashboard_signin", signinPage{pageBase: s.base("Sign in", "Sign in to your Banx author dashboard."), Reason: reason})
		return
	}
	ctx := c.Request.Context()
	policy, err := s.rewardPolicy()
	if err != nil {
		s.pageError(c, err)
		return
	}
	now := s.Site.Now()
	current, _ := policy.EpochAt(now)
	p := dashboardPage{pageBase: s.base("Your dashboard", "Your articles, views and BXE rewards on Banx."),
		Address: sess.Address, AddressShort: shortAddress(sess.Address), CurrentEpoch: current, RewardsOn: s.Rewards != nil}

	planned, err := s.plannedEpochs(ctx, current)
	if err != nil {
		s.pageError(c, err)
		return
	}
	epochs := map[uint64]*dashEpoch{}
	var order []uint64
	addEpoch := func(e uint64) *dashEpoch {
		if d, ok := epochs[e]; ok {
			return d
		}
		start, end := epochDates(policy, e)
		d := &dashEpoch{N: e, Start: start, End: end, Share: "0", Amount: "0", Paid: "0"}
		epochs[e] = d
		order = append(order, e)
		return d
	}
	for i := range recentEpochs {
		if uint64(i) <= current {
			addEpoch(current - uint64(i))
		}
	}
	totalPaid, paidYou := new(big.Rat), new(big.Rat)
	// The author's payments of each plan shown, read first: a carry into an
	// epoch comes from an older one whose leaf carried out or whose payments
	// were not delivered.
	mine := map[uint64][]payout.Payout{}
	for _, plan := range planned {
		if leafOf(plan, sess.Address) == nil {
			continue
		}
		ps, err := s.Rewards.EpochPayouts(ctx, plan.Epoch)
		if err != nil {
			s.pageError(c, err)
			return
		}
		for _, py := range ps {
			if py.Author == sess.Address {
				mine[plan.Epoch] = append(mine[plan.Epoch], py)
			}
		}
	}
	undelivered := func(e uint64) bool {
		return slices.ContainsFunc(mine[e], func(py payout.Payout) bool {
			return py.Status == payout.StatusDeferred || py.Status == payout.StatusFailed
		})
	}
	for i, plan := range planned {
		d := addEpoch(plan.Epoch)
		d.Planned = true
		l := leafOf(plan, sess.Address)
		if l == nil {
			continue // planned, nothing earned
		}
		d.Earned, d.Share, d.Amount, d.CarryIn, d.CarryOut = true, l.Share, l.Amount, l.CarryIn, l.CarryOut
		d.Undelivered = undelivered(plan.Epoch)
		if !isZeroAmount(l.CarryIn) {
			// Plans are made in order, so the carry comes from the author's
			// newest earlier leaf that carried something out or was not paid.
			for _, older := range planned[i+1:] {
				if ol := leafOf(older, sess.Address); ol != nil && (!isZeroAmount(ol.CarryOut) || undelivered(older.Epoch)) {
					d.CarryFrom = "E" + strconv.FormatUint(older.Epoch, 10)
					break
				}
			}
		}
		paid := new(big.Rat)
		counts := map[payout.Status]int{}
		for _, py := range mine[plan.Epoch] {
			counts[py.Status]++
			if py.Status == payout.StatusPaid {
				if r, ok := new(big.Rat).SetString(orZero(py.Delivered, py.Amount)); ok {
					paid.Add(paid, r)
					if py.Account == sess.Address {
						paidYou.Add(paidYou, r)
					}
				}
			}
		}
		d.Paid, d.Statuses = decimal(paid), statusSummary(counts)
		totalPaid.Add(totalPaid, paid)
	}
	slices.Sort(order)

	// Views per epoch and article, for the author's articles only.
	arts, err := s.authorArticles(ctx, sess.Address)
	if err != nil {
		s.pageError(c, err)
		return
	}
	perArticle := map[int64][]int64{}
	for k, e := range order {
		start, end := policy.Epoch(e)
		if s.Site.ViewCounts == nil {
			break
		}
		rows, err := s.Site.ViewCounts.EpochViews(ctx, start, end)
		if err != nil {
			s.pageError(c, err)
			return
		}
		for _, r := range rows {
			if r.Author != sess.Address {
				continue
			}
			if perArticle[r.ArticleID] == nil {
				perArticle[r.ArticleID] = make([]int64, len(order))
			}
			perArticle[r.ArticleID][k] += r.Views
			epochs[e].Views += r.Views
		}
	}
	for i := range arts {
		for k, v := range perArticle[arts[i].ID] {
			arts[i].Views += v
			if order[k] == current {
				arts[i].Now = v
			}
		}
	}
	p.Articles = arts

	labels := make([]string, len(order))
	for k, e := range order {
		labels[k] = "E" + strconv.FormatUint(e, 10)
		p.Epochs = append(p.Epochs, *epochs[e])
	}
	slices.Reverse(p.Epochs)
	vc := chart.Chart{ID: "author-views", Title: "Counted views per epoch", Unit: "views", Labels: labels,
		Desc: "Views of your articles that the view ledger counted, per reward epoch, stacked by article."}
	ids := make([]int64, 0, len(perArticle))
	for id := range perArticle {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		vals := make([]string, len(order))
		for k, v := range perArticle[id] {
			vals[k] = chart.Int(v)
		}
		vc.Series = append(vc.Series, chart.Series{Name: titleOf(arts, id), Values: vals})
	}
	if len(vc.Series) == 0 {
		vals := make([]string, len(order))
		for k := range vals {
			vals[k] = "0"
		}
		vc.Series = []chart.Series{{Name: "counted", Values: vals}}
	}
	if p.ViewsChart, err = chart.StackedBars(vc); err != nil {
		s.pageError(c, banx.Wrap(banx.EINTERNAL, err, "views chart"))
		return
	}
	ec := chart.Chart{ID: "author-earned", Title: "BXE earned per epoch", Unit: "BXE", Labels: labels,
		Desc: "BXE allocated to you in each epoch's payout plan (0 for epochs not planned yet)."}
	vals := make([]string, len(order))
	for k, e := range order {
		vals[k] = epochs[e].Share
	}
	ec.Series = []chart.Series{{Name: "earned", Values: vals}}
	if p.EarnedChart, err = chart.Bars(ec); err != nil {
		s.pageError(c, banx.Wrap(banx.EINTERNAL, err, "earnings chart"))
		return
	}
	p.TotalPaid, p.PaidYou = decimal(totalPaid), decimal(paidYou)
	p.PaidBeneficiaries = decimal(new(big.Rat).Sub(totalPaid, paidYou))

	if s.Rewards != nil {
		p.Holding = s.holdingOf(ctx, sess.Address)
		if prepare {
			tx, err := s.Rewards.PrepareTrustLine(ctx, sess.Address)
			if err != nil {
				p.Holding.PrepError = banx.ErrorMessage(err)
			} else if b, err := json.MarshalIndent(tx, "", "  "); err == nil {
				p.Holding.Prepared = string(b)
			}
		}
		if p.Beneficiaries, err = s.Rewards.Beneficiaries(ctx, sess.Address); err != nil {
			s.pageError(c, err)
			return
		}
		p.Settings = s.settingsForm(c, policy, p.Beneficiaries, opt)
		if svc := s.payoutService(); svc != nil && svc.Preferences != nil {
			if declined, err := svc.Preferences.DeclinedAuthors(ctx); err == nil {
				p.DeclinedKnown, p.Declined = true, slices.Contains(declined, sess.Address)
			}
		}
	}
	status := http.StatusOK
	if opt.status != 0 {
		status = opt.status
	}
	s.renderPage(c, status, "dashboard", p)
}

// holdingOf reads the author's trust line to the BXE issuer from the ledger.
// A ledger that does not answer leaves the rest of the dashboard working.
func (s *Server) holdingOf(ctx context.Context, addr string) holding {
	svc := s.payoutService()
	if svc == nil || svc.Token == nil || svc.Token.Ledger == nil {
		return holding{Error: "the token service is not available on this server"}
	}
	h := holding{Currency: svc.Token.Currency, Issuer: svc.Token.Issuer}
	lines, err := svc.Token.Ledger.AccountLines(ctx, addr, svc.Token.Issuer)
	if banx.ErrorCode(err) == banx.ENOTFOUND {
		h.Known = true // the account does not exist yet: no line
		return h
	}
	if err != nil {
		s.Logger.Warn("dashboard: account lines", "account", addr, "err", err)
		h.Error = "the XRP Ledger could not be read just now: " + banx.ErrorMessage(err)
		return h
	}
	h.Known = true
	for _, l := range lines {
		if l.Currency == svc.Token.Currency {
			h.HasLine, h.Balance, h.Limit = true, l.Balance, l.Limit
		}
	}
	return h
}

// authorArticles lists the author's published articles with their titles.
func (s *Server) authorArticles(ctx context.Context, addr string) ([]dashArticle, error) {
	var out []dashArticle
	const batch = 100
	for offset := 0; offset < maxScan; offset += batch {
		list, err := s.Publish.Articles(ctx, addr, batch, offset)
		if err != nil {
			return nil, err
		}
		for _, a := range list {
			out = append(out, dashArticle{ID: a.Article.ID, URL: articleURL(a.Article.ID, a.Article.Slug),
				Edit:  "/publish?edit=" + strconv.FormatInt(a.Article.ID, 10),
				Title: a.Latest.Title, Status: string(a.Latest.Status), Latest: a.Latest.Version})
		}
		if len(list) < batch {
			break
		}
	}
	return out, nil
}

func titleOf(arts []dashArticle, id int64) string {
	for _, a := range arts {
		if a.ID == id {
			return truncate(a.Title, 40)
		}
	}
	return "article " + strconv.FormatInt(id, 10)
}

// leafOf returns author's leaf in plan, or nil when the plan gave them nothing.
func leafOf(plan *reward.Plan, author string) *reward.Leaf {
	for i := range plan.Leaves {
		if plan.Leaves[i].Author == author {
			return &plan.Leaves[i]
		}
	}
	return nil
}

// isZeroAmount reports whether a plan amount is empty or zero.
func isZeroAmount(v string) bool {
	r, ok := new(big.Rat).SetString(v)
	return !ok || r.Sign() == 0
}

func orZero(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// decimal prints an exact sum of decimals (a terminating fraction) without
// trailing zeros.
func decimal(r *big.Rat) string {
	s := r.FloatString(15)
	for len(s) > 1 && s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	return s
}

func statusSummary(counts map[payout.Status]int) string {
	var out string
	for _, st := range []payout.Status{payout.StatusPaid, payout.StatusPending, payout.StatusSigned, payout.StatusSubmitted, payout.StatusDeferred, payout.StatusFailed} {
		if n := counts[st]; n > 0 {
			if out != "" {
				out += ", "
			}
			out += strconv.Itoa(n) + " " + string(st)
		}
	}
	return out
}

// epochDates formats an epoch's interval for a page: dates for epochs made
// of whole days, dates and UTC times otherwise (a one-minute epoch would read
// "2026-11-25 – 2026-11-25").
func epochDates(p reward.Policy, e uint64) (string, string) {
	start, end := p.Epoch(e)
	layout := time.DateOnly
	if p.Length%(24*time.Hour) != 0 || start.UTC().Format(time.TimeOnly) != "00:00:00" {
		layout = "2006-01-02 15:04"
		if p.Length%time.Minute != 0 {
			layout = time.DateTime
		}
	}
	return start.UTC().Format(layout), end.UTC().Format(layout)
}
