package avro_test

import (
	"context"
	"testing"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/rules"
	"github.com/srkit-go/srkit/serde"
)

// ruleBenchSchema is an order record with two fields tagged PII.
const ruleBenchSchema = `{"type":"record","name":"RuleOrder","namespace":"srkit.bench","fields":[
 {"name":"orderId","type":"string"},{"name":"quantity","type":"long"},{"name":"price","type":"double"},
 {"name":"currency","type":"string"},
 {"name":"email","type":"string","confluent:tags":["PII"]},{"name":"ssn","type":"string","confluent:tags":["PII"]},
 {"name":"street","type":"string"},{"name":"city","type":"string"},{"name":"zip","type":"string"}]}`

// RuleOrder is the Go form of ruleBenchSchema.
type RuleOrder struct {
	OrderID  string  `avro:"orderId"`
	Quantity int64   `avro:"quantity"`
	Price    float64 `avro:"price"`
	Currency string  `avro:"currency"`
	Email    string  `avro:"email"`
	SSN      string  `avro:"ssn"`
	Street   string  `avro:"street"`
	City     string  `avro:"city"`
	Zip      string  `avro:"zip"`
}

// BenchmarkAvroRules: an Avro serializer of a struct without rules, with
// one CEL CONDITION over the message, and with one CEL_FIELD TRANSFORM on
// the two PII fields; x-norules is each case's time over the case without
// rules in the same run.
func BenchmarkAvroRules(b *testing.B) {
	cases := []struct {
		name string
		rs   *registry.RuleSet
	}{
		{"no rules", nil},
		{"CEL condition", &registry.RuleSet{DomainRules: []registry.Rule{{Name: "c", Kind: registry.RuleKindCondition,
			Mode: registry.RuleModeWrite, Type: "CEL", Expr: "message.quantity > 0 && message.currency in ['EUR', 'USD']"}}}},
		{"CEL_FIELD transform", &registry.RuleSet{DomainRules: []registry.Rule{{Name: "t", Kind: registry.RuleKindTransform,
			Mode: registry.RuleModeWrite, Type: "CEL_FIELD", Tags: []string{"PII"},
			Expr: "typeName == 'STRING' ; '***' + value.substring(value.size() - 4)"}}}},
	}
	v := RuleOrder{OrderID: "ORD-7", Quantity: 3, Price: 19.99, Currency: "EUR", Email: "ada@example.com",
		SSN: "123-45-6789", Street: "1 Main Street", City: "Springfield", Zip: "94105"}
	var base float64
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			ctx := context.Background()
			reg, err := mockregistry.New()
			if err != nil {
				b.Fatal(err)
			}
			client, err := reg.Client()
			if err != nil {
				b.Fatal(err)
			}
			if _, err := client.Register(ctx, "orders-value", registry.Schema{Schema: ruleBenchSchema, RuleSet: c.rs}); err != nil {
				b.Fatal(err)
			}
			s, err := avro.NewSerializer[RuleOrder](client, serde.Value, avro.WithSchema(ruleBenchSchema),
				rules.Standard(), serde.UseLatest(), serde.AutoRegister(false))
			if err != nil {
				b.Fatal(err)
			}
			var buf []byte
			if buf, _, err = s.AppendSerialize(ctx, buf[:0], "orders", v); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if buf, _, err = s.AppendSerialize(ctx, buf[:0], "orders", v); err != nil {
					b.Fatal(err)
				}
			}
			perOp := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			if c.rs == nil {
				base = perOp
			} else if base > 0 {
				b.ReportMetric(perOp/base, "x-norules")
			}
		})
	}
}
