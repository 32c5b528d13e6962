package http

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/manifest"
	"github.com/gin-gonic/gin"
)

// Limits of author image uploads (POST /api/v1/media). An image may be as
// large as a manifest's media item may say (10 MiB); an author may upload
// MediaUploadsPerWindow images per MediaUploadWindow, which is more than the
// twenty images one manifest can hold, and bounds what one key can pin.
const (
	MaxMediaBytes         = manifest.MaxImageBytes
	MediaUploadsPerWindow = 30
	MediaUploadWindow     = time.Hour
)

// mediaResponse is the answer to POST /api/v1/media: the members of a
// manifest media item that the server knows, so the page fills the rest
// (role, alt, digital_source_type).
type mediaResponse struct {
	CID      string `json:"cid"`
	MimeType string `json:"mime_type"`
	Size     int    `json:"size"`
	SHA256   string `json:"sha256"`
}

// uploadLimiter counts each author's uploads in a sliding window. It forgets
// authors whose window is empty, so it holds at most the authors active in
// the last window.
type uploadLimiter struct {
	max    int
	window time.Duration
	now    func() time.Time
	mu     sync.Mutex
	recent map[string][]time.Time
}

func newUploadLimiter(max int, window time.Duration) *uploadLimiter {
	return &uploadLimiter{max: max, window: window, now: time.Now, recent: map[string][]time.Time{}}
}

// allow records an upload by author and reports whether it is within the
// limit; when it is not, it says how long until the oldest upload leaves the
// window.
func (l *uploadLimiter) allow(author string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	cut := now.Add(-l.window)
	kept := l.recent[author][:0]
	for _, t := range l.recent[author] {
		if t.After(cut) {
			kept = append(kept, t)
		}
	}
	if len(kept) >= l.max {
		l.recent[author] = kept
		return false, kept[0].Sub(cut)
	}
	l.recent[author] = append(kept, now)
	if len(l.recent) > 4096 {
		for a, ts := range l.recent {
			if len(ts) == 0 || !ts[len(ts)-1].After(cut) {
				delete(l.recent, a)
			}
		}
	}
	return true, 0
}

// handleUploadMedia stores an image a signed-in author will reference from a
// manifest (cover or inline). The body is the raw image; its type is found
// from its magic bytes, never from Content-Type or a file name, and only
// raster images that cannot carry script are kept: PNG, JPEG, GIF, WebP. SVG,
// HTML and anything else get 415; more than MaxMediaBytes gets 413. Every
// attempt counts against the author's allowance, checked first, so an author
// over it (429) cannot make the server read more bodies. The bytes are read
// whole and checked before the content store sees them, so a refused upload
// pins nothing.
func (s *Server) handleUploadMedia(limit *uploadLimiter) gin.HandlerFunc {
	return func(c *gin.Context) {
		author := sessionOf(c).Address
		if ok, wait := limit.allow(author); !ok {
			secs := int(wait.Seconds()) + 1
			c.Header("Retry-After", strconv.Itoa(secs))
			s.writeError(c, banx.Errorf(banx.ETOOMANY, "upload limit reached: %d images per %s for %s; try again in %d s",
				limit.max, limit.window, author, secs))
			return
		}
		if c.Request.ContentLength > MaxMediaBytes {
			s.writeError(c, banx.Errorf(banx.ETOOLARGE, "image is larger than %d bytes", MaxMediaBytes))
			return
		}
		data, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, MaxMediaBytes))
		if err != nil {
			s.writeError(c, err)
			return
		}
		mime, err := manifest.SniffImage(data)
		if banx.ErrorCode(err) == banx.EINVALID {
			s.writeError(c, banx.Errorf(banx.EUNSUPPORTED, "only PNG, JPEG, GIF and WebP images are accepted, found %s", describeUpload(data)))
			return
		}
		if err != nil {
			s.writeError(c, err)
			return
		}
		if err := checkImageHeader(mime, data); err != nil {
			s.writeError(c, err)
			return
		}
		id, err := s.Store.Add(c.Request.Context(), bytes.NewReader(data))
		if err != nil {
			s.writeError(c, err)
			return
		}
		sum := sha256.Sum256(data)
		c.JSON(http.StatusCreated, mediaResponse{CID: id, MimeType: mime, Size: len(data), SHA256: hex.EncodeToString(sum[:])})
	}
}

// describeUpload names what a refused upload looks like, for the reason.
func describeUpload(data []byte) string {
	if len(data) == 0 {
		return "an empty body"
	}
	ct := http.DetectContentType(data)
	ct, _, _ = strings.Cut(ct, ";")
	if strings.HasPrefix(ct, "text/") && bytes.Contains(bytes.ToLower(data[:min(len(data), 1024)]), []byte("<svg")) {
		ct = "SVG"
	}
	return ct
}
