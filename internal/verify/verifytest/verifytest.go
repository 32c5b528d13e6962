// Package verifytest builds real anchors for verification tests: an embedded
// standalone XRP Ledger served on loopback, a real Kubo daemon (its RPC API and
// its HTTP gateway), funded accounts with xrpl-go wallets, manifests stored in
// IPFS, and self and batch anchors submitted as their authors and the platform
// would. It is shared by the tests of internal/verify, internal/http and
// cmd/banx, so that each tests verification against the same real parts.
package verifytest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Peersyst/xrpl-go/keypairs"
	"github.com/Peersyst/xrpl-go/keypairs/interfaces"
	xrplcrypto "github.com/Peersyst/xrpl-go/pkg/crypto"
	"github.com/Peersyst/xrpl-go/xrpl/transaction"
	"github.com/Peersyst/xrpl-go/xrpl/transaction/types"
	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/ipfs"
	"github.com/banxmedia/banx/internal/ipfs/kubotest"
	"github.com/banxmedia/banx/internal/ledger"
	"github.com/banxmedia/banx/internal/manifest"
	"github.com/banxmedia/banx/internal/xrpl"
)

// Stack is one test's world: a fresh ledger and a fresh Kubo daemon.
type Stack struct {
	Ledger     *ledger.Ledger
	XRPLURL    string // JSON-RPC, http://127.0.0.1:PORT/
	WSURL      string // WebSocket, ws://127.0.0.1:PORT/
	Kubo       *kubotest.Daemon
	GatewayURL string // Kubo's own HTTP gateway, http://127.0.0.1:PORT
	Client     *xrpl.Client
	Genesis    wallet.Wallet

	seeds atomic.Uint32
}

// Start starts a stack for tb and stops it at cleanup. A missing Kubo binary
// fails tb with the command that builds it.
func Start(tb testing.TB) *Stack {
	tb.Helper()
	cfg := ledger.DefaultConfig()
	cfg.DataDir = ""
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	l, err := ledger.Open(context.Background(), cfg)
	if err != nil {
		tb.Fatalf("open embedded ledger: %v", err)
	}
	srv := httptest.NewServer(l.Handler())
	tb.Cleanup(func() {
		srv.Close()
		l.Close()
	})
	s := &Stack{Ledger: l, XRPLURL: srv.URL + "/", WSURL: "ws" + strings.TrimPrefix(srv.URL, "http") + "/"}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s.Client, err = xrpl.Dial(ctx, s.XRPLURL, xrpl.WithAutoAccept())
	if err != nil {
		tb.Fatalf("dial embedded ledger: %v", err)
	}
	tb.Cleanup(func() { s.Client.Close() })
	if s.Genesis, err = wallet.FromSeed(ledger.GenesisSeed, ""); err != nil {
		tb.Fatal(err)
	}
	s.Kubo = kubotest.Start(tb)
	// Kubo writes the gateway file after its API answers, so wait for it.
	var gw []byte
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if gw, err = os.ReadFile(filepath.Join(s.Kubo.Repo, "gateway")); err == nil && len(bytes.TrimSpace(gw)) > 0 {
			break
		}
		if time.Now().After(deadline) {
			tb.Fatalf("Kubo wrote no gateway address in %s within 10s: %v", s.Kubo.Repo, err)
		}
	}
	s.GatewayURL = strings.TrimSuffix(strings.TrimSpace(string(gw)), "/")
	return s
}

// Wallet derives a fixed secp256k1 (or ed25519) wallet from one byte, so test
// keys are reproducible; it is not funded.
func Wallet(tb testing.TB, fill byte, ed25519 bool) wallet.Wallet {
	tb.Helper()
	var alg interfaces.KeypairCryptoAlg = xrplcrypto.SECP256K1()
	if ed25519 {
		alg = xrplcrypto.ED25519()
	}
	seed, err := keypairs.GenerateSeed(bytes.Repeat([]byte{fill}, 16), alg, nil)
	if err != nil {
		tb.Fatal(err)
	}
	w, err := wallet.FromSeed(seed, "")
	if err != nil {
		tb.Fatal(err)
	}
	return w
}

// Fund creates w's account on the ledger with 1,000 XRP from genesis.
func (s *Stack) Fund(tb testing.TB, w wallet.Wallet) {
	tb.Helper()
	pay := &transaction.Payment{BaseTx: transaction.BaseTx{Account: s.Genesis.ClassicAddress},
		Destination: w.ClassicAddress, Amount: types.XRPCurrencyAmount(1_000_000_000)}
	s.submit(tb, pay, &s.Genesis)
}

// NewAccount returns a new funded secp256k1 account.
func (s *Stack) NewAccount(tb testing.TB) wallet.Wallet {
	tb.Helper()
	w := Wallet(tb, byte(0x10+s.seeds.Add(1)), false)
	s.Fund(tb, w)
	return w
}

func (s *Stack) submit(tb testing.TB, tx xrpl.Flattener, w *wallet.Wallet) *xrpl.Transaction {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	t, err := s.Client.SubmitAndWait(ctx, tx, w)
	if err != nil {
		tb.Fatalf("submit %T: %v", tx, err)
	}
	return t
}

// SetRegularKey makes regular the RegularKey of w's account.
func (s *Stack) SetRegularKey(tb testing.TB, w wallet.Wallet, regular wallet.Wallet) uint32 {
	tb.Helper()
	tx := &transaction.SetRegularKey{BaseTx: transaction.BaseTx{Account: w.ClassicAddress}, RegularKey: regular.ClassicAddress}
	return s.submit(tb, tx, &w).LedgerIndex
}

// DisableMaster sets asfDisableMaster on w's account. The ledger requires
// the master key itself to sign it, and another key (a RegularKey) to exist.
func (s *Stack) DisableMaster(tb testing.TB, w wallet.Wallet) uint32 {
	tb.Helper()
	tx := &transaction.AccountSet{BaseTx: transaction.BaseTx{Account: w.ClassicAddress}, SetFlag: transaction.AsfDisableMaster}
	return s.submit(tb, tx, &w).LedgerIndex
}

// Article is a manifest version stored in IPFS.
type Article struct {
	Bytes    []byte
	SHA256   string
	CID      string
	Author   string
	Previous string // anchor tx hash of the version this one replaces
}

// NewArticle builds a canonical manifest by author and adds it to Kubo with
// the contract's import settings.
func (s *Stack) NewArticle(tb testing.TB, author, title, previous string) Article {
	tb.Helper()
	a := Manifest(tb, author, title, previous)
	a.CID = s.AddContent(tb, a.Bytes)
	return a
}

// Manifest builds a canonical manifest without storing it; CID is the
// contract's CID of its bytes.
func Manifest(tb testing.TB, author, title, previous string) Article {
	tb.Helper()
	m := manifest.Manifest{
		Schema: manifest.Version, Title: title, Summary: "A test article.", Body: "Body of " + title + ".",
		Category: "opinion", Language: "en", Author: author, Created: "2026-01-01T00:00:00Z", Previous: previous,
	}
	c, err := m.Canonical()
	if err != nil {
		tb.Fatal(err)
	}
	return Article{Bytes: c, SHA256: manifest.Hash(c), CID: rawCID(c), Author: author, Previous: previous}
}

// AddContent adds data to Kubo through its RPC API with the contract's add
// flags, overridden by extra (e.g. "raw-leaves=false"), and returns the CID.
func (s *Stack) AddContent(tb testing.TB, data []byte, extra ...string) string {
	tb.Helper()
	settings, err := ipfs.LoadImportSettings()
	if err != nil {
		tb.Fatal(err)
	}
	q := url.Values{}
	for _, f := range append(append([]string{}, settings.Kubo.AddFlags...), extra...) {
		k, v, _ := strings.Cut(strings.TrimPrefix(f, "--"), "=")
		q.Set(k, v)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	part, _ := mw.CreateFormFile("file", "manifest.json")
	part.Write(data)
	mw.Close()
	resp, err := http.Post(s.Kubo.URL+"/api/v0/add?"+q.Encode(), mw.FormDataContentType(), &body)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Hash string }
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || json.Unmarshal(raw, &out) != nil || out.Hash == "" {
		tb.Fatalf("kubo add: HTTP %d: %s", resp.StatusCode, raw)
	}
	return out.Hash
}

// Memo encodes m for a transaction, failing tb if it is invalid.
func Memo(tb testing.TB, m anchor.Memo) anchor.MemoHex {
	tb.Helper()
	h, err := anchor.EncodeMemoHex(m)
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

// Signed is a signed transaction, submitted or not.
type Signed struct {
	Hash string
	Blob string
}

// SignMemo signs an AccountSet of account carrying memos, with signer's key
// (the account's master key, its regular key, or any other key). setFlag, when
// not 0, is set by the same transaction (asfDisableMaster without a regular
// key makes it a tec).
func (s *Stack) SignMemo(tb testing.TB, account string, signer wallet.Wallet, setFlag uint32, memos ...anchor.MemoHex) Signed {
	tb.Helper()
	tx := &transaction.AccountSet{BaseTx: transaction.BaseTx{Account: types.Address(account)}}
	if setFlag != 0 {
		tx.SetFlag = setFlag
	}
	for _, m := range memos {
		tx.Memos = append(tx.Memos, types.MemoWrapper{Memo: types.Memo{MemoType: m.Type, MemoFormat: m.Format, MemoData: m.Data}})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st, err := s.Client.Prepare(ctx, tx, &signer)
	if err != nil {
		tb.Fatalf("prepare anchor: %v", err)
	}
	return Signed{Hash: st.Hash, Blob: st.Blob}
}

// Submit submits a signed transaction; accept closes the ledger after it.
// It returns the index of the ledger closed (0 if accept is false).
func (s *Stack) Submit(tb testing.TB, t Signed, accept bool) uint32 {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := s.Client.Submit(ctx, t.Blob); err != nil {
		tb.Fatalf("submit: %v", err)
	}
	if !accept {
		return 0
	}
	return s.Accept(tb)
}

// Accept closes the open ledger and returns its index.
func (s *Stack) Accept(tb testing.TB) uint32 {
	tb.Helper()
	h, err := s.Ledger.Accept()
	if err != nil {
		tb.Fatalf("ledger accept: %v", err)
	}
	return h.Index
}

// AnchorSelf anchors a by its author (signed by signer, the author's master
// or regular key) and returns the bundle a publisher would hand out: without
// the inline manifest or the blob, so that verification must fetch both.
func (s *Stack) AnchorSelf(tb testing.TB, a Article, signer wallet.Wallet) anchor.ProofBundle {
	tb.Helper()
	memo := Memo(tb, anchor.SelfMemo(a.SHA256, a.CID, a.Author, a.Previous))
	t := s.SignMemo(tb, a.Author, signer, 0, memo)
	idx := s.Submit(tb, t, true)
	return anchor.ProofBundle{Version: anchor.BundleVersion, Mode: anchor.KindSelf, Network: anchor.Network{ID: 0},
		Author: a.Author, Manifest: anchor.ManifestRef{CID: a.CID, SHA256: a.SHA256},
		Tx: anchor.TxRef{Hash: t.Hash, LedgerIndex: idx, Account: a.Author}, Memo: memo}
}

// Leaf signs a's leaf for network 0 with signer's key.
func Leaf(tb testing.TB, a Article, signer wallet.Wallet) anchor.Leaf {
	tb.Helper()
	l, err := anchor.SignLeaf(anchor.Leaf{Author: a.Author, SHA256: a.SHA256, CID: a.CID}, signer.Seed)
	if err != nil {
		tb.Fatal(err)
	}
	return l
}

// Batch is an anchored batch.
type Batch struct {
	Tree        *anchor.Tree
	Memo        anchor.MemoHex
	Hash        string
	LedgerIndex uint32
	Platform    string
}

// AnchorBatch anchors leaves in one AccountSet by platform.
func (s *Stack) AnchorBatch(tb testing.TB, platform wallet.Wallet, leaves ...anchor.Leaf) Batch {
	tb.Helper()
	tree, err := anchor.BuildTree(leaves)
	if err != nil {
		tb.Fatal(err)
	}
	memo := Memo(tb, anchor.BatchMemo(tree, "test-batch"))
	t := s.SignMemo(tb, string(platform.ClassicAddress), platform, 0, memo)
	idx := s.Submit(tb, t, true)
	return Batch{Tree: tree, Memo: memo, Hash: t.Hash, LedgerIndex: idx, Platform: string(platform.ClassicAddress)}
}

// Bundle returns the proof bundle of the leaf for article sha256.
func (b Batch) Bundle(tb testing.TB, sha256 string) anchor.ProofBundle {
	tb.Helper()
	for i := 0; i < b.Tree.Len(); i++ {
		l := b.Tree.Leaf(i)
		if l.SHA256 != sha256 {
			continue
		}
		p := b.Tree.Proof(i)
		return anchor.ProofBundle{Version: anchor.BundleVersion, Mode: anchor.KindBatch, Network: anchor.Network{ID: l.NetworkID},
			Author: l.Author, Manifest: anchor.ManifestRef{CID: l.CID, SHA256: l.SHA256},
			Tx: anchor.TxRef{Hash: b.Hash, LedgerIndex: b.LedgerIndex, Account: b.Platform}, Memo: b.Memo,
			Batch: &anchor.BatchProof{PublicKey: l.PublicKey, Signature: l.Signature, Index: p.Index, Path: p.Path}}
	}
	tb.Fatalf("no leaf for sha256 %s in the batch", sha256)
	return anchor.ProofBundle{}
}

// MarshalBundle is b as JSON bytes.
func MarshalBundle(tb testing.TB, b anchor.ProofBundle) []byte {
	tb.Helper()
	out, err := b.Marshal()
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// rawCID is the CIDv1 (raw, sha2-256) of a one-chunk file.
func rawCID(data []byte) string {
	id, err := ipfs.LoadImportSettings()
	if err != nil {
		panic(err)
	}
	c, err := id.CIDBuilder.WithCodec(0x55).Sum(data)
	if err != nil {
		panic(fmt.Sprintf("verifytest: raw CID: %v", err))
	}
	return c.String()
}
