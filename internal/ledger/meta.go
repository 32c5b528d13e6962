package ledger

import (
	"bytes"
	"sort"
	"strconv"
	"strings"

	"github.com/Peersyst/xrpl-go/binary-codec/definitions"
	"github.com/Peersyst/xrpl-go/pkg/typecheck"
)

// Metadata field classes from rippled's sfields.macro (SField::sMD_*).
func metaNever(f string) bool       { return f == "LedgerEntryType" || f == "Indexes" }
func metaDeleteOnly(f string) bool  { return f == "PreviousTxnID" || f == "PreviousTxnLgrSeq" }
func metaAlways(f string) bool      { return f == "RootIndex" }
func metaDefault(f string) bool     { return !metaNever(f) && !metaDeleteOnly(f) && !metaAlways(f) }
func metaChangeOrig(f string) bool  { return metaDefault(f) }
func metaChangeNew(f string) bool   { return metaDefault(f) || metaAlways(f) }
func metaCreate(f string) bool      { return metaDefault(f) || metaAlways(f) }
func metaDeleteFinal(f string) bool { return metaDefault(f) || metaDeleteOnly(f) || metaAlways(f) }

// threadTx stamps the transaction on every touched entry, and touches the owners of
// created and deleted entries first, as rippled's ApplyStateTable::apply does. It must
// run before metadata is built and before the sandbox is applied.
func threadTx(sb *sandbox, txID Hash, seq uint32) map[Hash][2]any {
	// An entry updated without any change is no modification (ApplyStateTable skips it).
	for k, c := range sb.items {
		if c.orig != nil && !c.deleted && sameValue(c.orig, c.cur) {
			delete(sb.items, k)
		}
	}
	var owners []Hash
	for _, c := range sb.items {
		if c.orig != nil && !c.deleted || c.cur == nil {
			continue
		}
		e := c.cur
		switch getStr(e, "LedgerEntryType") {
		case "AccountRoot":
		case "RippleState":
			if lo, ok := amountIssuer(e, "LowLimit"); ok {
				owners = append(owners, keyAccount(lo))
			}
			if hi, ok := amountIssuer(e, "HighLimit"); ok {
				owners = append(owners, keyAccount(hi))
			}
		default:
			if a, ok := getAccount(e, "Account"); ok {
				owners = append(owners, keyAccount(a))
			}
		}
	}
	for _, k := range owners {
		sb.touch(k)
	}
	prev := make(map[Hash][2]any)
	id := txID.String()
	for k, c := range sb.items {
		if c.deleted {
			continue
		}
		old := getStr(c.cur, "PreviousTxnID")
		if old == id {
			continue
		}
		if c.orig != nil && old != "" && strings.Trim(old, "0") != "" {
			prev[k] = [2]any{old, c.cur["PreviousTxnLgrSeq"]}
		}
		c.cur["PreviousTxnID"] = id
		c.cur["PreviousTxnLgrSeq"] = seq
	}
	return prev
}

func amountIssuer(e sle, f string) (AccountID, bool) {
	m, ok := e[f].(map[string]any)
	if !ok {
		return AccountID{}, false
	}
	s, _ := m["issuer"].(string)
	a, err := parseAccount(s)
	return a, err == nil
}

// buildMeta renders the AffectedNodes of a sandbox after threadTx, sorted by key.
func buildMeta(sb *sandbox, prev map[Hash][2]any) []any {
	keys := make([]Hash, 0, len(sb.items))
	for k := range sb.items {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return bytes.Compare(keys[i][:], keys[j][:]) < 0 })
	nodes := make([]any, 0, len(keys))
	for _, k := range keys {
		c := sb.items[k]
		node := map[string]any{"LedgerIndex": k.String()}
		var kind string
		switch {
		case c.orig == nil:
			kind = "CreatedNode"
			node["LedgerEntryType"] = c.cur["LedgerEntryType"]
			nf := map[string]any{}
			for f, v := range c.cur {
				if metaCreate(f) && !isDefaultValue(f, v) {
					nf[f] = v
				}
			}
			if len(nf) > 0 {
				node["NewFields"] = nf
			}
		case c.deleted:
			kind = "DeletedNode"
			node["LedgerEntryType"] = c.orig["LedgerEntryType"]
			addPrevious(node, c.orig, c.cur)
			ff := map[string]any{}
			for f, v := range c.cur {
				if metaDeleteFinal(f) {
					ff[f] = v
				}
			}
			if len(ff) > 0 {
				node["FinalFields"] = ff
			}
		default:
			kind = "ModifiedNode"
			node["LedgerEntryType"] = c.cur["LedgerEntryType"]
			if p, ok := prev[k]; ok {
				node["PreviousTxnID"] = p[0]
				node["PreviousTxnLgrSeq"] = p[1]
			}
			addPrevious(node, c.orig, c.cur)
			ff := map[string]any{}
			for f, v := range c.cur {
				if metaChangeNew(f) {
					ff[f] = v
				}
			}
			if len(ff) > 0 {
				node["FinalFields"] = ff
			}
		}
		nodes = append(nodes, map[string]any{kind: node})
	}
	return nodes
}

func addPrevious(node map[string]any, orig, cur sle) {
	pf := map[string]any{}
	for f, v := range orig {
		if !metaChangeOrig(f) {
			continue
		}
		if w, ok := cur[f]; !ok || !sameValue(v, w) {
			pf[f] = v
		}
	}
	if len(pf) > 0 {
		node["PreviousFields"] = pf
	}
}

// sameValue compares codec JSON values, treating all integer kinds alike.
func sameValue(a, b any) bool {
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		return ok && x == y
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if !sameValue(v, y[k]) {
				return false
			}
		}
		return true
	case []string:
		y, ok := b.([]string)
		return ok && strings.Join(x, ",") == strings.Join(y, ",")
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameValue(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	xa, ok1 := typecheck.ToUint32(a)
	xb, ok2 := typecheck.ToUint32(b)
	return ok1 && ok2 && xa == xb
}

// isDefaultValue mirrors STBase::isDefault for the types ledger entries use.
func isDefaultValue(field string, v any) bool {
	t, err := definitions.Get().GetTypeNameByFieldName(field)
	if err != nil {
		return false
	}
	switch t {
	case "UInt8", "UInt16", "UInt32":
		n, ok := typecheck.ToUint32(v)
		return ok && n == 0
	case "UInt64":
		s, _ := v.(string)
		n, err := strconv.ParseUint(s, 16, 64)
		return err == nil && n == 0
	case "Hash128", "Hash160", "Hash256":
		s, _ := v.(string)
		return strings.Trim(s, "0") == ""
	case "Amount":
		s, ok := v.(string)
		return ok && s == "0"
	case "Blob", "AccountID":
		s, _ := v.(string)
		return s == ""
	case "Vector256":
		l, _ := v.([]string)
		return len(l) == 0
	}
	return false
}
