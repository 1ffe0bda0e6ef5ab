package encryption_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/srkit-go/srkit/protobuf"
	"github.com/srkit-go/srkit/serde"
)

// protoJSONEqual compares m in the vectors' mapping (protojson, original
// field names) with want.
func protoJSONEqual(t *testing.T, m proto.Message, want json.RawMessage) {
	t.Helper()
	b, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var g, w any
	_ = json.Unmarshal(b, &g)
	_ = json.Unmarshal(want, &w)
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("decoded %s\n    want %s", b, want)
	}
}

// dynamicValue builds a dynamic message of the schema's first message from
// its protojson form.
func dynamicValue(t *testing.T, schema string, j json.RawMessage) *dynamicpb.Message {
	t.Helper()
	s, err := protobuf.Parse(schema)
	if err != nil {
		t.Fatal(err)
	}
	m := dynamicpb.NewMessage(s.Descriptor().Messages().Get(0))
	if err := protojson.Unmarshal(j, m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestVectorProtobuf(t *testing.T) {
	ctx := context.Background()
	v := loadVector(t, "protobuf_encrypt_aes256gcm")
	client, enc := v.serve(t)
	rules := serde.WithRuleExecutors(enc.Executors()...)
	d, err := protobuf.NewDeserializer[proto.Message](client, serde.Value, rules, strictRead)
	if err != nil {
		t.Fatal(err)
	}
	got, err := d.Deserialize(ctx, v.Topic, v.payload(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	protoJSONEqual(t, got, v.ExpectedDecoded)

	// srkit writes it the same way; it reads back, PII encrypted.
	in := dynamicValue(t, v.Registry[0].Schema, v.Value)
	before := proto.Clone(in)
	s, err := protobuf.NewSerializer[proto.Message](client, serde.Value, serde.UseLatest(), serde.AutoRegister(false), rules)
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := s.Serialize(ctx, v.Topic, in)
	if err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(in, before) {
		t.Fatal("the caller's message changed")
	}
	mustNotContain(t, "srkit's payload", b, "Ada Lovelace", "123-45-6789")
	back, err := d.Deserialize(ctx, v.Topic, b, nil)
	if err != nil {
		t.Fatal(err)
	}
	protoJSONEqual(t, back, v.ExpectedDecoded)
}

const protoPersonSchema = `syntax = "proto3";
package enc.test;
import "confluent/meta.proto";

message Person {
  int64 id = 1;
  string name = 2 [(confluent.field_meta).tags = "PII"];
  string email = 3 [(confluent.field_meta).tags = "PII"];
  bytes photo = 4 [(confluent.field_meta).tags = "PII"];
  optional string nick = 5 [(confluent.field_meta).tags = "PII"];
  string city = 6;
  repeated string aliases = 7 [(confluent.field_meta).tags = "PII"];
  // Untagged: Confluent's clients never encrypt the values of a Protobuf
  // map of scalars (Java, JS and Python refuse to write a tagged one, Go
  // writes it in the clear), and neither does srkit.
  map<string, string> notes = 8;
}
`

const protoPersonJSON = `{"id":"7","name":"Alice Liddell","email":"alice@example.org","photo":"iVBORy1waG90by1ieXRlcw==","nick":"alice-nick",` +
	`"city":"Oxford","aliases":["alias-one-secret","alias-two-secret"],"notes":{"k":"note-value-secret"}}`
