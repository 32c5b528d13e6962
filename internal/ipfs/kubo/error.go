package kubo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"

	"github.com/banxmedia/banx/internal/banx"
	shell "github.com/ipfs/go-ipfs-api"
)

// translate maps go-ipfs-api failures to banx codes. Transport failures mean the
// daemon cannot be reached; the message names the configured address because that
// is the first thing an operator checks.
func (s *Store) translate(err error, what string) error {
	var se *shell.Error
	if errors.As(err, &se) {
		msg := se.Message
		switch {
		case strings.Contains(msg, "not found locally"), strings.Contains(msg, "could not find"),
			strings.Contains(msg, "is not pinned"), strings.Contains(msg, "no link named"):
			return banx.Wrap(banx.ENOTFOUND, err, "%s: not found on the IPFS node", what)
		case strings.Contains(msg, "invalid"), strings.Contains(msg, "malformed"):
			return banx.Wrap(banx.EINVALID, err, "%s: rejected by the IPFS node: %s", what, msg)
		case stopping(msg):
			return banx.Wrap(banx.EUNAVAILABLE, err, "%s: IPFS daemon at %s is shutting down: %s", what, s.api, msg)
		}
		return banx.Wrap(banx.EINTERNAL, err, "%s: IPFS node at %s failed: %s", what, s.api, msg)
	}
	var ue *url.Error
	if errors.As(err, &ue) && ue.Timeout() {
		return banx.Wrap(banx.EUNAVAILABLE, err, "%s: IPFS daemon at %s did not answer within %s", what, s.api, s.timeout)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w", what, err)
	}
	var ne net.Error
	if errors.As(err, &ne) || errors.As(err, &ue) {
		return banx.Wrap(banx.EUNAVAILABLE, err, "%s: IPFS daemon at %s is unreachable", what, s.api)
	}
	// A daemon stopped in the middle of an answer leaves a truncated stream,
	// a reset connection or a stream error naming what it closed: it is
	// down, not wrong.
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNREFUSED) || stopping(err.Error()) {
		return banx.Wrap(banx.EUNAVAILABLE, err, "%s: IPFS daemon at %s went away mid-answer", what, s.api)
	}
	return banx.Wrap(banx.EINTERNAL, err, "%s: unexpected answer from IPFS node at %s", what, s.api)
}

// stopping reports whether a Kubo error message is one of those a daemon
// gives while it shuts down (measured with Kubo 0.43: "datastore closed",
// "pinner closed", "cannot access config, repo not open").
func stopping(msg string) bool {
	for _, m := range []string{"datastore closed", "pinner closed", "blockstore closed", "repo not open", "shutting down", "context canceled"} {
		if strings.Contains(msg, m) {
			return true
		}
	}
	return false
}

// errReader remembers the error of the caller's reader, which go-ipfs-api would
// otherwise report as a failed HTTP request to the daemon.
type errReader struct {
	r   io.Reader
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF {
		e.err = err
	}
	return n, err
}
