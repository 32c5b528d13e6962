package http

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/banx"
	"github.com/gin-gonic/gin"
)

// handleVerifyBundlePage verifies a proof bundle uploaded from the Verify
// page's form (multipart, field "bundle") and shows the checklist, with no
// script: the same check as POST /api/v1/verify and `banx verify`, made from
// the ledger and IPFS, not Banx's database. It changes nothing on the server,
// so it needs no session and no CSRF defence.
func (s *Server) handleVerifyBundlePage(c *gin.Context) {
	p := verifyPage{pageBase: s.base("Verify a proof bundle", "Check an article's proof bundle against the XRP Ledger and IPFS.")}
	if s.Verifier == nil {
		s.pageError(c, errVerifierMissing)
		return
	}
	fh, err := c.FormFile("bundle")
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			s.pageError(c, err) // 413 naming the limit
			return
		}
		s.refuseBundle(c, p, banx.Errorf(banx.EINVALID, "choose a proof bundle file (.proof.json) to upload"))
		return
	}
	if fh.Size > anchor.MaxProofBundleBytes {
		s.refuseBundle(c, p, banx.Errorf(banx.ETOOLARGE, "a proof bundle has at most %d bytes, this file has %d", anchor.MaxProofBundleBytes, fh.Size))
		return
	}
	f, err := fh.Open()
	if err != nil {
		s.pageError(c, banx.Wrap(banx.EINTERNAL, err, "open the uploaded bundle"))
		return
	}
	data, err := io.ReadAll(io.LimitReader(f, anchor.MaxProofBundleBytes+1))
	f.Close()
	if err != nil {
		s.pageError(c, banx.Wrap(banx.EINTERNAL, err, "read the uploaded bundle"))
		return
	}
	b, err := anchor.ParseProofBundle(data)
	if err != nil {
		s.refuseBundle(c, p, err)
		return
	}
	res, err := s.Verifier.VerifyBundle(c.Request.Context(), b)
	if err != nil {
		s.pageError(c, err)
		return
	}
	raw, err := res.MarshalJSON()
	if err != nil {
		s.pageError(c, banx.Wrap(banx.EINTERNAL, err, "encode verification report"))
		return
	}
	var r pageReport
	if err := json.Unmarshal(raw, &r); err != nil {
		s.pageError(c, banx.Wrap(banx.EINTERNAL, err, "decode verification report"))
		return
	}
	p.Report = &r
	c.Header("Cache-Control", "no-store")
	s.renderPage(c, 200, "verify", p)
}

// refuseBundle shows the Verify page again with why the uploaded file was
// refused beside the upload field, with the status of the error's code (400,
// 413), so the reader can choose another file at once.
func (s *Server) refuseBundle(c *gin.Context, p verifyPage, err error) {
	p.BundleError = banx.ErrorMessage(err)
	status, ok := statusOf[banx.ErrorCode(err)]
	if !ok || status >= 500 {
		s.pageError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	s.renderPage(c, status, "verify", p)
}
