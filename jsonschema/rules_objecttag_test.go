package jsonschema_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/srkit-go/srkit/jsonschema"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/rules"
	"github.com/srkit-go/srkit/serde"
)

// CEL_FIELD on a tagged object property, as Confluent's Java client runs
// it: the primitive properties directly in the object whose own tags miss
// the rule's see the tagged property's name, full name and tags, and their
// own typeName; an enum, a nullable property, an array and a nested
// object inside push their own contexts and are not reached.

const celHomeSchema = `{"type":"object","properties":{
 "home":{"type":"object","confluent:tags":["PII"],"properties":{
   "street":{"type":"string"},
   "n":{"type":"integer"},
   "own":{"type":"string","confluent:tags":["OTHER"]},
   "kind":{"enum":["flat","house"]},
   "nick":{"type":["string","null"]},
   "lines":{"type":"array","items":{"type":"string"}},
   "deep":{"type":"object","properties":{"d":{"type":"string"}}}}},
 "town":{"type":"string"}}}`

type celDeep struct {
	D string `json:"d"`
}

type celHome struct {
	Street string   `json:"street"`
	N      int      `json:"n"`
	Own    string   `json:"own"`
	Kind   string   `json:"kind"`
	Nick   *string  `json:"nick"`
	Lines  []string `json:"lines"`
	Deep   celDeep  `json:"deep"`
}

type celResident struct {
	Home celHome `json:"home"`
	Town string  `json:"town"`
}

func TestRulesCELFieldTaggedObject(t *testing.T) {
	ctx := context.Background()
	c := ruleClient(t)
	rs := &registry.RuleSet{DomainRules: []registry.Rule{
		// One rule: a second TRANSFORM on the same tags would be shadowed.
		{Name: "pii", Kind: registry.RuleKindTransform, Mode: registry.RuleModeWrite, Type: "CEL_FIELD", Tags: []string{"PII"},
			Expr: `typeName == 'STRING' || typeName == 'INT' ; typeName == 'STRING' ? dyn(name + '|' + fullName + '|' + value + ('PII' in tags ? '|PII' : '')) : dyn(name == 'home' && fullName == '$.home' && 'PII' in tags ? 99 : 0)`},
		{Name: "all", Kind: registry.RuleKindTransform, Mode: registry.RuleModeWrite, Type: "CEL_FIELD",
			Expr: `name == 'town' ; name + '|' + fullName + '|' + value`},
	}}
	if _, err := c.Register(ctx, "res-value", registry.Schema{Schema: celHomeSchema, SchemaType: registry.JSON, RuleSet: rs}); err != nil {
		t.Fatal(err)
	}
	nick := "nk"
	in := celResident{Home: celHome{Street: "s", N: 3, Own: "o", Kind: "flat", Nick: &nick, Lines: []string{"l"}, Deep: celDeep{D: "d"}}, Town: "t"}
	want := in
	// own's tag (OTHER) misses the rule's: it is seen as home too.
	want.Home.Street, want.Home.N, want.Home.Own, want.Town = "home|$.home|s|PII", 99, "home|$.home|o|PII", "town|$.town|t"
	want.Home.Lines = []string{"l"}

	read := func(b []byte) celResident {
		t.Helper()
		d, err := jsonschema.NewDeserializer[celResident](c, serde.Value)
		if err != nil {
			t.Fatal(err)
		}
		got, err := d.Deserialize(ctx, "res", b, nil)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	s, err := jsonschema.NewSerializer[*celResident](c, serde.Value, serde.UseLatest(), serde.AutoRegister(false), rules.Standard())
	if err != nil {
		t.Fatal(err)
	}
	v := in
	b, _, err := s.Serialize(ctx, "res", &v)
	if err != nil {
		t.Fatal(err)
	}
	if got := read(b); !reflect.DeepEqual(got, want) {
		t.Fatalf("struct: wrote %s\nwant %+v", b, want)
	}
	if !reflect.DeepEqual(v, in) || nick != "nk" {
		t.Fatalf("the caller's value changed: %+v", v)
	}

	g, err := jsonschema.NewSerializer[map[string]any](c, serde.Value, serde.UseLatest(), serde.AutoRegister(false), rules.Standard())
	if err != nil {
		t.Fatal(err)
	}
	b, _, err = g.Serialize(ctx, "res", map[string]any{"home": map[string]any{"street": "s", "n": 3, "own": "o", "kind": "flat",
		"nick": "nk", "lines": []any{"l"}, "deep": map[string]any{"d": "d"}}, "town": "t"})
	if err != nil {
		t.Fatal(err)
	}
	if got := read(b); !reflect.DeepEqual(got, want) {
		t.Fatalf("map: wrote %s\nwant %+v", b, want)
	}
}
