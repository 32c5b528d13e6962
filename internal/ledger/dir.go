package ledger

import (
	"bytes"
	"slices"
	"sort"
)

// Directory limits from rippled's Protocol.h.
const (
	dirNodeMaxEntries = 32
	dirNodeMaxPages   = 262144
)

func getIndexes(e sle) []string {
	switch v := e["Indexes"].(type) {
	case []string:
		return v
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			s, _ := x.(string)
			out = append(out, s)
		}
		return out
	}
	return nil
}

// dirInsert adds key to an owner directory the way ApplyView::dirAdd does for unordered
// directories: into the last page, kept sorted, opening a new page when it is full.
// It returns the page number (the object's OwnerNode/LowNode/HighNode) or false when
// the directory is full (tecDIR_FULL).
func dirInsert(sb *sandbox, owner AccountID, key Hash) (uint64, bool) {
	root := keyOwnerDir(owner)
	r := sb.peek(root)
	ks := key.String()
	if r == nil {
		sb.put(root, sle{
			"LedgerEntryType": "DirectoryNode",
			"Flags":           uint32(0),
			"RootIndex":       root.String(),
			"Owner":           owner.String(),
			"Indexes":         []string{ks},
		})
		return 0, true
	}
	page := getU64(r, "IndexPrevious")
	node, nodeKey := r, root
	if page != 0 {
		nodeKey = keyDirPage(root, page)
		node = sb.peek(nodeKey)
		if node == nil {
			return 0, false
		}
	}
	idx := getIndexes(node)
	if len(idx) < dirNodeMaxEntries {
		idx = slices.Clone(idx)
		sort.Strings(idx)
		pos := sort.SearchStrings(idx, ks)
		idx = slices.Insert(idx, pos, ks)
		node["Indexes"] = idx
		sb.put(nodeKey, node)
		return page, true
	}
	page++
	if page >= dirNodeMaxPages {
		return 0, false
	}
	node["IndexNext"] = fmtU64(page)
	sb.put(nodeKey, node)
	if nodeKey != root {
		r = sb.peek(root)
	}
	r["IndexPrevious"] = fmtU64(page)
	sb.put(root, r)
	np := sle{
		"LedgerEntryType": "DirectoryNode",
		"Flags":           uint32(0),
		"RootIndex":       root.String(),
		"Owner":           owner.String(),
		"Indexes":         []string{ks},
	}
	if page != 1 {
		np["IndexPrevious"] = fmtU64(page - 1)
	}
	sb.put(keyDirPage(root, page), np)
	return page, true
}

// dirRemove removes key from page of owner's directory, deleting pages left empty as
// ApplyView::dirRemove does; keepRoot keeps an empty root page.
func dirRemove(sb *sandbox, owner AccountID, page uint64, key Hash, keepRoot bool) bool {
	root := keyOwnerDir(owner)
	nodeKey := keyDirPage(root, page)
	node := sb.peek(nodeKey)
	if node == nil {
		return false
	}
	ks := key.String()
	idx := getIndexes(node)
	i := slices.Index(idx, ks)
	if i < 0 {
		return false
	}
	idx = slices.Delete(slices.Clone(idx), i, i+1)
	node["Indexes"] = idx
	if len(idx) > 0 {
		sb.put(nodeKey, node)
		return true
	}
	if page == 0 {
		if keepRoot || getU64(node, "IndexNext") != 0 {
			sb.put(nodeKey, node)
			return true
		}
		sb.erase(nodeKey)
		return true
	}
	// An empty non-root page is unlinked and deleted.
	prevN := getU64(node, "IndexPrevious")
	nextN := getU64(node, "IndexNext")
	prevKey := keyDirPage(root, prevN)
	prev := sb.peek(prevKey)
	if prev != nil {
		if nextN == 0 {
			delete(prev, "IndexNext")
		} else {
			prev["IndexNext"] = fmtU64(nextN)
		}
		sb.put(prevKey, prev)
	}
	nextKey := keyDirPage(root, nextN)
	if next := sb.peek(nextKey); next != nil {
		if nextKey == root {
			if prevN == 0 {
				delete(next, "IndexPrevious")
			} else {
				next["IndexPrevious"] = fmtU64(prevN)
			}
		} else if prevN == 0 {
			delete(next, "IndexPrevious")
		} else {
			next["IndexPrevious"] = fmtU64(prevN)
		}
		sb.put(nextKey, next)
	}
	sb.erase(nodeKey)
	if !keepRoot {
		if r := sb.read(root); r != nil && len(getIndexes(r)) == 0 && getU64(r, "IndexNext") == 0 {
			sb.erase(root)
		}
	}
	return true
}

// dirEntries lists the keys in owner's directory in page order.
func dirEntries(r reader, owner AccountID) []Hash {
	root := keyOwnerDir(owner)
	var out []Hash
	page := uint64(0)
	for n := 0; n < dirNodeMaxPages; n++ {
		node := r.read(keyDirPage(root, page))
		if node == nil {
			break
		}
		for _, s := range getIndexes(node) {
			if h, ok := parseHash(s); ok {
				out = append(out, h)
			}
		}
		page = getU64(node, "IndexNext")
		if page == 0 {
			break
		}
	}
	return out
}

func hashLess(a, b Hash) bool { return bytes.Compare(a[:], b[:]) < 0 }
