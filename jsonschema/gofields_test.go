package jsonschema

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"
)

type gfInner struct {
	A string
	B string `json:"b"`
	C string
}

type gfOther struct {
	A string
	C string `json:"C"`
}

type GFDeep struct {
	gfInner
	Z string
}

type gfHidden struct{ X string }

type gfType struct {
	gfInner         // A, b, C
	gfOther         // A: as deep as gfInner's, untagged too: neither; C tagged: wins
	*GFDeep         // deeper: hidden, but for Z (through the pointer)
	gfHidden        // unexported type, exported field: promoted
	Top      string `json:"top,omitempty"`
	//lint:ignore SA5008 the invalid name is the case under test
	Bad string `json:"a\\b"` // not a valid name: the Go name
	//lint:ignore SA5008 the name "-" is the case under test
	Dash string `json:"-,"`
	Skip string `json:"-"`
	//lint:ignore U1000 an unexported field: skipped
	low   string
	Named string  `json:"named,string"`
	Ptr   *string `json:"ptr"`
}

// goFields names the fields encoding/json writes, with the index paths of
// the values it writes for them.
func TestGoFieldsAsEncodingJSON(t *testing.T) {
	v := reflect.New(reflect.TypeFor[gfType]()).Elem()
	v.FieldByName("GFDeep").Set(reflect.New(reflect.TypeFor[GFDeep]()))
	fields := goFields(v.Type())
	var names []string
	for _, f := range fields {
		names = append(names, f.name)
		if f.typ.Kind() == reflect.String {
			v.FieldByIndex(f.index).SetString(f.name + "!")
		}
	}
	b, err := json.Marshal(v.Addr().Interface())
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	slices.Sort(names)
	if want := []string{"-", "Bad", "C", "X", "Z", "b", "named", "ptr", "top"}; !slices.Equal(names, want) {
		t.Errorf("goFields %q, want %q", names, want)
	}
	if !slices.Equal(keys, names) {
		t.Fatalf("goFields %q, encoding/json wrote %q (%s)", names, keys, b)
	}
	for _, f := range fields {
		want := f.name + "!"
		if f.quoted {
			want = `"` + want + `"`
		}
		if f.typ.Kind() == reflect.String && m[f.name] != want {
			t.Errorf("%s: encoding/json wrote %v from another field than %v", f.name, m[f.name], f.index)
		}
		if f.omitEmpty != (f.name == "top") || f.quoted != (f.name == "named") || f.viaPointer != (f.name == "Z") {
			t.Errorf("%s: options %+v", f.name, f)
		}
	}
}
