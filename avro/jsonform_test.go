package avro

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	havro "github.com/hamba/avro/v2"

	"github.com/srkit-go/srkit/serde"
)

// A union value in its keyed form is converted with the named branch both
// ways; a value that is not (a bare value, a map of two keys, an unknown
// or an empty key) is left to the caller; a branch that refuses the value
// is an error, not another branch's try.
func TestKeyedBranch(t *testing.T) {
	s := havro.MustParse(`["null","string",{"type":"record","name":"P","namespace":"t","fields":[{"name":"n","type":"long"}]},{"type":"array","items":"int"}]`)
	n := planSchema(s, serde.NewFieldTagger(nil))
	for _, c := range []struct {
		name    string
		convert func(*rnode, any, int, int) (any, error)
		in      any
		want    any
	}{
		{"to JSON, record", toJSONForm, map[string]any{"t.P": map[string]any{"n": int64(7)}}, map[string]any{"t.P": map[string]any{"n": json.Number("7")}}},
		{"from JSON, record", fromJSONForm, map[string]any{"t.P": map[string]any{"n": json.Number("7")}}, map[string]any{"t.P": map[string]any{"n": int64(7)}}},
		{"to JSON, array", toJSONForm, map[string]any{"array": []any{1}}, map[string]any{"array": []any{json.Number("1")}}},
		{"from JSON, array", fromJSONForm, map[string]any{"array": []any{json.Number("1")}}, map[string]any{"array": []any{1}}},
	} {
		got, ok, err := keyedBranch(n, c.in, c.convert, 0, 10)
		if !ok || err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %#v, %v, %v; want %#v", c.name, got, ok, err, c.want)
		}
	}
	for _, x := range []any{"a string", nil, map[string]any{}, map[string]any{"t.Q": 1},
		map[string]any{"": "x"}, map[string]any{"t.P": map[string]any{}, "array": []any{}}} {
		if got, ok, err := keyedBranch(n, x, fromJSONForm, 0, 10); ok || got != nil || err != nil {
			t.Errorf("%#v: %#v, %v, %v; want it left to the caller", x, got, ok, err)
		}
	}
	_, ok, err := keyedBranch(n, map[string]any{"t.P": map[string]any{"n": "seven"}}, fromJSONForm, 0, 10)
	if !ok || !errors.Is(err, ErrInvalidValue) {
		t.Fatalf("a record branch refusing its value: %v, %v; want ErrInvalidValue", ok, err)
	}
	if _, err := fromJSONForm(n, map[string]any{"t.P": map[string]any{"n": "seven"}}, 0, 10); !errors.Is(err, ErrInvalidValue) {
		t.Fatalf("fromJSONForm of a refused keyed value: %v", err)
	}
	if _, _, err := keyedBranch(n, map[string]any{"t.P": map[string]any{"n": int64(1)}}, toJSONForm, 11, 10); !errors.Is(err, ErrInvalidValue) {
		t.Fatalf("past the depth limit: %v", err)
	}
}
