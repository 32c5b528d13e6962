package xrpl_test

import (
	"testing"
	"time"

	"github.com/Peersyst/xrpl-go/xrpl/queries/account"
	"github.com/Peersyst/xrpl-go/xrpl/queries/common"
	ledgerq "github.com/Peersyst/xrpl-go/xrpl/queries/ledger"
	"github.com/Peersyst/xrpl-go/xrpl/queries/server"
	requests "github.com/Peersyst/xrpl-go/xrpl/queries/transactions"
	"github.com/Peersyst/xrpl-go/xrpl/rpc"
	rpctypes "github.com/Peersyst/xrpl-go/xrpl/rpc/types"
	"github.com/Peersyst/xrpl-go/xrpl/transaction"
	"github.com/Peersyst/xrpl-go/xrpl/transaction/types"
	"github.com/Peersyst/xrpl-go/xrpl/websocket"
	wstypes "github.com/Peersyst/xrpl-go/xrpl/websocket/types"

	"github.com/banxmedia/banx/internal/ledger"
)

// xrplGoClient is the part of xrpl-go's rpc and websocket clients this test uses;
// both have these methods with these exact signatures.
type xrplGoClient interface {
	GetServerInfo(*server.InfoRequest) (*server.InfoResponse, error)
	GetAccountInfo(*account.InfoRequest) (*account.InfoResponse, error)
	GetAccountLines(*account.LinesRequest) (*account.LinesResponse, error)
	GetLedger(*ledgerq.Request) (*ledgerq.Response, error)
}

// TestXRPLGoDirect drives xrpl-go's own clients, not Banx's wrapper, against the
// embedded ledger closing every 100ms: their typed decoding of every answer we rely
// on, and their own autofill + SubmitTxAndWait finality loop.
func TestXRPLGoDirect(t *testing.T) {
	l := startLedger(t, func(cfg *ledger.Config) { cfg.CloseInterval = 100 * time.Millisecond })
	gen := genesis(t)

	rpcCfg, err := rpc.NewClientConfig(l.HTTPURL, rpc.WithRetryDelay(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	rc := rpc.NewClient(rpcCfg)
	wc := websocket.NewClient(websocket.NewClientConfig().WithHost(l.WSURL).WithRetryDelay(100 * time.Millisecond))
	if err := wc.Connect(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { wc.Disconnect() })

	tests := []struct {
		name   string
		client xrplGoClient
		submit func(transaction.FlatTransaction) (*requests.TxResponse, error)
	}{
		{"rpc", rc, func(tx transaction.FlatTransaction) (*requests.TxResponse, error) {
			return rc.SubmitTxAndWait(tx, &rpctypes.SubmitOptions{Autofill: true, Wallet: gen})
		}},
		{"ws", wc, func(tx transaction.FlatTransaction) (*requests.TxResponse, error) {
			return wc.SubmitTxAndWait(tx, &wstypes.SubmitOptions{Autofill: true, Wallet: gen})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.client
			info, err := c.GetServerInfo(&server.InfoRequest{})
			if err != nil {
				t.Fatal(err)
			}
			if fee := info.Info.ValidatedLedger.BaseFeeXRP; fee == nil || *fee != 0.00001 || info.Info.ValidatedLedger.Seq == 0 {
				t.Fatalf("server_info validated_ledger = %+v", info.Info.ValidatedLedger)
			}

			dest := newWallet(t, ed25519)
			pay := &transaction.Payment{
				BaseTx:      transaction.BaseTx{Account: gen.ClassicAddress},
				Destination: dest.ClassicAddress,
				Amount:      types.XRPCurrencyAmount(25_000_000),
			}
			res, err := tt.submit(pay.Flatten())
			if err != nil {
				t.Fatalf("SubmitTxAndWait: %v", err)
			}
			if !res.Validated || res.Meta.TransactionResult != "tesSUCCESS" || res.LedgerIndex == 0 || res.Hash == "" {
				t.Fatalf("SubmitTxAndWait = validated %v result %q ledger %d hash %q", res.Validated, res.Meta.TransactionResult, res.LedgerIndex, res.Hash)
			}

			ai, err := c.GetAccountInfo(&account.InfoRequest{Account: dest.ClassicAddress, LedgerIndex: common.Validated})
			if err != nil {
				t.Fatal(err)
			}
			if ai.AccountData.Balance != 25_000_000 || !ai.Validated || ai.LedgerIndex == 0 {
				t.Errorf("account_info = balance %d validated %v ledger %d", ai.AccountData.Balance, ai.Validated, ai.LedgerIndex)
			}
			lines, err := c.GetAccountLines(&account.LinesRequest{Account: dest.ClassicAddress, LedgerIndex: common.Validated})
			if err != nil || len(lines.Lines) != 0 {
				t.Errorf("account_lines = %+v, %v", lines, err)
			}
			lg, err := c.GetLedger(&ledgerq.Request{LedgerIndex: common.Validated})
			if err != nil {
				t.Fatal(err)
			}
			if !lg.Validated || lg.LedgerIndex < res.LedgerIndex || lg.Ledger.LedgerIndex != lg.LedgerIndex || lg.Ledger.CloseTime == 0 {
				t.Errorf("ledger = validated %v index %d/%d close %d", lg.Validated, lg.LedgerIndex, lg.Ledger.LedgerIndex, lg.Ledger.CloseTime)
			}
		})
	}
}
