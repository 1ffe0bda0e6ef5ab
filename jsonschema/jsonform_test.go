package jsonschema

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"testing"
	"time"
)

type formOmit struct {
	A string    `json:"a,omitempty"`
	N int       `json:"n,omitempty"`
	P *string   `json:"p,omitempty"`
	Z time.Time `json:"z,omitzero"` // IsZero: through JSON
}

type formZero struct {
	Z [2]int `json:"z,omitzero"`
	M map[string]int
}

type formQuoted struct {
	N int `json:"n,string"`
}

type formEmbedded struct {
	*TWZone // nil: no "zone"
	gfHidden
	K map[int]string
	T map[textKey]int
}

type textKey string

func (k textKey) MarshalText() ([]byte, error) { return []byte("k-" + k), nil }

// The reflective JSON form is what encoding/json's text decodes to.
func TestJSONFormAsEncodingJSON(t *testing.T) {
	s := "s"
	type named string
	type withIface struct {
		A any         `json:"a"`
		S fmtStringer `json:"s"`
		R json.RawMessage
		N json.Number
		B [3]byte
		F float32
		U uint64
		I int64
	}
	cyclic := map[string]any{}
	cyclic["self"] = cyclic
	for name, v := range map[string]any{
		"order":         newTWOrder("s"),
		"order value":   *newTWOrder(""),
		"edge":          twEdge{Big: 1<<60 + 1, Bad: "a\xffb\xfe", Ptrs: map[string]*twLine{"p": {SKU: "x"}, "q": nil}, Num: "1.5"},
		"nil pointer":   (*twOrder)(nil),
		"gofields":      gfType{Ptr: &s, GFDeep: &GFDeep{Z: "z"}},
		"omitempty":     formOmit{},
		"omitempty set": formOmit{A: "a", N: 1, P: &s, Z: time.Unix(1, 0).UTC()},
		"omitzero":      formZero{},
		"quoted":        formQuoted{N: 7},
		"embedded":      formEmbedded{gfHidden: gfHidden{X: "x"}, K: map[int]string{1: "a"}, T: map[textKey]int{"a": 1}},
		"embedded set":  formEmbedded{TWZone: &TWZone{Zone: "z"}},
		"interfaces":    withIface{A: map[string]any{"n": 1, "f": 1.5, "l": []any{int8(2), "x", nil, twLine{SKU: "in"}}, "\xff": 1}, S: stringerValue("x"), R: json.RawMessage(`{"r":[1]}`), N: "12", B: [3]byte{1, 2, 3}, F: 0.1, U: math.MaxUint64, I: math.MinInt64},
		"named string":  map[string]named{"a": "b"},
		"slice of any":  []any{1, "a", []int{1}},
		"nil slice, map": struct {
			S []int
			M map[string]int
			B []byte
		}{},
		"times": struct {
			Zero, Zone, Nano time.Time
			P, Nil           *time.Time
			In               any
		}{Zone: time.Date(2020, 2, 3, 4, 5, 6, 0, time.FixedZone("X", -(3*3600+1800))), Nano: time.Unix(1, 7).UTC(),
			P: new(time.Now()), In: time.Now()},
		"hostile chain": &hostileNode{S: "a", Next: &hostileNode{Xs: []string{"x"}, Any: []any{map[string]any{}}}},
	} {
		rv := reflect.ValueOf(v)
		got, err := planForm(rv.Type()).form(rv, 0)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want, err := decodeDoc(b)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %#v\nwant %#v", name, got, want)
		}
	}
	// What encoding/json cannot write fails alike.
	for name, v := range map[string]any{
		"NaN":        twLine{Price: math.NaN()},
		"NaN in any": map[string]any{"x": math.Inf(1)},
		"cycle":      struct{ C map[string]any }{cyclic},
		"channel":    struct{ C chan int }{make(chan int)},
		"year 10000": struct{ T time.Time }{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		rv := reflect.ValueOf(v)
		if _, err := planForm(rv.Type()).form(rv, 0); !errors.Is(err, ErrUnsupportedType) {
			t.Errorf("%s: err = %v", name, err)
		}
		if _, err := json.Marshal(v); err == nil {
			t.Errorf("%s: encoding/json wrote it", name)
		}
	}
}

type fmtStringer interface{ String() string }

type stringerValue string

func (s stringerValue) String() string { return string(s) }

// BenchmarkJSONForm: the benchmark record's JSON form by reflection and
// through encoding/json (what Generic did before).
func BenchmarkJSONForm(b *testing.B) {
	v := benchValue()
	note := "leave at the door"
	v.Note = &note
	rv := reflect.ValueOf(v)
	p := planForm(rv.Type())
	if p.kind != fStruct {
		b.Fatalf("plan %v", p.kind)
	}
	b.Run("reflect", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := p.form(rv, 0); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			body, err := json.Marshal(v)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := decodeDoc(body); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// Generic of a struct is the reflective form, sharing no map or slice with
// the value.
func TestGenericStructForm(t *testing.T) {
	r := newRuleView[*twOrder](mustParse(t, typedSchema), nil, decodeTyped, Limits{})
	if r.form == nil {
		t.Fatal("no form plan for *twOrder")
	}
	in := newTWOrder("")
	g, err := r.Generic(in)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(in)
	want, _ := decodeDoc(b)
	if !reflect.DeepEqual(g, want) {
		t.Fatalf("Generic %#v\nwant %#v", g, want)
	}
	g.(map[string]any)["extra"].(map[string]any)["k"] = "changed"
	if in.Extra.(map[string]any)["k"] != "v" {
		t.Fatal("Generic's result shares a map with the value")
	}
}
