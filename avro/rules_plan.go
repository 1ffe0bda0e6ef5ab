package avro

import (
	"fmt"
	"math/big"
	"reflect"
	"slices"

	havro "github.com/hamba/avro/v2"

	"github.com/srkit-go/srkit/serde"
)

// This file plans how field rules walk a schema's values: once per schema
// (rnode, for generic values) and once per Go type in it (tnode, for
// typed values), so that walking a message does no name lookup and no tag
// matching.

// nodeKind is what a schema node holds.
type nodeKind uint8

const (
	kindLeaf nodeKind = iota // a primitive, enum or fixed
	kindRecord
	kindArray
	kindMap
	kindUnion
)

// rnode is the plan of one schema node.
type rnode struct {
	kind   nodeKind
	schema havro.Schema // dereferenced
	ftype  serde.FieldType
	name   string    // a record's full name
	fields []*rfield // a record's fields, in schema order
	elem   *rnode    // array items, map values
	// A union's branches, the key hamba's generic form gives each
	// ({"ns.Name": v}; "" for branches held unwrapped: primitives) and its
	// null branch (-1 if none).
	branches []*rnode
	keys     []string
	null     int
	// tags holds every tag of a field of the record or of a record below
	// (sorted, without duplicates): a walk for other tags skips it.
	tags []string
	// size is a fixed's size (its values are [size]byte).
	size int
}

// rfield is one field of a record plan.
type rfield struct {
	name string
	// info is what a rule sees of a leaf in this field (Type and
	// Containing are set per visit).
	info serde.Field
	typ  *rnode
	// tags are info.Tags and the tags of the records below the field.
	tags []string
	// hasDefault: the field has a default, nullDefault: and it is null.
	hasDefault, nullDefault bool
	// inherits: the field holds a primitive (not an enum, fixed, union,
	// record or container), so in a record held by a field whose tags
	// meet a rule's it takes that field's context when its own tags miss
	// the rule's, as Confluent's Java client hands it (see
	// walker.inherit).
	inherits bool
}

// schemaPlanner builds the snodes of one schema.
type schemaPlanner struct {
	tagger  *serde.FieldTagger
	records map[string]*rnode
}

// planSchema returns the plan of s, whose fields' tags are their
// confluent:tags and tagger's metadata tags.
func planSchema(s havro.Schema, tagger *serde.FieldTagger) *rnode {
	pl := &schemaPlanner{tagger: tagger, records: map[string]*rnode{}}
	n := pl.node(s)
	pl.settle()
	return n
}

func (pl *schemaPlanner) node(s havro.Schema) *rnode {
	s = deref(s)
	n := &rnode{schema: s, ftype: fieldType(s), null: -1}
	switch t := s.(type) {
	case *havro.RecordSchema:
		if p, ok := pl.records[t.FullName()]; ok {
			return p
		}
		n.kind, n.name = kindRecord, t.FullName()
		pl.records[n.name] = n
		for _, f := range t.Fields() {
			full := n.name + "." + f.Name()
			tags := pl.tagger.Tags(full, inlineTags(f))
			sf := &rfield{name: f.Name(), info: serde.Field{FullName: full, Name: f.Name(), Tags: tags}, hasDefault: f.HasDefault()}
			sf.nullDefault = sf.hasDefault && f.Default() == nil
			sf.typ = pl.node(f.Type())
			sf.inherits = sf.typ.kind == kindLeaf && sf.typ.ftype != serde.TypeEnum && sf.typ.ftype != serde.TypeFixed
			n.fields = append(n.fields, sf)
		}
	case *havro.ArraySchema:
		n.kind, n.elem = kindArray, pl.node(t.Items())
	case *havro.MapSchema:
		n.kind, n.elem = kindMap, pl.node(t.Values())
	case *havro.UnionSchema:
		n.kind = kindUnion
		for i, b := range t.Types() {
			bn := pl.node(b)
			key := ""
			switch bn.schema.(type) {
			case *havro.RecordSchema, *havro.EnumSchema, *havro.FixedSchema, *havro.ArraySchema, *havro.MapSchema:
				key = unionKey(bn.schema)
			}
			if bn.schema.Type() == havro.Null {
				n.null = i
			}
			n.branches, n.keys = append(n.branches, bn), append(n.keys, key)
		}
	case *havro.FixedSchema:
		n.size = t.Size()
	}
	return n
}

// settle computes the records' subtree tags, to a fixed point (records
// may be recursive), then each field's.
func (pl *schemaPlanner) settle() {
	recs := make([]*rnode, 0, len(pl.records))
	for _, r := range pl.records {
		recs = append(recs, r)
	}
	for changed := true; changed; {
		changed = false
		for _, r := range recs {
			var tags []string
			for _, f := range r.fields {
				tags = append(tags, f.info.Tags...)
				tags = appendRecordTags(tags, f.typ, 0)
			}
			slices.Sort(tags)
			tags = slices.Compact(tags)
			if len(tags) != len(r.tags) {
				r.tags, changed = tags, true
			}
		}
	}
	for _, r := range recs {
		for _, f := range r.fields {
			tags := appendRecordTags(slices.Clone(f.info.Tags), f.typ, 0)
			slices.Sort(tags)
			f.tags = slices.Compact(tags)
		}
	}
}

// appendRecordTags appends the subtree tags of the records n holds
// (itself, or through arrays, maps and unions).
func appendRecordTags(tags []string, n *rnode, depth int) []string {
	if depth > 64 {
		return tags // nested containers this deep are not real schemas
	}
	switch n.kind {
	case kindRecord:
		return append(tags, n.tags...)
	case kindArray, kindMap:
		return appendRecordTags(tags, n.elem, depth+1)
	case kindUnion:
		for _, b := range n.branches {
			tags = appendRecordTags(tags, b, depth+1)
		}
	}
	return tags
}

// inlineTags returns a field's confluent:tags property.
func inlineTags(f *havro.Field) []string {
	list, ok := f.Prop("confluent:tags").([]any)
	if !ok {
		return nil
	}
	tags := make([]string, 0, len(list))
	for _, t := range list {
		if s, ok := t.(string); ok {
			tags = append(tags, s)
		} else {
			tags = append(tags, fmt.Sprint(t))
		}
	}
	return tags
}

// unionKey is the name hamba keys a union branch's generic value with.
func unionKey(s havro.Schema) string {
	s = deref(s)
	if n, ok := s.(havro.NamedSchema); ok {
		return n.FullName()
	}
	name := string(s.Type())
	if l, ok := s.(havro.LogicalTypeSchema); ok && l.Logical() != nil {
		name += "." + string(l.Logical().Type())
	}
	return name
}

// fieldType is the type Confluent's clients give values of an Avro schema.
func fieldType(s havro.Schema) serde.FieldType {
	switch s.Type() {
	case havro.Record:
		return serde.TypeRecord
	case havro.Enum:
		return serde.TypeEnum
	case havro.Array:
		return serde.TypeArray
	case havro.Map:
		return serde.TypeMap
	case havro.Union:
		return serde.TypeCombined
	case havro.Fixed:
		return serde.TypeFixed
	case havro.String:
		return serde.TypeString
	case havro.Bytes:
		return serde.TypeBytes
	case havro.Int:
		return serde.TypeInt
	case havro.Long:
		return serde.TypeLong
	case havro.Float:
		return serde.TypeFloat
	case havro.Double:
		return serde.TypeDouble
	case havro.Boolean:
		return serde.TypeBoolean
	}
	return serde.TypeNull
}

// tkind is how a Go type holds a schema node's values.
type tkind uint8

const (
	tLeaf    tkind = iota // a leaf value of the Go type
	tStruct               // a record as a struct
	tPtr                  // a pointer: nil is null, else the element
	tSlice                // an array as a slice
	tMap                  // a map as a map[string]X
	tDynamic              // an interface or map[string]any: generic values
	tOpaque               // a Go type the walker cannot see into
)

// tnode is the plan of one Go type against one schema node.
type tnode struct {
	s      *rnode
	t      reflect.Type
	kind   tkind
	fields []tfield // tStruct
	elem   *tnode   // tPtr, tSlice, tMap
}

// tfield is one struct field of a tStruct plan.
type tfield struct {
	index []int
	sf    *rfield
	sub   *tnode
}

type tkey struct {
	t reflect.Type
	s *rnode
}

// typePlanner builds the tnodes of Go types against one schema's plan.
type typePlanner struct {
	done map[tkey]*tnode
}

var (
	ratPtrType  = reflect.TypeFor[*big.Rat]()
	genericMap  = reflect.TypeFor[map[string]any]()
	genericList = reflect.TypeFor[[]any]()
)

// plan returns the plan of values of Go type t in schema node s.
func (pl *typePlanner) plan(t reflect.Type, s *rnode) *tnode {
	key := tkey{t, s}
	if p, ok := pl.done[key]; ok {
		return p
	}
	p := &tnode{s: s, t: t}
	pl.done[key] = p
	switch {
	case t.Kind() == reflect.Interface || t == genericMap || t == genericList:
		p.kind = tDynamic
	case t.Kind() == reflect.Pointer && t != ratPtrType:
		p.kind = tPtr
		es := s
		if s.kind == kindUnion {
			es = nonNullBranch(s)
		}
		if es == nil {
			p.kind = tOpaque
			break
		}
		p.elem = pl.plan(t.Elem(), es)
	case s.kind == kindUnion:
		// A nullable union held in a slice or map type (nil is null).
		if b := nonNullBranch(s); b != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Map) {
			p.kind = tPtr
			p.elem = pl.plan(t, b)
		} else {
			p.kind = tOpaque
		}
	case s.kind == kindRecord && t.Kind() == reflect.Struct:
		p.kind = tStruct
		pl.structFields(p)
	case s.kind == kindArray && t.Kind() == reflect.Slice:
		p.kind, p.elem = tSlice, pl.plan(t.Elem(), s.elem)
	case s.kind == kindMap && t.Kind() == reflect.Map && t.Key().Kind() == reflect.String:
		p.kind, p.elem = tMap, pl.plan(t.Elem(), s.elem)
	case s.kind == kindLeaf:
		p.kind = tLeaf
	default:
		p.kind = tOpaque
	}
	return p
}

// structFields plans the struct fields of p that hold the record's fields,
// matched by Avro name as hamba matches them. A field reached through an
// embedded pointer is not visited (it could not be copied on write).
func (pl *typePlanner) structFields(p *tnode) {
	byName := map[string]reflect.StructField{}
	eachField(p.t, func(f reflect.StructField, name string, _ tagOptions, err error) {
		if err == nil && !crossesPointer(p.t, f.Index) {
			if _, dup := byName[name]; !dup {
				byName[name] = f
			}
		}
	})
	for _, sf := range p.s.fields {
		f, ok := byName[sf.name]
		if !ok {
			continue
		}
		p.fields = append(p.fields, tfield{index: f.Index, sf: sf, sub: pl.plan(f.Type, sf.typ)})
	}
}

// crossesPointer reports whether the field at index in t is reached
// through an embedded pointer.
func crossesPointer(t reflect.Type, index []int) bool {
	for _, i := range index[:len(index)-1] {
		t = t.Field(i).Type
		if t.Kind() == reflect.Pointer {
			return true
		}
	}
	return false
}

// nonNullBranch returns the other branch of a nullable union (null and one
// other type), or nil.
func nonNullBranch(u *rnode) *rnode {
	if u.null < 0 || len(u.branches) != 2 {
		return nil
	}
	return u.branches[1-u.null]
}
