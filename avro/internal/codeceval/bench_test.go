package codeceval

import (
	"strings"
	"testing"
	"time"

	havro "github.com/hamba/avro/v2"
	tavro "github.com/twmb/avro"
)

// The order record of srkit's avro benchmarks (avro/bench_test.go), the
// same schema and value.

type benchItem struct {
	SKU      string  `avro:"sku"`
	Quantity int32   `avro:"quantity"`
	Price    float64 `avro:"price"`
}

type benchAddress struct {
	Street string `avro:"street"`
	City   string `avro:"city"`
	Zip    string `avro:"zip"`
}

type benchOrder struct {
	ID        string            `avro:"id"`
	Customer  int64             `avro:"customer"`
	Email     string            `avro:"email"`
	Status    string            `avro:"status"`
	Total     float64           `avro:"total"`
	Currency  string            `avro:"currency"`
	CreatedAt time.Time         `avro:"createdAt"`
	Shipping  benchAddress      `avro:"shipping"`
	Items     []benchItem       `avro:"items"`
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

// benchSchemaV2 adds two fields a v1 reader skips and drops none.
var benchSchemaV2 = strings.Replace(benchSchema, `{"name":"gift","type":"boolean"}`,
	`{"name":"gift","type":"boolean"},{"name":"labels","type":{"type":"array","items":"string"}},{"name":"score","type":"double"}`, 1)

func benchValue() *benchOrder {
	note := "leave at the door"
	return &benchOrder{
		ID: "5b0e7e2a-3c4d-4e8f-9a1b-2c3d4e5f6a7b", Customer: 1234567, Email: "ada.lovelace@example.com",
		Status: "PAID", Total: 1234.56, Currency: "EUR", CreatedAt: time.Date(2024, 3, 15, 12, 34, 56, 789e6, time.UTC),
		Shipping: benchAddress{"12 Analytical Way", "London", "NW1 6XE"},
		Items: []benchItem{{"SKU-0001", 1, 9.99}, {"SKU-0002", 2, 19.99}, {"SKU-0003", 3, 29.99},
			{"SKU-0004", 4, 39.99}, {"SKU-0005", 5, 49.99}},
		Attrs: map[string]string{"channel": "web", "campaign": "spring", "coupon": "ADA10"},
		Note:  &note, Priority: 2, Gift: true,
	}
}

// benchV2Value is benchValue in v2's generic form plus the two v2 fields.
func benchV2Body(b *testing.B) []byte {
	v := benchValue()
	items := make([]any, len(v.Items))
	for i, it := range v.Items {
		items[i] = map[string]any{"sku": it.SKU, "quantity": int(it.Quantity), "price": it.Price}
	}
	attrs := map[string]any{}
	for k, x := range v.Attrs {
		attrs[k] = x
	}
	g := map[string]any{"id": v.ID, "customer": v.Customer, "email": v.Email, "status": v.Status, "total": v.Total,
		"currency": v.Currency, "createdAt": v.CreatedAt, "shipping": map[string]any{"street": v.Shipping.Street,
			"city": v.Shipping.City, "zip": v.Shipping.Zip}, "items": items, "attrs": attrs, "note": *v.Note,
		"priority": int(v.Priority), "gift": v.Gift, "labels": []any{"a", "b", "c"}, "score": 0.5}
	body, err := havro.Marshal(havro.MustParse(benchSchemaV2), g)
	if err != nil {
		b.Fatal(err)
	}
	return body
}

func hambaSetup(b *testing.B) (havro.API, havro.Schema, []byte) {
	api := havro.Config{}.Freeze()
	s, err := havro.ParseWithCache(benchSchema, "", &havro.SchemaCache{})
	if err != nil {
		b.Fatal(err)
	}
	body, err := api.Marshal(s, benchValue())
	if err != nil {
		b.Fatal(err)
	}
	return api, s, body
}

func twmbSetup(b *testing.B) *tavro.Schema {
	s, err := tavro.Parse(benchSchema)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func BenchmarkSerializeHamba(b *testing.B) {
	api, s, _ := hambaSetup(b)
	v := benchValue()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := api.Marshal(s, v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSerializeTwmb(b *testing.B) {
	s := twmbSetup(b)
	v := benchValue()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Encode(v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendSerializeTwmb(b *testing.B) {
	s := twmbSetup(b)
	v := benchValue()
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if buf, err = s.AppendEncode(buf[:0], v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDeserializeHamba(b *testing.B) {
	api, s, body := hambaSetup(b)
	b.ReportAllocs()
	for b.Loop() {
		var v *benchOrder
		if err := api.Unmarshal(s, body, &v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDeserializeTwmb(b *testing.B) {
	_, _, body := hambaSetup(b) // hamba's bytes: blocks with byte sizes
	s := twmbSetup(b)
	b.ReportAllocs()
	for b.Loop() {
		var v *benchOrder
		if _, err := s.Decode(body, &v); err != nil {
			b.Fatal(err)
		}
	}
}

// Resolution: v2 data (two more fields) read into v1's struct.

func BenchmarkResolveHamba(b *testing.B) {
	api := havro.Config{}.Freeze()
	r := havro.MustParse(benchSchema)
	composite, err := havro.NewSchemaCompatibility().Resolve(r, havro.MustParse(benchSchemaV2))
	if err != nil {
		b.Fatal(err)
	}
	body := benchV2Body(b)
	b.ReportAllocs()
	for b.Loop() {
		var v *benchOrder
		if err := api.Unmarshal(composite, body, &v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkResolveTwmb(b *testing.B) {
	resolved, err := tavro.Resolve(tavro.MustParse(benchSchemaV2), twmbSetup(b))
	if err != nil {
		b.Fatal(err)
	}
	body := benchV2Body(b)
	b.ReportAllocs()
	for b.Loop() {
		var v *benchOrder
		if _, err := resolved.Decode(body, &v); err != nil {
			b.Fatal(err)
		}
	}
}

// Generic: the same body into any.

func BenchmarkGenericHamba(b *testing.B) {
	api, s, body := hambaSetup(b)
	b.ReportAllocs()
	for b.Loop() {
		var v any
		if err := api.Unmarshal(s, body, &v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGenericTwmb(b *testing.B) {
	_, _, body := hambaSetup(b)
	s := twmbSetup(b)
	b.ReportAllocs()
	for b.Loop() {
		var v any
		if _, err := s.Decode(body, &v); err != nil {
			b.Fatal(err)
		}
	}
}
