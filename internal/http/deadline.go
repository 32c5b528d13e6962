package http

import (
	"errors"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/banxmedia/banx/internal/banx"
)

// Defaults for reading request bodies (see Server.BodyReadTimeout).
const (
	DefaultBodyReadTimeout = 15 * time.Second
	DefaultBodyReadRate    = 64 << 10 // bytes per second
)

// bodyDeadline gives each request body a deadline of its own, so a client
// trickling its body holds a connection for seconds, not for the whole
// ReadTimeout: BodyReadTimeout, plus Content-Length at BodyReadRate (a 10 MiB
// image has 15 s + 160 s), never more than ReadTimeout. A body of unknown
// length (chunked) gets BodyReadTimeout alone: large uploads send their
// length. When the deadline passes the handler's read fails with EINVALID and
// the connection is closed after the answer. Once the body has been read to
// its end the deadline is lifted, so a long handler is not cut off.
func (s *Server) bodyDeadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.setBodyDeadline(w, r)
		next.ServeHTTP(w, r)
	})
}

// setBodyDeadline sets r's body deadline (see bodyDeadline).
func (s *Server) setBodyDeadline(w http.ResponseWriter, r *http.Request) {
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return
	}
	timeout := s.BodyReadTimeout
	if r.ContentLength > 0 && r.ContentLength <= s.MaxBodyBytes {
		timeout += time.Duration(r.ContentLength) * time.Second / time.Duration(s.BodyReadRate)
	}
	timeout = min(timeout, readTimeout)
	rc := http.NewResponseController(w)
	if rc.SetReadDeadline(time.Now().Add(timeout)) == nil {
		r.Body = &deadlineBody{ReadCloser: r.Body, rc: rc, timeout: timeout}
	}
}

// deadlineBody turns the deadline's timeout into a reason and lifts the
// deadline at the end of the body.
type deadlineBody struct {
	io.ReadCloser
	rc      *http.ResponseController
	timeout time.Duration
	done    bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	switch {
	case err == io.EOF && !b.done:
		b.done = true
		b.rc.SetReadDeadline(time.Time{})
	case err != nil && errors.Is(err, os.ErrDeadlineExceeded):
		err = banx.Errorf(banx.EINVALID, "the request body did not arrive within %s: the connection is too slow, or the body is shorter than its Content-Length", b.timeout.Round(time.Millisecond))
	}
	return n, err
}
