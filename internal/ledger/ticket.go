package ledger

// Ticket limits from rippled's TicketCreate.
const (
	minTicketCount     = 1
	maxTicketCount     = 250
	maxTicketThreshold = 250
)

// preflightTicketCreate is TicketCreate::preflight.
func (c *txContext) preflightTicketCreate() string {
	if c.tx.flags&tfUniversalMask != 0 {
		return "temINVALID_FLAG"
	}
	if n := getU32(c.tx.fields, "TicketCount"); n < minTicketCount || n > maxTicketCount {
		return "temINVALID_COUNT"
	}
	return "tesSUCCESS"
}

// preclaimTicketCreate refuses to let an account hold more than 250 tickets.
func (c *txContext) preclaimTicketCreate(acct sle) string {
	cur := getU32(acct, "TicketCount")
	add := getU32(c.tx.fields, "TicketCount")
	used := uint32(0)
	if c.tx.hasTicket {
		used = 1
	}
	if cur+add-used > maxTicketThreshold {
		return "tecDIR_FULL"
	}
	return "tesSUCCESS"
}

// applyTicketCreate is TicketCreate::doApply: tickets take the next sequence numbers.
func (c *txContext) applyTicketCreate() string {
	k := keyAccount(c.tx.account)
	a := c.sb.peek(k)
	if a == nil {
		return "tefINTERNAL"
	}
	n := getU32(c.tx.fields, "TicketCount")
	if c.priorBalance < c.b.cfg.accountReserve(getU32(a, "OwnerCount")+n) {
		return "tecINSUFFICIENT_RESERVE"
	}
	first := getU32(a, "Sequence")
	if !c.tx.hasTicket && c.tx.seq != first-1 {
		return "tefINTERNAL"
	}
	for i := uint32(0); i < n; i++ {
		seq := first + i
		tk := keyTicket(c.tx.account, seq)
		page, ok := dirInsert(c.sb, c.tx.account, tk)
		if !ok {
			return "tecDIR_FULL"
		}
		c.sb.put(tk, sle{
			"LedgerEntryType":   "Ticket",
			"Flags":             uint32(0),
			"Account":           c.tx.account.String(),
			"TicketSequence":    seq,
			"OwnerNode":         fmtU64(page),
			"PreviousTxnID":     Hash{}.String(),
			"PreviousTxnLgrSeq": uint32(0),
		})
	}
	a["TicketCount"] = getU32(a, "TicketCount") + n
	adjustOwnerCount(a, int(n))
	a["Sequence"] = first + n
	c.sb.put(k, a)
	return "tesSUCCESS"
}
