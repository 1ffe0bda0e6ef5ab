package jsonschema

import (
	"errors"
	"fmt"
	"strings"

	"github.com/srkit-go/srkit/internal/jsontree"
)

// vcompiler compiles the documents of a docSet into vnodes. Each
// (sub)schema is compiled once, however many references lead to it.
type vcompiler struct {
	ds        *docSet
	memo      map[nodeKey]*vnode
	resources map[string]*vresource
	nodes     int
	dynamic   bool
	err       error
}

type nodeKey struct {
	v    *jsontree.Value
	base string
}

// compileValidator compiles the schema rt of ds (already checked against
// its metaschema) for validation.
func compileValidator(ds *docSet, rt target) (*validator, error) {
	c := &vcompiler{ds: ds, memo: map[nodeKey]*vnode{}, resources: map[string]*vresource{}}
	root := c.node(rt)
	if c.err != nil {
		return nil, c.err
	}
	if err := checkLoops(root); err != nil {
		return nil, err
	}
	return &validator{root: root, nodes: c.nodes, dynamic: c.dynamic}, nil
}

func (c *vcompiler) fail(err error) {
	if c.err == nil {
		c.err = err
	}
}

// node returns the compiled schema at t.
func (c *vcompiler) node(t target) *vnode {
	key := nodeKey{t.v, t.base}
	if n, ok := c.memo[key]; ok {
		return n
	}
	n := &vnode{draft: t.draft, minLength: -1, maxLength: -1, minItems: -1, maxItems: -1,
		minContains: -1, maxContains: -1, minProps: -1, maxProps: -1}
	c.memo[key] = n
	c.nodes++
	n.res = c.resource(t.base)
	n.resRoot = n.res.root == n
	switch t.v.Kind {
	case jsontree.Bool:
		n.always = -1
		if t.v.Bool {
			n.always = 1
		}
	case jsontree.Object:
		c.object(n, t)
	default:
		c.fail(errors.New("a schema must be a JSON object or a boolean"))
	}
	return n
}

// resource returns the schema resource whose base URI is base, compiling
// its root and its dynamic anchors the first time.
func (c *vcompiler) resource(base string) *vresource {
	if r, ok := c.resources[base]; ok {
		return r
	}
	r := &vresource{}
	c.resources[base] = r
	rt, ok := c.ds.docs[base]
	if !ok {
		return r
	}
	r.root = c.node(rt)
	r.recursive = rt.draft == draft2019 && isTrue(rt.v.Get("$recursiveAnchor"))
	for name, t := range c.ds.dynamic[base] {
		if r.dynamicAnchors == nil {
			r.dynamicAnchors = map[string]*vnode{}
		}
		r.dynamicAnchors[name] = c.node(t)
	}
	return r
}

func isTrue(v *jsontree.Value) bool { return v != nil && v.Kind == jsontree.Bool && v.Bool }

// child returns the target of subschema v of parent: the same base and
// draft, unless v sets a base URI of its own with $id.
func child(parent target, v *jsontree.Value) target {
	t := target{v: v, base: parent.base, draft: parent.draft}
	if id, ok := schemaID(v, t.draft); ok && !strings.HasPrefix(id, "#") {
		if abs, err := resolveURL(t.base, id); err == nil {
			t.base, _ = splitFragment(abs)
		}
	}
	return t
}

// sub compiles member key of t's object as a subschema, nil if absent.
func (c *vcompiler) sub(t target, key string) *vnode {
	v := t.v.Get(key)
	if v == nil {
		return nil
	}
	return c.node(child(t, v))
}

// subs compiles member key of t's object as an array of subschemas.
func (c *vcompiler) subs(t target, key string) []*vnode {
	v := t.v.Get(key)
	if v == nil || v.Kind != jsontree.Array {
		return nil
	}
	ns := make([]*vnode, len(v.Arr))
	for i, e := range v.Arr {
		ns[i] = c.node(child(t, e))
	}
	return ns
}

// ref compiles the schema a reference names.
func (c *vcompiler) ref(t target, ref string) (*vnode, target) {
	rt, err := c.ds.resolve(t.base, ref)
	if err != nil {
		c.fail(err)
		return &vnode{}, target{}
	}
	return c.node(rt), rt
}

func (c *vcompiler) object(n *vnode, t target) {
	v, d := t.v, t.draft
	if ref, ok := v.Text("$ref"); ok {
		n.ref, _ = c.ref(t, ref)
		if d <= draft7 {
			n.applies = true
			return // all other keywords beside "$ref" are ignored
		}
	}
	c.dynamicKeywords(n, t)
	c.genericKeywords(n, t)
	c.numberKeywords(n, t)
	c.stringKeywords(n, t)
	c.arrayKeywords(n, t)
	c.objectKeywords(n, t)
	n.allOf, n.anyOf, n.oneOf = c.subs(t, "allOf"), c.subs(t, "anyOf"), c.subs(t, "oneOf")
	n.not = c.sub(t, "not")
	if d >= draft7 && v.Has("if") {
		n.ifs, n.then, n.els = c.sub(t, "if"), c.sub(t, "then"), c.sub(t, "else")
	}
	n.annotations = n.unevalProps != nil || n.unevalItems != nil
	n.applies = n.ref != nil || n.dynRef != nil || n.not != nil || len(n.allOf) > 0 || len(n.anyOf) > 0 ||
		len(n.oneOf) > 0 || n.ifs != nil
}

// dynamicKeywords compiles $recursiveRef and $recursiveAnchor (2019-09),
// $dynamicRef (2020-12).
func (c *vcompiler) dynamicKeywords(n *vnode, t target) {
	v := t.v
	switch {
	case t.draft == draft2019:
		n.recAnchor = isTrue(v.Get("$recursiveAnchor"))
		if ref, ok := v.Text("$recursiveRef"); ok {
			static, st := c.ref(t, ref)
			n.dynRef = &vdynRef{kw: "$recursiveRef", static: static, recursive: st.v != nil && isTrue(st.v.Get("$recursiveAnchor"))}
			c.dynamic = true
		}
	case t.draft >= draft2020:
		if ref, ok := v.Text("$dynamicRef"); ok {
			static, st := c.ref(t, ref)
			dr := &vdynRef{kw: "$dynamicRef", static: static}
			if _, frag := splitFragment(ref); frag != "" && !strings.HasPrefix(frag, "/") && st.v != nil {
				if a, ok := st.v.Text("$dynamicAnchor"); ok && a == frag {
					dr.anchor = frag
				}
			}
			n.dynRef = dr
			c.dynamic = true
		}
	}
}

// genericKeywords compiles type, enum, const and format.
func (c *vcompiler) genericKeywords(n *vnode, t target) {
	v := t.v
	switch tv := v.Get("type"); {
	case tv == nil:
	case tv.Kind == jsontree.String:
		n.types, n.typeMsg = typeBit(tv.Str), tv.Str
	case tv.Kind == jsontree.Array:
		names := make([]string, 0, len(tv.Arr))
		for _, e := range tv.Arr {
			n.types |= typeBit(e.Str)
			names = append(names, e.Str)
		}
		n.typeMsg = strings.Join(names, " or ")
	}
	if e := v.Get("enum"); e != nil && e.Kind == jsontree.Array {
		n.hasEnum, n.enum = true, e.Arr
		n.enumMsg = enumMessage(e.Arr)
	}
	if t.draft >= draft6 {
		if cv := v.Get("const"); cv != nil {
			n.hasConst, n.constv = true, cv
		}
	}
	if name, ok := v.Text("format"); ok && t.draft <= draft7 {
		// Formats are assertions up to draft-07 and annotations after.
		n.format, n.formatName = formatChecker(name), name
	}
}

func typeBit(name string) uint8 {
	for i, tn := range typeNames {
		if tn == name {
			return 1 << i
		}
	}
	return 0
}

// enumMessage words a failed enum as santhosh-tekuri/jsonschema did.
func enumMessage(vals []*jsontree.Value) string {
	parts := make([]string, len(vals))
	for i, e := range vals {
		switch e.Kind {
		case jsontree.Object, jsontree.Array:
			return "enum failed"
		default:
			parts[i] = goSyntax(e)
		}
	}
	if len(parts) == 1 {
		return "value must be " + parts[0]
	}
	return "value must be one of " + strings.Join(parts, ", ")
}

// intKeyword reads a non-negative integer keyword, -1 if absent; values
// past int64 saturate.
func intKeyword(v *jsontree.Value, key string) int64 {
	m := v.Get(key)
	if m == nil || m.Kind != jsontree.Number {
		return -1
	}
	d := parseDecimal([]byte(m.Str))
	if d.zero || d.neg {
		return 0
	}
	if d.pexp > 18 {
		return 1<<63 - 1
	}
	var x int64
	for i := 0; i < int(d.pexp); i++ {
		x *= 10
		if i < d.n() {
			x += int64(d.digit(i) - '0')
		}
	}
	return x
}

func bound(v *jsontree.Value) *vbound {
	if v == nil || v.Kind != jsontree.Number {
		return nil
	}
	b := &vbound{d: parseDecimal([]byte(v.Str)), lit: v.Str}
	if b.d.isInt() && (b.d.zero || b.d.pexp <= 18) {
		b.isInt = true
		for i := 0; i < int(b.d.pexp); i++ {
			b.i64 *= 10
			if i < b.d.n() {
				b.i64 += int64(b.d.digit(i) - '0')
			}
		}
		if b.d.neg {
			b.i64 = -b.i64
		}
	}
	return b
}

// numberKeywords compiles the bounds and multipleOf. In draft-04
// exclusiveMinimum and exclusiveMaximum are booleans that make minimum and
// maximum exclusive.
func (c *vcompiler) numberKeywords(n *vnode, t target) {
	v := t.v
	n.minimum, n.maximum = bound(v.Get("minimum")), bound(v.Get("maximum"))
	if e := v.Get("exclusiveMinimum"); e != nil {
		if e.Kind == jsontree.Bool {
			if e.Bool {
				n.minimum, n.exclMin = nil, n.minimum
			}
		} else {
			n.exclMin = bound(e)
		}
	}
	if e := v.Get("exclusiveMaximum"); e != nil {
		if e.Kind == jsontree.Bool {
			if e.Bool {
				n.maximum, n.exclMax = nil, n.maximum
			}
		} else {
			n.exclMax = bound(e)
		}
	}
	if m := bound(v.Get("multipleOf")); m != nil && m.d.sign() > 0 {
		dv := newDivisor(&m.d)
		n.multipleOf, n.multipleOfLit = &dv, m.lit
	}
}

// stringKeywords compiles lengths, pattern and (draft-07) content.
func (c *vcompiler) stringKeywords(n *vnode, t target) {
	v := t.v
	n.minLength, n.maxLength = intKeyword(v, "minLength"), intKeyword(v, "maxLength")
	if p, ok := v.Text("pattern"); ok {
		re, err := compilePattern(p)
		if err != nil {
			c.fail(fmt.Errorf("invalid pattern %q: %w", p, err))
		}
		n.pattern = re
	}
	if t.draft == draft7 {
		enc, _ := v.Text("contentEncoding")
		mt, _ := v.Text("contentMediaType")
		n.base64 = enc == "base64"
		n.jsonContent = mt == "application/json"
	}
}

// arrayKeywords compiles the item keywords, as each draft spells them.
func (c *vcompiler) arrayKeywords(n *vnode, t target) {
	v := t.v
	n.minItems, n.maxItems = intKeyword(v, "minItems"), intKeyword(v, "maxItems")
	n.unique = isTrue(v.Get("uniqueItems"))
	if t.draft >= draft2020 {
		n.prefix, n.prefixKw = c.subs(t, "prefixItems"), "prefixItems"
		n.items, n.itemsKw = c.sub(t, "items"), "items"
	} else if items := v.Get("items"); items != nil {
		if items.Kind == jsontree.Array {
			n.prefix, n.prefixKw = c.subs(t, "items"), "items"
			n.items, n.itemsKw = c.sub(t, "additionalItems"), "additionalItems"
		} else {
			n.items, n.itemsKw = c.sub(t, "items"), "items"
		}
	}
	if t.draft >= draft6 {
		n.contains = c.sub(t, "contains")
	}
	if t.draft >= draft2019 {
		n.minContains, n.maxContains = intKeyword(v, "minContains"), intKeyword(v, "maxContains")
		n.unevalItems = c.sub(t, "unevaluatedItems")
	}
	if n.contains != nil && n.minContains < 0 {
		n.minContains = 1
	}
}

// objectKeywords compiles the property keywords.
func (c *vcompiler) objectKeywords(n *vnode, t target) {
	v := t.v
	if req := v.Get("required"); req != nil && req.Kind == jsontree.Array {
		for _, e := range req.Arr {
			n.required = append(n.required, e.Str)
		}
	}
	if props := v.Get("properties"); props != nil && props.Kind == jsontree.Object {
		for _, m := range props.Obj {
			p := vprop{name: m.Key, n: c.node(child(t, m.Val)), required: -1}
			for i, r := range n.required {
				if r == m.Key {
					p.required = i
					break
				}
			}
			n.props = append(n.props, p)
		}
		if len(n.required) <= 64 {
			for r, name := range n.required {
				found := false
				for i := range n.props {
					if n.props[i].name == name {
						if n.props[i].required == r {
							n.reqMask |= 1 << r
						}
						found = true
					}
				}
				if !found {
					n.reqMask = 0
					break
				}
			}
		}
		if len(n.props) > 8 {
			n.propIndex = make(map[string]int, len(n.props))
			for i, p := range n.props {
				n.propIndex[p.name] = i
			}
		}
	}
	if pp := v.Get("patternProperties"); pp != nil && pp.Kind == jsontree.Object {
		for _, m := range pp.Obj {
			re, err := compilePattern(m.Key)
			if err != nil {
				c.fail(fmt.Errorf("invalid patternProperties pattern %q: %w", m.Key, err))
				continue
			}
			n.patterns = append(n.patterns, vpattern{src: m.Key, re: re, n: c.node(child(t, m.Val))})
		}
	}
	n.additional = c.sub(t, "additionalProperties")
	n.minProps, n.maxProps = intKeyword(v, "minProperties"), intKeyword(v, "maxProperties")
	if t.draft >= draft6 {
		n.propNames = c.sub(t, "propertyNames")
	}
	// santhosh-tekuri/jsonschema v5 applies "dependencies" in every draft.
	c.dependencies(n, t, "dependencies", true, true)
	if t.draft >= draft2019 {
		c.dependencies(n, t, "dependentRequired", true, false)
		c.dependencies(n, t, "dependentSchemas", false, true)
		n.unevalProps = c.sub(t, "unevaluatedProperties")
	}
}

// dependencies compiles a dependencies-like keyword: each member is a list
// of property names (names) or a schema (schemas).
func (c *vcompiler) dependencies(n *vnode, t target, kw string, names, schemas bool) {
	deps := t.v.Get(kw)
	if deps == nil || deps.Kind != jsontree.Object {
		return
	}
	for _, m := range deps.Obj {
		if m.Val.Kind == jsontree.Array {
			if names {
				r := vdepRequired{kw: kw, name: m.Key}
				for _, e := range m.Val.Arr {
					r.names = append(r.names, e.Str)
				}
				n.depRequired = append(n.depRequired, r)
			}
		} else if schemas {
			n.depSchemas = append(n.depSchemas, vdepSchema{kw: kw, name: m.Key, n: c.node(child(t, m.Val))})
		}
	}
}
