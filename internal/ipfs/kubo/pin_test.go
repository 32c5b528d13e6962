package kubo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/banx"
)

// TestPinned asks the real daemon whether CIDs are pinned. An unknown CID is
// what publishing checks before it accepts a manifest naming an image: it must
// be answered false from the node's own pin set (pin ls --offline), never
// looked for on the network. The deadline only turns such a hang into a
// failure; it is not a timing assertion.
func TestPinned(t *testing.T) {
	s := open(t, daemon.API)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	added, err := s.Add(ctx, strings.NewReader("a pinned cover"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, cid string
		pinned    bool
		code      string
	}{
		{"OKAdded", added, true, ""},
		{"OKUnknownRaw", "bafkreigd6po2i2k7glulpk6g4ub2ogrhsmycljrdrtmo2eco2qyz32df2u", false, ""},
		{"OKUnknownDagPB", "bafybeibo7ymcgripez2tdgohhvnxdn4zexcxkrlzm5t3bauzlfiqfjroaa", false, ""},
		{"ErrMalformed", "bafknotacid", false, banx.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pinned, err := s.Pinned(ctx, tt.cid)
			if banx.ErrorCode(err) != tt.code {
				t.Fatalf("Pinned(%s): err = %v, want code %q", tt.cid, err, tt.code)
			}
			if pinned != tt.pinned {
				t.Fatalf("Pinned(%s) = %v, want %v", tt.cid, pinned, tt.pinned)
			}
		})
	}
}
