package payout

import (
	"context"
	"time"

	"github.com/banxmedia/banx/internal/reward"
)

// Status is where a payment is in its state machine.
type Status string

// Payment states. Paid, Deferred and Failed are final.
const (
	StatusPending   Status = "pending"   // planned; no live transaction
	StatusSigned    Status = "signed"    // blob, hash and LastLedgerSequence stored; maybe submitted
	StatusSubmitted Status = "submitted" // the node gave a provisional answer
	StatusPaid      Status = "paid"      // tesSUCCESS in a validated ledger
	StatusDeferred  Status = "deferred"  // tec the recipient can fix (no trust line...): carried to the next epoch
	StatusFailed    Status = "failed"    // another final failure, explained: carried to the next epoch
)

// Final reports whether no transaction of the payment can still apply.
func (s Status) Final() bool { return s == StatusPaid || s == StatusDeferred || s == StatusFailed }

// InFlight reports whether a signed transaction may still apply.
func (s Status) InFlight() bool { return s == StatusSigned || s == StatusSubmitted }

// Payout is one payment of an epoch: a leaf's payment to one account.
type Payout struct {
	ID                 int64
	Epoch              uint64
	Author             string
	Account            string
	Amount             string // decimal, as in the plan
	Status             Status
	Attempt            int    // how many transactions were signed for it
	TxHash             string // the live or final transaction
	TxBlob             string
	Sequence           uint32
	LastLedgerSequence uint32
	Result             string // engine result once final (or the last provisional one)
	Delivered          string // delivered_amount of a paid payment
	LedgerIndex        uint32
	Reason             string // why a payment is deferred or failed
	UpdatedAt          time.Time
}

// PlanRecord is a stored plan: its canonical document and root.
type PlanRecord struct {
	Epoch     uint64
	Network   string
	Root      string
	Document  []byte
	CreatedAt time.Time
}

// Signed is what is stored for a payment before its transaction is submitted.
type Signed struct {
	ID                 int64
	TxHash             string
	TxBlob             string
	Sequence           uint32
	LastLedgerSequence uint32
}

// Outcome is a payment's final result.
type Outcome struct {
	ID          int64
	Status      Status
	Result      string
	Delivered   string
	LedgerIndex uint32
	Reason      string
}

// Store is what the payout service needs of storage. Methods return banx error
// codes: ENOTFOUND for a missing plan, ECONFLICT when a write contradicts stored
// state (a different plan for the same epoch, a payment not in the expected
// state), EUNAVAILABLE when the database cannot be reached.
type Store interface {
	// EpochViews returns counted views per article recorded in [start, end).
	EpochViews(ctx context.Context, start, end time.Time) ([]reward.ArticleViews, error)
	// Beneficiaries returns every author's split; authors without one are absent.
	AllBeneficiaries(ctx context.Context) (map[string][]reward.Share, error)
	// DeclinedAuthors returns the authors who decline rewards.
	DeclinedAuthors(ctx context.Context) ([]string, error)
	// LastPlan returns the plan of the highest epoch, or ENOTFOUND.
	LastPlan(ctx context.Context) (*PlanRecord, error)
	// Plan returns epoch's plan, or ENOTFOUND.
	Plan(ctx context.Context, epoch uint64) (*PlanRecord, error)
	// SavePlan stores a plan and its payments (pending) in one transaction.
	// A plan already stored with the same root is not an error; another root is ECONFLICT.
	SavePlan(ctx context.Context, rec PlanRecord, payouts []Payout) error
	// Payouts returns epoch's payments ordered by id.
	Payouts(ctx context.Context, epoch uint64) ([]Payout, error)
	// MarkSigned stores signed transactions of pending payments, all or none.
	MarkSigned(ctx context.Context, s []Signed) error
	// MarkSubmitted records the provisional result of signed payments.
	MarkSubmitted(ctx context.Context, ids []int64, results []string) error
	// MarkFinal stores final outcomes of in-flight payments, all or none.
	MarkFinal(ctx context.Context, o []Outcome) error
	// MarkExpired returns in-flight payments whose transaction can never apply
	// to pending, keeping the dead transaction in the payment's history.
	MarkExpired(ctx context.Context, ids []int64, validatedLedger uint32) error
	// LockPayouts takes the process-wide payout lock, so two runs (CLI and API)
	// never sign for the same payments; ECONFLICT when another run holds it.
	LockPayouts(ctx context.Context) (unlock func(), err error)
}
