package avro

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// A tag on a field holding a record reaches the primitive fields of that
// record whose own tags miss the rule's: Confluent's Java client hands them
// with the tagged field's context (RuleContext.enterField pushes none for
// them; toTransformedMessage sets the context's type to the value's).
// Enums, fixed values, unions, containers and records below push their own
// contexts, so the tag reaches one level down only.

const recordTagSchema = `{"type":"record","name":"Outer","namespace":"io.test","fields":[
 {"name":"id","type":"long"},
 {"name":"mid","type":{"type":"record","name":"Mid","fields":[
   {"name":"s","type":"string"},
   {"name":"n","type":"int"},
   {"name":"own","type":"string","confluent:tags":["OTHER"]},
   {"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}},
   {"name":"ns","type":["null","string"],"default":null},
   {"name":"xs","type":{"type":"array","items":"string"}},
   {"name":"deep","type":{"type":"record","name":"Deep","fields":[{"name":"d","type":"string"}]}}]}},
 {"name":"mids","type":{"type":"array","items":"Mid"}},
 {"name":"plain","type":"Mid"}]}`

var recordTagMeta = &registry.Metadata{Tags: map[string][]string{
	"io.test.Outer.mid":  {"REC"},
	"io.test.Outer.mids": {"REC"},
	"io.test.Mid.own":    {"REC"},
}}

type rtDeep struct {
	D string `avro:"d"`
}

type rtMid struct {
	S    string   `avro:"s"`
	N    int32    `avro:"n"`
	Own  string   `avro:"own"`
	E    string   `avro:"e"`
	NS   *string  `avro:"ns"`
	XS   []string `avro:"xs"`
	Deep rtDeep   `avro:"deep"`
}

type rtOuter struct {
	ID    int64   `avro:"id"`
	Mid   rtMid   `avro:"mid"`
	Mids  []rtMid `avro:"mids"`
	Plain rtMid   `avro:"plain"`
}

func sampleRecordTag() rtOuter {
	ns := "ns-1"
	mid := func(p string) rtMid {
		return rtMid{S: p + "-s", N: 4, Own: p + "-own", E: "B", NS: &ns, XS: []string{p + "-x"}, Deep: rtDeep{D: p + "-d"}}
	}
	return rtOuter{ID: 1, Mid: mid("m"), Mids: []rtMid{mid("a"), mid("b")}, Plain: mid("p")}
}

func recordTagView[T any](t testing.TB) ruleMethods[T] {
	t.Helper()
	ps, err := parseSchema(recordTagSchema, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ruleMethods[T]{newRuleView(newAPI(defaultSettings()), ps, recordTagMeta, reflect.TypeFor[T](), Limits{})}
}

// TestRuleViewRecordFieldTag: a rule on REC sees mid's and each of mids'
// s and n as the tagged field (its name and tags, their own types, held by
// Outer), own (tagged REC itself) as itself, and nothing of e, ns, xs,
// deep or of the untagged plain; typed and generic values alike, and a
// rule's result lands in the inner field.
func TestRuleViewRecordFieldTag(t *testing.T) {
	want := []string{
		"io.test.Outer.mid STRING [REC] m-s in Outer",
		"io.test.Outer.mid INT [REC] 4 in Outer",
		"io.test.Mid.own STRING [OTHER REC] m-own in Mid",
		"io.test.Outer.mids STRING [REC] a-s in Outer",
		"io.test.Outer.mids INT [REC] 4 in Outer",
		"io.test.Mid.own STRING [OTHER REC] a-own in Mid",
		"io.test.Outer.mids STRING [REC] b-s in Outer",
		"io.test.Outer.mids INT [REC] 4 in Outer",
		"io.test.Mid.own STRING [OTHER REC] b-own in Mid",
		"io.test.Mid.own STRING [OTHER REC] p-own in Mid",
	}
	var got []string
	fn := func(f *serde.Field, v any) (any, error) {
		c, err := f.Containing()
		if err != nil {
			return nil, err
		}
		in := "Mid"
		if _, ok := c.(map[string]any)["mids"]; ok {
			in = "Outer"
		}
		got = append(got, fmt.Sprintf("%s %s %v %v in %s", f.FullName, f.Type, f.Tags, v, in))
		if s, ok := v.(string); ok {
			return strings.ToUpper(s), nil
		}
		return v, nil
	}
	typed := recordTagView[rtOuter](t)
	out, err := typed.TransformFields(sampleRecordTag(), []string{"REC"}, fn)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("typed visits\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	exp := sampleRecordTag()
	exp.Mid.S, exp.Mid.Own = "M-S", "M-OWN"
	exp.Mids[0].S, exp.Mids[0].Own, exp.Mids[1].S, exp.Mids[1].Own = "A-S", "A-OWN", "B-S", "B-OWN"
	exp.Plain.Own = "P-OWN"
	if !reflect.DeepEqual(out, exp) {
		t.Fatalf("typed result %+v\nwant %+v", out, exp)
	}

	g, err := typed.Generic(sampleRecordTag())
	if err != nil {
		t.Fatal(err)
	}
	got = nil
	gout, err := recordTagView[any](t).TransformFields(g, []string{"REC"}, fn)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("generic visits\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	back, err := typed.FromGeneric(gout)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, exp) {
		t.Fatalf("generic result %+v\nwant %+v", back, exp)
	}

	// A rule without tags sees every field as itself.
	got = nil
	if _, err := typed.TransformFields(sampleRecordTag(), nil, fn); err != nil {
		t.Fatal(err)
	}
	for _, v := range got {
		if strings.HasPrefix(v, "io.test.Outer.mid") {
			t.Fatalf("a rule without tags saw %s", v)
		}
	}
}

// FuzzRecordFieldTag: arbitrary JSON as a generic value walked for a tag
// on record fields is an error or a value, never a panic.
func FuzzRecordFieldTag(f *testing.F) {
	typed := recordTagView[rtOuter](f)
	generic := recordTagView[any](f)
	b, _ := typed.JSON(sampleRecordTag())
	f.Add(b)
	f.Add([]byte(`{"mid":{"s":1,"n":"x","deep":[]},"mids":[{"s":null},7]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var j any
		if json.Unmarshal(data, &j) != nil {
			return
		}
		_, _ = generic.TransformFields(j, []string{"REC"}, func(*serde.Field, any) (any, error) { return "s", nil })
		_, _ = generic.TransformFields(j, []string{"REC"}, func(_ *serde.Field, v any) (any, error) { return v, nil })
	})
}
