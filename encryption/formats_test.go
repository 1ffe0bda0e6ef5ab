package encryption_test

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/encryption"
	"github.com/srkit-go/srkit/jsonschema"
	"github.com/srkit-go/srkit/protobuf"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// The same record in the three formats, with PII tagged inline (but for
// Protobuf's map of strings, whose values Confluent's clients never encrypt).

type avroPerson struct {
	ID      int64             `avro:"id"`
	Name    string            `avro:"name"`
	Email   string            `avro:"email"`
	Photo   []byte            `avro:"photo"`
	Nick    *string           `avro:"nick"`
	City    string            `avro:"city"`
	Aliases []string          `avro:"aliases"`
	Notes   map[string]string `avro:"notes"`
}

const avroPersonSchema = `{"type":"record","name":"Person","namespace":"enc.test","fields":[
 {"name":"id","type":"long"},
 {"name":"name","type":"string","confluent:tags":["PII"]},
 {"name":"email","type":"string","confluent:tags":["PII"]},
 {"name":"photo","type":"bytes","confluent:tags":["PII"]},
 {"name":"nick","type":["null","string"],"default":null,"confluent:tags":["PII"]},
 {"name":"city","type":"string"},
 {"name":"aliases","type":{"type":"array","items":"string"},"confluent:tags":["PII"]},
 {"name":"notes","type":{"type":"map","values":"string"},"confluent:tags":["PII"]}]}`

type jsonPerson struct {
	ID      int64    `json:"id"`
	Name    string   `json:"name"`
	Email   string   `json:"email"`
	Nick    *string  `json:"nick,omitempty"`
	City    string   `json:"city"`
	Aliases []string `json:"aliases"`
}

const jsonPersonSchema = `{"$schema":"http://json-schema.org/draft-07/schema#","title":"Person","type":"object","properties":{
 "id":{"type":"integer"},
 "name":{"type":"string","confluent:tags":["PII"]},
 "email":{"type":"string","confluent:tags":["PII"]},
 "nick":{"oneOf":[{"type":"null"},{"type":"string"}],"confluent:tags":["PII"]},
 "city":{"type":"string"},
 "aliases":{"type":"array","items":{"type":"string","confluent:tags":["PII"]}}}}`

// jsonPhotoPerson is a JSON Schema struct with a tagged []byte field (a
// base64 string in JSON), an embedded struct and a nested pointer: the
// typed walk encrypts it; the map walk of a generic reader decrypts it.
type jsonPhotoPerson struct {
	jsonPersonBase
	Photo []byte      `json:"photo"`
	Home  *jsonStreet `json:"home"`
}

type jsonPersonBase struct {
	Name string `json:"name"`
	City string `json:"city"`
}

type jsonStreet struct {
	Street string `json:"street"`
}

const jsonPhotoSchema = `{"type":"object","properties":{
 "name":{"type":"string","confluent:tags":["PII"]},
 "city":{"type":"string"},
 "photo":{"type":"string","confluent:tags":["PII"]},
 "home":{"type":"object","properties":{"street":{"type":"string","confluent:tags":["PII"]}}}}}`

// formatCase writes and reads one record in one format.
type formatCase struct {
	name   string
	schema registry.Schema
	pii    []string
	// roundTrip writes the record with the executors (and placement),
	// reads it back with a cold executor, and checks it equals the input
	// and that the input was left alone.
	roundTrip func(t *testing.T, e *env, placement serde.IDPlacement) (payload []byte, err error)
}

var pii = []string{"Alice Liddell", "alice@example.org", "alice-nick", "alias-one-secret", "alias-two-secret"}

func formatCases() []formatCase {
	ctx := context.Background()
	return []formatCase{
		{
			name: "avro", schema: registry.Schema{Schema: avroPersonSchema}, pii: append([]string{"PNG-photo-bytes", "note-value-secret"}, pii...),
			roundTrip: func(t *testing.T, e *env, placement serde.IDPlacement) ([]byte, error) {
				in := avroPerson{ID: 7, Name: "Alice Liddell", Email: "alice@example.org", Photo: []byte("\x89PNG-photo-bytes"), Nick: ptr("alice-nick"),
					City: "Oxford", Aliases: []string{"alias-one-secret", "alias-two-secret"}, Notes: map[string]string{"k": "note-value-secret"}}
				b, _, err := structRoundTrip(t, e, placement, in, avro.NewSerializer[*avroPerson], avro.NewDeserializer[avroPerson])
				return b, err
			},
		},
		{
			// The map of strings is untagged (see protoPersonSchema).
			name: "protobuf", schema: registry.Schema{Schema: protoPersonSchema, SchemaType: registry.Protobuf}, pii: append([]string{"PNG-photo-bytes"}, pii...),
			roundTrip: func(t *testing.T, e *env, placement serde.IDPlacement) ([]byte, error) {
				s, err := protobuf.NewSerializer[proto.Message](e.client, serde.Value, serde.UseLatest(), serde.AutoRegister(false), serde.WithPlacement(placement), serde.WithRuleExecutors(e.enc.Executors()...))
				if err != nil {
					t.Fatal(err)
				}
				in := dynamicValue(t, protoPersonSchema, json.RawMessage(protoPersonJSON))
				before := proto.Clone(in)
				b, hs, err := s.Serialize(ctx, testTopic, in)
				if err != nil {
					return nil, err
				}
				if !proto.Equal(in, before) {
					t.Fatal("the caller's message changed")
				}
				d, err := protobuf.NewDeserializer[proto.Message](e.client, serde.Value, serde.WithRuleExecutors(e.executor().Executors()...), strictRead)
				if err != nil {
					t.Fatal(err)
				}
				got, err := d.Deserialize(ctx, testTopic, b, hs)
				if err != nil {
					t.Fatal(err)
				}
				protoJSONEqual(t, got, json.RawMessage(protoPersonJSON))
				return b, nil
			},
		},
		{
			name: "json", schema: registry.Schema{Schema: jsonPersonSchema, SchemaType: registry.JSON}, pii: pii,
			roundTrip: func(t *testing.T, e *env, placement serde.IDPlacement) ([]byte, error) {
				in := jsonPerson{ID: 7, Name: "Alice Liddell", Email: "alice@example.org", Nick: ptr("alice-nick"), City: "Oxford", Aliases: []string{"alias-one-secret", "alias-two-secret"}}
				b, _, err := structRoundTrip(t, e, placement, in, jsonschema.NewSerializer[*jsonPerson], jsonschema.NewDeserializer[jsonPerson])
				return b, err
			},
		},
		{
			name: "json bytes", schema: registry.Schema{Schema: jsonPhotoSchema, SchemaType: registry.JSON},
			pii: []string{"Alice Liddell", "PNG-photo-bytes", "UE5HLXBob3RvLWJ5dGVz", "1 Secret Lane"},
			roundTrip: func(t *testing.T, e *env, placement serde.IDPlacement) ([]byte, error) {
				in := jsonPhotoPerson{jsonPersonBase: jsonPersonBase{Name: "Alice Liddell", City: "Oxford"}, Photo: []byte("PNG-photo-bytes"), Home: &jsonStreet{Street: "1 Secret Lane"}}
				b, hs, err := structRoundTrip(t, e, placement, in, jsonschema.NewSerializer[*jsonPhotoPerson], jsonschema.NewDeserializer[jsonPhotoPerson])
				if err != nil {
					return nil, err
				}
				// A generic reader (the map walk) reads the same message.
				jsonGenericReads(t, e, b, hs, in)
				return b, nil
			},
		},
	}
}

// structRoundTrip writes in with a serializer of *T (from newSer) and the
// env's executors, checks in (and what it points to) was left alone, and
// reads it back into a T (newDe) with a cold executor.
func structRoundTrip[T any](t *testing.T, e *env, placement serde.IDPlacement, in T,
	newSer func(*registry.Client, serde.Part, ...serde.SerializerOption) (*serde.Serializer[*T], error),
	newDe func(*registry.Client, serde.Part, ...serde.DeserializerOption) (*serde.Deserializer[T], error),
) ([]byte, []serde.Header, error) {
	t.Helper()
	ctx := context.Background()
	s, err := newSer(e.client, serde.Value, serde.UseLatest(), serde.AutoRegister(false), serde.WithPlacement(placement), serde.WithRuleExecutors(e.enc.Executors()...))
	if err != nil {
		t.Fatal(err)
	}
	before, _ := json.Marshal(in)
	v := in
	b, hs, err := s.Serialize(ctx, testTopic, &v)
	if err != nil {
		return nil, nil, err
	}
	if after, _ := json.Marshal(v); !reflect.DeepEqual(v, in) || !bytes.Equal(after, before) {
		t.Fatalf("the caller's value changed: %s", after)
	}
	d, err := newDe(e.client, serde.Value, serde.WithRuleExecutors(e.executor().Executors()...), strictRead)
	if err != nil {
		t.Fatal(err)
	}
	got, err := d.Deserialize(ctx, testTopic, b, hs)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, in) {
		t.Fatalf("read %+v, want %+v", got, in)
	}
	return b, hs, nil
}

// Round trips over the mock for the three formats × the three algorithms
// × the schema ID in the payload or a header, with field (ENCRYPT) and
// payload (ENCRYPT_PAYLOAD) encryption: the PII is never on the wire, the
// caller's value is never modified, and a cold executor reads it back.
func TestFormatsRoundTrip(t *testing.T) {
	ctx := context.Background()
	for _, f := range formatCases() {
		for _, kind := range []string{"field", "payload"} {
			for _, alg := range algorithms {
				for pname, placement := range placements {
					t.Run(f.name+"/"+kind+"/"+string(alg)+"/"+pname, func(t *testing.T) {
						e := newEnv(t, nil, nil)
						sch := f.schema
						if kind == "field" {
							sch.RuleSet = domain(encRule(encryption.ParamDEKAlgorithm, string(alg)))
						} else {
							sch.RuleSet = encoding(payloadRule(encryption.ParamDEKAlgorithm, string(alg)))
						}
						if _, err := e.client.Register(ctx, testSubject, sch); err != nil {
							t.Fatal(err)
						}
						b, err := f.roundTrip(t, e, placement)
						if err != nil {
							t.Fatal(err)
						}
						mustNotContain(t, "the payload", b, f.pii...)
						if clear := bytes.Contains(b, []byte("Oxford")); clear != (kind == "field") {
							t.Fatalf("the untagged city in the clear: %v", clear)
						}
					})
				}
			}
		}
	}
}

// ENCRYPT_PAYLOAD encrypts the format body only: a Protobuf message's
// indexes stay in the clear with the schema reference (after the schema ID
// in the payload, or in the schema-ID header), and the rest is the AEAD of
// the body.
func TestPayloadKeepsMessageIndexesInTheClear(t *testing.T) {
	ctx := context.Background()
	const schema = `syntax = "proto3";
package enc.test;
message Other { string x = 1; }
message Secret { string name = 1; string city = 2; }`
	for _, alg := range algorithms {
		for pname, placement := range placements {
			t.Run(string(alg)+"/"+pname, func(t *testing.T) {
				e := newEnv(t, nil, nil)
				sch := registry.Schema{Schema: schema, SchemaType: registry.Protobuf, RuleSet: encoding(payloadRule(encryption.ParamDEKAlgorithm, string(alg)))}
				if _, err := e.client.Register(ctx, testSubject, sch); err != nil {
					t.Fatal(err)
				}
				s, err := protobuf.NewSerializer[proto.Message](e.client, serde.Value, serde.UseLatest(), serde.AutoRegister(false), serde.WithPlacement(placement), serde.WithRuleExecutors(e.enc.Executors()...))
				if err != nil {
					t.Fatal(err)
				}
				p, err := protobuf.Parse(schema)
				if err != nil {
					t.Fatal(err)
				}
				in := dynamicpb.NewMessage(p.Descriptor().Messages().ByName("Secret"))
				if err := protojson.Unmarshal([]byte(`{"name":"Alice Liddell","city":"Oxford"}`), in); err != nil {
					t.Fatal(err)
				}
				body, _ := proto.MarshalOptions{Deterministic: true}.Marshal(in)
				b, hs, err := s.Serialize(ctx, testTopic, in)
				if err != nil {
					t.Fatal(err)
				}
				// The schema reference with message indexes [1] (count 1,
				// index 1, zigzag varints): before the body in the payload,
				// or in the header (magic byte 1, the GUID, the indexes).
				ref, ct := b[:7], b[7:]
				if placement == serde.HeaderGUID {
					if len(hs) != 1 {
						t.Fatalf("headers %v", hs)
					}
					ref, ct = hs[0].Value, b
				}
				if !bytes.HasSuffix(ref, []byte{2, 2}) || len(ct) != ctLen(alg, len(body)) {
					t.Fatalf("schema reference %x and %d bytes after it, want it to end in 0202 and %d bytes of ciphertext", ref, len(ct), ctLen(alg, len(body)))
				}
				mustNotContain(t, "the payload", b, "Alice Liddell", "Oxford")
				d, err := protobuf.NewDeserializer[proto.Message](e.client, serde.Value, serde.WithRuleExecutors(e.executor().Executors()...), strictRead)
				if err != nil {
					t.Fatal(err)
				}
				got, err := d.Deserialize(ctx, testTopic, b, hs)
				if err != nil {
					t.Fatal(err)
				}
				if name := got.ProtoReflect().Descriptor().FullName(); name != "enc.test.Secret" {
					t.Fatalf("read a %s", name)
				}
				protoJSONEqual(t, got, json.RawMessage(`{"name":"Alice Liddell","city":"Oxford"}`))
			})
		}
	}
}
