package xrpl

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"

	addresscodec "github.com/Peersyst/xrpl-go/address-codec"
	"github.com/Peersyst/xrpl-go/xrpl/queries/account"
	"github.com/Peersyst/xrpl-go/xrpl/queries/common"
	"github.com/Peersyst/xrpl-go/xrpl/transaction/types"

	"github.com/banxmedia/banx/internal/banx"
)

// AccountRoot flags (lsf*) that Banx reads. The full list is in the XRPL docs,
// "AccountRoot flags".
const (
	LsfDefaultRipple  uint32 = 0x00800000
	LsfRequireAuth    uint32 = 0x00040000
	LsfDisableMaster  uint32 = 0x00100000
	LsfRequireDestTag uint32 = 0x00020000
)

// AccountInfo is an account's root entry in the newest validated ledger.
type AccountInfo struct {
	Address     string
	Balance     uint64 // drops
	Sequence    uint32 // next sequence number to use
	Flags       uint32 // lsf* bits
	RegularKey  string // empty when none is set
	OwnerCount  uint32 // owned objects, each holding ReserveInc
	LedgerIndex uint32 // the validated ledger read
}

type wireAccountInfo struct {
	AccountData *struct {
		Account    *string `json:"Account"`
		Balance    *string `json:"Balance"`
		Flags      *uint32 `json:"Flags"`
		OwnerCount *uint32 `json:"OwnerCount"`
		Sequence   *uint32 `json:"Sequence"`
		RegularKey string  `json:"RegularKey"`
	} `json:"account_data"`
	LedgerIndex        *uint32 `json:"ledger_index"`
	LedgerCurrentIndex *uint32 `json:"ledger_current_index"`
	Validated          bool    `json:"validated"`
}

// AccountInfo reads an account from the newest validated ledger. An account that
// does not exist there is an *RPCError actNotFound (banx.ENOTFOUND).
func (c *Client) AccountInfo(ctx context.Context, address string) (*AccountInfo, error) {
	return c.accountInfo(ctx, address, common.Validated)
}

// accountInfo reads an account at ledger (validated, or current for autofill).
func (c *Client) accountInfo(ctx context.Context, address string, at common.LedgerSpecifier) (*AccountInfo, error) {
	if err := checkAddress("account", address); err != nil {
		return nil, err
	}
	var w wireAccountInfo
	req := &account.InfoRequest{Account: types.Address(address), LedgerIndex: at}
	if err := c.call(ctx, req, &w, true); err != nil {
		return nil, err
	}
	a, err := w.parse(address, at == common.Validated)
	if err != nil {
		return nil, malformed(c.url, "account_info", err)
	}
	return a, nil
}

func (w wireAccountInfo) parse(address string, validated bool) (*AccountInfo, error) {
	d := w.AccountData
	switch {
	case d == nil:
		return nil, errors.New(`missing "account_data"`)
	case d.Account == nil || *d.Account != address:
		return nil, fmt.Errorf("account_data.Account is not %s", address)
	case d.Balance == nil:
		return nil, errors.New("account_data.Balance missing")
	case d.Sequence == nil:
		return nil, errors.New("account_data.Sequence missing")
	case d.Flags == nil:
		return nil, errors.New("account_data.Flags missing")
	case validated && (!w.Validated || w.LedgerIndex == nil):
		return nil, errors.New("answer for the validated ledger is not validated or has no ledger_index")
	}
	bal, err := strconv.ParseUint(*d.Balance, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("account_data.Balance %q is not drops", *d.Balance)
	}
	a := &AccountInfo{Address: address, Balance: bal, Sequence: *d.Sequence, Flags: *d.Flags, RegularKey: d.RegularKey}
	if d.OwnerCount != nil {
		a.OwnerCount = *d.OwnerCount
	}
	if w.LedgerIndex != nil {
		a.LedgerIndex = *w.LedgerIndex
	} else if w.LedgerCurrentIndex != nil {
		a.LedgerIndex = *w.LedgerCurrentIndex
	}
	return a, nil
}

// TrustLine is one trust line as seen from the account that was asked about.
type TrustLine struct {
	Peer           string // the counterparty
	Currency       string
	Balance        string // decimal; negative when the account owes the peer
	Limit          string // how much the account trusts the peer
	LimitPeer      string // how much the peer trusts the account
	QualityIn      uint32
	QualityOut     uint32
	NoRipple       bool
	NoRipplePeer   bool
	Authorized     bool
	PeerAuthorized bool
	Freeze         bool
	FreezePeer     bool
}

type wireLines struct {
	Account     string      `json:"account"`
	Lines       *[]wireLine `json:"lines"`
	LedgerIndex *uint32     `json:"ledger_index"`
	Marker      any         `json:"marker"`
}

type wireLine struct {
	Account        *string `json:"account"`
	Balance        *string `json:"balance"`
	Currency       *string `json:"currency"`
	Limit          *string `json:"limit"`
	LimitPeer      *string `json:"limit_peer"`
	QualityIn      uint32  `json:"quality_in"`
	QualityOut     uint32  `json:"quality_out"`
	NoRipple       bool    `json:"no_ripple"`
	NoRipplePeer   bool    `json:"no_ripple_peer"`
	Authorized     bool    `json:"authorized"`
	PeerAuthorized bool    `json:"peer_authorized"`
	Freeze         bool    `json:"freeze"`
	FreezePeer     bool    `json:"freeze_peer"`
}

// defaultLinesPageSize is how many lines each account_lines page asks for (rippled
// allows 10..400).
const defaultLinesPageSize = 200

// maxLinePages bounds paging so a server that keeps returning markers cannot keep
// the caller forever.
const maxLinePages = 10_000

// AccountLines returns all trust lines of account in the newest validated ledger,
// following pagination markers; every page is read from the same ledger. With a
// non-empty peer, only lines with that counterparty are returned.
func (c *Client) AccountLines(ctx context.Context, address, peer string) ([]TrustLine, error) {
	if err := checkAddress("account", address); err != nil {
		return nil, err
	}
	if peer != "" {
		if err := checkAddress("peer", peer); err != nil {
			return nil, err
		}
	}
	req := &account.LinesRequest{
		Account:     types.Address(address),
		Peer:        types.Address(peer),
		LedgerIndex: common.Validated,
		Limit:       c.opts.linesPageSize,
	}
	var lines []TrustLine
	var prevMarker any
	for page := 0; ; page++ {
		if page == maxLinePages {
			return nil, malformed(c.url, "account_lines", fmt.Errorf("more than %d pages", maxLinePages))
		}
		var w wireLines
		if err := c.call(ctx, req, &w, true); err != nil {
			return nil, err
		}
		got, err := w.parse(address)
		if err != nil {
			return nil, malformed(c.url, "account_lines", err)
		}
		lines = append(lines, got...)
		if w.Marker == nil {
			return lines, nil
		}
		if prevMarker != nil && reflect.DeepEqual(prevMarker, w.Marker) {
			return nil, malformed(c.url, "account_lines", errors.New("marker did not advance"))
		}
		prevMarker = w.Marker
		req.Marker = w.Marker
		req.LedgerIndex = common.LedgerIndex(*w.LedgerIndex)
	}
}

func (w wireLines) parse(address string) ([]TrustLine, error) {
	if w.Lines == nil {
		return nil, errors.New(`missing "lines"`)
	}
	if w.LedgerIndex == nil {
		return nil, errors.New("ledger_index missing")
	}
	if w.Account != "" && w.Account != address {
		return nil, fmt.Errorf("lines are for %s, not %s", w.Account, address)
	}
	out := make([]TrustLine, 0, len(*w.Lines))
	for i, l := range *w.Lines {
		if l.Account == nil || l.Balance == nil || l.Currency == nil || l.Limit == nil || l.LimitPeer == nil {
			return nil, fmt.Errorf("lines[%d]: account, balance, currency, limit and limit_peer are required", i)
		}
		for _, v := range []string{*l.Balance, *l.Limit, *l.LimitPeer} {
			if !decimalPattern.MatchString(v) {
				return nil, fmt.Errorf("lines[%d]: %q is not a decimal amount", i, v)
			}
		}
		out = append(out, TrustLine{
			Peer: *l.Account, Currency: *l.Currency, Balance: *l.Balance, Limit: *l.Limit, LimitPeer: *l.LimitPeer,
			QualityIn: l.QualityIn, QualityOut: l.QualityOut, NoRipple: l.NoRipple, NoRipplePeer: l.NoRipplePeer,
			Authorized: l.Authorized, PeerAuthorized: l.PeerAuthorized, Freeze: l.Freeze, FreezePeer: l.FreezePeer,
		})
	}
	return out, nil
}

// GatewayBalances is what an issuer owes, from the newest validated ledger.
type GatewayBalances struct {
	Account     string
	Obligations map[string]string   // currency -> total issued to non-hot wallets (decimal)
	Balances    map[string][]Amount // hot wallet -> what it holds of the issuer's currencies
	LedgerIndex uint32
}

type wireGatewayBalances struct {
	Account     *string                      `json:"account"`
	Obligations map[string]string            `json:"obligations"`
	Balances    map[string][]json.RawMessage `json:"balances"`
	LedgerIndex *uint32                      `json:"ledger_index"`
}

// GatewayBalances totals what issuer has issued (gateway_balances), excluding the
// listed hot wallets, whose holdings are reported separately.
func (c *Client) GatewayBalances(ctx context.Context, issuer string, hotWallets ...string) (*GatewayBalances, error) {
	if err := checkAddress("issuer", issuer); err != nil {
		return nil, err
	}
	for _, h := range hotWallets {
		if err := checkAddress("hot wallet", h); err != nil {
			return nil, err
		}
	}
	req := &account.GatewayBalancesRequest{Account: types.Address(issuer), Strict: true, LedgerIndex: common.Validated}
	switch len(hotWallets) {
	case 0:
	case 1:
		req.HotWallet = hotWallets[0]
	default:
		req.HotWallet = hotWallets
	}
	var w wireGatewayBalances
	if err := c.call(ctx, req, &w, true); err != nil {
		return nil, err
	}
	g, err := w.parse(issuer)
	if err != nil {
		return nil, malformed(c.url, "gateway_balances", err)
	}
	return g, nil
}

func (w wireGatewayBalances) parse(issuer string) (*GatewayBalances, error) {
	if w.Account == nil || *w.Account != issuer {
		return nil, fmt.Errorf("account is not %s", issuer)
	}
	if w.LedgerIndex == nil {
		return nil, errors.New("ledger_index missing")
	}
	g := &GatewayBalances{Account: issuer, Obligations: map[string]string{}, Balances: map[string][]Amount{}, LedgerIndex: *w.LedgerIndex}
	for cur, v := range w.Obligations {
		if !decimalPattern.MatchString(v) {
			return nil, fmt.Errorf("obligations[%s] %q is not a decimal amount", cur, v)
		}
		g.Obligations[cur] = v
	}
	for addr, list := range w.Balances {
		for i, raw := range list {
			var b struct {
				Currency *string `json:"currency"`
				Value    *string `json:"value"`
			}
			if err := json.Unmarshal(raw, &b); err != nil || b.Currency == nil || b.Value == nil || !decimalPattern.MatchString(*b.Value) {
				return nil, fmt.Errorf("balances[%s][%d] is not {currency, value}", addr, i)
			}
			g.Balances[addr] = append(g.Balances[addr], Amount{Currency: *b.Currency, Issuer: issuer, Value: *b.Value})
		}
	}
	return g, nil
}

// classicAddressPattern is the shape of a classic address in the XRP Ledger's base58
// alphabet. Checking it first matters: xrpl-go's decoder panics on bytes outside the
// alphabet (invalid UTF-8 indexes past its table).
var classicAddressPattern = regexp.MustCompile(`^r[1-9A-HJ-NP-Za-km-z]{24,34}$`)

// checkAddress refuses anything but a classic address before it reaches the node.
func checkAddress(what, address string) error {
	if !classicAddressPattern.MatchString(address) || !addresscodec.IsValidClassicAddress(address) {
		return banx.Errorf(banx.EINVALID, "%s %q is not a classic XRP Ledger address", what, address)
	}
	return nil
}
