package cel

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"time"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
)

// adapter shows the formats' generic values to CEL: what cel-go's registry
// adapts natively, plus the values srkit's generic forms hold that it does
// not (an Avro decimal as *big.Rat, seen as a double; an Avro fixed as a
// byte array, seen as bytes; a JSON number kept as json.Number). Maps and
// lists are wrapped, not copied: their elements are adapted when CEL reads
// them.
type adapter struct{ reg *types.Registry }

// NativeToValue implements types.Adapter.
func (a adapter) NativeToValue(v any) ref.Val {
	switch x := v.(type) {
	case map[string]any:
		return types.NewStringInterfaceMap(a, x)
	case []any:
		return types.NewDynamicList(a, x)
	case *big.Rat:
		if x == nil {
			return types.NullValue
		}
		f, _ := x.Float64()
		return types.Double(f)
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return types.Int(i)
		}
		if f, err := x.Float64(); err == nil {
			return types.Double(f)
		}
		return types.String(x)
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Array && rv.Type().Elem().Kind() == reflect.Uint8 {
		b := make([]byte, rv.Len())
		reflect.Copy(reflect.ValueOf(b), rv)
		return types.Bytes(b)
	}
	return a.reg.NativeToValue(v)
}

// maxResultDepth bounds the nesting of an expression's result converted
// back to Go values.
const maxResultDepth = 256

// toGeneric converts an expression's result to the generic Go form the
// formats take: nil, bool, int64, uint64, float64, string, []byte,
// time.Time, time.Duration, []any, map[string]any, proto.Message.
func toGeneric(v ref.Val) (any, error) { return toGenericDepth(v, 0) }

func toGenericDepth(v ref.Val, depth int) (any, error) {
	if depth > maxResultDepth {
		return nil, fmt.Errorf("the result is nested more than %d levels deep", maxResultDepth)
	}
	switch x := v.(type) {
	case types.Null:
		return nil, nil
	case types.Bool:
		return bool(x), nil
	case types.Int:
		return int64(x), nil
	case types.Uint:
		return uint64(x), nil
	case types.Double:
		return float64(x), nil
	case types.String:
		return string(x), nil
	case types.Bytes:
		return []byte(x), nil
	case types.Timestamp:
		return x.Time, nil
	case types.Duration:
		return x.Duration, nil
	case *types.Err:
		return nil, x
	case traits.Mapper:
		out := make(map[string]any)
		for it := x.Iterator(); it.HasNext() == types.True; {
			k := it.Next()
			ks, ok := k.(types.String)
			if !ok {
				return nil, fmt.Errorf("the result is a map with a %s key; only string keys are supported", k.Type().TypeName())
			}
			e, err := toGenericDepth(x.Get(k), depth+1)
			if err != nil {
				return nil, err
			}
			out[string(ks)] = e
		}
		return out, nil
	case traits.Lister:
		n, ok := x.Size().(types.Int)
		if !ok {
			return nil, fmt.Errorf("the result is a list of unknown size")
		}
		out := make([]any, 0, int(n))
		for it := x.Iterator(); it.HasNext() == types.True; {
			e, err := toGenericDepth(it.Next(), depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, e)
		}
		return out, nil
	}
	switch n := v.Value().(type) {
	case structpb.NullValue:
		return nil, nil
	case proto.Message:
		return n, nil
	}
	return nil, fmt.Errorf("the result has type %s, which has no generic form", v.Type().TypeName())
}

// isSameValue reports whether the expression's result is the value it was
// given (an identity transform such as "message"), so that nothing is
// replaced.
func isSameValue(out ref.Val, in any) bool {
	if in == nil {
		return false
	}
	got := out.Value()
	switch x := in.(type) {
	case map[string]any:
		m, ok := got.(map[string]any)
		return ok && reflect.ValueOf(m).UnsafePointer() == reflect.ValueOf(x).UnsafePointer()
	case proto.Message:
		m, ok := got.(proto.Message)
		return ok && m == x
	}
	return false
}

// fieldValue converts the result of a field expression to the Go kind of
// the field's current value orig (or, for a null field, of the field's
// type): a STRING field gets a string, an INT field held as int32 an int32,
// and so on. A result of another kind is an error; a null result is nil.
func fieldValue(typeName string, orig any, out ref.Val) (any, error) {
	if _, ok := out.(types.Null); ok {
		return nil, nil
	}
	if e, ok := out.(*types.Err); ok {
		return nil, e
	}
	want := orig
	if want == nil {
		switch typeName {
		case "STRING":
			want = ""
		case "BYTES":
			want = []byte(nil)
		case "INT":
			want = int32(0)
		case "LONG":
			want = int64(0)
		case "FLOAT":
			want = float32(0)
		case "DOUBLE":
			want = float64(0)
		case "BOOLEAN":
			want = false
		default:
			return toGeneric(out)
		}
	}
	bad := func() (any, error) {
		return nil, fmt.Errorf("the expression returned %s for a %s field", out.Type().TypeName(), typeName)
	}
	switch want.(type) {
	case string:
		if s, ok := out.(types.String); ok {
			return string(s), nil
		}
	case []byte:
		if b, ok := out.(types.Bytes); ok {
			return []byte(b), nil
		}
	case bool:
		if b, ok := out.(types.Bool); ok {
			return bool(b), nil
		}
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return intValue(want, out, typeName)
	case float32:
		if f, ok := number(out); ok {
			return float32(f), nil
		}
	case float64:
		if f, ok := number(out); ok {
			return f, nil
		}
	case time.Time:
		if t, ok := out.(types.Timestamp); ok {
			return t.Time, nil
		}
	case json.Number:
		switch n := out.(type) {
		case types.Int:
			return json.Number(fmt.Sprint(int64(n))), nil
		case types.Uint:
			return json.Number(fmt.Sprint(uint64(n))), nil
		case types.Double:
			return json.Number(fmt.Sprint(float64(n))), nil
		}
	default:
		return toGeneric(out)
	}
	return bad()
}

// number returns a numeric result as a float64.
func number(out ref.Val) (float64, bool) {
	switch n := out.(type) {
	case types.Double:
		return float64(n), true
	case types.Int:
		return float64(n), true
	case types.Uint:
		return float64(n), true
	}
	return 0, false
}

// intValue converts an integer result to the integer type of want,
// refusing a value out of its range or with a fraction.
func intValue(want any, out ref.Val, typeName string) (any, error) {
	var i *big.Int
	switch n := out.(type) {
	case types.Int:
		i = big.NewInt(int64(n))
	case types.Uint:
		i = new(big.Int).SetUint64(uint64(n))
	case types.Double:
		f := float64(n)
		if f != math.Trunc(f) || math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, fmt.Errorf("the expression returned %v for a %s field", f, typeName)
		}
		i, _ = big.NewFloat(f).Int(nil)
	default:
		return nil, fmt.Errorf("the expression returned %s for a %s field", out.Type().TypeName(), typeName)
	}
	rt := reflect.TypeOf(want)
	rv := reflect.New(rt).Elem()
	switch rt.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if !i.IsInt64() || rv.OverflowInt(i.Int64()) {
			return nil, fmt.Errorf("the expression returned %s, out of range for a %s field", i, typeName)
		}
		rv.SetInt(i.Int64())
	default:
		if !i.IsUint64() || rv.OverflowUint(i.Uint64()) {
			return nil, fmt.Errorf("the expression returned %s, out of range for a %s field", i, typeName)
		}
		rv.SetUint(i.Uint64())
	}
	return rv.Interface(), nil
}
