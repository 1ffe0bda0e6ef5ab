package protobuf

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"slices"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/srkit-go/srkit/serde"
)

// walker runs one field transform over a message. Messages are never
// modified: a message with a changed field is replaced by a shallow copy
// (its other fields shared with the original), and so is every message on
// the path to it; lists and maps with a changed element are rebuilt.
type walker struct {
	tags []string
	fn   serde.FieldFunc
	// field is the Field handed to fn, reused for every leaf.
	field serde.Field
	// cur is the message holding the leaf being visited.
	cur        protoreflect.Message
	containing func() (any, error)
}

func newWalker(tags []string, fn serde.FieldFunc) *walker {
	w := &walker{tags: tags, fn: fn}
	w.containing = func() (any, error) { return w.cur.Interface(), nil }
	return w
}

// wants reports whether a field (or subtree) with tags is visited.
func (w *walker) wants(tags []string) bool {
	return len(w.tags) == 0 || serde.TagsIntersect(tags, w.tags)
}

// outer is the context a tagged message field hands down: its Field
// (typed RECORD) and the message holding it. The zero outer hands none.
type outer struct {
	info   *serde.Field
	holder protoreflect.Message
}

// message walks m with p and returns its transformed copy, or nil when no
// field changed. up is the context of the message field holding m when
// that field's own tags meet the rule's: as Confluent's Java client walks
// them, the primitive leaves directly in m whose own tags miss the rule's
// are handed to it with up's Field (so ENCRYPT refuses to write them and
// leaves them on read, CEL_FIELD leaves them); message, enum and map
// fields below keep their own tags, so this reaches one level down only.
func (w *walker) message(p *msgPlan, m protoreflect.Message, up outer) (protoreflect.Message, error) {
	if !m.IsValid() || up.info == nil && !w.wants(p.tags) {
		return nil, nil
	}
	var out protoreflect.Message
	for i := range p.fields {
		f := &p.fields[i]
		// ctx is the context f's values are handed with: a leaf's own,
		// up for a leaf that inherits it, a message field's own when its
		// tags meet the rule's (else none).
		ctx := outer{info: &f.info, holder: m}
		switch {
		case f.msg != nil:
			if !w.wants(f.tags) {
				continue
			}
			if len(w.tags) == 0 || !serde.TagsIntersect(f.info.Tags, w.tags) {
				ctx = outer{}
			}
		case w.wants(f.tags):
		case up.info != nil && f.inherits:
			ctx = up
		default:
			continue
		}
		fd := f.fd
		// As Confluent's clients: a field with presence that is not set
		// (an unset message, optional field or oneof branch) has no value
		// to visit.
		if fd.HasPresence() && !m.Has(fd) {
			continue
		}
		var (
			nv      protoreflect.Value
			changed bool
			clear   bool
			err     error
		)
		switch f.shape {
		case shapeList:
			var l protoreflect.List
			if l, err = w.list(f, m, m.Get(fd).List(), ctx); l != nil {
				nv, changed = protoreflect.ValueOfList(l), true
			}
		case shapeMap:
			var mm protoreflect.Map
			if mm, err = w.mapField(f, m, m.Get(fd).Map()); mm != nil {
				nv, changed = protoreflect.ValueOfMap(mm), true
			}
		default:
			if f.msg != nil {
				var sub protoreflect.Message
				if sub, err = w.message(f.msg, m.Get(fd).Message(), ctx); sub != nil {
					nv, changed = protoreflect.ValueOfMessage(sub), true
				}
			} else {
				nv, changed, clear, err = w.leaf(f, ctx, m.Get(fd), true)
			}
		}
		if err != nil {
			return nil, err
		}
		if !changed {
			continue
		}
		if out == nil {
			out = shallowCopy(m)
		}
		if clear {
			out.Clear(fd)
		} else {
			out.Set(fd, nv)
		}
	}
	return out, nil
}

// shallowCopy returns a new message of m's type holding m's fields and
// unknown fields: lists, maps, messages and bytes are shared, so the copy
// must only be changed by replacing whole fields.
func shallowCopy(m protoreflect.Message) protoreflect.Message {
	out := m.New()
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		out.Set(fd, v)
		return true
	})
	if u := m.GetUnknown(); len(u) > 0 {
		out.SetUnknown(u)
	}
	return out
}

// list walks the elements of l, a field of m, with ctx (see message); it
// returns the new list, or nil when no element changed.
func (w *walker) list(f *fieldPlan, m protoreflect.Message, l protoreflect.List, ctx outer) (protoreflect.List, error) {
	var out protoreflect.List
	for i, n := 0, l.Len(); i < n; i++ {
		v := l.Get(i)
		var (
			nv      protoreflect.Value
			changed bool
			err     error
		)
		if f.msg != nil {
			var sub protoreflect.Message
			if sub, err = w.message(f.msg, v.Message(), ctx); sub != nil {
				nv, changed = protoreflect.ValueOfMessage(sub), true
			}
		} else {
			nv, changed, _, err = w.leaf(f, ctx, v, false)
		}
		if err != nil {
			return nil, err
		}
		if changed && out == nil {
			out = m.NewField(f.fd).List()
			for j := 0; j < i; j++ {
				out.Append(l.Get(j))
			}
		}
		if out != nil {
			if changed {
				out.Append(nv)
			} else {
				out.Append(v)
			}
		}
	}
	return out, nil
}

// mapField walks the values of mm, a field of m, in key order; it returns
// the new map, or nil when no value changed. Keys are not visited.
func (w *walker) mapField(f *fieldPlan, m protoreflect.Message, mm protoreflect.Map) (protoreflect.Map, error) {
	keys := make([]protoreflect.MapKey, 0, mm.Len())
	mm.Range(func(k protoreflect.MapKey, _ protoreflect.Value) bool {
		keys = append(keys, k)
		return true
	})
	slices.SortFunc(keys, compareKeys)
	var out protoreflect.Map
	for _, k := range keys {
		v := mm.Get(k)
		var (
			nv      protoreflect.Value
			changed bool
			err     error
		)
		if f.msg != nil {
			var sub protoreflect.Message
			if sub, err = w.message(f.msg, v.Message(), outer{}); sub != nil {
				nv, changed = protoreflect.ValueOfMessage(sub), true
			}
		} else {
			nv, changed, _, err = w.leaf(f, outer{info: &f.info, holder: m}, v, false)
		}
		if err != nil {
			return nil, err
		}
		if !changed {
			continue
		}
		if out == nil {
			out = m.NewField(f.fd).Map()
			mm.Range(func(k protoreflect.MapKey, v protoreflect.Value) bool {
				out.Set(k, v)
				return true
			})
		}
		out.Set(k, nv)
	}
	return out, nil
}

// compareKeys orders map keys of one kind.
func compareKeys(a, b protoreflect.MapKey) int {
	switch x := a.Interface().(type) {
	case string:
		return cmp.Compare(x, b.String())
	case bool:
		switch {
		case x == b.Bool():
			return 0
		case !x:
			return -1
		}
		return 1
	case int32, int64:
		return cmp.Compare(a.Int(), b.Int())
	}
	return cmp.Compare(a.Uint(), b.Uint())
}

// leaf calls fn for one value v of f, handed with ctx (f's own Field and
// the message holding it, or a tagged message field's), and returns the
// value to set, whether it differs from v and, for a singular field
// (canClear), a nil result (the field is cleared).
func (w *walker) leaf(f *fieldPlan, ctx outer, v protoreflect.Value, canClear bool) (nv protoreflect.Value, changed, clear bool, err error) {
	w.field = *ctx.info
	w.field.Containing = w.containing
	w.cur = ctx.holder
	in := leafValue(f.val, v)
	out, err := w.fn(&w.field, in)
	w.cur = nil
	if err != nil {
		return protoreflect.Value{}, false, false, err
	}
	if out == nil {
		if !canClear {
			return protoreflect.Value{}, false, false, fmt.Errorf("protobuf: field %s: a rule set an element of a repeated or map field to nil", f.info.FullName)
		}
		return protoreflect.Value{}, true, true, nil
	}
	nv, err = protoValue(f.val, out)
	if err != nil {
		return protoreflect.Value{}, false, false, fmt.Errorf("protobuf: field %s: %w", f.info.FullName, err)
	}
	return nv, !sameValue(f.val, v, nv), false, nil
}

// leafValue is the value a rule sees: the Go value protoreflect holds, an
// enum as its symbol (its number when the schema has no symbol for it).
func leafValue(fd protoreflect.FieldDescriptor, v protoreflect.Value) any {
	if fd.Kind() == protoreflect.EnumKind {
		n := v.Enum()
		if ev := fd.Enum().Values().ByNumber(n); ev != nil {
			return string(ev.Name())
		}
		return int32(n)
	}
	return v.Interface()
}

// protoValue converts a rule's result for a field of fd's kind: the Go
// kind the field holds, any integer type in range for an integer field, a
// float32 or float64 for a float field, a symbol or number for an enum.
func protoValue(fd protoreflect.FieldDescriptor, x any) (protoreflect.Value, error) {
	bad := func() (protoreflect.Value, error) {
		return protoreflect.Value{}, fmt.Errorf("a rule returned %T for a %s field", x, fd.Kind())
	}
	switch fd.Kind() {
	case protoreflect.StringKind:
		if s, ok := x.(string); ok {
			return protoreflect.ValueOfString(s), nil
		}
	case protoreflect.BytesKind:
		if b, ok := x.([]byte); ok {
			return protoreflect.ValueOfBytes(b), nil
		}
	case protoreflect.BoolKind:
		if b, ok := x.(bool); ok {
			return protoreflect.ValueOfBool(b), nil
		}
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		var f float64
		switch n := x.(type) {
		case float32:
			f = float64(n)
		case float64:
			f = n
		default:
			return bad()
		}
		if fd.Kind() == protoreflect.FloatKind {
			return protoreflect.ValueOfFloat32(float32(f)), nil
		}
		return protoreflect.ValueOfFloat64(f), nil
	case protoreflect.EnumKind:
		if s, ok := x.(string); ok {
			ev := fd.Enum().Values().ByName(protoreflect.Name(s))
			if ev == nil {
				return protoreflect.Value{}, fmt.Errorf("a rule returned %q, not a symbol of enum %s", s, fd.Enum().FullName())
			}
			return protoreflect.ValueOfEnum(ev.Number()), nil
		}
		if n, ok := x.(protoreflect.EnumNumber); ok {
			return protoreflect.ValueOfEnum(n), nil
		}
		i, ok := integer(x)
		if !ok || i.neg && i.mag > 1<<31 || !i.neg && i.mag >= 1<<31 {
			return bad()
		}
		return protoreflect.ValueOfEnum(protoreflect.EnumNumber(i.int64())), nil
	default:
		return intValue(fd, x)
	}
	return bad()
}

// intValue converts an integer result for an integer field.
func intValue(fd protoreflect.FieldDescriptor, x any) (protoreflect.Value, error) {
	i, ok := integer(x)
	var lo, hi int64 // bounds of signed kinds
	var uhi uint64   // bound of unsigned kinds
	switch fd.Kind() {
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		lo, hi = math.MinInt32, math.MaxInt32
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		lo, hi = math.MinInt64, math.MaxInt64
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		uhi = math.MaxUint32
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		uhi = math.MaxUint64
	default:
		return protoreflect.Value{}, fmt.Errorf("a rule returned %T for a %s field", x, fd.Kind())
	}
	if !ok {
		return protoreflect.Value{}, fmt.Errorf("a rule returned %T for a %s field", x, fd.Kind())
	}
	if uhi != 0 {
		if i.neg || i.mag > uhi {
			return protoreflect.Value{}, fmt.Errorf("a rule returned %v, out of range for a %s field", x, fd.Kind())
		}
		if uhi == math.MaxUint32 {
			return protoreflect.ValueOfUint32(uint32(i.mag)), nil
		}
		return protoreflect.ValueOfUint64(i.mag), nil
	}
	if i.neg && i.mag > uint64(-(lo+1))+1 || !i.neg && i.mag > uint64(hi) {
		return protoreflect.Value{}, fmt.Errorf("a rule returned %v, out of range for a %s field", x, fd.Kind())
	}
	if hi == math.MaxInt32 {
		return protoreflect.ValueOfInt32(int32(i.int64())), nil
	}
	return protoreflect.ValueOfInt64(i.int64()), nil
}

// bigint is an integer of any Go integer type: its sign and magnitude.
type bigint struct {
	neg bool
	mag uint64
}

func (i bigint) int64() int64 {
	if i.neg {
		return -int64(i.mag-1) - 1
	}
	return int64(i.mag)
}

func signed(n int64) bigint {
	if n < 0 {
		return bigint{neg: true, mag: uint64(-(n + 1)) + 1}
	}
	return bigint{mag: uint64(n)}
}

// integer returns x as a bigint when it is a Go integer.
func integer(x any) (bigint, bool) {
	switch n := x.(type) {
	case int:
		return signed(int64(n)), true
	case int8:
		return signed(int64(n)), true
	case int16:
		return signed(int64(n)), true
	case int32:
		return signed(int64(n)), true
	case int64:
		return signed(n), true
	case uint:
		return bigint{mag: uint64(n)}, true
	case uint8:
		return bigint{mag: uint64(n)}, true
	case uint16:
		return bigint{mag: uint64(n)}, true
	case uint32:
		return bigint{mag: uint64(n)}, true
	case uint64:
		return bigint{mag: n}, true
	}
	return bigint{}, false
}

// sameValue reports whether two values of a field of fd's kind are equal
// (floats bit for bit, so that NaN is itself).
func sameValue(fd protoreflect.FieldDescriptor, a, b protoreflect.Value) bool {
	switch fd.Kind() {
	case protoreflect.StringKind:
		return a.String() == b.String()
	case protoreflect.BytesKind:
		return bytes.Equal(a.Bytes(), b.Bytes())
	case protoreflect.BoolKind:
		return a.Bool() == b.Bool()
	case protoreflect.EnumKind:
		return a.Enum() == b.Enum()
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		return math.Float64bits(a.Float()) == math.Float64bits(b.Float())
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind,
		protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return a.Int() == b.Int()
	}
	return a.Uint() == b.Uint()
}
