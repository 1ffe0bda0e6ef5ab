package rules_test

import (
	"context"
	"testing"

	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/rules"
	"github.com/srkit-go/srkit/rules/internal/rulestest"
	"github.com/srkit-go/srkit/serde"
)

// benchSchema is a representative record of the fake JSON format, two
// fields tagged PII.
const benchSchema = `{"type":"object","properties":{
 "orderId":{"type":"string"},"quantity":{"type":"integer"},"price":{"type":"number"},"currency":{"type":"string"},
 "email":{"type":"string","confluent:tags":["PII"]},"ssn":{"type":"string","confluent:tags":["PII"]},
 "address":{"type":"object","properties":{"street":{"type":"string"},"city":{"type":"string"},"zip":{"type":"string"}}},
 "items":{"type":"array","items":{"type":"object","properties":{"sku":{"type":"string"},"qty":{"type":"integer"}}}}}}`

func benchDoc() rulestest.Doc {
	return rulestest.Doc{"orderId": "ORD-7", "quantity": 3, "price": 19.99, "currency": "EUR",
		"email": "ada@example.com", "ssn": "123-45-6789",
		"address": map[string]any{"street": "1 Main Street", "city": "Springfield", "zip": "94105"},
		"items":   []any{map[string]any{"sku": "A-1", "qty": 1}, map[string]any{"sku": "B-2", "qty": 2}}}
}

// BenchmarkSerialize: the fake format's serializer without rules, with one
// CEL CONDITION, and with one CEL_FIELD TRANSFORM on the two PII fields.
func BenchmarkSerialize(b *testing.B) {
	cases := []struct {
		name string
		rs   *registry.RuleSet
	}{
		{"no rules", nil},
		{"CEL condition", &registry.RuleSet{DomainRules: []registry.Rule{{Name: "c", Kind: registry.RuleKindCondition, Mode: registry.RuleModeWrite, Type: "CEL",
			Expr: "message.quantity > 0 && message.currency in ['EUR', 'USD']"}}}},
		{"CEL_FIELD transform", &registry.RuleSet{DomainRules: []registry.Rule{{Name: "t", Kind: registry.RuleKindTransform, Mode: registry.RuleModeWrite, Type: "CEL_FIELD",
			Tags: []string{"PII"}, Expr: "typeName == 'STRING' ; '***' + value.substring(value.size() - 4)"}}}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			f := rulestest.NewFixture(b, registry.Schema{Schema: benchSchema, RuleSet: c.rs})
			s := f.Serializer(b, rules.Standard())
			ctx := context.Background()
			v := benchDoc()
			var buf []byte
			b.ReportAllocs()
			for b.Loop() {
				var err error
				if buf, _, err = s.AppendSerialize(ctx, buf[:0], "orders", v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

var _ serde.Option = rules.Standard()
