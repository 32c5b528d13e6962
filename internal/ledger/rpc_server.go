package ledger

import (
	"os"
	"strconv"
	"time"
)

// serverVersion is what build_version reports: rippled-compatible, and honest.
const serverVersion = "2.4.0-banx-embedded"

func (l *Ledger) rpcServerInfo(c *rpcCall) map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	h := l.closed
	age := int64(toRippleTime(l.cfg.Now())) - int64(h.CloseTime)
	if age < 0 {
		age = 0
	}
	host, _ := os.Hostname()
	info := map[string]any{
		"build_version":     serverVersion,
		"complete_ledgers":  l.completeLedgers(),
		"hostid":            host,
		"io_latency_ms":     1,
		"jq_trans_overflow": "0",
		"last_close":        map[string]any{"converge_time_s": 0, "proposers": 0},
		"load_factor":       1,
		"network_id":        l.cfg.NetworkID,
		"peer_disconnects":  "0",
		"peers":             0,
		"pubkey_node":       "",
		"server_state":      "full",
		"standalone":        true,
		"time":              l.cfg.Now().UTC().Format("2006-Jan-02 15:04:05.000000 UTC"),
		"uptime":            int64(time.Since(l.started).Seconds()),
		"validated_ledger": map[string]any{
			"age":              age,
			"base_fee_xrp":     dropsToXRP(l.cfg.BaseFee),
			"hash":             h.Hash.String(),
			"reserve_base_xrp": dropsToXRP(l.cfg.ReserveBase),
			"reserve_inc_xrp":  dropsToXRP(l.cfg.ReserveInc),
			"seq":              h.Index,
		},
		"validation_quorum": 0,
	}
	return map[string]any{"info": info}
}

func (l *Ledger) rpcServerState(c *rpcCall) map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	h := l.closed
	state := map[string]any{
		"build_version":              serverVersion,
		"complete_ledgers":           l.completeLedgers(),
		"io_latency_ms":              1,
		"jq_trans_overflow":          "0",
		"last_close":                 map[string]any{"converge_time": 0, "proposers": 0},
		"load_base":                  256,
		"load_factor":                256,
		"load_factor_fee_escalation": 256,
		"load_factor_fee_queue":      256,
		"load_factor_fee_reference":  256,
		"load_factor_server":         256,
		"network_id":                 l.cfg.NetworkID,
		"peers":                      0,
		"pubkey_node":                "",
		"server_state":               "full",
		"standalone":                 true,
		"uptime":                     int64(time.Since(l.started).Seconds()),
		"validated_ledger": map[string]any{
			"base_fee":     l.cfg.BaseFee,
			"close_time":   h.CloseTime,
			"hash":         h.Hash.String(),
			"reserve_base": l.cfg.ReserveBase,
			"reserve_inc":  l.cfg.ReserveInc,
			"seq":          h.Index,
		},
		"validation_quorum": 0,
	}
	return map[string]any{"state": state}
}

func (l *Ledger) rpcFee(c *rpcCall) map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	base := strconv.FormatInt(l.cfg.BaseFee, 10)
	return map[string]any{
		"current_ledger_size":  strconv.Itoa(len(l.open.applied)),
		"current_queue_size":   "0",
		"drops":                map[string]any{"base_fee": base, "median_fee": strconv.FormatInt(l.cfg.BaseFee*500, 10), "minimum_fee": base, "open_ledger_fee": base},
		"expected_ledger_size": "1000",
		"ledger_current_index": l.open.seq,
		"levels":               map[string]any{"median_level": "128000", "minimum_level": "256", "open_ledger_level": "256", "reference_level": "256"},
		"max_queue_size":       "2000",
	}
}

func (l *Ledger) rpcPing(c *rpcCall) map[string]any {
	return map[string]any{"role": "admin"}
}
