package http

import (
	"github.com/banxmedia/banx/internal/banx"
	"github.com/gin-gonic/gin"
)

type verifyPage struct {
	pageBase
	TxHash, CID, SHA256 string
	Report              *pageReport
	// BundleError is why an uploaded bundle was refused, shown beside the
	// upload field so the reader can pick another file.
	BundleError string
}

// handleVerifyPage shows the verification form, and with a transaction hash
// (in the path, or ?tx= from the form) runs the verifier and shows its
// checklist. With ?article=ID&version=N, or an article URL of this site in
// ?tx=, it verifies that version's proof bundle so every check runs (content,
// leaf signature, key, Merkle path). The database only supplies the bundle's
// claims: the report is what the ledger and IPFS say of them.
func (s *Server) handleVerifyPage(c *gin.Context) {
	p := verifyPage{pageBase: s.base("Verify an article", "Check an article's anchor on the XRP Ledger and its content on IPFS."),
		TxHash: c.Param("tx"), CID: c.Query("cid"), SHA256: c.Query("sha256")}
	if p.TxHash == "" {
		p.TxHash = c.Query("tx")
	}
	if p.TxHash != "" {
		if s.Verifier == nil {
			s.pageError(c, errVerifierMissing)
			return
		}
		b, isBundle, err := s.verifyPageBundle(c, &p)
		if err != nil {
			s.pageError(c, err)
			return
		}
		var r *pageReport
		if isBundle {
			r, err = s.bundleReport(c.Request.Context(), b)
		} else {
			r, err = s.verifyReport(c.Request.Context(), p.TxHash, p.CID, p.SHA256)
		}
		if err != nil {
			s.pageError(c, err)
			return
		}
		p.Report = r
		c.Header("Cache-Control", "no-store")
	}
	s.renderPage(c, 200, "verify", p)
}

var errVerifierMissing = banx.Errorf(banx.EUNAVAILABLE, "this Banx server has no verifier configured; use banx verify")
