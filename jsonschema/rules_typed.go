package jsonschema

import (
	"encoding/json"
	"reflect"
)

// This file plans how field rules walk a Go value directly (a struct, and
// the pointers, slices, arrays, maps and structs in it), without the JSON
// round trip the map walk needs: once per Go type T and schema plan, when
// the encoder or decoder is built. A tnode pairs a Go type with the plan
// node (pnode) of the values it holds; struct fields are matched to
// properties by the names encoding/json writes them with (goFields).
//
// What the typed plan cannot represent exactly goes through encoding/json
// for that subtree (tJSON): the subtree's JSON form is walked by the map
// walker and read back into a new value of its type. That covers types
// that write themselves (json.Marshaler, encoding.TextMarshaler and their
// Unmarshaler counterparts: time.Time, json.Number, json.RawMessage),
// non-empty interfaces, maps whose keys are not plain strings, combined
// schemas (anyOf, oneOf, allOf, type lists) over objects and arrays, lazy
// plan nodes (deep in a recursive schema), structs with ",string" fields or
// fields promoted through an embedded pointer, and a container where the
// schema has a primitive. A leaf under a combined schema is typed: the
// subschema is chosen from its JSON value as the map walk chooses it.

// tkind is how a Go type holds a plan node's values.
type tkind uint8

const (
	tSkip    tkind = iota // nothing below is visited (the map walk leaves such values alone)
	tStruct               // an object as a struct
	tMap                  // an object as a map with string keys
	tSlice                // an array as a slice or Go array
	tPtr                  // a pointer: nil is null, else its element
	tLeaf                 // a primitive: string, bool, number, []byte
	tDynamic              // an empty interface: its value walked as the map walk walks it
	tJSON                 // through encoding/json (see above)
)

// leafKind is the Go kind of a tLeaf.
type leafKind uint8

const (
	lString leafKind = iota
	lBool
	lInt
	lUint
	lFloat64
	lFloat32
	lBytes // a byte slice: a base64 string
)

// tnode is the plan of Go type t holding the values of plan node p.
type tnode struct {
	p      *pnode
	t      reflect.Type
	kind   tkind
	leaf   leafKind
	fields []tfield // tStruct, tMap: the declared properties a value may hold
	elem   *tnode   // tPtr
	items  *tnode   // tSlice: every item, or those past the tuple
	tuple  []*tnode // tSlice
	// form converts a tStruct's or tMap's values to their JSON form: the
	// containing object of the leaves below.
	form *fplan
}

// tfield is a declared property held by a struct field (index) or a map
// entry (key).
type tfield struct {
	index               []int
	key                 reflect.Value
	omitEmpty, omitZero bool
	sub                 *tnode
}

// maxTypedNodes bounds the typed plan of one Go type.
const maxTypedNodes = 4 * maxPlanNodes

type typedKey struct {
	t reflect.Type
	p *pnode
}

// typedPlanner builds the typed plan of one Go type.
type typedPlanner struct {
	done   map[typedKey]*tnode
	forms  formPlanner
	budget int
}

var (
	jsonNumberType = reflect.TypeFor[json.Number]()
	isZeroerType   = reflect.TypeFor[interface{ IsZero() bool }]()
)

// planTyped returns the typed plan of Go type t over schema plan p, or nil
// when values of t are better walked in their JSON form as a whole (the
// type writes itself, or is an interface).
func planTyped(t reflect.Type, p *pnode) *tnode {
	if p == nil {
		return nil
	}
	pl := &typedPlanner{done: map[typedKey]*tnode{}, forms: formPlanner{}, budget: maxTypedNodes}
	tn := pl.plan(t, p)
	if tn == nil || tn.kind == tJSON || tn.kind == tDynamic {
		return nil
	}
	return tn
}

func (pl *typedPlanner) plan(t reflect.Type, p *pnode) *tnode {
	if p == nil {
		return nil
	}
	key := typedKey{t, p}
	if tn, ok := pl.done[key]; ok {
		return tn
	}
	tn := &tnode{p: p, t: t, kind: tJSON}
	pl.done[key] = tn
	if pl.budget--; pl.budget < 0 {
		return tn
	}
	switch {
	case p.lazy || t == jsonNumberType || implementsCodec(t, false) || implementsCodec(t, true):
		return tn
	case t.Kind() == reflect.Interface:
		if t.NumMethod() == 0 {
			tn.kind = tDynamic
		}
		return tn
	case t.Kind() == reflect.Pointer:
		tn.kind, tn.elem = tPtr, pl.plan(t.Elem(), p)
		return tn
	}
	lk, isLeaf := leafKindOf(t)
	switch {
	case isLeaf:
		tn.kind, tn.leaf = tSkip, lk
		if p.n.kind == kindCombined || p.isLeaf() {
			tn.kind = tLeaf
		}
	case p.n.isEmptyKind() && (t.Kind() == reflect.Struct || t.Kind() == reflect.Array):
		tn.kind = tSkip // an object or array where any value is allowed: left alone
	case p.n.kind == kindCombined || p.isLeaf():
		// tJSON: a container where a subschema is chosen by value, where
		// the schema expects a primitive, or a map or slice (nil is null,
		// a leaf) where it allows anything.
	case p.n.kind == kindObject && t.Kind() == reflect.Struct:
		pl.structFields(tn)
	case p.n.kind == kindObject && t.Kind() == reflect.Map:
		pl.mapFields(tn)
	case p.n.kind == kindArray && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array):
		tn.kind = tSlice
		for _, tp := range p.tuple {
			tn.tuple = append(tn.tuple, pl.plan(t.Elem(), tp))
		}
		tn.items = pl.plan(t.Elem(), p.items)
	case t.Kind() == reflect.Struct || t.Kind() == reflect.Map || t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
		tn.kind = tSkip // an object where the schema has an array, or the reverse, or {}
	}
	return tn
}

// structFields plans the struct fields holding p's declared properties.
func (pl *typedPlanner) structFields(tn *tnode) {
	byName := map[string]goField{}
	for _, f := range goFields(tn.t) {
		byName[f.name] = f
	}
	var fields []tfield
	for _, pr := range tn.p.props {
		f, ok := byName[pr.name]
		if !ok {
			continue
		}
		sub := pl.plan(f.typ, pr.typ)
		if sub == nil || sub.kind == tSkip {
			continue
		}
		if f.quoted || f.viaPointer || (f.omitZero && (f.typ.Implements(isZeroerType) || reflect.PointerTo(f.typ).Implements(isZeroerType))) {
			// A field written inside a string, reached through an
			// embedded pointer (a copy would have to copy the pointee) or
			// left out by its own IsZero: the struct goes through JSON.
			return
		}
		fields = append(fields, tfield{index: f.index, omitEmpty: f.omitEmpty, omitZero: f.omitZero, sub: sub})
	}
	tn.kind, tn.fields, tn.form = tStruct, fields, pl.forms.plan(tn.t)
	if len(fields) == 0 {
		tn.kind = tSkip
	}
}

// mapFields plans the entries of a map holding p's declared properties;
// only keys of a plain string kind are written by encoding/json as they
// are.
func (pl *typedPlanner) mapFields(tn *tnode) {
	kt := tn.t.Key()
	if kt.Kind() != reflect.String || implementsCodec(kt, false) || implementsCodec(kt, true) {
		return
	}
	var fields []tfield
	for _, pr := range tn.p.props {
		sub := pl.plan(tn.t.Elem(), pr.typ)
		if sub == nil || sub.kind == tSkip {
			continue
		}
		fields = append(fields, tfield{key: reflect.ValueOf(pr.name).Convert(kt), sub: sub})
	}
	tn.kind, tn.fields, tn.form = tMap, fields, pl.forms.plan(tn.t)
	if len(fields) == 0 {
		tn.kind = tSkip
	}
}

// leafKindOf returns how encoding/json writes t, if as a JSON primitive.
func leafKindOf(t reflect.Type) (leafKind, bool) {
	switch k := t.Kind(); {
	case k == reflect.String:
		return lString, true
	case k == reflect.Bool:
		return lBool, true
	case k >= reflect.Int && k <= reflect.Int64:
		return lInt, true
	case k >= reflect.Uint && k <= reflect.Uintptr:
		return lUint, true
	case k == reflect.Float64:
		return lFloat64, true
	case k == reflect.Float32:
		return lFloat32, true
	case k == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		// encoding/json writes a byte slice as base64 unless its
		// elements write themselves (then as an array).
		e := t.Elem()
		return lBytes, !implementsCodec(e, false) && !implementsCodec(e, true)
	}
	return 0, false
}
