package jsonschema

import (
	"encoding/json"

	"github.com/srkit-go/srkit/internal/jsontree"
	"github.com/srkit-go/srkit/serde"
)

// TransformFunc is called by [Schema.Transform] for each primitive value a
// property holds (string, number, boolean, null, enum). f describes the
// property (its Type is the type of the value itself, e.g. STRING for the
// items of an array of strings; its Tags are read-only); the returned
// value replaces value.
type TransformFunc func(f Field, value any) (any, error)

// Transform returns v, a decoded JSON value (map[string]any, []any,
// string, float64 or json.Number, bool, nil, as encoding/json decodes into
// any; Go values inside it are seen as encoding/json writes them), with fn
// applied to every primitive value held by a property, the way Confluent's
// field-level rules (encryption, CEL_FIELD) visit a message; it is the
// walk serializers and deserializers run those rules with. v is never
// modified: an object or array with a replaced value is returned as a copy,
// and so is everything on the path to it; what did not change is shared
// with v. For anyOf/oneOf/allOf and "type" arrays the walk follows the
// first subschema the value matches by type (and, for objects, by required
// properties). Values the schema does not describe are left alone. Tags
// are the inline "confluent:tags" (see [Field.TagsWith] for metadata
// tags).
func (s *Schema) Transform(v any, fn TransformFunc) (any, error) {
	s.planOnce.Do(func() { s.plan = planSchema(s.root, serde.NewFieldTagger(nil)) })
	w := newFieldWalker()
	w.maxDepth = MaxMaxDepth
	w.fn = func(f *serde.Field, x any) (any, error) {
		return fn(Field{Path: f.FullName, Name: f.Name, Type: FieldType(f.Type), Tags: f.Tags}, x)
	}
	out, changed, err := w.walk(s.plan, v, 0)
	if err != nil {
		return nil, err
	}
	if !changed {
		return v, nil
	}
	return out, nil
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
