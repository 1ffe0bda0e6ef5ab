package jsonschema

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/srkit-go/srkit/internal/race"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// The typed walk against the map walk (the JSON round trip it replaces):
// same visits (name, type, value, containing object), byte-identical
// output and equal values, the caller's value untouched.

const typedSchema = `{"type":"object","properties":{
 "region":{"type":"string"},"code":{"type":"integer"},
 "id":{"type":"string"},"email_address":{"type":"string"},"Hidden":{"type":"string"},"skip":{"type":"string"},
 "Plain":{"type":"string"},
 "note":{"type":["string","null"]},"noteNil":{"type":["string","null"]},
 "blob":{"type":"string"},"blobNil":{"type":["string","null"]},
 "lines":{"type":"array","items":{"$ref":"#/definitions/line"},"confluent:tags":["PII"]},
 "byName":{"type":"object","properties":{"a":{"$ref":"#/definitions/line"},"zz":{"$ref":"#/definitions/line"}},
   "additionalProperties":{"$ref":"#/definitions/line"}},
 "ship":{"$ref":"#/definitions/addr"},"noShip":{"oneOf":[{"type":"null"},{"$ref":"#/definitions/addr"}]},
 "at":{"type":"string","format":"date-time"},
 "extra":{"type":"object","properties":{"k":{"type":"string"},"n":{"type":"number"}},"confluent:tags":["PII"]},
 "count":{"type":"integer"},"ratio":{"type":"number"},"ok":{"type":"boolean"},
 "pair":{"type":"array","items":{"type":"string"}},
 "any":{}
},
"definitions":{
 "line":{"type":"object","properties":{"sku":{"type":"string"},"qty":{"type":"integer"},"price":{"type":"number"},
   "secret":{"type":"string","confluent:tags":["PII"]}}},
 "addr":{"type":"object","properties":{"street":{"type":"string","confluent:tags":["PII"]},"zone":{"type":"string"}}}}}`

type twBase struct {
	Region string `json:"region"`
	Code   int    `json:"code"`
}

type TWZone struct {
	Zone string `json:"zone"`
}

type twAddr struct {
	Street  string `json:"street"`
	*TWZone        // promoted through a pointer: the address goes through JSON
}

type twLine struct {
	SKU    string  `json:"sku"`
	Qty    int     `json:"qty"`
	Price  float64 `json:"price"`
	Secret []byte  `json:"secret"`
}

type twOrder struct {
	twBase
	ID      string            `json:"id"`
	Email   string            `json:"email_address"`
	Hidden  string            `json:"-"`
	Skip    string            `json:"skip,omitempty"`
	Plain   string            // no tag: the Go name
	Note    *string           `json:"note"`
	NoteNil *string           `json:"noteNil"`
	Blob    []byte            `json:"blob"`
	BlobNil []byte            `json:"blobNil"`
	Lines   []twLine          `json:"lines"`
	ByName  map[string]twLine `json:"byName"`
	Ship    *twAddr           `json:"ship"`
	NoShip  *twAddr           `json:"noShip"`
	At      time.Time         `json:"at"`
	Extra   any               `json:"extra"`
	Count   uint16            `json:"count"`
	Ratio   float32           `json:"ratio"`
	OK      bool              `json:"ok"`
	Pair    [2]string         `json:"pair"`
	Any     any               `json:"any"`
}

func newTWOrder(skip string) *twOrder {
	note := "n"
	return &twOrder{
		twBase: twBase{Region: "eu", Code: 7},
		ID:     "o1", Email: "a@b", Hidden: "h", Skip: skip, Plain: "p", Note: &note,
		Blob:   []byte{0, 1, 2, 250},
		Lines:  []twLine{{SKU: "s1", Qty: 2, Price: 1.5, Secret: []byte("k1")}, {SKU: "s2", Qty: 3, Price: 2}},
		ByName: map[string]twLine{"a": {SKU: "a", Qty: 1}, "b": {SKU: "b"}},
		Ship:   &twAddr{Street: "Main", TWZone: &TWZone{Zone: "z"}},
		At:     time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC),
		Extra:  map[string]any{"k": "v", "n": 1.0, "other": "o"},
		Count:  9, Ratio: 0.1, OK: true, Pair: [2]string{"l", "r"}, Any: "x",
	}
}

// twRule changes every kind of leaf, so that each is written back: strings
// (base64 ones stay base64, times stay times), numbers, booleans; a null
// becomes a string.
func twRule(f *serde.Field, x any) (any, error) {
	switch v := x.(type) {
	case string:
		switch f.Name {
		case "at":
			return "2001-02-03T04:05:06Z", nil
		case "blob", "secret":
			return base64.StdEncoding.EncodeToString([]byte("enc:" + v)), nil
		}
		return "<" + v + ">", nil
	case float64:
		return v + 1, nil
	case bool:
		return !v, nil
	case nil:
		if f.Name == "noteNil" || f.Name == "blobNil" {
			return "c2V0", nil // base64 of "set"
		}
	}
	return x, nil
}

// walkBoth runs TransformFields on values from mk with the typed walk and
// with the map walk, logging every visit.
func walkBoth[T any](t *testing.T, schema string, tags []string, mk func() T, fn serde.FieldFunc) (typed, mapped T, logs [2][]string, errs [2]error) {
	t.Helper()
	s := mustParse(t, schema)
	for i := range 2 {
		r := newRuleView[T](s, &registry.Metadata{}, decodeTyped, Limits{})
		if r.typed == nil {
			t.Fatalf("%T has no typed plan", *new(T))
		}
		if i == 1 {
			r.typed = nil // the map walk
		}
		v, orig := mk(), mk()
		out, err := r.TransformFields(v, tags, func(f *serde.Field, x any) (any, error) {
			c, cerr := f.Containing()
			cj, _ := json.Marshal(c)
			logs[i] = append(logs[i], fmt.Sprintf("%s %s %T %v in %s %v", f.FullName, f.Type, x, x, cj, cerr))
			return fn(f, x)
		})
		if !reflect.DeepEqual(v, orig) {
			t.Errorf("walk %d changed the caller's value: %+v", i, v)
		}
		errs[i] = err
		if i == 0 {
			typed = out
		} else {
			mapped = out
		}
	}
	return typed, mapped, logs, errs
}

func checkSame[T any](t *testing.T, typed, mapped T, logs [2][]string, errs [2]error) {
	t.Helper()
	if errs[0] != nil || errs[1] != nil {
		t.Fatalf("errors: typed %v, map %v", errs[0], errs[1])
	}
	if strings.Join(logs[0], "\n") != strings.Join(logs[1], "\n") {
		t.Errorf("visits differ:\ntyped:\n%s\nmap:\n%s", strings.Join(logs[0], "\n"), strings.Join(logs[1], "\n"))
	}
	bt, _ := json.Marshal(typed)
	bm, _ := json.Marshal(mapped)
	if !bytes.Equal(bt, bm) {
		t.Errorf("output differs:\ntyped %s\nmap   %s", bt, bm)
	}
	if !reflect.DeepEqual(typed, mapped) {
		t.Errorf("values differ:\ntyped %+v\nmap   %+v", typed, mapped)
	}
}

func TestTypedWalkMatchesMapWalk(t *testing.T) {
	for _, skip := range []string{"", "s"} { // omitempty: left out, then present
		for _, tags := range [][]string{nil, {"PII"}, {"NONE"}} {
			t.Run(fmt.Sprintf("skip=%q/tags=%v", skip, tags), func(t *testing.T) {
				typed, mapped, logs, errs := walkBoth(t, typedSchema, tags, func() *twOrder { return newTWOrder(skip) }, twRule)
				// A json:"-" field is no part of the JSON form: the round
				// trip drops it, the typed walk keeps it.
				if typed.Hidden != "h" {
					t.Errorf("hidden: typed %q, map %q", typed.Hidden, mapped.Hidden)
				}
				mapped.Hidden = typed.Hidden
				checkSame(t, typed, mapped, logs, errs)
				if len(tags) == 0 && len(logs[0]) < 25 {
					t.Errorf("only %d visits:\n%s", len(logs[0]), strings.Join(logs[0], "\n"))
				}
				if tags == nil && typed.Email != "<a@b>" {
					t.Errorf("email %q", typed.Email)
				}
				// lines and extra are tagged PII: their objects' primitives
				// are visited as them, held by the order.
				if slices.Equal(tags, []string{"PII"}) {
					for _, p := range []string{"$.lines STRING string s1 in {", "$.lines INT float64 3 in {", "$.extra DOUBLE float64 1 in {"} {
						if !slices.ContainsFunc(logs[0], func(l string) bool { return strings.HasPrefix(l, p) && strings.Contains(l, `"region":"eu"`) }) {
							t.Errorf("no visit %q in\n%s", p, strings.Join(logs[0], "\n"))
						}
					}
				}
			})
		}
	}
	// Unchanged: the value itself comes back.
	s := mustParse(t, typedSchema)
	r := newRuleView[*twOrder](s, &registry.Metadata{}, decodeTyped, Limits{})
	in := newTWOrder("")
	out, err := r.TransformFields(in, nil, func(_ *serde.Field, x any) (any, error) { return x, nil })
	if err != nil || out != in {
		t.Fatalf("a walk changing nothing returned %p (%v), want %p", out, err, in)
	}
}

// What the typed walk copies: the changed struct and the containers above
// it; the rest is shared.
func TestTypedWalkSharesUnchanged(t *testing.T) {
	s := mustParse(t, typedSchema)
	r := newRuleView[*twOrder](s, &registry.Metadata{}, decodeTyped, Limits{})
	in := newTWOrder("")
	out, err := r.TransformFields(in, nil, func(f *serde.Field, x any) (any, error) {
		if f.FullName == "$.lines.sku" && x == "s2" {
			return "S2", nil
		}
		return x, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if out == in || &out.Lines[0] == &in.Lines[0] || out.Lines[1].SKU != "S2" || in.Lines[1].SKU != "s2" {
		t.Fatalf("lines not copied on write: %+v", out.Lines)
	}
	if out.Ship != in.Ship || out.Note != in.Note || &out.Blob[0] != &in.Blob[0] || reflect.ValueOf(out.ByName).UnsafePointer() != reflect.ValueOf(in.ByName).UnsafePointer() {
		t.Fatal("unchanged parts were copied")
	}
}

// A result that cannot be put in its field is ErrInvalid, as reading the
// form back fails.
func TestTypedWalkResultDoesNotFit(t *testing.T) {
	for _, c := range []struct {
		field  string
		result any
	}{{"code", "seven"}, {"qty", 1.5}, {"blob", "%%%"}, {"count", -1}, {"ok", 1}} {
		fn := func(f *serde.Field, x any) (any, error) {
			if f.Name == c.field {
				return c.result, nil
			}
			return x, nil
		}
		_, _, _, errs := walkBoth(t, typedSchema, nil, func() *twOrder { return newTWOrder("") }, fn)
		if !errors.Is(errs[0], ErrInvalid) || errs[1] == nil {
			t.Errorf("%s = %v: typed walk %v, map walk %v", c.field, c.result, errs[0], errs[1])
		}
	}
}

// Top-level struct (not a pointer), a top-level slice, a map of pointers
// and numbers at the edges of float64.
type twEdge struct {
	Big   int64              `json:"big"`
	Neg   int8               `json:"neg"`
	Ptrs  map[string]*twLine `json:"ptrs"`
	Deep  **string           `json:"deep"`
	Bytes []byte             `json:"bytes,omitempty"`
	Bad   string             `json:"bad"`
	Num   json.Number        `json:"num"`
}

const twEdgeSchema = `{"type":"object","properties":{"big":{"type":"integer"},"neg":{"type":"integer"},
 "ptrs":{"type":"object","properties":{"p":{"type":"object","properties":{"sku":{"type":"string"},"qty":{"type":"integer"}}}}},
 "deep":{"type":"string"},"bytes":{"type":"string"},"bad":{"type":"string"},"num":{"type":"number"}}}`

func TestTypedWalkEdges(t *testing.T) {
	mk := func() twEdge {
		s := "d"
		ps := &s
		return twEdge{Big: 1<<53 + 1, Neg: -128, Ptrs: map[string]*twLine{"p": {SKU: "x", Qty: 1}, "q": nil}, Deep: &ps, Bad: "a\xffb", Num: "1.25"}
	}
	typed, mapped, logs, errs := walkBoth(t, twEdgeSchema, nil, mk, func(f *serde.Field, x any) (any, error) {
		if f.Name == "big" || f.Name == "neg" {
			return x, nil // unchanged: the typed walk keeps the exact value
		}
		return twRule(f, x)
	})
	// The round trip reads every number back from its float64 form: an
	// int64 beyond 2^53 loses its last bit there, not in the typed walk.
	if mapped.Big != 1<<53 {
		t.Errorf("map walk: big %d", mapped.Big)
	}
	mapped.Big = typed.Big
	checkSame(t, typed, mapped, logs, errs)
	if typed.Big != 1<<53+1 || typed.Bad != "<a\uFFFDb>" || **typed.Deep != "<d>" || typed.Ptrs["p"].SKU != "<x>" || typed.Num != "2.25" {
		t.Errorf("typed %+v", typed)
	}
}

type twOrderRef *twOrder

// A named pointer type holds what the walk returns.
func TestTypedWalkNamedPointer(t *testing.T) {
	typed, mapped, logs, errs := walkBoth(t, typedSchema, []string{"PII"}, func() twOrderRef { return newTWOrder("") }, twRule)
	mapped.Hidden = typed.Hidden
	checkSame(t, typed, mapped, logs, errs)
	if typed.Lines[0].Secret == nil || string(typed.Lines[0].Secret) == "k1" {
		t.Fatalf("secret %q", typed.Lines[0].Secret)
	}
}

// An interface-typed T and a T that writes itself go through JSON as a
// whole; a top-level slice of structs is walked.
func TestTypedPlanRoots(t *testing.T) {
	s := mustParse(t, `{"type":"array","items":{"type":"object","properties":{"sku":{"type":"string"}}}}`)
	if r := newRuleView[[]twLine](s, &registry.Metadata{}, decodeTyped, Limits{}); r.typed == nil || r.typed.kind != tSlice {
		t.Fatalf("[]twLine: %+v", r.typed)
	}
	if r := newRuleView[fmt.Stringer](s, &registry.Metadata{}, decodeTyped, Limits{}); r.typed != nil {
		t.Fatal("an interface T has a typed plan")
	}
	if r := newRuleView[time.Time](s, &registry.Metadata{}, decodeTyped, Limits{}); r.typed != nil {
		t.Fatal("time.Time has a typed plan")
	}
	typed, mapped, logs, errs := walkBoth(t, `{"type":"array","items":{"type":"object","properties":{"sku":{"type":"string"}}}}`,
		nil, func() []twLine { return []twLine{{SKU: "a"}, {SKU: "b"}} }, twRule)
	checkSame(t, typed, mapped, logs, errs)
}

// A warm typed walk allocates only the values it hands the rule (a string
// or number boxed in an any) and the copies of what it changes.
func TestTypedWalkAllocations(t *testing.T) {
	if race.Enabled || testing.Short() {
		t.Skip("allocation counts mean nothing under the race detector")
	}
	s := mustParse(t, typedSchema)
	md := &registry.Metadata{Tags: map[string][]string{"$.note": {"ADDR"}, "$.lines.sku": {"ADDR"}, "$.lines.qty": {"ADDR"}, "$.ok": {"ADDR"}}}
	r := newRuleView[*twOrder](s, md, decodeTyped, Limits{})
	in := newTWOrder("")
	tags := []string{"ADDR"}
	var visits int
	same := func(_ *serde.Field, x any) (any, error) { visits++; return x, nil }
	unchanged := testing.AllocsPerRun(100, func() {
		if out, err := r.TransformFields(in, tags, same); err != nil || out != in {
			t.Fatal(out, err)
		}
	})
	if visits == 0 {
		t.Fatal("no field visited")
	}
	if perWalk := visits / 101; unchanged > float64(perWalk) {
		t.Errorf("a walk changing nothing allocated %.0f times for %d visits", unchanged, perWalk)
	}
	masked := any("***")
	mask := func(f *serde.Field, x any) (any, error) {
		if f.FullName == "$.lines.sku" && x == "s2" {
			return masked, nil
		}
		return x, nil
	}
	changed := testing.AllocsPerRun(100, func() {
		out, err := r.TransformFields(in, tags, mask)
		if err != nil || out.Lines[1].SKU != "***" {
			t.Fatal(out, err)
		}
	})
	// The copies: the order, the changed line, the new lines slice (its
	// array, and the slice header reflect keeps it in).
	if changed-unchanged != 4 {
		t.Errorf("masking one item allocated %.0f times, %.0f beyond a walk changing nothing", changed, changed-unchanged)
	}
}

// FuzzTypedWalk: any twOrder encoding/json reads from the input is walked
// alike by the typed walk and the map walk (visits, output, value, or
// both fail), and converts to the JSON form encoding/json gives.
func FuzzTypedWalk(f *testing.F) {
	seed, _ := json.Marshal(newTWOrder("s"))
	f.Add(seed)
	f.Add([]byte(`{"code":1e300,"count":-1,"lines":[{"qty":1.5}],"extra":{"k":1},"any":[1,{"a":"b"}],"noShip":{"street":"x"}}`))
	f.Add([]byte(`{"note":null,"blob":"AAAA","pair":["a"],"byName":{"zz":{"secret":"AA=="}},"ratio":3.4e38}`))
	s, err := Parse(typedSchema)
	if err != nil {
		f.Fatal(err)
	}
	typedView := newRuleView[*twOrder](s, &registry.Metadata{}, decodeTyped, Limits{})
	mapView := newRuleView[*twOrder](s, &registry.Metadata{}, decodeTyped, Limits{})
	mapView.typed = nil
	form := planForm(reflect.TypeFor[*twOrder]())
	f.Fuzz(func(t *testing.T, body []byte) {
		var in *twOrder
		if json.Unmarshal(body, &in) != nil {
			return
		}
		g, gerr := form.form(reflect.ValueOf(in), 0)
		b, merr := json.Marshal(in)
		if (gerr == nil) != (merr == nil) {
			t.Fatalf("form error %v, encoding/json error %v", gerr, merr)
		}
		if merr != nil {
			return
		}
		want, _ := decodeDoc(b)
		if !reflect.DeepEqual(g, want) {
			t.Fatalf("form %#v\nwant %#v", g, want)
		}
		var logs [2][]string
		var outs [2]*twOrder
		var errs [2]error
		// Every leaf, then those tagged PII: lines and extra are, so their
		// objects' primitives are visited as them.
		tags := []string(nil)
		if len(body)%2 == 1 {
			tags = []string{"PII"}
		}
		for i, r := range []*ruleView[*twOrder]{typedView, mapView} {
			outs[i], errs[i] = r.TransformFields(in, tags, func(f *serde.Field, x any) (any, error) {
				c, cerr := f.Containing()
				logs[i] = append(logs[i], fmt.Sprintf("%s %s %#v in %#v %v", f.FullName, f.Type, x, c, cerr))
				return twRule(f, x)
			})
		}
		if (errs[0] == nil) != (errs[1] == nil) {
			t.Fatalf("typed walk error %v, map walk error %v", errs[0], errs[1])
		}
		if errs[0] != nil {
			return
		}
		if !slices.Equal(logs[0], logs[1]) {
			t.Fatalf("visits differ:\n%q\n%q", logs[0], logs[1])
		}
		bt, _ := json.Marshal(outs[0])
		bm, _ := json.Marshal(outs[1])
		if !bytes.Equal(bt, bm) {
			t.Fatalf("output differs:\ntyped %s\nmap   %s", bt, bm)
		}
	})
}
