package http

import (
	"context"
	"encoding/json"
	"io"
	"net/http"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/banx"
	"github.com/gin-gonic/gin"
)

// Verifier checks anchors against an XRPL node and an IPFS node, never
// against this server's database: the endpoint offers readers a second
// opinion computed the same way `banx verify` computes it. Results are JSON
// values (an ordered checklist with a verdict).
type Verifier interface {
	// VerifyTx verifies the anchor in a transaction; cid and sha256, when not
	// empty, are what it must anchor. EINVALID for a malformed hash, CID or
	// SHA-256; EUNAVAILABLE when too many verifications run.
	VerifyTx(ctx context.Context, txHash, cid, sha256 string) (json.Marshaler, error)
	// VerifyBundle verifies a proof bundle. EUNAVAILABLE when too many
	// verifications run.
	VerifyBundle(ctx context.Context, b anchor.ProofBundle) (json.Marshaler, error)
}

// handleVerifyTx answers GET /api/v1/verify/{txhash}?cid=...&sha256=... with
// the verification report. A report is a 200 whatever its verdict: the
// request succeeded, and the verdict is in the body.
func (s *Server) handleVerifyTx(c *gin.Context) {
	res, err := s.Verifier.VerifyTx(c.Request.Context(), c.Param("tx"), c.Query("cid"), c.Query("sha256"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	s.writeReport(c, res)
}

// handleVerifyBundle answers POST /api/v1/verify, whose body is a proof
// bundle, read up to the bundle size limit.
func (s *Server) handleVerifyBundle(c *gin.Context) {
	data, err := io.ReadAll(io.LimitReader(c.Request.Body, anchor.MaxProofBundleBytes+1))
	if err != nil {
		s.writeError(c, err)
		return
	}
	b, err := anchor.ParseProofBundle(data)
	if err != nil {
		s.writeError(c, err)
		return
	}
	res, err := s.Verifier.VerifyBundle(c.Request.Context(), b)
	if err != nil {
		s.writeError(c, err)
		return
	}
	s.writeReport(c, res)
}

// writeReport sends a report that must not be cached: a pending transaction
// validates later, and a node that was down answers later.
func (s *Server) writeReport(c *gin.Context, res json.Marshaler) {
	body, err := res.MarshalJSON()
	if err != nil {
		s.writeError(c, banx.Wrap(banx.EINTERNAL, err, "encode verification report"))
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "application/json; charset=utf-8", body)
}
