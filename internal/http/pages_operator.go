package http

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/chart"
	"github.com/banxmedia/banx/internal/payout"
	"github.com/banxmedia/banx/internal/reward"
	"github.com/banxmedia/banx/internal/views"
)

// The operator dashboard is for browsers, which cannot send the operator's
// bearer token from a link or a form. The operator signs in once with the
// token (POST /operator/login, checked like requireOperator: SHA-256 compared
// in constant time) and gets a session cookie:
//
//   - the cookie holds a random 256-bit id; the server keeps only its SHA-256,
//     in memory, so a restart signs every operator out and nothing on disk or in
//     a heap dump can be replayed;
//   - HttpOnly (no script can read it), Path=/operator, SameSite=Strict (no other
//     site's page can make the browser send it, even with a top-level POST), and
//     Secure over TLS; it expires after operatorSessionTTL;
//   - every POST under /operator must carry an Origin equal to this server's own:
//     SameSite covers modern browsers, the Origin check covers the rest and
//     same-site but cross-origin pages (another port or subdomain). Login is
//     checked too, so no page can sign a browser in as the operator (login CSRF).
//
// No CSRF token is needed on top: the forms have no secret to carry, and the
// two checks above refuse every cross-origin POST before it reaches a handler.

// OperatorCookie names the operator dashboard's session cookie.
const OperatorCookie = "banx_operator"

// operatorSessionTTL is how long an operator stays signed in.
const operatorSessionTTL = 8 * time.Hour

// maxOperatorSessions bounds the in-memory sessions, so repeated sign-ins
// cannot grow the server's memory; the oldest session goes first.
const maxOperatorSessions = 64

// operatorSessions holds live operator sessions by the SHA-256 of their id,
// and each session's flash: the outcome of its last form action, shown once on
// the next page. The flash lives here rather than in the redirect's query, so
// no link can put text of its choosing in the operator's alert box.
type operatorSessions struct {
	mu    sync.Mutex
	m     map[[sha256.Size]byte]time.Time // expiry
	flash map[[sha256.Size]byte]string
}

// setFlash keeps msg for the session's next page.
func (o *operatorSessions) setFlash(id, msg string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	k := sha256.Sum256([]byte(id))
	if _, ok := o.m[k]; !ok {
		return
	}
	if o.flash == nil {
		o.flash = map[[sha256.Size]byte]string{}
	}
	o.flash[k] = msg
}

// takeFlash returns and forgets the session's flash.
func (o *operatorSessions) takeFlash(id string) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	k := sha256.Sum256([]byte(id))
	msg := o.flash[k]
	delete(o.flash, k)
	return msg
}

func (o *operatorSessions) create(now time.Time) string {
	var b [32]byte
	rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.m == nil {
		o.m = map[[sha256.Size]byte]time.Time{}
	}
	var oldest [sha256.Size]byte
	var oldestAt time.Time
	for k, exp := range o.m {
		if !exp.After(now) {
			delete(o.m, k)
			delete(o.flash, k)
		} else if oldestAt.IsZero() || exp.Before(oldestAt) {
			oldest, oldestAt = k, exp
		}
	}
	if len(o.m) >= maxOperatorSessions {
		delete(o.m, oldest)
		delete(o.flash, oldest)
	}
	o.m[sha256.Sum256([]byte(id))] = now.Add(operatorSessionTTL)
	return id
}

func (o *operatorSessions) valid(id string, now time.Time) bool {
	if id == "" {
		return false
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	exp, ok := o.m[sha256.Sum256([]byte(id))]
	return ok && exp.After(now)
}

func (o *operatorSessions) end(id string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.m, sha256.Sum256([]byte(id)))
	delete(o.flash, sha256.Sum256([]byte(id)))
}

// sameOrigin refuses (403) a POST whose Origin is not this server's own.
func (s *Server) sameOrigin(c *gin.Context) bool {
	scheme := "http"
	if s.overTLS(c.Request) {
		scheme = "https"
	}
	if c.GetHeader("Origin") != scheme+"://"+c.Request.Host {
		s.pageError(c, banx.Errorf(banx.EFORBIDDEN, "this form must be sent from %s://%s itself: cross-origin requests are refused", scheme, c.Request.Host))
		return false
	}
	return true
}

func (s *Server) operatorSignedIn(c *gin.Context) bool {
	ck, err := c.Request.Cookie(OperatorCookie)
	return err == nil && s.ops.valid(ck.Value, time.Now())
}

type operatorLoginPage struct {
	pageBase
	Error string
}

func (s *Server) renderOperatorLogin(c *gin.Context, status int, msg string) {
	c.Header("Cache-Control", "no-store")
	s.renderPage(c, status, "operator_login", operatorLoginPage{pageBase: s.base("Operator sign-in", "Sign in to the Banx operator dashboard."), Error: msg})
}

// handleOperatorLogin checks the operator token from the sign-in form and
// starts a session: 303 to /operator, or 401 with the form again.
func (s *Server) handleOperatorLogin(c *gin.Context) {
	if !s.sameOrigin(c) {
		return
	}
	token := c.PostForm("token")
	sum := sha256.Sum256([]byte(token))
	if token == "" || subtle.ConstantTimeCompare(sum[:], s.OperatorTokenHash[:]) != 1 {
		s.renderOperatorLogin(c, http.StatusUnauthorized, "That operator token is not valid.")
		return
	}
	id := s.ops.create(time.Now())
	http.SetCookie(c.Writer, &http.Cookie{Name: OperatorCookie, Value: id, Path: "/operator", MaxAge: int(operatorSessionTTL.Seconds()),
		HttpOnly: true, Secure: s.overTLS(c.Request), SameSite: http.SameSiteStrictMode})
	c.Redirect(http.StatusSeeOther, "/operator")
}

// handleOperatorLogout ends the operator's session.
func (s *Server) handleOperatorLogout(c *gin.Context) {
	if !s.sameOrigin(c) {
		return
	}
	if ck, err := c.Request.Cookie(OperatorCookie); err == nil {
		s.ops.end(ck.Value)
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: OperatorCookie, Value: "", Path: "/operator", MaxAge: -1, HttpOnly: true,
		Secure: s.overTLS(c.Request), SameSite: http.SameSiteStrictMode})
	c.Redirect(http.StatusSeeOther, "/operator")
}

// requireOperatorPage admits a signed-in operator's POST from this origin.
func (s *Server) requireOperatorPage(c *gin.Context) bool {
	if !s.sameOrigin(c) {
		return false
	}
	if !s.operatorSignedIn(c) {
		s.renderOperatorLogin(c, http.StatusUnauthorized, "Sign in as the operator first.")
		return false
	}
	return true
}

// formEpoch reads the epoch field of a form.
func (s *Server) formEpoch(c *gin.Context) (uint64, bool) {
	raw := c.PostForm("epoch")
	e, err := strconv.ParseUint(raw, 10, 64)
	if err != nil || e > reward.MaxEpoch || strconv.FormatUint(e, 10) != raw {
		s.pageError(c, banx.Errorf(banx.EINVALID, "epoch %q: want a decimal number from 0 to %d", truncate(raw, 40), reward.MaxEpoch))
		return 0, false
	}
	return e, true
}

// handleOperatorPlan closes and plans an epoch from the dashboard's form, then
// shows that epoch (post/redirect/get, so a reload does not resubmit).
func (s *Server) handleOperatorPlan(c *gin.Context) {
	s.operatorAction(c, func(e uint64) error {
		_, err := s.Rewards.PlanEpoch(c.Request.Context(), e, false)
		return err
	})
}

// handleOperatorRun pays a planned epoch from the dashboard's form. Like the
// API, the run is detached from the request: a closed tab must not cut a run
// between submitting and recording.
func (s *Server) handleOperatorRun(c *gin.Context) {
	s.operatorAction(c, func(e uint64) error {
		_, err := s.Rewards.RunEpoch(context.WithoutCancel(c.Request.Context()), e)
		return err
	})
}

func (s *Server) operatorAction(c *gin.Context, do func(uint64) error) {
	if !s.requireOperatorPage(c) {
		return
	}
	if s.Rewards == nil {
		s.pageError(c, banx.Errorf(banx.EUNAVAILABLE, "rewards are not configured on this server"))
		return
	}
	e, ok := s.formEpoch(c)
	if !ok {
		return
	}
	q := url.Values{"epoch": {strconv.FormatUint(e, 10)}}
	if err := do(e); err != nil {
		if banx.ErrorCode(err) == banx.EINTERNAL {
			s.Logger.Error("operator action", "request_id", requestIDOf(c), "epoch", e, "err", err)
		}
		if ck, cerr := c.Request.Cookie(OperatorCookie); cerr == nil {
			s.ops.setFlash(ck.Value, "Epoch "+strconv.FormatUint(e, 10)+": "+truncate(banx.ErrorMessage(err), 300))
		}
	}
	c.Redirect(http.StatusSeeOther, "/operator?"+q.Encode())
}

type opEpoch struct {
	N          uint64
	Start, End string
	State      string
	Root       string
	Allocated  string
	Summary    payout.Progress
	CanPlan    bool
	CanRun     bool
	Selected   bool
}

type operatorPage struct {
	pageBase
	Error        string
	CurrentEpoch uint64
	Epochs       []opEpoch
	Selected     *opEpoch
	Payments     []payout.Payout
	MorePayments int
	ViewsChart   template.HTML
	PaidChart    template.HTML
	Reasons      []reasonTotal
	Unrecorded   []reasonTotal
	ViewsError   string
	Token        *payout.TokenStatus
	TokenError   string
	RewardsOn    bool
	PlanNext     uint64
}

type reasonTotal struct {
	Reason string
	N      int64
}

// viewDays is how many UTC days the operator's views chart covers.
const viewDays = 14

// maxPaymentsShown bounds the payments table of the selected epoch.
const maxPaymentsShown = 200

// handleOperatorPage renders GET /operator: the sign-in form, or the dashboard.
func (s *Server) handleOperatorPage(c *gin.Context) {
	if !s.operatorSignedIn(c) {
		s.renderOperatorLogin(c, http.StatusUnauthorized, "")
		return
	}
	c.Header("Cache-Control", "no-store")
	ctx := c.Request.Context()
	p := operatorPage{pageBase: s.base("Operator dashboard", "Epochs, views, payouts and the BXE token."), RewardsOn: s.Rewards != nil}
	if ck, err := c.Request.Cookie(OperatorCookie); err == nil {
		p.Error = s.ops.takeFlash(ck.Value)
	}
	policy, err := s.rewardPolicy()
	if err != nil {
		s.pageError(c, err)
		return
	}
	now := s.Site.Now()
	p.CurrentEpoch, _ = policy.EpochAt(now)
	selected, hasSelected := uint64(0), false
	if q := c.Query("epoch"); q != "" {
		e, err := strconv.ParseUint(q, 10, 64)
		if err != nil || e > reward.MaxEpoch {
			s.pageError(c, banx.Errorf(banx.EINVALID, "epoch %q: want a decimal number from 0 to %d", truncate(q, 20), reward.MaxEpoch))
			return
		}
		if e > p.CurrentEpoch {
			s.pageError(c, banx.Errorf(banx.EINVALID, "epoch %d has not begun: the current epoch is %d", e, p.CurrentEpoch))
			return
		}
		selected, hasSelected = e, true
	}

	// Views: counted and filtered per day, stacked by reason.
	if s.Views != nil {
		st, err := s.Views.ViewStats(ctx, now.AddDate(0, 0, -(viewDays-1)), now)
		if err != nil {
			p.ViewsError = banx.ErrorMessage(err)
		} else if p.ViewsChart, err = viewsChart(st, now); err != nil {
			s.pageError(c, banx.Wrap(banx.EINTERNAL, err, "views chart"))
			return
		} else {
			for _, r := range views.Reasons() {
				p.Reasons = append(p.Reasons, reasonTotal{string(r), st.Totals[r]})
			}
			for _, k := range []string{"malformed_token", "unknown_article", "flood"} {
				p.Unrecorded = append(p.Unrecorded, reasonTotal{k, st.Unrecorded[k]})
			}
		}
	}

	if s.Rewards != nil {
		if p.Token, err = s.Rewards.TokenStatus(ctx); err != nil {
			p.TokenError = banx.ErrorMessage(err)
		}
		planned, err := s.plannedEpochs(ctx, p.CurrentEpoch)
		if err != nil {
			s.pageError(c, err)
			return
		}
		shown := map[uint64]bool{}
		var list []uint64
		add := func(e uint64) {
			if !shown[e] {
				shown[e] = true
				list = append(list, e)
			}
		}
		for i := range recentEpochs {
			if uint64(i) <= p.CurrentEpoch {
				add(p.CurrentEpoch - uint64(i))
			}
		}
		plans := map[uint64]*reward.Plan{}
		for _, pl := range planned {
			plans[pl.Epoch] = pl
			add(pl.Epoch)
		}
		if hasSelected {
			add(selected)
			if _, ok := plans[selected]; !ok {
				// An older plan than the newest twelve: read that one alone.
				if pl, err := s.Rewards.Plan(ctx, selected); err == nil {
					plans[selected] = pl
				} else if banx.ErrorCode(err) != banx.ENOTFOUND {
					s.pageError(c, err)
					return
				}
			}
		}
		if len(planned) > 0 {
			p.PlanNext = planned[0].Epoch + 1
		} else if p.CurrentEpoch > 0 {
			p.PlanNext = p.CurrentEpoch - 1
		}
		if !hasSelected && len(planned) > 0 {
			selected, hasSelected = planned[0].Epoch, true
		}
		slices.Sort(list)
		slices.Reverse(list)
		var paidLabels, paidVals []string
		for _, e := range list {
			start, end := epochDates(policy, e)
			oe := opEpoch{N: e, Start: start, End: end, Selected: hasSelected && e == selected}
			pl := plans[e]
			switch {
			case e >= p.CurrentEpoch:
				oe.State = "open"
			case pl == nil:
				// Epochs are planned in order: only the one after the last
				// planned epoch (any closed one on a fresh database) can be.
				oe.State, oe.CanPlan = "closed", len(planned) == 0 || e == planned[0].Epoch+1
			default:
				ps, err := s.Rewards.EpochPayouts(ctx, e)
				if err != nil {
					s.pageError(c, err)
					return
				}
				oe.Root, oe.Allocated = pl.Root, pl.Pool.Allocated
				oe.Summary = payout.Summarize(e, ps)
				oe.CanRun = oe.Summary.Pending+oe.Summary.InFlight > 0
				oe.State = "planned"
				if oe.Summary.Total > 0 && !oe.CanRun {
					oe.State = "paid out"
				}
				if oe.Selected {
					p.Payments = ps
					if len(ps) > maxPaymentsShown {
						p.Payments, p.MorePayments = ps[:maxPaymentsShown], len(ps)-maxPaymentsShown
					}
				}
				paidLabels = append([]string{"E" + strconv.FormatUint(e, 10)}, paidLabels...)
				paidVals = append([]string{pl.Totals.Paid}, paidVals...)
			}
			p.Epochs = append(p.Epochs, oe)
		}
		if len(paidLabels) > 0 {
			p.PaidChart, err = chart.Bars(chart.Chart{ID: "op-paid", Title: "BXE planned for payment per epoch", Unit: "BXE",
				Desc: "What each planned epoch's plan pays authors and their beneficiaries.", Labels: paidLabels,
				Series: []chart.Series{{Name: "planned", Values: paidVals}}})
			if err != nil {
				s.pageError(c, banx.Wrap(banx.EINTERNAL, err, "paid chart"))
				return
			}
		}
	}
	for i := range p.Epochs {
		if p.Epochs[i].Selected {
			p.Selected = &p.Epochs[i]
		}
	}
	s.renderPage(c, http.StatusOK, "operator", p)
}

// viewsChart stacks each day's recorded beacons by reason, counted first.
func viewsChart(st *views.Stats, now time.Time) (template.HTML, error) {
	days := map[string]views.DayStats{}
	for _, d := range st.Days {
		days[d.Day] = d
	}
	reasons := views.Reasons()
	order := append([]views.Reason{views.Counted}, reasons[:len(reasons)-1]...)
	c := chart.Chart{ID: "op-views", Title: "Counted and filtered views per day", Unit: "beacons", UnitOne: "beacon",
		Desc: "Beacons the view ledger recorded per UTC day over the last " + strconv.Itoa(viewDays) + " days, stacked by the reason each was counted or filtered."}
	c.Series = make([]chart.Series, len(order))
	for i, r := range order {
		c.Series[i].Name = string(r)
	}
	start := now.UTC().Truncate(24*time.Hour).AddDate(0, 0, -(viewDays - 1))
	for i := range viewDays {
		day := start.AddDate(0, 0, i)
		c.Labels = append(c.Labels, day.Format("01-02"))
		d := days[day.Format(time.DateOnly)]
		for k, r := range order {
			c.Series[k].Values = append(c.Series[k].Values, chart.Int(d.Reasons[r]))
		}
	}
	return chart.StackedBars(c)
}
