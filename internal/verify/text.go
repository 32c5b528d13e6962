package verify

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/banxmedia/banx/internal/anchor"
)

// WriteText prints a result as the checklist `banx verify` shows a person:
// a headline verdict, what was anchored where, then one line per check.
// Details come from untrusted data (memos, node answers), so control
// characters are replaced before they reach a terminal.
func WriteText(w io.Writer, r Result) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "Banx anchor verification: %s\n", headline(r.Verdict()))
	field := func(name, value string) {
		if value != "" {
			fmt.Fprintf(bw, "  %-12s %s\n", name, printable(value))
		}
	}
	tx := r.TxHash
	if tx != "" && r.Mode != "" {
		tx += fmt.Sprintf(" (%s anchor, network %d)", r.Mode, r.NetworkID)
	}
	field("transaction", tx)
	if r.LedgerIndex != 0 {
		ledger := fmt.Sprint(r.LedgerIndex)
		if !r.CloseTime.IsZero() {
			ledger += ", closed " + r.CloseTime.UTC().Format(time.RFC3339)
		}
		field("ledger", ledger)
	}
	field("author", r.Author)
	field("manifest", r.CID)
	field("sha256", r.SHA256)
	fmt.Fprintln(bw)
	var pass, fail, skip int
	for _, c := range r.Checks {
		mark := "[ ok ]"
		switch c.Status {
		case anchor.StatusPass:
			pass++
		case anchor.StatusFail:
			mark = "[FAIL]"
			fail++
		default:
			mark = "[skip]"
			skip++
		}
		line := mark + " " + c.Name
		if c.Detail != "" {
			line += ": " + printable(c.Detail)
		}
		fmt.Fprintln(bw, "  "+line)
	}
	fmt.Fprintf(bw, "\n%d passed, %d failed, %d skipped.\n", pass, fail, skip)
	return bw.Flush()
}

func headline(v anchor.Verdict) string {
	switch v {
	case anchor.VerdictVerified:
		return "VERIFIED"
	case anchor.VerdictFailed:
		return "FAILED"
	}
	return "INCOMPLETE (some checks could not be made)"
}

// printable replaces control characters (ANSI escapes included) with "?".
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return '?'
		}
		return r
	}, s)
}
