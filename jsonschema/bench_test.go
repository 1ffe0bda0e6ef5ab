package jsonschema

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/srkit-go/srkit/internal/vectortest"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// The benchmark record: the "Order" of ../shared/reference/performance.md
// (uuid id, long, email, 5-symbol enum, double, currency, timestamp, 5 line
// items, a 3-entry map, a nullable note) as JSON.
type benchItem struct {
	SKU       string  `json:"sku"`
	Quantity  int     `json:"quantity"`
	UnitPrice float64 `json:"unitPrice"`
}

type benchOrder struct {
	ID         string            `json:"id"`
	CustomerID int64             `json:"customerId"`
	Email      string            `json:"email"`
	Status     string            `json:"status"`
	Total      float64           `json:"total"`
	Currency   string            `json:"currency"`
	CreatedAt  time.Time         `json:"createdAt"`
	Items      []benchItem       `json:"items"`
	Attributes map[string]string `json:"attributes"`
	Note       *string           `json:"note"`
}

const benchSchema = `{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "Order",
  "type": "object",
  "properties": {
    "id": {"type": "string", "format": "uuid"},
    "customerId": {"type": "integer", "minimum": 0},
    "email": {"type": "string", "format": "email"},
    "status": {"enum": ["NEW", "PAID", "SHIPPED", "DELIVERED", "CANCELLED"]},
    "total": {"type": "number", "minimum": 0},
    "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
    "createdAt": {"type": "string", "format": "date-time"},
    "items": {
      "type": "array",
      "minItems": 1,
      "items": {
        "type": "object",
        "properties": {
          "sku": {"type": "string"},
          "quantity": {"type": "integer", "minimum": 1},
          "unitPrice": {"type": "number", "minimum": 0}
        },
        "required": ["sku", "quantity", "unitPrice"],
        "additionalProperties": false
      }
    },
    "attributes": {"type": "object", "additionalProperties": {"type": "string"}},
    "note": {"type": ["string", "null"]}
  },
  "required": ["id", "customerId", "email", "status", "total", "currency", "createdAt", "items"],
  "additionalProperties": false
}`

func benchValue() benchOrder {
	items := make([]benchItem, 5)
	for i := range items {
		items[i] = benchItem{SKU: "SKU-" + string(rune('A'+i)), Quantity: i + 1, UnitPrice: 9.99 * float64(i+1)}
	}
	return benchOrder{
		ID: "6db60d7f-ee4a-46f5-9857-ce8458e2a78f", CustomerID: 1234567890123, Email: "grace@example.com",
		Status: "PAID", Total: 149.85, Currency: "EUR",
		CreatedAt:  time.Date(2024, 3, 15, 12, 34, 56, 789000000, time.UTC),
		Items:      items,
		Attributes: map[string]string{"channel": "web", "campaign": "spring", "region": "eu-west"},
	}
}

// benchRegistry serves the benchmark schema as ID 1 of subject
// "orders-value".
func benchRegistry(b *testing.B) *registry.Client {
	v := &vectortest.Vector{Registry: []vectortest.Registered{{SubjectSchema: registry.SubjectSchema{
		Subject: "orders-value", Version: 1, ID: 1,
		Schema: registry.Schema{Schema: benchSchema, SchemaType: registry.JSON},
	}}}}
	return vectortest.Serve(b, v)
}

// BenchmarkJSONRawMarshal is the raw floor for serializing: encoding/json
// alone.
func BenchmarkJSONRawMarshal(b *testing.B) {
	v := benchValue()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJSONRawUnmarshal is the raw floor for deserializing:
// encoding/json into the struct, reset first as DeserializeInto does.
func BenchmarkJSONRawUnmarshal(b *testing.B) {
	body, err := json.Marshal(benchValue())
	if err != nil {
		b.Fatal(err)
	}
	var o benchOrder
	b.ReportAllocs()
	for b.Loop() {
		o = benchOrder{}
		if err := json.Unmarshal(body, &o); err != nil {
			b.Fatal(err)
		}
	}
}

func benchSerializer(b *testing.B, validate bool) {
	ctx := context.Background()
	ser, err := NewSerializer[benchOrder](benchRegistry(b), serde.Value, WithSchema(benchSchema), serde.Validate(validate))
	if err != nil {
		b.Fatal(err)
	}
	v := benchValue()
	buf, _, err := ser.Serialize(ctx, "orders", v)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if buf, _, err = ser.AppendSerialize(ctx, buf[:0], "orders", v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJSONSchemaSerialize serializes the value with a warm, validating
// serializer (schema registered, compiled and cached) into a reused buffer.
func BenchmarkJSONSchemaSerialize(b *testing.B) { benchSerializer(b, true) }

// BenchmarkJSONSchemaSerializeNoValidation is the same with validation
// off.
func BenchmarkJSONSchemaSerializeNoValidation(b *testing.B) { benchSerializer(b, false) }

func benchDeserializer(b *testing.B, validate bool) {
	ctx := context.Background()
	client := benchRegistry(b)
	ser, err := NewSerializer[benchOrder](client, serde.Value, WithSchema(benchSchema))
	if err != nil {
		b.Fatal(err)
	}
	payload, _, err := ser.Serialize(ctx, "orders", benchValue())
	if err != nil {
		b.Fatal(err)
	}
	d, err := NewDeserializer[benchOrder](client, serde.Value, serde.Validate(validate))
	if err != nil {
		b.Fatal(err)
	}
	var o benchOrder
	if err := d.DeserializeInto(ctx, "orders", payload, nil, &o); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := d.DeserializeInto(ctx, "orders", payload, nil, &o); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJSONSchemaDeserialize deserializes the message with a warm,
// validating deserializer into a reused value.
func BenchmarkJSONSchemaDeserialize(b *testing.B) { benchDeserializer(b, true) }

// BenchmarkJSONSchemaDeserializeNoValidation is the same with validation
// off.
func BenchmarkJSONSchemaDeserializeNoValidation(b *testing.B) { benchDeserializer(b, false) }

func benchValueN(n int) benchOrder {
	v := benchValue()
	v.Items = make([]benchItem, n)
	for i := range v.Items {
		v.Items[i] = benchItem{SKU: "SKU-" + strconv.Itoa(i), Quantity: i + 1, UnitPrice: 9.99 * float64(i+1)}
	}
	return v
}

// BenchmarkJSONCurve is the cost curve: the record with 1, 10, 100 and
// 1,000 line items, serialized and deserialized with validation beside
// encoding/json alone. The ratio to raw must not grow with the size.
func BenchmarkJSONCurve(b *testing.B) {
	ctx := context.Background()
	client := benchRegistry(b)
	ser, err := NewSerializer[benchOrder](client, serde.Value, WithSchema(benchSchema))
	if err != nil {
		b.Fatal(err)
	}
	de, err := NewDeserializer[benchOrder](client, serde.Value)
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{1, 10, 100, 1000} {
		v := benchValueN(n)
		payload, _, err := ser.Serialize(ctx, "orders", v)
		if err != nil {
			b.Fatal(err)
		}
		body := payload[5:]
		var warm benchOrder
		if err := de.DeserializeInto(ctx, "orders", payload, nil, &warm); err != nil {
			b.Fatal(err)
		}
		b.Run("items="+strconv.Itoa(n)+"/serialize/raw", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := json.Marshal(v); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("items="+strconv.Itoa(n)+"/serialize/srkit", func(b *testing.B) {
			buf := payload
			b.ReportAllocs()
			for b.Loop() {
				if buf, _, err = ser.AppendSerialize(ctx, buf[:0], "orders", v); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("items="+strconv.Itoa(n)+"/deserialize/raw", func(b *testing.B) {
			var o benchOrder
			b.ReportAllocs()
			for b.Loop() {
				o = benchOrder{}
				if err := json.Unmarshal(body, &o); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("items="+strconv.Itoa(n)+"/deserialize/srkit", func(b *testing.B) {
			var o benchOrder
			b.ReportAllocs()
			for b.Loop() {
				if err := de.DeserializeInto(ctx, "orders", payload, nil, &o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
