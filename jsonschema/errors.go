package jsonschema

import (
	"errors"
	"fmt"
)

// Sentinel errors; test with [errors.Is].
var (
	// ErrInvalid: a value does not match its schema. The error is a
	// [*ValidationError] naming the failing location.
	ErrInvalid = errors.New("jsonschema: value does not match the schema")
	// ErrInvalidSchema: a schema is not valid JSON Schema (bad JSON, a
	// keyword of the wrong type, an unknown draft, an unresolvable $ref).
	ErrInvalidSchema = errors.New("jsonschema: invalid schema")
	// ErrMalformed: a message body is not valid JSON.
	ErrMalformed = errors.New("jsonschema: malformed JSON")
	// ErrUnsupportedType: the Go type cannot be written or read as JSON.
	ErrUnsupportedType = errors.New("jsonschema: unsupported Go type")
)

// ValidationError reports a value that does not match its schema: the
// first failure found, in keyword order. It matches [ErrInvalid].
type ValidationError struct {
	// Path is the JSON pointer (RFC 6901) of the failing value inside the
	// message: "" for the value itself, "/items/0/qty" for a nested one.
	Path string
	// Keyword is the JSON pointer of the schema keyword that failed, from
	// the schema's root, through any $ref ("/properties/items/items/required").
	Keyword string
	// Message says what is wrong ("missing properties: 'sku'").
	Message string
}

// Error implements error.
func (e *ValidationError) Error() string {
	where := e.Path
	if where == "" {
		where = "(root)"
	}
	return fmt.Sprintf("jsonschema: invalid value at %s: %s", where, e.Message)
}

// Is matches [ErrInvalid].
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// schemaError wraps a schema problem so that it matches ErrInvalidSchema.
func schemaError(err error) error {
	if errors.Is(err, ErrInvalidSchema) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrInvalidSchema, err)
}
