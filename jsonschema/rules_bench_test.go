package jsonschema_test

import (
	"context"
	"testing"

	"github.com/srkit-go/srkit/jsonschema"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/rules"
	"github.com/srkit-go/srkit/serde"
)

// BenchmarkJSONRules: the benchmark record (bench_test.go) serialized and
// deserialized by validating JSON Schema serdes without rules, with one
// CEL CONDITION over the message, and with one CEL_FIELD TRANSFORM on its
// two fields tagged PII by the subject's metadata ($.email, $.note); the
// rules run on write and on read. x-norules is each case's time over the
// same direction without rules in the same run.
func BenchmarkJSONRules(b *testing.B) {
	cases := []struct {
		name string
		rs   *registry.RuleSet
	}{
		{"no rules", nil},
		{"CEL condition", &registry.RuleSet{DomainRules: []registry.Rule{{Name: "c", Kind: registry.RuleKindCondition,
			Mode: registry.RuleModeWriteRead, Type: "CEL", Expr: "message.customerId > 0 && message.currency in ['EUR', 'USD']"}}}},
		{"CEL_FIELD transform", &registry.RuleSet{DomainRules: []registry.Rule{{Name: "t", Kind: registry.RuleKindTransform,
			Mode: registry.RuleModeWriteRead, Type: "CEL_FIELD", Tags: []string{"PII"},
			// The result stays valid (email format) however often it runs.
			Expr: "typeName == 'STRING' ; 'x' + value"}}}},
	}
	md := &registry.Metadata{Tags: map[string][]string{"$.email": {"PII"}, "$.note": {"PII"}}}
	v := jsonschema.BenchValue()
	note := "leave at the door"
	v.Note = &note
	base := map[string]float64{}
	for _, c := range cases {
		ctx := context.Background()
		reg, err := mockregistry.New()
		if err != nil {
			b.Fatal(err)
		}
		client, err := reg.Client()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := client.Register(ctx, "orders-value", registry.Schema{Schema: jsonschema.BenchSchema, SchemaType: registry.JSON, Metadata: md, RuleSet: c.rs}); err != nil {
			b.Fatal(err)
		}
		s, err := jsonschema.NewSerializer[jsonschema.BenchOrder](client, serde.Value, rules.Standard(), serde.UseLatest(), serde.AutoRegister(false))
		if err != nil {
			b.Fatal(err)
		}
		d, err := jsonschema.NewDeserializer[jsonschema.BenchOrder](client, serde.Value, rules.Standard())
		if err != nil {
			b.Fatal(err)
		}
		payload, _, err := s.Serialize(ctx, "orders", v)
		if err != nil {
			b.Fatal(err)
		}
		var o jsonschema.BenchOrder
		if err := d.DeserializeInto(ctx, "orders", payload, nil, &o); err != nil {
			b.Fatal(err)
		}
		if masked := c.name == "CEL_FIELD transform"; masked != (o.Email == "xx"+v.Email && *o.Note == "xx"+note) {
			b.Fatalf("%s: read email %q, note %q", c.name, o.Email, *o.Note)
		}
		ratio := func(b *testing.B, dir string) {
			perOp := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			if c.rs == nil {
				base[dir] = perOp
			} else if base[dir] > 0 {
				b.ReportMetric(perOp/base[dir], "x-norules")
			}
		}
		b.Run(c.name+"/serialize", func(b *testing.B) {
			buf := append([]byte(nil), payload...)
			b.ReportAllocs()
			for b.Loop() {
				if buf, _, err = s.AppendSerialize(ctx, buf[:0], "orders", v); err != nil {
					b.Fatal(err)
				}
			}
			ratio(b, "serialize")
		})
		b.Run(c.name+"/deserialize", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := d.DeserializeInto(ctx, "orders", payload, nil, &o); err != nil {
					b.Fatal(err)
				}
			}
			ratio(b, "deserialize")
		})
	}
}
