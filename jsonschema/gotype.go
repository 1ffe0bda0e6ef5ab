package jsonschema

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"

	invopop "github.com/invopop/jsonschema"
)

var (
	marshalerType       = reflect.TypeFor[json.Marshaler]()
	textMarshalerType   = reflect.TypeFor[encoding.TextMarshaler]()
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	anyType             = reflect.TypeFor[any]()
	genericMapType      = reflect.TypeFor[map[string]any]()
	genericSliceType    = reflect.TypeFor[[]any]()
)

// checkType reports whether encoding/json can write (and, with read, read)
// values of t, so that an unsupported T fails at construction rather than
// on the first message.
func checkType(t reflect.Type, read bool) error {
	if read && t.Kind() == reflect.Interface && t.NumMethod() > 0 {
		return fmt.Errorf("%w: cannot decode into interface type %v; use any, map[string]any or a concrete type", ErrUnsupportedType, t)
	}
	return checkTypeRec(t, read, map[reflect.Type]bool{}, t.String())
}

func checkTypeRec(t reflect.Type, read bool, seen map[reflect.Type]bool, path string) error {
	if seen[t] {
		return nil
	}
	seen[t] = true
	if implementsCodec(t, read) {
		return nil
	}
	switch t.Kind() {
	case reflect.Chan, reflect.Func, reflect.Complex64, reflect.Complex128, reflect.UnsafePointer:
		return fmt.Errorf("%w: %s has type %v, which JSON cannot represent", ErrUnsupportedType, path, t)
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return checkTypeRec(t.Elem(), read, seen, path)
	case reflect.Map:
		switch k := t.Key(); {
		case k.Kind() == reflect.String, isIntKind(k.Kind()), k.Implements(textMarshalerType) && (!read || reflect.PointerTo(k).Implements(textUnmarshalerType)):
		default:
			return fmt.Errorf("%w: %s is a map with key type %v, which JSON object keys cannot hold", ErrUnsupportedType, path, k)
		}
		return checkTypeRec(t.Elem(), read, seen, path+"[]")
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() && !f.Anonymous {
				continue
			}
			if tag := f.Tag.Get("json"); tag == "-" {
				continue
			}
			if err := checkTypeRec(f.Type, read, seen, path+"."+f.Name); err != nil {
				return err
			}
		}
	}
	return nil
}

// implementsCodec reports whether t (or *t) encodes itself.
func implementsCodec(t reflect.Type, read bool) bool {
	pt := reflect.PointerTo(t)
	if read {
		return t.Implements(unmarshalerType) || pt.Implements(unmarshalerType) ||
			t.Implements(textUnmarshalerType) || pt.Implements(textUnmarshalerType)
	}
	return t.Implements(marshalerType) || pt.Implements(marshalerType) ||
		t.Implements(textMarshalerType) || pt.Implements(textMarshalerType)
}

func isIntKind(k reflect.Kind) bool {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return true
	}
	return false
}

// DeriveSchema returns the JSON Schema text srkit registers for values of Go
// type t when no schema is given. It is what confluent-kafka-go's JSON
// Schema serializer registers for the same type: invopop/jsonschema's
// Reflect with its default settings (draft 2020-12, struct types under
// "$defs" behind a "$ref", an "$id" from the package path, properties
// required unless tagged omitempty, additionalProperties false), printed
// with encoding/json. A pointer type gives its element type's schema.
func DeriveSchema(t reflect.Type) (text string, err error) {
	if t == nil {
		return "", fmt.Errorf("%w: nil type", ErrUnsupportedType)
	}
	defer func() {
		if r := recover(); r != nil {
			text, err = "", fmt.Errorf("%w: generating a schema for %v: %v", ErrUnsupportedType, t, r)
		}
	}()
	b, err := json.Marshal(invopop.ReflectFromType(t))
	if err != nil {
		return "", fmt.Errorf("%w: generating a schema for %v: %w", ErrUnsupportedType, t, err)
	}
	return string(b), nil
}

// titleOf returns the top-level "title" of a schema text, "" if it has
// none or the text is not a JSON object.
func titleOf(schema string) string {
	var top struct {
		Title any `json:"title"`
	}
	if json.Unmarshal([]byte(schema), &top) != nil {
		return ""
	}
	s, _ := top.Title.(string)
	return s
}
