package jsonschema

import (
	"hash/maphash"
	"slices"

	"github.com/srkit-go/srkit/internal/jsontree"
)

// equal reports whether value i equals the schema value v as JSON Schema
// compares values: numbers by value (1 = 1.0), objects ignoring member
// order, arrays in order.
func (t *tape) equal(i uint32, v *jsontree.Value) bool {
	tok := &t.toks[i]
	switch v.Kind {
	case jsontree.Null:
		return tok.kind == tNull
	case jsontree.Bool:
		return (v.Bool && tok.kind == tTrue) || (!v.Bool && tok.kind == tFalse)
	case jsontree.String:
		return tok.kind == tString && string(t.strValue(i)) == v.Str
	case jsontree.Number:
		if tok.kind != tNumber {
			return false
		}
		a, b := parseDecimal(t.raw(i)), parseDecimal([]byte(v.Str))
		return cmpDecimal(&a, &b) == 0
	case jsontree.Array:
		if tok.kind != tArray || int(tok.n) != len(v.Arr) {
			return false
		}
		e := i + 1
		for _, w := range v.Arr {
			if !t.equal(e, w) {
				return false
			}
			e = t.toks[e].next
		}
		return true
	}
	if tok.kind != tObject || int(tok.n) != len(v.Obj) {
		return false
	}
	for _, m := range v.Obj {
		k := t.member(i, m.Key)
		if k == 0 || !t.equal(k+1, m.Val) {
			return false
		}
	}
	return true
}

// same reports whether values i and j of the tape are equal.
func (t *tape) same(i, j uint32) bool {
	a, b := &t.toks[i], &t.toks[j]
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case tNull, tTrue, tFalse:
		return true
	case tNumber:
		x, y := parseDecimal(t.raw(i)), parseDecimal(t.raw(j))
		return cmpDecimal(&x, &y) == 0
	case tString:
		return t.sameKey(i, j)
	case tArray:
		if a.n != b.n {
			return false
		}
		for x, y := i+1, j+1; x < a.next; x, y = t.toks[x].next, t.toks[y].next {
			if !t.same(x, y) {
				return false
			}
		}
		return true
	}
	if a.n != b.n {
		return false
	}
	return t.members(i, func(_, k uint32) bool {
		other := t.memberLike(j, k)
		return other != 0 && t.same(k+1, other+1)
	})
}

// memberLike returns the key token of obj's member whose key equals key
// token k, 0 if none.
func (t *tape) memberLike(obj, k uint32) uint32 {
	end := t.toks[obj].next
	for o := obj + 1; o < end; o = t.toks[o+1].next {
		if t.toks[o].flags&fShadowed == 0 && t.sameKey(o, k) {
			return o
		}
	}
	return 0
}

// hash returns a hash of value i that equal values share.
func (t *tape) hash(seed maphash.Seed, i uint32) uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	t.writeHash(&h, i)
	return h.Sum64()
}

func (t *tape) writeHash(h *maphash.Hash, i uint32) {
	tok := &t.toks[i]
	h.WriteByte(tok.kind)
	switch tok.kind {
	case tNumber:
		d := parseDecimal(t.raw(i))
		if d.zero {
			return
		}
		if d.neg {
			h.WriteByte('-')
		}
		var buf [8]byte
		for k := range 8 {
			buf[k] = byte(d.pexp >> (8 * k))
		}
		h.Write(buf[:])
		for k := 0; k < d.n(); k++ {
			h.WriteByte(d.digit(k))
		}
	case tString:
		h.Write(t.strValue(i))
	case tArray:
		for e := i + 1; e < tok.next; e = t.toks[e].next {
			t.writeHash(h, e)
		}
	case tObject:
		// Member order does not count: add up the members' hashes.
		var sum uint64
		seed := h.Seed()
		t.members(i, func(_, k uint32) bool {
			var mh maphash.Hash
			mh.SetSeed(seed)
			mh.Write(t.strValue(k))
			t.writeHash(&mh, k+1)
			sum += mh.Sum64()
			return true
		})
		var buf [8]byte
		for k := range 8 {
			buf[k] = byte(sum >> (8 * k))
		}
		h.Write(buf[:])
	}
}

// duplicate returns the indexes of two equal items of array token arr, if
// it has any. Small arrays compare every pair; others compare the items
// whose hashes match, in time linear in the array on average.
func (t *tape) duplicate(arr uint32) (uint32, uint32, bool) {
	n := t.toks[arr].n
	if n < 2 {
		return 0, 0, false
	}
	if n <= 20 {
		var items [20]uint32
		for m, e := uint32(0), arr+1; m < n; m, e = m+1, t.toks[e].next {
			items[m] = e
			for o := uint32(0); o < m; o++ {
				if t.same(items[o], e) {
					return o, m, true
				}
			}
		}
		return 0, 0, false
	}
	seed := t.hashSeed()
	type entry struct {
		h    uint64
		m, e uint32
	}
	entries := make([]entry, 0, n)
	for m, e := uint32(0), arr+1; m < n; m, e = m+1, t.toks[e].next {
		entries = append(entries, entry{t.hash(seed, e), m, e})
	}
	slices.SortFunc(entries, func(a, b entry) int {
		switch {
		case a.h < b.h:
			return -1
		case a.h > b.h:
			return 1
		}
		return int(a.m) - int(b.m)
	})
	// In each run of equal hashes (equal values, but for a 2^-64 chance),
	// the second item repeats the first: the pair with the lowest second
	// index is the one santhosh-tekuri/jsonschema v5 reported.
	found, x, y := false, uint32(0), uint32(0)
	for s := 0; s < len(entries); {
		e := s + 1
		for e < len(entries) && entries[e].h == entries[s].h {
			e++
		}
		for q := s + 1; q < e; q++ {
			if t.same(entries[s].e, entries[q].e) {
				if !found || entries[q].m < y {
					found, x, y = true, entries[s].m, entries[q].m
				}
				break
			}
		}
		s = e
	}
	return x, y, found
}
