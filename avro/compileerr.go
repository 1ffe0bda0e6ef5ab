package avro

import (
	"reflect"
	"unsafe"
)

// compileError finds a type mismatch inside an encoder or decoder hamba
// compiled. hamba reports a Go type it cannot write or read with a schema
// (an int for an enum, a struct missing a required field) by compiling an
// error encoder or decoder in its place, which fails only when a value
// reaches it, possibly deep inside a union or array. compileError walks the
// compiled graph so that such a mismatch is reported when the serializer or
// deserializer is built. It relies on hamba's internal type names and finds
// nothing (returns nil) if those change.
func compileError(x any) error {
	w := &errWalker{seen: map[uintptr]bool{}}
	return w.walk(reflect.ValueOf(x), 0)
}

type errWalker struct {
	seen  map[uintptr]bool
	steps int
}

const maxCompileWalk = 100_000

func (w *errWalker) walk(v reflect.Value, depth int) error {
	w.steps++
	if w.steps > maxCompileWalk || depth > 200 || !v.IsValid() {
		return nil
	}
	switch v.Kind() {
	case reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return w.walk(v.Elem(), depth+1)
	case reflect.Pointer:
		if v.IsNil() || w.seen[v.Pointer()] {
			return nil
		}
		w.seen[v.Pointer()] = true
		if name := v.Type().String(); name == "*avro.errorEncoder" || name == "*avro.errorDecoder" {
			return errorField(v.Elem())
		}
		return w.walk(v.Elem(), depth+1)
	case reflect.Struct:
		for i := range v.NumField() {
			if err := w.walk(v.Field(i), depth+1); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if err := w.walk(v.Index(i), depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// errorField reads the err field of hamba's errorEncoder or errorDecoder.
func errorField(v reflect.Value) error {
	f := v.FieldByName("err")
	if !f.IsValid() || !f.CanAddr() || f.Type() != reflect.TypeFor[error]() {
		return nil
	}
	err, _ := reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().Interface().(error)
	return err
}
