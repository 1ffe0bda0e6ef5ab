package avro_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/rules"
	"github.com/srkit-go/srkit/serde"
)

const ruleOrderSchema = `{"type":"record","name":"CELOrder","namespace":"io.test","fields":[
 {"name":"id","type":"long"},
 {"name":"quantity","type":"int"},
 {"name":"currency","type":"string"},
 {"name":"email","type":["null","string"],"default":null},
 {"name":"card","type":"string","confluent:tags":["PII"]},
 {"name":"lines","type":{"type":"array","items":{"type":"record","name":"CELLine","fields":[
   {"name":"sku","type":"string"},
   {"name":"secret","type":"string","confluent:tags":["PII"]}]}}},
 {"name":"attrs","type":{"type":"map","values":"string"},"confluent:tags":["PII"]}
]}`

type celLine struct {
	SKU    string `avro:"sku"`
	Secret string `avro:"secret"`
}

type celOrder struct {
	ID       int64             `avro:"id"`
	Quantity int32             `avro:"quantity"`
	Currency string            `avro:"currency"`
	Email    *string           `avro:"email"`
	Card     string            `avro:"card"`
	Lines    []celLine         `avro:"lines"`
	Attrs    map[string]string `avro:"attrs"`
}

func sampleCELOrder() celOrder {
	email := "ada@example.com"
	return celOrder{ID: 1, Quantity: 2, Currency: "EUR", Email: &email, Card: "4111-1111",
		Lines: []celLine{{SKU: "A", Secret: "s1"}, {SKU: "B", Secret: "s2"}}, Attrs: map[string]string{"k": "v"}}
}

// registerCELOrder registers the order schema with rules under
// orders-value.
func registerCELOrder(t *testing.T, c *registry.Client, rs ...registry.Rule) {
	t.Helper()
	_, err := c.Register(context.Background(), "orders-value", registry.Schema{Schema: ruleOrderSchema,
		Metadata: &registry.Metadata{Tags: map[string][]string{"**.email": {"PII"}}},
		RuleSet:  &registry.RuleSet{DomainRules: rs}})
	if err != nil {
		t.Fatal(err)
	}
}

var (
	condition = registry.Rule{Name: "valid", Kind: registry.RuleKindCondition, Mode: registry.RuleModeWriteRead, Type: "CEL",
		Expr: "message.quantity > 0 && message.currency in ['EUR', 'USD'] && size(message.lines) > 0"}
	mask = registry.Rule{Name: "mask", Kind: registry.RuleKindTransform, Mode: registry.RuleModeWrite, Type: "CEL_FIELD",
		Tags: []string{"PII"}, Expr: "typeName == 'STRING' ; 'x' + value"}
)

func TestRulesCELTyped(t *testing.T) {
	ctx := context.Background()
	c := startRegistry(t)
	registerCELOrder(t, c, condition, mask)
	std := rules.Standard()
	s, err := avro.NewSerializer[celOrder](c, serde.Value, serde.UseLatest(), serde.AutoRegister(false), std)
	if err != nil {
		t.Fatal(err)
	}
	d, err := avro.NewDeserializer[celOrder](c, serde.Value, std)
	if err != nil {
		t.Fatal(err)
	}
	in := sampleCELOrder()
	b, _, err := s.Serialize(ctx, "orders", in)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, sampleCELOrder()) {
		t.Fatalf("the serializer changed the caller's value: %+v", in)
	}
	got, err := d.Deserialize(ctx, "orders", b, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := sampleCELOrder()
	masked := "xada@example.com"
	want.Email, want.Card = &masked, "x4111-1111"
	want.Lines[0].Secret, want.Lines[1].Secret, want.Attrs["k"] = "xs1", "xs2", "xv"
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("read %+v\nwant %+v", got, want)
	}

	bad := sampleCELOrder()
	bad.Currency = "GBP"
	if _, _, err := s.Serialize(ctx, "orders", bad); !errors.Is(err, serde.ErrRuleFailed) {
		t.Fatalf("a failed condition: %v", err)
	}
}

func TestRulesCELGeneric(t *testing.T) {
	ctx := context.Background()
	c := startRegistry(t)
	registerCELOrder(t, c, condition, mask)
	std := rules.Standard()
	s, err := avro.NewSerializer[map[string]any](c, serde.Value, serde.UseLatest(), serde.AutoRegister(false), std)
	if err != nil {
		t.Fatal(err)
	}
	d, err := avro.NewDeserializer[any](c, serde.Value, std)
	if err != nil {
		t.Fatal(err)
	}
	in := map[string]any{"id": int64(1), "quantity": 2, "currency": "USD", "email": nil, "card": "4111",
		"lines": []any{map[string]any{"sku": "A", "secret": "s1"}}, "attrs": map[string]any{"k": "v"}}
	b, _, err := s.Serialize(ctx, "orders", in)
	if err != nil {
		t.Fatal(err)
	}
	if in["card"] != "4111" || in["lines"].([]any)[0].(map[string]any)["secret"] != "s1" || in["attrs"].(map[string]any)["k"] != "v" {
		t.Fatalf("the serializer changed the caller's value: %v", in)
	}
	got, err := d.Deserialize(ctx, "orders", b, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := got.(map[string]any)
	if m["card"] != "x4111" || m["email"] != nil || m["lines"].([]any)[0].(map[string]any)["secret"] != "xs1" || m["attrs"].(map[string]any)["k"] != "xv" {
		t.Fatalf("read %v", m)
	}
	in["quantity"] = 0
	if _, _, err := s.Serialize(ctx, "orders", in); !errors.Is(err, serde.ErrRuleFailed) {
		t.Fatalf("a failed condition: %v", err)
	}
}
