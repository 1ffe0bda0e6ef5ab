package jsonschema_test

import (
	"context"
	"errors"
	"fmt"
	"log"

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
	// Output:
	// map[$.name:[PII]]
	// map[city:London name:****]
}
