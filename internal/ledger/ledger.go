package ledger

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/banxmedia/banx/internal/banx"
)

// Genesis account of a standalone rippled: it holds all XRP at ledger 1.
const (
	GenesisAddress = "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh"
	GenesisSeed    = "snoPBrXtMeMyMHUVTgbuqAfg1SUTb"
)

// maxHeld bounds the transactions kept for retry after a ter result.
const maxHeld = 10_000

// Ledger is an embedded, persistent, single-node XRP Ledger.
type Ledger struct {
	cfg   Config
	log   *slog.Logger
	store *store

	mu     sync.Mutex
	state  stateMap     // state of the last closed ledger
	tree   *shamap      // its state tree
	closed LedgerHeader // last closed ledger (closed = validated)
	open   *builder     // the open ledger
	held   []*txn       // ter results kept for retry, as rippled's LocalTxs

	hub      *hub
	faucetMu sync.Mutex // one faucet payment at a time: each reads genesis's sequence
	started  time.Time

	stop    chan struct{}
	stopped chan struct{}
	closeMu sync.Once
}

// Open opens (or creates) a ledger. With cfg.DataDir empty everything lives in memory.
func Open(ctx context.Context, cfg Config) (*Ledger, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	st, err := openStore(ctx, cfg.DataDir)
	if err != nil {
		return nil, banx.Wrap(banx.EUNAVAILABLE, err, "open ledger store")
	}
	l := &Ledger{cfg: cfg, log: cfg.Logger, store: st, state: stateMap{}, tree: newSHAMap(),
		stop: make(chan struct{}), stopped: make(chan struct{}), started: time.Now()}
	l.hub = newHub(l)
	last, err := st.lastHeader(ctx)
	switch {
	case errors.Is(err, errNotFound):
		if err := l.genesis(ctx); err != nil {
			st.close()
			return nil, banx.Wrap(banx.EINTERNAL, err, "create genesis ledger")
		}
	case err != nil:
		st.close()
		return nil, banx.Wrap(banx.EUNAVAILABLE, err, "read ledger store")
	default:
		if err := l.load(ctx, last); err != nil {
			st.close()
			return nil, banx.Wrap(banx.EINTERNAL, err, "load ledger state")
		}
	}
	l.open = newBuilder(&l.cfg, l.state, l.closed.Index+1, l.closed.CloseTime, true)
	// Log before the close loop starts: from then on l.closed belongs to the loop.
	l.log.Info("ledger open", "validated", l.closed.Index, "hash", l.closed.Hash.String(), "config", l.cfg.String())
	if cfg.CloseInterval > 0 {
		go l.closeLoop(cfg.CloseInterval)
	} else {
		close(l.stopped)
	}
	return l, nil
}

// load rebuilds the in-memory state and state tree from the store.
func (l *Ledger) load(ctx context.Context, last LedgerHeader) error {
	blobs, err := l.store.loadState(ctx)
	if err != nil {
		return err
	}
	for k, data := range blobs {
		e, err := decodeEntry(data)
		if err != nil {
			return fmt.Errorf("decode entry %s: %w", k, err)
		}
		l.state[k] = e
		l.tree.set(k, stateLeafHash(k, data))
	}
	if got := l.tree.rootHash(); got != last.AccountHash {
		return fmt.Errorf("state hash %s does not match ledger %d account_hash %s", got, last.Index, last.AccountHash)
	}
	l.closed = last
	return nil
}

// genesis writes ledger 1 with the genesis account and fee settings, then closes the
// empty ledger 2, as a standalone rippled started with --start does.
func (l *Ledger) genesis(ctx context.Context) error {
	ga, err := parseAccount(GenesisAddress)
	if err != nil {
		return err
	}
	entries := map[Hash]sle{
		keyAccount(ga): {
			"LedgerEntryType":   "AccountRoot",
			"Flags":             uint32(0),
			"Account":           GenesisAddress,
			"Balance":           fmtDrops(genesisDrops),
			"OwnerCount":        uint32(0),
			"Sequence":          uint32(1),
			"PreviousTxnID":     Hash{}.String(),
			"PreviousTxnLgrSeq": uint32(0),
		},
		keyFees(): {
			"LedgerEntryType":       "FeeSettings",
			"Flags":                 uint32(0),
			"BaseFeeDrops":          fmtDrops(l.cfg.BaseFee),
			"ReserveBaseDrops":      fmtDrops(l.cfg.ReserveBase),
			"ReserveIncrementDrops": fmtDrops(l.cfg.ReserveInc),
		},
	}
	cl := &closedLedger{state: make(map[Hash][]byte)}
	for k, e := range entries {
		data, err := encodeEntry(e)
		if err != nil {
			return fmt.Errorf("encode genesis entry: %w", err)
		}
		l.state[k] = e
		l.tree.set(k, stateLeafHash(k, data))
		cl.state[k] = data
	}
	h := LedgerHeader{Index: 1, TotalDrops: genesisDrops, AccountHash: l.tree.rootHash(),
		CloseTimeResolution: closeTimeResolution}
	h.Hash = h.computeHash()
	cl.header = h
	if err := l.store.saveLedger(ctx, cl); err != nil {
		return err
	}
	l.closed = h
	l.open = newBuilder(&l.cfg, l.state, 2, 0, true)
	_, err = l.closeLocked(ctx)
	return err
}

// Close stops the close timer and the store. It is safe to call more than once.
func (l *Ledger) Close() error {
	var err error
	l.closeMu.Do(func() {
		close(l.stop)
		<-l.stopped
		l.hub.shutdown()
		l.mu.Lock()
		defer l.mu.Unlock()
		err = l.store.close()
	})
	return err
}

// Accept closes the open ledger now, as the admin method ledger_accept does.
func (l *Ledger) Accept() (LedgerHeader, error) {
	l.mu.Lock()
	ev, err := l.closeLocked(context.Background())
	l.mu.Unlock()
	if err != nil {
		return LedgerHeader{}, banx.Wrap(banx.EINTERNAL, err, "close ledger")
	}
	l.hub.publish(ev)
	return ev.header, nil
}

// Validated returns the last closed (= validated) ledger's header.
func (l *Ledger) Validated() LedgerHeader {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.closed
}

// CurrentIndex is the index of the open ledger.
func (l *Ledger) CurrentIndex() uint32 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open.seq
}

// Handler serves rippled's public API: JSON-RPC on POST /, WebSocket upgrades on /,
// and, in Dev mode, the faucet on POST /accounts.
func (l *Ledger) Handler() http.Handler { return l.routes() }

func (l *Ledger) closeLoop(every time.Duration) {
	defer close(l.stopped)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
			if _, err := l.Accept(); err != nil {
				l.log.Error("ledger close failed", "err", err)
			}
		}
	}
}
