package ledger

// TrustSet flags (rippled TxFlags.h).
const (
	tfSetfAuth        = 0x00010000
	tfSetNoRipple     = 0x00020000
	tfClearNoRipple   = 0x00040000
	tfSetFreeze       = 0x00100000
	tfClearFreeze     = 0x00200000
	tfSetDeepFreeze   = 0x00400000
	tfClearDeepFreeze = 0x00800000
	tfTrustSetMask    = ^uint32(tfFullyCanonicalSig | tfInnerBatchTxn | tfSetfAuth | tfSetNoRipple |
		tfClearNoRipple | tfSetFreeze | tfClearFreeze | tfSetDeepFreeze | tfClearDeepFreeze)
)

func (c *txContext) limitAmount() (amount, bool) {
	v, ok := c.tx.fields["LimitAmount"]
	if !ok {
		return amount{native: true}, true
	}
	a, err := parseAmount(v)
	return a, err == nil
}

// preflightTrustSet is SetTrust::preflight.
func (c *txContext) preflightTrustSet() string {
	if c.tx.flags&tfTrustSetMask != 0 {
		return "temINVALID_FLAG"
	}
	if c.tx.flags&(tfSetDeepFreeze|tfClearDeepFreeze) != 0 {
		return "temDISABLED"
	}
	lim, ok := c.limitAmount()
	if !ok || !legalNet(lim) {
		return "temBAD_AMOUNT"
	}
	if lim.native {
		return "temBAD_LIMIT"
	}
	if badCurrency(lim.currency) {
		return "temBAD_CURRENCY"
	}
	if lim.sign() < 0 {
		return "temBAD_LIMIT"
	}
	if lim.issuer == (AccountID{}) || lim.issuer.String() == accountOneAddress {
		return "temDST_NEEDED"
	}
	return "tesSUCCESS"
}

// preclaimTrustSet is SetTrust::preclaim.
func (c *txContext) preclaimTrustSet() string {
	acct := c.b.view.read(keyAccount(c.tx.account))
	if c.tx.flags&tfSetfAuth != 0 && getU32(acct, "Flags")&lsfRequireAuth == 0 {
		return "tefNO_AUTH_REQUIRED"
	}
	lim, _ := c.limitAmount()
	if lim.issuer == c.tx.account {
		return "temDST_IS_SRC"
	}
	if c.b.view.read(keyAccount(lim.issuer)) == nil {
		return "tecNO_DST"
	}
	return "tesSUCCESS"
}

func qualityField(f sle, name string) (uint32, bool) {
	if _, ok := f[name]; !ok {
		return 0, false
	}
	return getU32(f, name), true
}

// applyTrustSet is SetTrust::doApply.
func (c *txContext) applyTrustSet() string {
	t := c.tx
	lim, _ := c.limitAmount()
	dstID := lim.issuer
	high := dstID.less(t.account)
	ak := keyAccount(t.account)
	acct := c.sb.peek(ak)
	if acct == nil {
		return "tefINTERNAL"
	}
	owners := getU32(acct, "OwnerCount")
	var reserveCreate int64
	if owners >= 2 {
		reserveCreate = c.b.cfg.accountReserve(owners + 1)
	}
	qIn, hasQIn := qualityField(t.fields, "QualityIn")
	qOut, hasQOut := qualityField(t.fields, "QualityOut")
	if hasQOut && qOut == qualityOne {
		qOut = 0
	}
	setAuth := t.flags&tfSetfAuth != 0
	setNR := t.flags&tfSetNoRipple != 0
	clearNR := t.flags&tfClearNoRipple != 0
	setFreeze := t.flags&tfSetFreeze != 0
	clearFreeze := t.flags&tfClearFreeze != 0
	dk := keyAccount(dstID)
	if c.sb.read(dk) == nil {
		return "tecNO_DST"
	}
	cb, err := currencyBytes(lim.currency)
	if err != nil {
		return "temBAD_CURRENCY"
	}
	lk := keyLine(t.account, dstID, cb)
	line := c.sb.peek(lk)
	myIssuer := t.account.String()
	limitAllow := lim.jsonIssuer(myIssuer)
	if line == nil {
		if lim.value.isZero() && (!hasQIn || qIn == 0) && (!hasQOut || qOut == 0) && !setAuth {
			return "tecNO_LINE_REDUNDANT"
		}
		if c.priorBalance < reserveCreate {
			return "tecNO_LINE_INSUF_RESERVE"
		}
		return c.trustCreate(high, t.account, dstID, lk, acct, setAuth, setNR && !clearNR,
			setFreeze && !clearFreeze, lim, limitAllow, qIn, qOut)
	}
	// Modify an existing line.
	side := func(lowName, highName string, mine bool) string {
		if mine != high {
			return lowName
		}
		return highName
	}
	myLimit := side("LowLimit", "HighLimit", true)
	line[myLimit] = limitAllow
	lowBal := iouField(line, "Balance")
	highBal := lowBal.neg()
	lowLimit, highLimit := iouField(line, "LowLimit"), iouField(line, "HighLimit")
	setQuality := func(name string, has bool, v uint32) {
		f := side("Low"+name, "High"+name, true)
		switch {
		case !has:
		case v != 0:
			line[f] = v
		default:
			delete(line, f)
		}
	}
	setQuality("QualityIn", hasQIn, qIn)
	setQuality("QualityOut", hasQOut, qOut)
	norm := func(v uint32) uint32 {
		if v == qualityOne {
			return 0
		}
		return v
	}
	lowQIn, highQIn := norm(getU32(line, "LowQualityIn")), norm(getU32(line, "HighQualityIn"))
	lowQOut, highQOut := norm(getU32(line, "LowQualityOut")), norm(getU32(line, "HighQualityOut"))
	flagsIn := getU32(line, "Flags")
	flagsOut := flagsIn
	myNR, myFreeze, myAuth := uint32(lsfLowNoRipple), uint32(lsfLowFreeze), uint32(lsfLowAuth)
	myBal := lowBal
	if high {
		myNR, myFreeze, myAuth = lsfHighNoRipple, lsfHighFreeze, lsfHighAuth
		myBal = highBal
	}
	if setNR && !clearNR {
		if myBal.sign() >= 0 {
			flagsOut |= myNR
		} else {
			return "tecNO_PERMISSION"
		}
	} else if clearNR && !setNR {
		flagsOut &^= myNR
	}
	if setFreeze && !clearFreeze && getU32(acct, "Flags")&lsfNoFreeze == 0 {
		flagsOut |= myFreeze
	} else if clearFreeze && !setFreeze {
		flagsOut &^= myFreeze
	}
	var lowAcct, highAcct sle
	lowID, highID := t.account, dstID
	if high {
		lowID, highID = dstID, t.account
	}
	if high {
		highAcct, lowAcct = acct, c.sb.peek(keyAccount(lowID))
	} else {
		lowAcct, highAcct = acct, c.sb.peek(keyAccount(highID))
	}
	lowDef := getU32(lowAcct, "Flags")&lsfDefaultRipple != 0
	highDef := getU32(highAcct, "Flags")&lsfDefaultRipple != 0
	lowSet := lowQIn != 0 || lowQOut != 0 || (flagsOut&lsfLowNoRipple == 0) != lowDef ||
		flagsOut&lsfLowFreeze != 0 || !lowLimit.isZero() || lowBal.sign() > 0
	highSet := highQIn != 0 || highQOut != 0 || (flagsOut&lsfHighNoRipple == 0) != highDef ||
		flagsOut&lsfHighFreeze != 0 || !highLimit.isZero() || highBal.sign() > 0
	isDefault := !lowSet && !highSet
	lowReserved := flagsIn&lsfLowReserve != 0
	highReserved := flagsIn&lsfHighReserve != 0
	reserveIncrease := false
	if setAuth {
		flagsOut |= myAuth
	}
	if lowSet && !lowReserved {
		adjustOwnerCount(lowAcct, 1)
		flagsOut |= lsfLowReserve
		if !high {
			reserveIncrease = true
		}
	}
	if !lowSet && lowReserved {
		adjustOwnerCount(lowAcct, -1)
		flagsOut &^= lsfLowReserve
	}
	if highSet && !highReserved {
		adjustOwnerCount(highAcct, 1)
		flagsOut |= lsfHighReserve
		if high {
			reserveIncrease = true
		}
	}
	if !highSet && highReserved {
		adjustOwnerCount(highAcct, -1)
		flagsOut &^= lsfHighReserve
	}
	if flagsIn != flagsOut {
		line["Flags"] = flagsOut
	}
	c.sb.put(keyAccount(lowID), lowAcct)
	c.sb.put(keyAccount(highID), highAcct)
	if isDefault {
		c.sb.put(lk, line)
		return c.trustDelete(lk, line, lowID, highID)
	}
	if reserveIncrease && c.priorBalance < reserveCreate {
		return "tecINSUF_RESERVE_LINE"
	}
	c.sb.put(lk, line)
	return "tesSUCCESS"
}

// trustCreate is rippled's trustCreate: a new RippleState between the transaction's
// account and the limit's issuer, linked into both owner directories.
func (c *txContext) trustCreate(srcHigh bool, src, dst AccountID, k Hash, srcAcct sle, auth, noRipple, freeze bool,
	lim amount, limitAllow any, qIn, qOut uint32) string {
	lowID, highID := src, dst
	if srcHigh {
		lowID, highID = dst, src
	}
	lowNode, ok := dirInsert(c.sb, lowID, k)
	if !ok {
		return "tecDIR_FULL"
	}
	highNode, ok := dirInsert(c.sb, highID, k)
	if !ok {
		return "tecDIR_FULL"
	}
	peer := c.sb.peek(keyAccount(dst))
	if peer == nil {
		return "tecNO_TARGET"
	}
	e := sle{
		"LedgerEntryType":   "RippleState",
		"Balance":           map[string]any{"currency": lim.currency, "issuer": accountOneAddress, "value": "0"},
		"LowNode":           fmtU64(lowNode),
		"HighNode":          fmtU64(highNode),
		"PreviousTxnID":     Hash{}.String(),
		"PreviousTxnLgrSeq": uint32(0),
	}
	mine, theirs := "LowLimit", "HighLimit"
	if srcHigh {
		mine, theirs = "HighLimit", "LowLimit"
	}
	e[mine] = limitAllow
	e[theirs] = map[string]any{"currency": lim.currency, "issuer": dst.String(), "value": "0"}
	if qIn != 0 {
		e[mine[:len(mine)-5]+"QualityIn"] = qIn
	}
	if qOut != 0 {
		e[mine[:len(mine)-5]+"QualityOut"] = qOut
	}
	flags := uint32(lsfLowReserve)
	if srcHigh {
		flags = lsfHighReserve
	}
	pick := func(low, high uint32) uint32 {
		if srcHigh {
			return high
		}
		return low
	}
	if auth {
		flags |= pick(lsfLowAuth, lsfHighAuth)
	}
	if noRipple {
		flags |= pick(lsfLowNoRipple, lsfHighNoRipple)
	}
	if freeze {
		flags |= pick(lsfLowFreeze, lsfHighFreeze)
	}
	if getU32(peer, "Flags")&lsfDefaultRipple == 0 {
		flags |= pick(lsfHighNoRipple, lsfLowNoRipple)
	}
	e["Flags"] = flags
	adjustOwnerCount(srcAcct, 1)
	c.sb.put(keyAccount(src), srcAcct)
	c.sb.put(k, e)
	return "tesSUCCESS"
}
