package serde

import (
	"errors"
	"fmt"
)

// ErrRulesUnsupported: a rule needs a view of the message that its phase or
// its format's codec does not offer (a field rule on a codec without
// field walking, a body rule in the domain phase).
var ErrRulesUnsupported = errors.New("serde: rule not supported here")

// Message is the message a rule runs on. What it offers depends on the
// phase: the domain phase offers the value (generic form and field
// walking), the migration phase its JSON form, the encoding phase the
// encoded body.
type Message struct {
	impl messageImpl
}

// messageImpl is one phase's view of a message.
type messageImpl interface {
	generic() (any, error)
	replace(any) error
	transformFields(tags []string, fn FieldFunc) error
	body() ([]byte, error)
	setBody([]byte) error
	// deadLetterValue is the value the DLQ action writes on write: the
	// message as JSON with the fields tagged redact redacted (when
	// doRedact), or the body in the encoding phase.
	deadLetterValue(redact []string, doRedact bool) ([]byte, error)
}

// Generic returns the message as its format's generic value, seen by its
// schema's names whatever the Go type: an Avro record as map[string]any
// keyed by field name (maps as map[string]any, arrays as []any, unions as
// the branch present), a Protobuf message as a proto.Message, a JSON
// document as encoding/json's any; in the migration phase, the message's
// JSON form. The result must not be modified.
func (m *Message) Generic() (any, error) { return m.impl.generic() }

// Replace replaces the whole message by v, a value of the form Generic
// returns (the result of a whole-message transform).
func (m *Message) Replace(v any) error { return m.impl.replace(v) }

// TransformFields calls fn for every leaf field (not a record, array or map)
// of the message whose tags include one of tags — every leaf field when
// tags is empty — and replaces the message by one with the values fn
// returns. The caller's own value is never modified: changed fields are set
// in copies. An error from fn stops the walk and is returned.
func (m *Message) TransformFields(tags []string, fn FieldFunc) error {
	return m.impl.transformFields(tags, fn)
}

// Body returns the encoded message body (encoding phase): after the format
// on write, before decoding on read. The schema reference is not part of
// it. The result must not be modified.
func (m *Message) Body() ([]byte, error) { return m.impl.body() }

// SetBody replaces the encoded message body (encoding phase). The message
// keeps b: the caller must not modify it afterwards.
func (m *Message) SetBody(b []byte) error { return m.impl.setBody(b) }

// FieldType is the type of a visited field, as Confluent's rule engines name
// it (CEL_FIELD's typeName).
type FieldType string

// Field types.
const (
	TypeRecord   FieldType = "RECORD"
	TypeEnum     FieldType = "ENUM"
	TypeArray    FieldType = "ARRAY"
	TypeMap      FieldType = "MAP"
	TypeCombined FieldType = "COMBINED"
	TypeFixed    FieldType = "FIXED"
	TypeString   FieldType = "STRING"
	TypeBytes    FieldType = "BYTES"
	TypeInt      FieldType = "INT"
	TypeLong     FieldType = "LONG"
	TypeFloat    FieldType = "FLOAT"
	TypeDouble   FieldType = "DOUBLE"
	TypeBoolean  FieldType = "BOOLEAN"
	TypeNull     FieldType = "NULL"
)

// Field is one field a rule visits.
type Field struct {
	// FullName is the field's full name as Confluent's engines form it: the
	// record's full name and the field name for Avro ("ns.Order.email"),
	// the field's full name for Protobuf ("pkg.Order.email"), the JSON path
	// of the property for JSON Schema ("$.email").
	FullName string
	// Name is the field's own name.
	Name string
	// Type is the type of the value visited: for a nullable or union field,
	// the branch present; for an array or map, of the element visited.
	Type FieldType
	// Tags are the field's tags: inline ones (Avro confluent:tags, Protobuf
	// (confluent.field_meta).tags, JSON Schema confluent:tags) and those of
	// the schema's metadata.tags whose path pattern matches FullName;
	// sorted, without duplicates. Read-only.
	Tags []string
	// Containing returns the message (record) that holds the field, in the
	// generic form of [Message.Generic] (CEL_FIELD's "message"). It may be
	// nil when the walker cannot provide it.
	Containing func() (any, error)
}

// HasAnyTag reports whether the field carries one of tags, or tags is
// empty.
func (f *Field) HasAnyTag(tags []string) bool { return len(tags) == 0 || TagsIntersect(f.Tags, tags) }

// FieldFunc is called for each visited field with its value (a primitive:
// string, []byte, bool, an integer or float type, nil, an enum symbol as a
// string, a fixed as []byte) and returns the field's new value, or value
// itself to leave it. It must not modify value.
type FieldFunc func(f *Field, value any) (any, error)

// phaseError is the error of a Message method its phase does not offer.
func phaseError(what string, p RulePhase) error {
	return fmt.Errorf("%w: %s in the %s phase", ErrRulesUnsupported, what, p)
}

// NewMessage returns a domain-phase Message holding v, seen through codec,
// and a function that returns its current value: it lets rule executors be
// tested (and fuzzed) without a serializer. Serializers and deserializers
// build their messages themselves.
func NewMessage[T any](v T, codec RuleCodec[T]) (*Message, func() T) {
	dm := &domainMessage[T]{v: v, codec: codec, phase: DomainPhase}
	return &Message{impl: dm}, func() T { return dm.v }
}

// NewJSONMessage returns a migration-phase Message holding j, a message's
// JSON form, and a function that returns its current form (see
// [NewMessage]).
func NewJSONMessage(j any) (*Message, func() any) {
	jm := &jsonMessage{j: j}
	return &Message{impl: jm}, func() any { return jm.j }
}

// NewBodyMessage returns an encoding-phase Message holding body, and a
// function that returns its current body (see [NewMessage]).
func NewBodyMessage(body []byte) (*Message, func() []byte) {
	bm := &bodyMessage{b: body}
	return &Message{impl: bm}, func() []byte { return bm.b }
}
