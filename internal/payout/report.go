package payout

import (
	"encoding/csv"
	"io"
	"strconv"
	"time"
)

// Report is the JSON form of an epoch's payments, for `banx payout run --json`,
// `banx payout status --json` and the API.
type Report struct {
	Epoch    uint64          `json:"epoch"`
	Root     string          `json:"root"`
	Summary  Progress        `json:"summary"`
	Payments []PaymentReport `json:"payments"`
}

// PaymentReport is one payment in a Report. The blob is left out: it is
// signed material with no use to a reader, and stays in the database.
type PaymentReport struct {
	ID                 int64  `json:"id"`
	Author             string `json:"author"`
	Account            string `json:"account"`
	Amount             string `json:"amount"`
	Status             Status `json:"status"`
	Attempt            int    `json:"attempt"`
	TxHash             string `json:"tx_hash,omitempty"`
	Sequence           uint32 `json:"sequence,omitempty"`
	LastLedgerSequence uint32 `json:"last_ledger_sequence,omitempty"`
	Result             string `json:"result,omitempty"`
	Delivered          string `json:"delivered,omitempty"`
	LedgerIndex        uint32 `json:"ledger_index,omitempty"`
	Reason             string `json:"reason,omitempty"`
	UpdatedAt          string `json:"updated_at"`
}

// NewReport builds the report of epoch's payments under the plan root.
func NewReport(epoch uint64, root string, ps []Payout) Report {
	r := Report{Epoch: epoch, Root: root, Summary: Summarize(epoch, ps), Payments: make([]PaymentReport, len(ps))}
	for i, p := range ps {
		r.Payments[i] = PaymentReport{ID: p.ID, Author: p.Author, Account: p.Account, Amount: p.Amount, Status: p.Status,
			Attempt: p.Attempt, TxHash: p.TxHash, Sequence: p.Sequence, LastLedgerSequence: p.LastLedgerSequence,
			Result: p.Result, Delivered: p.Delivered, LedgerIndex: p.LedgerIndex, Reason: p.Reason,
			UpdatedAt: p.UpdatedAt.UTC().Format(time.RFC3339Nano)}
	}
	return r
}

// CSVHeader names the columns WriteCSV writes.
var CSVHeader = []string{"id", "epoch", "author", "account", "amount", "status", "attempt", "tx_hash", "sequence",
	"last_ledger_sequence", "result", "delivered", "ledger_index", "reason", "updated_at"}

// WriteCSV writes the report as CSV (RFC 4180), one payment a row.
func (r Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for _, p := range r.Payments {
		rec := []string{strconv.FormatInt(p.ID, 10), strconv.FormatUint(r.Epoch, 10), p.Author, p.Account, p.Amount, string(p.Status),
			strconv.Itoa(p.Attempt), p.TxHash, uintOrEmpty(p.Sequence), uintOrEmpty(p.LastLedgerSequence), p.Result, p.Delivered,
			uintOrEmpty(p.LedgerIndex), p.Reason, p.UpdatedAt}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func uintOrEmpty(v uint32) string {
	if v == 0 {
		return ""
	}
	return strconv.FormatUint(uint64(v), 10)
}
