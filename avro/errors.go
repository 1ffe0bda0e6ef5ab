package avro

import "errors"

// Errors of this package. Functions wrap them with details; test with
// [errors.Is].
var (
	// ErrInvalidSchema: a schema text is not valid Avro, or names a type
	// that neither it nor its references define.
	ErrInvalidSchema = errors.New("avro: invalid schema")
	// ErrUnsupportedType: the Go type cannot be written or read as Avro
	// (channels, functions, unsigned 64-bit integers, ...), or cannot be
	// used with the schema it was given (top-level "bytes" needs []byte).
	ErrUnsupportedType = errors.New("avro: unsupported Go type")
	// ErrNoSchema: a serializer for a type the schema cannot be derived from
	// (map[string]any, any, ...) was given no schema, and does not take one
	// from the registry either (UseLatest, UseSchemaID).
	ErrNoSchema = errors.New("avro: no schema for a generic Go type")
	// ErrIncompatibleSchemas: data written with the writer schema cannot be
	// read with the reader schema (Avro schema resolution fails).
	ErrIncompatibleSchemas = errors.New("avro: reader schema cannot read the writer schema")
	// ErrInvalidData: the Avro body is malformed or does not match the
	// writer schema.
	ErrInvalidData = errors.New("avro: invalid data")
	// ErrInvalidValue: the Go value does not fit the writer schema (a
	// missing required field, an unknown enum symbol, a wrong union branch).
	ErrInvalidValue = errors.New("avro: value does not match the schema")
)
