package codeceval

import (
	"reflect"
	"testing"

	havro "github.com/hamba/avro/v2"
	tavro "github.com/twmb/avro"
)

// TestGenericValues pins how the two codecs' generic values differ, which
// is srkit's documented generic form today (hamba's): a switch would change
// what `any` and map[string]any deserializers hand out. hamba: int as Go
// int, fixed as [N]byte, a named union branch as {"ns.Name": value} and a
// primitive one bare. twmb: int as int32, fixed as []byte, every branch
// bare (ambiguous between a record and a map), or with TaggedUnions every
// non-null branch wrapped, primitives too ({"string": "s"}).
func TestGenericValues(t *testing.T) {
	schema := `{"type":"record","name":"G","namespace":"ns","fields":[{"name":"i","type":"int"},
	  {"name":"f","type":{"type":"fixed","name":"F","size":2}},
	  {"name":"u","type":["null","string",{"type":"record","name":"R","fields":[{"name":"x","type":"int"}]}]},
	  {"name":"us","type":["null","string"]}]}`
	body, err := havro.Marshal(havro.MustParse(schema), map[string]any{"i": 1, "f": [2]byte{1, 2},
		"u": map[string]any{"ns.R": map[string]any{"x": 3}}, "us": "s"})
	if err != nil {
		t.Fatal(err)
	}
	var h, tw, tagged map[string]any
	if err := havro.Unmarshal(havro.MustParse(schema), body, &h); err != nil {
		t.Fatal(err)
	}
	ts := tavro.MustParse(schema)
	if _, err := ts.Decode(body, &tw); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Decode(body, &tagged, tavro.TaggedUnions()); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"hamba", h, map[string]any{"i": 1, "f": [2]byte{1, 2}, "u": map[string]any{"ns.R": map[string]any{"x": 3}}, "us": "s"}},
		{"twmb", tw, map[string]any{"i": int32(1), "f": []byte{1, 2}, "u": map[string]any{"x": int32(3)}, "us": "s"}},
		{"twmb TaggedUnions", tagged, map[string]any{"i": int32(1), "f": []byte{1, 2},
			"u": map[string]any{"ns.R": map[string]any{"x": int32(3)}}, "us": map[string]any{"string": "s"}}},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: %#v\nwant %#v", c.name, c.got, c.want)
		}
	}
}
