package consumer_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/consumer"
	"github.com/srkit-go/srkit/examples/protobuf/orderpb"
	"github.com/srkit-go/srkit/internal/kafkatest"
	"github.com/srkit-go/srkit/jsonschema"
	"github.com/srkit-go/srkit/producer"
	"github.com/srkit-go/srkit/protobuf"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// roundTrip produces values through a producer and reads them back through
// Run, both on the mock registry over HTTP, and checks that every value
// arrives equal (by eq) and that the schema reference travelled where the
// placement puts it.
func roundTrip[T any](t *testing.T, e *env, topic string, ser producer.Serializer[T], deser consumer.Deserializer[T],
	values []T, eq func(a, b T) bool, guidHeader bool) {
	t.Helper()
	if err := e.CreateTopic(topic, 2); err != nil {
		t.Fatal(err)
	}
	pcl := e.KafkaClient(t)
	p, err := producer.New(pcl, producer.String(), ser)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := testContext(t)
	defer cancel()
	for i, v := range values {
		if _, err := p.Produce(ctx, topic, fmt.Sprint(i), v); err != nil {
			t.Fatalf("value %d: %v", i, err)
		}
	}
	cl := e.groupClient(t, topic+"-g", []string{topic}, consumer.GroupOptions()...)
	c, err := consumer.New(cl, consumer.String(), deser)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]T{}
	err = c.Run(ctx, func(_ context.Context, r consumer.Record[string, T]) error {
		hasHeader := false
		for _, h := range r.Headers {
			hasHeader = hasHeader || h.Key == serde.ValueSchemaIDHeader
		}
		if hasHeader != guidHeader || !guidHeader && r.Raw.Value[0] != serde.MagicID {
			t.Errorf("record %s: schema-ID header %v, payload starts % x", r.Key, hasHeader, r.Raw.Value[:1])
		}
		got[r.Key] = r.Value
		if len(got) == len(values) {
			cancel()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range values {
		if v, ok := got[fmt.Sprint(i)]; !ok || !eq(v, want) {
			t.Errorf("value %d: got %v, want %v", i, v, want)
		}
	}
}

func TestRoundTripAvroSpecific(t *testing.T) {
	e := newEnv(t)
	ser := e.Serializer(t, serde.Value)
	deser, err := avro.NewDeserializer[*order](e.Registry, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	values := []*order{{ID: 1, Item: "a", Amount: 1.5, Status: "NEW"}, {ID: 2, Item: "b", Amount: 2.5, Status: "PAID"}}
	roundTrip(t, e, "avro-specific", ser, deser, values, func(a, b *order) bool { return *a == *b }, false)
}

func TestRoundTripAvroGenericGUIDHeader(t *testing.T) {
	e := newEnv(t)
	ser, err := avro.NewSerializer[map[string]any](e.Registry, serde.Value, avro.WithSchema(kafkatest.OrderSchema), serde.WithPlacement(serde.HeaderGUID))
	if err != nil {
		t.Fatal(err)
	}
	deser, err := avro.NewDeserializer[map[string]any](e.Registry, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	values := []map[string]any{
		{"id": int64(1), "item": "a", "amount": 1.5, "status": "NEW"},
		{"id": int64(2), "item": "b", "amount": 2.5, "status": "PAID"},
	}
	roundTrip(t, e, "avro-generic", producer.Serializer[map[string]any](ser), consumer.Deserializer[map[string]any](deser), values,
		func(a, b map[string]any) bool { return reflect.DeepEqual(a, b) }, true)
}

func TestRoundTripProtobufGUIDHeader(t *testing.T) {
	e := newEnv(t)
	ser, err := protobuf.NewSerializer[*orderpb.Order](e.Registry, serde.Value, serde.WithPlacement(serde.HeaderGUID))
	if err != nil {
		t.Fatal(err)
	}
	deser, err := protobuf.NewDeserializer[*orderpb.Order](e.Registry, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	at := timestamppb.New(time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC))
	values := []*orderpb.Order{
		{Id: "o-1", Customer: "ada", Status: orderpb.Order_STATUS_PAID, PlacedAt: at, TotalCents: 2500,
			Lines: []*orderpb.Order_Line{{Sku: "BOOK", Quantity: 2, PriceCents: 1250}}},
		{Id: "o-2", Customer: "grace", Status: orderpb.Order_STATUS_NEW, PlacedAt: at},
	}
	roundTrip(t, e, "protobuf", ser, deser, values, func(a, b *orderpb.Order) bool { return proto.Equal(a, b) }, true)
	// The .proto file was registered under the value subject; its
	// well-known import was not.
	subjects, err := e.Registry.Subjects(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(subjects, []string{"protobuf-value"}) {
		t.Fatalf("subjects %v", subjects)
	}
}

type signup struct {
	Email string `json:"email"`
	Age   int    `json:"age" jsonschema:"minimum=13"`
}

func TestRoundTripJSONSchema(t *testing.T) {
	e := newEnv(t)
	ser, err := jsonschema.NewSerializer[signup](e.Registry, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	deser, err := jsonschema.NewDeserializer[signup](e.Registry, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	values := []signup{{"ada@example.com", 36}, {"grace@example.com", 45}}
	roundTrip(t, e, "jsonschema", ser, deser, values, func(a, b signup) bool { return a == b }, false)
	latest, err := e.Registry.LatestSchema(context.Background(), "jsonschema-value")
	if err != nil || latest.Type() != registry.JSON {
		t.Fatalf("registered %v, %v", latest.Type(), err)
	}
}

// basket has the parts a decoder could reuse from one record to the next
// (a slice, a map, a pointer) if the consumer decoded into a value it had
// handed out before.
type basket struct {
	Items []string          `avro:"items"`
	Tags  map[string]string `avro:"tags"`
	Note  *string           `avro:"note"`
}

// Values the handler keeps stay as they were decoded after the records that
// follow (the consumer decodes each record into a fresh value).
func TestRoundTripRetainedValues(t *testing.T) {
	e := newEnv(t)
	ser, err := avro.NewSerializer[basket](e.Registry, serde.Value, avro.WithSchema(`{"type":"record","name":"Basket","fields":[
		{"name":"items","type":{"type":"array","items":"string"}},
		{"name":"tags","type":{"type":"map","values":"string"}},
		{"name":"note","type":["null","string"],"default":null}]}`))
	if err != nil {
		t.Fatal(err)
	}
	deser, err := avro.NewDeserializer[basket](e.Registry, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	var values []basket
	for i := range 40 {
		note := fmt.Sprint("note ", i)
		b := basket{Items: []string{fmt.Sprint("a", i), fmt.Sprint("b", i)}[:1+i%2], Tags: map[string]string{"n": fmt.Sprint(i)}}
		if i%3 == 0 {
			b.Note = &note
		}
		values = append(values, b)
	}
	roundTrip(t, e, "baskets", ser, deser, values, func(a, b basket) bool { return reflect.DeepEqual(a, b) }, false)
}
