package ledger

import (
	"encoding/binary"
	"time"
)

// rippleEpoch is 2000-01-01T00:00:00Z, the origin of XRPL close times.
var rippleEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// closeTimeResolution is the 10 s resolution a standalone rippled settles on.
const closeTimeResolution = 10

// genesisDrops is all XRP in existence: 100 billion XRP.
const genesisDrops int64 = 100_000_000_000_000_000

// LedgerHeader is a closed (in standalone: validated) ledger's header.
type LedgerHeader struct {
	Index               uint32
	Hash                Hash
	ParentHash          Hash
	AccountHash         Hash // root of the state SHAMap
	TransactionHash     Hash // root of the transaction+metadata SHAMap
	TotalDrops          int64
	CloseTime           uint32 // seconds since 2000-01-01 UTC, rounded to the resolution
	ParentCloseTime     uint32
	CloseTimeResolution uint8
	CloseFlags          uint8
	TxCount             int
}

// CloseTimeUTC converts the close time to wall-clock time.
func (h LedgerHeader) CloseTimeUTC() time.Time {
	return rippleEpoch.Add(time.Duration(h.CloseTime) * time.Second)
}

// headerBytes serializes the header fields as rippled's addRaw does; the binary
// codec's DecodeLedgerData reads this layout (tests round-trip it).
func (h LedgerHeader) headerBytes() []byte {
	b := make([]byte, 0, 118)
	b = binary.BigEndian.AppendUint32(b, h.Index)
	b = binary.BigEndian.AppendUint64(b, uint64(h.TotalDrops))
	b = append(b, h.ParentHash[:]...)
	b = append(b, h.TransactionHash[:]...)
	b = append(b, h.AccountHash[:]...)
	b = binary.BigEndian.AppendUint32(b, h.ParentCloseTime)
	b = binary.BigEndian.AppendUint32(b, h.CloseTime)
	b = append(b, h.CloseTimeResolution, h.CloseFlags)
	return b
}

// computeHash is calculateLedgerHash: SHA-512Half of the LWR prefix and the header.
func (h LedgerHeader) computeHash() Hash { return sha512Half(prefixLedgerMastr, h.headerBytes()) }

// toRippleTime converts wall-clock time to XRPL epoch seconds.
func toRippleTime(t time.Time) uint32 {
	d := t.Sub(rippleEpoch) / time.Second
	if d < 0 {
		return 0
	}
	return uint32(d)
}

// roundCloseTime is rippled's roundCloseTime followed by effCloseTime: round to the
// resolution, and always move at least one second past the parent's close.
func roundCloseTime(now, parent uint32) uint32 {
	ct := now + closeTimeResolution/2
	ct -= ct % closeTimeResolution
	if ct < parent+1 {
		ct = parent + 1
	}
	return ct
}
