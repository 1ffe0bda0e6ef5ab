package rules_test

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/internal/vectortest"
	"github.com/srkit-go/srkit/rules"
	"github.com/srkit-go/srkit/serde"
)

// TestGoldenVectors: Confluent's Go client wrote these records with CEL,
// CEL_FIELD and JSONATA rules (rules/testdata, from shared/vectors). They
// decode to expected_decoded, and the value re-serializes to the same
// bytes.
func TestGoldenVectors(t *testing.T) {
	for _, v := range vectortest.Load(t, "testdata", "AVRO") {
		t.Run(v.Name, func(t *testing.T) {
			ctx := context.Background()
			client := vectortest.Serve(t, v)
			std := rules.Standard()
			dopts := []serde.DeserializerOption{std}
			if md := v.Deserializer.UseLatestWithMetadata; md != nil {
				dopts = append(dopts, serde.UseLatestWithMetadata(md))
			}
			d, err := avro.NewDeserializer[map[string]any](client, serde.Value, dopts...)
			if err != nil {
				t.Fatal(err)
			}
			got, err := d.Deserialize(ctx, v.Topic, v.Payload(t), nil)
			if err != nil {
				t.Fatal(err)
			}
			if want := decodeJSON(t, v.ExpectedDecoded); !reflect.DeepEqual(normalize(t, got), normalize(t, want)) {
				t.Fatalf("decoded %v, want %v", got, want)
			}

			sopts := []serde.SerializerOption{std, serde.AutoRegister(false)}
			if md := v.Serializer.UseLatestWithMetadata; md != nil {
				sopts = append(sopts, serde.UseLatestWithMetadata(md))
			} else {
				sopts = append(sopts, serde.UseLatest())
			}
			s, err := avro.NewSerializer[map[string]any](client, serde.Value, sopts...)
			if err != nil {
				t.Fatal(err)
			}
			b, _, err := s.Serialize(ctx, v.Topic, decodeJSON(t, v.Value))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b, v.Payload(t)) {
				t.Fatalf("serialized %x, want %s", b, v.PayloadHex)
			}
		})
	}
}

// decodeJSON reads a vector's value: integral numbers as int, others as
// float64.
func decodeJSON(t *testing.T, raw json.RawMessage) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	for k, x := range m {
		if n, ok := x.(json.Number); ok {
			if i, err := n.Int64(); err == nil {
				m[k] = int(i)
			} else {
				m[k], _ = n.Float64()
			}
		}
	}
	return m
}

// normalize compares values through their JSON form.
func normalize(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}
