package verify

import (
	"context"
	"encoding/json"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/banx"
)

// DefaultConcurrency is how many verifications a Service runs at once.
const DefaultConcurrency = 4

// Service is a Verifier shaped for a public endpoint. Each verification
// costs the server several ledger requests and up to a manifest's size from
// IPFS, so anyone could otherwise make it do much work with little: a
// Service runs at most a fixed number at once and turns the rest away with
// EUNAVAILABLE at once, rather than queueing unbounded work. Its results are
// plain JSON values, so the HTTP adapter needs nothing of this package.
type Service struct {
	v     *Verifier
	slots chan struct{}
}

// NewService returns a Service over v running at most concurrency
// verifications at once (0 means DefaultConcurrency).
func NewService(v *Verifier, concurrency int) *Service {
	if concurrency <= 0 {
		concurrency = DefaultConcurrency
	}
	return &Service{v: v, slots: make(chan struct{}, concurrency)}
}

func (s *Service) acquire() (release func(), err error) {
	select {
	case s.slots <- struct{}{}:
		return func() { <-s.slots }, nil
	default:
		return nil, banx.Errorf(banx.EUNAVAILABLE, "too many verifications in progress; retry in a few seconds")
	}
}

// VerifyTx verifies the anchor in transaction txHash; cid and sha256 are
// optional expectations (see Target). EINVALID for a malformed target,
// EUNAVAILABLE when busy.
func (s *Service) VerifyTx(ctx context.Context, txHash, cid, sha256 string) (json.Marshaler, error) {
	release, err := s.acquire()
	if err != nil {
		return nil, err
	}
	defer release()
	res, err := s.v.VerifyTx(ctx, Target{TxHash: txHash, CID: cid, SHA256: sha256})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// VerifyBundle verifies a parsed proof bundle. EUNAVAILABLE when busy.
func (s *Service) VerifyBundle(ctx context.Context, b anchor.ProofBundle) (json.Marshaler, error) {
	release, err := s.acquire()
	if err != nil {
		return nil, err
	}
	defer release()
	return s.v.VerifyBundle(ctx, b), nil
}
