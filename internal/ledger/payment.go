package ledger

// Payment flags (rippled TxFlags.h).
const (
	tfNoRippleDirect = 0x00010000
	tfPartialPayment = 0x00020000
	tfLimitQuality   = 0x00040000
	tfPaymentMask    = ^uint32(tfFullyCanonicalSig | tfInnerBatchTxn | tfNoRippleDirect | tfPartialPayment | tfLimitQuality)
)

// paymentFields are the Payment's amounts, read once.
type paymentFields struct {
	dst        AccountID
	amount     amount
	sendMax    amount
	hasMax     bool
	deliverMin amount
	hasMin     bool
	hasPaths   bool
}

func (c *txContext) paymentFields() (paymentFields, string) {
	var p paymentFields
	f := c.tx.fields
	var ok bool
	if p.dst, ok = getAccount(f, "Destination"); !ok {
		return p, "temDST_NEEDED"
	}
	var err error
	if p.amount, err = parseAmount(f["Amount"]); err != nil {
		return p, "temBAD_AMOUNT"
	}
	if v, present := f["SendMax"]; present {
		p.hasMax = true
		if p.sendMax, err = parseAmount(v); err != nil {
			return p, "temBAD_AMOUNT"
		}
	}
	if v, present := f["DeliverMin"]; present {
		p.hasMin = true
		if p.deliverMin, err = parseAmount(v); err != nil {
			return p, "temBAD_AMOUNT"
		}
	}
	if paths, present := f["Paths"].([]any); present && len(paths) > 0 {
		p.hasPaths = true
	}
	return p, "tesSUCCESS"
}

// maxSource is the most the sender may spend: SendMax, else Amount in the sender's issue.
func (p paymentFields) maxSource(src AccountID) amount {
	if p.hasMax {
		return p.sendMax
	}
	if p.amount.native {
		return p.amount
	}
	m := p.amount
	m.issuer = src
	return m
}

func legalNet(a amount) bool { return !a.native || a.drops <= maxDrops && a.drops >= -maxDrops }

// preflightPayment is Payment::preflight.
func (c *txContext) preflightPayment() string {
	flags := c.tx.flags
	if flags&tfPaymentMask != 0 {
		return "temINVALID_FLAG"
	}
	p, r := c.paymentFields()
	if r != "tesSUCCESS" {
		return r
	}
	partial := flags&tfPartialPayment != 0
	maxSrc := p.maxSource(c.tx.account)
	xrpDirect := maxSrc.native && p.amount.native
	if !legalNet(p.amount) || !legalNet(maxSrc) {
		return "temBAD_AMOUNT"
	}
	if p.hasMax && maxSrc.sign() <= 0 {
		return "temBAD_AMOUNT"
	}
	if p.amount.sign() <= 0 {
		return "temBAD_AMOUNT"
	}
	if !p.amount.native && badCurrency(p.amount.currency) || !maxSrc.native && badCurrency(maxSrc.currency) {
		return "temBAD_CURRENCY"
	}
	sameCurrency := maxSrc.native == p.amount.native && (maxSrc.native || maxSrc.currency == p.amount.currency)
	if c.tx.account == p.dst && sameCurrency && !p.hasPaths {
		return "temREDUNDANT"
	}
	switch {
	case xrpDirect && p.hasMax:
		return "temBAD_SEND_XRP_MAX"
	case xrpDirect && p.hasPaths:
		return "temBAD_SEND_XRP_PATHS"
	case xrpDirect && partial:
		return "temBAD_SEND_XRP_PARTIAL"
	case xrpDirect && flags&tfLimitQuality != 0:
		return "temBAD_SEND_XRP_LIMIT"
	case xrpDirect && flags&tfNoRippleDirect != 0:
		return "temBAD_SEND_XRP_NO_DIRECT"
	}
	if p.hasMin {
		if !partial {
			return "temBAD_AMOUNT"
		}
		if !legalNet(p.deliverMin) || p.deliverMin.sign() <= 0 || !sameIssue(p.deliverMin, p.amount) {
			return "temBAD_AMOUNT"
		}
		if cmpAmount(p.deliverMin, p.amount) > 0 {
			return "temBAD_AMOUNT"
		}
	}
	return "tesSUCCESS"
}

func cmpAmount(a, b amount) int {
	if a.native {
		switch {
		case a.drops < b.drops:
			return -1
		case a.drops > b.drops:
			return 1
		}
		return 0
	}
	return a.value.cmp(b.value)
}

// preclaimPayment is Payment::preclaim.
func (c *txContext) preclaimPayment() string {
	p, _ := c.paymentFields()
	dst := c.b.view.read(keyAccount(p.dst))
	if dst == nil {
		switch {
		case !p.amount.native:
			return "tecNO_DST"
		case c.b.open && c.tx.flags&tfPartialPayment != 0:
			return "telNO_DST_PARTIAL"
		case p.amount.drops < c.b.cfg.accountReserve(0):
			return "tecNO_DST_INSUF_XRP"
		}
	} else if getU32(dst, "Flags")&lsfRequireDestTag != 0 && !hasField(c.tx.fields, "DestinationTag") {
		return "tecDST_TAG_NEEDED"
	}
	return "tesSUCCESS"
}

// applyPayment is Payment::doApply: direct XRP, or an issued currency along the
// default path (see ripple.go).
func (c *txContext) applyPayment() string {
	p, _ := c.paymentFields()
	dk := keyAccount(p.dst)
	dst := c.sb.peek(dk)
	if dst == nil {
		dst = sle{
			"LedgerEntryType":   "AccountRoot",
			"Flags":             uint32(0),
			"Account":           p.dst.String(),
			"Balance":           "0",
			"OwnerCount":        uint32(0),
			"Sequence":          c.b.seq,
			"PreviousTxnID":     Hash{}.String(),
			"PreviousTxnLgrSeq": uint32(0),
		}
	}
	c.sb.put(dk, dst)
	depositAuth := getU32(dst, "Flags")&lsfDepositAuth != 0 && p.dst != c.tx.account
	if !p.amount.native || p.hasMax || p.hasPaths {
		if depositAuth {
			return "tecNO_PERMISSION"
		}
		return c.ripplePayment(p)
	}
	sk := keyAccount(c.tx.account)
	src := c.sb.peek(sk)
	if src == nil {
		return "tefINTERNAL"
	}
	reserve := c.b.cfg.accountReserve(getU32(src, "OwnerCount"))
	need := max(reserve, c.tx.fee.drops)
	if c.priorBalance < p.amount.drops+need {
		return "tecUNFUNDED_PAYMENT"
	}
	if depositAuth {
		// rippled lets anyone top up a DepositAuth account that is at or below the
		// base reserve with at most the base reserve.
		dstBal := getDrops(dst, "Balance")
		base := c.b.cfg.accountReserve(0)
		if !(p.amount.drops <= base && dstBal <= base) {
			return "tecNO_PERMISSION"
		}
	}
	src["Balance"] = fmtDrops(c.srcBalance - p.amount.drops)
	c.sb.put(sk, src)
	dst["Balance"] = fmtDrops(getDrops(dst, "Balance") + p.amount.drops)
	if fl := getU32(dst, "Flags"); fl&lsfPasswordSpent != 0 {
		dst["Flags"] = fl &^ lsfPasswordSpent
	}
	c.sb.put(dk, dst)
	return "tesSUCCESS"
}
