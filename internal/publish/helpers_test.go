package publish_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	binarycodec "github.com/Peersyst/xrpl-go/binary-codec"
	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/ipfs/embedded"
	"github.com/banxmedia/banx/internal/publish"
	"github.com/banxmedia/banx/internal/publish/publishtest"
	"github.com/banxmedia/banx/internal/sqlite"
	"github.com/banxmedia/banx/internal/xrpl"
)

// fixture is the publishing stack on real parts: SQLite file, embedded IPFS
// store, embedded ledger on loopback, funded platform account.
type fixture struct {
	ledger   *publishtest.Ledger
	client   *xrpl.Client
	db       *sqlite.DB
	content  publish.Content
	platform *wallet.Wallet
	svc      *publish.Service
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := publishtest.Context(t)
	f := &fixture{ledger: publishtest.StartLedger(t)}
	f.client = publishtest.Dial(t, f.ledger.URL, xrpl.WithAutoAccept())
	f.db = publishtest.OpenDB(t)
	store, err := embedded.Open(filepath.Join(t.TempDir(), "ipfs"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	f.content = store
	f.platform = publishtest.NewWallet(t)
	publishtest.Fund(t, ctx, f.client, f.platform, 100_000_000)
	f.svc = f.start(t, f.client, nil)
	return f
}

// start opens a publishing service on the fixture's parts (a restart after a
// crash is another call) and closes it at the end of the test.
func (f *fixture) start(t testing.TB, c *xrpl.Client, before func(*banx.Anchor) error) *publish.Service {
	t.Helper()
	svc := publish.New(f.db, f.content, c, publish.Config{BatchInterval: time.Hour, Platform: f.platform, NetworkName: "banx-test",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if before != nil {
		publish.SetBeforeSubmit(svc, before)
	}
	if err := svc.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	return svc
}

// author returns a funded author.
func (f *fixture) author(t testing.TB) *wallet.Wallet {
	t.Helper()
	w := publishtest.NewWallet(t)
	publishtest.Fund(t, publishtest.Context(t), f.client, w, 20_000_000)
	return w
}

// manifestDoc is a valid manifest document by author.
func manifestDoc(author, title, previous string) []byte {
	m := map[string]any{"schema": "banx.manifest/1", "title": title, "summary": "A summary of " + title + ".",
		"body": "The body of " + title + ".", "category": "opinion", "language": "en", "author": author,
		"created": "2026-11-25T12:00:00Z"}
	if previous != "" {
		m["previous"] = previous
	}
	b, _ := json.Marshal(m)
	return b
}

func draft(t testing.TB, svc *publish.Service, w *wallet.Wallet, title, previous string) *publish.Draft {
	t.Helper()
	d, err := svc.CreateDraft(publishtest.Context(t), w.ClassicAddress.String(), manifestDoc(w.ClassicAddress.String(), title, previous), 0)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// signPrepared checks and signs a prepared self anchor as the CLI does.
func signPrepared(t testing.TB, p *publish.Prepared, w *wallet.Wallet) string {
	t.Helper()
	fields, err := publish.CheckUnsignedAnchor(p.Unsigned, w.ClassicAddress.String(), p.Memo, 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	blob, _, err := w.Sign(fields)
	if err != nil {
		t.Fatal(err)
	}
	return blob
}

// signLeaf signs the batch leaf of a draft.
func signLeaf(t testing.TB, d *publish.Draft, w *wallet.Wallet) anchor.Leaf {
	t.Helper()
	v := d.Detail.Version
	l, err := anchor.SignLeaf(anchor.Leaf{NetworkID: d.NetworkID, Author: v.Author, SHA256: v.SHA256, CID: v.ManifestCID}, w.Seed)
	if err != nil {
		t.Fatal(err)
	}
	if string(anchor.SigningMessage(l)) != d.LeafMessage {
		t.Fatalf("leaf message differs from the draft's:\n%s\n%s", anchor.SigningMessage(l), d.LeafMessage)
	}
	return l
}

// waitFinal polls until the version is published or failed.
func waitFinal(t testing.TB, db *sqlite.DB, versionID int64) banx.VersionDetail {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		d, err := db.FindVersion(context.Background(), versionID)
		if err != nil {
			t.Fatal(err)
		}
		if d.Version.Status == banx.StatusPublished || d.Version.Status == banx.StatusFailed {
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("version %d still %s after 60s", versionID, d.Version.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// verifyProof fetches the proof bundle of a published version and checks it
// offline: every check must pass, except those only the ledger can settle
// (a regular key) or that need a re-import (a dag-pb CID).
func verifyProof(t testing.TB, svc *publish.Service, d banx.VersionDetail) anchor.ProofBundle {
	t.Helper()
	b, err := svc.Proof(context.Background(), d.Version.ArticleID, d.Version.Version)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := b.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := anchor.ParseProofBundle(raw)
	if err != nil {
		t.Fatal(err)
	}
	r := anchor.VerifyOffline(parsed)
	for _, c := range r.Checks {
		regularKey := c.ID == anchor.CheckAuthorKey && r.Key != nil && !r.Key.Master  // settled on the ledger
		onLedger := c.ID == anchor.CheckLedgerNetwork || c.ID == anchor.CheckLedgerTx // settled by a node
		if c.Status == anchor.StatusFail || (c.Status == anchor.StatusSkip && c.ID != anchor.CheckContentCID && !regularKey && !onLedger) {
			t.Fatalf("proof check %s: %s %s\nbundle: %s", c.ID, c.Status, c.Detail, raw)
		}
	}
	return parsed
}

// sequence returns an account's next sequence in the validated ledger.
func sequence(t testing.TB, c *xrpl.Client, addr string) uint32 {
	t.Helper()
	info, err := c.AccountInfo(context.Background(), addr)
	if err != nil {
		t.Fatal(err)
	}
	return info.Sequence
}

// mutate decodes a blob, changes it and re-encodes it.
func mutate(t testing.TB, blob string, f func(map[string]any)) string {
	t.Helper()
	fields, err := binarycodec.Decode(blob)
	if err != nil {
		t.Fatal(err)
	}
	f(fields)
	out, err := binarycodec.Encode(fields)
	if err != nil {
		t.Fatal(err)
	}
	return strings.ToUpper(out)
}

func wantErr(t testing.TB, err error, code, reason string) {
	t.Helper()
	if banx.ErrorCode(err) != code || !strings.Contains(banx.ErrorMessage(err), reason) {
		t.Fatalf("err = %v, want %s containing %q", err, code, reason)
	}
}

func walletOf(t testing.TB, seed string) *wallet.Wallet {
	t.Helper()
	w, err := wallet.FromSeed(seed, "")
	if err != nil {
		t.Fatal(err)
	}
	return &w
}
