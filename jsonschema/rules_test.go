package jsonschema_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/srkit-go/srkit/jsonschema"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/rules"
	"github.com/srkit-go/srkit/serde"
)

func ruleClient(t *testing.T, opts ...mockregistry.Option) *registry.Client {
	t.Helper()
	m, err := mockregistry.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	c, err := m.Client()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const ruleOrderSchema = `{"type":"object","properties":{
 "id":{"type":"integer"},
 "email":{"type":"string","confluent:tags":["PII"]},
 "nick":{"oneOf":[{"type":"null"},{"type":"string"}]},
 "notes":{"type":"array","items":{"type":"string"}},
 "attrs":{"type":"object","additionalProperties":{"type":"string"}}}}`

type ruleOrder struct {
	ID    int               `json:"id"`
	Email string            `json:"email"`
	Nick  *string           `json:"nick"`
	Notes []string          `json:"notes"`
	Attrs map[string]string `json:"attrs"`
}

func registerRules(t *testing.T, c *registry.Client, rs *registry.RuleSet) {
	t.Helper()
	md := &registry.Metadata{Tags: map[string][]string{"$.nick": {"PII"}}}
	if _, err := c.Register(context.Background(), "orders-value", registry.Schema{Schema: ruleOrderSchema, SchemaType: registry.JSON, Metadata: md, RuleSet: rs}); err != nil {
		t.Fatal(err)
	}
}

// A CEL_FIELD write transform masks the PII fields (inline tag and
// metadata tag) of a struct without touching the caller's value; a CEL
// condition on read refuses messages that fail it.
func TestRulesTypedStruct(t *testing.T) {
	ctx := context.Background()
	c := ruleClient(t)
	registerRules(t, c, &registry.RuleSet{DomainRules: []registry.Rule{
		{Name: "mask", Kind: registry.RuleKindTransform, Mode: registry.RuleModeWrite, Type: "CEL_FIELD", Tags: []string{"PII"}, Expr: `typeName == 'STRING' ; 'x-' + value`},
		{Name: "positive", Kind: registry.RuleKindCondition, Mode: registry.RuleModeRead, Type: "CEL", Expr: "message.id > 0"},
	}})
	s, err := jsonschema.NewSerializer[*ruleOrder](c, serde.Value, serde.UseLatest(), serde.AutoRegister(false), rules.Standard())
	if err != nil {
		t.Fatal(err)
	}
	nick := "al"
	in := &ruleOrder{ID: 1, Email: "a@b", Nick: &nick, Notes: []string{"n"}, Attrs: map[string]string{"k": "v"}}
	b, _, err := s.Serialize(ctx, "orders", in)
	if err != nil {
		t.Fatal(err)
	}
	if nick != "al" || in.Email != "a@b" || in.Notes[0] != "n" || in.Attrs["k"] != "v" || in.Nick != &nick {
		t.Fatalf("the caller's value changed: %+v", in)
	}
	d, err := jsonschema.NewDeserializer[ruleOrder](c, serde.Value, rules.Standard())
	if err != nil {
		t.Fatal(err)
	}
	got, err := d.Deserialize(ctx, "orders", b, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Email != "x-a@b" || got.Nick == nil || *got.Nick != "x-al" || got.Notes[0] != "n" || got.Attrs["k"] != "v" {
		t.Fatalf("read %+v", got)
	}
	in.ID = -1
	b, _, err = s.Serialize(ctx, "orders", in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Deserialize(ctx, "orders", b, nil); err == nil {
		t.Fatal("a message failing the CEL condition was read")
	}
}

// The same rules on map[string]any.
func TestRulesGenericMap(t *testing.T) {
	ctx := context.Background()
	c := ruleClient(t)
	registerRules(t, c, &registry.RuleSet{DomainRules: []registry.Rule{
		{Name: "mask", Kind: registry.RuleKindTransform, Mode: registry.RuleModeWrite, Type: "CEL_FIELD", Tags: []string{"PII"}, Expr: `typeName == 'STRING' ; 'x-' + value`},
		{Name: "positive", Kind: registry.RuleKindCondition, Mode: registry.RuleModeWrite, Type: "CEL", Expr: "message.id > 0"},
	}})
	s, err := jsonschema.NewSerializer[map[string]any](c, serde.Value, serde.UseLatest(), serde.AutoRegister(false), rules.Standard())
	if err != nil {
		t.Fatal(err)
	}
	notes := []any{"n"}
	in := map[string]any{"id": 1, "email": "a@b", "nick": nil, "notes": notes}
	b, _, err := s.Serialize(ctx, "orders", in)
	if err != nil {
		t.Fatal(err)
	}
	if in["email"] != "a@b" || notes[0] != "n" {
		t.Fatalf("the caller's value changed: %v", in)
	}
	if !strings.Contains(string(b), `"email":"x-a@b"`) || !strings.Contains(string(b), `"nick":null`) {
		t.Fatalf("wrote %s", b)
	}
	if _, _, err := s.Serialize(ctx, "orders", map[string]any{"id": 0}); err == nil {
		t.Fatal("a message failing the CEL condition was written")
	}
}

// Three major versions in one subject (compatibilityGroup=major_version):
// a v1 message reads as v3 and a v3 message as v1 through JSONATA rules.
func TestRulesMigration(t *testing.T) {
	ctx := context.Background()
	c := ruleClient(t, mockregistry.WithCompatibility(registry.Backward))
	if _, err := c.SetConfig(ctx, "people-value", registry.Config{CompatibilityLevel: registry.Backward, CompatibilityGroup: "major_version"}); err != nil {
		t.Fatal(err)
	}
	obj := func(props string) string {
		return `{"type":"object","additionalProperties":false,"properties":{` + props + `}}`
	}
	mig := func(up, down string) *registry.RuleSet {
		return &registry.RuleSet{MigrationRules: []registry.Rule{
			{Name: "up", Kind: registry.RuleKindTransform, Mode: registry.RuleModeUpgrade, Type: "JSONATA", Expr: up},
			{Name: "down", Kind: registry.RuleKindTransform, Mode: registry.RuleModeDowngrade, Type: "JSONATA", Expr: down},
		}}
	}
	versions := []struct {
		schema string
		rs     *registry.RuleSet
	}{
		{obj(`"fullName":{"type":"string"}`), nil},
		{obj(`"name":{"type":"string"}`), mig(`{"name": fullName}`, `{"fullName": name}`)},
		{obj(`"name":{"type":"string"},"city":{"type":"string"}`), mig(`$merge([$, {"city": "London"}])`, `{"name": name}`)},
	}
	for i, v := range versions {
		md := &registry.Metadata{Properties: map[string]string{"major_version": string(rune('1' + i))}}
		if _, err := c.Register(ctx, "people-value", registry.Schema{Schema: v.schema, SchemaType: registry.JSON, Metadata: md, RuleSet: v.rs}); err != nil {
			t.Fatalf("registering v%d: %v", i+1, err)
		}
	}
	at := func(v string) serde.Option { return serde.UseLatestWithMetadata(map[string]string{"major_version": v}) }
	roundTrip := func(from, to string, in map[string]any, want map[string]any) {
		t.Helper()
		s, err := jsonschema.NewSerializer[map[string]any](c, serde.Value, at(from), serde.AutoRegister(false), rules.Standard())
		if err != nil {
			t.Fatal(err)
		}
		b, _, err := s.Serialize(ctx, "people", in)
		if err != nil {
			t.Fatal(err)
		}
		d, err := jsonschema.NewDeserializer[map[string]any](c, serde.Value, at(to), rules.Standard())
		if err != nil {
			t.Fatal(err)
		}
		got, err := d.Deserialize(ctx, "people", b, nil)
		if err != nil {
			t.Fatalf("v%s → v%s: %v", from, to, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("v%s → v%s: read %v, want %v", from, to, got, want)
		}
	}
	roundTrip("1", "3", map[string]any{"fullName": "Ann"}, map[string]any{"name": "Ann", "city": "London"})
	roundTrip("3", "1", map[string]any{"name": "Ann", "city": "Paris"}, map[string]any{"fullName": "Ann"})
}

// metaTagSchema has emails tagged only by metadata ("**.email"): at the
// top, in an object, and in objects in an array in an array.
const metaTagSchema = `{"type":"object","properties":{
 "email":{"type":"string"},
 "owner":{"type":"object","properties":{"email":{"type":"string"},"name":{"type":"string"}}},
 "teams":{"type":"array","items":{"type":"array","items":{"type":"object","properties":{
   "email":{"type":"string"},"name":{"type":"string"}}}}}}}`

type metaPerson struct {
	Email string `json:"email,omitempty"`
	Name  string `json:"name"`
}

type metaTagged struct {
	Email string          `json:"email"`
	Owner metaPerson      `json:"owner"`
	Teams [][]*metaPerson `json:"teams"`
}

// Metadata tags ("**.email": ["PII"]) select fields as inline tags do, on
// typed structs, on map[string]any values (with Go slices and structs
// inside them) and in nested arrays.
func TestRulesMetadataTags(t *testing.T) {
	ctx := context.Background()
	c := ruleClient(t)
	rs := &registry.RuleSet{DomainRules: []registry.Rule{{Name: "mask", Kind: registry.RuleKindTransform,
		Mode: registry.RuleModeWrite, Type: "CEL_FIELD", Tags: []string{"PII"}, Expr: `'x-' + value`}}}
	md := &registry.Metadata{Tags: map[string][]string{"**.email": {"PII"}}}
	if _, err := c.Register(ctx, "people-value", registry.Schema{Schema: metaTagSchema, SchemaType: registry.JSON, Metadata: md, RuleSet: rs}); err != nil {
		t.Fatal(err)
	}
	want := `{"email":"x-a@x","owner":{"email":"x-o@x","name":"O"},"teams":[[{"email":"x-t1@x","name":"T1"},{"name":"T2"}],[]]}`
	read := func(b []byte) string {
		t.Helper()
		d, err := jsonschema.NewDeserializer[map[string]any](c, serde.Value)
		if err != nil {
			t.Fatal(err)
		}
		got, err := d.Deserialize(ctx, "people", b, nil)
		if err != nil {
			t.Fatal(err)
		}
		j, _ := json.Marshal(got)
		return string(j)
	}

	typed, err := jsonschema.NewSerializer[*metaTagged](c, serde.Value, serde.UseLatest(), serde.AutoRegister(false), rules.Standard())
	if err != nil {
		t.Fatal(err)
	}
	t1 := &metaPerson{Email: "t1@x", Name: "T1"}
	in := &metaTagged{Email: "a@x", Owner: metaPerson{Email: "o@x", Name: "O"}, Teams: [][]*metaPerson{{t1, {Name: "T2"}}, {}}}
	b, _, err := typed.Serialize(ctx, "people", in)
	if err != nil {
		t.Fatal(err)
	}
	if got := read(b); got != want {
		t.Errorf("typed: wrote %s\nwant %s", got, want)
	}
	if in.Email != "a@x" || in.Owner.Email != "o@x" || t1.Email != "t1@x" || in.Teams[0][0] != t1 {
		t.Fatalf("the caller's struct changed: %+v", in)
	}

	generic, err := jsonschema.NewSerializer[map[string]any](c, serde.Value, serde.UseLatest(), serde.AutoRegister(false), rules.Standard())
	if err != nil {
		t.Fatal(err)
	}
	inner := []any{map[string]any{"email": "t1@x", "name": "T1"}, map[string]any{"name": "T2"}}
	owner := map[string]string{"email": "o@x", "name": "O"} // a Go map inside the generic value
	m := map[string]any{"email": "a@x", "owner": owner, "teams": []any{inner, []*metaPerson{}}}
	if b, _, err = generic.Serialize(ctx, "people", m); err != nil {
		t.Fatal(err)
	}
	if got := read(b); got != want {
		t.Errorf("generic: wrote %s\nwant %s", got, want)
	}
	if m["email"] != "a@x" || owner["email"] != "o@x" || inner[0].(map[string]any)["email"] != "t1@x" {
		t.Fatalf("the caller's map changed: %v", m)
	}
}
