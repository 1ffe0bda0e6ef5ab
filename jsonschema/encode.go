package jsonschema

import (
	"encoding/json"
	"fmt"
)

// encoder writes values of T as JSON, validating them first when schema is
// set. It is immutable and safe for concurrent use.
type encoder[T any] struct {
	schema *Schema // nil: validation off
	limits Limits
}

// AppendEncode implements serde.Encoder: the value as encoding/json writes
// it, validated as that text.
func (e *encoder[T]) AppendEncode(dst []byte, v T) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return dst, fmt.Errorf("%w: cannot write %T as JSON: %w", ErrUnsupportedType, v, err)
	}
	if e.schema != nil {
		if err := e.schema.validator.validate(b, e.limits); err != nil {
			return dst, err
		}
	}
	return append(dst, b...), nil
}
