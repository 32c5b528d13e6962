package main

import (
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// rule pairs the benchmarks matching bench with a baseline: either another
// benchmark of the same run (base, its figure in baseUnit) or a goal from the
// issue (goal, in unit). higher says whether a larger figure is better.
type rule struct {
	what   string
	bench  *regexp.Regexp
	unit   string
	base   *regexp.Regexp
	bunit  string
	goal   float64
	higher bool
}

// rules are the comparisons the issue asks for, by the benchmarks' names and
// ReportMetric units. A rule whose benchmarks did not run prints nothing.
var rules = []rule{
	{what: "IPFS add 4 KiB, embedded vs Kubo (flatfs)", bench: re(`^ipfs/BenchmarkAdd4KiB/embedded$`), unit: "docs/s",
		base: re(`^ipfs/BenchmarkAdd4KiB/kubo-flatfs$`), bunit: "docs/s", higher: true},
	{what: "IPFS add 4 KiB, embedded vs Kubo (pebbleds)", bench: re(`^ipfs/BenchmarkAdd4KiB/embedded$`), unit: "docs/s",
		base: re(`^ipfs/BenchmarkAdd4KiB/kubo-pebbleds$`), bunit: "docs/s", higher: true},
	{what: "IPFS cat 4 KiB, embedded vs Kubo (flatfs)", bench: re(`^ipfs/BenchmarkCat4KiB/embedded$`), unit: "docs/s",
		base: re(`^ipfs/BenchmarkCat4KiB/kubo-flatfs$`), bunit: "docs/s", higher: true},
	{what: "IPFS cat 4 KiB, embedded vs Kubo (pebbleds)", bench: re(`^ipfs/BenchmarkCat4KiB/embedded$`), unit: "docs/s",
		base: re(`^ipfs/BenchmarkCat4KiB/kubo-pebbleds$`), bunit: "docs/s", higher: true},
	{what: "Durable view beacon vs no-op Gin handler", bench: re(`^http/BenchmarkViewBeacon/DurableBeacon$`), unit: "req/s",
		base: re(`^http/BenchmarkViewBeacon/NoopGin$`), bunit: "req/s", higher: true},
	{what: "Durable view beacon vs no-op handler behind Banx's middleware", bench: re(`^http/BenchmarkViewBeacon/DurableBeacon$`), unit: "req/s",
		base: re(`^http/BenchmarkViewBeacon/NoopBanxStack$`), bunit: "req/s", higher: true},
	{what: "Least durable SQLite beacon (one row, group commit, no Banx code) vs no-op Gin handler", bench: re(`^http/BenchmarkViewBeacon/FloorSQLite$`), unit: "req/s",
		base: re(`^http/BenchmarkViewBeacon/NoopGin$`), bunit: "req/s", higher: true},
	{what: "Durable view beacon vs that least durable beacon", bench: re(`^http/BenchmarkViewBeacon/DurableBeacon$`), unit: "req/s",
		base: re(`^http/BenchmarkViewBeacon/FloorSQLite$`), bunit: "req/s", higher: true},
	{what: "Epoch planning (10M views) vs sqlite3 shell GROUP BY", bench: re(`^payout/BenchmarkPlanEpoch10M$`), unit: "ns/op",
		base: re(`^payout/BenchmarkSQLiteShellGroupBy10M$`), bunit: "ns/op"},
	{what: "Embedded ledger submit+close vs goal 1,500 tx/s", bench: re(`^ledger/BenchmarkSubmitAndClose/`), unit: "tx/s", goal: 1500, higher: true},
	{what: "Embedded ledger apply in process vs goal 1,500 tx/s", bench: re(`^ledger/BenchmarkApplyInProcess/`), unit: "tx/s", goal: 1500, higher: true},
	{what: "10,000 payouts, signed to validated, vs goal 15 s", bench: re(`^payout/BenchmarkPayout10k$`), unit: "ns/op", goal: 15e9},
	{what: "Anchor proof verification vs goal 5,000 proofs/s", bench: re(`^verify/BenchmarkVerifyOffline/`), unit: "proofs/s", goal: 5000, higher: true},
	{what: "Batch anchoring vs goal 10,000 articles per transaction", bench: re(`^publish/BenchmarkBatchAnchor/leaves=10000$`), unit: "anchors/tx", goal: 10000, higher: true},
}

func re(s string) *regexp.Regexp { return regexp.MustCompile(s) }

// row is one line of the table.
type row struct {
	what, bench, figure, baseline, ratio, verdict string
}

// render writes the compared figures, then every other benchmark, then the
// failures.
func render(w io.Writer, p parsed) error {
	used := map[string]bool{}
	var rows []row
	for _, ru := range rules {
		for _, r := range p.results {
			v, ok := r.values[ru.unit]
			if !ru.bench.MatchString(r.key()) || !ok {
				continue
			}
			used[r.key()] = true
			out := row{what: ru.what, bench: r.key(), figure: format(v, ru.unit)}
			var base float64
			switch {
			case ru.base != nil:
				b, ok := find(p.results, ru.base, ru.bunit)
				if !ok {
					out.baseline, out.ratio, out.verdict = "(baseline did not run)", "-", "-"
					rows = append(rows, out)
					continue
				}
				used[b.key()] = true
				base = b.values[ru.bunit]
				out.baseline = format(base, ru.bunit) + " " + b.key()
			default:
				base = ru.goal
				out.baseline = "goal " + format(base, ru.unit)
			}
			out.ratio, out.verdict = compare(v, base, ru.higher)
			rows = append(rows, out)
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "COMPARISON\tBENCHMARK\tFIGURE\tBASELINE\tRATIO\tVERDICT")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.what, r.bench, r.figure, r.baseline, r.ratio, r.verdict)
	}
	var others []result
	for _, r := range p.results {
		if !used[r.key()] {
			others = append(others, r)
		}
	}
	sort.SliceStable(others, func(i, j int) bool { return others[i].key() < others[j].key() })
	if len(others) > 0 {
		fmt.Fprintln(tw, "\t\t\t\t\t")
		fmt.Fprintln(tw, "OTHER BENCHMARKS\tBENCHMARK\tFIGURES\t\t\t")
		for _, r := range others {
			var figs []string
			for _, u := range r.units {
				figs = append(figs, format(r.values[u], u))
			}
			fmt.Fprintf(tw, "\t%s\t%s\t\t\t\n", r.key(), strings.Join(figs, ", "))
		}
	}
	if len(p.failures) > 0 {
		fmt.Fprintln(tw, "\t\t\t\t\t")
		for _, f := range p.failures {
			fmt.Fprintf(tw, "FAILED\t%s\t\t\t\t\n", f)
		}
	}
	return tw.Flush()
}

// find returns the median result (by its figure in unit) of those matching
// pattern: a benchmark run with -count N gives N rounds, and on a shared
// machine one round can be far off, so the middle round is the figure.
func find(rs []result, pattern *regexp.Regexp, unit string) (result, bool) {
	var match []result
	for _, r := range rs {
		if _, ok := r.values[unit]; ok && pattern.MatchString(r.key()) {
			match = append(match, r)
		}
	}
	if len(match) == 0 {
		return result{}, false
	}
	sort.SliceStable(match, func(i, j int) bool { return match[i].values[unit] < match[j].values[unit] })
	return match[(len(match)-1)/2], true
}

// compare gives figure/baseline and whether the figure is at least as good as
// the baseline in the direction that counts.
func compare(v, base float64, higher bool) (ratio, verdict string) {
	if base == 0 {
		return "-", "-"
	}
	x := v / base
	good := x >= 1
	if !higher {
		good = x <= 1
	}
	verdict = "worse"
	if good {
		verdict = "better or equal"
	}
	if higher {
		return fmt.Sprintf("%.2fx", x), verdict
	}
	return fmt.Sprintf("%.2fx the time", x), verdict
}

// format prints a value with its unit; times per operation read as durations.
func format(v float64, unit string) string {
	if unit == "ns/op" && v >= 1000 {
		return time.Duration(v).Round(durationPrecision(v)).String() + "/op"
	}
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f %s", v, unit)
	case v >= 1:
		return fmt.Sprintf("%.2f %s", v, unit)
	}
	return fmt.Sprintf("%.3g %s", v, unit)
}

// durationPrecision keeps three or four significant digits of a duration.
func durationPrecision(ns float64) time.Duration {
	switch {
	case ns >= 1e9:
		return time.Millisecond
	case ns >= 1e6:
		return time.Microsecond
	}
	return time.Nanosecond
}
