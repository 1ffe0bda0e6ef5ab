package serde

import (
	"testing"
	"unsafe"
)

// TestNilCheck: nil values of every kind that can be nil are tombstones,
// non-nil ones and values of other kinds are not.
func TestNilCheck(t *testing.T) {
	x := 1
	check := func(name string, isNil, notNil bool) {
		t.Helper()
		if !isNil || notNil {
			t.Errorf("%s: nil %v, non-nil %v", name, isNil, notNil)
		}
	}
	ptr := nilCheck[*int]()
	check("pointer", ptr(nil), ptr(&x))
	ch := nilCheck[chan int]()
	check("chan", ch(nil), ch(make(chan int)))
	up := nilCheck[unsafe.Pointer]()
	check("unsafe.Pointer", up(nil), up(unsafe.Pointer(&x)))
	m := nilCheck[map[string]int]()
	check("map", m(nil), m(map[string]int{}))
	f := nilCheck[func()]()
	check("func", f(nil), f(func() {}))
	s := nilCheck[[]byte]()
	check("slice", s(nil), s([]byte{}))
	i := nilCheck[any]()
	check("interface", i(nil), i((*int)(nil)))
	if nilCheck[string]()("") || nilCheck[struct{ p *int }]()(struct{ p *int }{}) {
		t.Error("a value of a kind that cannot be nil was nil")
	}
}
