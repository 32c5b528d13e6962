package ledger

import (
	decimal "github.com/banxmedia/banx/internal/amount"
)

// iou is an issued-currency value. It is the one seam through which the engine does
// IOU arithmetic, and it delegates to internal/amount, which rounds as rippled's
// Number does (16 digits, nearest, ties to even), so balances and metadata match
// rippled digit for digit.
type iou struct {
	v decimal.IOU
}

// parseIOU reads a value as the binary codec renders it ("12.5", "-3", "1e-20").
func parseIOU(s string) (iou, error) {
	v, err := decimal.ParseIOU(s)
	return iou{v: v}, err
}

func (a iou) isZero() bool   { return a.v.IsZero() }
func (a iou) sign() int      { return a.v.Sign() }
func (a iou) neg() iou       { return iou{v: a.v.Neg()} }
func (a iou) cmp(b iou) int  { return a.v.Cmp(b.v) }
func (a iou) String() string { return a.v.String() }
func (a iou) add(b iou) (iou, error) {
	v, err := decimal.Add(a.v, b.v)
	return iou{v: v}, err
}

func (a iou) sub(b iou) (iou, error) {
	v, err := decimal.Sub(a.v, b.v)
	return iou{v: v}, err
}

// mulRatio returns a * num / den, rounded up when roundUp: the transfer-rate seam.
func (a iou) mulRatio(num, den uint32, roundUp bool) (iou, error) {
	v, err := decimal.MulRatio(a.v, num, den, roundUp)
	return iou{v: v}, err
}

func minIOU(a, b iou) iou {
	if a.cmp(b) <= 0 {
		return a
	}
	return b
}
