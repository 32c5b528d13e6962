package main

import (
	"bufio"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// result is one benchmark line: its package's last path element and name
// (GOMAXPROCS suffix removed), and every value by unit.
type result struct {
	pkg, name string
	values    map[string]float64
	units     []string // in the order the line gave them
}

// key is how rules name a benchmark: "pkg/BenchmarkName/sub".
func (r result) key() string { return r.pkg + "/" + r.name }

type parsed struct {
	results  []result
	failures []string // "pkg/BenchmarkName" of failed benchmarks, or "pkg" for a failed package
}

var (
	benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+(\d+)\s+(.+)$`)
	failLine  = regexp.MustCompile(`^\s*--- FAIL: (Benchmark\S+)`)
	pkgFail   = regexp.MustCompile(`^FAIL\s+(\S+)`)
)

// parse reads `go test -bench` output. Lines it does not know are skipped:
// test logs and b.Log output are mixed in.
func parse(sc *bufio.Scanner) (parsed, error) {
	var out parsed
	pkg := ""
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = path.Base(strings.TrimSpace(p))
			continue
		}
		if m := failLine.FindStringSubmatch(line); m != nil {
			out.failures = append(out.failures, pkg+"/"+stripProcs(m[1]))
			continue
		}
		if m := pkgFail.FindStringSubmatch(line); m != nil {
			out.failures = append(out.failures, path.Base(m[1]))
			continue
		}
		m := benchLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		r, err := parseValues(m[3])
		if err != nil {
			return out, fmt.Errorf("%s: %v", line, err)
		}
		r.pkg, r.name = pkg, m[1]
		out.results = append(out.results, r)
	}
	return out, sc.Err()
}

// stripProcs removes the -N GOMAXPROCS suffix from a benchmark name.
func stripProcs(name string) string {
	if i := strings.LastIndexByte(name, '-'); i > 0 {
		if _, err := strconv.Atoi(name[i+1:]); err == nil {
			return name[:i]
		}
	}
	return name
}

// parseValues reads "12.3 ns/op 4 B/op 7.5 tx/s" pairs.
func parseValues(s string) (result, error) {
	f := strings.Fields(s)
	if len(f)%2 != 0 {
		return result{}, fmt.Errorf("odd number of value fields")
	}
	r := result{values: map[string]float64{}}
	for i := 0; i < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return result{}, fmt.Errorf("value %q: %v", f[i], err)
		}
		r.values[f[i+1]] = v
		r.units = append(r.units, f[i+1])
	}
	return r, nil
}
