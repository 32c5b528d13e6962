package ledger

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/banxmedia/banx/internal/banx"
)

// Config configures an embedded ledger. Start from DefaultConfig.
type Config struct {
	DataDir       string        // "" = in-memory (tests); else SQLite file(s) under it, survives restarts
	Dev           bool          // enables the faucet (POST /accounts) and dev conveniences
	CloseInterval time.Duration // 0 = close only on ledger_accept; e.g. 1s for `make run`
	BaseFee       int64         // drops, default 10
	ReserveBase   int64         // drops, default 1_000_000 (1 XRP)
	ReserveInc    int64         // drops, default 200_000 (0.2 XRP)
	NetworkID     uint32        // 0 default; >1024 requires NetworkID field in txs as rippled does
	Now           func() time.Time
	Logger        *slog.Logger
}

// DefaultConfig returns the settings of a fresh standalone rippled with today's
// mainnet fees and reserves, in memory, closing only on demand.
func DefaultConfig() Config {
	return Config{
		BaseFee:     10,
		ReserveBase: 1_000_000,
		ReserveInc:  200_000,
		Now:         time.Now,
		Logger:      slog.Default(),
	}
}

// validate fills zero values with defaults and rejects impossible settings.
func (c *Config) validate() error {
	d := DefaultConfig()
	if c.BaseFee == 0 {
		c.BaseFee = d.BaseFee
	}
	if c.ReserveBase == 0 {
		c.ReserveBase = d.ReserveBase
	}
	if c.ReserveInc == 0 {
		c.ReserveInc = d.ReserveInc
	}
	if c.Now == nil {
		c.Now = d.Now
	}
	if c.Logger == nil {
		c.Logger = d.Logger
	}
	switch {
	case c.BaseFee < 0 || c.ReserveBase < 0 || c.ReserveInc < 0:
		return banx.Errorf(banx.EINVALID, "ledger fees and reserves must not be negative")
	case c.BaseFee > maxDrops || c.ReserveBase > maxDrops || c.ReserveInc > maxDrops:
		return banx.Errorf(banx.EINVALID, "ledger fees and reserves must be at most %d drops", maxDrops)
	case c.CloseInterval < 0:
		return banx.Errorf(banx.EINVALID, "close interval must not be negative")
	case c.CloseInterval > 0 && c.CloseInterval < 10*time.Millisecond:
		return banx.Errorf(banx.EINVALID, "close interval %s is below 10ms", c.CloseInterval)
	}
	return nil
}

// accountReserve is Fees::accountReserve: base plus one increment per owned object.
func (c *Config) accountReserve(owners uint32) int64 {
	return c.ReserveBase + int64(owners)*c.ReserveInc
}

func (c *Config) String() string {
	return fmt.Sprintf("fee=%d reserve=%d+%d network=%d", c.BaseFee, c.ReserveBase, c.ReserveInc, c.NetworkID)
}
