package avro

import (
	"bytes"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"slices"
	"time"

	havro "github.com/hamba/avro/v2"

	"github.com/srkit-go/srkit/serde"
)

// logicalOf returns the logical type of s, "" if it has none.
func logicalOf(s havro.Schema) havro.LogicalType {
	if l, ok := s.(havro.LogicalTypeSchema); ok && l.Logical() != nil {
		return l.Logical().Type()
	}
	return ""
}

var (
	bytesType = reflect.TypeFor[[]byte]()
)

// leafGoType is the Go type of hamba's generic values of a leaf node.
func leafGoType(n *rnode) (reflect.Type, bool) {
	lt := logicalOf(n.schema)
	switch n.ftype {
	case serde.TypeString, serde.TypeEnum:
		return reflect.TypeFor[string](), true
	case serde.TypeBytes:
		if lt == havro.Decimal {
			return ratPtrType, true
		}
		return bytesType, true
	case serde.TypeInt:
		switch lt {
		case havro.Date:
			return timeType, true
		case havro.TimeMillis:
			return durationType, true
		}
		return reflect.TypeFor[int](), true
	case serde.TypeLong:
		switch lt {
		case havro.TimestampMillis, havro.TimestampMicros, havro.LocalTimestampMillis, havro.LocalTimestampMicros:
			return timeType, true
		case havro.TimeMicros:
			return durationType, true
		}
		return reflect.TypeFor[int64](), true
	case serde.TypeFloat:
		return reflect.TypeFor[float32](), true
	case serde.TypeDouble:
		return reflect.TypeFor[float64](), true
	case serde.TypeBoolean:
		return reflect.TypeFor[bool](), true
	case serde.TypeFixed:
		switch lt {
		case havro.Decimal:
			return ratPtrType, true
		case havro.Duration:
			return logicalDurationType, true
		}
		return reflect.ArrayOf(n.size, reflect.TypeFor[byte]()), true
	}
	return nil, false
}

// genericLeaf converts a rule's result for a generic leaf whose value was
// orig (nil: of the generic Go type of n) to that value's Go type.
func genericLeaf(out, orig any, n *rnode) (any, error) {
	if out == nil {
		return nil, nil
	}
	t := reflect.TypeOf(orig)
	if orig == nil {
		var ok bool
		if t, ok = leafGoType(n); !ok {
			return nil, fmt.Errorf("a rule returned %T for a null value", out)
		}
	}
	v, err := convertLeaf(out, t, n)
	if err != nil {
		return nil, err
	}
	return v.Interface(), nil
}

// convertLeaf converts a rule's result for a leaf of node n held in Go
// type t: a string for a string or enum (a symbol of the enum), []byte for
// bytes and fixed (of the fixed's size), an integer in range for an
// integer, an integer or float for a float, or a value of t itself.
func convertLeaf(out any, t reflect.Type, n *rnode) (reflect.Value, error) {
	if out == nil {
		switch t.Kind() {
		case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Map:
			return reflect.Zero(t), nil
		}
		return reflect.Value{}, fmt.Errorf("a rule returned nil for a %s value", n.ftype)
	}
	ov := reflect.ValueOf(out)
	bad := func() (reflect.Value, error) {
		return reflect.Value{}, fmt.Errorf("a rule returned %T for a %s value held in %s", out, n.ftype, t)
	}
	if n.ftype == serde.TypeEnum {
		s, ok := out.(string)
		if !ok {
			return bad()
		}
		if e, ok := n.schema.(*havro.EnumSchema); ok && !slices.Contains(e.Symbols(), s) {
			return reflect.Value{}, fmt.Errorf("a rule returned %q, not a symbol of enum %s", s, e.FullName())
		}
	}
	switch {
	case t == ratPtrType:
		switch x := out.(type) {
		case *big.Rat:
			return reflect.ValueOf(x), nil
		case float64:
			r := new(big.Rat)
			if r.SetFloat64(x) == nil {
				return bad()
			}
			return reflect.ValueOf(r), nil
		}
		if i, ok := intOf(ov); ok {
			return reflect.ValueOf(new(big.Rat).SetInt64(i)), nil
		}
		return bad()
	case ov.Type() == t:
		return ov, nil
	case t.Kind() == reflect.Pointer:
		ev, err := convertLeaf(out, t.Elem(), n)
		if err != nil {
			return reflect.Value{}, err
		}
		p := reflect.New(t.Elem())
		p.Elem().Set(ev)
		return p, nil
	case t.Kind() == reflect.Interface:
		if !ov.Type().AssignableTo(t) {
			return bad()
		}
		v := reflect.New(t).Elem()
		v.Set(ov)
		return v, nil
	}
	nv := reflect.New(t).Elem()
	switch t.Kind() {
	case reflect.String:
		if ov.Kind() != reflect.String {
			return bad()
		}
		nv.SetString(ov.String())
	case reflect.Bool:
		if ov.Kind() != reflect.Bool {
			return bad()
		}
		nv.SetBool(ov.Bool())
	case reflect.Slice:
		if t.Elem().Kind() != reflect.Uint8 || ov.Kind() != reflect.Slice || ov.Type().Elem().Kind() != reflect.Uint8 {
			return bad()
		}
		nv.SetBytes(ov.Bytes())
	case reflect.Array:
		if t.Elem().Kind() != reflect.Uint8 || ov.Kind() != reflect.Slice || ov.Type().Elem().Kind() != reflect.Uint8 {
			return bad()
		}
		if ov.Len() != t.Len() {
			return reflect.Value{}, fmt.Errorf("a rule returned %d bytes for a fixed of %d", ov.Len(), t.Len())
		}
		reflect.Copy(nv, ov)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, ok := intOf(ov)
		if !ok || nv.OverflowInt(i) || n.ftype == serde.TypeInt && (i < math.MinInt32 || i > math.MaxInt32) {
			if ok {
				return reflect.Value{}, fmt.Errorf("a rule returned %v, out of range for a %s value", out, n.ftype)
			}
			return bad()
		}
		nv.SetInt(i)
	case reflect.Float32, reflect.Float64:
		switch ov.Kind() {
		case reflect.Float32, reflect.Float64:
			nv.SetFloat(ov.Float())
		default:
			i, ok := intOf(ov)
			if !ok {
				return bad()
			}
			nv.SetFloat(float64(i))
		}
	default:
		if !ov.Type().ConvertibleTo(t) || ov.Kind() != t.Kind() {
			return bad()
		}
		return ov.Convert(t), nil
	}
	return nv, nil
}

// intOf returns v as an int64 when it is an integer that fits.
func intOf(v reflect.Value) (int64, bool) {
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int(), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if u := v.Uint(); u <= math.MaxInt64 {
			return int64(u), true
		}
	}
	return 0, false
}

// leafInput is the value a rule sees: a fixed ([N]byte) as []byte, named
// string, bytes, integer and float types as their base types.
func leafInput(x any) any {
	switch x.(type) {
	case nil, string, []byte, bool, int, int32, int64, float32, float64:
		return x
	}
	v := reflect.ValueOf(x)
	switch v.Kind() {
	case reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			b := make([]byte, v.Len())
			reflect.Copy(reflect.ValueOf(b), v)
			return b
		}
	case reflect.String:
		return v.String()
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return v.Bytes()
		}
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int()
	case reflect.Float32, reflect.Float64:
		return v.Float()
	}
	return x
}

// isGenericLeaf reports whether x is a leaf value of hamba's generic form
// (or a Go type hamba writes as a leaf).
func isGenericLeaf(x any) bool {
	switch x.(type) {
	case map[string]any, []any:
		return false
	}
	if x == nil {
		return true
	}
	switch reflect.TypeOf(x).Kind() {
	case reflect.Struct:
		_, isTime := x.(time.Time)
		return isTime || reflect.TypeOf(x).PkgPath() == "github.com/hamba/avro/v2"
	case reflect.Map, reflect.Pointer:
		return reflect.TypeOf(x) == ratPtrType
	case reflect.Slice:
		return reflect.TypeOf(x).Elem().Kind() == reflect.Uint8
	}
	return true
}

// sameLeaf reports whether a rule's result b is a's value unchanged.
func sameLeaf(a, b any) bool {
	switch x := a.(type) {
	case []byte:
		y, ok := b.([]byte)
		return ok && bytes.Equal(x, y)
	case nil:
		return b == nil
	}
	ta, tb := reflect.TypeOf(a), reflect.TypeOf(b)
	if ta != tb || !ta.Comparable() {
		return false
	}
	return a == b
}
