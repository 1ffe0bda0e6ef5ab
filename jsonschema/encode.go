package jsonschema

import (
	"encoding/json"
	"errors"
	"fmt"

	js "github.com/santhosh-tekuri/jsonschema/v5"
)

// encoder writes values of T as JSON, validating them first when schema is
// set. It is immutable and safe for concurrent use.
type encoder[T any] struct {
	schema *Schema // nil: validation off
	// direct: T is any, map[string]any or []any, whose values are usually
	// decoded JSON already and can be validated as they are.
	direct bool
	limits Limits
}

// AppendEncode implements serde.Encoder.
func (e *encoder[T]) AppendEncode(dst []byte, v T) ([]byte, error) {
	validated := false
	if e.schema != nil && e.direct {
		if err := checkValue(any(v), e.limits); err != nil {
			return dst, err
		}
		err := validate(e.schema.validator, any(v))
		var bad js.InvalidJSONTypeError
		switch {
		case err == nil:
			validated = true
		case errors.As(err, &bad):
			// v holds Go values the validator does not take (structs,
			// typed slices ...): validate their JSON form instead.
		default:
			return dst, err
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return dst, fmt.Errorf("%w: cannot write %T as JSON: %w", ErrUnsupportedType, v, err)
	}
	if e.schema != nil && !validated {
		if err := checkText(b, e.limits); err != nil {
			return dst, err
		}
		doc, err := decodeExact(b)
		if err != nil {
			return dst, err
		}
		if err := validate(e.schema.validator, doc); err != nil {
			return dst, err
		}
	}
	return append(dst, b...), nil
}
