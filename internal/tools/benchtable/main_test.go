package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTable runs the tool on a recorded `go test -bench` output and checks each
// kind of row: a pair from the same run, a goal, a missing baseline, a plain
// benchmark and a failure.
func TestTable(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "bench.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out strings.Builder
	if err := run(f, &out); err != nil {
		t.Fatal(err)
	}
	table := out.String()
	for _, want := range [][]string{
		// three rounds each: the medians (8000 of 5000/20000/8000, 50000 of
		// 50000/45000/70000) are compared, not the first round
		{"http/BenchmarkViewBeacon/DurableBeacon", "8000 req/s", "50000 req/s http/BenchmarkViewBeacon/NoopGin", "0.16x", "worse"},
		{"ledger/BenchmarkSubmitAndClose/secp256k1", "2000 tx/s", "goal 1500 tx/s", "1.33x", "better or equal"},
		{"ledger/BenchmarkSubmitAndClose/ed25519", "1250 tx/s", "goal 1500 tx/s", "0.83x", "worse"},
		{"payout/BenchmarkPayout10k", "12.5s/op", "goal 15s/op", "0.83x the time", "better or equal"},
		{"payout/BenchmarkPlanEpoch10M", "3s/op", "(baseline did not run)"},
		{"amount/BenchmarkAdd/small", "2.50 ns/op, 0 B/op, 0 allocs/op"},
		{"FAILED", "payout/BenchmarkSQLiteShellGroupBy10M"},
	} {
		if !hasLine(table, want) {
			t.Errorf("table has no line with %q:\n%s", want, table)
		}
	}
	if strings.Contains(table, "OTHER BENCHMARKS") && strings.Contains(table[strings.Index(table, "OTHER BENCHMARKS"):], "NoopGin ") {
		t.Errorf("a baseline used in a comparison is listed again:\n%s", table)
	}
}

func TestNoResults(t *testing.T) {
	if err := run(strings.NewReader("ok  \tpkg\t0.1s\n"), &strings.Builder{}); err == nil {
		t.Fatal("run accepted an input without benchmarks")
	}
}

// hasLine reports whether one line of table holds every part, in order.
func hasLine(table string, parts []string) bool {
lines:
	for _, line := range strings.Split(table, "\n") {
		for _, p := range parts {
			i := strings.Index(line, p)
			if i < 0 {
				continue lines
			}
			line = line[i+len(p):]
		}
		return true
	}
	return false
}
