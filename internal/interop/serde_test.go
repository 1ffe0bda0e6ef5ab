package interop

import (
	"testing"

	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/avrov2"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/jsonschema"
	"github.com/srkit-go/srkit/mockregistry"
)

// Confluent's serializers auto-register their schema (after the
// associations look-up that newer clients make) and the deserializers fetch
// it by ID: the whole path runs against the mock.

type order struct {
	ID     string `json:"id" avro:"id"`
	Amount int64  `json:"amount" avro:"amount"`
}

func TestJSONSchemaSerdeRoundTrip(t *testing.T) {
	c, _ := newClient(t) // srkit's JSON Schema format checks the schema
	ser, err := jsonschema.NewSerializer(c, serde.ValueSerde, jsonschema.NewSerializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	payload, err := ser.Serialize("orders", &order{ID: "o-1", Amount: 42})
	if err != nil {
		t.Fatalf("Serialize: %v", err)
	}
	if payload[0] != 0 || payload[4] != 1 {
		t.Fatalf("prefix % x, want magic 0 and ID 1", payload[:5])
	}
	md, err := c.GetLatestSchemaMetadata("orders-value")
	if err != nil || md.SchemaType != "JSON" {
		t.Fatalf("registered schema = %+v, %v", md, err)
	}
	deser, err := jsonschema.NewDeserializer(c, serde.ValueSerde, jsonschema.NewDeserializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	var got order
	if err := deser.DeserializeInto("orders", payload, &got); err != nil || got != (order{ID: "o-1", Amount: 42}) {
		t.Fatalf("DeserializeInto = %+v, %v", got, err)
	}
}

func TestAvroSerdeRoundTrip(t *testing.T) {
	c, _ := newClient(t)
	ser, err := avrov2.NewSerializer(c, serde.ValueSerde, avrov2.NewSerializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	payload, err := ser.Serialize("payments", &order{ID: "p-9", Amount: 7})
	if err != nil {
		t.Fatalf("Serialize: %v", err)
	}
	if vs, err := c.GetAllVersions("payments-value"); err != nil || len(vs) != 1 {
		t.Fatalf("versions %v, %v", vs, err)
	}
	deser, err := avrov2.NewDeserializer(c, serde.ValueSerde, avrov2.NewDeserializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	var got order
	if err := deser.DeserializeInto("payments", payload, &got); err != nil || got != (order{ID: "p-9", Amount: 7}) {
		t.Fatalf("DeserializeInto = %+v, %v", got, err)
	}
}

func TestContexts(t *testing.T) {
	c, _ := newClient(t)
	if _, err := c.Register("s", schemaregistry.SchemaInfo{Schema: v1}, false); err != nil {
		t.Fatal(err)
	}
	id, err := c.Register(":.staging:s", schemaregistry.SchemaInfo{Schema: v2}, false)
	if err != nil || id != 1 {
		t.Fatalf("Register in a context = %d, %v (each context has its own IDs)", id, err)
	}
	md, err := c.GetLatestSchemaMetadata(":.staging:s")
	if err != nil || md.Schema != v2 || md.Subject != ":.staging:s" {
		t.Fatalf("GetLatestSchemaMetadata = %+v, %v", md, err)
	}
	info, err := c.GetBySubjectAndID(":.staging:s", 1)
	if err != nil || info.Schema != v2 {
		t.Fatalf("GetBySubjectAndID in context = %+v, %v", info, err)
	}
	ctxs, err := c.GetAllContexts()
	if err != nil || len(ctxs) != 2 || ctxs[1] != ".staging" {
		t.Fatalf("GetAllContexts = %v, %v", ctxs, err)
	}
}

func TestProtobufSchema(t *testing.T) {
	c, _ := newClient(t) // srkit's Protobuf format checks the schema
	proto := "syntax = \"proto3\";\npackage shop;\n\nmessage Order {\n  string id = 1;\n}\n"
	id, err := c.Register("p-value", schemaregistry.SchemaInfo{Schema: proto, SchemaType: "PROTOBUF"}, false)
	if err != nil || id != 1 {
		t.Fatalf("Register = %d, %v", id, err)
	}
	info, err := c.GetBySubjectAndID("p-value", 1)
	if err != nil || info.SchemaType != "PROTOBUF" {
		t.Fatalf("GetBySubjectAndID = %+v, %v", info, err)
	}
	changed := "syntax = \"proto3\";\npackage shop;\n\nmessage Order {\n  int32 id = 1;\n}\n"
	if ok, err := c.TestSubjectCompatibility("p-value", schemaregistry.SchemaInfo{Schema: changed, SchemaType: "PROTOBUF"}); err != nil || ok {
		t.Fatalf("TestSubjectCompatibility = %v, %v", ok, err)
	}
	if _, err := c.Register("p-value", schemaregistry.SchemaInfo{Schema: "message {", SchemaType: "PROTOBUF"}, false); restCode(err) != 42201 {
		t.Fatalf("invalid proto: %v", err)
	}
}

// TestAvroSerdeWithRealFormat runs Confluent's Avro serde against the mock
// with srkit's own Avro format checking the schemas, then evolves the
// schema the way a producer would, within and against BACKWARD.
func TestAvroSerdeWithRealFormat(t *testing.T) {
	srv := mockregistry.StartServer(t) // default formats
	c, err := schemaregistry.NewClient(schemaregistry.NewConfig(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	ser, err := avrov2.NewSerializer(c, serde.ValueSerde, avrov2.NewSerializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	payload, err := ser.Serialize("real", &order{ID: "r-1", Amount: 5})
	if err != nil {
		t.Fatalf("Serialize: %v", err)
	}
	deser, err := avrov2.NewDeserializer(c, serde.ValueSerde, avrov2.NewDeserializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	var got order
	if err := deser.DeserializeInto("real", payload, &got); err != nil || got != (order{ID: "r-1", Amount: 5}) {
		t.Fatalf("DeserializeInto = %+v, %v", got, err)
	}
	md, err := c.GetLatestSchemaMetadata("real-value")
	if err != nil {
		t.Fatal(err)
	}
	// Adding a field without a default breaks BACKWARD; with one it is fine.
	noDefault := `{"type":"record","name":"order","fields":[{"name":"id","type":"string"},{"name":"amount","type":"long"},{"name":"note","type":"string"}]}`
	if _, err := c.Register("real-value", schemaregistry.SchemaInfo{Schema: noDefault}, false); restCode(err) != 40901 {
		t.Fatalf("incompatible evolution of %s: %v", md.Schema, err)
	}
	withDefault := `{"type":"record","name":"order","fields":[{"name":"id","type":"string"},{"name":"amount","type":"long"},{"name":"note","type":"string","default":""}]}`
	if ok, err := c.TestSubjectCompatibility("real-value", schemaregistry.SchemaInfo{Schema: withDefault}); err != nil || !ok {
		t.Fatalf("compatible evolution of %s: %v, %v", md.Schema, ok, err)
	}
}
