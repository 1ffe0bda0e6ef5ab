// Interop between srkit's jsonschema package and confluent-kafka-go's JSON
// Schema serde (v2.15.1), through srkit's mock registry over HTTP. It needs
// cgo (librdkafka), so it lives in the internal/interop module
// (cd internal/interop && go test -run JSONSchema ./...).
package interop

import (
	"context"
	"reflect"
	"testing"

	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	ckgjs "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/jsonschema"
	"github.com/srkit-go/srkit/internal/interop/interoptest"
	"github.com/srkit-go/srkit/jsonschema"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	srserde "github.com/srkit-go/srkit/serde"
)

type jsItem struct {
	SKU   string  `json:"sku"`
	Qty   int     `json:"qty"`
	Price float64 `json:"price"`
}

type jsOrder struct {
	ID    string            `json:"id"`
	Items []jsItem          `json:"items"`
	Tags  map[string]string `json:"tags,omitempty"`
	Note  *string           `json:"note,omitempty"`
}

// TestJSONSchemaInterop: for the same Go type, both clients register the
// same generated schema and write the same bytes, and each reads the other's.
func TestJSONSchemaInterop(t *testing.T) {
	ctx := context.Background()
	srv := mockregistry.StartServer(t)
	c := interoptest.ConfluentClient(t, srv.URL())
	client, err := srv.Client()
	if err != nil {
		t.Fatal(err)
	}
	cfg := ckgjs.NewSerializerConfig()
	cfg.EnableValidation = true
	theirSer, err := ckgjs.NewSerializer(c, serde.ValueSerde, cfg)
	if err != nil {
		t.Fatal(err)
	}
	note := "n"
	in := jsOrder{ID: "o1", Items: []jsItem{{"a", 1, 2.5}}, Tags: map[string]string{"x": "y"}, Note: &note}
	theirs, err := theirSer.Serialize("orders", &in)
	if err != nil {
		t.Fatal(err)
	}

	d, err := jsonschema.NewDeserializer[jsOrder](client, srserde.Value)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := d.Deserialize(ctx, "orders", theirs, nil); err != nil || !reflect.DeepEqual(out, in) {
		t.Fatalf("srkit reading confluent-kafka-go: %+v, %v", out, err)
	}

	s, err := jsonschema.NewSerializer[jsOrder](client, srserde.Value)
	if err != nil {
		t.Fatal(err)
	}
	ours, _, err := s.Serialize(ctx, "orders", in)
	if err != nil {
		t.Fatal(err)
	}
	if string(ours) != string(theirs) {
		t.Fatalf("bytes differ:\n srkit %q\n ckg   %q", ours, theirs)
	}
	if vs, err := client.Versions(ctx, "orders-value"); err != nil || len(vs) != 1 {
		t.Fatalf("versions %v, %v: the two clients registered different schemas", vs, err)
	}

	dcfg := ckgjs.NewDeserializerConfig()
	dcfg.EnableValidation = true
	theirDe, err := ckgjs.NewDeserializer(c, serde.ValueSerde, dcfg)
	if err != nil {
		t.Fatal(err)
	}
	var back jsOrder
	if err := theirDe.DeserializeInto("orders", ours, &back); err != nil || !reflect.DeepEqual(back, in) {
		t.Fatalf("confluent-kafka-go reading srkit: %+v, %v", back, err)
	}

	// Generic maps: same bytes too.
	m := map[string]any{"id": "o2", "items": []any{map[string]any{"sku": "b", "qty": 2, "price": 1.25}}}
	theirMap, err := theirSer.Serialize("maps", m)
	if err != nil {
		t.Fatal(err)
	}
	sm, err := jsonschema.NewSerializer[map[string]any](client, srserde.Value)
	if err != nil {
		t.Fatal(err)
	}
	ourMap, _, err := sm.Serialize(ctx, "maps", m)
	if err != nil {
		t.Fatal(err)
	}
	if string(ourMap) != string(theirMap) {
		t.Fatalf("map bytes differ:\n srkit %q\n ckg   %q", ourMap, theirMap)
	}
}

const (
	jsAddressSchema  = `{"$schema":"http://json-schema.org/draft-07/schema#","title":"Address","type":"object","properties":{"city":{"type":"string"},"country":{"type":"string","minLength":2,"maxLength":2}},"required":["city","country"]}`
	jsShipmentSchema = `{"$schema":"http://json-schema.org/draft-07/schema#","title":"Shipment","type":"object","properties":{"id":{"type":"string"},"to":{"$ref":"address.json"}},"required":["id","to"]}`
)

type jsAddress struct {
	City    string `json:"city"`
	Country string `json:"country"`
}

type jsShipment struct {
	ID string    `json:"id"`
	To jsAddress `json:"to"`
}

// TestJSONSchemaInteropReferences: a schema with a "$ref" to another subject,
// written and validated by either client, read by the other.
func TestJSONSchemaInteropReferences(t *testing.T) {
	ctx := context.Background()
	srv := mockregistry.StartServer(t)
	client, err := srv.Client()
	if err != nil {
		t.Fatal(err)
	}
	a, err := client.Register(ctx, "Address", registry.Schema{Schema: jsAddressSchema, SchemaType: registry.JSON})
	if err != nil {
		t.Fatal(err)
	}
	ref := registry.Reference{Name: "address.json", Subject: "Address", Version: a.Version}
	s, err := jsonschema.NewSerializer[jsShipment](client, srserde.Value, jsonschema.WithSchema(jsShipmentSchema, ref))
	if err != nil {
		t.Fatal(err)
	}
	in := jsShipment{"s", jsAddress{"Berlin", "DE"}}
	ours, _, err := s.Serialize(ctx, "ships", in)
	if err != nil {
		t.Fatal(err)
	}

	c := interoptest.ConfluentClient(t, srv.URL())
	dcfg := ckgjs.NewDeserializerConfig()
	dcfg.EnableValidation = true
	theirDe, err := ckgjs.NewDeserializer(c, serde.ValueSerde, dcfg)
	if err != nil {
		t.Fatal(err)
	}
	var back jsShipment
	if err := theirDe.DeserializeInto("ships", ours, &back); err != nil || back != in {
		t.Fatalf("confluent-kafka-go reading srkit: %+v, %v", back, err)
	}

	cfg := ckgjs.NewSerializerConfig()
	cfg.EnableValidation, cfg.AutoRegisterSchemas, cfg.UseLatestVersion = true, false, true
	theirSer, err := ckgjs.NewSerializer(c, serde.ValueSerde, cfg)
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := theirSer.Serialize("ships", &in)
	if err != nil {
		t.Fatal(err)
	}
	if string(theirs) != string(ours) {
		t.Fatalf("bytes differ:\n srkit %q\n ckg   %q", ours, theirs)
	}
	d, err := jsonschema.NewDeserializer[jsShipment](client, srserde.Value)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := d.Deserialize(ctx, "ships", theirs, nil); err != nil || got != in {
		t.Fatalf("srkit reading confluent-kafka-go: %+v, %v", got, err)
	}
	// Both reject a value the referenced schema forbids.
	bad := jsShipment{"s", jsAddress{"Berlin", "DEU"}}
	if _, err := theirSer.Serialize("ships", &bad); err == nil {
		t.Fatal("confluent-kafka-go accepted an invalid value")
	}
	if _, _, err := s.Serialize(ctx, "ships", bad); err == nil {
		t.Fatal("srkit accepted an invalid value")
	}
}
