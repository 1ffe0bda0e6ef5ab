package serde

import "context"

// RuleCodec is implemented by a format's compiled [Encoder] or [Decoder] to
// let domain-phase rules run on its messages: whole-message rules (CEL)
// through the generic form, field rules (CEL_FIELD, ENCRYPT) through field
// walking. serde finds it by type assertion, so WriterCodec and ReaderCodec
// stay as they are; without it, domain rules fail with
// [ErrRulesUnsupported]. Its methods run per message only when the schema
// has domain rules.
type RuleCodec[T any] interface {
	// Generic returns v in the format's generic form, as
	// [Message.Generic] describes it. It must not modify v; the result may
	// share memory with v (nobody modifies it).
	Generic(v T) (any, error)
	// FromGeneric returns the T that g, a generic value in this schema,
	// stands for (after a whole-message transform).
	FromGeneric(g any) (T, error)
	// TransformFields returns v with fn applied as [Message.TransformFields]
	// describes: only leaf fields whose tags include one of tags (every
	// leaf when tags is empty), never modifying v or anything it points to.
	TransformFields(v T, tags []string, fn FieldFunc) (T, error)
	// JSON returns v as JSON, the way Confluent's clients render a message
	// as JSON (the value a DLQ rule action writes on write).
	JSON(v T) ([]byte, error)
}

// MigrationCodec is implemented by a format's [ReaderCodec] to let
// migration rules (JSONATA) run when a deserializer reads data written in
// one version of a subject into another: the writer's body is decoded into
// the message's JSON form, the migration rules rewrite it, and the result
// is read into T in the reader schema. Without it, a deserializer that
// needs migrations fails with [ErrRulesUnsupported].
type MigrationCodec[T any] interface {
	// JSONDecoder compiles a decoder of bodies written in writer (with the
	// given message indexes) into their JSON form: the values
	// encoding/json decodes into any (map[string]any, []any, string,
	// float64 or json.Number, bool, nil), shaped as Confluent's clients
	// shape the message for JSONata.
	JSONDecoder(ctx context.Context, writer *ResolvedSchema, indexes []int) (JSONDecoder, error)
	// JSONReader compiles a reader of the JSON form of messages in reader
	// (the message type named by the writer's indexes) into T.
	JSONReader(ctx context.Context, reader *ResolvedSchema, writer *ResolvedSchema, indexes []int) (JSONReader[T], error)
}

// JSONDecoder decodes a body into the message's JSON form.
type JSONDecoder interface {
	DecodeJSON(body []byte) (any, error)
}

// JSONReader reads a message's JSON form into a T.
type JSONReader[T any] interface {
	ReadJSON(j any, v *T) error
}
