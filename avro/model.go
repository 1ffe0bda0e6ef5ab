package avro

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/srkit-go/srkit/internal/jsontree"
)

// This file reads a schema's JSON into a model with the semantics of Avro's
// Java parser (the registry's): names and namespaces, properties kept in
// document order, defaults kept as written. The registry's canonical and
// normalized texts are printed from it (canonical.go, normalize.go); hamba
// has already validated the schema, so the model only needs to be faithful,
// not strict.

// Keys Avro's Java parser reserves; every other key is a property.
var (
	schemaReserved = map[string]bool{"doc": true, "fields": true, "items": true, "name": true, "namespace": true,
		"size": true, "symbols": true, "values": true, "type": true, "aliases": true}
	fieldReserved = map[string]bool{"default": true, "doc": true, "name": true, "order": true, "type": true, "aliases": true}
	primitives    = map[string]bool{"null": true, "boolean": true, "int": true, "long": true, "float": true,
		"double": true, "bytes": true, "string": true}
)

// snode is a schema node.
type snode struct {
	typ   string // a primitive, "record", "error", "enum", "fixed", "array", "map", "union" or "ref"
	props []jsontree.Member

	// Named types. space is "" for the null namespace.
	name, space string
	doc         *string
	aliases     []string // full names
	fields      []*sfield
	symbols     []string
	enumDefault *string
	size        int

	items, values *snode
	branches      []*snode

	ref string // "ref": the full name referred to
}

func (n *snode) fullName() string {
	if n.space == "" {
		return n.name
	}
	return n.space + "." + n.name
}

func (n *snode) named() bool {
	return n.typ == "record" || n.typ == "error" || n.typ == "enum" || n.typ == "fixed"
}

type sfield struct {
	name    string
	typ     *snode
	doc     *string
	def     *jsontree.Value
	order   string // "ascending", "descending" or "ignore"
	aliases []string
	props   []jsontree.Member
}

// model is a schema with the named types it and its references define.
type model struct {
	root  *snode
	names map[string]*snode // full name → definition
	// depNames are the full names of the references' top-level types, which
	// Java's canonical form prints as names.
	depNames []string
}

type modelBuilder struct {
	names map[string]*snode
	depth int
}

// buildModel reads text, after its dependencies' texts (in order).
func buildModel(text string, deps []string) (*model, error) {
	b := &modelBuilder{names: map[string]*snode{}}
	m := &model{names: b.names}
	for _, d := range deps {
		v, err := jsontree.ParseString(d)
		if err != nil {
			return nil, err
		}
		n, err := b.node(v, "")
		if err != nil {
			return nil, err
		}
		if n.named() {
			m.depNames = append(m.depNames, n.fullName())
		}
	}
	v, err := jsontree.ParseString(text)
	if err != nil {
		return nil, err
	}
	if m.root, err = b.node(v, ""); err != nil {
		return nil, err
	}
	return m, nil
}

func splitName(name, space string) (string, string) {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[i+1:], name[:i]
	}
	return name, space
}

func qualify(name, space string) string {
	short, sp := splitName(name, space)
	if sp == "" {
		return short
	}
	return sp + "." + short
}

// lookup resolves a type name as Java does: in the current namespace
// first, then as written.
func (b *modelBuilder) lookup(name, space string) string {
	if full := qualify(name, space); b.names[full] != nil {
		return full
	}
	return name
}

func (b *modelBuilder) node(v *jsontree.Value, space string) (*snode, error) {
	b.depth++
	defer func() { b.depth-- }()
	if b.depth > jsontree.MaxDepth {
		return nil, errors.New("schema nests too deeply")
	}
	switch v.Kind {
	case jsontree.String:
		if primitives[v.Str] {
			return &snode{typ: v.Str}, nil
		}
		return b.ref(v.Str, space)
	case jsontree.Array:
		n := &snode{typ: "union"}
		for _, e := range v.Arr {
			br, err := b.node(e, space)
			if err != nil {
				return nil, err
			}
			n.branches = append(n.branches, br)
		}
		return n, nil
	case jsontree.Object:
		return b.object(v, space)
	}
	return nil, fmt.Errorf("a schema cannot be %s", v.Kind.Article())
}

// ref is a use of a named type, which must be defined by then.
func (b *modelBuilder) ref(name, space string) (*snode, error) {
	full := b.lookup(name, space)
	if b.names[full] == nil {
		return nil, fmt.Errorf("undefined name: %q", name)
	}
	return &snode{typ: "ref", ref: full}, nil
}

// keyNames are the keys Avro gives meaning to. Java reads them
// case-sensitively, hamba case-insensitively; a key that differs from one
// of them only in case would be read differently, so it is refused.
var keyNames = map[string]bool{"type": true, "name": true, "namespace": true, "aliases": true, "doc": true,
	"fields": true, "default": true, "order": true, "symbols": true, "items": true, "values": true, "size": true}

func checkKeys(v *jsontree.Value) error {
	for _, m := range v.Obj {
		if l := strings.ToLower(m.Key); keyNames[l] && l != m.Key {
			return fmt.Errorf("key %q: Avro keys are case-sensitive (%q)", m.Key, l)
		}
	}
	return nil
}

func (b *modelBuilder) object(v *jsontree.Value, space string) (*snode, error) {
	if err := checkKeys(v); err != nil {
		return nil, err
	}
	typ, ok := v.Text("type")
	if !ok {
		// hamba also takes {"type": [...]}; Java does not.
		return nil, errors.New("no type: a schema object needs a \"type\" string")
	}
	reserved := schemaReserved
	n := &snode{typ: typ}
	switch {
	case primitives[typ]:
	case typ == "record" || typ == "error" || typ == "enum" || typ == "fixed":
		if err := b.named(n, v, space); err != nil {
			return nil, err
		}
		if typ == "enum" {
			reserved = enumReserved
		}
	case typ == "array":
		items := v.Get("items")
		if items == nil {
			return nil, errors.New("array has no items")
		}
		var err error
		if n.items, err = b.node(items, space); err != nil {
			return nil, err
		}
	case typ == "map":
		values := v.Get("values")
		if values == nil {
			return nil, errors.New("map has no values")
		}
		var err error
		if n.values, err = b.node(values, space); err != nil {
			return nil, err
		}
	default:
		return b.ref(typ, space)
	}
	for _, m := range v.Obj {
		if !reserved[m.Key] {
			n.props = append(n.props, m)
		}
	}
	return n, nil
}

var enumReserved = func() map[string]bool {
	m := map[string]bool{"default": true}
	for k := range schemaReserved {
		m[k] = true
	}
	return m
}()

// named fills a record, enum or fixed and registers its name.
func (b *modelBuilder) named(n *snode, v *jsontree.Value, space string) error {
	name, ok := v.Text("name")
	if !ok || name == "" {
		return fmt.Errorf("no name in %s schema", n.typ)
	}
	if ns, ok := v.Text("namespace"); ok {
		space = ns
	}
	n.name, n.space = splitName(name, space)
	if d, ok := v.Text("doc"); ok {
		n.doc = &d
	}
	if a := v.Get("aliases"); a != nil && a.Kind == jsontree.Array {
		for _, e := range a.Arr {
			if e.Kind == jsontree.String {
				n.aliases = append(n.aliases, qualify(e.Str, n.space))
			}
		}
	}
	if b.names[n.fullName()] != nil {
		return fmt.Errorf("can't redefine: %s", n.fullName())
	}
	b.names[n.fullName()] = n
	switch n.typ {
	case "enum":
		s := v.Get("symbols")
		if s == nil || s.Kind != jsontree.Array {
			return fmt.Errorf("enum %s has no symbols", n.fullName())
		}
		for _, e := range s.Arr {
			if e.Kind != jsontree.String {
				return fmt.Errorf("enum %s: symbols must be strings", n.fullName())
			}
			n.symbols = append(n.symbols, e.Str)
		}
		if d, ok := v.Text("default"); ok {
			n.enumDefault = &d
		}
	case "fixed":
		s := v.Get("size")
		size, ok := intProp(s)
		if !ok || size < 0 || size > math.MaxInt32 {
			return fmt.Errorf("fixed %s has no valid size", n.fullName())
		}
		n.size = size
	default:
		fields := v.Get("fields")
		if fields == nil || fields.Kind != jsontree.Array {
			return fmt.Errorf("record %s has no fields", n.fullName())
		}
		for _, fv := range fields.Arr {
			f, err := b.field(fv, n.space)
			if err != nil {
				return err
			}
			n.fields = append(n.fields, f)
		}
	}
	return nil
}

func (b *modelBuilder) field(v *jsontree.Value, space string) (*sfield, error) {
	if v.Kind != jsontree.Object {
		return nil, errors.New("a field must be an object")
	}
	if err := checkKeys(v); err != nil {
		return nil, err
	}
	f := &sfield{order: "ascending"}
	var ok bool
	if f.name, ok = v.Text("name"); !ok {
		return nil, errors.New("a field has no name")
	}
	t := v.Get("type")
	if t == nil {
		return nil, fmt.Errorf("field %q has no type", f.name)
	}
	var err error
	if f.typ, err = b.node(t, space); err != nil {
		return nil, err
	}
	if d, ok := v.Text("doc"); ok {
		f.doc = &d
	}
	f.def = v.Get("default")
	if o, ok := v.Text("order"); ok {
		f.order = strings.ToLower(o)
	}
	if a := v.Get("aliases"); a != nil && a.Kind == jsontree.Array {
		for _, e := range a.Arr {
			if e.Kind == jsontree.String {
				f.aliases = append(f.aliases, e.Str)
			}
		}
	}
	for _, m := range v.Obj {
		if !fieldReserved[m.Key] {
			f.props = append(f.props, m)
		}
	}
	return f, nil
}

// resolve returns the definition a node stands for (itself unless a ref).
func (m *model) resolve(n *snode) *snode {
	if n.typ == "ref" {
		if d := m.names[n.ref]; d != nil {
			return d
		}
	}
	return n
}
