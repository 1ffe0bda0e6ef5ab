package jsonschema

import (
	"encoding/base64"
	"encoding/json"
	"unicode/utf8"
)

// array checks the array keywords of n against array token i.
func (st *vstate) array(n *vnode, i uint32, a *annot) bool {
	t := &st.t
	count := int64(t.toks[i].n)
	if n.minItems >= 0 && count < n.minItems {
		if st.collect {
			st.leaf("minItems", "minimum "+itoa64(n.minItems)+" items required, but found "+itoa64(count)+" items")
		}
		return false
	}
	if n.maxItems >= 0 && count > n.maxItems {
		if st.collect {
			st.leaf("maxItems", "maximum "+itoa64(n.maxItems)+" items required, but found "+itoa64(count)+" items")
		}
		return false
	}
	if n.unique {
		if x, y, ok := st.t.duplicate(i); ok {
			if st.collect {
				st.leaf("uniqueItems", "items at index "+itoa(int(x))+" and "+itoa(int(y))+" are equal")
			}
			return false
		}
	}
	if len(n.prefix) > 0 || n.items != nil {
		if n.items != nil && n.items.always < 0 && n.itemsKw == "additionalItems" && count > int64(len(n.prefix)) {
			if st.collect {
				st.leaf("additionalItems", "only "+itoa(len(n.prefix))+" items are allowed, but found "+itoa64(count)+" items")
			}
			return false
		}
		m := uint32(0)
		for e := i + 1; e < t.toks[i].next; m, e = m+1, t.toks[e].next {
			s, kw, idx := n.items, n.itemsKw, -1
			if int(m) < len(n.prefix) {
				s, kw, idx = n.prefix[m], n.prefixKw, int(m)
			} else if s == nil {
				break
			}
			if !st.child(s, e) {
				st.up(kw, idx)
				st.downIndex(m)
				return false
			}
		}
		if a != nil {
			if n.items != nil {
				a.all = true
			} else {
				a.upTo = max(a.upTo, uint32(min(len(n.prefix), int(count))))
			}
		}
	}
	if n.contains != nil {
		return st.contains(n, i, a)
	}
	return true
}

// contains checks contains, minContains and maxContains. In 2020-12 the
// items contains matches count as evaluated.
func (st *vstate) contains(n *vnode, i uint32, a *annot) bool {
	t := &st.t
	matched, firstMiss := int64(0), int64(-1)
	m := uint32(0)
	for e := i + 1; e < t.toks[i].next; m, e = m+1, t.toks[e].next {
		if st.test(n.contains, e, nil, false) {
			matched++
			if a != nil && n.draft >= draft2020 {
				a.set(m)
			}
		} else if firstMiss < 0 {
			firstMiss = int64(m)
		}
		if st.broken != "" {
			st.leaf("", st.broken)
			return false
		}
	}
	if n.minContains >= 0 && matched < n.minContains {
		if st.collect {
			if firstMiss >= 0 {
				// Reported by the first item that does not match, as
				// santhosh-tekuri/jsonschema v5 did.
				e := i + 1
				for range firstMiss {
					e = t.toks[e].next
				}
				st.child(n.contains, e)
				st.up("contains", -1)
				st.downIndex(uint32(firstMiss))
			} else {
				st.leaf("minContains", "valid must be >= "+itoa64(n.minContains)+", but got "+itoa64(matched))
			}
		}
		return false
	}
	if n.maxContains >= 0 && matched > n.maxContains {
		if st.collect {
			st.leaf("maxContains", "valid must be <= "+itoa64(n.maxContains)+", but got "+itoa64(matched))
		}
		return false
	}
	return true
}

// str checks the string keywords of n against string token i.
func (st *vstate) str(n *vnode, i uint32) bool {
	t := &st.t
	if n.minLength >= 0 || n.maxLength >= 0 {
		length := int64(utf8.RuneCount(t.strValue(i)))
		if n.minLength >= 0 && length < n.minLength {
			if st.collect {
				st.leaf("minLength", "length must be >= "+itoa64(n.minLength)+", but got "+itoa64(length))
			}
			return false
		}
		if n.maxLength >= 0 && length > n.maxLength {
			if st.collect {
				st.leaf("maxLength", "length must be <= "+itoa64(n.maxLength)+", but got "+itoa64(length))
			}
			return false
		}
	}
	if n.pattern != nil && !n.pattern.Match(t.strValue(i)) {
		if st.collect {
			st.leaf("pattern", "does not match pattern "+quote(n.pattern.String()))
		}
		return false
	}
	if n.base64 || n.jsonContent {
		return st.content(n, i)
	}
	return true
}

// content checks contentEncoding base64 and contentMediaType
// application/json (asserted in draft-07).
func (st *vstate) content(n *vnode, i uint32) bool {
	s := st.t.strValue(i)
	if n.base64 {
		dec, err := base64.StdEncoding.DecodeString(string(s))
		if err != nil {
			if st.collect {
				st.leaf("contentEncoding", "value is not base64 encoded")
			}
			return false
		}
		s = dec
	}
	if n.jsonContent && !json.Valid(s) {
		if st.collect {
			st.leaf("contentMediaType", "value is not of mediatype "+quote("application/json"))
		}
		return false
	}
	return true
}

// number checks the numeric keywords of n against number token i.
func (st *vstate) number(n *vnode, i uint32) bool {
	if n.minimum == nil && n.maximum == nil && n.exclMin == nil && n.exclMax == nil && n.multipleOf == nil {
		return true
	}
	lit := st.t.raw(i)
	if n.minimum != nil && cmpBound(lit, n.minimum) < 0 {
		if st.collect {
			st.leaf("minimum", "must be >= "+floatText(n.minimum.lit)+" but found "+string(lit))
		}
		return false
	}
	if n.exclMin != nil && cmpBound(lit, n.exclMin) <= 0 {
		if st.collect {
			st.leaf("exclusiveMinimum", "must be > "+floatText(n.exclMin.lit)+" but found "+string(lit))
		}
		return false
	}
	if n.maximum != nil && cmpBound(lit, n.maximum) > 0 {
		if st.collect {
			st.leaf("maximum", "must be <= "+floatText(n.maximum.lit)+" but found "+string(lit))
		}
		return false
	}
	if n.exclMax != nil && cmpBound(lit, n.exclMax) >= 0 {
		if st.collect {
			st.leaf("exclusiveMaximum", "must be < "+floatText(n.exclMax.lit)+" but found "+string(lit))
		}
		return false
	}
	if n.multipleOf == nil {
		return true
	}
	if d := parseDecimal(lit); !n.multipleOf.multipleOf(&d) {
		if st.collect {
			st.leaf("multipleOf", string(lit)+" not multipleOf "+floatText(n.multipleOfLit))
		}
		return false
	}
	return true
}

// typeOK reports whether value i has one of the types.
func (st *vstate) typeOK(types uint8, i uint32) bool {
	switch st.t.toks[i].kind {
	case tNull:
		return types&typeNull != 0
	case tTrue, tFalse:
		return types&typeBoolean != 0
	case tObject:
		return types&typeObject != 0
	case tArray:
		return types&typeArray != 0
	case tString:
		return types&typeString != 0
	}
	if types&typeNumber != 0 {
		return true
	}
	if types&typeInteger == 0 {
		return false
	}
	return isIntegerLiteral(st.t.raw(i))
}

// isIntegerLiteral reports whether a number literal is an integer (1.0
// and 1e2 are).
func isIntegerLiteral(lit []byte) bool {
	for _, c := range lit {
		if c == '.' || c == 'e' || c == 'E' {
			d := parseDecimal(lit)
			return d.isInt()
		}
	}
	return true
}

// inEnum reports whether value i equals one of n's enum values.
func (st *vstate) inEnum(n *vnode, i uint32) bool {
	for _, e := range n.enum {
		if st.t.equal(i, e) {
			return true
		}
	}
	return false
}
