package http

import (
	"net/http"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/manifest"
	"github.com/banxmedia/banx/internal/render"
	"github.com/gin-gonic/gin"
	"github.com/ipfs/go-cid"
)

// maxPreviewBytes bounds a preview request: a body at the manifest's limit,
// escaped as JSON (up to six bytes per control character is the worst case
// the decoder would have to read), plus the media list. Larger requests get
// 413 before anything is rendered.
const maxPreviewBytes = 6*manifest.MaxBodyBytes + 64<<10

type previewRequest struct {
	Body  string   `json:"body"`
	Media []string `json:"media"`
}

type previewResponse struct {
	HTML string `json:"html"`
}

// handlePreview renders a draft body for its signed-in author exactly as the
// article page will: the same goldmark and bluemonday renderer, and only the
// images whose CIDs the draft lists in media. The answer is sanitized HTML the
// Publish page may put in its preview pane as it is.
func (s *Server) handlePreview(r *render.Renderer) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxPreviewBytes)
		var req previewRequest
		if !s.readJSON(c, &req) {
			return
		}
		if len(req.Body) > manifest.MaxBodyBytes {
			s.writeError(c, banx.Errorf(banx.ETOOLARGE, "body: %d bytes, max %d", len(req.Body), manifest.MaxBodyBytes))
			return
		}
		if len(req.Media) > manifest.MaxMedia {
			s.writeError(c, banx.Errorf(banx.ETOOLARGE, "media: %d items, max %d", len(req.Media), manifest.MaxMedia))
			return
		}
		images := make(map[string]bool, len(req.Media))
		for i, raw := range req.Media {
			id, err := cid.Decode(raw)
			if err != nil || id.Version() != 1 || id.String() != raw {
				s.writeError(c, banx.Errorf(banx.EINVALID, "media[%d]: %q is not a CIDv1 in base32", i, truncate(raw, 100)))
				return
			}
			images[raw] = true
		}
		html, err := r.Body(req.Body, images)
		if err != nil {
			s.writeError(c, banx.Wrap(banx.EINTERNAL, err, "render preview"))
			return
		}
		c.Header("Cache-Control", "no-store")
		c.JSON(http.StatusOK, previewResponse{HTML: string(html)})
	}
}

// NextVersion is the version number that publishing an edit creates, for the
// Publish page's notice ("Publishing makes version 2").
func (e editForm) NextVersion() int { return e.Version + 1 }
