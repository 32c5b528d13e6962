//go:build linux

package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/ipfs/kubotest"
)

// The fault tests take one dependency away from a running `banx serve` and
// bring it back. Expected every time: clear 503s whose JSON error names what
// is down, drafts kept, background work (anchors) completed after recovery,
// a server that never exits, and a /healthz that tells the truth throughout.

// TestFaultLedger cuts the ledger off behind a TCP proxy right after a draft
// was queued for a batch, then slows it down.
func TestFaultLedger(t *testing.T) {
	t.Parallel() // mostly waiting on timeouts and other processes
	ctx := context.Background()
	var proxy *faultProxy
	s := startFaultStack(t, "", func(url string) string {
		proxy = startFaultProxy(t, strings.TrimPrefix(url, "http://"))
		return "http://" + proxy.addr
	}, map[string]string{"BANX_BATCH_INTERVAL": "1s"})
	queued := s.draft(t, "Queued before the ledger went away")
	if r, err := faultQueueBatch(ctx, s.node.url, s.token, s.w, queued); err != nil || r.status != http.StatusAccepted {
		t.Fatalf("queue: %v %s", err, r)
	}
	proxy.cut()
	var kept draftAnswer
	t.Run("Unreachable", func(t *testing.T) {
		h := waitHealth(t, s.node.url, false, 10*time.Second)
		if h.Ledger.Status != "unavailable" || !mentions(h.Ledger.Error, "ledger") || h.Store.Status != "ok" || h.Database.Status != "ok" {
			t.Errorf("/healthz does not single out the ledger: %s", h.raw)
		}
		// Drafts need no ledger.
		kept = s.draft(t, "Written while the ledger is away")
		r, err := faultCall(ctx, s.node.url, "POST", fmt.Sprintf("/api/v1/drafts/%d/anchor", kept.ID), s.token, map[string]string{"mode": "self"}, nil)
		expectUnavailable(t, "prepare a self anchor", r, err, "ledger")
		r, err = faultQueueBatch(ctx, s.node.url, s.token, s.w, kept)
		expectUnavailable(t, "queue for a batch", r, err, "ledger")
		// The batcher has tried and failed at least once; the queued version
		// waits, it does not fail.
		s.waitLog(t, `"msg":"batch anchor"`, 10*time.Second)
		if st := s.status(t, queued.ID); st == "failed" {
			t.Errorf("the queued version failed while the ledger was away")
		} else if st == "published" {
			t.Log("the batch was anchored before the cut: the retry path was not exercised")
		}
		s.alive(t)
	})
	proxy.restore()
	t.Run("Recovered", func(t *testing.T) {
		waitHealth(t, s.node.url, true, 20*time.Second)
		s.waitPublished(t, queued.ID)
		s.publishSelf(t, kept)
	})
	t.Run("Slow", func(t *testing.T) {
		proxy.slow(4 * time.Second)
		h := waitHealth(t, s.node.url, false, 15*time.Second)
		if h.Ledger.Status != "unavailable" || h.Store.Status != "ok" || h.Database.Status != "ok" {
			t.Errorf("/healthz with a ledger slower than its deadline: %s", h.raw)
		}
		s.draft(t, "Written while the ledger is slow")
		proxy.restore()
		waitHealth(t, s.node.url, true, 20*time.Second)
		s.alive(t)
	})
	n := checkAnchoredOnce(t, ctx, s.ledger.url, s.node.dataDir)
	t.Logf("ledger cut, slowed and restored: %d anchor transactions on the ledger, none twice", n)
}

// TestFaultIPFS stops the Kubo daemon in the middle of a stream of drafts
// and starts it again on the same repository.
func TestFaultIPFS(t *testing.T) {
	t.Parallel() // mostly waiting on timeouts and other processes
	ctx := context.Background()
	kubo := kubotest.Start(t)
	s := startFaultStack(t, "", nil, map[string]string{"BANX_IPFS_API": kubo.API})
	var (
		mu      sync.Mutex
		acked   []draftAnswer
		refused int
		bad     []string
	)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			d, r, err := faultDraft(ctx, s.node.url, s.token, faultManifest(t, s.w.ClassicAddress.String(), fmt.Sprintf("Stream draft %d", i)))
			mu.Lock()
			switch {
			case err == nil && r.status == http.StatusCreated:
				acked = append(acked, d)
			case err == nil && r.status == http.StatusServiceUnavailable && r.errorCode() == "unavailable" && mentions(r.errorMessage(), "IPFS"):
				refused++
			default:
				bad = append(bad, fmt.Sprintf("%v %s\nbanx log: %s", err, r, s.logOf(r)))
			}
			mu.Unlock()
		}
	}()
	count := func() (int, int) {
		mu.Lock()
		defer mu.Unlock()
		return len(acked), refused
	}
	waitUntil := func(what string, cond func() bool) {
		deadline := time.Now().Add(30 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				close(stop)
				<-done
				t.Fatalf("no %s in 30 s (other answers: %v)", what, bad)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitUntil("3 acknowledged drafts", func() bool { n, _ := count(); return n >= 3 })
	if err := kubo.Halt(); err != nil {
		t.Fatal(err)
	}
	waitUntil("3 drafts refused naming IPFS", func() bool { _, r := count(); return r >= 3 })
	close(stop)
	<-done
	for _, b := range bad {
		t.Errorf("draft while Kubo stops: %s (want 201 or a 503 naming IPFS)", b)
	}
	t.Run("Down", func(t *testing.T) {
		h := waitHealth(t, s.node.url, false, 10*time.Second)
		if h.Store.Status != "unavailable" || h.Store.Kind != "kubo" || !mentions(h.Store.Error, "IPFS") || h.Ledger.Status != "ok" || h.Database.Status != "ok" {
			t.Errorf("/healthz does not single out IPFS: %s", h.raw)
		}
		r, err := faultCall(ctx, s.node.url, "GET", "/ipfs/"+acked[0].CID, "", nil, nil)
		expectUnavailable(t, "read stored content", r, err, "IPFS")
		// A stored draft is anchored without IPFS.
		if r, err := faultQueueBatch(ctx, s.node.url, s.token, s.w, acked[0]); err != nil || r.status != http.StatusAccepted {
			t.Fatalf("queue while IPFS is down: %v %s", err, r)
		}
		s.waitPublished(t, acked[0].ID)
		s.alive(t)
	})
	if err := kubo.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	t.Run("Recovered", func(t *testing.T) {
		waitHealth(t, s.node.url, true, 20*time.Second)
		s.draft(t, "Written after Kubo came back")
		for _, d := range acked {
			r, err := faultCall(ctx, s.node.url, "GET", "/ipfs/"+d.CID, "", nil, nil)
			sum := sha256.Sum256(r.body)
			if err != nil || r.status != http.StatusOK || hex.EncodeToString(sum[:]) != d.SHA256 {
				t.Errorf("draft %d's manifest %s after Kubo restarted: %v %d", d.ID, d.CID, err, r.status)
			}
			if st := s.status(t, d.ID); st == "failed" {
				t.Errorf("draft %d is %s", d.ID, st)
			}
		}
	})
	n, r := count()
	t.Logf("Kubo halted mid-stream: %d drafts acknowledged (all kept and readable after restart), %d refused with 503 naming IPFS, %d other answers", n, r, len(bad))
}

// TestFaultDatabaseBusy holds SQLite's write lock from another connection for
// longer than banx's busy timeout, while an anchor is in flight.
func TestFaultDatabaseBusy(t *testing.T) {
	t.Parallel() // mostly waiting on timeouts and other processes
	ctx := context.Background()
	s := startFaultStack(t, "", nil, nil)
	read := s.draft(t, "Read while the database is locked")
	s.publishSelf(t, read)
	stored := s.draft(t, "Stored before the database locked")
	inflight := s.draft(t, "Anchoring when the database locked")
	if r, err := faultAnchorSelf(ctx, s.node.url, s.token, s.w, inflight); err != nil || r.status != http.StatusAccepted {
		t.Fatalf("self anchor: %v %s", err, r)
	}

	lock, err := sql.Open("sqlite3", "file:"+filepath.Join(s.node.dataDir, "banx.db")+"?_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	conn, err := lock.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	locked, lockedAt := true, time.Now()
	release := func() {
		if locked {
			conn.ExecContext(ctx, "ROLLBACK")
			locked = false
		}
	}
	defer release()
	t.Run("Locked", func(t *testing.T) {
		h := waitHealth(t, s.node.url, false, 10*time.Second)
		if h.Database.Status != "unavailable" || !mentions(h.Database.Error, "busy") || h.Store.Status != "ok" || h.Ledger.Status != "ok" {
			t.Errorf("/healthz does not single out the database: %s", h.raw)
		}
		// Reads go on beside the lock (WAL).
		if r, err := faultCall(ctx, s.node.url, "GET", fmt.Sprintf("/api/v1/articles/%d", read.ArticleID), "", nil, nil); err != nil || r.status != http.StatusOK {
			t.Errorf("read while locked: %v %s", err, r)
		}
		var wg sync.WaitGroup
		wg.Go(func() {
			_, r, err := faultDraft(ctx, s.node.url, s.token, faultManifest(t, s.w.ClassicAddress.String(), "Refused while locked"))
			expectUnavailable(t, "draft", r, err, "database")
		})
		wg.Go(func() {
			_, _, r, err := faultBeacon(ctx, s.node.url, read.ArticleID)
			expectUnavailable(t, "view beacon", r, err, "database")
		})
		// The in-flight anchor is validated meanwhile; recording it fails
		// and is retried, rather than given up until the next restart.
		s.waitLog(t, "record anchor outcome; retrying", 30*time.Second)
		wg.Wait()
		if st := s.status(t, inflight.ID); st != "anchoring" {
			t.Errorf("in-flight version is %q while its outcome cannot be recorded", st)
		}
		s.alive(t)
		t.Logf("lock held %s: banx's writes wait their turn on its one write connection, then SQLite's busy timeout, each", time.Since(lockedAt).Round(100*time.Millisecond))
	})
	release()
	t.Run("Recovered", func(t *testing.T) {
		waitHealth(t, s.node.url, true, 10*time.Second)
		s.waitPublished(t, inflight.ID)
		if r, err := faultQueueBatch(ctx, s.node.url, s.token, s.w, stored); err != nil || r.status != http.StatusAccepted {
			t.Fatalf("queue: %v %s", err, r)
		}
		s.waitPublished(t, stored.ID)
		if _, _, r, err := faultBeacon(ctx, s.node.url, read.ArticleID); err != nil || r.status != http.StatusCreated {
			t.Errorf("beacon after the lock: %v %s", err, r)
		}
		s.draft(t, "Written after the lock")
	})
	checkAnchoredOnce(t, ctx, s.ledger.url, s.node.dataDir)
}

// TestFaultDiskFull fills a small tmpfs holding banx's data directory, then
// frees it. It needs root (mount): CI runs make test as root.
func TestFaultDiskFull(t *testing.T) {
	t.Parallel() // mostly waiting on timeouts and other processes
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=48m,mode=0700"); err != nil {
		t.Fatalf("mount a 48 MiB tmpfs on %s for the data directory: %v (this test needs root or CAP_SYS_ADMIN, as make test has in CI)", dir, err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	s := startFaultStack(t, dir, nil, nil)
	read := s.draft(t, "Read while the disk is full")
	s.publishSelf(t, read)
	stored := s.draft(t, "Stored before the disk filled")

	filler := filepath.Join(dir, "filler")
	fill(t, filler)
	var acked []draftAnswer
	t.Run("Full", func(t *testing.T) {
		h := waitHealth(t, s.node.url, false, 10*time.Second)
		if h.Disk == nil || h.Disk.Status != "unavailable" || !mentions(h.Disk.Error, "disk full") || h.Ledger.Status != "ok" {
			t.Errorf("/healthz does not report the full disk: %s", h.raw)
		}
		// Writes fail with "disk full" once SQLite cannot reuse the space
		// its WAL files already hold; until then they may succeed.
		refused := 0
		for i := 0; i < 40 && refused < 3; i++ {
			d, r, err := faultDraft(ctx, s.node.url, s.token, faultManifest(t, s.w.ClassicAddress.String(), fmt.Sprintf("Draft %d on a full disk", i)))
			if err == nil && r.status == http.StatusCreated {
				acked = append(acked, d)
				continue
			}
			expectUnavailable(t, "draft on a full disk", r, err, "disk full", "disk is full")
			if strings.Contains(r.errorMessage(), dir) {
				t.Errorf("the answer shows the server's file paths: %s", r)
			}
			refused++
		}
		beacons := 0
		for i := 0; i < 200 && beacons < 3; i++ {
			_, _, r, err := faultBeacon(ctx, s.node.url, read.ArticleID)
			if err == nil && r.status == http.StatusCreated {
				continue
			}
			expectUnavailable(t, "view beacon on a full disk", r, err, "disk full", "disk is full")
			beacons++
		}
		if refused == 0 || beacons == 0 {
			t.Errorf("on a full disk, %d drafts and %d beacons were refused: SQLite never ran out of space?", refused, beacons)
		}
		s.alive(t)
	})
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	t.Run("Recovered", func(t *testing.T) {
		waitHealth(t, s.node.url, true, 10*time.Second)
		if _, _, r, err := faultBeacon(ctx, s.node.url, read.ArticleID); err != nil || r.status != http.StatusCreated {
			t.Errorf("beacon after the disk was freed: %v %s", err, r)
		}
		acked = append(acked, s.draft(t, "Written after the disk was freed"))
		for _, d := range acked {
			r, err := faultCall(ctx, s.node.url, "GET", "/ipfs/"+d.CID, "", nil, nil)
			if err != nil || r.status != http.StatusOK {
				t.Errorf("draft %d's manifest: %v %s", d.ID, err, r)
			}
		}
		if r, err := faultQueueBatch(ctx, s.node.url, s.token, s.w, stored); err != nil || r.status != http.StatusAccepted {
			t.Fatalf("queue: %v %s", err, r)
		}
		s.waitPublished(t, stored.ID)
		var check string
		if err := faultOpenDB(t, dir).QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
			t.Errorf("integrity_check after the disk was full: %q %v", check, err)
		}
		if out, err := exec.Command(faultBinary(t), "views", "audit", "--data", dir).CombinedOutput(); err != nil {
			t.Errorf("views audit after the disk was full: %v\n%s", err, out)
		}
	})
	s.node.p.stop(t)
}

// fill writes path until the file system has no byte left.
func fill(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, size := range []int{1 << 20, 4 << 10, 1} {
		chunk := make([]byte, size)
		for {
			if _, err := f.Write(chunk); err != nil {
				if !errors.Is(err, syscall.ENOSPC) {
					t.Fatal(err)
				}
				break
			}
		}
	}
}
