package jsonschema

import (
	"encoding/json"
	"fmt"
	"github.com/srkit-go/srkit/internal/jsontree"
)

// TransformFunc is called by [Schema.Transform] for each primitive value a
// property holds (string, number, boolean, null, enum). f describes the
// property (its Type is the type of the value itself, e.g. STRING for the
// items of an array of strings); the returned value replaces value.
type TransformFunc func(f Field, value any) (any, error)

// maxWalkDepth bounds how deep Transform descends into a value.
const maxWalkDepth = 10000

// Transform walks a decoded JSON value (map[string]any, []any, string,
// float64 or json.Number, bool, nil, as encoding/json decodes into any)
// along the schema and calls fn for every primitive value held by a
// property, the way Confluent's field-level rules (encryption, CEL_FIELD)
// visit a message. Objects and arrays are updated in place; the possibly
// replaced value is returned. For anyOf/oneOf/allOf and "type" arrays the
// walk follows the first subschema the value matches by type (and, for
// objects, by required properties). Values the schema does not describe
// are left alone.
func (s *Schema) Transform(v any, fn TransformFunc) (any, error) {
	w := walker{fn: fn}
	return w.walk(s.root, v, nil, "$", 0)
}

type walker struct {
	fn TransformFunc
}

// walk transforms v, described by n, inside the property f (nil at the
// root).
func (w *walker) walk(n *node, v any, f *Field, path string, depth int) (any, error) {
	if depth > maxWalkDepth {
		return nil, fmt.Errorf("jsonschema: value nests deeper than %d", maxWalkDepth)
	}
	n = n.deref()
	if n == nil {
		return v, nil
	}
	switch n.kind {
	case kindCombined:
		for _, sub := range n.subs {
			if matches(sub, v, 0) {
				return w.walk(sub, v, f, path, depth+1)
			}
		}
		return v, nil
	case kindArray:
		arr, ok := v.([]any)
		if !ok {
			return v, nil
		}
		for i, e := range arr {
			item := n.allItems
			if i < len(n.tuple) {
				item = n.tuple[i]
			} else if n.tuple != nil {
				item = n.addItemsSch
			}
			nv, err := w.walk(item, e, f, path, depth+1)
			if err != nil {
				return nil, err
			}
			arr[i] = nv
		}
		return arr, nil
	case kindObject:
		obj, ok := v.(map[string]any)
		if !ok {
			return v, nil
		}
		for _, p := range n.props {
			pv, ok := obj[p.name]
			if !ok {
				continue
			}
			fp := path + "." + p.name
			field := Field{Path: fp, Name: p.name, Type: fieldType(p.n), Tags: inlineTags(p.n)}
			nv, err := w.walk(p.n, pv, &field, fp, depth+1)
			if err != nil {
				return nil, err
			}
			obj[p.name] = nv
		}
		return obj, nil
	case kindString, kindNumber, kindBoolean, kindNull, kindEnum, kindConst:
		if f == nil {
			return v, nil
		}
		leaf := *f
		leaf.Type = fieldType(n)
		return w.fn(leaf, v)
	}
	return v, nil
}

// matches reports whether v has the shape n describes: the right JSON type,
// enum membership, and for objects the required properties. It is the
// cheap test the walker uses to pick a branch of a combined schema.
func matches(n *node, v any, depth int) bool {
	n = n.deref()
	if n == nil || depth > 64 {
		return n != nil
	}
	switch n.kind {
	case kindEmpty, kindTrue, kindConditional, kindNot:
		return true
	case kindFalse:
		return false
	case kindNull:
		return v == nil
	case kindBoolean:
		_, ok := v.(bool)
		return ok
	case kindString:
		_, ok := v.(string)
		return ok
	case kindNumber:
		switch x := v.(type) {
		case float64:
			return !n.integer || x == float64(int64(x))
		case json.Number:
			if !n.integer {
				return true
			}
			_, err := x.Int64()
			return err == nil
		case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
			return true
		case float32:
			return !n.integer || x == float32(int64(x))
		}
		return false
	case kindArray:
		if n.requiresArray {
			_, ok := v.([]any)
			return ok
		}
		return true
	case kindObject:
		obj, ok := v.(map[string]any)
		if !ok {
			return !n.requiresObject
		}
		for _, r := range n.required {
			if _, ok := obj[r]; !ok {
				return false
			}
		}
		return true
	case kindEnum:
		for _, e := range n.enum {
			if jsonEqualAny(e, v) {
				return true
			}
		}
		return false
	case kindConst:
		return jsonEqualAny(n.konst, v)
	case kindCombined:
		switch n.criterion {
		case "allOf":
			for _, s := range n.subs {
				if !matches(s, v, depth+1) {
					return false
				}
			}
			return true
		default:
			for _, s := range n.subs {
				if matches(s, v, depth+1) {
					return true
				}
			}
			return false
		}
	}
	return true
}

// jsonEqualAny compares a schema value with a decoded one.
func jsonEqualAny(a *jsontree.Value, v any) bool {
	b, err := json.Marshal(v)
	if err != nil {
		return false
	}
	other, err := jsontree.Parse(b)
	if err != nil {
		return false
	}
	return jsontree.Equal(a, other)
}
