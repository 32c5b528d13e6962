package ledger

import (
	"context"
	"maps"
	"strings"
)

// Default page sizes from rippled's RPC::Tuning.
const (
	defaultLinesLimit   = 200
	defaultObjectsLimit = 200
	defaultTxLimit      = 200
	maxTxLimit          = 1000
)

func entryJSON(k Hash, e sle) map[string]any {
	out := rippledValues(e).(map[string]any)
	out["index"] = k.String()
	return out
}

func accountFlags(flags uint32) map[string]any {
	return map[string]any{
		"defaultRipple":                flags&lsfDefaultRipple != 0,
		"depositAuth":                  flags&lsfDepositAuth != 0,
		"disableMasterKey":             flags&lsfDisableMaster != 0,
		"disallowIncomingXRP":          flags&lsfDisallowXRP != 0,
		"globalFreeze":                 flags&lsfGlobalFreeze != 0,
		"noFreeze":                     flags&lsfNoFreeze != 0,
		"passwordSpent":                flags&lsfPasswordSpent != 0,
		"requireAuthorization":         flags&lsfRequireAuth != 0,
		"requireDestinationTag":        flags&lsfRequireDestTag != 0,
		"disallowIncomingCheck":        flags&0x08000000 != 0,
		"disallowIncomingNFTokenOffer": flags&0x04000000 != 0,
		"disallowIncomingPayChan":      flags&0x10000000 != 0,
		"disallowIncomingTrustline":    flags&0x20000000 != 0,
		"allowTrustLineClawback":       flags&0x80000000 != 0,
	}
}

func (l *Ledger) rpcAccountInfo(c *rpcCall) map[string]any {
	params := c.params
	if _, ok := params["account"]; !ok {
		if id, ok := params["ident"]; ok {
			params = maps.Clone(params)
			params["account"] = id
		}
	}
	acct, e := accountParam(params, "account")
	if e != nil {
		return e
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	sel, e := l.selectLedger(context.Background(), params)
	if e != nil {
		return e
	}
	k := keyAccount(acct)
	a := sel.r.read(k)
	if a == nil {
		res := rpcErr("actNotFound")
		res["account"] = acct.String()
		sel.inject(res)
		return res
	}
	res := map[string]any{
		"account_data":  entryJSON(k, a),
		"account_flags": accountFlags(getU32(a, "Flags")),
	}
	if boolParam(params, "signer_lists") {
		if c.api > 1 {
			res["signer_lists"] = []any{}
		} else {
			res["account_data"].(map[string]any)["signer_lists"] = []any{}
		}
	}
	if boolParam(params, "queue") && sel.current {
		res["queue_data"] = map[string]any{"txn_count": 0}
	}
	sel.inject(res)
	return res
}

// pageMarker reads a paging marker produced by markerFor and returns the key to
// resume after.
func pageMarker(params map[string]any) (Hash, bool, map[string]any) {
	v, ok := params["marker"]
	if !ok {
		return Hash{}, false, nil
	}
	s, isStr := v.(string)
	if !isStr {
		return Hash{}, false, expectedField("marker", "string")
	}
	key, _, _ := strings.Cut(s, ",")
	h, okHash := parseHash(key)
	if !okHash {
		return Hash{}, false, invalidField("marker")
	}
	return h, true, nil
}

func markerFor(k Hash) string { return k.String() + ",0" }

// ownedPage walks an owner directory from after the marker, keeping entries that
// pass keep, up to limit; it returns the page and the marker for the next one.
func ownedPage(r reader, owner AccountID, after Hash, hasAfter bool, limit uint32,
	keep func(Hash, sle) bool) ([]Hash, []sle, string, bool) {
	keys := dirEntries(r, owner)
	start := 0
	if hasAfter {
		found := false
		for i, k := range keys {
			if k == after {
				start, found = i+1, true
				break
			}
		}
		if !found {
			return nil, nil, "", false
		}
	}
	var outK []Hash
	var outE []sle
	marker := ""
	for _, k := range keys[start:] {
		e := r.read(k)
		if e == nil || !keep(k, e) {
			continue
		}
		if uint32(len(outK)) == limit {
			marker = markerFor(outK[len(outK)-1])
			break
		}
		outK = append(outK, k)
		outE = append(outE, e)
	}
	return outK, outE, marker, true
}

func (l *Ledger) rpcAccountLines(c *rpcCall) map[string]any {
	acct, e := accountParam(c.params, "account")
	if e != nil {
		return e
	}
	var peer AccountID
	hasPeer := false
	if _, ok := c.params["peer"]; ok {
		if peer, e = accountParam(c.params, "peer"); e != nil {
			return e
		}
		hasPeer = true
	}
	limit, e := limitParam(c.params, defaultLinesLimit)
	if e != nil {
		return e
	}
	after, hasAfter, e := pageMarker(c.params)
	if e != nil {
		return e
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	sel, e := l.selectLedger(context.Background(), c.params)
	if e != nil {
		return e
	}
	ar := sel.r.read(keyAccount(acct))
	if ar == nil {
		return rpcErr("actNotFound")
	}
	defRipple := getU32(ar, "Flags")&lsfDefaultRipple != 0
	keep := func(_ Hash, x sle) bool {
		if getStr(x, "LedgerEntryType") != "RippleState" {
			return false
		}
		if !hasPeer {
			return true
		}
		lo, _ := amountIssuer(x, "LowLimit")
		hi, _ := amountIssuer(x, "HighLimit")
		return lo == peer || hi == peer
	}
	keys, entries, marker, ok := ownedPage(sel.r, acct, after, hasAfter, limit, keep)
	if !ok {
		return invalidField("marker")
	}
	lines := make([]any, 0, len(entries))
	for i := range entries {
		lines = append(lines, lineJSON(trustLine{key: keys[i], e: entries[i], low: isLow(entries[i], acct)}, defRipple))
	}
	res := map[string]any{"account": acct.String(), "lines": lines}
	if _, ok := c.params["limit"]; ok {
		res["limit"] = limit
	}
	if marker != "" {
		res["marker"] = marker
	}
	sel.inject(res)
	return res
}

func isLow(e sle, a AccountID) bool {
	lo, _ := amountIssuer(e, "LowLimit")
	return lo == a
}

// lineJSON renders a trust line as account_lines does (AccountLines.cpp addLine).
func lineJSON(t trustLine, defRipple bool) map[string]any {
	fl := t.flags()
	peerField, cur := "HighLimit", ""
	myNR, peerNR, myAuth, peerAuth, myFreeze, peerFreeze := uint32(lsfLowNoRipple), uint32(lsfHighNoRipple),
		uint32(lsfLowAuth), uint32(lsfHighAuth), uint32(lsfLowFreeze), uint32(lsfHighFreeze)
	qIn, qOut := "LowQualityIn", "LowQualityOut"
	if !t.low {
		peerField = "LowLimit"
		myNR, peerNR, myAuth, peerAuth, myFreeze, peerFreeze = peerNR, myNR, peerAuth, myAuth, peerFreeze, myFreeze
		qIn, qOut = "HighQualityIn", "HighQualityOut"
	}
	peer, _ := amountIssuer(t.e, peerField)
	if b, ok := t.e["Balance"].(map[string]any); ok {
		cur, _ = b["currency"].(string)
	}
	out := map[string]any{
		"account":     peer.String(),
		"balance":     t.balance().String(),
		"currency":    cur,
		"limit":       t.limit().String(),
		"limit_peer":  t.peerLimit().String(),
		"quality_in":  getU32(t.e, qIn),
		"quality_out": getU32(t.e, qOut),
	}
	if fl&myAuth != 0 {
		out["authorized"] = true
	}
	if fl&peerAuth != 0 {
		out["peer_authorized"] = true
	}
	if fl&myNR != 0 || !defRipple {
		out["no_ripple"] = fl&myNR != 0
	}
	if fl&peerNR != 0 || !defRipple {
		out["no_ripple_peer"] = fl&peerNR != 0
	}
	if fl&myFreeze != 0 {
		out["freeze"] = true
	}
	if fl&peerFreeze != 0 {
		out["freeze_peer"] = true
	}
	return out
}

// objectTypes maps account_objects type filters to ledger entry types; rippled's other
// valid names are accepted and simply match nothing here.
var objectTypes = map[string]string{
	"state": "RippleState", "ticket": "Ticket", "account": "AccountRoot", "directory": "DirectoryNode",
	"amendments": "Amendments", "check": "Check", "deposit_preauth": "DepositPreauth", "escrow": "Escrow",
	"fee": "FeeSettings", "hashes": "LedgerHashes", "offer": "Offer", "payment_channel": "PayChannel",
	"signer_list": "SignerList", "nft_offer": "NFTokenOffer", "nft_page": "NFTokenPage", "amm": "AMM",
	"did": "DID", "oracle": "Oracle", "credential": "Credential", "mpt_issuance": "MPTokenIssuance",
	"mptoken": "MPToken", "bridge": "Bridge", "xchain_owned_claim_id": "XChainOwnedClaimID",
	"xchain_owned_create_account_claim_id": "XChainOwnedCreateAccountClaimID",
	"permissioned_domain":                  "PermissionedDomain", "delegate": "Delegate", "vault": "Vault",
}

func (l *Ledger) rpcAccountObjects(c *rpcCall) map[string]any {
	acct, e := accountParam(c.params, "account")
	if e != nil {
		return e
	}
	typeFilter := ""
	if v, ok := c.params["type"]; ok {
		s, _ := v.(string)
		t, known := objectTypes[strings.ToLower(s)]
		if !known {
			return invalidField("type")
		}
		typeFilter = t
	}
	limit, e := limitParam(c.params, defaultObjectsLimit)
	if e != nil {
		return e
	}
	after, hasAfter, e := pageMarker(c.params)
	if e != nil {
		return e
	}
	blockersOnly := boolParam(c.params, "deletion_blockers_only")
	l.mu.Lock()
	defer l.mu.Unlock()
	sel, e := l.selectLedger(context.Background(), c.params)
	if e != nil {
		return e
	}
	if sel.r.read(keyAccount(acct)) == nil {
		return rpcErr("actNotFound")
	}
	keep := func(_ Hash, x sle) bool {
		t := getStr(x, "LedgerEntryType")
		if blockersOnly && t == "Ticket" {
			return false
		}
		return typeFilter == "" || t == typeFilter
	}
	keys, entries, marker, ok := ownedPage(sel.r, acct, after, hasAfter, limit, keep)
	if !ok {
		return invalidField("marker")
	}
	objs := make([]any, 0, len(entries))
	for i := range entries {
		objs = append(objs, entryJSON(keys[i], entries[i]))
	}
	res := map[string]any{"account": acct.String(), "account_objects": objs}
	if _, ok := c.params["limit"]; ok {
		res["limit"] = limit
	}
	if marker != "" {
		res["marker"] = marker
	}
	sel.inject(res)
	return res
}

func (l *Ledger) rpcGatewayBalances(c *rpcCall) map[string]any {
	acct, e := accountParam(c.params, "account")
	if e != nil {
		return e
	}
	hot := map[AccountID]bool{}
	if v, ok := c.params["hotwallet"]; ok {
		var list []any
		switch x := v.(type) {
		case string:
			list = []any{x}
		case []any:
			list = x
		default:
			return rpcErr("invalidHotWallet")
		}
		for _, item := range list {
			s, _ := item.(string)
			a, err := parseAccount(s)
			if err != nil {
				return rpcErr("invalidHotWallet")
			}
			hot[a] = true
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	sel, e := l.selectLedger(context.Background(), c.params)
	if e != nil {
		return e
	}
	if sel.r.read(keyAccount(acct)) == nil {
		return rpcErr("actNotFound")
	}
	sums := map[string]iou{}
	var order []string
	hotBal := map[string][]any{}
	assets := map[string][]any{}
	frozen := map[string][]any{}
	for _, k := range dirEntries(sel.r, acct) {
		x := sel.r.read(k)
		if x == nil || getStr(x, "LedgerEntryType") != "RippleState" {
			continue
		}
		t := trustLine{key: k, e: x, low: isLow(x, acct)}
		bal := t.balance()
		if bal.isZero() {
			continue
		}
		peerField, freezeBit := "HighLimit", uint32(lsfLowFreeze)
		if !t.low {
			peerField, freezeBit = "LowLimit", lsfHighFreeze
		}
		peer, _ := amountIssuer(x, peerField)
		cur := getStr(x["Balance"].(map[string]any), "currency")
		item := func(v iou) map[string]any { return map[string]any{"currency": cur, "value": v.String()} }
		switch {
		case hot[peer]:
			hotBal[peer.String()] = append(hotBal[peer.String()], item(bal.neg()))
		case bal.sign() > 0:
			assets[peer.String()] = append(assets[peer.String()], item(bal))
		case t.flags()&freezeBit != 0:
			frozen[peer.String()] = append(frozen[peer.String()], item(bal.neg()))
		default:
			if _, seen := sums[cur]; !seen {
				order = append(order, cur)
			}
			s, err := sums[cur].sub(bal)
			if err == nil {
				sums[cur] = s
			}
		}
	}
	res := map[string]any{"account": acct.String()}
	if len(sums) > 0 {
		ob := map[string]any{}
		for _, cur := range order {
			ob[cur] = sums[cur].String()
		}
		res["obligations"] = ob
	}
	if len(hotBal) > 0 {
		res["balances"] = hotBal
	}
	if len(assets) > 0 {
		res["assets"] = assets
	}
	if len(frozen) > 0 {
		res["frozen_balances"] = frozen
	}
	sel.inject(res)
	return res
}
