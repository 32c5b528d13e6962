package banx

import "time"

// ArticleStatus is where an article version is on its way from draft to published.
// A version is shown to readers as published only once its anchor is validated on
// the ledger, so the status is stored and moves forward only.
type ArticleStatus string

// Article version statuses, in the order a version passes through them.
const (
	StatusDraft     ArticleStatus = "draft"     // manifest accepted, not yet stored on IPFS
	StatusStored    ArticleStatus = "stored"    // canonical manifest stored and pinned on IPFS
	StatusAnchoring ArticleStatus = "anchoring" // anchor transaction signed and persisted, awaiting validation
	StatusPublished ArticleStatus = "published" // anchor validated with tesSUCCESS
	StatusFailed    ArticleStatus = "failed"    // anchor failed finally (tec, expired); the draft is kept
)

// Valid reports whether s is one of the known statuses.
func (s ArticleStatus) Valid() bool {
	switch s {
	case StatusDraft, StatusStored, StatusAnchoring, StatusPublished, StatusFailed:
		return true
	}
	return false
}

// Article groups the versions of one piece of writing by one author. Its identity
// is local to this Banx instance; the ledger knows only versions (by their anchors).
type Article struct {
	ID        int64
	Author    string // XRPL classic address of the author
	Slug      string // URL-friendly, unique per instance
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ArticleVersion is one immutable manifest of an article: its canonical bytes live
// on IPFS under ManifestCID and hash to SHA256.
type ArticleVersion struct {
	ID           int64
	ArticleID    int64
	Version      int    // 1 for the first, +1 per edit
	ManifestCID  string // CIDv1 of the canonical manifest bytes
	SHA256       string // lowercase hex SHA-256 of the canonical manifest bytes
	Author       string
	Title        string
	Status       ArticleStatus
	AnchorTxHash string // set once an anchor transaction exists
	PreviousTx   string // anchor tx hash of the previous version, "" for the first
	CreatedAt    time.Time
	UpdatedAt    time.Time
}
