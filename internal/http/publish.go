package http

import (
	"context"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/publish"
	"github.com/gin-gonic/gin"
)

// PublishService takes drafts to published articles (internal/publish implements it).
type PublishService interface {
	// CreateDraft stores a manifest for the author. EINVALID/ETOOLARGE for a bad
	// manifest, EFORBIDDEN for another author's, ECONFLICT for a bad edit.
	CreateDraft(ctx context.Context, author string, document []byte, articleID int64) (*publish.Draft, error)
	// Draft returns one of the author's versions. EFORBIDDEN, ENOTFOUND.
	Draft(ctx context.Context, author string, versionID int64) (*publish.Draft, error)
	// PrepareSelf prepares the unsigned self anchor. EFORBIDDEN, ECONFLICT, EINVALID.
	PrepareSelf(ctx context.Context, author string, versionID int64) (*publish.Prepared, error)
	// SubmitSelf checks and relays the signed self anchor. EINVALID, EFORBIDDEN, ECONFLICT.
	SubmitSelf(ctx context.Context, author string, versionID int64, blob string) (banx.VersionDetail, error)
	// QueueBatch accepts a leaf signature for the next batch. EINVALID, EFORBIDDEN, ECONFLICT, EUNAVAILABLE.
	QueueBatch(ctx context.Context, author string, versionID int64, publicKey, signature string) (banx.VersionDetail, error)
	// Article returns an article and its versions. ENOTFOUND.
	Article(ctx context.Context, id int64) (*banx.Article, []publish.VersionView, error)
	// Articles lists published articles. EINVALID for a bad page.
	Articles(ctx context.Context, author string, limit, offset int) ([]banx.PublishedArticle, error)
	// Proof returns a published version's proof bundle. ENOTFOUND, ECONFLICT.
	Proof(ctx context.Context, articleID int64, n int) (*anchor.ProofBundle, error)
}

// versionJSON is a version as the API shows it; drafts and article versions
// share it.
type versionJSON struct {
	ID            int64       `json:"id"`
	ArticleID     int64       `json:"article_id"`
	Version       int         `json:"version"`
	Status        string      `json:"status"`
	Title         string      `json:"title"`
	Author        string      `json:"author"`
	CID           string      `json:"cid"`
	SHA256        string      `json:"sha256"`
	Previous      string      `json:"previous,omitempty"`
	Mode          string      `json:"mode,omitempty"`
	AnchorTxHash  string      `json:"anchor_tx_hash,omitempty"`
	FailureReason string      `json:"failure_reason,omitempty"`
	Anchor        *anchorJSON `json:"anchor,omitempty"`
	CreatedAt     string      `json:"created_at"`
	UpdatedAt     string      `json:"updated_at"`
}

type anchorJSON struct {
	Account            string `json:"account"`
	Status             string `json:"status"`
	TxHash             string `json:"tx_hash,omitempty"`
	LastLedgerSequence uint32 `json:"last_ledger_sequence"`
	LedgerIndex        uint32 `json:"ledger_index,omitempty"`
	Result             string `json:"result,omitempty"`
	Leaves             int    `json:"leaves,omitempty"`
}

type draftJSON struct {
	versionJSON
	NetworkID   uint32 `json:"network_id"`
	LeafMessage string `json:"leaf_message"`
}

func versionOf(d banx.VersionDetail, a *banx.Anchor) versionJSON {
	v := d.Version
	out := versionJSON{ID: v.ID, ArticleID: v.ArticleID, Version: v.Version, Status: string(v.Status), Title: v.Title,
		Author: v.Author, CID: v.ManifestCID, SHA256: v.SHA256, Previous: v.PreviousTx, AnchorTxHash: v.AnchorTxHash,
		CreatedAt: v.CreatedAt.UTC().Format(time.RFC3339Nano), UpdatedAt: v.UpdatedAt.UTC().Format(time.RFC3339Nano)}
	if d.Anchoring != nil {
		out.Mode, out.FailureReason = string(d.Anchoring.Mode), d.Anchoring.FailureReason
	}
	if a != nil {
		out.Anchor = &anchorJSON{Account: a.Account, Status: string(a.Status), TxHash: a.TxHash, LastLedgerSequence: a.LastLedgerSequence,
			LedgerIndex: a.LedgerIndex, Result: a.Result, Leaves: a.Leaves}
	}
	return out
}

func draftOf(d *publish.Draft) draftJSON {
	return draftJSON{versionJSON: versionOf(d.Detail, nil), NetworkID: d.NetworkID, LeafMessage: d.LeafMessage}
}

// handleCreateDraft stores the manifest in the body (JSON) for the signed-in
// author. ?article=ID picks the article an edit continues when its previous
// anchor is a batch holding several of the author's articles.
func (s *Server) handleCreateDraft(c *gin.Context) {
	var articleID int64
	if q := c.Query("article"); q != "" {
		id, err := strconv.ParseInt(q, 10, 64)
		if err != nil || id <= 0 {
			s.writeError(c, banx.Errorf(banx.EINVALID, "article must be a positive integer, got %q", truncate(q, 40)))
			return
		}
		articleID = id
	}
	if !s.jsonBody(c, "a draft is a JSON manifest") {
		return
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		s.writeError(c, err)
		return
	}
	d, err := s.Publish.CreateDraft(c.Request.Context(), sessionOf(c).Address, body, articleID)
	if err != nil {
		s.writeError(c, err)
		return
	}
	status := http.StatusCreated
	if d.Existing {
		status = http.StatusOK // the same manifest again: its un-anchored draft, to retry a failed publish
	}
	c.JSON(status, draftOf(d))
}

func (s *Server) handleGetDraft(c *gin.Context) {
	id, ok := s.idParam(c, "id")
	if !ok {
		return
	}
	d, err := s.Publish.Draft(c.Request.Context(), sessionOf(c).Address, id)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, draftOf(d))
}

type anchorRequest struct {
	Mode      string `json:"mode"`
	PublicKey string `json:"public_key,omitempty"`
	Signature string `json:"signature,omitempty"`
}

type preparedJSON struct {
	Mode               string         `json:"mode"`
	DraftID            int64          `json:"draft_id"`
	TxJSON             map[string]any `json:"tx_json"`
	UnsignedTx         string         `json:"unsigned_tx"`
	LastLedgerSequence uint32         `json:"last_ledger_sequence"`
	Memo               anchor.Memo    `json:"memo"`
}

// handleAnchorDraft starts anchoring: mode self answers the unsigned
// transaction to sign; mode batch takes the leaf signature and queues the draft.
func (s *Server) handleAnchorDraft(c *gin.Context) {
	id, ok := s.idParam(c, "id")
	if !ok {
		return
	}
	var req anchorRequest
	if !s.readJSON(c, &req) {
		return
	}
	author := sessionOf(c).Address
	switch banx.AnchorMode(req.Mode) {
	case banx.ModeSelf:
		if req.PublicKey != "" || req.Signature != "" {
			s.writeError(c, banx.Errorf(banx.EINVALID, "mode self takes no public_key or signature: sign the prepared transaction, then POST it to /submit"))
			return
		}
		p, err := s.Publish.PrepareSelf(c.Request.Context(), author, id)
		if err != nil {
			s.writeError(c, err)
			return
		}
		c.JSON(http.StatusOK, preparedJSON{Mode: req.Mode, DraftID: id, TxJSON: p.TxJSON, UnsignedTx: p.Unsigned,
			LastLedgerSequence: p.LastLedgerSequence, Memo: p.Memo})
	case banx.ModeBatch:
		d, err := s.Publish.QueueBatch(c.Request.Context(), author, id, req.PublicKey, req.Signature)
		if err != nil {
			s.writeError(c, err)
			return
		}
		c.JSON(http.StatusAccepted, versionOf(d, nil))
	default:
		s.writeError(c, banx.Errorf(banx.EINVALID, "mode must be %q or %q, got %q", banx.ModeSelf, banx.ModeBatch, truncate(req.Mode, 20)))
	}
}

type submitRequest struct {
	TxBlob string `json:"tx_blob"`
}

// handleSubmitDraft takes the author's signed self anchor and relays it after
// checking it is exactly the prepared transaction.
func (s *Server) handleSubmitDraft(c *gin.Context) {
	id, ok := s.idParam(c, "id")
	if !ok {
		return
	}
	var req submitRequest
	if !s.readJSON(c, &req) {
		return
	}
	d, err := s.Publish.SubmitSelf(c.Request.Context(), sessionOf(c).Address, id, req.TxBlob)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusAccepted, versionOf(d, nil))
}

// jsonBody refuses, with 415, a body that says it is anything but JSON. A
// client that names no type is taken at its word that it sends JSON; a
// browser always names one, and the types a page may send to another site
// without asking first (text/plain, forms) are exactly those refused here.
func (s *Server) jsonBody(c *gin.Context, what string) bool {
	ct := c.GetHeader("Content-Type")
	if ct == "" {
		return true
	}
	if mt, _, err := mime.ParseMediaType(ct); err == nil && mt == "application/json" {
		return true
	}
	c.AbortWithStatusJSON(http.StatusUnsupportedMediaType, errorBody{Error: errorDetail{Code: "unsupported_media_type",
		Message: what + ": send Content-Type: application/json, not " + strconv.Quote(truncate(ct, 80)), RequestID: requestIDOf(c)}})
	return false
}

// idParam reads a positive integer path parameter.
func (s *Server) idParam(c *gin.Context, name string) (int64, bool) {
	raw := c.Param(name)
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		s.writeError(c, banx.Errorf(banx.EINVALID, "%s must be a positive integer, got %q", name, truncate(raw, 40)))
		return 0, false
	}
	return id, true
}
