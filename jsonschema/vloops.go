package jsonschema

import "errors"

// checkLoops refuses a schema that reaches itself without descending into
// the value ({"$ref":"#"}, {"allOf":[{"$ref":"#"}]}): validating it would
// never end. Only the schemas the root reaches count.
func checkLoops(root *vnode) error {
	reached := []*vnode{root}
	seen := map[*vnode]bool{root: true}
	for i := 0; i < len(reached); i++ {
		n := reached[i]
		for _, m := range append(n.inPlace(), n.descending()...) {
			if !seen[m] {
				seen[m] = true
				reached = append(reached, m)
			}
		}
	}
	// A cycle of in-place edges alone is a loop.
	const (
		visiting = 1
		done     = 2
	)
	state := make(map[*vnode]uint8, len(reached))
	var visit func(n *vnode) bool
	visit = func(n *vnode) bool {
		state[n] = visiting
		for _, m := range n.inPlace() {
			switch state[m] {
			case visiting:
				return false
			case 0:
				if !visit(m) {
					return false
				}
			}
		}
		state[n] = done
		return true
	}
	for _, n := range reached {
		if state[n] == 0 && !visit(n) {
			return errors.New("infinite loop: the schema applies itself to the same value ($ref, allOf, anyOf, oneOf, not, if, dependencies) without descending into it")
		}
	}
	return nil
}

// inPlace returns the subschemas that apply to the same value as n.
func (n *vnode) inPlace() []*vnode {
	var out []*vnode
	add := func(ms ...*vnode) {
		for _, m := range ms {
			if m != nil {
				out = append(out, m)
			}
		}
	}
	add(n.ref, n.not, n.ifs, n.then, n.els)
	if n.dynRef != nil {
		add(n.dynRef.static)
	}
	add(n.allOf...)
	add(n.anyOf...)
	add(n.oneOf...)
	for _, d := range n.depSchemas {
		add(d.n)
	}
	return out
}

// descending returns the subschemas that apply to values inside n's.
func (n *vnode) descending() []*vnode {
	var out []*vnode
	add := func(ms ...*vnode) {
		for _, m := range ms {
			if m != nil {
				out = append(out, m)
			}
		}
	}
	add(n.items, n.contains, n.unevalItems, n.additional, n.propNames, n.unevalProps)
	add(n.prefix...)
	for _, p := range n.props {
		add(p.n)
	}
	for _, p := range n.patterns {
		add(p.n)
	}
	return out
}
