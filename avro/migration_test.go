package avro_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/rules"
	"github.com/srkit-go/srkit/serde"
)

// Three major versions of one record, each incompatible with the one
// before, in one subject through compatibilityGroup: v1 {name, size},
// v2 {name, height} (renamed), v3 {name, height, unit}.
const (
	widgetV1 = `{"type":"record","name":"Widget","namespace":"srkit.test","fields":[{"name":"name","type":"string"},{"name":"size","type":"long"}]}`
	widgetV2 = `{"type":"record","name":"Widget","namespace":"srkit.test","fields":[{"name":"name","type":"string"},{"name":"height","type":"long"}]}`
	widgetV3 = `{"type":"record","name":"Widget","namespace":"srkit.test","fields":[{"name":"name","type":"string"},{"name":"height","type":"long"},{"name":"unit","type":"string"}]}`
)

func jsonata(name string, mode registry.RuleMode, expr string) registry.Rule {
	return registry.Rule{Name: name, Kind: registry.RuleKindTransform, Mode: mode, Type: "JSONATA", Expr: expr}
}

// TestMigrationsThreeVersions: data written in v1 reads as v3 through both
// UPGRADE steps, and data written in v3 reads as v1 through both
// DOWNGRADE steps in reverse, with JSONATA rules over the mock registry.
func TestMigrationsThreeVersions(t *testing.T) {
	ctx := context.Background()
	reg, err := mockregistry.New()
	if err != nil {
		t.Fatal(err)
	}
	c, err := reg.Client()
	if err != nil {
		t.Fatal(err)
	}
	const subject = "widgets-value"
	if _, err := c.SetConfig(ctx, subject, registry.Config{CompatibilityLevel: registry.Backward, CompatibilityGroup: "major_version"}); err != nil {
		t.Fatal(err)
	}
	register := func(text, major string, rs *registry.RuleSet) {
		t.Helper()
		if _, err := c.Register(ctx, subject, registry.Schema{Schema: text,
			Metadata: &registry.Metadata{Properties: map[string]string{"major_version": major}}, RuleSet: rs}); err != nil {
			t.Fatalf("registering v%s: %v", major, err)
		}
	}
	register(widgetV1, "1", nil)
	register(widgetV2, "2", &registry.RuleSet{MigrationRules: []registry.Rule{
		jsonata("up2", registry.RuleModeUpgrade, `$merge([$sift($, function($v, $k) {$k != 'size'}), {'height': $.'size'}])`),
		jsonata("down2", registry.RuleModeDowngrade, `$merge([$sift($, function($v, $k) {$k != 'height'}), {'size': $.'height'}])`),
	}})
	register(widgetV3, "3", &registry.RuleSet{MigrationRules: []registry.Rule{
		jsonata("up3", registry.RuleModeUpgrade, `$merge([$, {'unit': 'cm'}])`),
		jsonata("down3", registry.RuleModeDowngrade, `$sift($, function($v, $k) {$k != 'unit'})`),
	}})
	at := func(major string) map[string]string { return map[string]string{"major_version": major} }

	write := func(major string, v map[string]any) []byte {
		t.Helper()
		s, err := avro.NewSerializer[map[string]any](c, serde.Value, rules.Standard(), serde.AutoRegister(false), serde.UseLatestWithMetadata(at(major)))
		if err != nil {
			t.Fatal(err)
		}
		b, _, err := s.Serialize(ctx, "widgets", v)
		if err != nil {
			t.Fatalf("writing v%s: %v", major, err)
		}
		return b
	}
	read := func(major string, b []byte) map[string]any {
		t.Helper()
		d, err := avro.NewDeserializer[map[string]any](c, serde.Value, rules.Standard(), serde.UseLatestWithMetadata(at(major)))
		if err != nil {
			t.Fatal(err)
		}
		v, err := d.Deserialize(ctx, "widgets", b, nil)
		if err != nil {
			t.Fatalf("reading as v%s: %v", major, err)
		}
		return v
	}

	v1 := write("1", map[string]any{"name": "bolt", "size": int64(7)})
	if got, want := read("3", v1), map[string]any{"name": "bolt", "height": int64(7), "unit": "cm"}; !reflect.DeepEqual(got, want) {
		t.Errorf("v1 read as v3: %v, want %v", got, want)
	}
	if got, want := read("2", v1), map[string]any{"name": "bolt", "height": int64(7)}; !reflect.DeepEqual(got, want) {
		t.Errorf("v1 read as v2: %v, want %v", got, want)
	}
	v3 := write("3", map[string]any{"name": "nut", "height": int64(3), "unit": "mm"})
	if got, want := read("1", v3), map[string]any{"name": "nut", "size": int64(3)}; !reflect.DeepEqual(got, want) {
		t.Errorf("v3 read as v1: %v, want %v", got, want)
	}
	if got := read("3", v3); got["unit"] != "mm" {
		t.Errorf("v3 read as v3: %v", got)
	}
}
