package avro

import (
	"fmt"
	"maps"
	"reflect"
	"slices"

	"github.com/srkit-go/srkit/serde"
)

// walker runs one field transform over a value. Values are never modified:
// a record, array or map with a changed element is replaced by a copy
// (a struct copied, a map or slice rebuilt), and so is everything on the
// path to it; whatever did not change is shared with the original.
type walker struct {
	view *ruleView
	tags []string
	fn   serde.FieldFunc
	// field is the Field handed to fn, reused for every leaf.
	field serde.Field
	// cur is the record holding the leaf being visited (a struct's
	// reflect.Value or a generic map) and curNode its plan.
	cur        any
	curNode    *rnode
	containing func() (any, error)
	depth      int
}

func newWalker(v *ruleView, tags []string, fn serde.FieldFunc) *walker {
	w := &walker{view: v, tags: tags, fn: fn}
	w.containing = func() (any, error) { return v.recordGeneric(w.curNode, w.cur) }
	return w
}

// wants reports whether a field (or subtree) with tags is visited.
func (w *walker) wants(tags []string) bool {
	return len(w.tags) == 0 || serde.TagsIntersect(tags, w.tags)
}

// enter counts one level of nesting; a value nested deeper than the
// limit (a cyclic generic value, a hostile depth) is an error.
func (w *walker) enter() error {
	w.depth++
	if w.depth > w.view.maxDepth {
		return fmt.Errorf("%w: the value nests more than %d levels deep", ErrInvalidValue, w.view.maxDepth)
	}
	return nil
}

// typed walks v, a value of p.t, in field f (nil at the top); it returns
// the value to put in its place and whether it differs.
func (w *walker) typed(p *tnode, v reflect.Value, f *rfield) (reflect.Value, bool, error) {
	if err := w.enter(); err != nil {
		return v, false, err
	}
	defer func() { w.depth-- }()
	switch p.kind {
	case tStruct:
		return w.structValue(p, v, f)
	case tPtr:
		if v.IsNil() {
			if f == nil || p.s.kind != kindUnion {
				return v, false, nil
			}
			// A null branch is visited as a NULL leaf, as Confluent's
			// clients visit it.
			out, changed, err := w.leaf(f, p.s.branches[p.s.null], nil)
			if err != nil || !changed || out == nil {
				return v, false, err
			}
			if p.elem.kind != tLeaf {
				return v, false, fmt.Errorf("%w: field %s: a rule returned %T for a null record, array or map", ErrInvalidValue, f.info.FullName, out)
			}
			nv, err := convertLeaf(out, p.t, p.elem.s)
			if err != nil {
				return v, false, fieldErr(f, err)
			}
			return nv, true, nil
		}
		ev, changed, err := w.typed(p.elem, v.Elem(), f)
		if err != nil || !changed {
			return v, false, err
		}
		if v.Kind() != reflect.Pointer {
			return ev, true, nil // a nullable slice or map
		}
		np := reflect.New(p.t.Elem())
		np.Elem().Set(ev)
		return np, true, nil
	case tSlice:
		var out reflect.Value
		for i, n := 0, v.Len(); i < n; i++ {
			ev, changed, err := w.typed(p.elem, v.Index(i), f)
			if err != nil {
				return v, false, err
			}
			if changed {
				if !out.IsValid() {
					out = reflect.MakeSlice(p.t, n, n)
					reflect.Copy(out, v)
				}
				out.Index(i).Set(ev)
			}
		}
		return out, out.IsValid(), nil
	case tMap:
		var out reflect.Value
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return cmpString(a.String(), b.String()) })
		for _, k := range keys {
			ev, changed, err := w.typed(p.elem, v.MapIndex(k), f)
			if err != nil {
				return v, false, err
			}
			if changed {
				if !out.IsValid() {
					out = reflect.MakeMapWithSize(p.t, v.Len())
					for it := v.MapRange(); it.Next(); {
						out.SetMapIndex(it.Key(), it.Value())
					}
				}
				out.SetMapIndex(k, ev)
			}
		}
		return out, out.IsValid(), nil
	case tDynamic:
		x := v.Interface()
		nx, changed, err := w.generic(p.s, x, f)
		if err != nil || !changed {
			return v, false, err
		}
		if nx == nil {
			return reflect.Zero(p.t), true, nil
		}
		nv := reflect.ValueOf(nx)
		if !nv.Type().AssignableTo(p.t) {
			return v, false, fmt.Errorf("%w: a rule's result %T does not fit %s", ErrInvalidValue, nx, p.t)
		}
		out := reflect.New(p.t).Elem()
		out.Set(nv)
		return out, true, nil
	case tLeaf:
		if f == nil {
			return v, false, nil // a top-level primitive is no field
		}
		in := leafInput(v.Interface())
		out, changed, err := w.leaf(f, p.s, in)
		if err != nil || !changed {
			return v, false, err
		}
		nv, err := convertLeaf(out, p.t, p.s)
		if err != nil {
			return v, false, fieldErr(f, err)
		}
		return nv, true, nil
	}
	if f != nil && w.wants(f.tags) {
		return v, false, fmt.Errorf("%w: field %s: rules cannot walk Go type %s for Avro %s", ErrUnsupportedType, f.info.FullName, p.t, p.s.schema.Type())
	}
	return v, false, nil
}

// inherit reports whether the fields of a record held by field up (nil
// at the top) take up's context when their own tags miss the rule's: as
// Confluent's Java client walks them (AvroSchema.toTransformedMessage,
// RuleContext.enterField), a primitive field whose tags miss a rule's
// pushes no context, so its value is handed with the context of the field
// holding its record — directly, or through arrays, maps and unions — when
// that field's tags meet the rule's: up's name and tags, the value's own
// type. Records further down are entered with their own fields' contexts.
func (w *walker) inherit(up *rfield) bool {
	return up != nil && len(w.tags) > 0 && serde.TagsIntersect(up.info.Tags, w.tags)
}

// visitAs returns the field sf's value is walked as in a record held by up
// (see inherit): sf, up, or nil when it is not visited.
func (w *walker) visitAs(sf, up *rfield, inherit bool) *rfield {
	switch {
	case w.wants(sf.tags):
		return sf
	case inherit && sf.inherits:
		return up
	}
	return nil
}

// structValue walks a record held in a struct, in field up (nil at the
// top).
func (w *walker) structValue(p *tnode, v reflect.Value, up *rfield) (reflect.Value, bool, error) {
	inherit := w.inherit(up)
	if !inherit && len(w.tags) > 0 && !serde.TagsIntersect(p.s.tags, w.tags) {
		return v, false, nil
	}
	var out reflect.Value
	for i := range p.fields {
		tf := &p.fields[i]
		sf := w.visitAs(tf.sf, up, inherit)
		if sf == nil {
			continue
		}
		prev, prevNode := w.cur, w.curNode
		if sf == tf.sf {
			// An inheriting field is held by up's record, as in Java.
			w.cur, w.curNode = v, p.s
		}
		fv, changed, err := w.typed(tf.sub, v.FieldByIndex(tf.index), sf)
		w.cur, w.curNode = prev, prevNode
		if err != nil {
			return v, false, err
		}
		if changed {
			if !out.IsValid() {
				out = reflect.New(p.t).Elem()
				out.Set(v)
			}
			out.FieldByIndex(tf.index).Set(fv)
		}
	}
	return out, out.IsValid(), nil
}

// generic walks x, a generic value of schema node n, in field f.
func (w *walker) generic(n *rnode, x any, f *rfield) (any, bool, error) {
	if err := w.enter(); err != nil {
		return x, false, err
	}
	defer func() { w.depth-- }()
	switch n.kind {
	case kindRecord:
		m, ok := x.(map[string]any)
		if !ok {
			return w.dynamic(n, x, f)
		}
		inherit := w.inherit(f)
		if !inherit && len(w.tags) > 0 && !serde.TagsIntersect(n.tags, w.tags) {
			return x, false, nil
		}
		var out map[string]any
		for _, rf := range n.fields {
			sf := w.visitAs(rf, f, inherit)
			if sf == nil {
				continue
			}
			fv, present := m[rf.name]
			prev, prevNode := w.cur, w.curNode
			if sf == rf {
				w.cur, w.curNode = m, n
			}
			nv, changed, err := w.generic(rf.typ, fv, sf)
			w.cur, w.curNode = prev, prevNode
			if err != nil {
				return x, false, err
			}
			if changed && (present || nv != nil) {
				if out == nil {
					out = maps.Clone(m)
				}
				out[rf.name] = nv
			}
		}
		if out == nil {
			return x, false, nil
		}
		return out, true, nil
	case kindArray:
		a, ok := x.([]any)
		if !ok {
			return w.dynamic(n, x, f)
		}
		var out []any
		for i, e := range a {
			ne, changed, err := w.generic(n.elem, e, f)
			if err != nil {
				return x, false, err
			}
			if changed {
				if out == nil {
					out = slices.Clone(a)
				}
				out[i] = ne
			}
		}
		if out == nil {
			return x, false, nil
		}
		return out, true, nil
	case kindMap:
		m, ok := x.(map[string]any)
		if !ok {
			return w.dynamic(n, x, f)
		}
		var out map[string]any
		for _, k := range slices.Sorted(maps.Keys(m)) {
			ne, changed, err := w.generic(n.elem, m[k], f)
			if err != nil {
				return x, false, err
			}
			if changed {
				if out == nil {
					out = maps.Clone(m)
				}
				out[k] = ne
			}
		}
		if out == nil {
			return x, false, nil
		}
		return out, true, nil
	case kindUnion:
		return w.union(n, x, f)
	}
	if f == nil {
		return x, false, nil
	}
	if !isGenericLeaf(x) {
		return w.dynamic(n, x, f)
	}
	out, changed, err := w.leaf(f, n, leafInput(x))
	if err != nil || !changed {
		return x, false, err
	}
	nx, err := genericLeaf(out, x, n)
	if err != nil {
		return x, false, fieldErr(f, err)
	}
	return nx, true, nil
}

// union walks the branch of a union that x holds: {"name": v} for named,
// array and map branches (hamba's generic form), the bare value for
// primitives, nil for null.
func (w *walker) union(n *rnode, x any, f *rfield) (any, bool, error) {
	if x == nil {
		if n.null < 0 || f == nil {
			return x, false, nil
		}
		out, changed, err := w.leaf(f, n.branches[n.null], nil)
		if err != nil || !changed || out == nil {
			return x, false, err
		}
		// A rule set a null field: the value goes in the first primitive
		// branch it fits (hamba picks the branch by Go type).
		for _, b := range n.branches {
			if b.kind == kindLeaf && b.ftype != serde.TypeNull && branchAccepts(b, out) {
				nx, err := genericLeaf(out, nil, b)
				if err != nil {
					return x, false, fieldErr(f, err)
				}
				return nx, true, nil
			}
		}
		return x, false, fieldErr(f, fmt.Errorf("a rule returned %T for a null field of a union without such a branch", out))
	}
	if m, ok := x.(map[string]any); ok && len(m) == 1 {
		for k, v := range m {
			if i := slices.Index(n.keys, k); i >= 0 && k != "" {
				nv, changed, err := w.generic(n.branches[i], v, f)
				if err != nil || !changed {
					return x, false, err
				}
				return map[string]any{k: nv}, true, nil
			}
		}
	}
	for _, b := range n.branches {
		if b.ftype != serde.TypeNull && branchAccepts(b, x) {
			return w.generic(b, x, f)
		}
	}
	if f != nil && w.wants(f.tags) {
		return x, false, fieldErr(f, fmt.Errorf("%T is none of the union's branches", x))
	}
	return x, false, nil
}

// dynamic walks x, a Go value that is not of the generic form (a struct of
// a WithUnionType type, a typed slice or map), with a plan for its type.
func (w *walker) dynamic(n *rnode, x any, f *rfield) (any, bool, error) {
	if x == nil {
		return x, false, nil
	}
	p, err := w.view.dynamicPlan(reflect.TypeOf(x), n)
	if err != nil {
		return x, false, err
	}
	nv, changed, err := w.typed(p, reflect.ValueOf(x), f)
	if err != nil || !changed {
		return x, false, err
	}
	return nv.Interface(), true, nil
}

// leaf calls fn for value x of a leaf in field f, whose branch present is
// n; it returns fn's result and whether it differs from x.
func (w *walker) leaf(f *rfield, n *rnode, x any) (any, bool, error) {
	if len(w.tags) > 0 && !serde.TagsIntersect(f.info.Tags, w.tags) {
		return x, false, nil
	}
	w.field = f.info
	w.field.Type = n.ftype
	w.field.Containing = w.containing
	out, err := w.fn(&w.field, x)
	if err != nil {
		return x, false, err
	}
	return out, !sameLeaf(x, out), nil
}

func fieldErr(f *rfield, err error) error {
	return fmt.Errorf("%w: field %s: %v", ErrInvalidValue, f.info.FullName, err)
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// branchAccepts reports whether x, a generic value, can be a value of
// union branch b as hamba resolves branches by Go type.
func branchAccepts(b *rnode, x any) bool {
	switch b.kind {
	case kindRecord:
		return !isGenericLeaf(x)
	case kindArray:
		return reflect.TypeOf(x).Kind() == reflect.Slice && !isGenericLeaf(x)
	case kindMap:
		return reflect.TypeOf(x).Kind() == reflect.Map
	case kindUnion:
		return false
	}
	want, ok := leafGoType(b)
	if !ok {
		return false
	}
	t := reflect.TypeOf(x)
	if t == want {
		return true
	}
	switch b.ftype {
	case serde.TypeInt, serde.TypeLong:
		k := t.Kind()
		return k >= reflect.Int && k <= reflect.Int64 && (b.ftype == serde.TypeLong || k != reflect.Int64)
	case serde.TypeString, serde.TypeEnum:
		return t.Kind() == reflect.String && logicalOf(b.schema) == ""
	}
	return false
}
