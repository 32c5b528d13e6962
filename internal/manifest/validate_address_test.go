package manifest_test

import (
	"strings"
	"testing"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/manifest"
)

// TestParseNonASCIIAuthor guards against xrpl-go's base58 decoder, which panics on
// non-ASCII input: an untrusted manifest must get a reason, never crash the server.
func TestParseNonASCIIAuthor(t *testing.T) {
	m := `{"schema":"banx.manifest/1","title":"T","summary":"S","body":"B","category":"world","language":"en","created":"2025-04-14T09:30:00Z","author":"rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTé"}`
	_, err := manifest.Parse([]byte(m))
	if banx.ErrorCode(err) != banx.EINVALID || !strings.Contains(err.Error(), "author") {
		t.Fatalf("err = %v, want EINVALID about author", err)
	}
}
