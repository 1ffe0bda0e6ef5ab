package serde

import "reflect"

// nilCheck returns a function that reports whether a value of T is nil — a
// tombstone. Types that cannot be nil never are.
func nilCheck[T any]() func(T) bool {
	t := reflect.TypeFor[T]()
	switch t.Kind() {
	case reflect.Interface:
		return func(v T) bool { return any(v) == nil }
	case reflect.Pointer, reflect.Chan, reflect.UnsafePointer:
		// Comparable: one comparison of interface words, no reflection.
		var zero T
		return func(v T) bool { return any(v) == any(zero) }
	case reflect.Map, reflect.Func:
		return func(v T) bool { return reflect.ValueOf(any(v)).IsNil() }
	case reflect.Slice:
		return func(v T) bool { return reflect.ValueOf(&v).Elem().IsNil() }
	}
	return func(T) bool { return false }
}
