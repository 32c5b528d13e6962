package xrpl

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/Peersyst/xrpl-go/xrpl/queries/common"
	"github.com/Peersyst/xrpl-go/xrpl/queries/ledger"
	"github.com/Peersyst/xrpl-go/xrpl/queries/server"
	"github.com/Peersyst/xrpl-go/xrpl/queries/version"
)

// ServerInfo is what the client needs to know about the node: identity, fees and
// reserves (always read from the server, never assumed), and which ledgers it has.
type ServerInfo struct {
	BuildVersion    string
	NetworkID       uint32 // 0 when the server does not report one
	ServerState     string
	ValidatedLedger uint32 // index of the newest validated ledger, 0 if none yet
	ValidatedHash   string
	Ledgers         LedgerRange // the complete range that ends at the newest ledger
	BaseFee         uint64      // drops, reference transaction cost
	ReserveBase     uint64      // drops an account must keep
	ReserveInc      uint64      // drops per owned object (trust line, ticket...)
	LoadFactor      string      // decimal multiplier on BaseFee now (1 when idle)

	load *big.Rat
}

// LedgerRange is an inclusive range of ledger indexes.
type LedgerRange struct{ Min, Max uint32 }

// wireServerInfo is server_info's result. Pointers mark required fields.
type wireServerInfo struct {
	Info *struct {
		BuildVersion    string       `json:"build_version"`
		NetworkID       *uint32      `json:"network_id"`
		ServerState     string       `json:"server_state"`
		CompleteLedgers string       `json:"complete_ledgers"`
		LoadFactor      *json.Number `json:"load_factor"`
		ValidatedLedger *wireFees    `json:"validated_ledger"`
		ClosedLedger    *wireFees    `json:"closed_ledger"`
	} `json:"info"`
}

type wireFees struct {
	Seq            *uint32      `json:"seq"`
	Hash           string       `json:"hash"`
	BaseFeeXRP     *json.Number `json:"base_fee_xrp"`
	ReserveBaseXRP *json.Number `json:"reserve_base_xrp"`
	ReserveIncXRP  *json.Number `json:"reserve_inc_xrp"`
}

// ServerInfo asks the node for its state (server_info) and remembers it for Info.
func (c *Client) ServerInfo(ctx context.Context) (ServerInfo, error) {
	var w wireServerInfo
	if err := c.call(ctx, &server.InfoRequest{}, &w, true); err != nil {
		return ServerInfo{}, err
	}
	info, err := w.parse()
	if err != nil {
		return ServerInfo{}, malformed(c.url, "server_info", err)
	}
	c.mu.Lock()
	c.info = info
	c.mu.Unlock()
	return info, nil
}

func (w wireServerInfo) parse() (ServerInfo, error) {
	in := w.Info
	if in == nil {
		return ServerInfo{}, errors.New(`missing "info"`)
	}
	s := ServerInfo{BuildVersion: in.BuildVersion, ServerState: in.ServerState, LoadFactor: "1", load: big.NewRat(1, 1)}
	if in.NetworkID != nil {
		s.NetworkID = *in.NetworkID
	}
	if in.LoadFactor != nil {
		r, ok := new(big.Rat).SetString(string(*in.LoadFactor))
		if !ok || r.Sign() <= 0 {
			return ServerInfo{}, fmt.Errorf("load_factor %q is not a positive number", *in.LoadFactor)
		}
		s.LoadFactor, s.load = string(*in.LoadFactor), r
	}
	fees := in.ValidatedLedger
	if fees != nil {
		if fees.Seq == nil || *fees.Seq == 0 {
			return ServerInfo{}, errors.New("validated_ledger.seq missing or zero")
		}
		s.ValidatedLedger, s.ValidatedHash = *fees.Seq, fees.Hash
	} else if fees = in.ClosedLedger; fees == nil {
		return ServerInfo{}, errors.New("neither validated_ledger nor closed_ledger present")
	}
	for _, f := range []struct {
		name string
		n    *json.Number
		dst  *uint64
	}{
		{"base_fee_xrp", fees.BaseFeeXRP, &s.BaseFee},
		{"reserve_base_xrp", fees.ReserveBaseXRP, &s.ReserveBase},
		{"reserve_inc_xrp", fees.ReserveIncXRP, &s.ReserveInc},
	} {
		if f.n == nil {
			return ServerInfo{}, fmt.Errorf("%s missing", f.name)
		}
		d, err := xrpToDrops(*f.n)
		if err != nil {
			return ServerInfo{}, fmt.Errorf("%s: %w", f.name, err)
		}
		*f.dst = d
	}
	if s.BaseFee == 0 {
		return ServerInfo{}, errors.New("base_fee_xrp is zero")
	}
	r, err := parseLedgerRanges(in.CompleteLedgers)
	if err != nil {
		return ServerInfo{}, err
	}
	s.Ledgers = r
	return s, nil
}

// parseLedgerRanges reads complete_ledgers ("1-5,7-9", "42", "empty") and returns
// its last range.
func parseLedgerRanges(s string) (LedgerRange, error) {
	if s == "" || s == "empty" {
		return LedgerRange{}, nil
	}
	parts := strings.Split(s, ",")
	last := strings.TrimSpace(parts[len(parts)-1])
	lo, hi, found := strings.Cut(last, "-")
	if !found {
		hi = lo
	}
	min, err1 := strconv.ParseUint(lo, 10, 32)
	max, err2 := strconv.ParseUint(hi, 10, 32)
	if err1 != nil || err2 != nil || min > max {
		return LedgerRange{}, fmt.Errorf("complete_ledgers %q is not a ledger range list", s)
	}
	return LedgerRange{Min: uint32(min), Max: uint32(max)}, nil
}

// feeCushion is the margin over the current fee that xrpl.js and xrpl-go add, so a
// small rise in load between autofill and submission does not strand the transaction.
var feeCushion = big.NewRat(6, 5)

// fee returns the autofill fee in drops: base x load x 1.2, rounded up, capped.
func (c *Client) fee(s ServerInfo) uint64 {
	load := s.load
	if load == nil {
		load = big.NewRat(1, 1)
	}
	r := new(big.Rat).SetUint64(s.BaseFee)
	r.Mul(r, load)
	r.Mul(r, feeCushion)
	q, m := new(big.Int).QuoRem(r.Num(), r.Denom(), new(big.Int))
	if m.Sign() != 0 {
		q.Add(q, big.NewInt(1))
	}
	if !q.IsUint64() || q.Uint64() > c.opts.maxFee {
		return c.opts.maxFee
	}
	return q.Uint64()
}

// LedgerHeader is the header of a ledger version.
type LedgerHeader struct {
	Index      uint32
	Hash       string
	ParentHash string
	CloseTime  time.Time
	TotalCoins uint64 // drops in existence
	Validated  bool
}

type wireLedger struct {
	LedgerIndex *uint32 `json:"ledger_index"`
	LedgerHash  string  `json:"ledger_hash"`
	Validated   bool    `json:"validated"`
	Ledger      *struct {
		LedgerIndex *uint32 `json:"ledger_index"`
		LedgerHash  *string `json:"ledger_hash"`
		ParentHash  *string `json:"parent_hash"`
		CloseTime   *int64  `json:"close_time"`
		TotalCoins  *string `json:"total_coins"`
	} `json:"ledger"`
}

// Ledger returns the header of the newest validated ledger.
func (c *Client) Ledger(ctx context.Context) (*LedgerHeader, error) {
	var w wireLedger
	if err := c.call(ctx, &ledger.Request{LedgerIndex: common.Validated}, &w, true); err != nil {
		return nil, err
	}
	h, err := w.parse()
	if err != nil {
		return nil, malformed(c.url, "ledger", err)
	}
	return h, nil
}

func (w wireLedger) parse() (*LedgerHeader, error) {
	l := w.Ledger
	switch {
	case !w.Validated:
		return nil, errors.New(`"validated" is not true for the validated ledger`)
	case w.LedgerIndex == nil || *w.LedgerIndex == 0:
		return nil, errors.New("ledger_index missing or zero")
	case l == nil:
		return nil, errors.New(`missing "ledger"`)
	case l.LedgerHash == nil || !hashPattern.MatchString(*l.LedgerHash):
		return nil, errors.New("ledger.ledger_hash missing or not a 256-bit hex hash")
	case l.ParentHash == nil || !hashPattern.MatchString(*l.ParentHash):
		return nil, errors.New("ledger.parent_hash missing or not a 256-bit hex hash")
	case l.CloseTime == nil:
		return nil, errors.New("ledger.close_time missing")
	case l.TotalCoins == nil:
		return nil, errors.New("ledger.total_coins missing")
	case l.LedgerIndex != nil && *l.LedgerIndex != *w.LedgerIndex:
		return nil, fmt.Errorf("ledger.ledger_index %d differs from ledger_index %d", *l.LedgerIndex, *w.LedgerIndex)
	}
	coins, err := strconv.ParseUint(*l.TotalCoins, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("ledger.total_coins %q is not drops", *l.TotalCoins)
	}
	return &LedgerHeader{
		Index:      *w.LedgerIndex,
		Hash:       strings.ToUpper(*l.LedgerHash),
		ParentHash: strings.ToUpper(*l.ParentHash),
		CloseTime:  rippleTime(*l.CloseTime),
		TotalCoins: coins,
		Validated:  true,
	}, nil
}

// ledgerAcceptRequest is rippled's admin method ledger_accept, which xrpl-go lacks.
type ledgerAcceptRequest struct {
	common.BaseRequest
}

func (*ledgerAcceptRequest) Method() string  { return "ledger_accept" }
func (*ledgerAcceptRequest) APIVersion() int { return version.RippledAPIV2 }
func (*ledgerAcceptRequest) Validate() error { return nil }

// AcceptLedger closes the open ledger of a standalone node (admin method
// ledger_accept) and returns the index of the ledger it closed, which a standalone
// node treats as validated. A node that is not standalone answers with an RPCError.
func (c *Client) AcceptLedger(ctx context.Context) (uint32, error) {
	var w struct {
		LedgerCurrentIndex *uint32 `json:"ledger_current_index"`
	}
	// Not retried: a lost answer may hide a close that happened.
	if err := c.call(ctx, &ledgerAcceptRequest{}, &w, false); err != nil {
		return 0, err
	}
	if w.LedgerCurrentIndex == nil || *w.LedgerCurrentIndex < 2 {
		return 0, malformed(c.url, "ledger_accept", errors.New("ledger_current_index missing or below 2"))
	}
	return *w.LedgerCurrentIndex - 1, nil
}
