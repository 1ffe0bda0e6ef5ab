package cel

import (
	"encoding/json"
	"math/big"
	"reflect"
	"testing"
	"time"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
)

func TestFieldValueKeepsKind(t *testing.T) {
	cases := []struct {
		typ  string
		orig any
		out  ref.Val
		want any
		err  bool
	}{
		{"STRING", "a", types.String("b"), "b", false},
		{"STRING", "a", types.Int(1), nil, true},
		{"BYTES", []byte("a"), types.Bytes("b"), []byte("b"), false},
		{"BYTES", []byte("a"), types.String("b"), nil, true},
		{"INT", int32(1), types.Int(7), int32(7), false},
		{"INT", int32(1), types.Int(1 << 40), nil, true},
		{"INT", int32(1), types.Double(2), int32(2), false},
		{"INT", int32(1), types.Double(2.5), nil, true},
		{"INT", int(1), types.Int(7), int(7), false},
		{"LONG", int64(1), types.Uint(7), int64(7), false},
		{"LONG", uint64(1), types.Int(-1), nil, true},
		{"FLOAT", float32(1), types.Double(2.5), float32(2.5), false},
		{"FLOAT", float32(1), types.Int(2), float32(2), false},
		{"DOUBLE", 1.0, types.Int(3), 3.0, false},
		{"DOUBLE", json.Number("1"), types.Int(3), json.Number("3"), false},
		{"BOOLEAN", true, types.False, false, false},
		{"BOOLEAN", true, types.String("no"), nil, true},
		{"STRING", "a", types.NullValue, nil, false},
		{"STRING", nil, types.String("x"), "x", false},
		{"INT", nil, types.Int(5), int32(5), false},
		{"LONG", nil, types.Int(5), int64(5), false},
		{"FLOAT", nil, types.Double(5), float32(5), false},
		{"NULL", nil, types.Int(5), int64(5), false},
	}
	for _, c := range cases {
		got, err := fieldValue(c.typ, c.orig, c.out)
		if (err != nil) != c.err || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s %T %v: got %#v, %v; want %#v (error %v)", c.typ, c.orig, c.out, got, err, c.want, c.err)
		}
	}
}

func TestAdapterAndToGeneric(t *testing.T) {
	reg, err := types.NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	a := adapter{reg: reg}
	if v := a.NativeToValue([4]byte{1, 2, 3, 4}); !reflect.DeepEqual(v, types.Bytes{1, 2, 3, 4}) {
		t.Errorf("fixed: %v", v)
	}
	if v := a.NativeToValue(big.NewRat(-5, 4)); v != types.Double(-1.25) {
		t.Errorf("decimal: %v", v)
	}
	if v := a.NativeToValue(json.Number("12")); v != types.Int(12) {
		t.Errorf("json.Number: %v", v)
	}
	if v := a.NativeToValue(json.Number("1.5")); v != types.Double(1.5) {
		t.Errorf("json.Number: %v", v)
	}
	now := time.Unix(1700000000, 0).UTC()
	in := map[string]any{"a": []any{int32(1), "x", nil, map[string]any{"b": true}}, "t": now, "f": [2]byte{9, 9}}
	got, err := toGeneric(a.NativeToValue(in))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"a": []any{int64(1), "x", nil, map[string]any{"b": true}}, "t": now, "f": []byte{9, 9}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v\nwant %#v", got, want)
	}
	if _, err := toGeneric(types.NewDynamicMap(a, map[int]string{1: "x"})); err == nil {
		t.Error("a map with int keys converted")
	}
	if !isSameValue(a.NativeToValue(in), in) || isSameValue(a.NativeToValue(map[string]any{}), in) {
		t.Error("isSameValue")
	}
}
