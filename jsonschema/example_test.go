package jsonschema_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"reflect"

	"github.com/srkit-go/srkit/jsonschema"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/serde"
)

type Payment struct {
	ID       string  `json:"id"`
	Amount   float64 `json:"amount"`
	Currency string  `json:"currency"`
}

const paymentSchema = `{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "Payment",
  "type": "object",
  "properties": {
    "id": {"type": "string"},
    "amount": {"type": "number", "exclusiveMinimum": 0},
    "currency": {"type": "string", "pattern": "^[A-Z]{3}$"}
  },
  "required": ["id", "amount", "currency"]
}`

func ExampleNewSerializer() {
	reg, _ := mockregistry.New() // any Confluent-compatible registry will do
	client, _ := reg.Client()
	ctx := context.Background()

	ser, err := jsonschema.NewSerializer[Payment](client, serde.Value, jsonschema.WithSchema(paymentSchema))
	if err != nil {
		log.Fatal(err)
	}
	payload, _, err := ser.Serialize(ctx, "payments", Payment{ID: "p-1", Amount: 12.5, Currency: "EUR"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("% x | %s\n", payload[:5], payload[5:])

	// Values are validated before they are written.
	_, _, err = ser.Serialize(ctx, "payments", Payment{ID: "p-2", Amount: 3, Currency: "euro"})
	var invalid *jsonschema.ValidationError
	if errors.As(err, &invalid) {
		fmt.Println(invalid.Path, "-", invalid.Message)
	}
	// Output:
	// 00 00 00 00 01 | {"id":"p-1","amount":12.5,"currency":"EUR"}
	// /currency - does not match pattern '^[A-Z]{3}$'
}

func ExampleNewDeserializer() {
	reg, _ := mockregistry.New()
	client, _ := reg.Client()
	ctx := context.Background()
	ser, _ := jsonschema.NewSerializer[Payment](client, serde.Value, jsonschema.WithSchema(paymentSchema))
	payload, _, _ := ser.Serialize(ctx, "payments", Payment{ID: "p-1", Amount: 12.5, Currency: "EUR"})

	// Into the Go type ...
	de, err := jsonschema.NewDeserializer[Payment](client, serde.Value)
	if err != nil {
		log.Fatal(err)
	}
	p, err := de.Deserialize(ctx, "payments", payload, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%+v\n", p)

	// ... or, without one, into generic JSON values.
	generic, _ := jsonschema.NewDeserializer[map[string]any](client, serde.Value)
	m, _ := generic.Deserialize(ctx, "payments", payload, nil)
	fmt.Println(m["currency"], m["amount"])
	// Output:
	// {ID:p-1 Amount:12.5 Currency:EUR}
	// EUR 12.5
}

func ExampleSchema_CheckRead() {
	v1, _ := jsonschema.Parse(`{"type":"object","properties":{"id":{"type":"string"}}}`)
	v2, _ := jsonschema.Parse(`{"type":"object","properties":{"id":{"type":"string"},"note":{"type":"string"}}}`)
	// v1 is an open content model: a v1 writer may have sent "note" with
	// any type, so a reader that expects a string is not safe.
	for _, msg := range v2.CheckRead(v1, "new", "old") {
		fmt.Println(msg)
	}
	// Output:
	// {errorType:"PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", description:"The new schema has an open content model and has a property or item at path '#/properties/note' which is missing in the old schema'}
}

func ExampleSchema_Transform() {
	s, _ := jsonschema.Parse(`{"type":"object","properties":{
		"name":{"type":"string","confluent:tags":["PII"]},
		"city":{"type":"string"}}}`)
	fmt.Println(s.TaggedFields())
	doc := map[string]any{"name": "Ada Lovelace", "city": "London"}
	out, _ := s.Transform(doc, func(f jsonschema.Field, v any) (any, error) {
		for _, tag := range f.Tags {
			if tag == "PII" {
				return "****", nil
			}
		}
		return v, nil
	})
	fmt.Println(out)
	fmt.Println(doc) // never modified
	// Output:
	// map[$.name:[PII]]
	// map[city:London name:****]
	// map[city:London name:Ada Lovelace]
}

func ExampleDeriveSchema() {
	type Signup struct {
		Email string `json:"email" jsonschema:"format=email"`
		Plan  string `json:"plan,omitempty" jsonschema:"enum=free,enum=pro"`
	}
	// The schema a serializer of Signup registers when it is given none:
	// the one confluent-kafka-go registers for the same type.
	schema, err := jsonschema.DeriveSchema(reflect.TypeFor[Signup]())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(schema)
	// Output:
	// {"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"https://github.com/srkit-go/srkit/jsonschema_test/signup","$ref":"#/$defs/Signup","$defs":{"Signup":{"properties":{"email":{"type":"string","format":"email"},"plan":{"type":"string","enum":["free","pro"]}},"additionalProperties":false,"type":"object","required":["email"]}}}
}

func ExampleCompare() {
	previous, _ := jsonschema.Parse(`{"type":"object","properties":{"id":{"type":"string","maxLength":10}},"additionalProperties":false}`)
	next, _ := jsonschema.Parse(`{"type":"object","properties":{"id":{"type":"string","maxLength":5},"note":{"type":"string"}},"additionalProperties":false}`)
	// Reader (the new schema) first, writer (the previous one) second.
	for _, d := range jsonschema.Compare(next, previous) {
		fmt.Println(d.Type, d.Path, "compatible:", d.Type.Compatible())
	}
	// Output:
	// OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/note compatible: true
	// MAX_LENGTH_DECREASED #/properties/id/maxLength compatible: false
}

func ExampleSchema_Validate() {
	s, err := jsonschema.Parse(paymentSchema)
	if err != nil {
		log.Fatal(err)
	}
	var doc any
	_ = json.Unmarshal([]byte(`{"id":"p-1","amount":0,"currency":"EUR"}`), &doc)
	var invalid *jsonschema.ValidationError
	if err := s.Validate(doc); errors.As(err, &invalid) {
		fmt.Println(invalid.Path, invalid.Keyword, "-", invalid.Message)
	}
	// Output:
	// /amount /properties/amount/exclusiveMinimum - must be > 0 but found 0
}

func ExampleWithLimits() {
	reg, _ := mockregistry.New()
	client, _ := reg.Client()
	ctx := context.Background()
	tree := jsonschema.WithSchema(`{"type":"object","properties":{"children":{"type":"array","items":{"$ref":"#"}}}}`)
	deep := map[string]any{}
	for range 200 {
		deep = map[string]any{"children": []any{deep}}
	}
	// 200 levels of objects in arrays nest 400 deep: over the default.
	ser, _ := jsonschema.NewSerializer[map[string]any](client, serde.Value, tree)
	_, _, err := ser.Serialize(ctx, "trees", deep)
	var limit *jsonschema.LimitError
	if errors.As(err, &limit) {
		fmt.Println(limit.Limit, limit.Max)
	}

	ser, _ = jsonschema.NewSerializer[map[string]any](client, serde.Value, tree,
		jsonschema.WithLimits(jsonschema.Limits{MaxDepth: 1000}))
	_, _, err = ser.Serialize(ctx, "trees", deep)
	fmt.Println(err)
	// Output:
	// MaxDepth 128
	// <nil>
}

func ExampleSchema_ValidateJSON() {
	s, err := jsonschema.Parse(`{"type":"object","properties":{"qty":{"type":"integer","minimum":1}},"required":["qty"]}`)
	if err != nil {
		log.Fatal(err)
	}
	for _, msg := range []string{`{"qty":2}`, `{"qty":1.5}`, `{}`, `{"qty":`} {
		fmt.Println(msg, "→", s.ValidateJSON([]byte(msg)))
	}
	// Output:
	// {"qty":2} → <nil>
	// {"qty":1.5} → jsonschema: invalid value at /qty: expected integer, but got number
	// {} → jsonschema: invalid value at (root): missing properties: 'qty'
	// {"qty": → jsonschema: malformed JSON: unexpected end of JSON input at offset 7
}
