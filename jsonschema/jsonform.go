package jsonschema

import (
	"bytes"
	"fmt"
	"reflect"
	"time"
	"unicode/utf8"
)

// This file converts a Go value to its JSON form (what decoding its
// encoding/json text into an any gives: map[string]any, []any, string,
// float64, bool, nil) by reflection, through a plan per Go type built once,
// for rules that read the whole message (CEL CONDITION, JSONata). Whatever
// the plan cannot convert exactly goes through encoding/json for that
// subtree: types that write themselves (json.Number, json.RawMessage,
// Marshalers; a time.Time is its own MarshalJSON text), structs with ",string" fields or with
// omitzero fields that have an IsZero method, maps whose keys are not plain
// strings (or are not valid UTF-8), interface values that are not of the
// JSON form already, and values nested deeper than maxFormDepth (so that a
// cyclic value fails as encoding/json fails on it). The result never
// shares a map or slice with the value.

// maxFormDepth is how deep the reflective conversion goes before handing
// the rest to encoding/json.
const maxFormDepth = 1000

// fkind is how a Go type's values convert.
type fkind uint8

const (
	fJSON   fkind = iota // through encoding/json
	fStruct              // an object
	fMap                 // an object, from a map with plain string keys
	fSlice               // an array, from a slice or Go array
	fPtr                 // nil is null, else the element
	fLeaf                // a primitive
	fIface               // an interface: its dynamic value
	fTime                // a time.Time: its MarshalJSON text, without encoding/json around it
)

var timeType = reflect.TypeFor[time.Time]()

// fplan is the conversion plan of Go type t.
type fplan struct {
	t      reflect.Type
	kind   fkind
	leaf   leafKind
	fields []fplanField // fStruct
	elem   *fplan       // fMap, fSlice, fPtr
}

// fplanField is one struct field encoding/json writes.
type fplanField struct {
	goField
	sub *fplan
}

// planForm returns the conversion plan of t.
func planForm(t reflect.Type) *fplan {
	return formPlanner{}.plan(t)
}

type formPlanner map[reflect.Type]*fplan

func (pl formPlanner) plan(t reflect.Type) *fplan {
	if p, ok := pl[t]; ok {
		return p
	}
	p := &fplan{t: t}
	pl[t] = p
	if t == timeType {
		p.kind = fTime
		return p
	}
	if t == jsonNumberType || implementsCodec(t, false) {
		return p
	}
	if lk, ok := leafKindOf(t); ok {
		p.kind, p.leaf = fLeaf, lk
		return p
	}
	switch t.Kind() {
	case reflect.Interface:
		p.kind = fIface
	case reflect.Pointer:
		p.kind, p.elem = fPtr, pl.plan(t.Elem())
	case reflect.Slice, reflect.Array:
		p.kind, p.elem = fSlice, pl.plan(t.Elem())
	case reflect.Map:
		if k := t.Key(); k.Kind() == reflect.String && !implementsCodec(k, false) {
			p.kind, p.elem = fMap, pl.plan(t.Elem())
		}
	case reflect.Struct:
		var fields []fplanField
		for _, f := range goFields(t) {
			if f.quoted || (f.omitZero && (f.typ.Implements(isZeroerType) || reflect.PointerTo(f.typ).Implements(isZeroerType))) {
				return p
			}
			fields = append(fields, fplanField{goField: f})
		}
		p.kind, p.fields = fStruct, fields
		for i := range p.fields {
			p.fields[i].sub = pl.plan(p.fields[i].typ)
		}
	}
	return p
}

// form returns v's JSON form.
func (p *fplan) form(v reflect.Value, depth int) (any, error) {
	if depth > maxFormDepth {
		return jsonFormOf(v)
	}
	switch p.kind {
	case fLeaf:
		return jsonLeafOf(p.leaf, v)
	case fPtr:
		if v.IsNil() {
			return nil, nil
		}
		return p.elem.form(v.Elem(), depth+1)
	case fStruct:
		m := make(map[string]any, len(p.fields))
		for i := range p.fields {
			f := &p.fields[i]
			fv := v
			if f.viaPointer {
				var err error
				if fv, err = v.FieldByIndexErr(f.index); err != nil {
					continue // through a nil embedded pointer: not written
				}
			} else {
				fv = v.FieldByIndex(f.index)
			}
			if (f.omitEmpty && isEmptyValue(fv)) || (f.omitZero && fv.IsZero()) {
				continue
			}
			x, err := f.sub.form(fv, depth+1)
			if err != nil {
				return nil, err
			}
			m[f.name] = x
		}
		return m, nil
	case fMap:
		if v.IsNil() {
			return nil, nil
		}
		m := make(map[string]any, v.Len())
		for it := v.MapRange(); it.Next(); {
			k := it.Key().String()
			if !utf8.ValidString(k) {
				return jsonFormOf(v)
			}
			x, err := p.elem.form(it.Value(), depth+1)
			if err != nil {
				return nil, err
			}
			m[k] = x
		}
		return m, nil
	case fSlice:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return nil, nil
		}
		a := make([]any, v.Len())
		for i := range a {
			x, err := p.elem.form(v.Index(i), depth+1)
			if err != nil {
				return nil, err
			}
			a[i] = x
		}
		return a, nil
	case fIface:
		if v.IsNil() {
			return nil, nil
		}
		return dynamicForm(v.Elem(), depth+1)
	case fTime:
		b, err := v.Interface().(time.Time).MarshalJSON()
		if err != nil {
			return nil, fmt.Errorf("%w: cannot write %s as JSON: %w", ErrUnsupportedType, v.Type(), err)
		}
		if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' || bytes.IndexByte(b, '\\') >= 0 {
			return decodeDoc(b) // not a plain string literal: never for RFC 3339 text
		}
		return string(b[1 : len(b)-1]), nil
	}
	return jsonFormOf(v)
}

// dynamicForm returns the JSON form of an interface's dynamic value v.
func dynamicForm(v reflect.Value, depth int) (any, error) {
	return anyForm(v.Interface(), depth)
}

// anyForm returns the JSON form of x: a value of the JSON form is copied,
// anything else goes through encoding/json.
func anyForm(x any, depth int) (any, error) {
	if depth > maxFormDepth {
		return jsonFormOf(reflect.ValueOf(x))
	}
	switch y := x.(type) {
	case nil:
		return nil, nil
	case string:
		return validUTF8(y), nil
	case bool:
		return y, nil
	case float64:
		return jsonLeafOf(lFloat64, reflect.ValueOf(y))
	case map[string]any:
		if y == nil {
			return nil, nil
		}
		m := make(map[string]any, len(y))
		for k, e := range y {
			if !utf8.ValidString(k) {
				return jsonFormOf(reflect.ValueOf(x))
			}
			var err error
			if m[k], err = anyForm(e, depth+1); err != nil {
				return nil, err
			}
		}
		return m, nil
	case []any:
		if y == nil {
			return nil, nil
		}
		a := make([]any, len(y))
		for i, e := range y {
			var err error
			if a[i], err = anyForm(e, depth+1); err != nil {
				return nil, err
			}
		}
		return a, nil
	}
	return jsonFormOf(reflect.ValueOf(x))
}
