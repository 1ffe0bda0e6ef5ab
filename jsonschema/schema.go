package jsonschema

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/internal/jsontree"
	"github.com/srkit-go/srkit/registry"
)

// Schema is a parsed, compiled JSON Schema together with the schemas it
// references. It validates values, answers the registry's compatibility
// question and describes the schema's tagged fields. A Schema is immutable
// and safe for concurrent use.
type Schema struct {
	text      string
	doc       *jsontree.Value
	root      *node
	validator *validator
	draft     int

	fieldsOnce sync.Once
	fields     []Field
	planOnce   sync.Once
	plan       *pnode // Transform's: inline tags only
}

var _ compat.Schema = (*Schema)(nil)

// Parse parses and compiles a JSON Schema. deps are the schemas it
// references ("$ref": "address.json" names the dependency called
// "address.json"), directly or not. References resolve only to the schema
// itself and deps, never to the filesystem or the network. The draft is
// chosen by "$schema" (draft-04, -06, -07, 2019-09, 2020-12); without one
// the schema is read as draft-07, as the registry does. An invalid schema
// or a missing reference is an error matching [ErrInvalidSchema].
func Parse(schema string, deps ...compat.Dependency) (*Schema, error) {
	doc, err := jsontree.Parse([]byte(schema))
	if err != nil {
		return nil, schemaError(err)
	}
	if doc.Kind == jsontree.Object {
		if uri, ok := doc.Get("$schema").StringValue(); ok && draftOf(uri) == 0 {
			return nil, schemaError(fmt.Errorf("unsupported $schema %q", uri))
		}
	} else if doc.Kind != jsontree.Bool {
		return nil, schemaError(errors.New("a schema must be a JSON object or a boolean"))
	}
	docs, rt, err := newDocSet(doc, deps)
	if err != nil {
		return nil, schemaError(err)
	}
	if err := checkMetaschema(schema, rt.draft); err != nil {
		return nil, schemaError(err)
	}
	for _, d := range deps {
		dd, _ := jsontree.Parse([]byte(d.Schema.Schema)) // newDocSet parsed it
		if err := checkMetaschema(d.Schema.Schema, docDraft(dd)); err != nil {
			return nil, schemaError(fmt.Errorf("reference %q: %w", d.Name, err))
		}
	}
	validator, err := compileValidator(docs, rt)
	if err != nil {
		return nil, schemaError(err)
	}
	root, err := buildModel(docs, rt)
	if err != nil {
		return nil, schemaError(err)
	}
	return &Schema{text: schema, doc: doc, root: root, validator: validator, draft: rt.draft}, nil
}

// Canonical returns the schema as the registry prints it: compact, members
// in their original order.
func (s *Schema) Canonical() string {
	return jsontree.Printer{Numbers: jsontree.BigDecimals}.String(s.doc)
}

// Normalized returns the registry's normalized form: compact, object
// members sorted by key.
func (s *Schema) Normalized() string {
	return string(jsontree.Printer{Numbers: jsontree.BigDecimals, SortKeys: true}.Append(nil, s.doc))
}

// String returns the schema text as given.
func (s *Schema) String() string { return s.text }

// Title returns the schema's top-level "title", which Confluent's
// record-name subject strategies use as the record name ("" if none).
func (s *Schema) Title() string {
	t, _ := s.doc.Get("title").StringValue()
	return t
}

// Draft returns the draft the schema is read with: "draft-04", "draft-06",
// "draft-07", "2019-09" or "2020-12".
func (s *Schema) Draft() string {
	switch s.draft {
	case draft4:
		return "draft-04"
	case draft6:
		return "draft-06"
	case draft2019:
		return "2019-09"
	case draft2020:
		return "2020-12"
	}
	return "draft-07"
}

// Compare returns every change from writer (the previous schema,
// Confluent's "original") to reader (the new one, Confluent's "update"),
// compatible or not, in the order the registry finds them. The changes that
// are not [DifferenceType.Compatible] are the reasons reader cannot read
// what writer wrote.
func Compare(reader, writer *Schema) []Difference {
	return diffSchemas(writer.root, reader.root)
}

// CheckRead reports whether data written with writer can be read with
// s, following Confluent's JSON Schema rules (open, closed and partially
// open content models for properties and items, required properties,
// types, enums, numeric and length bounds, combined schemas ...). It
// returns nil when it can, else one message per incompatible change,
// worded as Confluent's JsonSchema.isBackwardCompatible words them, with the
// reader (s) and writer schemas named readerLabel and writerLabel (the
// registry says "new" and "old", or "old" and "new" for FORWARD), e.g.
//
//	{errorType:"PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", description:"The new schema has an open content model and has a property or item at path '#/properties/b' which is missing in the old schema'}
func (s *Schema) CheckRead(writer compat.Schema, readerLabel, writerLabel string) []string {
	p, ok := writer.(*Schema)
	if !ok {
		return []string{"Incompatible because of different schema type"}
	}
	var msgs []string
	for _, d := range Compare(s, p) {
		if !d.Type.Compatible() {
			msgs = append(msgs, d.Message(readerLabel, writerLabel))
		}
	}
	return msgs
}

// Validate checks a value against the schema in its JSON form (as
// encoding/json writes it): decoded JSON (map[string]any, []any, string,
// float64 or json.Number, bool, nil) or any Go value encoding/json can
// write. A mismatch is a [*ValidationError]; a value over the
// [DefaultLimits] is a [*LimitError]; a value encoding/json cannot write
// is an error matching [ErrUnsupportedType].
func (s *Schema) Validate(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("%w: cannot write %T as JSON: %w", ErrUnsupportedType, v, err)
	}
	return s.validator.validate(b, DefaultLimits())
}

// ValidateJSON checks JSON text against the schema, as deserializers do.
// Text that is not JSON matches [ErrMalformed]; a mismatch is a
// [*ValidationError]; text over the [DefaultLimits] is a [*LimitError].
func (s *Schema) ValidateJSON(data []byte) error {
	return s.validator.validate(data, DefaultLimits())
}

// Format returns the JSON Schema format for the compatibility checker and
// the mock registry: it parses schemas (invalid ones and missing references
// are errors) and checks compatibility.
func Format() compat.Format { return format{} }

type format struct{}

func (format) Type() registry.SchemaType { return registry.JSON }

func (format) Parse(schema string, deps []compat.Dependency) (compat.Schema, error) {
	s, err := Parse(schema, deps...)
	if err != nil {
		return nil, err
	}
	return s, nil
}
