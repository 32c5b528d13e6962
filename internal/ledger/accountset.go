package ledger

import "encoding/hex"

// AccountSet flags: asf* values for SetFlag/ClearFlag and legacy tf* flags.
const (
	asfRequireDest   = 1
	asfRequireAuth   = 2
	asfDisallowXRP   = 3
	asfDisableMaster = 4
	asfAccountTxnID  = 5
	asfNoFreeze      = 6
	asfGlobalFreeze  = 7
	asfDefaultRipple = 8
	asfDepositAuth   = 9

	tfRequireDestTag  = 0x00010000
	tfOptionalDestTag = 0x00020000
	tfRequireAuth     = 0x00040000
	tfOptionalAuth    = 0x00080000
	tfDisallowXRP     = 0x00100000
	tfAllowXRP        = 0x00200000
	tfAccountSetMask  = ^uint32(tfFullyCanonicalSig | tfInnerBatchTxn | tfRequireDestTag | tfOptionalDestTag |
		tfRequireAuth | tfOptionalAuth | tfDisallowXRP | tfAllowXRP)

	maxDomainLength = 256
)

// preflightAccountSet is SetAccount::preflight.
func (c *txContext) preflightAccountSet() string {
	f, fl := c.tx.fields, c.tx.flags
	if fl&tfAccountSetMask != 0 {
		return "temINVALID_FLAG"
	}
	set, clr := getU32(f, "SetFlag"), getU32(f, "ClearFlag")
	if set != 0 && set == clr {
		return "temINVALID_FLAG"
	}
	both := func(tfSet, tfClr, asf uint32) bool {
		return (fl&tfSet != 0 || set == asf) && (fl&tfClr != 0 || clr == asf)
	}
	if both(tfRequireAuth, tfOptionalAuth, asfRequireAuth) || both(tfRequireDestTag, tfOptionalDestTag, asfRequireDest) ||
		both(tfDisallowXRP, tfAllowXRP, asfDisallowXRP) {
		return "temINVALID_FLAG"
	}
	if hasField(f, "TransferRate") {
		r := getU32(f, "TransferRate")
		if r != 0 && r < qualityOne || r > 2*qualityOne {
			return "temBAD_TRANSFER_RATE"
		}
	}
	if hasField(f, "TickSize") {
		ts := getU32(f, "TickSize")
		if ts != 0 && (ts < 3 || ts > 15) {
			return "temBAD_TICK_SIZE"
		}
	}
	if mk := getStr(f, "MessageKey"); mk != "" {
		if b, err := hex.DecodeString(mk); err != nil || len(b) != 33 || (b[0] != 0x02 && b[0] != 0x03 && b[0] != 0xED) {
			return "telBAD_PUBLIC_KEY"
		}
	}
	if d := getStr(f, "Domain"); len(d)/2 > maxDomainLength {
		return "telBAD_DOMAIN"
	}
	// Known flags this ledger does not implement (NFT minter, disallow-incoming,
	// clawback) are refused rather than silently ignored; unknown values are ignored,
	// as rippled ignores them.
	if set >= 10 && set <= 16 || clr >= 10 && clr <= 16 {
		return "temDISABLED"
	}
	return "tesSUCCESS"
}

// preclaimAccountSet is SetAccount::preclaim: RequireAuth needs an empty owner directory.
func (c *txContext) preclaimAccountSet(acct sle) string {
	set := getU32(c.tx.fields, "SetFlag")
	if (c.tx.flags&tfRequireAuth != 0 || set == asfRequireAuth) && getU32(acct, "Flags")&lsfRequireAuth == 0 {
		if len(dirEntries(c.b.view, c.tx.account)) > 0 {
			if c.retry {
				return "terOWNERS"
			}
			return "tecOWNERS"
		}
	}
	return "tesSUCCESS"
}

// applyAccountSet is SetAccount::doApply. An AccountSet that changes nothing is valid:
// it charges the fee, advances the sequence and carries its memos into the ledger.
func (c *txContext) applyAccountSet() string {
	k := keyAccount(c.tx.account)
	a := c.sb.peek(k)
	if a == nil {
		return "tefINTERNAL"
	}
	f, fl := c.tx.fields, c.tx.flags
	set, clr := getU32(f, "SetFlag"), getU32(f, "ClearFlag")
	in := getU32(a, "Flags")
	out := in
	sigWithMaster := c.tx.signer == c.tx.account
	toggle := func(setCond, clrCond bool, bit uint32) {
		if setCond {
			out |= bit
		}
		if clrCond {
			out &^= bit
		}
	}
	toggle(fl&tfRequireAuth != 0 || set == asfRequireAuth, fl&tfOptionalAuth != 0 || clr == asfRequireAuth, lsfRequireAuth)
	toggle(fl&tfRequireDestTag != 0 || set == asfRequireDest, fl&tfOptionalDestTag != 0 || clr == asfRequireDest, lsfRequireDestTag)
	toggle(fl&tfDisallowXRP != 0 || set == asfDisallowXRP, fl&tfAllowXRP != 0 || clr == asfDisallowXRP, lsfDisallowXRP)
	if set == asfDisableMaster && in&lsfDisableMaster == 0 {
		if !sigWithMaster {
			return "tecNEED_MASTER_KEY"
		}
		if !hasField(a, "RegularKey") {
			return "tecNO_ALTERNATIVE_KEY"
		}
		out |= lsfDisableMaster
	}
	if clr == asfDisableMaster && in&lsfDisableMaster != 0 {
		out &^= lsfDisableMaster
	}
	toggle(set == asfDefaultRipple, clr == asfDefaultRipple && set != asfDefaultRipple, lsfDefaultRipple)
	if set == asfNoFreeze {
		if !sigWithMaster && in&lsfDisableMaster == 0 {
			return "tecNEED_MASTER_KEY"
		}
		out |= lsfNoFreeze
	}
	if set == asfGlobalFreeze {
		out |= lsfGlobalFreeze
	}
	if set != asfGlobalFreeze && clr == asfGlobalFreeze && out&lsfNoFreeze == 0 {
		out &^= lsfGlobalFreeze
	}
	if set == asfAccountTxnID && !hasField(a, "AccountTxnID") {
		a["AccountTxnID"] = c.tx.id.String()
	}
	if clr == asfAccountTxnID {
		delete(a, "AccountTxnID")
	}
	toggle(set == asfDepositAuth, clr == asfDepositAuth && set != asfDepositAuth, lsfDepositAuth)
	copyOrClear := func(name string, zero func(string) bool) {
		if v, ok := f[name]; ok {
			if s, _ := v.(string); zero(s) {
				delete(a, name)
			} else {
				a[name] = v
			}
		}
	}
	isZeroHex := func(s string) bool {
		for _, ch := range s {
			if ch != '0' {
				return false
			}
		}
		return true
	}
	isEmpty := func(s string) bool { return s == "" }
	copyOrClear("EmailHash", isZeroHex)
	copyOrClear("WalletLocator", isZeroHex)
	copyOrClear("MessageKey", isEmpty)
	copyOrClear("Domain", isEmpty)
	if hasField(f, "TransferRate") {
		if r := getU32(f, "TransferRate"); r == 0 || r == qualityOne {
			delete(a, "TransferRate")
		} else {
			a["TransferRate"] = r
		}
	}
	if hasField(f, "TickSize") {
		if ts := getU32(f, "TickSize"); ts == 0 || ts == 15 {
			delete(a, "TickSize")
		} else {
			a["TickSize"] = ts
		}
	}
	if in != out {
		a["Flags"] = out
	}
	c.sb.put(k, a)
	return "tesSUCCESS"
}

// preflightSetRegularKey is SetRegularKey::preflight.
func (c *txContext) preflightSetRegularKey() string {
	if c.tx.flags&tfUniversalMask != 0 {
		return "temINVALID_FLAG"
	}
	if rk, ok := getAccount(c.tx.fields, "RegularKey"); ok && rk == c.tx.account {
		return "temBAD_REGKEY"
	}
	return "tesSUCCESS"
}

// applySetRegularKey is SetRegularKey::doApply.
func (c *txContext) applySetRegularKey() string {
	k := keyAccount(c.tx.account)
	a := c.sb.peek(k)
	if a == nil {
		return "tefINTERNAL"
	}
	if c.baseFee == 0 {
		a["Flags"] = getU32(a, "Flags") | lsfPasswordSpent
	}
	if rk, ok := c.tx.fields["RegularKey"]; ok {
		a["RegularKey"] = rk
	} else {
		if getU32(a, "Flags")&lsfDisableMaster != 0 {
			return "tecNO_ALTERNATIVE_KEY"
		}
		delete(a, "RegularKey")
	}
	c.sb.put(k, a)
	return "tesSUCCESS"
}
