// Package publish takes an author's article from draft to published: the
// canonical manifest is stored and pinned on IPFS, then anchored on the XRP
// Ledger in one of two modes, and only a validated anchor publishes it.
//
//   - Self: Banx prepares an unsigned AccountSet from the author's account
//     carrying the anchor memo; the author signs it on their own machine; Banx
//     checks that the signed blob is exactly what it prepared (and nothing
//     else) before it relays it.
//   - Batch: the author signs the anchor leaf off-ledger; Banx's anchoring
//     account anchors a Merkle root over many leaves in one transaction per
//     batch, and every version gets an inclusion proof.
//
// Submission is reliable: a signed blob, its hash and LastLedgerSequence are
// stored before the blob is submitted; after a restart every in-flight hash is
// looked up before anything else; a platform batch is re-signed only once a
// validated ledger has passed its LastLedgerSequence without it; only
// provisional results are retried; a tec is final and is recorded as the
// version's failure reason, keeping the draft.
package publish

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/Peersyst/xrpl-go/xrpl/transaction"
	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/xrpl"
)

// Store is the persistence publishing needs; *sqlite.DB implements it.
type Store interface {
	CreateArticle(ctx context.Context, a *banx.Article, v *banx.ArticleVersion) error
	AddVersion(ctx context.Context, v *banx.ArticleVersion) error
	FindArticle(ctx context.Context, id int64) (*banx.Article, error)
	FindVersion(ctx context.Context, id int64) (banx.VersionDetail, error)
	FindVersionByNumber(ctx context.Context, articleID int64, n int) (banx.VersionDetail, error)
	FindVersionByCID(ctx context.Context, cid string) (*banx.ArticleVersion, error)
	ListVersionDetails(ctx context.Context, articleID int64) ([]banx.VersionDetail, error)
	FindLatestVersionsByAnchorTx(ctx context.Context, txHash string) ([]banx.VersionDetail, error)
	ListPublished(ctx context.Context, author string, limit, offset int) ([]banx.PublishedArticle, error)
	PrepareSelfAnchor(ctx context.Context, versionID int64, a *banx.Anchor) error
	SubmitSelfAnchor(ctx context.Context, versionID, anchorID int64, blob, hash string) error
	QueueBatchLeaf(ctx context.Context, versionID int64, publicKey, signature string, networkID uint32) error
	PendingLeaves(ctx context.Context, limit int) ([]banx.PendingLeaf, error)
	CreateBatchAnchor(ctx context.Context, a *banx.Anchor, leaves []banx.LeafPlacement) error
	ResignAnchor(ctx context.Context, anchorID int64, oldHash, blob, hash string, lastLedgerSeq uint32) error
	FinishAnchor(ctx context.Context, anchorID int64, status banx.AnchorStatus, result, reason string, ledgerIndex uint32) error
	FindAnchor(ctx context.Context, id int64) (*banx.Anchor, error)
	InFlightAnchors(ctx context.Context) ([]*banx.Anchor, error)
}

// Content is the IPFS store manifests go to (Kubo or embedded).
type Content interface {
	// Add stores and pins the bytes and returns their CID.
	Add(ctx context.Context, r io.Reader) (string, error)
	// Cat streams the bytes stored under cid (ENOTFOUND if unknown).
	Cat(ctx context.Context, cid string) (io.ReadCloser, error)
	// Pinned reports whether cid is pinned.
	Pinned(ctx context.Context, cid string) (bool, error)
}

// Ledger is the XRP Ledger client; *xrpl.Client implements it.
type Ledger interface {
	Info() xrpl.ServerInfo
	ServerInfo(ctx context.Context) (xrpl.ServerInfo, error)
	AccountInfo(ctx context.Context, address string) (*xrpl.AccountInfo, error)
	Autofill(ctx context.Context, tx transaction.FlatTransaction) error
	SubmitSignedAndWait(ctx context.Context, s *xrpl.SignedTx) (*xrpl.Transaction, error)
	Tx(ctx context.Context, hash string) (*xrpl.Transaction, error)
	Ledger(ctx context.Context) (*xrpl.LedgerHeader, error)
}

// Defaults of Config.
const (
	DefaultBatchInterval  = 2 * time.Second
	DefaultBatchMaxLeaves = 10_000
	// DefaultSelfLedgerOffset gives an author about a minute (at 3-5 s per
	// ledger) to sign a prepared self anchor.
	DefaultSelfLedgerOffset = 20
)

// Config holds the publishing settings.
type Config struct {
	// BatchInterval is how often an open batch is closed and anchored.
	BatchInterval time.Duration
	// BatchMaxLeaves closes a batch early once this many leaves wait.
	BatchMaxLeaves int
	// SelfLedgerOffset sets LastLedgerSequence = validated + offset on a
	// prepared self anchor.
	SelfLedgerOffset uint32
	// NetworkName labels the network in proof bundles ([a-z0-9-], optional).
	NetworkName string
	// Platform is Banx's anchoring account; nil disables batch mode.
	Platform *wallet.Wallet
	Logger   *slog.Logger
}

// Service publishes articles. Start it before use and Close it at shutdown.
type Service struct {
	store   Store
	content Content
	ledger  Ledger
	cfg     Config

	nudge      chan struct{}
	platformMu sync.Mutex // one platform transaction from autofill to final result
	wg         sync.WaitGroup
	cancel     context.CancelFunc
	ctx        context.Context

	// beforeSubmit runs after an anchor is persisted and before its first
	// submission; tests use it to simulate a crash at that point.
	beforeSubmit func(*banx.Anchor) error
}

// New returns a service; call Start to recover in-flight anchors and run the batcher.
func New(store Store, content Content, ledger Ledger, cfg Config) *Service {
	if cfg.BatchInterval <= 0 {
		cfg.BatchInterval = DefaultBatchInterval
	}
	if cfg.BatchMaxLeaves <= 0 {
		cfg.BatchMaxLeaves = DefaultBatchMaxLeaves
	}
	if cfg.SelfLedgerOffset == 0 {
		cfg.SelfLedgerOffset = DefaultSelfLedgerOffset
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Service{store: store, content: content, ledger: ledger, cfg: cfg, nudge: make(chan struct{}, 1)}
}

// Start resolves every anchor left in flight by a previous run (looking each
// hash up on the ledger before doing anything else), then starts the batcher.
// Anchors that are not yet final are followed in the background.
func (s *Service) Start(ctx context.Context) error {
	s.ctx, s.cancel = context.WithCancel(context.WithoutCancel(ctx))
	if err := s.recover(ctx); err != nil {
		s.cancel()
		s.wg.Wait()
		return err
	}
	if s.cfg.Platform != nil {
		s.wg.Add(1)
		go s.runBatcher()
	}
	return nil
}

// Close stops the batcher and the followers of in-flight anchors. Anchors not
// yet final stay 'submitted' and are resolved by the next Start.
func (s *Service) Close() error {
	if s.cancel != nil {
		s.cancel()
	}
	s.wg.Wait()
	return nil
}

// NetworkID is the ledger network anchors go to, as signed in batch leaves.
func (s *Service) NetworkID() uint32 { return s.ledger.Info().NetworkID }

// BatchEnabled reports whether this server anchors platform batches.
func (s *Service) BatchEnabled() bool { return s.cfg.Platform != nil }

// PlatformAddress is the anchoring account of platform batches, or "".
func (s *Service) PlatformAddress() string {
	if s.cfg.Platform == nil {
		return ""
	}
	return s.cfg.Platform.ClassicAddress.String()
}

// go runs f as a background task tied to the service's lifetime.
func (s *Service) spawn(f func(ctx context.Context)) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f(s.ctx)
	}()
}
