package jsonschema

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
)

// decodeMode says how a decoder fills a T.
type decodeMode uint8

const (
	decodeTyped decodeMode = iota // encoding/json into T
	decodeAny                     // T is any: the decoded document itself
	decodeMap                     // T is map[string]any
	decodeSlice                   // T is []any
)

func decodeModeFor[T any]() decodeMode {
	switch reflect.TypeFor[T]() {
	case anyType:
		return decodeAny
	case genericMapType:
		return decodeMap
	case genericSliceType:
		return decodeSlice
	}
	return decodeTyped
}

// decoder reads JSON bodies into T, validating them first when schema is
// set. It is immutable and safe for concurrent use.
type decoder[T any] struct {
	schema *Schema // nil: validation off
	mode   decodeMode
	limits Limits
}

// Decode implements serde.Decoder: the body is validated as JSON text,
// then decoded into T.
func (d *decoder[T]) Decode(body []byte, v *T) error {
	if d.schema != nil {
		if err := d.schema.validator.validate(body, d.limits); err != nil {
			return err
		}
	}
	if d.mode == decodeTyped {
		// encoding/json merges into what *v holds; the result must not
		// keep fields of a previous message (DeserializeInto reuses v).
		var zero T
		*v = zero
		if err := json.Unmarshal(body, v); err != nil {
			return decodeError(err, v)
		}
		return nil
	}
	doc, err := decodeDoc(body)
	if err != nil {
		return err
	}
	switch p := any(v).(type) {
	case *any:
		*p = doc
	case *map[string]any:
		m, ok := doc.(map[string]any)
		if !ok && doc != nil {
			return fmt.Errorf("%w into map[string]any but %s", errNotJSONObject, jsonTypeName(doc))
		}
		*p = m
	case *[]any:
		a, ok := doc.([]any)
		if !ok && doc != nil {
			return fmt.Errorf("jsonschema: the message is %s, not a JSON array", jsonTypeName(doc))
		}
		*p = a
	}
	return nil
}

// decodeDoc decodes a JSON body into the generic form encoding/json gives
// (numbers as float64); it is what generic values are returned as.
func decodeDoc(b []byte) (any, error) {
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return doc, nil
}

// decodeError wraps an encoding/json error, marking syntax errors as
// ErrMalformed.
func decodeError(err error, v any) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return fmt.Errorf("jsonschema: decoding into %T: %w", v, err)
}

// jsonTypeName names the JSON type of a decoded value.
func jsonTypeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return "a number"
}
