package ledger

import (
	"encoding/hex"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"strings"

	addresscodec "github.com/Peersyst/xrpl-go/address-codec"
	"github.com/Peersyst/xrpl-go/pkg/crypto"
	"github.com/Peersyst/xrpl-go/xrpl/wallet"
)

// defaultFaucetXRP is what the faucet sends when the request names no amount.
const defaultFaucetXRP = "1000"

// maxFaucetDrops caps one faucet payment at 1,000,000 XRP.
const maxFaucetDrops = 1_000_000_000_000

type faucetRequest struct {
	Destination string `json:"destination"`
	XRPAmount   string `json:"xrpAmount"`
	UserAgent   string `json:"userAgent"`
}

func faucetError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": msg})
}

// serveFaucet funds an account from genesis in the testnet faucet's style. It exists
// only in Dev mode. When the ledger closes only on demand it closes one at once, so
// the funds are validated by the time the response arrives.
func (l *Ledger) serveFaucet(w http.ResponseWriter, r *http.Request) {
	if !l.cfg.Dev {
		faucetError(w, http.StatusForbidden, "the faucet is disabled: it exists only when the embedded ledger runs in dev mode")
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		faucetError(w, http.StatusMethodNotAllowed, "use POST /accounts")
		return
	}
	var req faucetRequest
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		faucetError(w, http.StatusBadRequest, "unreadable request body")
		return
	}
	if len(strings.TrimSpace(string(body))) > 0 {
		if err := json.Unmarshal(body, &req); err != nil {
			faucetError(w, http.StatusBadRequest, "request body must be a JSON object: "+err.Error())
			return
		}
	}
	xrp := req.XRPAmount
	if xrp == "" {
		xrp = defaultFaucetXRP
	}
	drops, ok := parseXRP(xrp)
	if !ok || drops <= 0 || drops > maxFaucetDrops {
		faucetError(w, http.StatusBadRequest, "xrpAmount must be a positive XRP amount of at most 1000000 with at most 6 decimals")
		return
	}
	account := map[string]any{}
	dest := req.Destination
	if dest == "" {
		wl, err := wallet.New(crypto.SECP256K1())
		if err != nil {
			faucetError(w, http.StatusInternalServerError, "could not generate a wallet")
			return
		}
		dest = string(wl.ClassicAddress)
		account["secret"] = wl.Seed
		account["seed"] = wl.Seed
		account["publicKey"] = wl.PublicKey
	} else if _, err := parseAccount(dest); err != nil {
		faucetError(w, http.StatusBadRequest, "destination is not a valid classic address")
		return
	}
	hash, balance, code, msg := l.fund(dest, drops)
	if code != 0 {
		faucetError(w, code, msg)
		return
	}
	if x, err := addresscodec.ClassicAddressToXAddress(dest, 0, false, true); err == nil {
		account["xAddress"] = x
	}
	account["classicAddress"] = dest
	account["address"] = dest
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(map[string]any{
		"account":         account,
		"amount":          dropsToXRP(drops),
		"balance":         dropsToXRP(balance),
		"transactionHash": hash,
	})
}

// fund pays drops from genesis to dest; it returns the tx hash and dest's balance.
func (l *Ledger) fund(dest string, drops int64) (string, int64, int, string) {
	l.faucetMu.Lock()
	defer l.faucetMu.Unlock()
	gw, err := wallet.FromSeed(GenesisSeed, "")
	if err != nil {
		return "", 0, http.StatusInternalServerError, "genesis wallet unavailable"
	}
	ga, _ := parseAccount(GenesisAddress)
	l.mu.Lock()
	seq := getU32(l.open.view.read(keyAccount(ga)), "Sequence")
	l.mu.Unlock()
	tx := map[string]any{
		"TransactionType": "Payment",
		"Account":         GenesisAddress,
		"Destination":     dest,
		"Amount":          fmtDrops(drops),
		"Fee":             fmtDrops(l.cfg.BaseFee),
		"Sequence":        seq,
		"Flags":           uint32(0),
	}
	if l.cfg.NetworkID > 1024 {
		tx["NetworkID"] = l.cfg.NetworkID
	}
	blobHex, _, err := gw.Sign(tx)
	if err != nil {
		return "", 0, http.StatusInternalServerError, "could not sign the faucet payment"
	}
	blob, _ := hex.DecodeString(blobHex)
	res, err := l.Submit(blob)
	if err != nil {
		return "", 0, http.StatusInternalServerError, "faucet payment refused: " + err.Error()
	}
	if res.EngineResult != "tesSUCCESS" {
		return "", 0, http.StatusBadGateway, "faucet payment failed: " + res.EngineResult
	}
	if l.cfg.CloseInterval == 0 {
		if _, err := l.Accept(); err != nil {
			return "", 0, http.StatusInternalServerError, "could not close the ledger"
		}
	}
	da, _ := parseAccount(dest)
	l.mu.Lock()
	bal := getDrops(l.open.view.read(keyAccount(da)), "Balance")
	l.mu.Unlock()
	return res.Hash.String(), bal, 0, ""
}

// parseXRP reads a decimal XRP amount with at most six decimals into drops.
func parseXRP(s string) (int64, bool) {
	if strings.ContainsAny(s, "eE+-") {
		return 0, false
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return 0, false
	}
	r.Mul(r, big.NewRat(1_000_000, 1))
	if !r.IsInt() || !r.Num().IsInt64() {
		return 0, false
	}
	return r.Num().Int64(), true
}
