package auth_test

import (
	"context"
	"testing"

	"github.com/banxmedia/banx/internal/auth"
	"github.com/banxmedia/banx/internal/banx"
)

// TestChallengeNonASCIIAddress guards against xrpl-go's base58 decoder, which
// panics on non-ASCII input: a hostile sign-in request must get a reason.
func TestChallengeNonASCIIAddress(t *testing.T) {
	s := &auth.Service{}
	_, err := s.Challenge(context.Background(), "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTé")
	if banx.ErrorCode(err) != banx.EINVALID {
		t.Fatalf("err = %v, want EINVALID", err)
	}
}
