package avro_test

import (
	"context"
	"testing"
	"time"

	havro "github.com/hamba/avro/v2"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// The benchmark record: 13 fields with a uuid, longs, strings, an enum, a
// double, a timestamp, a nested record, an array of 5 records, a 3-entry
// map and a nullable union.

type BenchItem struct {
	SKU      string  `avro:"sku"`
	Quantity int32   `avro:"quantity"`
	Price    float64 `avro:"price"`
}

type BenchAddress struct {
	Street string `avro:"street"`
	City   string `avro:"city"`
	Zip    string `avro:"zip"`
}

type BenchOrder struct {
	ID        string            `avro:"id"`
	Customer  int64             `avro:"customer"`
	Email     string            `avro:"email"`
	Status    string            `avro:"status"`
	Total     float64           `avro:"total"`
	Currency  string            `avro:"currency"`
	CreatedAt time.Time         `avro:"createdAt"`
	Shipping  BenchAddress      `avro:"shipping"`
	Items     []BenchItem       `avro:"items"`
	Attrs     map[string]string `avro:"attrs"`
	Note      *string           `avro:"note"`
	Priority  int32             `avro:"priority"`
	Gift      bool              `avro:"gift"`
}

const benchSchema = `{"type":"record","name":"Order","namespace":"com.example.bench","fields":[
 {"name":"id","type":{"type":"string","logicalType":"uuid"}},
 {"name":"customer","type":"long"},
 {"name":"email","type":"string"},
 {"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID","SHIPPED","DELIVERED","CANCELLED"]}},
 {"name":"total","type":"double"},
 {"name":"currency","type":"string"},
 {"name":"createdAt","type":{"type":"long","logicalType":"timestamp-millis"}},
 {"name":"shipping","type":{"type":"record","name":"Address","fields":[
   {"name":"street","type":"string"},{"name":"city","type":"string"},{"name":"zip","type":"string"}]}},
 {"name":"items","type":{"type":"array","items":{"type":"record","name":"Item","fields":[
   {"name":"sku","type":"string"},{"name":"quantity","type":"int"},{"name":"price","type":"double"}]}}},
 {"name":"attrs","type":{"type":"map","values":"string"}},
 {"name":"note","type":["null","string"],"default":null},
 {"name":"priority","type":"int"},
 {"name":"gift","type":"boolean"}]}`

func benchOrder() *BenchOrder {
	note := "leave at the door"
	return &BenchOrder{
		ID: "5b0e7e2a-3c4d-4e8f-9a1b-2c3d4e5f6a7b", Customer: 1234567, Email: "ada.lovelace@example.com",
		Status: "PAID", Total: 1234.56, Currency: "EUR", CreatedAt: time.Date(2024, 3, 15, 12, 34, 56, 789e6, time.UTC),
		Shipping: BenchAddress{"12 Analytical Way", "London", "NW1 6XE"},
		Items: []BenchItem{{"SKU-0001", 1, 9.99}, {"SKU-0002", 2, 19.99}, {"SKU-0003", 3, 29.99},
			{"SKU-0004", 4, 39.99}, {"SKU-0005", 5, 49.99}},
		Attrs: map[string]string{"channel": "web", "campaign": "spring", "coupon": "ADA10"},
		Note:  &note, Priority: 2, Gift: true,
	}
}

// benchRaw returns hamba's own codec on the same schema: the floor.
func benchRaw(b *testing.B) (havro.API, havro.Schema) {
	api := havro.Config{}.Freeze()
	schema, err := havro.ParseWithCache(benchSchema, "", &havro.SchemaCache{})
	if err != nil {
		b.Fatal(err)
	}
	return api, schema
}

// benchClient returns a client of a new in-process mock registry.
func benchClient(b *testing.B) *registry.Client {
	reg, err := mockregistry.New(mockregistry.WithFormats(avro.Format()))
	if err != nil {
		b.Fatal(err)
	}
	client, err := reg.Client()
	if err != nil {
		b.Fatal(err)
	}
	return client
}

func benchSerde(b *testing.B) (*serde.Serializer[*BenchOrder], *serde.Deserializer[*BenchOrder]) {
	client := benchClient(b)
	s, err := avro.NewSerializer[*BenchOrder](client, serde.Value, avro.WithSchema(benchSchema))
	if err != nil {
		b.Fatal(err)
	}
	d, err := avro.NewDeserializer[*BenchOrder](client, serde.Value)
	if err != nil {
		b.Fatal(err)
	}
	return s, d
}

func BenchmarkHambaMarshal(b *testing.B) {
	api, schema := benchRaw(b)
	v := benchOrder()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := api.Marshal(schema, v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAvroSerialize(b *testing.B) {
	s, _ := benchSerde(b)
	ctx := context.Background()
	v := benchOrder()
	if _, _, err := s.Serialize(ctx, "orders", v); err != nil { // register, warm the caches
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := s.Serialize(ctx, "orders", v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAvroAppendSerialize reuses the output buffer, as a producer
// that recycles buffers does.
func BenchmarkAvroAppendSerialize(b *testing.B) {
	s, _ := benchSerde(b)
	ctx := context.Background()
	v := benchOrder()
	buf, _, err := s.Serialize(ctx, "orders", v)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if buf, _, err = s.AppendSerialize(ctx, buf[:0], "orders", v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHambaUnmarshal(b *testing.B) {
	api, schema := benchRaw(b)
	data, err := api.Marshal(schema, benchOrder())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		var v *BenchOrder
		if err := api.Unmarshal(schema, data, &v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAvroDeserialize(b *testing.B) {
	s, d := benchSerde(b)
	ctx := context.Background()
	payload, _, err := s.Serialize(ctx, "orders", benchOrder())
	if err != nil {
		b.Fatal(err)
	}
	if _, err := d.Deserialize(ctx, "orders", payload, nil); err != nil { // fetch the schema, warm the caches
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.Deserialize(ctx, "orders", payload, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAvroSerializeValue serializes a struct value (T = BenchOrder,
// not a pointer): the encoder copies it into a pooled slot rather than
// letting it escape.
func BenchmarkAvroSerializeValue(b *testing.B) {
	s, err := avro.NewSerializer[BenchOrder](benchClient(b), serde.Value, avro.WithSchema(benchSchema))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	v := *benchOrder()
	if _, _, err := s.Serialize(ctx, "orders", v); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := s.Serialize(ctx, "orders", v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAvroCheck is the check every message passes before hamba
// decodes it, alone: the part of BenchmarkAvroDeserialize that bounds
// hostile input.
func BenchmarkAvroCheck(b *testing.B) {
	api, schema := benchRaw(b)
	data, err := api.Marshal(schema, benchOrder())
	if err != nil {
		b.Fatal(err)
	}
	check, err := avro.CheckerFor(benchSchema)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := check(data); err != nil {
			b.Fatal(err)
		}
	}
}
