package xrpl_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/xrpl"
)

func TestReadErrors(t *testing.T) {
	transports(t, nil, func(t *testing.T, c *xrpl.Client) {
		ctx := testContext(t)
		unfunded := newWallet(t, secp).ClassicAddress.String()
		tests := []struct {
			name string
			call func() error
			code string
			rpc  string
		}{
			{"ErrAccountNotFound", func() error { _, err := c.AccountInfo(ctx, unfunded); return err }, banx.ENOTFOUND, "actNotFound"},
			{"ErrTxNotFound", func() error { _, err := c.Tx(ctx, strings.Repeat("AB", 32)); return err }, banx.ENOTFOUND, "txnNotFound"},
			{"ErrLinesNotFound", func() error { _, err := c.AccountLines(ctx, unfunded, ""); return err }, banx.ENOTFOUND, "actNotFound"},
			{"ErrBadAddress", func() error { _, err := c.AccountInfo(ctx, "rNotAnAddress"); return err }, banx.EINVALID, ""},
			{"ErrAddressNotUTF8", func() error { _, err := c.AccountInfo(ctx, "r\xff\xfe"); return err }, banx.EINVALID, ""},
			{"ErrBadHash", func() error { _, err := c.Tx(ctx, "00"); return err }, banx.EINVALID, ""},
			{"ErrBadPeer", func() error { _, err := c.AccountLines(ctx, genesisAddress, "x"); return err }, banx.EINVALID, ""},
			{"ErrWaitWithoutLLS", func() error { _, err := c.Wait(ctx, strings.Repeat("AB", 32), 0); return err }, banx.EINVALID, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := tt.call()
				if got := banx.ErrorCode(err); got != tt.code {
					t.Fatalf("err = %v (code %q), want code %q", err, got, tt.code)
				}
				var re *xrpl.RPCError
				if tt.rpc != "" && (!errors.As(err, &re) || re.Name != tt.rpc || re.Code <= 0) {
					t.Errorf("err = %v, want RPCError %s", err, tt.rpc)
				}
			})
		}
	})
}

func TestDialErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	tests := []struct {
		name, url, code string
		opts            []xrpl.Option
	}{
		{"ErrUnreachableHTTP", "http://" + closed + "/", banx.EUNAVAILABLE, nil},
		{"ErrUnreachableWS", "ws://" + closed + "/", banx.EUNAVAILABLE, nil},
		{"ErrScheme", "ftp://" + closed, banx.EINVALID, nil},
		{"ErrNotURL", "localhost", banx.EINVALID, nil},
		{"ErrLedgerOffset", "http://" + closed, banx.EINVALID, []xrpl.Option{xrpl.WithLedgerOffset(3)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_, err := xrpl.Dial(ctx, tt.url, append(tt.opts, xrpl.WithTimeout(2*time.Second))...)
			if banx.ErrorCode(err) != tt.code {
				t.Fatalf("err = %v, want code %q", err, tt.code)
			}
			if tt.code == banx.EUNAVAILABLE && !strings.Contains(banx.ErrorMessage(err), closed) {
				t.Errorf("message %q does not name the node", banx.ErrorMessage(err))
			}
		})
	}
}

// TestMalformedResponses feeds the client answers that break the API's promises.
// A real ledger never sends these, so a loopback stub does: each must end in a clear
// EUNAVAILABLE error naming the method and field, never a panic or a zero value.
func TestMalformedResponses(t *testing.T) {
	validInfo := `{"info":{"build_version":"2.4.0","complete_ledgers":"1-5","load_factor":1,"server_state":"full",
		"validated_ledger":{"seq":5,"hash":"` + strings.Repeat("A", 64) + `","base_fee_xrp":0.00001,"reserve_base_xrp":1,"reserve_inc_xrp":0.2}}}`
	hash := strings.Repeat("C", 64)
	tests := []struct {
		name   string
		method string // the method whose answer is replaced
		result string
		call   func(ctx context.Context, c *xrpl.Client) error
		want   string
	}{
		{"ErrServerInfoNoFees", "server_info", `{"info":{"build_version":"2.4.0","validated_ledger":{"seq":5}}}`,
			nil, "base_fee_xrp missing"},
		{"ErrServerInfoStringSeq", "server_info", `{"info":{"validated_ledger":{"seq":"5","base_fee_xrp":0.00001}}}`,
			nil, `"info.validated_ledger.seq"`},
		{"ErrServerInfoFractionalDrops", "server_info", `{"info":{"validated_ledger":{"seq":5,"base_fee_xrp":0.0000001,"reserve_base_xrp":1,"reserve_inc_xrp":0.2}}}`,
			nil, "whole number of drops"},
		{"ErrAccountBalanceNumber", "account_info", `{"account_data":{"Account":"` + genesisAddress + `","Balance":100,"Sequence":1,"Flags":0},"ledger_index":5,"validated":true}`,
			func(ctx context.Context, c *xrpl.Client) error {
				_, err := c.AccountInfo(ctx, genesisAddress)
				return err
			}, `"account_data.Balance"`},
		{"ErrAccountWrongAccount", "account_info", `{"account_data":{"Account":"rrrrrrrrrrrrrrrrrrrrrhoLvTp","Balance":"1","Sequence":1,"Flags":0},"ledger_index":5,"validated":true}`,
			func(ctx context.Context, c *xrpl.Client) error {
				_, err := c.AccountInfo(ctx, genesisAddress)
				return err
			}, "is not " + genesisAddress},
		{"ErrAccountNotValidated", "account_info", `{"account_data":{"Account":"` + genesisAddress + `","Balance":"1","Sequence":1,"Flags":0},"ledger_current_index":6}`,
			func(ctx context.Context, c *xrpl.Client) error {
				_, err := c.AccountInfo(ctx, genesisAddress)
				return err
			}, "not validated"},
		{"ErrLedgerNotValidated", "ledger", `{"ledger_index":5,"ledger":{"ledger_index":5,"ledger_hash":"` + hash + `","parent_hash":"` + hash + `","close_time":1,"total_coins":"1"}}`,
			func(ctx context.Context, c *xrpl.Client) error { _, err := c.Ledger(ctx); return err }, `"validated" is not true`},
		{"ErrTxV1Shape", "tx", `{"hash":"` + hash + `","Account":"` + genesisAddress + `","validated":true,"ledger_index":5}`,
			func(ctx context.Context, c *xrpl.Client) error { _, err := c.Tx(ctx, hash); return err }, "tx_json"},
		{"ErrTxValidatedWithoutMeta", "tx", `{"hash":"` + hash + `","tx_json":{"Account":"` + genesisAddress + `","TransactionType":"Payment","Fee":"12","Sequence":1},"validated":true,"ledger_index":5}`,
			func(ctx context.Context, c *xrpl.Client) error { _, err := c.Tx(ctx, hash); return err }, "without meta"},
		{"ErrTxBadMemo", "tx", `{"hash":"` + hash + `","tx_json":{"Account":"` + genesisAddress + `","TransactionType":"Payment","Fee":"12","Sequence":1,"Memos":[{"Memo":{"MemoData":"zz"}}]},"validated":false}`,
			func(ctx context.Context, c *xrpl.Client) error { _, err := c.Tx(ctx, hash); return err }, "MemoData is not hex"},
		{"ErrTxWrongHash", "tx", `{"hash":"` + strings.Repeat("D", 64) + `","tx_json":{},"validated":false}`,
			func(ctx context.Context, c *xrpl.Client) error { _, err := c.Tx(ctx, hash); return err }, "hash is not"},
		{"ErrSubmitNoResult", "submit", `{"accepted":true}`,
			func(ctx context.Context, c *xrpl.Client) error { _, err := c.Submit(ctx, "1200"); return err }, "engine_result missing"},
		{"ErrLinesNotArray", "account_lines", `{"account":"` + genesisAddress + `","lines":{},"ledger_index":5}`,
			func(ctx context.Context, c *xrpl.Client) error {
				_, err := c.AccountLines(ctx, genesisAddress, "")
				return err
			}, `"lines"`},
		{"ErrLinesStuckMarker", "account_lines", `{"account":"` + genesisAddress + `","lines":[],"ledger_index":5,"marker":"m"}`,
			func(ctx context.Context, c *xrpl.Client) error {
				_, err := c.AccountLines(ctx, genesisAddress, "")
				return err
			}, "marker did not advance"},
		{"ErrAcceptNoIndex", "ledger_accept", `{}`,
			func(ctx context.Context, c *xrpl.Client) error { _, err := c.AcceptLedger(ctx); return err }, "ledger_current_index"},
		{"ErrNotJSONObject", "ledger", `[]`,
			func(ctx context.Context, c *xrpl.Client) error { _, err := c.Ledger(ctx); return err }, "ledger"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var req struct {
					Method string `json:"method"`
				}
				if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
					http.Error(w, err.Error(), http.StatusBadRequest)
					return
				}
				result := validInfo
				if req.Method == tt.method {
					result = tt.result
				}
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(`{"result":` + result + `}`))
			}))
			defer srv.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			c, err := xrpl.Dial(ctx, srv.URL)
			if tt.call != nil {
				if err != nil {
					t.Fatalf("dial: %v", err)
				}
				defer c.Close()
				err = tt.call(ctx, c)
			}
			if banx.ErrorCode(err) != banx.EUNAVAILABLE || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want EUNAVAILABLE mentioning %q", err, tt.want)
			}
		})
	}
}
