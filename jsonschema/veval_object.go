package jsonschema

import "strings"

// members iterates over the members of object token obj that are not
// shadowed by a later member with the same key: m is the member's ordinal
// (counting shadowed ones), k its key token; the value is token k+1.
func (t *tape) members(obj uint32, f func(m, k uint32) bool) bool {
	end := t.toks[obj].next
	for m, k := uint32(0), obj+1; k < end; m, k = m+1, t.toks[k+1].next {
		if t.toks[k].flags&fShadowed != 0 {
			continue
		}
		if !f(m, k) {
			return false
		}
	}
	return true
}

// member returns the key token of the member of obj named name, 0 if none.
func (t *tape) member(obj uint32, name string) uint32 {
	end := t.toks[obj].next
	for k := obj + 1; k < end; k = t.toks[k+1].next {
		if t.toks[k].flags&fShadowed == 0 && t.keyIs(k, name) {
			return k
		}
	}
	return 0
}

// object checks the object keywords of n against object token i.
func (st *vstate) object(n *vnode, i uint32, a *annot) bool {
	t := &st.t
	count := int64(t.toks[i].n)
	if n.minProps >= 0 && count < n.minProps {
		if st.collect {
			st.leaf("minProperties", "minimum "+itoa64(n.minProps)+" properties allowed, but found "+itoa64(count)+" properties")
		}
		return false
	}
	if n.maxProps >= 0 && count > n.maxProps {
		if st.collect {
			st.leaf("maxProperties", "maximum "+itoa64(n.maxProps)+" properties allowed, but found "+itoa64(count)+" properties")
		}
		return false
	}
	// Without a failure to describe, required properties are found by the
	// properties pass when they all are properties.
	fastRequired := !st.collect && n.reqMask != 0 && len(n.props) > 0
	if len(n.required) > 0 && !fastRequired && !st.required(n, i) {
		return false
	}
	if len(n.props) > 0 || len(n.patterns) > 0 || n.additional != nil || n.propNames != nil {
		var found uint64
		if !st.properties(n, i, a, &found) {
			return false
		}
		if fastRequired && found != n.reqMask {
			return false
		}
	}
	for _, d := range n.depRequired {
		if t.member(i, d.name) == 0 {
			continue
		}
		for k, name := range d.names {
			if t.member(i, name) == 0 {
				if st.collect {
					st.leaf(d.kw+"/"+escapePointer(d.name)+"/"+itoa(k),
						"property "+quote(name)+" is required, if "+quote(d.name)+" property exists")
				}
				return false
			}
		}
	}
	for _, d := range n.depSchemas {
		if t.member(i, d.name) != 0 && !st.same(d.n, i, a) {
			st.up(d.kw+"/"+escapePointer(d.name), -1)
			return false
		}
	}
	return true
}

// required checks that every required property is present.
func (st *vstate) required(n *vnode, i uint32) bool {
	t := &st.t
	for _, name := range n.required {
		if t.member(i, name) != 0 {
			continue
		}
		if st.collect {
			var missing []string
			for _, name := range n.required {
				if t.member(i, name) == 0 {
					missing = append(missing, quote(name))
				}
			}
			st.leaf("required", "missing properties: "+strings.Join(missing, ", "))
		}
		return false
	}
	return true
}

// properties checks properties, propertyNames, patternProperties and
// additionalProperties, in that order.
func (st *vstate) properties(n *vnode, i uint32, a *annot, found *uint64) bool {
	if !st.collect && a == nil && len(n.patterns) == 0 && n.propNames == nil {
		return st.propertiesFast(n, i, found)
	}
	t := &st.t
	// evaluated marks the members properties and patternProperties
	// matched.
	var small [4]uint64
	evaluated := small[:]
	if words := int((t.toks[i].next-i)/2+63) / 64; words > len(small) {
		mark := len(st.words)
		defer func() { st.words = st.words[:mark] }()
		ev := st.newAnnot(i)
		evaluated = ev.bits
	}
	mark := func(m uint32) { evaluated[m>>6] |= 1 << (m & 63) }
	marked := func(m uint32) bool { return evaluated[m>>6]&(1<<(m&63)) != 0 }

	if len(n.props) > 0 && !t.members(i, func(m, k uint32) bool {
		p := n.findProp(t, k)
		if p < 0 {
			return true
		}
		mark(m)
		if r := n.props[p].required; r >= 0 && r < 64 {
			*found |= 1 << r
		}
		if !st.child(n.props[p].n, k+1) {
			st.up("properties/"+escapePointer(n.props[p].name), -1)
			st.down(k)
			return false
		}
		return true
	}) {
		return false
	}
	if n.propNames != nil && !t.members(i, func(_, k uint32) bool {
		if !st.child(n.propNames, k) {
			st.up("propertyNames", -1)
			st.down(k)
			return false
		}
		return true
	}) {
		return false
	}
	for _, p := range n.patterns {
		if !t.members(i, func(m, k uint32) bool {
			if !p.re.Match(t.strValue(k)) {
				return true
			}
			mark(m)
			if !st.child(p.n, k+1) {
				st.up("patternProperties/"+escapePointer(p.src), -1)
				st.down(k)
				return false
			}
			return true
		}) {
			return false
		}
	}
	if n.additional != nil {
		if n.additional.always < 0 {
			// false: santhosh-tekuri/jsonschema names every extra property.
			if !t.members(i, func(m, _ uint32) bool { return marked(m) }) {
				if st.collect {
					var extra []string
					t.members(i, func(m, k uint32) bool {
						if !marked(m) {
							extra = append(extra, quote(string(t.strValue(k))))
						}
						return true
					})
					st.leaf("additionalProperties", "additionalProperties "+strings.Join(extra, ", ")+" not allowed")
				}
				return false
			}
		} else if !t.members(i, func(m, k uint32) bool {
			if marked(m) {
				return true
			}
			if !st.child(n.additional, k+1) {
				st.up("additionalProperties", -1)
				st.down(k)
				return false
			}
			return true
		}) {
			return false
		}
	}
	if a != nil {
		if n.additional != nil {
			a.all = true
		} else {
			for w := range a.bits {
				a.bits[w] |= evaluated[w]
			}
		}
	}
	return true
}

// propertiesFast is properties in one pass over the members, for the
// common case: no failure to describe, no annotations to collect, no
// patternProperties or propertyNames.
func (st *vstate) propertiesFast(n *vnode, i uint32, found *uint64) bool {
	t := &st.t
	end := t.toks[i].next
	for k := i + 1; k < end; k = t.toks[k+1].next {
		if t.toks[k].flags&fShadowed != 0 {
			continue
		}
		s := n.additional
		if p := n.findProp(t, k); p >= 0 {
			if r := n.props[p].required; r >= 0 && r < 64 {
				*found |= 1 << r
			}
			s = n.props[p].n
		}
		if s != nil && !st.child(s, k+1) {
			return false
		}
	}
	return true
}

// unevaluated checks unevaluatedProperties and unevaluatedItems against
// the members and items no other keyword evaluated (a), then marks them
// all evaluated.
func (st *vstate) unevaluated(n *vnode, i uint32, a *annot) bool {
	t := &st.t
	switch t.toks[i].kind {
	case tObject:
		if n.unevalProps == nil {
			return true
		}
		if !t.members(i, func(m, k uint32) bool {
			if a.has(m) {
				return true
			}
			if !st.child(n.unevalProps, k+1) {
				st.up("unevaluatedProperties", -1)
				st.down(k)
				return false
			}
			return true
		}) {
			return false
		}
		a.all = true
	case tArray:
		if n.unevalItems == nil {
			return true
		}
		for m, e := uint32(0), i+1; e < t.toks[i].next; m, e = m+1, t.toks[e].next {
			if a.has(m) {
				continue
			}
			if !st.child(n.unevalItems, e) {
				st.up("unevaluatedItems", -1)
				st.downIndex(m)
				return false
			}
		}
		a.all = true
	}
	return true
}
