package banx

import "time"

// AnchorMode is how an article version gets onto the ledger. Both modes are
// first-class: a reader verifies either without trusting Banx.
type AnchorMode string

// Anchoring modes.
const (
	// ModeSelf: the author's own account signs a transaction carrying the memo.
	ModeSelf AnchorMode = "self"
	// ModeBatch: the author signs the manifest hash off-ledger and Banx's
	// anchoring account anchors a Merkle root over many such leaves.
	ModeBatch AnchorMode = "batch"
)

// Valid reports whether m is a known mode.
func (m AnchorMode) Valid() bool { return m == ModeSelf || m == ModeBatch }

// AnchorStatus is where an anchor transaction is on its way to finality. It is
// persisted before each step, so a restart knows exactly what may be in flight.
type AnchorStatus string

// Anchor statuses.
const (
	AnchorPrepared  AnchorStatus = "prepared"  // self: unsigned tx handed to the author, nothing submitted
	AnchorSubmitted AnchorStatus = "submitted" // signed blob, hash and LastLedgerSequence persisted; maybe submitted
	AnchorValidated AnchorStatus = "validated" // in a validated ledger with tesSUCCESS
	AnchorFailed    AnchorStatus = "failed"    // final failure: tec, tem/tef, or expired (self)
)

// Anchor is one anchor transaction: a self anchor of one version, or the
// transaction of a batch of many.
type Anchor struct {
	ID                 int64
	Mode               AnchorMode
	Account            string // the signing account: the author (self) or the platform (batch)
	Unsigned           string // self: the prepared, unsigned transaction in upper-case hex
	Blob               string // signed transaction blob, upper-case hex ("" while prepared)
	TxHash             string // "" while prepared
	LastLedgerSequence uint32
	Status             AnchorStatus
	Result             string // engine result once final, or "expired"
	Reason             string // why it failed, for the author
	LedgerIndex        uint32 // validated ledger holding it
	MemoType           string // hex, as on the ledger
	MemoFormat         string
	MemoData           string
	Root               string // batch: Merkle root, lower-case hex
	Leaves             int    // batch: number of leaves
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// VersionAnchoring is what a version records about its anchoring beyond
// ArticleVersion: the mode, the author's leaf signature and place in a batch,
// and why it failed.
type VersionAnchoring struct {
	VersionID     int64
	Mode          AnchorMode
	AnchorID      int64  // 0 until an anchor exists
	LeafPublicKey string // batch: the key that signed the leaf (upper-case hex)
	LeafSignature string // batch: the leaf signature (upper-case hex)
	LeafIndex     int    // batch: position in the tree (sorted by leaf hash)
	ProofPath     []string
	NetworkID     uint32
	FailureReason string
}

// Session is a signed-in author. The bearer token is never stored: only its
// SHA-256, so a copy of the database cannot be replayed as a login.
type Session struct {
	ID        int64
	Address   string // the author's classic address
	PublicKey string // the key that proved control of Address
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Challenge is a sign-in challenge: the exact text the author's wallet signs,
// and the fields it was built from.
type Challenge struct {
	Address   string
	Domain    string
	Nonce     string
	IssuedAt  time.Time
	ExpiresAt time.Time
	Message   string
}

// VersionDetail is a version together with its anchoring details.
type VersionDetail struct {
	Version   *ArticleVersion
	Anchoring *VersionAnchoring
}

// PendingLeaf is a version whose author signed its batch leaf and which waits
// for the next platform batch.
type PendingLeaf struct {
	VersionID int64
	Author    string
	SHA256    string
	CID       string
	PublicKey string
	Signature string
	NetworkID uint32
}

// LeafPlacement is a version's place in a batch tree: its index (leaves are
// sorted by leaf hash) and its audit path.
type LeafPlacement struct {
	VersionID int64
	Index     int
	Path      []string // lower-case hex hashes, the leaf's sibling first
}

// PublishedArticle is an article with its newest published version.
type PublishedArticle struct {
	Article *Article
	Latest  *ArticleVersion
}
