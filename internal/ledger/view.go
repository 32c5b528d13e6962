package ledger

// reader reads ledger entries by key; nil means absent.
type reader interface {
	read(k Hash) sle
}

// stateMap is the state of the last closed ledger, held in memory.
type stateMap map[Hash]sle

func (s stateMap) read(k Hash) sle { return s[k] }

// layer stacks changes over a base state: the open ledger, or a ledger being built at
// close. A nil value records a deletion.
type layer struct {
	base reader
	m    map[Hash]sle
}

func newLayer(base reader) *layer { return &layer{base: base, m: make(map[Hash]sle)} }

func (l *layer) read(k Hash) sle {
	if v, ok := l.m[k]; ok {
		return v
	}
	return l.base.read(k)
}

// change tracks one entry touched by a transaction, for metadata.
type change struct {
	orig    sle // before the transaction; nil when created
	cur     sle // after; for a deletion, the last value before erasing
	deleted bool
}

// sandbox collects one transaction's changes over a base view. Discarding it is how a
// tec result resets the transaction's effects before the fee is charged again.
type sandbox struct {
	base  reader
	items map[Hash]*change
}

func newSandbox(base reader) *sandbox { return &sandbox{base: base, items: make(map[Hash]*change)} }

func (s *sandbox) read(k Hash) sle {
	if c, ok := s.items[k]; ok {
		if c.deleted {
			return nil
		}
		return c.cur
	}
	return s.base.read(k)
}

// peek returns a private copy of the entry for modification, or nil if absent.
func (s *sandbox) peek(k Hash) sle {
	v := s.read(k)
	if v == nil {
		return nil
	}
	return cloneSLE(v)
}

// put inserts or updates an entry.
func (s *sandbox) put(k Hash, v sle) {
	if c, ok := s.items[k]; ok {
		c.cur = v
		c.deleted = false
		return
	}
	s.items[k] = &change{orig: s.base.read(k), cur: v}
}

// erase deletes an entry; an entry created and erased in one transaction vanishes.
func (s *sandbox) erase(k Hash) {
	c, ok := s.items[k]
	if !ok {
		orig := s.base.read(k)
		s.items[k] = &change{orig: orig, cur: orig, deleted: true}
		return
	}
	if c.orig == nil {
		delete(s.items, k)
		return
	}
	c.deleted = true
}

// touch marks an existing entry as modified without changing it, as rippled does when it
// threads a transaction to the owner of a created or deleted object.
func (s *sandbox) touch(k Hash) {
	if _, ok := s.items[k]; ok {
		return
	}
	if v := s.base.read(k); v != nil {
		s.items[k] = &change{orig: v, cur: cloneSLE(v)}
	}
}

// applyTo writes the sandbox's final values into a layer.
func (s *sandbox) applyTo(l *layer) {
	for k, c := range s.items {
		if c.deleted {
			l.m[k] = nil
		} else {
			l.m[k] = c.cur
		}
	}
}
