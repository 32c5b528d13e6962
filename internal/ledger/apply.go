package ledger

import (
	"strings"
)

// Universal transaction flags (rippled TxFlags.h).
const (
	tfFullyCanonicalSig = 0x80000000
	tfInnerBatchTxn     = 0x40000000
	tfUniversalMask     = ^uint32(tfFullyCanonicalSig | tfInnerBatchTxn)
)

// builder applies transactions to one ledger under construction: the open ledger
// (open true, as rippled's open view) or the ledger being closed.
type builder struct {
	cfg             *Config
	view            *layer
	seq             uint32 // index of the ledger being built
	parentCloseTime uint32
	open            bool
	applied         []*appliedTx
	inLedger        map[Hash]bool
}

// appliedTx is a transaction applied (tes or tec) to the ledger being built.
type appliedTx struct {
	tx     *txn
	result string
	meta   sle
	index  uint32
	fee    int64 // drops burned
	// accounts the metadata names, filled at close for account_tx and streams
	accounts []AccountID
}

func newBuilder(cfg *Config, base reader, seq, parentCloseTime uint32, open bool) *builder {
	return &builder{cfg: cfg, view: newLayer(base), seq: seq, parentCloseTime: parentCloseTime,
		open: open, inLedger: make(map[Hash]bool)}
}

// txContext is the state of one transaction being applied.
type txContext struct {
	b            *builder
	tx           *txn
	sb           *sandbox
	retry        bool  // rippled's tapRETRY: a tec is not claimed but retried later
	priorBalance int64 // sender balance before the fee
	srcBalance   int64 // sender balance after the fee
	baseFee      int64
	delivered    *amount
	feePaid      int64
}

func isTec(r string) bool { return strings.HasPrefix(r, "tec") }
func isTes(r string) bool { return r == "tesSUCCESS" }

// apply runs a transaction through preflight, preclaim and doApply in rippled's order
// and, when it applies (tes, or tec without retry), commits it with its metadata.
func (b *builder) apply(t *txn, retry bool) (string, bool) {
	c := &txContext{b: b, tx: t, retry: retry}
	if r := c.preflight(); r != "tesSUCCESS" {
		return r, false
	}
	c.baseFee = c.calculateBaseFee()
	r := c.preclaim()
	if !isTes(r) && !isTec(r) {
		return r, false
	}
	c.sb = newSandbox(b.view)
	if isTes(r) {
		r = c.doApply()
	}
	if isTec(r) {
		if retry {
			return r, false
		}
		c.sb = newSandbox(b.view)
		c.delivered = nil
		if rr := c.claimFee(); rr != "tesSUCCESS" {
			return rr, false
		}
	} else if !isTes(r) {
		return r, false
	}
	b.commit(c, r)
	return r, true
}

// commit threads the transaction, builds its metadata and writes its changes.
func (b *builder) commit(c *txContext, result string) {
	prev := threadTx(c.sb, c.tx.id, b.seq)
	meta := sle{
		"AffectedNodes":     buildMeta(c.sb, prev),
		"TransactionIndex":  uint32(len(b.applied)),
		"TransactionResult": result,
	}
	if c.delivered != nil {
		meta["DeliveredAmount"] = c.delivered.json()
	}
	c.sb.applyTo(b.view)
	b.applied = append(b.applied, &appliedTx{tx: c.tx, result: result, meta: meta, index: uint32(len(b.applied)), fee: c.feePaid})
	b.inLedger[c.tx.id] = true
}

// preflight holds the checks that need no ledger state.
func (c *txContext) preflight() string {
	t, cfg := c.tx, c.b.cfg
	// preflight0: network id rules.
	nid, has := t.fields["NetworkID"]
	if cfg.NetworkID <= 1024 {
		if has {
			return "telNETWORK_ID_MAKES_TX_NON_CANONICAL"
		}
	} else {
		if !has {
			return "telREQUIRES_NETWORK_ID"
		}
		if n, _ := nid.(uint32); n != cfg.NetworkID {
			return "telWRONG_NETWORK"
		}
	}
	// preflight1: the common fields.
	if t.account == (AccountID{}) {
		return "temBAD_SRC_ACCOUNT"
	}
	if !t.fee.native || t.fee.drops < 0 || t.fee.drops > maxDrops {
		return "temBAD_FEE"
	}
	if t.hasTicket && t.seq != 0 {
		return "temSEQ_AND_TICKET"
	}
	if t.flags&tfInnerBatchTxn != 0 {
		return "temINVALID_FLAG"
	}
	switch t.typ {
	case "Payment":
		return c.preflightPayment()
	case "TrustSet":
		return c.preflightTrustSet()
	case "AccountSet":
		return c.preflightAccountSet()
	case "SetRegularKey":
		return c.preflightSetRegularKey()
	case "TicketCreate":
		return c.preflightTicketCreate()
	}
	return "temDISABLED"
}

// calculateBaseFee is the fee the transaction owes; SetRegularKey may be free.
func (c *txContext) calculateBaseFee() int64 {
	if c.tx.typ == "SetRegularKey" && !c.tx.multi && c.tx.signer == c.tx.account {
		if a := c.b.view.read(keyAccount(c.tx.account)); a != nil && getU32(a, "Flags")&lsfPasswordSpent == 0 {
			return 0
		}
	}
	return c.b.cfg.BaseFee
}

// preclaim holds the checks against the ledger that cannot change it, in rippled's
// order: sequence or ticket, prior tx and LastLedgerSequence, fee, signature authority,
// then the type's own checks.
func (c *txContext) preclaim() string {
	t, v := c.tx, c.b.view
	acct := v.read(keyAccount(t.account))
	if c.b.inLedger[t.id] {
		return "tefALREADY"
	}
	if acct == nil {
		return "terNO_ACCOUNT"
	}
	aSeq := getU32(acct, "Sequence")
	if !t.hasTicket {
		if aSeq < t.seq {
			return "terPRE_SEQ"
		}
		if aSeq > t.seq {
			return "tefPAST_SEQ"
		}
	} else {
		if aSeq <= t.ticket {
			return "terPRE_TICKET"
		}
		if v.read(keyTicket(t.account, t.ticket)) == nil {
			return "tefNO_TICKET"
		}
	}
	if prior := getStr(t.fields, "AccountTxnID"); prior != "" && getStr(acct, "AccountTxnID") != prior {
		return "tefWRONG_PRIOR"
	}
	if hasField(t.fields, "LastLedgerSequence") && c.b.seq > getU32(t.fields, "LastLedgerSequence") {
		return "tefMAX_LEDGER"
	}
	fee := t.fee.drops
	if c.b.open && fee < c.baseFee {
		return "telINSUF_FEE_P"
	}
	if fee > 0 {
		bal := getDrops(acct, "Balance")
		if bal < fee {
			if bal > 0 && !c.b.open {
				return "tecINSUFF_FEE"
			}
			return "terINSUF_FEE_B"
		}
	}
	if t.multi {
		return "tefNOT_MULTI_SIGNING"
	}
	masterDisabled := getU32(acct, "Flags")&lsfDisableMaster != 0
	if rk, ok := getAccount(acct, "RegularKey"); ok && rk == t.signer {
		// Signed with the regular key.
	} else if t.signer == t.account {
		if masterDisabled {
			return "tefMASTER_DISABLED"
		}
	} else {
		return "tefBAD_AUTH"
	}
	switch t.typ {
	case "Payment":
		return c.preclaimPayment()
	case "TrustSet":
		return c.preclaimTrustSet()
	case "AccountSet":
		return c.preclaimAccountSet(acct)
	case "TicketCreate":
		return c.preclaimTicketCreate(acct)
	}
	return "tesSUCCESS"
}

// consumeSeqProxy advances the sequence or deletes the ticket used.
func (c *txContext) consumeSeqProxy(acct sle) string {
	t := c.tx
	if !t.hasTicket {
		acct["Sequence"] = t.seq + 1
		return "tesSUCCESS"
	}
	k := keyTicket(t.account, t.ticket)
	ticket := c.sb.read(k)
	if ticket == nil {
		return "tefBAD_LEDGER"
	}
	if !dirRemove(c.sb, t.account, getU64(ticket, "OwnerNode"), k, true) {
		return "tefBAD_LEDGER"
	}
	if n := getU32(acct, "TicketCount"); n <= 1 {
		delete(acct, "TicketCount")
	} else {
		acct["TicketCount"] = n - 1
	}
	adjustOwnerCount(acct, -1)
	c.sb.erase(k)
	return "tesSUCCESS"
}

// doApply charges the fee, consumes the sequence and runs the transactor.
func (c *txContext) doApply() string {
	k := keyAccount(c.tx.account)
	acct := c.sb.peek(k)
	if acct == nil {
		return "tefINTERNAL"
	}
	c.priorBalance = getDrops(acct, "Balance")
	c.srcBalance = c.priorBalance - c.tx.fee.drops
	c.feePaid = c.tx.fee.drops
	if r := c.consumeSeqProxy(acct); r != "tesSUCCESS" {
		return r
	}
	acct["Balance"] = fmtDrops(c.srcBalance)
	if hasField(acct, "AccountTxnID") {
		acct["AccountTxnID"] = c.tx.id.String()
	}
	c.sb.put(k, acct)
	switch c.tx.typ {
	case "Payment":
		return c.applyPayment()
	case "TrustSet":
		return c.applyTrustSet()
	case "AccountSet":
		return c.applyAccountSet()
	case "SetRegularKey":
		return c.applySetRegularKey()
	case "TicketCreate":
		return c.applyTicketCreate()
	}
	return "temDISABLED"
}

// claimFee is Transactor::reset: after a tec, only the fee and sequence remain.
func (c *txContext) claimFee() string {
	k := keyAccount(c.tx.account)
	acct := c.sb.peek(k)
	if acct == nil {
		return "tefINTERNAL"
	}
	bal := getDrops(acct, "Balance")
	fee := c.tx.fee.drops
	if fee > bal {
		fee = bal
	}
	acct["Balance"] = fmtDrops(bal - fee)
	c.feePaid = fee
	if r := c.consumeSeqProxy(acct); r != "tesSUCCESS" {
		return r
	}
	if hasField(acct, "AccountTxnID") {
		acct["AccountTxnID"] = c.tx.id.String()
	}
	c.sb.put(k, acct)
	return "tesSUCCESS"
}

// adjustOwnerCount changes an AccountRoot's OwnerCount in place.
func adjustOwnerCount(acct sle, delta int) {
	n := int64(getU32(acct, "OwnerCount")) + int64(delta)
	if n < 0 {
		n = 0
	}
	acct["OwnerCount"] = uint32(n)
}

// feesOf sums the drops burned by a set of applied transactions.
func feesOf(list []*appliedTx) int64 {
	var total int64
	for _, a := range list {
		total += a.fee
	}
	return total
}
