package protobuf_test

import (
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/protobuf"
	"github.com/srkit-go/srkit/protobuf/internal/testpb/piipb"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/rules"
	"github.com/srkit-go/srkit/serde"
)

// Three major versions of vectors.pii.Person, each incompatible with the
// one before (field 2 changes type), so that only compatibilityGroup lets
// them into one subject. v3 is piipb.Person's own file.
const (
	personV1 = `syntax = "proto3";
package vectors.pii;
message Person {
  string full_name = 1;
  string years = 2;
}
`
	personV2 = `syntax = "proto3";
package vectors.pii;
message Person {
  string name = 1;
  int32 age = 2;
}
`
)

// migrationFixture registers the three versions with their migration
// rules (v2: UPGRADE from v1 and DOWNGRADE to it; v3 the same for v2) and
// a READ domain rule on v3.
type migrationFixture struct {
	c          *registry.Client
	e          *ruleExec
	executors  serde.Option
	v1, v2, v3 registry.SubjectSchema
}

// testMigrations are the migrations with the TEST executor, which logs
// the JSON members each step sees.
var testMigrations = [4]registry.Rule{
	testRuleOf("up2", registry.RuleKindTransform, registry.RuleModeUpgrade, "json:mv fullName name,mv years age,num age"),
	testRuleOf("down2", registry.RuleKindTransform, registry.RuleModeDowngrade, "json:mv name fullName,mv age years,str years"),
	testRuleOf("up3", registry.RuleKindTransform, registry.RuleModeUpgrade, "json:set city London"),
	testRuleOf("down3", registry.RuleKindTransform, registry.RuleModeDowngrade, "json:rm ssn,rm photo,rm city"),
}

func newMigrationFixture(t *testing.T) *migrationFixture {
	e := &ruleExec{}
	return newMigrationFixtureWith(t, testMigrations, e, serde.WithRuleExecutors(e))
}

// newMigrationFixtureWith registers the versions with the migrations up2,
// down2, up3 and down3, run by executors.
func newMigrationFixtureWith(t *testing.T, mig [4]registry.Rule, e *ruleExec, executors serde.Option) *migrationFixture {
	t.Helper()
	c := newMock(t, mockregistry.WithCompatibility(registry.Backward))
	if _, err := c.SetConfig(ctx, "people-value", registry.Config{CompatibilityLevel: registry.Backward, CompatibilityGroup: "major_version"}); err != nil {
		t.Fatal(err)
	}
	major := func(v string) *registry.Metadata {
		return &registry.Metadata{Properties: map[string]string{"major_version": v}}
	}
	reg := func(text, v string, rs *registry.RuleSet) registry.SubjectSchema {
		t.Helper()
		s, err := c.Register(ctx, "people-value", registry.Schema{Schema: text, SchemaType: registry.Protobuf, Metadata: major(v), RuleSet: rs})
		if err != nil {
			t.Fatalf("registering v%s: %v", v, err)
		}
		return s
	}
	v3text, err := protobuf.PrintFile((&piipb.Person{}).ProtoReflect().Descriptor().ParentFile())
	if err != nil {
		t.Fatal(err)
	}
	f := &migrationFixture{c: c, e: e, executors: executors}
	f.v1 = reg(personV1, "1", nil)
	// An incompatible change in the same group is refused.
	if _, err := c.Register(ctx, "people-value", registry.Schema{Schema: personV2, SchemaType: registry.Protobuf, Metadata: major("1")}); err == nil {
		t.Fatal("an incompatible v1 was registered")
	}
	f.v2 = reg(personV2, "2", &registry.RuleSet{MigrationRules: []registry.Rule{mig[0], mig[1]}})
	f.v3 = reg(v3text, "3", &registry.RuleSet{
		MigrationRules: []registry.Rule{mig[2], mig[3]},
		DomainRules:    []registry.Rule{testRuleOf("pii", registry.RuleKindTransform, registry.RuleModeRead, "upper", "PII")},
	})
	return f
}

// write serializes m with schema id.
func (f *migrationFixture) write(t *testing.T, id int, m proto.Message) []byte {
	t.Helper()
	s, err := protobuf.NewSerializer[proto.Message](f.c, serde.Value, serde.UseSchemaID(id), f.executors)
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := s.Serialize(ctx, "people", m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// dynamic returns a message of schema id with the given string or int32
// fields.
func (f *migrationFixture) dynamic(t *testing.T, text string, fields map[string]any) *dynamicpb.Message {
	t.Helper()
	s, err := protobuf.Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	md := s.Descriptor().Messages().Get(0)
	m := dynamicpb.NewMessage(md)
	for k, v := range fields {
		m.Set(md.Fields().ByName(protoreflect.Name(k)), protoreflect.ValueOf(v))
	}
	return m
}

// read deserializes b into T, reading into major version v.
func read[T any](t *testing.T, f *migrationFixture, major string, b []byte) T {
	t.Helper()
	d := ruleDeserializer[T](t, f.c, nil, f.executors, serde.UseLatestWithMetadata(map[string]string{"major_version": major}))
	var got T
	for range 2 { // the second read takes the cached plan
		var err error
		if got, err = d.Deserialize(ctx, "people", b, nil); err != nil {
			t.Fatal(err)
		}
	}
	return got
}

// fieldsOf renders a message's fields as name=value, in number order.
func fieldsOf(m proto.Message) string {
	var out []string
	fs := m.ProtoReflect().Descriptor().Fields()
	for i := 0; i < fs.Len(); i++ {
		fd := fs.Get(i)
		out = append(out, string(fd.Name())+"="+m.ProtoReflect().Get(fd).String())
	}
	return strings.Join(out, " ")
}

// TestRuleMigrations: data written in v1 reads as v3 (two UPGRADE steps on
// the JSON form, then v3's READ rule on the generated or dynamic result)
// and data written in v3 reads as v1 (two DOWNGRADE steps, newest first),
// with Confluent's JSON form of the message (JSON names, defaults
// included); the migration plan is computed once.
func TestRuleMigrations(t *testing.T) {
	f := newMigrationFixture(t)
	v1 := f.write(t, f.v1.ID, f.dynamic(t, personV1, map[string]any{"full_name": "ada lovelace", "years": "36"}))

	p := read[*piipb.Person](t, f, "3", v1)
	if p.Name != "ADA LOVELACE" || p.Age != 36 || p.City != "London" || p.Ssn != "" {
		t.Errorf("v1 read as v3: %v", p)
	}
	want := []string{
		"up2 UPGRADE [fullName years]",
		"up3 UPGRADE [age name]",
		"vectors.pii.Person.name STRING [PII] ada lovelace in Person",
		"vectors.pii.Person.ssn STRING [PII]  in Person",
		"vectors.pii.Person.photo BYTES [PII] [] in Person",
	}
	if got := f.e.take(); !slices.Equal(got[:len(want)], want) || len(got) != 2*len(want) {
		t.Errorf("v1 → v3 ran\n%s\nwant (twice)\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	dyn := read[proto.Message](t, f, "3", v1)
	if got := fieldsOf(dyn); got != "name=ADA LOVELACE ssn= age=36 photo=[] city=London" {
		t.Errorf("v1 read as v3 (dynamic): %s", got)
	}
	f.e.take()

	if got := fieldsOf(read[proto.Message](t, f, "2", v1)); got != "name=ada lovelace age=36" {
		t.Errorf("v1 read as v2: %s", got)
	}
	if got := f.e.take(); !slices.Equal(got, []string{"up2 UPGRADE [fullName years]", "up2 UPGRADE [fullName years]"}) {
		t.Errorf("v1 → v2 ran %v", got)
	}

	v3 := f.write(t, f.v3.ID, &piipb.Person{Name: "grace", Ssn: "123", Age: 85, Photo: []byte{1}, City: "Arlington"})
	if got := fieldsOf(read[*dynamicpb.Message](t, f, "1", v3)); got != "full_name=grace years=85" {
		t.Errorf("v3 read as v1: %s", got)
	}
	want = []string{"down3 DOWNGRADE [age city name photo ssn]", "down2 DOWNGRADE [age name]"}
	if got := f.e.take(); !slices.Equal(got[:2], want) || len(got) != 4 {
		t.Errorf("v3 → v1 ran %v, want %v twice", got, want)
	}

	// The writer's own version: no migration, v3's READ rule only.
	if p := read[*piipb.Person](t, f, "3", v3); p.Name != "GRACE" || p.City != "Arlington" {
		t.Errorf("v3 read as v3: %v", p)
	}
}

// TestRuleMigrationsJSONata: the same migrations as JSONATA expressions,
// run by rules.Standard() on the JSON form.
func TestRuleMigrationsJSONata(t *testing.T) {
	e := &ruleExec{}
	jsonata := func(name string, mode registry.RuleMode, expr string) registry.Rule {
		return registry.Rule{Name: name, Kind: registry.RuleKindTransform, Mode: mode, Type: "JSONATA", Expr: expr}
	}
	f := newMigrationFixtureWith(t, [4]registry.Rule{
		jsonata("up2", registry.RuleModeUpgrade, `$merge([$sift($, function($v, $k) {$k != 'fullName' and $k != 'years'}), {'name': fullName, 'age': $number(years)}])`),
		jsonata("down2", registry.RuleModeDowngrade, `$merge([$sift($, function($v, $k) {$k != 'name' and $k != 'age'}), {'fullName': name, 'years': $string(age)}])`),
		jsonata("up3", registry.RuleModeUpgrade, `$merge([$, {'city': 'London'}])`),
		jsonata("down3", registry.RuleModeDowngrade, `$sift($, function($v, $k) {$k in ['name', 'age']})`),
	}, e, serde.WithRuleExecutors(append(rules.Executors(), e)...))
	v1 := f.write(t, f.v1.ID, f.dynamic(t, personV1, map[string]any{"full_name": "ada lovelace", "years": "36"}))
	if p := read[*piipb.Person](t, f, "3", v1); p.Name != "ADA LOVELACE" || p.Age != 36 || p.City != "London" {
		t.Errorf("v1 read as v3: %v", p)
	}
	v3 := f.write(t, f.v3.ID, &piipb.Person{Name: "grace", Ssn: "123", Age: 85, Photo: []byte{1}, City: "Arlington"})
	if got := fieldsOf(read[*dynamicpb.Message](t, f, "1", v3)); got != "full_name=grace years=85" {
		t.Errorf("v3 read as v1: %s", got)
	}
	if got := fieldsOf(read[proto.Message](t, f, "2", v3)); got != "name=grace age=85" {
		t.Errorf("v3 read as v2: %s", got)
	}
}
