package jsonschema

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/srkit-go/srkit/internal/vectortest"
	"github.com/srkit-go/srkit/rules"
	"github.com/srkit-go/srkit/serde"
)

// encryptedElsewhere: encrypted vectors need the vector's KMS secret and
// DEKs; encryption.TestVectorJSON decodes them.
const encryptedElsewhere = "encrypted: decoded with its KMS secret by encryption.TestVectorJSON"

// vectorOptions returns the serde options that reproduce a vector's
// serializer and deserializer settings.
func vectorOptions(t *testing.T, v *vectortest.Vector) (serde.Part, []serde.SerializerOption, []serde.DeserializerOption) {
	t.Helper()
	part := serde.Value
	if v.IsKey {
		part = serde.Key
	}
	var strategy serde.SubjectNameStrategy
	switch v.SubjectNameStrategy {
	case "", "TOPIC":
		strategy = serde.TopicNameStrategy
	case "RECORD":
		strategy = serde.RecordNameStrategy
	case "TOPIC_RECORD":
		strategy = serde.TopicRecordNameStrategy
	default:
		t.Fatalf("unknown strategy %q", v.SubjectNameStrategy)
	}
	ser := []serde.SerializerOption{
		serde.WithSubjectNameStrategy(strategy),
		serde.AutoRegister(v.Serializer.AutoRegisterSchemas),
		serde.Validate(v.Serializer.EnableValidation),
	}
	if v.Serializer.UseLatestVersion {
		ser = append(ser, serde.UseLatest())
	}
	if v.Serializer.UseLatestWithMetadata != nil {
		ser = append(ser, serde.UseLatestWithMetadata(v.Serializer.UseLatestWithMetadata))
	}
	switch v.Serializer.SchemaIDSerializer {
	case "", "prefix-id":
	case "prefix-guid":
		ser = append(ser, serde.WithPlacement(serde.PayloadGUID))
	case "header-guid":
		ser = append(ser, serde.WithPlacement(serde.HeaderGUID))
	default:
		t.Fatalf("unknown schema ID serializer %q", v.Serializer.SchemaIDSerializer)
	}
	deser := []serde.DeserializerOption{
		serde.WithSubjectNameStrategy(strategy),
		serde.Validate(v.Deserializer.EnableValidation),
	}
	if v.Deserializer.UseLatestVersion {
		deser = append(deser, serde.UseLatest())
	}
	if v.Deserializer.UseLatestWithMetadata != nil {
		deser = append(deser, serde.UseLatestWithMetadata(v.Deserializer.UseLatestWithMetadata))
	}
	return part, append(ser, rules.Standard()), append(deser, rules.Standard())
}

func vectorHeaders(t *testing.T, v *vectortest.Vector) []serde.Header {
	t.Helper()
	var hs []serde.Header
	for _, h := range v.Headers {
		b, err := hex.DecodeString(h.ValueHex)
		if err != nil {
			t.Fatal(err)
		}
		hs = append(hs, serde.Header{Key: h.Key, Value: b})
	}
	return hs
}

// sameJSON compares two JSON documents semantically: member order and
// number formatting do not matter.
func sameJSON(t *testing.T, got any, want []byte) bool {
	t.Helper()
	g, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	if err := json.Unmarshal(g, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want, &b); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(a, b)
}

func TestVectorsDecode(t *testing.T) {
	vs := vectortest.Load(t, "testdata/vectors", "JSON")
	if len(vs) == 0 {
		t.Fatal("no JSON vectors")
	}
	for _, v := range vs {
		t.Run(v.Name, func(t *testing.T) {
			if v.HasEncryption() {
				t.Skip(encryptedElsewhere)
			}
			ctx := context.Background()
			client := vectortest.Serve(t, v)
			part, _, opts := vectorOptions(t, v)
			payload, headers := v.Payload(t), vectorHeaders(t, v)

			d, err := NewDeserializer[any](client, part, opts...)
			if err != nil {
				t.Fatal(err)
			}
			got, err := d.Deserialize(ctx, v.Topic, payload, headers)
			if err != nil {
				t.Fatalf("Deserialize: %v", err)
			}
			if !sameJSON(t, got, v.ExpectedDecoded) {
				t.Fatalf("decoded %v, want %s", got, v.ExpectedDecoded)
			}

			dm, err := NewDeserializer[map[string]any](client, part, opts...)
			if err != nil {
				t.Fatal(err)
			}
			m, err := dm.Deserialize(ctx, v.Topic, payload, headers)
			if err != nil {
				t.Fatalf("Deserialize map: %v", err)
			}
			if !sameJSON(t, m, v.ExpectedDecoded) {
				t.Fatalf("decoded map %v, want %s", m, v.ExpectedDecoded)
			}
		})
	}
}

func TestVectorsReserialize(t *testing.T) {
	for _, v := range vectortest.Load(t, "testdata/vectors", "JSON") {
		t.Run(v.Name, func(t *testing.T) {
			if v.HasEncryption() {
				t.Skip(encryptedElsewhere)
			}
			ctx := context.Background()
			client := vectortest.Serve(t, v)
			part, opts, _ := vectorOptions(t, v)
			var value map[string]any
			if err := json.Unmarshal(v.Value, &value); err != nil {
				t.Fatal(err)
			}
			s, err := NewSerializer[map[string]any](client, part, opts...)
			if err != nil {
				t.Fatal(err)
			}
			got, hs, err := s.Serialize(ctx, v.Topic, value)
			if err != nil {
				t.Fatalf("Serialize: %v", err)
			}
			if want := v.Payload(t); !bytes.Equal(got, want) {
				t.Fatalf("payload\n got %x\nwant %x", got, want)
			}
			if want := vectorHeaders(t, v); !reflect.DeepEqual(hs, want) {
				t.Fatalf("headers %v, want %v", hs, want)
			}
		})
	}
}

// Typed Go values for the vectors, with fields in sorted JSON-name order so
// that encoding/json writes the same bytes as for a map.
type (
	vecCustomer struct {
		Email string `json:"email,omitempty"`
		Name  string `json:"name"`
	}
	vecItem struct {
		Qty int    `json:"qty"`
		SKU string `json:"sku"`
	}
	vecOrder struct {
		Amount   float64     `json:"amount"`
		Customer vecCustomer `json:"customer"`
		Items    []vecItem   `json:"items"`
		Note     *string     `json:"note"`
		OrderID  string      `json:"orderId"`
		Paid     bool        `json:"paid"`
		Quantity int         `json:"quantity"`
		Tags     []string    `json:"tags"`
	}
	vecAddress struct {
		City    string `json:"city"`
		Country string `json:"country"`
		Street  string `json:"street"`
	}
	vecShipment struct {
		From       vecAddress `json:"from"`
		ShipmentID string     `json:"shipmentId"`
		To         vecAddress `json:"to"`
		WeightKg   float64    `json:"weightKg"`
	}
)

// TestVectorsTyped reads each vector into a Go struct and writes the
// struct back: the bytes must be Confluent's.
func TestVectorsTyped(t *testing.T) {
	for _, v := range vectortest.Load(t, "testdata/vectors", "JSON") {
		t.Run(v.Name, func(t *testing.T) {
			if v.HasEncryption() {
				t.Skip(encryptedElsewhere)
			}
			switch v.Name {
			case "json_object_nested":
				roundTripTyped[vecOrder](t, v)
			case "json_references":
				roundTripTyped[vecShipment](t, v)
			default:
				t.Fatalf("no Go type for vector %s", v.Name)
			}
		})
	}
}

func roundTripTyped[T any](t *testing.T, v *vectortest.Vector) {
	t.Helper()
	ctx := context.Background()
	client := vectortest.Serve(t, v)
	part, sopts, dopts := vectorOptions(t, v)
	d, err := NewDeserializer[T](client, part, dopts...)
	if err != nil {
		t.Fatal(err)
	}
	got, err := d.Deserialize(ctx, v.Topic, v.Payload(t), vectorHeaders(t, v))
	if err != nil {
		t.Fatal(err)
	}
	if !sameJSON(t, got, v.ExpectedDecoded) {
		t.Fatalf("decoded %+v, want %s", got, v.ExpectedDecoded)
	}
	s, err := NewSerializer[T](client, part, sopts...)
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := s.Serialize(ctx, v.Topic, got)
	if err != nil {
		t.Fatal(err)
	}
	if want := v.Payload(t); !bytes.Equal(b, want) {
		t.Fatalf("payload\n got %s\nwant %s", b, want)
	}
}
