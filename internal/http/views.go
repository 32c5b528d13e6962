package http

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/netip"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/views"
	"github.com/gin-gonic/gin"
)

// ViewLedger is what the server needs of the view ledger.
type ViewLedger interface {
	// IssueViewToken signs a view token for the reader with cookie id readerID.
	// EINVALID for a bad id, ENOTFOUND for an unknown article, ECONFLICT for an
	// article with no published version.
	IssueViewToken(ctx context.Context, articleID int64, readerID string) (views.IssuedToken, error)
	// RecordView decides a beacon and returns its record once committed.
	// EINVALID for a malformed token, ENOTFOUND for a token naming an unknown
	// article (neither is recorded), EUNAVAILABLE when it cannot commit.
	RecordView(ctx context.Context, b views.Beacon) (views.Record, error)
	// ViewStats counts recorded decisions per day and reason, days from..to
	// inclusive. EINVALID for a bad range.
	ViewStats(ctx context.Context, from, to time.Time) (*views.Stats, error)
}

// readerCookie names the first-party cookie that identifies a reader's browser.
const readerCookie = "banx_reader"

// maxBeaconBytes bounds a beacon body: a token in JSON with room to spare.
const maxBeaconBytes = 1024

// viewTokenResponse is the answer to GET /api/v1/articles/{id}/view-token.
type viewTokenResponse struct {
	Token     string    `json:"token"`
	ArticleID int64     `json:"article_id"`
	IssuedAt  time.Time `json:"issued_at"`
	NotBefore time.Time `json:"not_before"` // send the beacon at or after this time
	ExpiresAt time.Time `json:"expires_at"`
	DwellMS   int64     `json:"dwell_ms"`
	BeaconURL string    `json:"beacon_url"`
}

// handleViewToken issues a view token for an article to the reader's browser,
// setting the reader cookie on first contact. The token is bound to that cookie,
// so a browser that drops cookies cannot have its beacons counted.
func (s *Server) handleViewToken(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		s.writeError(c, banx.Errorf(banx.EINVALID, "article id %q is not a positive integer", truncate(c.Param("id"), 40)))
		return
	}
	reader := s.readerID(c)
	tok, err := s.Views.IssueViewToken(c.Request.Context(), id, reader)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, viewTokenResponse{Token: tok.Token, ArticleID: tok.ArticleID, IssuedAt: tok.IssuedAt,
		NotBefore: tok.NotBefore, ExpiresAt: tok.ExpiresAt, DwellMS: tok.NotBefore.Sub(tok.IssuedAt).Milliseconds(),
		BeaconURL: "/api/v1/views"})
}

// readerID returns the reader cookie, setting a fresh one when it is missing or
// malformed. HttpOnly keeps page scripts from copying it into tokens elsewhere;
// SameSite=Lax keeps other sites' requests from carrying it.
func (s *Server) readerID(c *gin.Context) string {
	if v, err := c.Cookie(readerCookie); err == nil && views.ValidReaderID(v) {
		return v
	}
	id := views.NewReaderID()
	http.SetCookie(c.Writer, &http.Cookie{Name: readerCookie, Value: id, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: s.overTLS(c.Request), SameSite: http.SameSiteLaxMode})
	return id
}

// clientAddr is the reader's address: the peer's, unless the peer is a trusted
// proxy, in which case it is the nearest address in X-Forwarded-For that is not
// a trusted proxy itself. Addresses further left were written by the client and
// prove nothing; believing them would let a ring pick its networks at will.
func (s *Server) clientAddr(r *http.Request) (netip.Addr, error) {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}, banx.Wrap(banx.EINTERNAL, err, "peer address %q", r.RemoteAddr)
	}
	addr := ap.Addr().Unmap()
	if !s.trusted(addr) {
		return addr, nil
	}
	// The hops are read from the right, the last header first, as if the
	// headers were joined with commas; nothing is allocated.
	values := r.Header["X-Forwarded-For"]
	for v := len(values) - 1; v >= 0; v-- {
		list := values[v]
		for {
			i := strings.LastIndexByte(list, ',')
			hop, err := netip.ParseAddr(strings.TrimSpace(list[i+1:]))
			if err != nil {
				return addr, nil // a malformed hop ends what can be believed
			}
			addr = hop.Unmap()
			if !s.trusted(addr) {
				return addr, nil
			}
			if i < 0 {
				break
			}
			list = list[:i]
		}
	}
	return addr, nil
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// overTLS reports whether the reader's connection is HTTPS: directly, or as a
// trusted proxy says in X-Forwarded-Proto.
func (s *Server) overTLS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	return err == nil && s.trusted(ap.Addr().Unmap()) && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// viewRecordedResponse is the answer to a beacon: a receipt naming the record in
// the chain. It does not say whether the view counted, so a script cannot tune
// itself against the filters; operators see that in /api/v1/views/stats.
type viewRecordedResponse struct {
	ID   int64  `json:"id"`
	Hash string `json:"hash"`
}

// handleViewBeacon is the beacon route as the router sees it. A listening
// server answers beacons ahead of the router (serveBeacon); the route stays
// registered so the router, and anything driving it directly, knows it.
func (s *Server) handleViewBeacon(c *gin.Context) {
	if err := s.recordBeacon(c.Writer, c.Request); err != nil {
		s.writeError(c, err)
	}
}

// recordBeacon reads, records and answers one beacon. It answers only once
// the record is committed, so a 201 means the decision is durable. On failure
// it writes nothing and returns the error for the caller to answer.
func (s *Server) recordBeacon(w http.ResponseWriter, r *http.Request) error {
	buf := beaconBuffers.Get().(*[maxBeaconBytes + 1]byte)
	defer beaconBuffers.Put(buf)
	if r.ContentLength > maxBeaconBytes {
		return banx.Errorf(banx.ETOOLARGE, "beacon body is larger than %d bytes", maxBeaconBytes)
	}
	n, err := io.ReadFull(r.Body, buf[:])
	switch {
	case err == nil:
		return banx.Errorf(banx.ETOOLARGE, "beacon body is larger than %d bytes", maxBeaconBytes)
	case err != io.EOF && err != io.ErrUnexpectedEOF:
		return err
	}
	h := r.Header
	b, err := parseBeacon(headerValue(h, "Content-Type"), buf[:n])
	if err != nil {
		return err
	}
	if b.Addr, err = s.clientAddr(r); err != nil {
		return err
	}
	if v := readerCookieOf(h); views.ValidReaderID(v) {
		b.ReaderID = v
	}
	b.UserAgent = headerValue(h, "User-Agent")
	b.SecCHUA = headerValue(h, "Sec-Ch-Ua")
	rec, err := s.Views.RecordView(r.Context(), b)
	if err != nil {
		return err
	}
	// Written by hand: this is the hot path, and both fields are plain ASCII.
	out := append(buf[:0], `{"id":`...)
	out = strconv.AppendInt(out, rec.ID, 10)
	out = append(out, `,"hash":"`...)
	out = append(out, rec.Hash...)
	out = append(out, `"}`...)
	w.Header()["Content-Type"] = jsonContentType
	w.WriteHeader(http.StatusCreated)
	w.Write(out)
	return nil
}

// beaconBuffers hold beacon bodies and then the receipt: the body is parsed
// (its token copied out) before the receipt is written over it.
var beaconBuffers = sync.Pool{New: func() any { return new([maxBeaconBytes + 1]byte) }}

// jsonContentType is shared by every receipt; it is full (len == cap), so an
// Add elsewhere would copy it rather than write into it.
var jsonContentType = []string{"application/json; charset=utf-8"}

// headerValue is Header.Get for a key already in canonical form: it skips the
// canonicalisation Get does on every call.
func headerValue(h http.Header, canonicalKey string) string {
	if v := h[canonicalKey]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// readerCookieOf returns the value of the first reader cookie in the request's
// Cookie headers, as Request.Cookie does, without parsing every other cookie
// into a slice. A value in double quotes is unquoted, as net/http does.
func readerCookieOf(h http.Header) string {
	for _, line := range h["Cookie"] {
		for line != "" {
			var part string
			part, line, _ = strings.Cut(line, ";")
			part = textproto.TrimString(part)
			name, val, ok := strings.Cut(part, "=")
			if !ok || name != readerCookie {
				continue
			}
			if len(val) > 1 && val[0] == '"' && val[len(val)-1] == '"' {
				val = val[1 : len(val)-1]
			}
			if !validCookieValue(val) {
				continue // net/http skips it too, and looks further
			}
			return val
		}
	}
	return ""
}

// beaconJSON is the JSON form of a beacon. Webdriver is navigator.webdriver as
// the page saw it: automated browsers set it.
type beaconJSON struct {
	Token     string `json:"token"`
	Webdriver bool   `json:"webdriver"`
}

// parseBeacon reads the token from the forms navigator.sendBeacon sends: a
// string (text/plain), a JSON Blob, or URLSearchParams (a form). JSON sent as
// text/plain, which avoids a CORS preflight, is recognised by its brace.
func parseBeacon(contentType string, body []byte) (views.Beacon, error) {
	mt := "text/plain"
	switch contentType {
	case "", "text/plain", "text/plain;charset=UTF-8", "text/plain;charset=utf-8":
		// What navigator.sendBeacon sends for a string: no parsing needed.
	case "application/json":
		mt = contentType
	default:
		var err error
		if mt, _, err = mime.ParseMediaType(contentType); err != nil {
			return views.Beacon{}, banx.Errorf(banx.EINVALID, "Content-Type %q is malformed", truncate(contentType, 80))
		}
	}
	body = bytes.TrimSpace(body)
	switch {
	case mt == "application/json" || (mt == "text/plain" && len(body) > 0 && body[0] == '{'):
		var j beaconJSON
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&j); err != nil {
			return views.Beacon{}, banx.Errorf(banx.EINVALID, "beacon JSON is malformed: %v", err)
		}
		if j.Token == "" {
			return views.Beacon{}, banx.Errorf(banx.EINVALID, `beacon JSON has no "token"`)
		}
		return views.Beacon{Token: j.Token, Webdriver: j.Webdriver}, nil
	case mt == "text/plain":
		if len(body) == 0 {
			return views.Beacon{}, banx.Errorf(banx.EINVALID, "beacon body is empty: send the view token")
		}
		return views.Beacon{Token: string(body)}, nil
	case mt == "application/x-www-form-urlencoded":
		q, err := url.ParseQuery(string(body))
		if err != nil || q.Get("token") == "" {
			return views.Beacon{}, banx.Errorf(banx.EINVALID, `beacon form has no "token" field`)
		}
		return views.Beacon{Token: q.Get("token"), Webdriver: q.Get("webdriver") == "true"}, nil
	}
	return views.Beacon{}, banx.Errorf(banx.EINVALID, "beacon Content-Type %q is not supported: use text/plain, application/json or a form", mt)
}

// validCookieValue is net/http's test of a cookie value's bytes.
func validCookieValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if b := v[i]; b < 0x20 || b >= 0x7f || b == '"' || b == ';' || b == '\\' {
			return false
		}
	}
	return true
}

// statsDays is the default stats range: the last 30 days including today.
const statsDays = 30

// handleViewStats shows operators what the filters did, per day and reason.
// Query: from, to as YYYY-MM-DD (UTC, inclusive); default the last 30 days.
func (s *Server) handleViewStats(c *gin.Context) {
	to := time.Now().UTC()
	if v := c.Query("to"); v != "" {
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			s.writeError(c, banx.Errorf(banx.EINVALID, "to %q is not a date (YYYY-MM-DD)", truncate(v, 40)))
			return
		}
		to = t
	}
	from := to.AddDate(0, 0, -(statsDays - 1))
	if v := c.Query("from"); v != "" {
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			s.writeError(c, banx.Errorf(banx.EINVALID, "from %q is not a date (YYYY-MM-DD)", truncate(v, 40)))
			return
		}
		from = t
	}
	st, err := s.Views.ViewStats(c.Request.Context(), from, to)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, st)
}
