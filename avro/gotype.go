package avro

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	havro "github.com/hamba/avro/v2"
	"github.com/modern-go/reflect2"
)

// goType is what the codecs know about T, computed once at construction.
type goType struct {
	t     reflect.Type
	rt    reflect2.Type // T
	ptrRT reflect2.Type // *T
	// likePtr: a T value is one pointer word (pointer, map, chan, func), so
	// hamba's encoders take the pointer itself rather than its address.
	likePtr bool
	// rawBytes: T's underlying type is []byte, so it can carry a top-level
	// "bytes" schema, which travels raw.
	rawBytes bool
	// iface: T is an interface type (any): values are generic and their
	// dynamic type picks the encoder.
	iface bool
	// schemer is T's own hamba schema (Schemer), nil if T has none.
	schemer havro.Schema
	// badSchemer is set when T has a Schema method of another signature:
	// a constructor given no schema refuses T rather than ignore it.
	badSchemer error
	// derived is the schema text derived from T, "" if it has none;
	// deriveErr says why (errGeneric for types holding interfaces).
	derived   string
	deriveErr error
}

func newGoType[T any]() (*goType, error) {
	t := reflect.TypeFor[T]()
	g := &goType{
		t:        t,
		rt:       reflect2.Type2(t),
		ptrRT:    reflect2.Type2(reflect.PointerTo(t)),
		likePtr:  reflect2.Type2(t).LikePtr(),
		rawBytes: t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8,
		iface:    t.Kind() == reflect.Interface,
	}
	if g.iface && t.NumMethod() > 0 {
		return nil, fmt.Errorf("%w: interface type %s: use any (generic values) or a concrete type", ErrUnsupportedType, t)
	}
	if err := checkKinds(t, map[reflect.Type]bool{}); err != nil {
		return nil, err
	}
	s, err := schemerOf(t)
	if err != nil {
		return nil, err
	}
	g.schemer = s
	if s == nil && !g.iface {
		g.badSchemer = unusableSchemaMethod(t)
	}
	if !g.iface {
		// A failed derivation is not fatal here: a serializer only needs
		// the derived schema when it is given no other, a deserializer
		// never does.
		g.derived, g.deriveErr = deriveText(t)
	}
	return g, nil
}

// checkKinds rejects Go types hamba can neither read nor write.
func checkKinds(t reflect.Type, seen map[reflect.Type]bool) error {
	if seen[t] {
		return nil
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Chan, reflect.Func, reflect.UnsafePointer, reflect.Complex64, reflect.Complex128,
		reflect.Uint, reflect.Uint64, reflect.Uintptr:
		return fmt.Errorf("%w: %s has no Avro equivalent", ErrUnsupportedType, t)
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return checkKinds(t.Elem(), seen)
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return fmt.Errorf("%w: %s: Avro map keys are strings", ErrUnsupportedType, t)
		}
		return checkKinds(t.Elem(), seen)
	case reflect.Struct:
		var err error
		eachField(t, func(f reflect.StructField, _ string, _ tagOptions, ferr error) {
			if err != nil {
				return
			}
			if ferr != nil {
				err = fmt.Errorf("%w: %s.%s: %v", ErrUnsupportedType, t, f.Name, ferr)
				return
			}
			if e := checkKinds(f.Type, seen); e != nil {
				err = fmt.Errorf("field %s.%s: %w", t, f.Name, e)
			}
		})
		return err
	}
	return nil
}

// schemerOf calls T's Schema method, if it has one, on the zero value.
func schemerOf(t reflect.Type) (s havro.Schema, err error) {
	var sc Schemer
	switch {
	case t.Kind() == reflect.Interface:
		return nil, nil
	case t.Implements(schemerType):
		v := reflect.Zero(t)
		if t.Kind() == reflect.Pointer {
			v = reflect.New(t.Elem())
		}
		sc = v.Interface().(Schemer)
	case reflect.PointerTo(t).Implements(schemerType):
		sc = reflect.New(t).Interface().(Schemer)
	default:
		return nil, nil
	}
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("%w: %s.Schema panicked: %v", ErrUnsupportedType, t, r)
		}
	}()
	if s = sc.Schema(); s == nil {
		return nil, fmt.Errorf("%w: %s.Schema returned nil", ErrInvalidSchema, t)
	}
	return s, nil
}

// unusableSchemaMethod reports a Schema method of T (or *T) that is not
// [Schemer]'s: such a method would be silently ignored (a method returning
// srkit's own avro.Schema, with srkit's package imported as avro, compiles
// but is not hamba's type).
func unusableSchemaMethod(t reflect.Type) error {
	for _, mt := range []reflect.Type{t, reflect.PointerTo(t)} {
		if t.Kind() == reflect.Pointer && mt != t {
			continue
		}
		if m, ok := mt.MethodByName("Schema"); ok {
			return fmt.Errorf("%w: %s has a method %s, which srkit cannot use: the accepted signature is "+
				"Schema() github.com/hamba/avro/v2.Schema (avro.Schemer, as confluent-kafka-go's avrov2 expects; "+
				"import hamba's package under another name, such as havro, next to srkit's avro); "+
				"or give the schema with avro.WithSchema", ErrUnsupportedType, t, methodSignature(m))
		}
	}
	return nil
}

// methodSignature renders method m of a type without its receiver:
// "Schema() avro.Schema".
func methodSignature(m reflect.Method) string {
	var in, out []string
	for i := 1; i < m.Type.NumIn(); i++ {
		in = append(in, m.Type.In(i).String())
	}
	for i := range m.Type.NumOut() {
		out = append(out, m.Type.Out(i).String())
	}
	sig := m.Name + "(" + strings.Join(in, ", ") + ")"
	switch len(out) {
	case 0:
		return sig
	case 1:
		return sig + " " + out[0]
	}
	return sig + " (" + strings.Join(out, ", ") + ")"
}

// schemerText returns the full JSON of a Schemer's schema (with defaults,
// aliases and docs), which re-parses into an equivalent schema.
func schemerText(s havro.Schema) (string, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrInvalidSchema, err)
	}
	return string(b), nil
}
