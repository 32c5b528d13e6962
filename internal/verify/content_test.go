package verify_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/verify"
	"github.com/banxmedia/banx/internal/verify/verifytest"
)

func randomBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// TestComputeCID checks the local CID computation against Kubo adding the same
// bytes with the contract's flags, across the sizes where the DAG shape
// changes: empty, one raw leaf, exactly one chunk, two chunks, and a
// multi-chunk dag-pb file. Each is then fetched back through both
// interfaces, which walk the DAG block by block.
func TestComputeCID(t *testing.T) {
	s := verifytest.Start(t)
	ctx := context.Background()
	rpc, _ := verify.NewIPFSNode(s.Kubo.URL, verify.ModeRPC, 10*time.Second)
	gateway, _ := verify.NewIPFSNode(s.GatewayURL, verify.ModeGateway, 10*time.Second)
	for _, size := range []int{0, 1, 1024, 262144, 262145, 1 << 20, 3<<20 + 17} {
		t.Run("Bytes"+itoa(uint32(size)), func(t *testing.T) {
			data := randomBytes(uint64(size), size)
			want := s.AddContent(t, data)
			got, err := verify.ComputeCID(data)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Fatalf("ComputeCID = %s, Kubo = %s", got, want)
			}
			for _, node := range []*verify.IPFSNode{rpc, gateway} {
				back, err := node.Fetch(ctx, want, 4<<20)
				if err != nil {
					t.Fatalf("%s: %v", node.Describe(), err)
				}
				if !bytes.Equal(back, data) {
					t.Fatalf("%s: fetched %d bytes, not the %d added", node.Describe(), len(back), len(data))
				}
			}
			if size > 1024 {
				if _, err := rpc.Fetch(ctx, want, int64(size-1)); banx.ErrorCode(err) != banx.ETOOLARGE {
					t.Errorf("limit %d: error %v, want ETOOLARGE", size-1, err)
				}
			}
		})
	}
}

// TestHostileGateway serves wrong bytes for a CID, as a broken or malicious
// gateway would: block by block the lie is caught at once, and a gateway that
// only serves whole files is caught by the hash and CID checks.
func TestHostileGateway(t *testing.T) {
	ctx := context.Background()
	real := verifytest.Manifest(t, "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh", "Genuine", "")
	fake := verifytest.Manifest(t, "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh", "Forged", "")
	for name, c := range map[string]struct {
		handler http.HandlerFunc
		code    string
		msg     string
	}{
		"RawBlockLies": {func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/vnd.ipld.raw")
			w.Write(fake.Bytes)
		}, banx.EINVALID, "do not hash to it"},
		"NotFound":    {func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }, banx.ENOTFOUND, "does not have"},
		"ServerError": {func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 502) }, banx.EUNAVAILABLE, "HTTP 502"},
		"Endless": {func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/vnd.ipld.raw")
			w.Write(bytes.Repeat([]byte("x"), 3<<20))
		}, banx.ETOOLARGE, "larger than"},
		"Slow": {func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}, banx.EUNAVAILABLE, "timed out"},
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(c.handler)
			defer srv.Close()
			node, err := verify.NewIPFSNode(srv.URL, verify.ModeGateway, 300*time.Millisecond)
			if err != nil {
				t.Fatal(err)
			}
			_, err = node.Fetch(ctx, real.CID, 1<<20)
			if banx.ErrorCode(err) != c.code || !strings.Contains(banx.ErrorMessage(err), c.msg) {
				t.Errorf("error %v (%s), want %s containing %q", err, banx.ErrorCode(err), c.code, c.msg)
			}
		})
	}
	t.Run("WholeFileLies", func(t *testing.T) {
		// A gateway that ignores ?format=raw returns "the file": it is read
		// whole, and the verifier's SHA-256 check rejects it.
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.Write(fake.Bytes)
		}))
		defer srv.Close()
		node, _ := verify.NewIPFSNode(srv.URL, verify.ModeGateway, time.Second)
		got, err := node.Fetch(ctx, real.CID, 1<<20)
		if err != nil || !bytes.Equal(got, fake.Bytes) {
			t.Fatalf("got %d bytes, %v", len(got), err)
		}
	})
}

func TestIPFSNodeAddress(t *testing.T) {
	for _, ok := range []string{"http://127.0.0.1:5001", "http://127.0.0.1:5001/api/v0/", "https://ipfs.io/", "/ip4/127.0.0.1/tcp/5001", "/ip6/::1/tcp/8080"} {
		if _, err := verify.NewIPFSNode(ok, verify.ModeAuto, 0); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "ftp://x", "127.0.0.1:5001", "/ip4/127.0.0.1/udp/5001", "/ip4/127.0.0.1/tcp/port"} {
		if _, err := verify.NewIPFSNode(bad, verify.ModeAuto, 0); banx.ErrorCode(err) != banx.EINVALID {
			t.Errorf("%q: error %v, want EINVALID", bad, err)
		}
	}
	if _, err := verify.NewIPFSNode("http://x", "carrier-pigeon", 0); banx.ErrorCode(err) != banx.EINVALID {
		t.Errorf("mode: %v", err)
	}
}
