package jsonschema

import (
	"encoding/json"
	"math"
	"slices"

	"github.com/srkit-go/srkit/serde"
)

// fieldWalker applies a serde.FieldFunc to the leaf properties of a JSON
// form, guided by its schema. It builds new maps and slices where values
// change and never modifies the form it is given.
type fieldWalker struct {
	tagger   *serde.FieldTagger
	tags     []string
	fn       serde.FieldFunc
	maxDepth int
}

// fieldCtx is the property being visited.
type fieldCtx struct {
	path, name string
	inline     []string
	container  map[string]any
}

// walk returns v with the walker's function applied under n, and whether
// anything changed. f is the property v is the value of (nil at the top).
func (w *fieldWalker) walk(n *node, v any, f *fieldCtx, depth int) (any, bool, error) {
	if depth > w.maxDepth {
		return nil, false, &LimitError{Limit: "MaxDepth", Max: w.maxDepth}
	}
	n = n.deref()
	if n == nil {
		return v, false, nil
	}
	switch n.kind {
	case kindObject:
		m, ok := v.(map[string]any)
		if !ok {
			return v, false, nil
		}
		return w.walkObject(n, m, f, depth)
	case kindArray:
		a, ok := v.([]any)
		if !ok {
			return v, false, nil
		}
		return w.walkArray(n, a, f, depth)
	case kindCombined:
		for _, s := range n.subs {
			if matches(s, v, 0) {
				return w.walk(s, v, f, depth+1)
			}
		}
		return v, false, nil
	case kindString, kindNumber, kindBoolean, kindNull, kindEnum, kindConst:
		return w.leaf(n, v, f)
	case kindEmpty, kindTrue:
		switch v.(type) {
		case map[string]any, []any:
			return v, false, nil
		}
		return w.leaf(n, v, f)
	}
	return v, false, nil
}

func (w *fieldWalker) walkObject(n *node, m map[string]any, f *fieldCtx, depth int) (any, bool, error) {
	var out map[string]any
	for _, p := range n.props {
		val, ok := m[p.name]
		if !ok {
			continue
		}
		path := "$." + p.name
		if f != nil {
			path = f.path + "." + p.name
		}
		pf := &fieldCtx{path: path, name: p.name, inline: inlineTags(p.n), container: m}
		nv, changed, err := w.walk(p.n, val, pf, depth+1)
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
			out[p.name] = nv
		}
	}
	if out == nil {
		return m, false, nil
	}
	return out, true, nil
}

func (w *fieldWalker) walkArray(n *node, a []any, f *fieldCtx, depth int) (any, bool, error) {
	var out []any
	for i, x := range a {
		item := n.allItems
		switch {
		case i < len(n.tuple):
			item = n.tuple[i]
		case len(n.tuple) > 0:
			item = n.addItemsSch
		}
		if item == nil {
			continue
		}
		nv, changed, err := w.walk(item, x, f, depth+1)
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
	if out == nil {
		return a, false, nil
	}
	return out, true, nil
}

// leaf calls the walker's function on a leaf property whose tags match.
func (w *fieldWalker) leaf(n *node, v any, f *fieldCtx) (any, bool, error) {
	if f == nil {
		return v, false, nil
	}
	inline := f.inline
	if len(n.tags) > 0 {
		// Tags on the leaf schema itself (the items of a tagged array,
		// a branch of a combined schema) count as the property's.
		inline = append(slices.Clip(inline), n.tags...)
	}
	field := &serde.Field{FullName: f.path, Name: f.name, Type: leafType(n, v), Tags: w.tagger.Tags(f.path, inline)}
	if !field.HasAnyTag(w.tags) {
		return v, false, nil
	}
	c := f.container
	field.Containing = func() (any, error) { return c, nil }
	nv, err := w.fn(field, v)
	if err != nil {
		return nil, false, err
	}
	return nv, !sameLeaf(nv, v), nil
}

// sameLeaf reports whether a field function returned its value unchanged.
func sameLeaf(a, b any) bool {
	switch a.(type) {
	case nil, string, bool, float64, json.Number, int, int64:
		return a == b
	}
	return false
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
