//go:build linux

package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Peersyst/xrpl-go/xrpl/wallet"
)

// EnvCrashTrials sets how many times TestCrashPublish kills `banx serve`
// (default defaultCrashTrials). The long version: BANX_CRASH_TRIALS=50 make test,
// or go test -tags sqlite_fts5 ./cmd/banx -run TestCrashPublish with it set.
const EnvCrashTrials = "BANX_CRASH_TRIALS"

const defaultCrashTrials = 4

// crashAcks is what the server acknowledged with a 2xx: after any number of
// crashes, all of it must still be there.
type crashAcks struct {
	mu        sync.Mutex
	drafts    map[int64]crashDraft // version id -> draft
	anchoring map[int64]string     // version id -> "self" or "batch": accepted for anchoring
	beacons   map[int64]string     // view record id -> hash
	errs      []string             // answers no running server should give
}

type crashDraft struct {
	author int
	sha256 string
}

func (a *crashAcks) draft(author int, d draftAnswer) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.drafts[d.ID] = crashDraft{author, d.SHA256}
}

func (a *crashAcks) anchor(id int64, mode string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.anchoring[id] = mode
}

func (a *crashAcks) beacon(id int64, hash string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.beacons[id] = hash
}

// unexpected records an answer that is neither a success nor the server
// going away.
func (a *crashAcks) unexpected(what string, r faultReply, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if err != nil {
		a.errs = append(a.errs, fmt.Sprintf("%s: %v", what, err))
		return
	}
	a.errs = append(a.errs, fmt.Sprintf("%s: %s", what, r))
}

// crashAuthor is an author with a funded account and a session on the
// current server run.
type crashAuthor struct {
	n     int
	w     *wallet.Wallet
	token string
}

// TestCrashPublish kills `banx serve` with SIGKILL at random moments while
// authors publish in both anchoring modes and readers send view beacons, and
// starts it again on the same data directory each time. The ledger is a
// separate `banx ledger serve` process that lives through the crashes. After
// the last restart it checks that everything acknowledged is there, that
// every version accepted for anchoring got published, and, from the ledger
// itself, that no version was anchored twice.
func TestCrashPublish(t *testing.T) {
	t.Parallel() // kill times are random anyway; the checks do not depend on them
	runCrashTrials(t, crashOptions{trials: crashTrials(t, defaultCrashTrials), closeEvery: time.Second})
}

// crashOptions shape a series of crash trials.
type crashOptions struct {
	trials     int
	closeEvery time.Duration // the ledger's close interval
}

// crashTrials is the number of trials: def, or $BANX_CRASH_TRIALS.
func crashTrials(t *testing.T, def int) int {
	v := os.Getenv(EnvCrashTrials)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a positive number of trials", EnvCrashTrials, v)
	}
	return n
}

func runCrashTrials(t *testing.T, o crashOptions) {
	trials := o.trials
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("BANX_CRASH_SEED"); v != "" {
		seed, _ = strconv.ParseUint(v, 10, 64)
	}
	t.Logf("%d trials, random seed %d (set BANX_CRASH_SEED to replay the kill times)", trials, seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	ctx := context.Background()
	begun := time.Now()

	ledger := startFaultLedgerEvery(t, o.closeEvery)
	platform := faultFund(t, ledger.url)
	node := newFaultNode(t, "", ledger.url, map[string]string{"BANX_ANCHOR_SEED": platform.Seed, "BANX_BATCH_INTERVAL": "300ms"})
	node.start()
	const selfAuthors, batchAuthors = 2, 3
	authors := make([]*crashAuthor, selfAuthors+batchAuthors)
	for i := range authors {
		authors[i] = &crashAuthor{n: i, w: faultFund(t, ledger.url)}
	}
	signInAll := func() {
		for _, a := range authors {
			tok, err := faultSignIn(ctx, node.url, a.w)
			if err != nil {
				t.Fatalf("sign in %s: %v", a.w.ClassicAddress, err)
			}
			a.token = tok
		}
	}
	signInAll()

	// One published article for the readers' beacons.
	d, r, err := faultDraft(ctx, node.url, authors[0].token, faultManifest(t, authors[0].w.ClassicAddress.String(), "Read while Banx crashes"))
	if err != nil || r.status != http.StatusCreated {
		t.Fatalf("draft: %v %s", err, r)
	}
	if r, err := faultAnchorSelf(ctx, node.url, authors[0].token, authors[0].w, d); err != nil || r.status != http.StatusAccepted {
		t.Fatalf("anchor: %v %s", err, r)
	}
	if st, err := faultWaitStatus(ctx, node.url, authors[0].token, d.ID, 30*time.Second); err != nil || st != "published" {
		t.Fatalf("reader article: %q %v", st, err)
	}
	readArticle := d.ArticleID
	t.Logf("set up in %s", time.Since(begun).Round(time.Millisecond))

	ack := &crashAcks{drafts: map[int64]crashDraft{}, anchoring: map[int64]string{}, beacons: map[int64]string{}}
	titles := 0
	var titleMu sync.Mutex
	nextTitle := func() string {
		titleMu.Lock()
		defer titleMu.Unlock()
		titles++
		return fmt.Sprintf("Crash trial article %d of run %d", titles, seed)
	}
	// author runs one author's publishing until the server goes away.
	author := func(ctx context.Context, a *crashAuthor, mode string) {
		for ctx.Err() == nil {
			d, r, err := faultDraft(ctx, node.url, a.token, faultManifest(t, a.w.ClassicAddress.String(), nextTitle()))
			if err != nil || r.status != http.StatusCreated {
				if err == nil || !faultDown(err) {
					ack.unexpected("draft", r, err)
				}
				return
			}
			ack.draft(a.n, d)
			if mode == "self" {
				r, err = faultAnchorSelf(ctx, node.url, a.token, a.w, d)
			} else {
				r, err = faultQueueBatch(ctx, node.url, a.token, a.w, d)
			}
			if err != nil || r.status != http.StatusAccepted {
				if err == nil || !faultDown(err) {
					ack.unexpected(mode+" anchor", r, err)
				}
				return
			}
			ack.anchor(d.ID, mode)
			if mode == "self" {
				// One self anchor at a time per account: the next would be
				// prepared with the same Sequence.
				if st, err := faultWaitStatus(ctx, node.url, a.token, d.ID, 30*time.Second); err != nil {
					return
				} else if st != "published" {
					ack.unexpected(fmt.Sprintf("self anchor of version %d ended %q", d.ID, st), faultReply{}, nil)
					return
				}
			}
		}
	}
	reader := func(ctx context.Context) {
		for ctx.Err() == nil {
			id, hash, r, err := faultBeacon(ctx, node.url, readArticle)
			if err != nil || r.status != http.StatusCreated {
				if err == nil || !faultDown(err) {
					ack.unexpected("beacon", r, err)
				}
				return
			}
			ack.beacon(id, hash)
		}
	}

	killed, early := 0, 0
	for trial := range trials {
		if trial > 0 {
			node.start()
			signInAll()
		}
		wctx, cancel := context.WithCancel(ctx)
		var wg sync.WaitGroup
		for i, a := range authors {
			mode := "batch"
			if i < selfAuthors {
				mode = "self"
			}
			wg.Go(func() { author(wctx, a, mode) })
		}
		for range 2 {
			wg.Go(func() { reader(wctx) })
		}
		time.Sleep(time.Duration(200+rng.IntN(1800)) * time.Millisecond)
		node.kill()
		killed++
		cancel()
		wg.Wait()
		if trial%3 == 2 {
			// Crash again while the restart resolves what the last run left
			// in flight, before it serves.
			node.launch()
			time.Sleep(time.Duration(rng.IntN(400)) * time.Millisecond)
			node.kill()
			killed++
			early++
		}
	}
	node.start()
	signInAll()
	t.Logf("trials done at %s", time.Since(begun).Round(time.Millisecond))

	// Everything acknowledged is there; everything accepted for anchoring
	// gets published without anyone asking again.
	ack.mu.Lock()
	defer ack.mu.Unlock()
	for _, e := range ack.errs {
		t.Errorf("unexpected answer from a running server: %s", e)
	}
	for id, d := range ack.drafts {
		a := authors[d.author]
		st, _, r, err := faultDraftStatus(ctx, node.url, a.token, id)
		if err != nil || r.status != http.StatusOK {
			t.Errorf("acknowledged draft %d is lost after restart: %v %s", id, err, r)
			continue
		}
		if mode, ok := ack.anchoring[id]; ok {
			st, err = faultWaitStatus(ctx, node.url, a.token, id, 60*time.Second)
			if err != nil || st != "published" {
				t.Errorf("version %d accepted for %s anchoring ended %q (%v)", id, mode, st, err)
			}
		}
	}
	t.Logf("drafts checked at %s", time.Since(begun).Round(time.Millisecond))
	db := faultOpenDB(t, node.dataDir)
	for id, hash := range ack.beacons {
		var got string
		if err := db.QueryRowContext(ctx, `SELECT hash FROM views WHERE id = ?`, id).Scan(&got); err != nil || got != hash {
			t.Errorf("acknowledged view record %d (hash %s) after restart: %q %v", id, hash, got, err)
		}
	}
	var leftover int
	db.QueryRowContext(ctx, `SELECT COUNT(*) FROM anchors WHERE status = 'submitted'`).Scan(&leftover)
	if leftover != 0 {
		t.Errorf("%d anchors still 'submitted' after every acknowledged version was published", leftover)
	}
	audit := exec.Command(faultBinary(t), "views", "audit", "--data", node.dataDir)
	if out, err := audit.CombinedOutput(); err != nil {
		t.Errorf("banx views audit after %d crashes: %v\n%s", killed, err, out)
	}
	t.Logf("audit done at %s", time.Since(begun).Round(time.Millisecond))
	anchors := checkAnchoredOnce(t, ctx, ledger.url, node.dataDir)
	t.Logf("ledger checked at %s", time.Since(begun).Round(time.Millisecond))

	logs := node.stderr()
	resumed := strings.Count(logs, `"msg":"resuming in-flight anchor"`)
	settled := strings.Count(logs, `"msg":"in-flight anchor was validated"`)
	modes := map[string]int{}
	for _, m := range ack.anchoring {
		modes[m]++
	}
	t.Logf("crash publish: %d trials, %d SIGKILLs (%d of them during the restart's recovery); acknowledged %d drafts, "+
		"%d self and %d batch anchor requests, %d view beacons; after restarts %d in-flight anchors were found validated and %d resumed; "+
		"the ledger holds %d anchor transactions, none twice",
		trials, killed, early, len(ack.drafts), modes["self"], modes["batch"], len(ack.beacons), settled, resumed, anchors)
}
