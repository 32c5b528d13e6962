// Command benchtable reads the output of `go test -bench` and prints one table:
// each figure Banx cares about next to its baseline from the same run (or the
// issue's goal) and their ratio, then every other benchmark plainly. `make
// bench` pipes the whole run through it, so a reviewer reads one table instead
// of a few hundred lines.
//
//	go test -run '^$' -bench . ./... | go run ./internal/tools/benchtable
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
)

func main() {
	if err := run(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}

// run parses r and writes the table to w. It fails only when r cannot be read
// or holds no benchmark result at all.
func run(r io.Reader, w io.Writer) error {
	res, err := parse(bufio.NewScanner(r))
	if err != nil {
		return err
	}
	if len(res.results) == 0 && len(res.failures) == 0 {
		return fmt.Errorf("no benchmark results in the input")
	}
	return render(w, res)
}
