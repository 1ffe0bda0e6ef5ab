package encryption_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/jsonschema"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// genericPerson is the record of formats_test.go as the generic values of
// Avro (hamba's) and JSON (encoding/json's).
func genericPerson(format string) map[string]any {
	if format == "avro" {
		return map[string]any{"id": int64(7), "name": "Alice Liddell", "email": "alice@example.org", "photo": []byte("\x89PNG-photo-bytes"),
			"nick": "alice-nick", "city": "Oxford", "aliases": []any{"alias-one-secret", "alias-two-secret"}, "notes": map[string]any{"k": "note-value-secret"}}
	}
	return map[string]any{"id": float64(7), "name": "Alice Liddell", "email": "alice@example.org", "nick": "alice-nick", "city": "Oxford",
		"aliases": []any{"alias-one-secret", "alias-two-secret"}}
}

// ENCRYPT on generic values (Serializer[any]) of Avro and JSON Schema, for
// the three algorithms: the tagged fields are not on the wire, the
// caller's map is left alone, and a cold executor reads the same values.
func TestGenericValuesRoundTrip(t *testing.T) {
	ctx := context.Background()
	for _, format := range []string{"avro", "json"} {
		for _, alg := range algorithms {
			t.Run(format+"/"+string(alg), func(t *testing.T) {
				e := newEnv(t, nil, nil)
				sch := registry.Schema{Schema: avroPersonSchema}
				pii := append([]string{"PNG-photo-bytes", "note-value-secret"}, pii...)
				if format == "json" {
					sch, pii = registry.Schema{Schema: jsonPersonSchema, SchemaType: registry.JSON}, pii[2:]
				}
				sch.RuleSet = domain(encRule(encryption.ParamDEKAlgorithm, string(alg)))
				if _, err := e.client.Register(ctx, testSubject, sch); err != nil {
					t.Fatal(err)
				}
				wopts := []serde.SerializerOption{serde.UseLatest(), serde.AutoRegister(false), serde.WithRuleExecutors(e.enc.Executors()...)}
				ropts := []serde.DeserializerOption{serde.WithRuleExecutors(e.executor().Executors()...), strictRead}
				var s *serde.Serializer[any]
				var d *serde.Deserializer[any]
				var err error
				if format == "avro" {
					if s, err = avro.NewSerializer[any](e.client, serde.Value, wopts...); err == nil {
						d, err = avro.NewDeserializer[any](e.client, serde.Value, ropts...)
					}
				} else if s, err = jsonschema.NewSerializer[any](e.client, serde.Value, wopts...); err == nil {
					d, err = jsonschema.NewDeserializer[any](e.client, serde.Value, ropts...)
				}
				if err != nil {
					t.Fatal(err)
				}
				in := genericPerson(format)
				b, hs, err := s.Serialize(ctx, testTopic, in)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(in, genericPerson(format)) {
					t.Fatalf("the caller's map changed: %v", in)
				}
				mustNotContain(t, "the payload", b, pii...)
				got, err := d.Deserialize(ctx, testTopic, b, hs)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, genericPerson(format)) {
					g, _ := json.Marshal(got)
					t.Fatalf("read %s\nwant %v", g, genericPerson(format))
				}
			})
		}
	}
}

// A tagged field of another type than string or bytes is an error on
// write in the real formats too (ErrFieldType, naming the field), and
// nothing is written.
func TestTaggedIntFieldInFormats(t *testing.T) {
	ctx := context.Background()
	for format, sch := range map[string]registry.Schema{
		"avro": {Schema: `{"type":"record","name":"P","namespace":"enc.test","fields":[{"name":"id","type":"long","confluent:tags":["PII"]},{"name":"name","type":"string"}]}`},
		"json": {Schema: `{"type":"object","properties":{"id":{"type":"integer","confluent:tags":["PII"]},"name":{"type":"string"}}}`, SchemaType: registry.JSON},
	} {
		t.Run(format, func(t *testing.T) {
			e := newEnv(t, nil, nil)
			sch.RuleSet = domain(encRule())
			if _, err := e.client.Register(ctx, testSubject, sch); err != nil {
				t.Fatal(err)
			}
			opts := []serde.SerializerOption{serde.UseLatest(), serde.AutoRegister(false), serde.WithRuleExecutors(e.enc.Executors()...)}
			var s *serde.Serializer[any]
			var err error
			var v any = map[string]any{"id": int64(7), "name": "Alice Liddell"}
			if format == "avro" {
				s, err = avro.NewSerializer[any](e.client, serde.Value, opts...)
			} else {
				s, err = jsonschema.NewSerializer[any](e.client, serde.Value, opts...)
			}
			if err != nil {
				t.Fatal(err)
			}
			b, _, err := s.Serialize(ctx, testTopic, v)
			var ee *encryption.Error
			if !isRuleError(err, encryption.ErrFieldType) || !errors.As(err, &ee) || !strings.HasSuffix(ee.Field, "id") || b != nil {
				t.Fatalf("write: %d bytes, %v", len(b), err)
			}
		})
	}
}
