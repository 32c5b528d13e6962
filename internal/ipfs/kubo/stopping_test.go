package kubo_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/banxmedia/banx/internal/banx"
)

// TestDaemonShuttingDown replays what Kubo 0.43 answers an add while it shuts
// down (seen in cmd/banx's TestFaultIPFS): each must be EUNAVAILABLE, a 503
// naming IPFS, never an internal error. A real daemon cannot be stopped at
// these exact moments on demand, so a stand-in answers as it did.
func TestDaemonShuttingDown(t *testing.T) {
	cases := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"ErrRepoNotOpen", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			w.Write([]byte(`{"Message":"cannot access config, repo not open","Code":0,"Type":"error"}`))
		}},
		{"ErrStreamDatastoreClosed", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Trailer", "X-Stream-Error")
			w.Header().Set("X-Stream-Output", "1")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			w.(http.Flusher).Flush()
			w.Header().Set("X-Stream-Error", "datastore closed")
		}},
		{"ErrTruncated", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Stream-Output", "1")
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "100")
			w.WriteHeader(http.StatusOK)
			w.Write([]byte(`{"Name":"","Hash":"bafk`))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.handler)
			defer srv.Close()
			s := open(t, srv.URL)
			_, err := s.Add(context.Background(), strings.NewReader("doc"))
			if banx.ErrorCode(err) != banx.EUNAVAILABLE || !strings.Contains(banx.ErrorMessage(err), "IPFS daemon") {
				t.Fatalf("err = %v, want EUNAVAILABLE naming the IPFS daemon", err)
			}
		})
	}
}
