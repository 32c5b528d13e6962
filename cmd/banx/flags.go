package main

import (
	"errors"
	"flag"
	"strings"

	"github.com/banxmedia/banx/internal/banx"
)

// splitArgs separates args into flags (with their values) and positional
// arguments, so that every command accepts flags before and after its
// arguments (`banx content get CID -o FILE` as well as `-o FILE CID`), which
// the flag package alone stops at. "--" ends the flags: all that follows is
// positional. A lone "-" (standard input) is positional. A flag fs does not
// define is kept with the flags, so that parsing reports it by name.
// complete is false when the last flag lacks its value: parsing the flags
// alone then reports it.
func splitArgs(fs *flag.FlagSet, args []string) (flags, positional []string, complete bool) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return flags, append(positional, args[i+1:]...), true
		}
		if len(a) < 2 || a[0] != '-' {
			positional = append(positional, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		if strings.Contains(name, "=") {
			continue
		}
		f := fs.Lookup(name)
		if f == nil {
			continue
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			continue
		}
		if i+1 == len(args) {
			// The value is missing: parsing the flags alone reports it,
			// where a "--" appended after them would be taken for it.
			return flags, nil, false
		}
		i++
		flags = append(flags, args[i])
	}
	return flags, positional, true
}

// parseFlags parses args, flags anywhere among the positional arguments (see
// splitArgs); afterwards fs.Args() holds the positional arguments in order.
// -h is returned as flag.ErrHelp; any other flag error is a usage error.
func parseFlags(fs *flag.FlagSet, args []string) error {
	flags, positional, complete := splitArgs(fs, args)
	if complete {
		flags = append(append(flags, "--"), positional...)
	}
	if err := fs.Parse(flags); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError(err.Error())
	}
	return nil
}

// cleanErr is the error run returns: the same error (exit status, code and
// cause stay reachable through Unwrap) printed without a cause repeated in
// its own message ("invalid cid: invalid cid: ..." read four times before).
type cleanErr struct{ err error }

func (e *cleanErr) Error() string { return errorText(e.err) }

func (e *cleanErr) Unwrap() error { return e.err }

// errorText is err's text with a *banx.Error's cause left out when its
// message already says it, and a part repeated right after itself once.
func errorText(err error) string {
	var s string
	if be, ok := err.(*banx.Error); ok {
		s = be.Code + ": " + be.Message
		if be.Err != nil {
			if cause := errorText(be.Err); !strings.Contains(be.Message, cause) {
				s += ": " + cause
			}
		}
	} else {
		s = err.Error()
	}
	parts := strings.Split(s, ": ")
	out := parts[:1]
	for _, p := range parts[1:] {
		if p != out[len(out)-1] {
			out = append(out, p)
		}
	}
	return strings.Join(out, ": ")
}

// isHelp reports whether a subcommand position asks for help, so that
// `banx payout -h` lists the subcommands instead of refusing "-h".
func isHelp(sub string) bool {
	switch sub {
	case "-h", "-help", "--help", "help":
		return true
	}
	return false
}
