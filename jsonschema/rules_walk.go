package jsonschema

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"sync"

	"github.com/srkit-go/srkit/serde"
)

// fieldWalker applies a serde.FieldFunc to the leaf properties of a JSON
// form, guided by a schema's plan (rules_plan.go). It never modifies the
// form it is given: an object or array with a changed element is replaced
// by a copy, and so is everything on the path to it; whatever did not
// change is shared with the original.
type fieldWalker struct {
	tagger   *serde.FieldTagger // for lazy plan nodes
	tags     []string
	fn       serde.FieldFunc
	maxDepth int
	// field is the Field handed to fn, reused for every leaf; container is
	// the object holding the leaf being visited.
	field      serde.Field
	container  map[string]any
	containing func() (any, error)
	// cur is, in a typed walk (rules_typed_walk.go), the struct or map
	// holding the leaf being visited, and curForm its conversion plan;
	// its JSON form is the leaf's containing object when container is nil.
	cur     reflect.Value
	curForm *fplan
	// up is what held the property whose object is being walked: the
	// containing object of a leaf visited as that property (pnode.up).
	up holder
}

// holder is a fieldWalker's containing object of the leaves being
// visited: a JSON-form object, else (typed walk) a struct or map.
type holder struct {
	container map[string]any
	cur       reflect.Value
	curForm   *fplan
}

// holder returns what holds the leaves being visited now.
func (w *fieldWalker) holder() holder { return holder{w.container, w.cur, w.curForm} }

// setHolder makes h what holds the leaves being visited.
func (w *fieldWalker) setHolder(h holder) {
	w.container, w.cur, w.curForm = h.container, h.cur, h.curForm
}

// maxCombinedHops bounds the combined schemas one value is looked up
// through.
const maxCombinedHops = 64

// walkers recycles fieldWalkers, so that a walk allocates only the copies
// of what it changes.
type walkers struct{ pool sync.Pool }

func (ws *walkers) get(tagger *serde.FieldTagger, tags []string, fn serde.FieldFunc, maxDepth int) *fieldWalker {
	w, _ := ws.pool.Get().(*fieldWalker)
	if w == nil {
		w = newFieldWalker()
	}
	w.tagger, w.tags, w.fn, w.maxDepth = tagger, tags, fn, maxDepth
	return w
}

func newFieldWalker() *fieldWalker {
	w := &fieldWalker{}
	w.containing = func() (any, error) {
		if w.container == nil && w.cur.IsValid() && w.curForm != nil {
			return w.curForm.form(w.cur, 0)
		}
		return w.container, nil
	}
	return w
}

func (ws *walkers) put(w *fieldWalker) {
	w.tags, w.fn, w.container, w.field, w.cur, w.curForm, w.up = nil, nil, nil, serde.Field{}, reflect.Value{}, nil, holder{}
	ws.pool.Put(w)
}

// walk returns v with the walker's function applied under p, and whether
// anything changed.
func (w *fieldWalker) walk(p *pnode, v any, depth int) (any, bool, error) {
	if depth > w.maxDepth {
		return nil, false, &LimitError{Limit: "MaxDepth", Max: w.maxDepth}
	}
	if p == nil || !p.wanted(w.tags) {
		return v, false, nil
	}
	if !isJSONForm(v) {
		// A Go value inside a generic one ([]string, a struct): walked
		// in the JSON form encoding/json writes it as.
		j, err := jsonLeaf(v)
		if err != nil {
			return nil, false, err
		}
		nv, changed, err := w.walk(p, j, depth)
		if err != nil || !changed {
			return v, false, err
		}
		return nv, true, nil
	}
	// A combined schema is the first subschema the value matches, however
	// many combined schemas it takes to reach one (a bounded number: they
	// may refer to themselves); it adds no nesting.
	for hops := 0; ; hops++ {
		if p == nil || !p.wanted(w.tags) || hops > maxCombinedHops {
			return v, false, nil
		}
		if p.lazy {
			p = p.expand(w.tagger)
		}
		if p.n.kind != kindCombined {
			break
		}
		var next *pnode
		for i, s := range p.n.subs {
			if matches(s, v, 0) {
				next = p.subs[i]
				break
			}
		}
		p = next
	}
	switch p.n.kind {
	case kindObject:
		m, ok := v.(map[string]any)
		if !ok {
			return v, false, nil
		}
		out, changed, err := w.walkObject(p, m, depth)
		if err != nil || !changed {
			return v, false, err
		}
		return out, true, nil
	case kindArray:
		a, ok := v.([]any)
		if !ok {
			return v, false, nil
		}
		// The original is returned as v, never reboxed: boxing a slice
		// allocates.
		out, changed, err := w.walkArray(p, a, depth)
		if err != nil || !changed {
			return v, false, err
		}
		return out, true, nil
	case kindEmpty, kindTrue:
		switch v.(type) {
		case map[string]any, []any:
			return v, false, nil
		}
	}
	if !p.isLeaf() {
		return v, false, nil
	}
	return w.leaf(p, v)
}

// walkObject returns the copy of m with changed properties, if any.
func (w *fieldWalker) walkObject(p *pnode, m map[string]any, depth int) (map[string]any, bool, error) {
	// What holds this object's property is the containing object of its
	// leaves visited as that property; restored on the way out (an error
	// ends the walk).
	var up holder
	if p.holds {
		up, w.up = w.up, w.holder()
	}
	var out map[string]any
	for _, pr := range p.props {
		val, ok := m[pr.name]
		if !ok {
			continue
		}
		w.container = m
		nv, changed, err := w.walk(pr.typ, val, depth+1)
		if err != nil {
			return nil, false, err
		}
		if changed {
			if out == nil {
				out = make(map[string]any, len(m))
				for k, x := range m {
					out[k] = x
				}
			}
			out[pr.name] = nv
		}
	}
	if p.holds {
		w.container, w.up = w.up.container, up
	}
	return out, out != nil, nil
}

// walkArray returns the copy of a with changed items, if any.
func (w *fieldWalker) walkArray(p *pnode, a []any, depth int) ([]any, bool, error) {
	var out []any
	for i, x := range a {
		item := p.items
		if i < len(p.tuple) {
			item = p.tuple[i]
		}
		if item == nil {
			continue
		}
		nv, changed, err := w.walk(item, x, depth+1)
		if err != nil {
			return nil, false, err
		}
		if changed {
			if out == nil {
				out = append([]any(nil), a...)
			}
			out[i] = nv
		}
	}
	return out, out != nil, nil
}

// leaf calls the walker's function on a leaf property whose tags match,
// or that is visited as the tagged property holding its object (pnode.up:
// its Field, its containing object, the value's own type).
func (w *fieldWalker) leaf(p *pnode, v any) (any, bool, error) {
	f := &p.leaf
	if !f.HasAnyTag(w.tags) {
		if p.up == nil || !p.up.HasAnyTag(w.tags) {
			return v, false, nil
		}
		f = p.up
	}
	w.field = *f
	w.field.Type = leafType(p.n, v)
	w.field.Containing = w.containing
	var nv any
	var err error
	if f == p.up {
		at := w.holder()
		w.setHolder(w.up)
		nv, err = w.fn(&w.field, v)
		w.setHolder(at)
	} else {
		nv, err = w.fn(&w.field, v)
	}
	if err != nil {
		return nil, false, err
	}
	if sameLeaf(nv, v) {
		return v, false, nil
	}
	nv, err = jsonLeaf(nv)
	return nv, err == nil, err
}

// isJSONForm reports whether v is a value of the JSON form (or a Go
// number, which a generic value may hold and rules read as a number).
func isJSONForm(v any) bool {
	switch v.(type) {
	case nil, string, bool, float64, json.Number, map[string]any, []any,
		int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32:
		return true
	}
	return false
}

// sameLeaf reports whether a field function returned its value unchanged.
func sameLeaf(a, b any) bool {
	switch a.(type) {
	case nil, string, bool, float64, json.Number, int, int64:
		return a == b
	}
	return false
}

// jsonLeaf returns a field function's result in the JSON form
// (encoding/json's any: numbers as float64).
func jsonLeaf(v any) (any, error) {
	switch v.(type) {
	case nil, string, bool, float64, json.Number:
		return v, nil
	}
	// Go's own number types (a named one may write itself otherwise).
	if rv := reflect.ValueOf(v); rv.Type().PkgPath() == "" {
		switch {
		case rv.CanInt():
			return float64(rv.Int()), nil
		case rv.CanUint():
			return float64(rv.Uint()), nil
		case rv.CanFloat():
			return rv.Float(), nil
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmtLeafError(v, err)
	}
	return decodeDoc(b)
}

// leafType is the serde type of a leaf value under n.
func leafType(n *node, v any) serde.FieldType {
	switch n.kind {
	case kindEnum, kindConst:
		return serde.TypeEnum
	case kindString:
		return serde.TypeString
	case kindNumber:
		if n.integer {
			return serde.TypeInt
		}
		return serde.TypeDouble
	case kindBoolean:
		return serde.TypeBoolean
	case kindNull:
		return serde.TypeNull
	}
	switch x := v.(type) {
	case string:
		return serde.TypeString
	case bool:
		return serde.TypeBoolean
	case float64:
		if x == math.Trunc(x) {
			return serde.TypeInt
		}
		return serde.TypeDouble
	case json.Number:
		return serde.TypeDouble
	}
	return serde.TypeNull
}

// fmtLeafError is the error of a field function's result that is not JSON.
func fmtLeafError(v any, err error) error {
	return fmt.Errorf("%w: a field rule returned %T, which is not JSON: %w", ErrInvalid, v, err)
}
