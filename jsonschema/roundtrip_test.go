package jsonschema_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/srkit-go/srkit/jsonschema"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// newMock starts the mock registry on a loopback port with the JSON Schema
// format and returns a client that talks to it over HTTP.
func newMock(t *testing.T, opts ...mockregistry.Option) *registry.Client {
	t.Helper()
	srv := mockregistry.StartServer(t, append([]mockregistry.Option{mockregistry.WithFormats(jsonschema.Format())}, opts...)...)
	c, err := srv.Client()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

type LineItem struct {
	SKU      string  `json:"sku"`
	Quantity int     `json:"quantity"`
	Price    float64 `json:"price"`
}

type Order struct {
	ID       string            `json:"id"`
	Customer string            `json:"customer"`
	Items    []LineItem        `json:"items"`
	Labels   map[string]string `json:"labels,omitempty"`
	Note     *string           `json:"note,omitempty"`
}

func sampleOrder() Order {
	note := "leave at the door"
	return Order{
		ID: "o-1", Customer: "ada",
		Items:  []LineItem{{SKU: "A", Quantity: 2, Price: 9.5}, {SKU: "B", Quantity: 1, Price: 100}},
		Labels: map[string]string{"prio": "high"},
		Note:   &note,
	}
}

func TestRoundTripGeneratedSchema(t *testing.T) {
	ctx := context.Background()
	client := newMock(t)
	s, err := jsonschema.NewSerializer[Order](client, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	in := sampleOrder()
	payload, hs, err := s.Serialize(ctx, "orders", in)
	if err != nil {
		t.Fatal(err)
	}
	if hs != nil {
		t.Fatalf("headers %v with payload placement", hs)
	}
	if payload[0] != 0 || !strings.HasPrefix(string(payload[5:]), `{"id":"o-1","customer":"ada"`) {
		t.Fatalf("payload %q", payload)
	}
	// The registered schema is the generated one, under the topic's subject.
	reg, err := client.LatestSchema(ctx, "orders-value")
	if err != nil {
		t.Fatal(err)
	}
	want, err := jsonschema.DeriveSchema(reflect.TypeFor[Order]())
	if err != nil {
		t.Fatal(err)
	}
	ws, _ := jsonschema.Parse(want)
	if reg.Schema.Schema != ws.Canonical() || reg.Type() != registry.JSON {
		t.Fatalf("registered %s %q, want %q", reg.Type(), reg.Schema.Schema, ws.Canonical())
	}

	d, err := jsonschema.NewDeserializer[Order](client, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	out, err := d.Deserialize(ctx, "orders", payload, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out, in) {
		t.Fatalf("got %+v, want %+v", out, in)
	}

	// Generic readers see the same document.
	dm, err := jsonschema.NewDeserializer[map[string]any](client, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	m, err := dm.Deserialize(ctx, "orders", payload, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m["customer"] != "ada" || len(m["items"].([]any)) != 2 {
		t.Fatalf("map %v", m)
	}
}

const addressSchema = `{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "Address",
  "type": "object",
  "properties": {
    "street": {"type": "string"},
    "country": {"type": "string", "minLength": 2, "maxLength": 2}
  },
  "required": ["street", "country"]
}`

const shipmentSchema = `{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "Shipment",
  "type": "object",
  "properties": {
    "id": {"type": "string"},
    "from": {"$ref": "address.json"},
    "to": {"$ref": "address.json"}
  },
  "required": ["id", "from", "to"]
}`

type Address struct {
	Street  string `json:"street"`
	Country string `json:"country"`
}

type Shipment struct {
	ID   string  `json:"id"`
	From Address `json:"from"`
	To   Address `json:"to"`
}

// registerAddress registers the referenced schema and returns the
// reference to it.
func registerAddress(t *testing.T, client *registry.Client) registry.Reference {
	t.Helper()
	reg, err := client.Register(context.Background(), "com.example.Address",
		registry.Schema{Schema: addressSchema, SchemaType: registry.JSON})
	if err != nil {
		t.Fatal(err)
	}
	return registry.Reference{Name: "address.json", Subject: "com.example.Address", Version: reg.Version}
}

func TestRoundTripReferences(t *testing.T) {
	ctx := context.Background()
	client := newMock(t)
	ref := registerAddress(t, client)
	s, err := jsonschema.NewSerializer[Shipment](client, serde.Value, jsonschema.WithSchema(shipmentSchema, ref))
	if err != nil {
		t.Fatal(err)
	}
	in := Shipment{ID: "s-1", From: Address{"1 Main St", "US"}, To: Address{"Hauptstr. 1", "DE"}}
	payload, _, err := s.Serialize(ctx, "shipments", in)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := client.LatestSchema(ctx, "shipments-value")
	if err != nil {
		t.Fatal(err)
	}
	if len(reg.References) != 1 || reg.References[0] != ref {
		t.Fatalf("registered references %v, want [%v]", reg.References, ref)
	}
	// A fresh client: the deserializer resolves the reference itself.
	d, err := jsonschema.NewDeserializer[Shipment](client, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	out, err := d.Deserialize(ctx, "shipments", payload, nil)
	if err != nil {
		t.Fatal(err)
	}
	if out != in {
		t.Fatalf("got %+v, want %+v", out, in)
	}

	// The referenced schema is enforced on write ...
	bad := in
	bad.To.Country = "Germany"
	_, _, err = s.Serialize(ctx, "shipments", bad)
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, jsonschema.ErrInvalid) || ve.Path != "/to/country" {
		t.Fatalf("Serialize(bad) = %v, want a validation error at /to/country", err)
	}
	// ... and on read.
	raw, err := jsonschema.NewSerializer[Shipment](client, serde.Value, jsonschema.WithSchema(shipmentSchema, ref), serde.Validate(false))
	if err != nil {
		t.Fatal(err)
	}
	badPayload, _, err := raw.Serialize(ctx, "shipments", bad)
	if err != nil {
		t.Fatalf("Serialize without validation: %v", err)
	}
	if _, err := d.Deserialize(ctx, "shipments", badPayload, nil); !errors.As(err, &ve) || ve.Path != "/to/country" {
		t.Fatalf("Deserialize(bad) = %v, want a validation error at /to/country", err)
	}
	// Validation off on read lets it through.
	lax, err := jsonschema.NewDeserializer[Shipment](client, serde.Value, serde.Validate(false))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := lax.Deserialize(ctx, "shipments", badPayload, nil); err != nil || got != bad {
		t.Fatalf("Deserialize without validation = %+v, %v", got, err)
	}
}

// A reference that has references of its own: the deserializer resolves
// the whole chain through the registry (shipment → address → country) and
// enforces the innermost schema on read.
func TestRoundTripReferencesOfReferences(t *testing.T) {
	ctx := context.Background()
	client := newMock(t)
	country, err := client.Register(ctx, "com.example.Country",
		registry.Schema{Schema: `{"type":"string","pattern":"^[A-Z]{2}$"}`, SchemaType: registry.JSON})
	if err != nil {
		t.Fatal(err)
	}
	const address = `{"type":"object","properties":{"street":{"type":"string"},"country":{"$ref":"country.json"}},"required":["street","country"]}`
	addr, err := client.Register(ctx, "com.example.Address", registry.Schema{Schema: address, SchemaType: registry.JSON,
		References: []registry.Reference{{Name: "country.json", Subject: "com.example.Country", Version: country.Version}}})
	if err != nil {
		t.Fatal(err)
	}
	ref := registry.Reference{Name: "address.json", Subject: "com.example.Address", Version: addr.Version}
	raw, err := jsonschema.NewSerializer[Shipment](client, serde.Value, jsonschema.WithSchema(shipmentSchema, ref), serde.Validate(false))
	if err != nil {
		t.Fatal(err)
	}
	checked, err := jsonschema.NewSerializer[Shipment](client, serde.Value, jsonschema.WithSchema(shipmentSchema, ref))
	if err != nil {
		t.Fatal(err)
	}
	d, err := jsonschema.NewDeserializer[Shipment](client, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	good := Shipment{ID: "s-1", From: Address{"1 Main St", "US"}, To: Address{"Hauptstr. 1", "DE"}}
	payload, _, err := checked.Serialize(ctx, "deep", good)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := d.Deserialize(ctx, "deep", payload, nil); err != nil || got != good {
		t.Fatalf("Deserialize = %+v, %v", got, err)
	}
	bad := good
	bad.From.Country = "us"
	var ve *jsonschema.ValidationError
	if _, _, err := checked.Serialize(ctx, "deep", bad); !errors.As(err, &ve) || ve.Path != "/from/country" {
		t.Fatalf("Serialize(bad) = %v, want a validation error at /from/country", err)
	}
	badPayload, _, err := raw.Serialize(ctx, "deep", bad)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Deserialize(ctx, "deep", badPayload, nil); !errors.As(err, &ve) || ve.Path != "/from/country" {
		t.Fatalf("Deserialize(bad) = %v, want a validation error at /from/country", err)
	}
}

func TestInvalidValuesRejected(t *testing.T) {
	ctx := context.Background()
	client := newMock(t)
	const schema = `{"$schema":"http://json-schema.org/draft-07/schema#","title":"Reading","type":"object",
		"properties":{"sensor":{"type":"string","pattern":"^s-"},"value":{"type":"number","minimum":-50,"maximum":150},
		"tags":{"type":"array","items":{"type":"string"},"maxItems":2}},
		"required":["sensor","value"],"additionalProperties":false}`
	s, err := jsonschema.NewSerializer[map[string]any](client, serde.Value, jsonschema.WithSchema(schema))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Serialize(ctx, "readings", map[string]any{"sensor": "s-1", "value": 20.5}); err != nil {
		t.Fatalf("valid value: %v", err)
	}
	for _, tc := range []struct {
		name string
		v    map[string]any
		path string
	}{
		{"missing required", map[string]any{"sensor": "s-1"}, ""},
		{"above maximum", map[string]any{"sensor": "s-1", "value": 151}, "/value"},
		{"pattern", map[string]any{"sensor": "x-1", "value": 1}, "/sensor"},
		{"additional property", map[string]any{"sensor": "s-1", "value": 1, "extra": true}, ""},
		{"array item type", map[string]any{"sensor": "s-1", "value": 1, "tags": []any{"a", 7}}, "/tags/1"},
		{"maxItems", map[string]any{"sensor": "s-1", "value": 1, "tags": []string{"a", "b", "c"}}, "/tags"},
		{"wrong type", map[string]any{"sensor": "s-1", "value": "hot"}, "/value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := s.Serialize(ctx, "readings", tc.v)
			var ve *jsonschema.ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, jsonschema.ErrInvalid) {
				t.Fatalf("Serialize = %v, want a validation error", err)
			}
			if ve.Path != tc.path || ve.Message == "" || ve.Keyword == "" {
				t.Fatalf("ValidationError %+v, want path %q", ve, tc.path)
			}
		})
	}
	// Validation can be switched off on write.
	off, err := jsonschema.NewSerializer[map[string]any](client, serde.Value, jsonschema.WithSchema(schema), serde.Validate(false))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := off.Serialize(ctx, "readings", map[string]any{"sensor": 1}); err != nil {
		t.Fatalf("Serialize without validation: %v", err)
	}
}

func TestIncompatibleSchemaRejectedByRegistry(t *testing.T) {
	ctx := context.Background()
	client := newMock(t)
	const v1 = `{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}`
	const v2 = `{"type":"object","properties":{"a":{"type":"integer"}},"additionalProperties":false}`
	s1, err := jsonschema.NewSerializer[map[string]any](client, serde.Value, jsonschema.WithSchema(v1))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s1.Serialize(ctx, "t", map[string]any{"a": "x"}); err != nil {
		t.Fatal(err)
	}
	s2, err := jsonschema.NewSerializer[map[string]any](client, serde.Value, jsonschema.WithSchema(v2))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = s2.Serialize(ctx, "t", map[string]any{"a": 1})
	if !errors.Is(err, registry.ErrIncompatibleSchema) {
		t.Fatalf("Serialize with an incompatible schema = %v, want 40901", err)
	}
	res, err := client.CheckCompatibility(ctx, "t-value", registry.Latest, registry.Schema{Schema: v2, SchemaType: registry.JSON}, registry.Verbose())
	if err != nil {
		t.Fatal(err)
	}
	if res.IsCompatible || len(res.Messages) == 0 || !strings.Contains(res.Messages[0], `{errorType:"TYPE_CHANGED", description:"A type at path '#/properties/a' is different between the new schema and the old schema'}`) {
		t.Fatalf("compatibility %+v", res)
	}
	// Closing the content model and adding an optional property is fine.
	const v3 = `{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"number"}},"additionalProperties":false}`
	s3, err := jsonschema.NewSerializer[map[string]any](client, serde.Value, jsonschema.WithSchema(v3))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s3.Serialize(ctx, "t", map[string]any{"a": "x", "b": 2}); err != nil {
		t.Fatalf("compatible evolution: %v", err)
	}
}

func TestRecordNameStrategyUsesTitle(t *testing.T) {
	ctx := context.Background()
	client := newMock(t)
	ref := registerAddress(t, client)
	opts := []serde.SerializerOption{jsonschema.WithSchema(shipmentSchema, ref), serde.WithSubjectNameStrategy(serde.TopicRecordNameStrategy)}
	s, err := jsonschema.NewSerializer[Shipment](client, serde.Value, opts...)
	if err != nil {
		t.Fatal(err)
	}
	in := Shipment{ID: "s-2", From: Address{"a", "US"}, To: Address{"b", "FR"}}
	payload, _, err := s.Serialize(ctx, "logistics", in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.LatestSchema(ctx, "logistics-Shipment"); err != nil {
		t.Fatalf("subject logistics-Shipment: %v", err)
	}
	d, err := jsonschema.NewDeserializer[Shipment](client, serde.Value,
		serde.WithSubjectNameStrategy(serde.TopicRecordNameStrategy), serde.UseLatest())
	if err != nil {
		t.Fatal(err)
	}
	if out, err := d.Deserialize(ctx, "logistics", payload, nil); err != nil || out != in {
		t.Fatalf("Deserialize = %+v, %v", out, err)
	}
	// A generated schema has no title: record-name strategies cannot name it,
	// as with Confluent's clients.
	g, err := jsonschema.NewSerializer[Order](client, serde.Value, serde.WithSubjectNameStrategy(serde.RecordNameStrategy))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := g.Serialize(ctx, "orders", sampleOrder()); err == nil {
		t.Fatal("record name strategy without a title succeeded")
	}
}

func TestGUIDPlacements(t *testing.T) {
	ctx := context.Background()
	client := newMock(t)
	for _, p := range []serde.IDPlacement{serde.PayloadGUID, serde.HeaderGUID} {
		s, err := jsonschema.NewSerializer[Order](client, serde.Value, serde.WithPlacement(p))
		if err != nil {
			t.Fatal(err)
		}
		in := sampleOrder()
		payload, hs, err := s.Serialize(ctx, "orders", in)
		if err != nil {
			t.Fatal(err)
		}
		if (p == serde.HeaderGUID) != (len(hs) == 1) {
			t.Fatalf("placement %d: headers %v", p, hs)
		}
		d, err := jsonschema.NewDeserializer[Order](client, serde.Value)
		if err != nil {
			t.Fatal(err)
		}
		out, err := d.Deserialize(ctx, "orders", payload, hs)
		if err != nil || !reflect.DeepEqual(out, in) {
			t.Fatalf("placement %d: %+v, %v", p, out, err)
		}
	}
}

func TestDynamicTypes(t *testing.T) {
	ctx := context.Background()
	client := newMock(t, mockregistry.WithCompatibility(registry.None))
	s, err := jsonschema.NewSerializer[any](client, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	p1, _, err := s.Serialize(ctx, "mixed", sampleOrder())
	if err != nil {
		t.Fatal(err)
	}
	p2, _, err := s.Serialize(ctx, "mixed", Address{Street: "x", Country: "NL"})
	if err != nil {
		t.Fatal(err)
	}
	if string(p1[:5]) == string(p2[:5]) {
		t.Fatal("two Go types were written with the same schema")
	}
	d, err := jsonschema.NewDeserializer[any](client, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	got, err := d.Deserialize(ctx, "mixed", p2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m, ok := got.(map[string]any); !ok || m["country"] != "NL" {
		t.Fatalf("got %#v", got)
	}
	// A value violating its generated schema (a struct field that must not
	// be null) is rejected.
	if _, _, err := s.Serialize(ctx, "mixed", Order{ID: "o"}); !errors.Is(err, jsonschema.ErrInvalid) {
		t.Fatalf("Order with nil items = %v, want a validation error", err)
	}
}

// TestConcurrentUse shares one serializer and one deserializer between
// goroutines writing to several topics at once (run with -race).
func TestConcurrentUse(t *testing.T) {
	ctx := context.Background()
	client := newMock(t)
	ref := registerAddress(t, client)
	s, err := jsonschema.NewSerializer[Shipment](client, serde.Value, jsonschema.WithSchema(shipmentSchema, ref))
	if err != nil {
		t.Fatal(err)
	}
	d, err := jsonschema.NewDeserializer[Shipment](client, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		go func() {
			topic := []string{"a", "b", "c"}[g%3]
			for i := 0; i < 50; i++ {
				in := Shipment{ID: topic, From: Address{"x", "US"}, To: Address{"y", "CA"}}
				b, _, err := s.Serialize(ctx, topic, in)
				if err != nil {
					errs <- err
					return
				}
				out, err := d.Deserialize(ctx, topic, b, nil)
				if err != nil || out != in {
					errs <- fmt.Errorf("got %+v, %v", out, err)
					return
				}
			}
			errs <- nil
		}()
	}
	for g := 0; g < 8; g++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// TestForwardMessagesThroughRegistry: with FORWARD the old schema reads the
// new one, and the registry names them that way round in its messages.
func TestForwardMessagesThroughRegistry(t *testing.T) {
	ctx := context.Background()
	client := newMock(t)
	const v1 = `{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}`
	const v2 = `{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"additionalProperties":false}`
	if _, err := client.Register(ctx, "fwd", registry.Schema{Schema: v1, SchemaType: registry.JSON}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.SetConfig(ctx, "fwd", registry.Config{CompatibilityLevel: registry.Forward}); err != nil {
		t.Fatal(err)
	}
	res, err := client.CheckCompatibility(ctx, "fwd", registry.Latest, registry.Schema{Schema: v2, SchemaType: registry.JSON}, registry.Verbose())
	if err != nil {
		t.Fatal(err)
	}
	want := `{errorType:"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", description:"The old has a closed content model and is missing a property or item present at path '#/properties/b' in the new schema'}`
	if res.IsCompatible || len(res.Messages) == 0 || res.Messages[0] != want {
		t.Fatalf("FORWARD check %+v\nwant first message %s", res, want)
	}
}
