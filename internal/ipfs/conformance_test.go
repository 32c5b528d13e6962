package ipfs_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/ipfs"
	"github.com/banxmedia/banx/internal/ipfs/embedded"
	"github.com/banxmedia/banx/internal/ipfs/kubo"
	"github.com/banxmedia/banx/internal/ipfs/kubotest"
)

// store is the method set both adapters share; the HTTP layer declares its own
// copy of it. Asserting both types here keeps the two from drifting apart.
type store interface {
	Add(ctx context.Context, r io.Reader) (string, error)
	Cat(ctx context.Context, cid string) (io.ReadCloser, error)
	Has(ctx context.Context, cid string) (bool, error)
	Size(ctx context.Context, cid string) (int64, error)
	Pinned(ctx context.Context, cid string) (bool, error)
	Pin(ctx context.Context, cid string) error
	ExportCAR(ctx context.Context, cid string, w io.Writer) error
	ImportCAR(ctx context.Context, r io.Reader) ([]string, error)
	Kind() string
	Ping(ctx context.Context) error
	Close() error
}

var (
	_ store = (*kubo.Store)(nil)
	_ store = (*embedded.Store)(nil)
)

// daemon is the one Kubo daemon every test and benchmark in this package shares.
var daemon *kubotest.Daemon

func TestMain(m *testing.M) {
	d, err := kubotest.StartDaemon()
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		os.Exit(1)
	}
	daemon = d
	code := m.Run()
	if err := d.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "stop Kubo:", err)
	}
	os.Exit(code)
}

// openStores returns a Kubo store on the shared daemon and a fresh embedded store.
func openStores(tb testing.TB) (*kubo.Store, *embedded.Store) {
	tb.Helper()
	k, err := kubo.Open(kubo.Config{API: daemon.API})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { k.Close() })
	e, err := embedded.Open(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { e.Close() })
	return k, e
}

// randomBytes returns n deterministic pseudo-random bytes; seed tells inputs apart.
func randomBytes(seed uint64, n int) []byte {
	var key [32]byte
	key[0] = byte(seed)
	key[1] = byte(seed >> 8)
	b := make([]byte, n)
	rand.NewChaCha8(key).Read(b)
	return b
}

// sizes are the inputs whose CIDs must match: empty, one raw block, a dag-pb root
// over two leaves, and one over twelve.
var sizes = []struct {
	name string
	n    int
}{
	{"Empty", 0},
	{"1KiB", 1 << 10},
	{"300KiB", 300 << 10},
	{"3MiB", 3 << 20},
}

func readAll(tb testing.TB, s store, c string) []byte {
	tb.Helper()
	rc, err := s.Cat(context.Background(), c)
	if err != nil {
		tb.Fatalf("%s Cat %s: %v", s.Kind(), c, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		tb.Fatalf("%s Cat %s: read: %v", s.Kind(), c, err)
	}
	return b
}

func TestSameCID(t *testing.T) {
	k, e := openStores(t)
	ctx := context.Background()
	// 175 chunks need a second level of dag-pb nodes, which is where the
	// contract's 174 links per node shows up in the CID.
	deep := struct {
		name string
		n    int
	}{"175Chunks", 175 * 262144}
	for i, tt := range append(sizes[:len(sizes):len(sizes)], deep) {
		t.Run(tt.name, func(t *testing.T) {
			data := randomBytes(uint64(i), tt.n)
			kc, err := k.Add(ctx, bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			ec, err := e.Add(ctx, bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if kc != ec {
				t.Fatalf("CIDs differ: kubo %s, embedded %s", kc, ec)
			}
			for _, s := range []store{k, e} {
				if got := readAll(t, s, kc); !bytes.Equal(got, data) {
					t.Errorf("%s: Cat returned %d bytes that differ from the %d added", s.Kind(), len(got), len(data))
				}
				if pinned, err := s.Pinned(ctx, kc); err != nil || !pinned {
					t.Errorf("%s: Pinned = %t, %v; want true", s.Kind(), pinned, err)
				}
				if has, err := s.Has(ctx, kc); err != nil || !has {
					t.Errorf("%s: Has = %t, %v; want true", s.Kind(), has, err)
				}
				if size, err := s.Size(ctx, kc); err != nil || size != int64(tt.n) {
					t.Errorf("%s: Size = %d, %v; want %d", s.Kind(), size, err, tt.n)
				}
			}
		})
	}
}

// TestCARTransfer moves content through CAR files in both directions, and checks
// that both stores export the same DAG to the same bytes.
func TestCARTransfer(t *testing.T) {
	ctx := context.Background()
	for i, tt := range sizes {
		t.Run(tt.name, func(t *testing.T) {
			k, e := openStores(t)
			directions := []struct {
				from, to store
				seed     uint64 // distinct inputs, so the target never holds them already
			}{{k, e, uint64(100 + i)}, {e, k, uint64(200 + i)}}
			for _, dir := range directions {
				t.Run(dir.from.Kind()+"_to_"+dir.to.Kind(), func(t *testing.T) {
					data := randomBytes(dir.seed, tt.n)
					c, err := dir.from.Add(ctx, bytes.NewReader(data))
					if err != nil {
						t.Fatal(err)
					}
					var car bytes.Buffer
					if err := dir.from.ExportCAR(ctx, c, &car); err != nil {
						t.Fatal(err)
					}
					roots, err := dir.to.ImportCAR(ctx, bytes.NewReader(car.Bytes()))
					if err != nil {
						t.Fatal(err)
					}
					if len(roots) != 1 || roots[0] != c {
						t.Fatalf("ImportCAR roots = %v, want [%s]", roots, c)
					}
					if got := readAll(t, dir.to, c); !bytes.Equal(got, data) {
						t.Fatalf("read back %d bytes that differ from the %d added", len(got), len(data))
					}
					if pinned, err := dir.to.Pinned(ctx, c); err != nil || !pinned {
						t.Errorf("Pinned after import = %t, %v; want true", pinned, err)
					}
					var again bytes.Buffer
					if err := dir.to.ExportCAR(ctx, c, &again); err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(again.Bytes(), car.Bytes()) {
						t.Fatalf("%s exports %d bytes, %s exported %d different bytes", dir.to.Kind(), again.Len(), dir.from.Kind(), car.Len())
					}
				})
			}
		})
	}
}

// TestErrors checks that both stores give the same codes for the same mistakes.
func TestErrors(t *testing.T) {
	k, e := openStores(t)
	ctx := context.Background()
	const unknown = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy" // sha2-256 of "hello world\n"-ish, never added
	const malformed = "bafkreigh2akiscaildc!"
	tampered := tamperedCAR(t)
	for _, s := range []store{k, e} {
		t.Run(s.Kind(), func(t *testing.T) {
			tests := []struct {
				name string
				call func() error
				code string
			}{
				{"ErrCatUnknown", func() error { _, err := s.Cat(ctx, unknown); return err }, banx.ENOTFOUND},
				{"ErrSizeUnknown", func() error { _, err := s.Size(ctx, unknown); return err }, banx.ENOTFOUND},
				{"ErrExportUnknown", func() error { return s.ExportCAR(ctx, unknown, io.Discard) }, banx.ENOTFOUND},
				{"ErrPinUnknown", func() error { return s.Pin(ctx, unknown) }, banx.ENOTFOUND},
				{"ErrCatMalformed", func() error { _, err := s.Cat(ctx, malformed); return err }, banx.EINVALID},
				{"ErrHasMalformed", func() error { _, err := s.Has(ctx, malformed); return err }, banx.EINVALID},
				{"ErrPinnedMalformed", func() error { _, err := s.Pinned(ctx, malformed); return err }, banx.EINVALID},
				{"ErrCatSHA512", func() error {
					_, err := s.Cat(ctx, "bafkrgqe3ohjcjplc6n4f3fwunlj6upltggn7xqujbsvnvyw764srszz4u4rshq6ztos4chl4plgg4ffyyxnayrtdi5oc4xb2332g645433aeg")
					return err
				}, banx.EINVALID},
				{"ErrImportGarbage", func() error { _, err := s.ImportCAR(ctx, bytes.NewReader([]byte("not a car"))); return err }, banx.EINVALID},
				{"ErrImportTampered", func() error { _, err := s.ImportCAR(ctx, bytes.NewReader(tampered)); return err }, banx.EINVALID},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					if err := tt.call(); banx.ErrorCode(err) != tt.code {
						t.Fatalf("err = %v (code %q), want code %q", err, banx.ErrorCode(err), tt.code)
					}
				})
			}
			if has, err := s.Has(ctx, unknown); err != nil || has {
				t.Errorf("Has(unknown) = %t, %v; want false, nil", has, err)
			}
			if pinned, err := s.Pinned(ctx, unknown); err != nil || pinned {
				t.Errorf("Pinned(unknown) = %t, %v; want false, nil", pinned, err)
			}
			if err := s.Ping(ctx); err != nil {
				t.Errorf("Ping: %v", err)
			}
		})
	}
}

// TestImportIncomplete imports a CAR whose DAG lacks a leaf that neither store
// holds: both must refuse it as EINVALID at once rather than search the network.
func TestImportIncomplete(t *testing.T) {
	k, e := openStores(t)
	ctx := context.Background()
	scratch, err := embedded.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer scratch.Close()
	root, err := scratch.Add(ctx, bytes.NewReader(randomBytes(300, 600<<10)))
	if err != nil {
		t.Fatal(err)
	}
	var full, partial bytes.Buffer
	if err := scratch.ExportCAR(ctx, root, &full); err != nil {
		t.Fatal(err)
	}
	r, err := ipfs.NewCARReader(&full)
	if err != nil {
		t.Fatal(err)
	}
	ipfs.WriteCARHeader(&partial, r.Roots...)
	for i := 0; ; i++ {
		c, data, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if i != 2 { // drop the second leaf
			ipfs.WriteCARBlock(&partial, c, data)
		}
	}
	for _, s := range []store{k, e} {
		t.Run(s.Kind(), func(t *testing.T) {
			_, err := s.ImportCAR(ctx, bytes.NewReader(partial.Bytes()))
			if banx.ErrorCode(err) != banx.EINVALID || !strings.Contains(err.Error(), "DAG incomplete") {
				t.Fatalf("err = %v, want EINVALID DAG incomplete", err)
			}
			if pinned, err := s.Pinned(ctx, root); err != nil || pinned {
				t.Fatalf("Pinned after a refused import = %t, %v; want false", pinned, err)
			}
		})
	}
}

// tamperedCAR returns the CAR of a fresh 600 KiB file whose last block no longer
// matches its CID: the damage is found only after most of the file has been read.
func tamperedCAR(t *testing.T) []byte {
	t.Helper()
	scratch, err := embedded.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer scratch.Close()
	c, err := scratch.Add(context.Background(), bytes.NewReader(randomBytes(400, 600<<10)))
	if err != nil {
		t.Fatal(err)
	}
	var car bytes.Buffer
	if err := scratch.ExportCAR(context.Background(), c, &car); err != nil {
		t.Fatal(err)
	}
	b := car.Bytes()
	b[len(b)-1] ^= 0xff
	return b
}
