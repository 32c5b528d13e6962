package main

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeWildcardAddr starts serve on every interface (F35): without a
// domain it is refused before anything starts, since sign-in challenges would
// name "[::]:PORT", which no author connects to; with one it starts and the
// banner names the domain.
func TestServeWildcardAddr(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "[::]:0", ":0"} {
		t.Run("ErrNoDomain/"+addr, func(t *testing.T) {
			data := filepath.Join(t.TempDir(), "data")
			out, err := serveOnce(t, data, "--addr", addr)
			if err == nil || !strings.Contains(err.Error(), "--domain is required when --addr listens on all interfaces (0.0.0.0 or [::])") {
				t.Fatalf("serve --addr %s = %v", addr, err)
			}
			if out != "" {
				t.Fatalf("serve printed %q before refusing", out)
			}
			if _, err := os.Stat(data); !os.IsNotExist(err) {
				t.Fatalf("data directory created before refusing: %v", err)
			}
		})
	}
	t.Run("OKDomain", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		_, port, _ := net.SplitHostPort(ln.Addr().String())
		ln.Close()
		s := startServe(t, nil, "--addr", "0.0.0.0:"+port, "--domain", "127.0.0.1:"+port)
		if s.url != "http://127.0.0.1:"+port {
			t.Fatalf("banner URL %q, want http://127.0.0.1:%s\n%s", s.url, port, s.out)
		}
	})
	t.Run("OKLoopbackNoDomain", func(t *testing.T) {
		if ok, err := listensOnAll("127.0.0.1:8080"); ok || err != nil {
			t.Fatalf("listensOnAll(127.0.0.1:8080) = %v, %v", ok, err)
		}
	})
}
