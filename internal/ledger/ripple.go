package ledger

// qualityOne is rippled's QUALITY_ONE: a TransferRate of 1,000,000,000 means no fee.
const qualityOne = 1_000_000_000

// trustLine is a RippleState seen from one of its two accounts.
type trustLine struct {
	key Hash
	e   sle
	low bool // the viewing account is the low account
}

func (c *txContext) readLine(a, b AccountID, currency string) (trustLine, bool) {
	cb, err := currencyBytes(currency)
	if err != nil {
		return trustLine{}, false
	}
	k := keyLine(a, b, cb)
	e := c.sb.read(k)
	if e == nil {
		return trustLine{}, false
	}
	return trustLine{key: k, e: e, low: a.less(b)}, true
}

func iouField(e sle, f string) iou {
	a, ok := getAmount(e, f)
	if !ok {
		return iou{}
	}
	return a.value
}

// balance is what the counterparty owes the viewing account (negative: it owes).
func (l trustLine) balance() iou {
	b := iouField(l.e, "Balance")
	if l.low {
		return b
	}
	return b.neg()
}

// limit is the viewing account's own limit; peerLimit the counterparty's.
func (l trustLine) limit() iou {
	if l.low {
		return iouField(l.e, "LowLimit")
	}
	return iouField(l.e, "HighLimit")
}

func (l trustLine) peerLimit() iou {
	if l.low {
		return iouField(l.e, "HighLimit")
	}
	return iouField(l.e, "LowLimit")
}

func (l trustLine) flags() uint32 { return getU32(l.e, "Flags") }

// capacity is how much the viewing account can send to its peer on this line:
// what the peer owes it, plus the credit the peer extends.
func (l trustLine) capacity() iou {
	v, err := l.balance().add(l.peerLimit())
	if err != nil || v.sign() < 0 {
		return iou{}
	}
	return v
}

// transferRate is the issuer's TransferRate, qualityOne when unset.
func (c *txContext) transferRate(issuer AccountID) uint32 {
	a := c.sb.read(keyAccount(issuer))
	if a == nil {
		return qualityOne
	}
	if r := getU32(a, "TransferRate"); r != 0 {
		return r
	}
	return qualityOne
}

// stepCheck is DirectStepI::check for a step src -> dst: the line must exist and,
// when src requires authorisation, be authorised by src unless it carries a balance.
func (c *txContext) stepCheck(src, dst AccountID, currency string) (trustLine, string) {
	l, ok := c.readLine(src, dst, currency)
	if !ok {
		return l, "terNO_LINE"
	}
	s := c.sb.read(keyAccount(src))
	if s == nil {
		return l, "terNO_ACCOUNT"
	}
	authField := uint32(lsfLowAuth)
	if !l.low {
		authField = lsfHighAuth
	}
	if getU32(s, "Flags")&lsfRequireAuth != 0 && l.flags()&authField == 0 && iouField(l.e, "Balance").isZero() {
		return l, "terNO_AUTH"
	}
	// checkFreeze: a line frozen by the receiving side, or a globally frozen receiver,
	// carries nothing.
	frozenByDst := uint32(lsfHighFreeze)
	if !l.low {
		frozenByDst = lsfLowFreeze
	}
	if l.flags()&frozenByDst != 0 {
		return l, "terNO_LINE"
	}
	if d := c.sb.read(keyAccount(dst)); d != nil && getU32(d, "Flags")&lsfGlobalFreeze != 0 {
		return l, "terNO_LINE"
	}
	return l, "tesSUCCESS"
}

// noRipple is checkNoRipple: rippling through cur is refused when cur set NoRipple on
// both the incoming and the outgoing line.
func (c *txContext) noRipple(prev, cur, next AccountID, currency string) string {
	in, ok1 := c.readLine(cur, prev, currency)
	out, ok2 := c.readLine(cur, next, currency)
	if !ok1 || !ok2 {
		return "terNO_LINE"
	}
	nr := func(l trustLine) bool {
		if l.low {
			return l.flags()&lsfLowNoRipple != 0
		}
		return l.flags()&lsfHighNoRipple != 0
	}
	if nr(in) && nr(out) {
		return "terNO_RIPPLE"
	}
	return "tesSUCCESS"
}

// ripplePayment moves an issued currency along rippled's default path: directly when
// the sender or receiver is the issuer, else sender -> issuer -> receiver with the
// issuer's transfer fee charged to the sender. Explicit Paths and order books carry no
// liquidity here (this ledger has no offers); cross-currency payments are dry.
func (c *txContext) ripplePayment(p paymentFields) string {
	r := c.rippleCalc(p)
	if len(r) >= 3 && r[:3] == "ter" {
		return "tecPATH_DRY"
	}
	return r
}

func (c *txContext) rippleCalc(p paymentFields) string {
	src := c.tx.account
	partial := c.tx.flags&tfPartialPayment != 0
	maxSrc := p.maxSource(src)
	if p.amount.native || maxSrc.native || maxSrc.currency != p.amount.currency {
		return "tecPATH_DRY"
	}
	if c.tx.flags&tfNoRippleDirect != 0 {
		return "tecPATH_DRY"
	}
	cur, issuer := p.amount.currency, p.amount.issuer
	if maxSrc.issuer != src && maxSrc.issuer != issuer {
		return "tecPATH_DRY"
	}
	want := p.amount.value
	var deliver, spend iou
	twoStep := issuer != src && issuer != p.dst
	if !twoStep {
		l, r := c.stepCheck(src, p.dst, cur)
		if r != "tesSUCCESS" {
			return r
		}
		deliver = minIOU(want, minIOU(l.capacity(), maxSrc.value))
		spend = deliver
	} else {
		l1, r := c.stepCheck(src, issuer, cur)
		if r != "tesSUCCESS" {
			return r
		}
		l2, r := c.stepCheck(issuer, p.dst, cur)
		if r != "tesSUCCESS" {
			return r
		}
		if r := c.noRipple(src, issuer, p.dst, cur); r != "tesSUCCESS" {
			return r
		}
		rate := c.transferRate(issuer)
		maxIn := minIOU(l1.capacity(), maxSrc.value)
		byIn, err := maxIn.mulRatio(qualityOne, rate, false)
		if err != nil {
			return "tecPATH_DRY"
		}
		if byIn.cmp(maxIn) > 0 { // rounding must never let the sender overspend
			byIn = maxIn
		}
		deliver = minIOU(want, minIOU(l2.capacity(), byIn))
		if spend, err = deliver.mulRatio(rate, qualityOne, true); err != nil {
			return "tecPATH_DRY"
		}
		if spend.cmp(maxIn) > 0 {
			spend = maxIn
		}
	}
	if deliver.sign() <= 0 {
		return "tecPATH_DRY"
	}
	if deliver.cmp(want) < 0 {
		if !partial {
			return "tecPATH_PARTIAL"
		}
		if p.hasMin && deliver.cmp(p.deliverMin.value) < 0 {
			return "tecPATH_PARTIAL"
		}
		d := p.amount
		d.value = deliver
		c.delivered = &d
	}
	if twoStep {
		if r := c.rippleCredit(src, issuer, cur, spend); r != "tesSUCCESS" {
			return r
		}
		if r := c.rippleCredit(issuer, p.dst, cur, deliver); r != "tesSUCCESS" {
			return r
		}
	} else if r := c.rippleCredit(src, p.dst, cur, deliver); r != "tesSUCCESS" {
		return r
	}
	return "tesSUCCESS"
}

// rippleCredit is rippleCreditIOU: sender pays receiver x on their line, clearing the
// sender's reserve (and deleting the line) when it returns to its default state.
func (c *txContext) rippleCredit(sender, receiver AccountID, currency string, x iou) string {
	l, ok := c.readLine(sender, receiver, currency)
	if !ok {
		return "terNO_LINE"
	}
	e := cloneSLE(l.e)
	before := l.balance()
	after, err := before.sub(x)
	if err != nil {
		return "tecPATH_DRY"
	}
	flags := getU32(e, "Flags")
	senderHigh := !l.low
	reserveFlag, noRippleFlag, freezeFlag := uint32(lsfLowReserve), uint32(lsfLowNoRipple), uint32(lsfLowFreeze)
	limitField, qIn, qOut := "LowLimit", "LowQualityIn", "LowQualityOut"
	peerReserve := uint32(lsfHighReserve)
	if senderHigh {
		reserveFlag, noRippleFlag, freezeFlag = lsfHighReserve, lsfHighNoRipple, lsfHighFreeze
		limitField, qIn, qOut = "HighLimit", "HighQualityIn", "HighQualityOut"
		peerReserve = lsfLowReserve
	}
	del := false
	sAcct := c.sb.read(keyAccount(sender))
	defRipple := sAcct != nil && getU32(sAcct, "Flags")&lsfDefaultRipple != 0
	if before.sign() > 0 && after.sign() <= 0 && flags&reserveFlag != 0 &&
		(flags&noRippleFlag != 0) != defRipple && flags&freezeFlag == 0 &&
		iouField(e, limitField).isZero() && getU32(e, qIn) == 0 && getU32(e, qOut) == 0 {
		if a := c.sb.peek(keyAccount(sender)); a != nil {
			adjustOwnerCount(a, -1)
			c.sb.put(keyAccount(sender), a)
		}
		flags &^= reserveFlag
		e["Flags"] = flags
		del = after.isZero() && flags&peerReserve == 0
	}
	bal := after
	if senderHigh {
		bal = bal.neg()
	}
	e["Balance"] = map[string]any{"currency": currency, "issuer": accountOneAddress, "value": bal.String()}
	if del {
		lowAcct, highAcct := sender, receiver
		if senderHigh {
			lowAcct, highAcct = receiver, sender
		}
		c.sb.put(l.key, e)
		return c.trustDelete(l.key, e, lowAcct, highAcct)
	}
	c.sb.put(l.key, e)
	return "tesSUCCESS"
}

// trustDelete removes a line from both owner directories and the ledger.
func (c *txContext) trustDelete(k Hash, e sle, low, high AccountID) string {
	if !dirRemove(c.sb, low, getU64(e, "LowNode"), k, false) {
		return "tefBAD_LEDGER"
	}
	if !dirRemove(c.sb, high, getU64(e, "HighNode"), k, false) {
		return "tefBAD_LEDGER"
	}
	c.sb.erase(k)
	return "tesSUCCESS"
}
