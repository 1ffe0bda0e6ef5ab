package jsonschema

// vstate is the state of one validation: the message's tape and what the
// walk needs. States are pooled by their validator, so a warm validation
// allocates nothing.
type vstate struct {
	v *validator
	t tape
	// collect: build the failure (the second pass over an invalid
	// message); the first pass only decides.
	collect bool
	f       *vfail
	scope   []*vresource // dynamic scope, when the schema needs it
	words   []uint64     // annotation bits
	depth   int          // evaluation depth
	inPlace int          // evaluations of the same value in a row
	broken  string       // why the walk gave up (a loop, too deep)

	// steps counts evaluations. Past memoAfter, results are memoized by
	// schema and value, which bounds the work by their product however
	// the schema's combinators branch; past maxSteps the walk gives up.
	steps, memoAfter, maxSteps uint64
	memo                       map[memoKey]bool
	memoOn                     bool
}

type memoKey struct {
	n *vnode
	i uint32
}

// maxEvalDepth bounds nested evaluations (values nested in values, and
// schemas applied to one value through $ref and combinators), so that no
// schema and message can exhaust the stack.
const maxEvalDepth = 1 << 16

// annot records which members of an object or items of an array a schema
// evaluated, for unevaluatedProperties and unevaluatedItems.
type annot struct {
	all  bool     // every member or item
	upTo uint32   // items before upTo
	bits []uint64 // members or items by ordinal
}

func (a *annot) has(m uint32) bool {
	return a.all || m < a.upTo || (int(m>>6) < len(a.bits) && a.bits[m>>6]&(1<<(m&63)) != 0)
}

func (a *annot) set(m uint32) { a.bits[m>>6] |= 1 << (m & 63) }

func (a *annot) merge(b *annot) {
	a.all = a.all || b.all
	a.upTo = max(a.upTo, b.upTo)
	for i := range b.bits {
		a.bits[i] |= b.bits[i]
	}
}

// newAnnot returns an empty annotation for the value at token i.
func (st *vstate) newAnnot(i uint32) annot {
	tok := &st.t.toks[i]
	var n uint32
	switch tok.kind {
	case tObject:
		n = (tok.next - i) / 2
	case tArray:
		n = tok.n
	default:
		return annot{}
	}
	w := int(n+63) / 64
	off := len(st.words)
	for range w {
		st.words = append(st.words, 0)
	}
	return annot{bits: st.words[off : off+w : off+w]}
}

// start prepares a validation of the parsed tape.
func (st *vstate) start() {
	tokens := uint64(len(st.t.toks))
	st.steps, st.memoOn = 0, false
	st.memoAfter = 16*tokens + 1024
	st.maxSteps = 1<<20 + 4*tokens*uint64(st.v.nodes+1)
	if st.memo != nil {
		clear(st.memo)
	}
}

// run validates the whole tape and reports whether it is valid.
func (st *vstate) run() bool {
	st.f, st.broken, st.depth, st.inPlace = nil, "", 0, 0
	st.scope, st.words = st.scope[:0], st.words[:0]
	return st.eval(st.v.root, 0, nil)
}

// eval validates the value at token i against n, recording what it
// evaluated in ann when ann is not nil.
func (st *vstate) eval(n *vnode, i uint32, ann *annot) bool {
	if n.always != 0 {
		if n.always > 0 {
			return true
		}
		st.leaf("", "not allowed")
		return false
	}
	if st.steps++; st.steps > st.memoAfter && !st.memoOn && !st.v.dynamic {
		st.memoOn = true
		if st.memo == nil {
			st.memo = map[memoKey]bool{}
		}
	}
	if st.steps > st.maxSteps && st.broken == "" {
		st.broken = "the schema's combinators take too long to evaluate on this value (more than " + itoa64(int64(st.maxSteps)) + " evaluations)"
	}
	if st.broken != "" {
		st.leaf("", st.broken)
		return false
	}
	memo := st.memoOn && ann == nil && !st.collect
	if memo {
		if ok, found := st.memo[memoKey{n, i}]; found {
			return ok
		}
	}
	if st.depth++; st.depth > maxEvalDepth {
		st.broken = "the schema and the value nest too deeply to validate"
		st.leaf("", st.broken)
		st.depth--
		return false
	}
	// Entering a schema resource, at its root or through a reference into
	// it, adds it to the dynamic scope.
	pushed := st.v.dynamic && (len(st.scope) == 0 || st.scope[len(st.scope)-1] != n.res)
	if pushed {
		st.scope = append(st.scope, n.res)
	}
	ok := st.keywords(n, i, ann)
	if pushed {
		st.scope = st.scope[:len(st.scope)-1]
	}
	st.depth--
	if memo && st.broken == "" {
		st.memo[memoKey{n, i}] = ok
	}
	return ok
}

// child validates value i, inside the current one, against n.
func (st *vstate) child(n *vnode, i uint32) bool {
	if st.collect && st.passes(n, i, false) {
		return true // nothing to describe there
	}
	saved := st.inPlace
	st.inPlace = 0
	ok := st.eval(n, i, nil)
	st.inPlace = saved
	return ok
}

// same validates the current value i against n, a schema applied in place
// ($ref, allOf ...), merging what n evaluated into ann when n is valid.
func (st *vstate) same(n *vnode, i uint32, ann *annot) bool {
	if st.inPlace++; st.inPlace > st.v.nodes {
		// Only $dynamicRef and $recursiveRef can get here: static loops
		// are refused when the schema is compiled.
		st.broken = "infinite loop: the schema applies itself to the same value"
		st.leaf("", st.broken)
		st.inPlace--
		return false
	}
	var ok bool
	if ann == nil {
		if st.collect && st.passes(n, i, true) {
			st.inPlace--
			return true // nothing to describe there
		}
		ok = st.eval(n, i, nil)
	} else {
		mark := len(st.words)
		sub := st.newAnnot(i)
		if ok = st.eval(n, i, &sub); ok {
			ann.merge(&sub)
		}
		st.words = st.words[:mark]
	}
	st.inPlace--
	return ok
}

// passes is test for the pass that describes a failure: it descends to
// describe only into the schemas that fail, so that it does no more work
// than the first pass.
func (st *vstate) passes(n *vnode, i uint32, inPlace bool) bool {
	st.collect = false
	var ok bool
	if inPlace {
		ok = st.eval(n, i, nil)
	} else {
		saved := st.inPlace
		st.inPlace = 0
		ok = st.eval(n, i, nil)
		st.inPlace = saved
	}
	st.collect = true
	return ok && st.broken == ""
}

// test reports whether value i is valid against n without building a
// failure: for not, if, contains, and the branches of anyOf and oneOf.
func (st *vstate) test(n *vnode, i uint32, ann *annot, inPlace bool) bool {
	saved := st.collect
	st.collect = false
	var ok bool
	if inPlace {
		ok = st.same(n, i, ann)
	} else {
		ok = st.child(n, i)
	}
	st.collect = saved
	return ok && st.broken == ""
}

// keywords checks every keyword of n against value i, in the order
// santhosh-tekuri/jsonschema v5 checked them (so that the first failure
// reported is the same).
func (st *vstate) keywords(n *vnode, i uint32, ann *annot) bool {
	t := &st.t
	kind := t.toks[i].kind
	a := ann
	var local annot
	if n.annotations {
		local = st.newAnnot(i)
		a = &local
	}
	if n.types != 0 && !st.typeOK(n.types, i) {
		if st.collect {
			st.leaf("type", "expected "+n.typeMsg+", but got "+kindName(kind))
		}
		return false
	}
	if n.hasConst && !t.equal(i, n.constv) {
		if st.collect {
			st.leaf("const", constMessage(n))
		}
		return false
	}
	if n.hasEnum && !st.inEnum(n, i) {
		st.leaf("enum", n.enumMsg)
		return false
	}
	if n.format != nil && kind == tString && !n.format(t.strValue(i)) {
		if st.collect {
			st.leaf("format", string(t.strValue(i))+" is not valid "+quote(n.formatName))
		}
		return false
	}
	switch kind {
	case tObject:
		if !st.object(n, i, a) {
			return false
		}
	case tArray:
		if !st.array(n, i, a) {
			return false
		}
	case tString:
		if !st.str(n, i) {
			return false
		}
	case tNumber:
		if !st.number(n, i) {
			return false
		}
	}
	if n.applies && !st.applicators(n, i, a) {
		return false
	}
	if n.annotations && !st.unevaluated(n, i, a) {
		return false
	}
	if ann != nil && n.annotations {
		ann.merge(a)
	}
	return true
}

// applicators checks the keywords that apply subschemas to the value
// itself: $ref, $dynamicRef/$recursiveRef, not, allOf, anyOf, oneOf,
// if/then/else.
func (st *vstate) applicators(n *vnode, i uint32, a *annot) bool {
	if n.ref != nil && !st.same(n.ref, i, a) {
		st.up("$ref", -1)
		return false
	}
	if n.dynRef != nil && !st.same(st.dynamicTarget(n.dynRef), i, a) {
		st.up(n.dynRef.kw, -1)
		return false
	}
	if n.not != nil && st.test(n.not, i, nil, true) {
		st.leaf("not", "not failed")
		return false
	}
	for k, s := range n.allOf {
		if !st.same(s, i, a) {
			st.up("allOf", k)
			return false
		}
	}
	if len(n.anyOf) > 0 {
		matched := false
		for _, s := range n.anyOf {
			if st.test(s, i, a, true) {
				matched = true
				if a == nil {
					break // without annotations to gather, one is enough
				}
			}
		}
		if !matched {
			return st.firstBranch(n.anyOf, i, "anyOf")
		}
	}
	if len(n.oneOf) > 0 {
		matched := -1
		for k, s := range n.oneOf {
			if !st.test(s, i, nil, true) {
				continue
			}
			if matched >= 0 {
				if st.collect {
					st.leaf("oneOf", "valid against schemas at indexes "+itoa(matched)+" and "+itoa(k))
				}
				return false
			}
			matched = k
		}
		if matched < 0 {
			return st.firstBranch(n.oneOf, i, "oneOf")
		}
		if a != nil {
			st.same(n.oneOf[matched], i, a) // again, for its annotations
		}
	}
	if n.ifs != nil {
		if st.test(n.ifs, i, a, true) {
			if n.then != nil && !st.same(n.then, i, a) {
				st.up("then", -1)
				return false
			}
		} else if n.els != nil && !st.same(n.els, i, a) {
			st.up("else", -1)
			return false
		}
	}
	return st.broken == ""
}

// firstBranch reports a failed anyOf or oneOf by the failure of its first
// branch, as santhosh-tekuri/jsonschema v5 did.
func (st *vstate) firstBranch(branches []*vnode, i uint32, kw string) bool {
	if st.broken != "" {
		st.leaf("", st.broken)
		return false
	}
	if st.collect {
		st.same(branches[0], i, nil)
		st.up(kw, 0)
	}
	return false
}

// dynamicTarget resolves a $dynamicRef or $recursiveRef in the current
// dynamic scope: the outermost resource that defines the anchor.
func (st *vstate) dynamicTarget(d *vdynRef) *vnode {
	switch {
	case d.anchor != "":
		for _, r := range st.scope {
			if n, ok := r.dynamicAnchors[d.anchor]; ok {
				return n
			}
		}
	case d.recursive:
		for _, r := range st.scope {
			if r.recursive && r.root != nil {
				return r.root
			}
		}
	}
	return d.static
}
