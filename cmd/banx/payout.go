package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/Peersyst/xrpl-go/xrpl/transaction"
	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/payout"
	"github.com/banxmedia/banx/internal/reward"
	"github.com/banxmedia/banx/internal/sqlite"
	"github.com/banxmedia/banx/internal/xrpl"
)

// runPayout implements `banx payout plan|run|status|proof|verify|beneficiaries|decline`.
func runPayout(ctx context.Context, args []string, e env) error {
	if len(args) == 0 {
		return usageError("payout needs a subcommand: plan, run, status, proof, verify, beneficiaries or decline")
	}
	sub, args := args[0], args[1:]
	if isHelp(sub) {
		fmt.Fprint(e.stdout, payoutUsage)
		return nil
	}
	if sub == "verify" {
		return runPayoutVerify(ctx, args, e)
	}
	switch sub {
	case "plan", "run", "status", "proof", "beneficiaries", "decline":
	default:
		return usageError(fmt.Sprintf("unknown payout subcommand %q: want plan, run, status, proof, verify, beneficiaries or decline", sub))
	}
	cfg := DefaultConfig()
	fs := newFlagSet("payout "+sub, e)
	cfg.bind(fs, e.getenv, "data", "xrpl", "ledger-addr", "network", "issuer-seed-file", "distribution-seed-file", "reward-policy")
	var epoch *uint64
	if sub != "beneficiaries" && sub != "decline" {
		help := "the epoch (required); epoch E starts at the policy's genesis + E x epoch length"
		switch sub {
		case "plan":
			help = "the epoch (or --next); epoch E starts at the policy's genesis + E x epoch length"
		case "status":
			help = "the epoch to report; without it, the current epoch, the last planned one and the next one to plan"
		}
		epoch = fs.Uint64("epoch", 0, help)
	}
	o := payoutFlags{}
	switch sub {
	case "plan":
		o.dryRun = fs.Bool("dry-run", false, "compute the plan without closing the epoch or storing it")
		o.next = fs.Bool("next", false, "plan the next epoch due: the one after the last planned epoch (on a fresh database, the last closed one); `banx payout status` shows it")
	case "run":
		o.dryRun = fs.Bool("dry-run", false, "show what would be paid and predict trust-line failures; sign and send nothing")
		o.jsonOut = fs.String("json", "", "write the JSON report to this file (- for stdout)")
		o.csvOut = fs.String("csv", "", "write the CSV report to this file (- for stdout)")
		o.batch = fs.Int("batch", 0, "payments signed with consecutive sequences before waiting (default 10; 1000 on the embedded ledger)")
	case "status":
		o.jsonOut = fs.String("json", "", "write the JSON report to this file (- for stdout)")
		o.csvOut = fs.String("csv", "", "write the CSV report to this file (- for stdout)")
	case "proof":
		o.author = fs.String("author", "", "the author's classic address (required)")
	case "beneficiaries":
		o.author = fs.String("author", "", "the author's classic address (required)")
		o.set = fs.String("set", "", "the split as ACCOUNT=BASIS_POINTS,... summing to 10000 (empty shows the current one); then the ledger is read and each account that cannot receive BXE yet is named in a warning on stderr (it is saved all the same)")
		o.clear = fs.Bool("clear", false, "remove the split: the author is paid in full")
	case "decline":
		o.author = fs.String("author", "", "the author's classic address (required)")
		o.undo = fs.Bool("undo", false, "take rewards again")
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(fmt.Sprintf("payout %s takes no arguments, got %q", sub, fs.Args()))
	}
	switch {
	case sub == "plan" && *o.next && flagSet(fs, "epoch"):
		return usageError("payout plan takes --epoch or --next, not both")
	case sub == "plan" && *o.next, sub == "status" && !flagSet(fs, "epoch"):
		if sub == "status" && (*o.jsonOut != "" && *o.jsonOut != "-" || *o.csvOut != "") {
			return usageError("payout status without --epoch writes no report file: --json - prints the epochs as JSON")
		}
	case epoch != nil && !flagSet(fs, "epoch"):
		if sub == "plan" {
			return usageError("payout plan needs --epoch, or --next for the next epoch due (see `banx payout status`)")
		}
		return usageError("payout " + sub + " needs --epoch")
	}
	if o.author != nil && *o.author == "" {
		return usageError("payout " + sub + " needs --author")
	}
	svc, closeAll, err := openPayoutService(ctx, cfg, e, sub == "run" && !*o.dryRun, sub == "run")
	if err != nil {
		return err
	}
	defer closeAll()
	switch sub {
	case "plan":
		if *o.next {
			st, err := payoutEpochs(ctx, svc)
			if err != nil {
				return err
			}
			if !st.Due {
				return banx.Errorf(banx.ECONFLICT, "no epoch to plan yet: %s", st.nextText())
			}
			*epoch = st.Next
			fmt.Fprintf(e.stderr, "banx: planning epoch %d (%s to %s)\n", st.Next, st.NextStart.Format(time.RFC3339), st.NextEnd.Format(time.RFC3339))
		}
		plan, err := svc.PlanEpoch(ctx, *epoch, *o.dryRun)
		if err != nil {
			return err
		}
		_, err = e.stdout.Write(plan.Marshal())
		return err
	case "run":
		return runPayoutRun(ctx, svc, *epoch, o, e)
	case "status":
		if !flagSet(fs, "epoch") {
			return payoutEpochsStatus(ctx, svc, *o.jsonOut == "-", e)
		}
		return payoutStatus(ctx, svc, *epoch, o, e)
	case "proof":
		p, err := svc.Proof(ctx, *epoch, *o.author)
		if err != nil {
			return err
		}
		return writeRewardJSON(e.stdout, p)
	case "beneficiaries":
		dial := func(ctx context.Context) (payout.TokenLedger, func(), error) {
			c, err := cfg.dialLedger(ctx, svc.Token.Network)
			if err != nil {
				return nil, nil, err
			}
			return c, func() { c.Close() }, nil
		}
		return payoutBeneficiaries(ctx, svc, o, e, dial)
	default:
		if err := svc.SetDeclined(ctx, *o.author, !*o.undo); err != nil {
			return err
		}
		if *o.undo {
			fmt.Fprintf(e.stdout, "%s takes rewards again from the next plan on\n", *o.author)
		} else {
			fmt.Fprintf(e.stdout, "%s declines rewards from the next plan on; their share stays in the pool\n", *o.author)
		}
		return nil
	}
}

type payoutFlags struct {
	dryRun, clear, undo, next *bool
	jsonOut, csvOut           *string
	batch                     *int
	author, set               *string
}

func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// openPayoutService wires the payout service: database, policy, token accounts
// and, when asked, the ledger client and the distribution wallet.
func openPayoutService(ctx context.Context, cfg Config, e env, needSeed, needLedger bool) (*payout.Service, func(), error) {
	network, tn, err := cfg.tokenNetwork()
	if err != nil {
		return nil, nil, err
	}
	policy, err := cfg.rewardPolicy()
	if err != nil {
		return nil, nil, err
	}
	issuerW, distW, err := cfg.tokenWallets(e.getenv, false)
	if err != nil {
		return nil, nil, err
	}
	if needSeed && distW == nil {
		return nil, nil, banx.Errorf(banx.EINVALID, "payout run needs the distribution seed: %s (mode 0600) or $BANX_DISTRIBUTION_SEED", filepath.Join(cfg.walletsDir(), payout.DistributionSeedFile))
	}
	db, err := sqlite.Open(ctx, filepath.Join(cfg.DataDir, "banx.db"))
	if err != nil {
		return nil, nil, err
	}
	closers := []func(){func() { db.Close() }}
	closeAll := func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	svc := &payout.Service{Store: db, Preferences: db}
	var ledger payout.TokenLedger = offlineLedger{}
	var exLedger payout.Ledger
	if needLedger {
		client, err := cfg.dialLedger(ctx, network)
		if err != nil {
			closeAll()
			return nil, nil, err
		}
		closers = append(closers, func() { client.Close() })
		ledger, exLedger = client, client
	}
	if svc.Token, err = payout.NewToken(ledger, tn.currency, network, tn.network, issuerW, distW); err != nil {
		closeAll()
		return nil, nil, err
	}
	svc.Planner = &payout.Planner{Store: db, Policy: policy, Network: network, Currency: tn.currency, Issuer: svc.Token.Issuer}
	if exLedger != nil {
		svc.Executor = newExecutor(db, exLedger, network, svc.Token, distW, e.getenv)
	}
	return svc, closeAll, nil
}

// newExecutor configures payouts for the network: the embedded ledger takes big
// batches and is closed on demand; public servers queue at most 10 per account.
// BANX_PAYOUT_CRASH=boundary[:n] makes the process SIGKILL itself right after
// the n-th pass of a state boundary: the crash-recovery tests use it.
func newExecutor(db *sqlite.DB, l payout.Ledger, network string, tok *payout.Token, w *wallet.Wallet, getenv func(string) string) *payout.Executor {
	// Payments of a batch are submitted in sequence order with several in
	// flight (Pipeline). A live rippled queues at most 10 transactions per
	// account, so a batch there is 10; the embedded ledger takes a whole batch.
	ex := &payout.Executor{Store: db, Ledger: l, Wallet: w, Currency: tok.Currency, Issuer: tok.Issuer, Network: network,
		BatchSize: 10, Concurrency: 4, Pipeline: 10}
	if network == "embedded" {
		ex.Standalone, ex.BatchSize, ex.Pipeline = true, 1000, 64
	}
	if spec := getenv("BANX_PAYOUT_CRASH"); spec != "" {
		name, nth, _ := strings.Cut(spec, ":")
		want, err := strconv.Atoi(nth)
		if err != nil || want < 1 {
			want = 1
		}
		hits := 0
		ex.Hook = func(b string) {
			if b == name {
				if hits++; hits == want {
					syscall.Kill(os.Getpid(), syscall.SIGKILL)
					time.Sleep(time.Minute)
				}
			}
		}
	}
	return ex
}

func runPayoutRun(ctx context.Context, svc *payout.Service, epoch uint64, o payoutFlags, e env) error {
	plan, err := svc.Plan(ctx, epoch)
	if err != nil {
		return err
	}
	if *o.batch > 0 {
		svc.Executor.BatchSize = *o.batch
	}
	if *o.dryRun {
		return payoutDryRun(ctx, svc, plan, e)
	}
	tty := isTerminal(e.stderr)
	svc.Executor.Progress = func(p payout.Progress) {
		line := fmt.Sprintf("epoch %d: %d/%d paid, %d deferred, %d failed, %d in flight, %d pending",
			p.Epoch, p.Paid, p.Total, p.Deferred, p.Failed, p.InFlight, p.Pending)
		if tty {
			fmt.Fprintf(e.stderr, "\r\033[K%s", line)
		} else {
			fmt.Fprintln(e.stderr, line)
		}
	}
	ps, err := svc.RunEpoch(ctx, epoch)
	if tty {
		fmt.Fprintln(e.stderr)
	}
	if err != nil {
		return err
	}
	rep := payout.NewReport(epoch, plan.Root, ps)
	if err := writeReports(rep, o, e); err != nil {
		return err
	}
	s := rep.Summary
	fmt.Fprintf(e.stdout, "epoch %d (root %s): %d payments: %d paid, %d deferred, %d failed\n", epoch, plan.Root, s.Total, s.Paid, s.Deferred, s.Failed)
	for _, p := range ps {
		if p.Status != payout.StatusPaid || p.Reason != "" {
			fmt.Fprintf(e.stdout, "  %s %s %s: %s\n", p.Account, p.Amount, p.Status, p.Reason)
		}
	}
	return nil
}

// payoutDryRun lists what a run would do, predicting tecPATH_DRY from the
// recipients' trust lines. It signs nothing.
func payoutDryRun(ctx context.Context, svc *payout.Service, plan *reward.Plan, e env) error {
	ps, err := svc.EpochPayouts(ctx, plan.Epoch)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "dry run of epoch %d (root %s): nothing is signed or sent\n", plan.Epoch, plan.Root)
	for _, p := range ps {
		if p.Status.Final() {
			fmt.Fprintf(e.stdout, "  %s %s already %s\n", p.Account, p.Amount, p.Status)
			continue
		}
		verdict := "would pay"
		if _, err := svc.Token.PrepareTrustLine(ctx, p.Account); err == nil {
			verdict = "would be deferred: no trust line for BXE"
		} else if code := banx.ErrorCode(err); code == banx.ENOTFOUND {
			verdict = "would be deferred: the account does not exist"
		}
		fmt.Fprintf(e.stdout, "  %s %s %s\n", p.Account, p.Amount, verdict)
	}
	return nil
}

func payoutStatus(ctx context.Context, svc *payout.Service, epoch uint64, o payoutFlags, e env) error {
	plan, err := svc.Plan(ctx, epoch)
	if err != nil {
		return err
	}
	ps, err := svc.EpochPayouts(ctx, epoch)
	if err != nil {
		return err
	}
	rep := payout.NewReport(epoch, plan.Root, ps)
	if *o.jsonOut != "" || *o.csvOut != "" {
		return writeReports(rep, o, e)
	}
	s := rep.Summary
	fmt.Fprintf(e.stdout, "epoch %d: root %s, pool %s, allocated %s, unallocated %s\n", epoch, plan.Root, plan.Pool.Available, plan.Pool.Allocated, plan.Pool.Unallocated)
	fmt.Fprintf(e.stdout, "%d payments: %d paid, %d deferred, %d failed, %d in flight, %d pending\n", s.Total, s.Paid, s.Deferred, s.Failed, s.InFlight, s.Pending)
	for _, p := range ps {
		fmt.Fprintf(e.stdout, "  %-35s %-22s %-9s %s %s\n", p.Account, p.Amount, p.Status, p.TxHash, p.Reason)
	}
	return nil
}

func writeReports(rep payout.Report, o payoutFlags, e env) error {
	write := func(path string, f func(io.Writer) error) error {
		if path == "" {
			return nil
		}
		if path == "-" {
			return f(e.stdout)
		}
		file, err := os.Create(path)
		if err != nil {
			return banx.Wrap(banx.EUNAVAILABLE, err, "create report %s", path)
		}
		if err := f(file); err != nil {
			file.Close()
			return err
		}
		return file.Close()
	}
	if err := write(*o.jsonOut, func(w io.Writer) error { return writeRewardJSON(w, rep) }); err != nil {
		return err
	}
	return write(*o.csvOut, rep.WriteCSV)
}

// payoutBeneficiaries shows author's split, or sets it (--set, --clear) and
// shows what was stored. A split that was set is then checked against the
// ledger, dialled through dial only for that: each account that cannot receive
// BXE now gets a "warning:" line on stderr saying why, and so does a ledger
// that cannot be read. The split is saved either way (an account may add its
// trust line later), so warnings do not change the exit status.
func payoutBeneficiaries(ctx context.Context, svc *payout.Service, o payoutFlags, e env, dial func(context.Context) (payout.TokenLedger, func(), error)) error {
	switch {
	case *o.clear:
		if err := svc.SetBeneficiaries(ctx, *o.author, nil); err != nil {
			return err
		}
	case *o.set != "":
		var shares []reward.Share
		for _, part := range strings.Split(*o.set, ",") {
			acct, bps, ok := strings.Cut(strings.TrimSpace(part), "=")
			n, err := strconv.Atoi(bps)
			if !ok || err != nil {
				return usageError(fmt.Sprintf("--set: %q is not ACCOUNT=BASIS_POINTS", part))
			}
			shares = append(shares, reward.Share{Account: acct, BasisPoints: n})
		}
		if err := svc.SetBeneficiaries(ctx, *o.author, shares); err != nil {
			return err
		}
	}
	shares, err := svc.Beneficiaries(ctx, *o.author)
	if err != nil {
		return err
	}
	if len(shares) == 0 {
		fmt.Fprintf(e.stdout, "%s is paid in full (no beneficiaries)\n", *o.author)
		return nil
	}
	for _, s := range shares {
		fmt.Fprintf(e.stdout, "%s %d.%02d%%\n", s.Account, s.BasisPoints/100, s.BasisPoints%100)
	}
	if *o.set != "" {
		for _, w := range beneficiaryWarnings(ctx, svc, shares, dial) {
			fmt.Fprintf(e.stderr, "warning: %s\n", w)
		}
	}
	return nil
}

// beneficiaryWarnings says why each account of shares cannot receive BXE
// now, or that the ledger could not tell.
func beneficiaryWarnings(ctx context.Context, svc *payout.Service, shares []reward.Share, dial func(context.Context) (payout.TokenLedger, func(), error)) []string {
	unchecked := func(err error) []string {
		return []string{fmt.Sprintf("whether the beneficiaries can receive BXE could not be checked (%s); the split is saved, and a share that cannot be delivered is deferred to the next epoch", banx.ErrorMessage(err))}
	}
	l, closeLedger, err := dial(ctx)
	if err != nil {
		return unchecked(err)
	}
	defer closeLedger()
	svc.Token.Ledger = l
	accounts := make([]string, len(shares))
	for i, sh := range shares {
		accounts[i] = sh.Account
	}
	problems, err := svc.ReceiveProblems(ctx, accounts)
	if err != nil {
		return unchecked(err)
	}
	out := make([]string, len(problems))
	for i, p := range problems {
		out[i] = p.Reason
	}
	return out
}

// isTerminal reports whether w is a character device, where progress can
// rewrite one line; elsewhere (files, pipes, CI logs) it prints plain lines.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// offlineLedger stands in for the ledger in commands that do not need one
// (plan, status, proof, preferences): any use is a bug reported as such.
type offlineLedger struct{}

func (offlineLedger) err() error {
	return banx.Errorf(banx.EINTERNAL, "this command does not connect to the ledger")
}

func (o offlineLedger) AccountInfo(context.Context, string) (*xrpl.AccountInfo, error) {
	return nil, o.err()
}

func (o offlineLedger) AccountLines(context.Context, string, string) ([]xrpl.TrustLine, error) {
	return nil, o.err()
}

func (o offlineLedger) GatewayBalances(context.Context, string, ...string) (*xrpl.GatewayBalances, error) {
	return nil, o.err()
}

func (o offlineLedger) Autofill(context.Context, transaction.FlatTransaction) error { return o.err() }

func (o offlineLedger) SubmitSignedAndWait(context.Context, *xrpl.SignedTx) (*xrpl.Transaction, error) {
	return nil, o.err()
}

// rewardPolicy is the contract's policy unless BANX_REWARD_POLICY names another
// file (for example a short epoch to try payouts on a dev ledger); the file is
// parsed as strictly as the contract.
func (c *Config) rewardPolicy() (reward.Policy, error) {
	if c.RewardPolicyFile == "" {
		return reward.DefaultPolicy()
	}
	doc, err := os.ReadFile(c.RewardPolicyFile)
	if err != nil {
		return reward.Policy{}, banx.Wrap(banx.EINVALID, err, "reward-policy (BANX_REWARD_POLICY): cannot read %s", c.RewardPolicyFile)
	}
	p, err := reward.ParsePolicy(doc)
	if err != nil {
		return reward.Policy{}, banx.Errorf(banx.EINVALID, "reward-policy (BANX_REWARD_POLICY): %s: %s", c.RewardPolicyFile, banx.ErrorMessage(err))
	}
	return p, nil
}

// payoutUsage lists `banx payout`'s subcommands (banx payout -h).
const payoutUsage = `usage: banx payout <subcommand> [flags]

subcommands:
  plan           close an epoch and compute its plan (--epoch E, or --next for the next epoch due)
  run            pay an epoch's plan from the distribution account (--epoch E)
  status         without --epoch: the current epoch, the last planned one and the next to plan;
                 with --epoch E: that epoch's plan and payments
  proof          an author's inclusion proof in an epoch's plan (--epoch E --author ADDRESS)
  verify         audit a payout against a leaf proof, trusting only an XRPL node
  beneficiaries  show or set an author's split (--author ADDRESS [--set ...|--clear])
  decline        an author declines rewards (--author ADDRESS [--undo])

Run 'banx payout <subcommand> -h' for its flags.
`

// epochState is where the plans stand: the epoch now open, the last planned
// epoch and the next one to plan. Epochs are planned in order, one after the
// last planned one; on a fresh database the first plan is the last closed
// epoch (as the operator page offers).
type epochState struct {
	Current      uint64    `json:"current_epoch"`
	CurrentStart time.Time `json:"current_start"`
	CurrentEnd   time.Time `json:"current_end"`
	// LastPlanned is nil before the first plan.
	LastPlanned *uint64          `json:"last_planned_epoch"`
	LastPayouts *payout.Progress `json:"last_planned_payouts,omitempty"`
	Next        uint64           `json:"next_epoch"`
	NextStart   time.Time        `json:"next_start"`
	NextEnd     time.Time        `json:"next_end"`
	// Due is whether Next is over and can be planned now.
	Due bool `json:"next_due"`
}

// payoutEpochs reads the epoch state from the policy, the clock and the
// stored plans, through the payout package's exported API.
func payoutEpochs(ctx context.Context, svc *payout.Service) (epochState, error) {
	policy := svc.Planner.Policy
	now := time.Now()
	if svc.Planner.Now != nil {
		now = svc.Planner.Now()
	}
	var st epochState
	cur, started := policy.EpochAt(now)
	if !started {
		start, _ := policy.Epoch(0)
		return st, banx.Errorf(banx.ECONFLICT, "the reward policy's first epoch begins at %s: no epoch has begun", start.UTC().Format(time.RFC3339))
	}
	st.Current = cur
	st.CurrentStart, st.CurrentEnd = policy.Epoch(cur)
	last, err := svc.Store.LastPlan(ctx)
	switch {
	case banx.ErrorCode(err) == banx.ENOTFOUND:
		if cur > 0 {
			st.Next = cur - 1
		}
	case err != nil:
		return st, err
	default:
		n := last.Epoch
		st.LastPlanned, st.Next = &n, n+1
		ps, err := svc.EpochPayouts(ctx, n)
		if err != nil {
			return st, err
		}
		p := payout.Summarize(n, ps)
		st.LastPayouts = &p
	}
	st.NextStart, st.NextEnd = policy.Epoch(st.Next)
	st.Due = st.Next < cur
	st.CurrentStart, st.CurrentEnd = st.CurrentStart.UTC(), st.CurrentEnd.UTC()
	st.NextStart, st.NextEnd = st.NextStart.UTC(), st.NextEnd.UTC()
	return st, nil
}

// nextText says which epoch is next and whether it can be planned.
func (st epochState) nextText() string {
	if st.Due {
		return fmt.Sprintf("%d (%s to %s, closed): banx payout plan --next", st.Next, st.NextStart.Format(time.RFC3339), st.NextEnd.Format(time.RFC3339))
	}
	return fmt.Sprintf("%d, still open until %s: it can be planned after that", st.Next, st.NextEnd.Format(time.RFC3339))
}

// payoutEpochsStatus is `banx payout status` without --epoch.
func payoutEpochsStatus(ctx context.Context, svc *payout.Service, asJSON bool, e env) error {
	st, err := payoutEpochs(ctx, svc)
	if err != nil {
		return err
	}
	if asJSON {
		return writeRewardJSON(e.stdout, st)
	}
	fmt.Fprintf(e.stdout, "current epoch  %d (%s to %s, open)\n", st.Current, st.CurrentStart.Format(time.RFC3339), st.CurrentEnd.Format(time.RFC3339))
	if st.LastPlanned == nil {
		fmt.Fprintln(e.stdout, "last planned   none")
	} else {
		p := st.LastPayouts
		fmt.Fprintf(e.stdout, "last planned   %d (%d payments: %d paid, %d deferred, %d failed, %d in flight, %d pending)\n",
			*st.LastPlanned, p.Total, p.Paid, p.Deferred, p.Failed, p.InFlight, p.Pending)
	}
	fmt.Fprintf(e.stdout, "next to plan   %s\n", st.nextText())
	if st.Due && st.Next+1 < st.Current {
		fmt.Fprintf(e.stdout, "               %d closed epochs wait: epochs are planned in order, one after the other\n", st.Current-st.Next)
	}
	return nil
}
