package jsonschema

import (
	"slices"

	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// FieldType is the kind of value a schema field holds, named as Confluent's
// rule engine names field types (RuleContext.Type).
type FieldType string

// Field types.
const (
	TypeRecord   FieldType = "RECORD"
	TypeEnum     FieldType = "ENUM"
	TypeArray    FieldType = "ARRAY"
	TypeMap      FieldType = "MAP"
	TypeCombined FieldType = "COMBINED"
	TypeString   FieldType = "STRING"
	TypeInt      FieldType = "INT"
	TypeDouble   FieldType = "DOUBLE"
	TypeBoolean  FieldType = "BOOLEAN"
	TypeNull     FieldType = "NULL"
)

// Field is a property of an object schema, wherever it is nested.
type Field struct {
	// Path is the field's full name as Confluent's Go rule engine writes it:
	// "$" then ".name" per property; array items add no segment
	// ("$.items.sku").
	Path string
	// Name is the property name.
	Name string
	// Type is the kind of value the property holds.
	Type FieldType
	// Tags are the property schema's inline "confluent:tags".
	Tags []string
}

// maxFields bounds the field list: schemas whose definitions reference each
// other can describe exponentially many paths.
const maxFields = 10000

// Fields returns every property the schema describes, in schema order,
// depth first, following references; a recursive schema lists each
// property once per path until it recurses. The list stops after 10,000
// fields.
func (s *Schema) Fields() []Field { return slices.Clone(s.fieldList()) }

// fieldList computes the field list once.
func (s *Schema) fieldList() []Field {
	s.fieldsOnce.Do(func() { s.fields = collectFields(s.root) })
	return s.fields
}

// TaggedFields returns the inline "confluent:tags" by field path, for the
// fields that carry any.
func (s *Schema) TaggedFields() map[string][]string {
	out := map[string][]string{}
	for _, f := range s.fieldList() {
		if len(f.Tags) > 0 {
			out[f.Path] = slices.Clone(f.Tags)
		}
	}
	return out
}

// TagsWith returns the field's inline tags together with the tags md
// assigns to paths matching the field's path (registry metadata "tags":
// {"**.email": ["PII"]}, matched as [serde.MatchFieldPath] matches them),
// sorted, without duplicates.
func (f Field) TagsWith(md *registry.Metadata) []string {
	tags := serde.NewFieldTagger(md).Tags(f.Path, f.Tags)
	if tags == nil {
		tags = []string{}
	}
	return tags
}

// fieldType returns the type of the values n describes.
func fieldType(n *node) FieldType {
	n = n.deref()
	if n == nil {
		return TypeNull
	}
	switch n.kind {
	case kindObject:
		if len(n.props) == 0 {
			return TypeMap
		}
		return TypeRecord
	case kindEnum, kindConst:
		return TypeEnum
	case kindArray:
		return TypeArray
	case kindCombined:
		return TypeCombined
	case kindString:
		return TypeString
	case kindNumber:
		if n.integer {
			return TypeInt
		}
		return TypeDouble
	case kindBoolean:
		return TypeBoolean
	}
	return TypeNull
}

// inlineTags returns the tags written on a property schema, or on the
// schema it references.
func inlineTags(n *node) []string {
	if n == nil {
		return nil
	}
	if len(n.tags) > 0 {
		return n.tags
	}
	if d := n.deref(); d != nil {
		return d.tags
	}
	return nil
}

// collectFields lists the properties under root.
func collectFields(root *node) []Field {
	var out []Field
	onPath := map[*node]bool{}
	var walk func(n *node, path string)
	walk = func(n *node, path string) {
		n = n.deref()
		if n == nil || onPath[n] || len(out) >= maxFields {
			return
		}
		onPath[n] = true
		defer delete(onPath, n)
		switch n.kind {
		case kindObject:
			for _, p := range n.props {
				if len(out) >= maxFields {
					return
				}
				fp := path + "." + p.name
				out = append(out, Field{Path: fp, Name: p.name, Type: fieldType(p.n), Tags: inlineTags(p.n)})
				walk(p.n, fp)
			}
		case kindArray:
			walk(n.allItems, path)
			for _, t := range n.tuple {
				walk(t, path)
			}
		case kindCombined:
			for _, s := range n.subs {
				walk(s, path)
			}
		}
	}
	walk(root, "$")
	return out
}
