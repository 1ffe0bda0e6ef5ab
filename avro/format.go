package avro

import (
	"bytes"
	"strings"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/internal/jsontree"
	"github.com/srkit-go/srkit/registry"
)

// Format returns the Avro schema format: parsing with references, the
// registry's canonical and normalized texts, and Confluent's compatibility
// rules. The mock registry uses it to validate schemas and enforce
// compatibility levels.
func Format() compat.Format { return avroFormat{} }

type avroFormat struct{}

// Type implements compat.Format.
func (avroFormat) Type() registry.SchemaType { return registry.Avro }

// Parse implements compat.Format.
func (avroFormat) Parse(schema string, deps []compat.Dependency) (compat.Schema, error) {
	return Parse(schema, deps...)
}

// Schema is a parsed, valid Avro schema. It implements [compat.Schema].
type Schema struct {
	text   string
	deps   []compat.Dependency
	parsed *parsed
}

var _ compat.Schema = (*Schema)(nil)

// Parse parses an Avro schema. deps are the schemas it references,
// directly or not, dependencies before the schemas that use them. Invalid
// JSON, an invalid schema, or a type name neither it nor deps define is an
// error matching [ErrInvalidSchema]. Parsing uses a schema cache of its own:
// named types never leak between schemas.
func Parse(schema string, deps ...compat.Dependency) (*Schema, error) {
	ps, err := parseSchema(schema, deps)
	if err != nil {
		return nil, err
	}
	return &Schema{text: schema, deps: deps, parsed: ps}, nil
}

// FullName returns the full name of the top-level record, enum or fixed
// type, "" for other schemas. Record-name subject strategies use it.
func (s *Schema) FullName() string { return s.parsed.fullName }

// String returns hamba's canonical form (Avro's Parsing Canonical Form plus
// logical types), which is what Confluent's Go serializer registers.
func (s *Schema) String() string { return s.parsed.schema.String() }

// Canonical returns the text Confluent's registry stores for the schema:
// Avro's (Java) rendering as compact JSON, with documentation, defaults,
// aliases and properties kept, and types of referenced schemas as names.
// Texts that differ only in formatting have the same canonical text.
func (s *Schema) Canonical() string { return s.parsed.model.canonical() }

// Normalized returns the text Confluent's registry stores when asked to
// normalize (AvroSchemaUtils.toNormalizedString): full names everywhere,
// "name" before "type", field order, doc, aliases (sorted) and default in a
// fixed order, properties sorted by key, logical types spelled out. A
// logical type's "logicalType" (and a decimal's "precision" and "scale")
// is written once, not again among the sorted properties as a literal
// reading of Confluent's code would.
func (s *Schema) Normalized() string { return s.parsed.model.normalized() }

// CheckRead reports whether data written with writer can be read with s, as
// Confluent's registry decides it (Avro's SchemaCompatibility), and returns
// one message per incompatibility worded as Confluent's
// AvroSchema.isBackwardCompatible words it, with the reader (s) and writer
// schemas named readerLabel and writerLabel. Confluent's registry calls them
// "new" and "old" when it checks that a new schema reads old data, and "old"
// and "new" for the converse (FORWARD).
func (s *Schema) CheckRead(writer compat.Schema, readerLabel, writerLabel string) []string {
	p, ok := writer.(*Schema)
	if !ok {
		return []string{"Incompatible because of different schema type"}
	}
	incs := checkCompatibility(s.parsed.schema, p.parsed.schema)
	if len(incs) == 0 {
		return nil
	}
	msgs := make([]string, len(incs))
	for i, inc := range incs {
		msgs[i] = inc.Message(readerLabel, writerLabel)
	}
	return msgs
}

// lowerFieldOrders rewrites "order" values of record fields to lower case.
// Avro's Java parser accepts any case, and the registry's normalized form
// writes them in upper case ("ASCENDING"); hamba accepts lower case only.
// It returns text unchanged when there is nothing to rewrite.
func lowerFieldOrders(text string) string {
	if !strings.Contains(text, `"order"`) {
		return text
	}
	v, err := jsontree.ParseString(text)
	if err != nil {
		return text
	}
	changed := false
	var walk func(v *jsontree.Value, depth int)
	walk = func(v *jsontree.Value, depth int) {
		if depth > jsontree.MaxDepth {
			return
		}
		switch v.Kind {
		case jsontree.Array:
			for _, e := range v.Arr {
				walk(e, depth+1)
			}
		case jsontree.Object:
			if fs := v.Get("fields"); fs != nil && fs.Kind == jsontree.Array {
				for _, f := range fs.Arr {
					if o := f.Get("order"); o != nil && o.Kind == jsontree.String && o.Str != strings.ToLower(o.Str) {
						o.Str = strings.ToLower(o.Str)
						changed = true
					}
				}
			}
			for _, m := range v.Obj {
				walk(m.Val, depth+1)
			}
		}
	}
	walk(v, 0)
	if !changed {
		return text
	}
	var b bytes.Buffer
	jsontree.Printer{}.Write(&b, v)
	return b.String()
}
