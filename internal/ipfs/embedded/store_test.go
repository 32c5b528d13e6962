package embedded_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/ipfs"
	"github.com/banxmedia/banx/internal/ipfs/embedded"
	"github.com/ipfs/go-cid"
	_ "github.com/mattn/go-sqlite3"
)

func randomBytes(seed byte, n int) []byte {
	b := make([]byte, n)
	rand.NewChaCha8([32]byte{seed}).Read(b)
	return b
}

func open(t *testing.T, dir string) *embedded.Store {
	t.Helper()
	s, err := embedded.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func add(t *testing.T, s *embedded.Store, data []byte) string {
	t.Helper()
	c, err := s.Add(context.Background(), bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func cat(s *embedded.Store, c string) ([]byte, error) {
	rc, err := s.Cat(context.Background(), c)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// blocksOf lists the blocks of c's DAG, root first, through a CAR export.
func blocksOf(t *testing.T, s *embedded.Store, c string) ([]cid.Cid, map[cid.Cid][]byte) {
	t.Helper()
	var car bytes.Buffer
	if err := s.ExportCAR(context.Background(), c, &car); err != nil {
		t.Fatal(err)
	}
	r, err := ipfs.NewCARReader(&car)
	if err != nil {
		t.Fatal(err)
	}
	var order []cid.Cid
	data := map[cid.Cid][]byte{}
	for {
		id, b, err := r.Next()
		if err == io.EOF {
			return order, data
		}
		if err != nil {
			t.Fatal(err)
		}
		order = append(order, id)
		data[id] = b
	}
}

// TestPersistence closes and reopens the store, including a file large enough to
// go through the add spool, and reads everything back.
func TestPersistence(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	inputs := map[string][]byte{}
	for i, n := range []int{0, 1 << 10, 300 << 10, 6 << 20} {
		data := randomBytes(byte(i), n)
		inputs[add(t, s, data)] = data
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Add(context.Background(), strings.NewReader("late")); banx.ErrorCode(err) != banx.EUNAVAILABLE {
		t.Fatalf("Add after Close: err = %v, want EUNAVAILABLE", err)
	}
	if matches, _ := filepath.Glob(filepath.Join(dir, "*.spool")); len(matches) != 0 {
		t.Fatalf("spool files left behind: %v", matches)
	}

	s = open(t, dir)
	for c, data := range inputs {
		got, err := cat(s, c)
		if err != nil {
			t.Fatalf("Cat %s after reopen: %v", c, err)
		}
		if !bytes.Equal(got, data) {
			t.Fatalf("Cat %s after reopen: %d bytes differ from the %d added", c, len(got), len(data))
		}
		if pinned, err := s.Pinned(context.Background(), c); err != nil || !pinned {
			t.Fatalf("Pinned %s after reopen = %t, %v", c, pinned, err)
		}
	}
}

// corrupt flips one byte of block c directly in the SQLite file.
func corrupt(t *testing.T, path string, c cid.Cid) {
	t.Helper()
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	res, err := db.Exec("UPDATE blocks SET data = CAST(data || x'00' AS BLOB) WHERE mh = ?", []byte(c.Hash()))
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("corrupt %s: %d rows changed", c, n)
	}
}

func isCorrupt(err error) bool {
	return banx.ErrorCode(err) == banx.EINTERNAL && errors.Is(err, ipfs.ErrCorruptBlock)
}

// TestCorruptBlock damages blocks on disk and checks that every read path reports
// them and none serves their bytes.
func TestCorruptBlock(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	ctx := context.Background()
	small := randomBytes(1, 1<<10)
	large := randomBytes(2, 600<<10) // a dag-pb root over three raw leaves
	smallCID, largeCID := add(t, s, small), add(t, s, large)
	largeBlocks, _ := blocksOf(t, s, largeCID)
	if len(largeBlocks) != 4 {
		t.Fatalf("600 KiB file has %d blocks, want 4", len(largeBlocks))
	}
	s.Close()
	corrupt(t, filepath.Join(dir, embedded.FileName), cid.MustParse(smallCID))
	corrupt(t, filepath.Join(dir, embedded.FileName), largeBlocks[2]) // the second leaf
	s = open(t, dir)

	t.Run("ErrCatRoot", func(t *testing.T) {
		got, err := cat(s, smallCID)
		if !isCorrupt(err) || got != nil {
			t.Fatalf("Cat = %d bytes, %v; want nothing and a corrupt block error", len(got), err)
		}
		if !strings.Contains(err.Error(), "corrupt block "+smallCID) {
			t.Fatalf("error %q does not name the block", err)
		}
	})
	t.Run("ErrCatLeaf", func(t *testing.T) {
		got, err := cat(s, largeCID)
		if !isCorrupt(err) {
			t.Fatalf("Cat err = %v, want a corrupt block error", err)
		}
		if len(got) > 256<<10 || !bytes.Equal(got, large[:len(got)]) {
			t.Fatalf("Cat served %d bytes; want at most the intact first leaf", len(got))
		}
	})
	t.Run("ErrSize", func(t *testing.T) {
		if _, err := s.Size(ctx, smallCID); !isCorrupt(err) {
			t.Fatalf("Size err = %v, want a corrupt block error", err)
		}
	})
	t.Run("ErrExport", func(t *testing.T) {
		var car bytes.Buffer
		if err := s.ExportCAR(ctx, largeCID, &car); !isCorrupt(err) {
			t.Fatalf("ExportCAR err = %v, want a corrupt block error", err)
		}
		if bytes.Contains(car.Bytes(), large[256<<10:256<<10+64]) {
			t.Fatal("ExportCAR wrote bytes of the corrupt leaf")
		}
	})
	t.Run("OKIntactBlocks", func(t *testing.T) {
		if size, err := s.Size(ctx, largeCID); err != nil || size != int64(len(large)) {
			t.Fatalf("Size of the intact root = %d, %v", size, err)
		}
	})
}

func TestImportCAR(t *testing.T) {
	ctx := context.Background()
	src := open(t, t.TempDir())
	data := randomBytes(3, 600<<10)
	root := add(t, src, data)
	var car bytes.Buffer
	if err := src.ExportCAR(ctx, root, &car); err != nil {
		t.Fatal(err)
	}
	blocks, blockData := blocksOf(t, src, root)

	t.Run("OK", func(t *testing.T) {
		dst := open(t, t.TempDir())
		roots, err := dst.ImportCAR(ctx, bytes.NewReader(car.Bytes()))
		if err != nil || len(roots) != 1 || roots[0] != root {
			t.Fatalf("ImportCAR = %v, %v; want [%s]", roots, err, root)
		}
		if got, err := cat(dst, root); err != nil || !bytes.Equal(got, data) {
			t.Fatalf("Cat after import: %d bytes, %v", len(got), err)
		}
	})
	t.Run("OKCARv2", func(t *testing.T) {
		dst := open(t, t.TempDir())
		roots, err := dst.ImportCAR(ctx, bytes.NewReader(carV2(car.Bytes())))
		if err != nil || len(roots) != 1 || roots[0] != root {
			t.Fatalf("ImportCAR = %v, %v; want [%s]", roots, err, root)
		}
	})
	t.Run("ErrIncomplete", func(t *testing.T) {
		dst := open(t, t.TempDir())
		var partial bytes.Buffer
		ipfs.WriteCARHeader(&partial, cid.MustParse(root))
		for i, b := range blocks {
			if i == 2 {
				continue // leave a leaf out
			}
			ipfs.WriteCARBlock(&partial, b, blockData[b])
		}
		_, err := dst.ImportCAR(ctx, &partial)
		if banx.ErrorCode(err) != banx.EINVALID || !strings.Contains(err.Error(), "DAG incomplete") {
			t.Fatalf("err = %v, want EINVALID DAG incomplete", err)
		}
		if has, _ := dst.Has(ctx, root); has {
			t.Fatal("a failed import left its blocks behind")
		}
	})
	t.Run("ErrTampered", func(t *testing.T) {
		dst := open(t, t.TempDir())
		bad := bytes.Clone(car.Bytes())
		bad[len(bad)-1] ^= 0xff
		_, err := dst.ImportCAR(ctx, bytes.NewReader(bad))
		if banx.ErrorCode(err) != banx.EINVALID || !strings.Contains(err.Error(), "does not match its CID") {
			t.Fatalf("err = %v, want EINVALID does not match its CID", err)
		}
	})
}

// carV2 wraps a CARv1 payload in a CARv2 envelope without an index.
func carV2(v1 []byte) []byte {
	out := []byte{0x0a, 0xa1, 0x67, 'v', 'e', 'r', 's', 'i', 'o', 'n', 0x02}
	var hdr [40]byte
	le := func(b []byte, v uint64) {
		for i := range 8 {
			b[i] = byte(v >> (8 * i))
		}
	}
	le(hdr[16:], uint64(len(out)+40+5)) // five bytes of padding before the payload
	le(hdr[24:], uint64(len(v1)))
	out = append(out, hdr[:]...)
	out = append(out, 0, 0, 0, 0, 0)
	return append(out, v1...)
}

func TestPin(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir())
	root := add(t, s, randomBytes(4, 300<<10))
	order, _ := blocksOf(t, s, root)
	leaf := order[1].String()
	if pinned, err := s.Pinned(ctx, leaf); err != nil || pinned {
		t.Fatalf("Pinned(leaf) = %t, %v; want false: only roots are pinned", pinned, err)
	}
	if err := s.Pin(ctx, leaf); err != nil {
		t.Fatal(err)
	}
	if pinned, err := s.Pinned(ctx, leaf); err != nil || !pinned {
		t.Fatalf("Pinned(leaf) after Pin = %t, %v", pinned, err)
	}
}

func TestAddReaderError(t *testing.T) {
	s := open(t, t.TempDir())
	tooLarge := banx.Errorf(banx.ETOOLARGE, "body is over 1 byte")
	_, err := s.Add(context.Background(), io.MultiReader(strings.NewReader("ab"), errReader{tooLarge}))
	if banx.ErrorCode(err) != banx.ETOOLARGE {
		t.Fatalf("err = %v, want the reader's ETOOLARGE", err)
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

func TestOpen(t *testing.T) {
	t.Run("ErrEmpty", func(t *testing.T) {
		if _, err := embedded.Open(""); banx.ErrorCode(err) != banx.EINVALID {
			t.Fatalf("err = %v, want EINVALID", err)
		}
	})
	t.Run("ErrNotADirectory", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "file")
		os.WriteFile(file, nil, 0o600)
		if _, err := embedded.Open(file); banx.ErrorCode(err) != banx.EUNAVAILABLE {
			t.Fatalf("err = %v, want EUNAVAILABLE", err)
		}
	})
	t.Run("ErrNewerSchema", func(t *testing.T) {
		dir := t.TempDir()
		open(t, dir).Close()
		db, _ := sql.Open("sqlite3", filepath.Join(dir, embedded.FileName))
		db.Exec("PRAGMA user_version = 99")
		db.Close()
		_, err := embedded.Open(dir)
		if err == nil || !strings.Contains(err.Error(), "schema version 99") {
			t.Fatalf("err = %v, want a schema version error", err)
		}
	})
}
