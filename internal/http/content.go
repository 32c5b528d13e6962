package http

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/gin-gonic/gin"
	"github.com/ipfs/go-cid"
)

// addContentResponse is the answer to POST /api/v1/content.
type addContentResponse struct {
	CID    string `json:"cid"`
	SHA256 string `json:"sha256"`
	Size   int    `json:"size"`
}

// handleAddContent stores the raw request body. The body is read whole (it is
// bounded by MaxBodyBytes) before the store sees it, so a body that turns out too
// large or is cut off never leaves a partial object behind.
func (s *Server) handleAddContent(c *gin.Context) {
	data, err := io.ReadAll(c.Request.Body)
	if err != nil {
		s.writeError(c, err)
		return
	}
	cid, err := s.Store.Add(c.Request.Context(), bytes.NewReader(data))
	if err != nil {
		s.writeError(c, err)
		return
	}
	sum := sha256.Sum256(data)
	c.JSON(http.StatusCreated, addContentResponse{CID: cid, SHA256: hex.EncodeToString(sum[:]), Size: len(data)})
}

// handleGetContent serves the bytes stored under a CID, gateway-style. Content is
// immutable, so the CID is a perfect ETag and the response may be cached forever.
// Because uploads are untrusted and share the site's origin, active content types
// are served as plain text and every response is sandboxed by its CSP.
func (s *Server) handleGetContent(c *gin.Context) {
	raw := c.Param("cid")
	id, err := cid.Decode(raw)
	if err != nil {
		s.writeError(c, banx.Errorf(banx.EINVALID, "malformed CID %q: %v", truncate(raw, 100), err))
		return
	}
	etag := `"` + id.String() + `"`
	if match := c.GetHeader("If-None-Match"); match != "" && strings.Contains(match, etag) {
		c.Header("ETag", etag)
		c.Status(http.StatusNotModified)
		return
	}
	rc, err := s.Store.Cat(c.Request.Context(), id.String())
	if err != nil {
		s.writeError(c, err)
		return
	}
	defer rc.Close()
	br := bufio.NewReaderSize(rc, 4096)
	head, err := br.Peek(512)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		s.writeError(c, err)
		return
	}
	h := c.Writer.Header()
	h.Set("Content-Type", safeContentType(head))
	h.Set("ETag", etag)
	h.Set("Cache-Control", "public, max-age=29030400, immutable")
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox")
	h.Set("X-Ipfs-Path", "/ipfs/"+id.String())
	c.Status(http.StatusOK)
	if c.Request.Method == http.MethodHead {
		return
	}
	if _, err := io.Copy(c.Writer, br); err != nil {
		// Headers are gone; all that is left is to log and cut the connection short.
		s.Logger.Warn("content stream broken", "request_id", requestIDOf(c), "cid", id.String(), "err", err)
	}
}

// safeContentType sniffs the type of stored bytes and downgrades anything a
// browser would execute (HTML, SVG, XML) to text/plain.
func safeContentType(head []byte) string {
	ct := http.DetectContentType(head)
	switch {
	case strings.HasPrefix(ct, "image/png"), strings.HasPrefix(ct, "image/jpeg"),
		strings.HasPrefix(ct, "image/gif"), strings.HasPrefix(ct, "image/webp"),
		strings.HasPrefix(ct, "application/octet-stream"), strings.HasPrefix(ct, "application/pdf"):
		return ct
	case strings.HasPrefix(ct, "text/plain"):
		if looksLikeJSON(head) {
			return "application/json"
		}
		return ct
	}
	return "text/plain; charset=utf-8"
}

// looksLikeJSON is a cheap check on the first bytes: a manifest starts with '{'.
func looksLikeJSON(head []byte) bool {
	t := bytes.TrimSpace(head)
	if len(t) == 0 || (t[0] != '{' && t[0] != '[') {
		return false
	}
	if len(head) < 512 {
		return json.Valid(head)
	}
	return true
}

// truncate shortens s to at most n bytes for an error message, cutting at
// the start of a character so the message stays valid UTF-8 (a cut through
// a multi-byte character would reach the client as U+FFFD).
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
