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
			fmt.Fprintf(bw, "  %-12s %s\n", name, Printable(value))
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
	pass, fail, skip := WriteChecks(bw, r.Checks)
	fmt.Fprintf(bw, "\n%d passed, %d failed, %d skipped.\n", pass, fail, skip)
	return bw.Flush()
}

// WriteChecks prints one line per check, "[ ok ]", "[FAIL]" or "[skip]" with
// its name and detail, and returns the counts. Details may quote untrusted text
// (memos, node answers), so control characters are replaced before printing.
func WriteChecks(w io.Writer, checks []anchor.Check) (pass, fail, skip int) {
	for _, c := range checks {
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
			line += ": " + Printable(c.Detail)
		}
		fmt.Fprintln(w, "  "+line)
	}
	return pass, fail, skip
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
// Printable replaces control characters (C0, DEL, C1) so untrusted text cannot
// move the cursor or rewrite a terminal.
func Printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return '?'
		}
		return r
	}, s)
}
