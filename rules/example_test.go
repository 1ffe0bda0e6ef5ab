package rules_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/rules"
	"github.com/srkit-go/srkit/rules/internal/rulestest"
	"github.com/srkit-go/srkit/serde"
)

// The examples use a small JSON format of the tests (rulestest); the Avro,
// Protobuf and JSON Schema serializers take rules.Standard() the same way.
const orderSchema = `{"type":"object","properties":{
 "orderId":{"type":"string"},"quantity":{"type":"integer"},"currency":{"type":"string"},
 "email":{"type":"string","confluent:tags":["PII"]}}}`

// register registers orderSchema with rules under orders-value in a mock
// registry.
func register(rs *registry.RuleSet) (*registry.Client, int) {
	mock, err := mockregistry.New()
	if err != nil {
		panic(err)
	}
	client, err := mock.Client()
	if err != nil {
		panic(err)
	}
	s, err := client.Register(context.Background(), "orders-value", registry.Schema{Schema: orderSchema, SchemaType: registry.JSON, RuleSet: rs})
	if err != nil {
		panic(err)
	}
	return client, s.ID
}

func serializer(client *registry.Client, id int) *serde.Serializer[rulestest.Doc] {
	cfg, err := serde.NewSerializerConfig(registry.JSON, serde.UseSchemaID(id), rules.Standard())
	if err != nil {
		panic(err)
	}
	s, err := serde.NewSerializer[rulestest.Doc](client, serde.Value, rulestest.Codec{}, cfg)
	if err != nil {
		panic(err)
	}
	return s
}

// A CEL CONDITION rule: the serializer refuses an order that breaks it.
func Example_celCondition() {
	client, id := register(&registry.RuleSet{DomainRules: []registry.Rule{{
		Name: "validOrder", Kind: registry.RuleKindCondition, Mode: registry.RuleModeWriteRead, Type: "CEL",
		Expr: "message.quantity > 0 && message.currency in ['EUR', 'USD']",
	}}})
	s := serializer(client, id)
	ctx := context.Background()

	_, _, err := s.Serialize(ctx, "orders", rulestest.Doc{"orderId": "ORD-7", "quantity": 3, "currency": "EUR"})
	fmt.Println("valid order:", err)

	_, _, err = s.Serialize(ctx, "orders", rulestest.Doc{"orderId": "ORD-8", "quantity": 0, "currency": "EUR"})
	var re *serde.RuleError
	fmt.Println("invalid order refused:", errors.Is(err, serde.ErrRuleConditionFailed), errors.As(err, &re) && re.Rule.Name == "validOrder")
	// Output:
	// valid order: <nil>
	// invalid order refused: true true
}

// A CEL_FIELD TRANSFORM rule masks the fields tagged PII before they are
// written; the caller's value is left as it was.
func Example_celFieldMasking() {
	client, id := register(&registry.RuleSet{DomainRules: []registry.Rule{{
		Name: "maskPII", Kind: registry.RuleKindTransform, Mode: registry.RuleModeWrite, Type: "CEL_FIELD",
		Tags: []string{"PII"},
		Expr: "typeName == 'STRING' ; '***' + value.substring(value.indexOf('@'))",
	}}})
	s := serializer(client, id)

	order := rulestest.Doc{"orderId": "ORD-7", "quantity": 3, "currency": "EUR", "email": "ada@example.com"}
	b, _, err := s.Serialize(context.Background(), "orders", order)
	if err != nil {
		panic(err)
	}
	fmt.Printf("written: %s\n", b[5:])
	fmt.Println("caller's value:", order["email"])
	// Output:
	// written: {"currency":"EUR","email":"***@example.com","orderId":"ORD-7","quantity":3}
	// caller's value: ada@example.com
}
