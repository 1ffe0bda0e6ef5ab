package jsonschema

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"unicode/utf8"
)

// The typed walk (plans in rules_typed.go) visits the same leaves as the
// map walk would on the value's JSON form, in the same order, and hands
// each rule the same Field and the same value: the JSON form's (strings,
// float64 numbers, booleans, nil for null, a []byte field's base64 text).
// A rule's result is put back as encoding/json would read it into the
// field (through encoding/json itself where no fast path applies); one
// that does not fit the field is an ErrInvalid error. The value is never
// modified: a struct with a changed field is copied, and so is every
// container on the path to it (pointer → new pointee, slice → new slice,
// map → new map); what did not change is shared.

// change is what a typed walk puts in a value's place: a new value (val),
// or a leaf's new value in JSON form (x, stored by store).
type change struct {
	val reflect.Value
	x   any
	ok  bool
}

// typed walks v, a value of tn.t, at depth.
func (w *fieldWalker) typed(tn *tnode, v reflect.Value, depth int) (change, error) {
	if depth > w.maxDepth {
		return change{}, &LimitError{Limit: "MaxDepth", Max: w.maxDepth}
	}
	if tn == nil || tn.kind == tSkip || !tn.p.wanted(w.tags) {
		return change{}, nil
	}
	switch tn.kind {
	case tStruct, tMap:
		return w.typedObject(tn, v, depth)
	case tSlice:
		return w.typedSlice(tn, v, depth)
	case tPtr:
		if v.IsNil() {
			// null, walked as the map walk walks it (a leaf below sees
			// nil).
			return w.jsonForm(tn.p, nil, depth)
		}
		d := depth
		if tn.elem != nil && tn.elem.kind == tPtr {
			d++ // a pointer to a pointer: bounded as nesting, so a cycle ends
		}
		c, err := w.typed(tn.elem, v.Elem(), d)
		if err != nil || !c.ok {
			return change{}, err
		}
		var np reflect.Value
		if c.val.IsValid() && c.val.CanAddr() {
			np = c.val.Addr() // a new struct or value, addressable: point to it
		} else {
			np = reflect.New(tn.t.Elem())
			if err := tn.elem.put(np.Elem(), c); err != nil {
				return change{}, err
			}
		}
		if np.Type() != tn.t {
			np = np.Convert(tn.t) // a named pointer type
		}
		return change{val: np, ok: true}, nil
	case tLeaf:
		x, err := jsonLeafOf(tn.leaf, v)
		if err != nil {
			return change{}, err
		}
		return w.jsonForm(tn.p, x, depth)
	case tDynamic:
		var x any
		if !v.IsNil() {
			x = v.Elem().Interface()
		}
		c, err := w.jsonForm(tn.p, x, depth)
		if err != nil || !c.ok {
			return change{}, err
		}
		out := reflect.New(tn.t).Elem()
		if c.x != nil {
			out.Set(reflect.ValueOf(c.x))
		}
		return change{val: out, ok: true}, nil
	}
	// tJSON: the subtree's JSON form, walked and read back.
	x, err := jsonFormOf(v)
	if err != nil {
		return change{}, err
	}
	c, err := w.jsonForm(tn.p, x, depth)
	if err != nil || !c.ok {
		return change{}, err
	}
	out := reflect.New(tn.t).Elem()
	if err := storeJSON(out, c.x); err != nil {
		return change{}, err
	}
	return change{val: out, ok: true}, nil
}

// jsonForm walks x, a JSON-form value under p, with the map walk; leaves
// it reaches directly see the typed container (w.cur).
func (w *fieldWalker) jsonForm(p *pnode, x any, depth int) (change, error) {
	w.container = nil
	nx, changed, err := w.walk(p, x, depth)
	w.container = nil
	if err != nil || !changed {
		return change{}, err
	}
	return change{x: nx, ok: true}, nil
}

// typedObject walks the struct fields or map entries of v holding declared
// properties.
func (w *fieldWalker) typedObject(tn *tnode, v reflect.Value, depth int) (change, error) {
	isMap := tn.kind == tMap
	if isMap && v.Len() == 0 {
		return change{}, nil
	}
	var out reflect.Value
	prev, prevForm := w.cur, w.curForm
	defer func() { w.cur, w.curForm = prev, prevForm }()
	if tn.p.holds {
		// See walkObject.
		up := w.up
		w.up = w.holder()
		defer func() { w.up = up }()
	}
	for i := range tn.fields {
		f := &tn.fields[i]
		if !f.sub.p.wanted(w.tags) {
			continue
		}
		var fv reflect.Value
		if isMap {
			if fv = v.MapIndex(f.key); !fv.IsValid() {
				continue
			}
		} else if fv = v.FieldByIndex(f.index); (f.omitEmpty && isEmptyValue(fv)) || (f.omitZero && fv.IsZero()) {
			continue // not in the JSON form
		}
		w.cur, w.curForm = v, tn.form
		c, err := w.typed(f.sub, fv, depth+1)
		if err != nil {
			return change{}, err
		}
		if !c.ok {
			continue
		}
		switch {
		case out.IsValid():
		case isMap:
			out = reflect.MakeMapWithSize(tn.t, v.Len())
			for it := v.MapRange(); it.Next(); {
				out.SetMapIndex(it.Key(), it.Value())
			}
		default:
			out = reflect.New(tn.t).Elem()
			out.Set(v)
		}
		if !isMap {
			err = f.sub.put(out.FieldByIndex(f.index), c)
		} else if nv := c.val; nv.IsValid() {
			out.SetMapIndex(f.key, nv)
		} else {
			nv = reflect.New(tn.t.Elem()).Elem()
			err = f.sub.put(nv, c)
			out.SetMapIndex(f.key, nv)
		}
		if err != nil {
			return change{}, err
		}
	}
	return change{val: out, ok: out.IsValid()}, nil
}

// typedSlice walks the items of slice or array v.
func (w *fieldWalker) typedSlice(tn *tnode, v reflect.Value, depth int) (change, error) {
	n := v.Len()
	if len(tn.tuple) == 0 && (tn.items == nil || !tn.items.p.wanted(w.tags)) {
		return change{}, nil
	}
	var out reflect.Value
	for i := range n {
		item := tn.items
		if i < len(tn.tuple) {
			item = tn.tuple[i]
		}
		if item == nil {
			continue
		}
		c, err := w.typed(item, v.Index(i), depth+1)
		if err != nil {
			return change{}, err
		}
		if !c.ok {
			continue
		}
		if !out.IsValid() {
			if tn.t.Kind() == reflect.Slice {
				out = reflect.MakeSlice(tn.t, n, n)
				reflect.Copy(out, v)
			} else {
				out = reflect.New(tn.t).Elem()
				out.Set(v)
			}
		}
		if err := item.put(out.Index(i), c); err != nil {
			return change{}, err
		}
	}
	return change{val: out, ok: out.IsValid()}, nil
}

// put puts c in dst (addressable, of type tn.t).
func (tn *tnode) put(dst reflect.Value, c change) error {
	if c.val.IsValid() {
		dst.Set(c.val)
		return nil
	}
	return tn.store(dst, c.x)
}

// store puts x, a rule's result in JSON form, in dst (addressable, of type
// tn.t) as encoding/json would read it there.
func (tn *tnode) store(dst reflect.Value, x any) error {
	if x == nil {
		dst.SetZero() // null: a nil pointer, slice, map or interface, else zero
		return nil
	}
	switch tn.kind {
	case tPtr:
		np := reflect.New(tn.t.Elem())
		if err := tn.elem.store(np.Elem(), x); err != nil {
			return err
		}
		dst.Set(np)
		return nil
	case tDynamic:
		dst.Set(reflect.ValueOf(x))
		return nil
	case tLeaf:
		if tn.storeLeaf(dst, x) {
			return nil
		}
	}
	return storeJSON(dst, x)
}

// maxExactInt is 2^53: float64 holds every integer of smaller magnitude.
const maxExactInt = 1 << 53

// storeLeaf puts x in a leaf of the matching Go kind; it reports false
// when it cannot (then encoding/json decides).
func (tn *tnode) storeLeaf(dst reflect.Value, x any) bool {
	switch tn.leaf {
	case lString:
		s, ok := x.(string)
		if ok {
			dst.SetString(s)
		}
		return ok
	case lBool:
		b, ok := x.(bool)
		if ok {
			dst.SetBool(b)
		}
		return ok
	case lInt:
		f, ok := x.(float64)
		if !ok || f != math.Trunc(f) || math.Abs(f) >= maxExactInt || dst.OverflowInt(int64(f)) {
			return false
		}
		dst.SetInt(int64(f))
		return true
	case lUint:
		f, ok := x.(float64)
		if !ok || f != math.Trunc(f) || f < 0 || math.Signbit(f) || f >= maxExactInt || dst.OverflowUint(uint64(f)) {
			return false
		}
		dst.SetUint(uint64(f))
		return true
	case lFloat64:
		f, ok := x.(float64)
		if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
			return false
		}
		dst.SetFloat(f)
		return true
	case lBytes:
		s, ok := x.(string)
		if !ok {
			return false
		}
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return false
		}
		dst.SetBytes(b)
		return true
	}
	return false
}

// storeJSON reads x's JSON text into dst (addressable), from its zero
// value, as reading the whole message back would.
func storeJSON(dst reflect.Value, x any) error {
	b, err := json.Marshal(x)
	if err != nil {
		return fmtLeafError(x, err)
	}
	dst.SetZero()
	if err := json.Unmarshal(b, dst.Addr().Interface()); err != nil {
		return fmt.Errorf("%w: a field rule's result %s does not fit Go type %s: %w", ErrInvalid, jsonTypeName(x), dst.Type(), err)
	}
	return nil
}

// jsonLeafOf returns v, a leaf of kind lk, in the JSON form: what
// decoding its encoding/json text gives.
func jsonLeafOf(lk leafKind, v reflect.Value) (any, error) {
	switch lk {
	case lString:
		return validUTF8(v.String()), nil
	case lBool:
		return v.Bool(), nil
	case lInt:
		return float64(v.Int()), nil
	case lUint:
		return float64(v.Uint()), nil
	case lFloat64, lFloat32:
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("%w: cannot write %s as JSON: %v", ErrUnsupportedType, v.Type(), f)
		}
		if lk == lFloat32 {
			// Written with float32's shortest digits, read as float64.
			f, _ = strconv.ParseFloat(strconv.FormatFloat(f, 'g', -1, 32), 64)
		}
		return f, nil
	}
	if v.IsNil() {
		return nil, nil
	}
	return base64.StdEncoding.EncodeToString(v.Bytes()), nil
}

// validUTF8 returns s as encoding/json writes it: each byte that is not
// part of valid UTF-8 replaced by U+FFFD.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	b := make([]byte, 0, len(s)+8)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b = utf8.AppendRune(b, utf8.RuneError)
		} else {
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return string(b)
}

// jsonFormOf returns v's JSON form, marshalling it as encoding/json does
// when it reaches v in the message (through its address if it has one,
// so that pointer methods apply as they would).
func jsonFormOf(v reflect.Value) (any, error) {
	var x any
	if v.CanAddr() {
		x = v.Addr().Interface()
	} else {
		x = v.Interface()
	}
	b, err := json.Marshal(x)
	if err != nil {
		return nil, fmt.Errorf("%w: cannot write %s as JSON: %w", ErrUnsupportedType, v.Type(), err)
	}
	return decodeDoc(b)
}

// isEmptyValue reports whether encoding/json's omitempty leaves v out.
func isEmptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}
