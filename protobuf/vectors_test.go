package protobuf

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/srkit-go/srkit/internal/vectortest"
	"github.com/srkit-go/srkit/protobuf/internal/testpb/catalogpb"
	"github.com/srkit-go/srkit/protobuf/internal/testpb/orderspb"
	"github.com/srkit-go/srkit/protobuf/internal/testpb/piipb"
	"github.com/srkit-go/srkit/serde"
)

// withRules is why a vector with rules is not checked here: it needs the
// rule executors, whose packages the external test package imports.
const withRules = "a vector with rules: checked by TestVectorEncrypt (vectors_encrypt_test.go) with the encryption executors"

// generatedChecks decodes and re-encodes a vector with the generated Go type
// of its message.
var generatedChecks = map[string]func(*testing.T, *vectortest.Vector){
	"vectors.catalog.Envelope":             checkGenerated[*catalogpb.Envelope],
	"vectors.catalog.Envelope.Batch.Entry": checkGenerated[*catalogpb.Envelope_Batch_Entry],
	"vectors.orders.Order":                 checkGenerated[*orderspb.Order],
	"vectors.pii.Person":                   checkGenerated[*piipb.Person],
}

func TestVectors(t *testing.T) {
	vs := vectortest.Load(t, "testdata/vectors", "PROTOBUF")
	if len(vs) < 4 {
		t.Fatalf("found %d PROTOBUF vectors", len(vs))
	}
	for _, v := range vs {
		t.Run(v.Name, func(t *testing.T) {
			if v.NeedsRules() {
				t.Skip(withRules)
			}
			// Dynamic messages built from the registered schema.
			got := deserializeVector[proto.Message](t, v)
			assertDecoded(t, v, got)
			name := string(got.ProtoReflect().Descriptor().FullName())
			check, ok := generatedChecks[name]
			if !ok {
				t.Fatalf("no generated type for %s", name)
			}
			check(t, v)
		})
	}
}

func checkGenerated[T proto.Message](t *testing.T, v *vectortest.Vector) {
	t.Helper()
	got := deserializeVector[T](t, v)
	assertDecoded(t, v, got)

	// Re-serialize the vector's value with the vector's settings.
	value := reflect.New(reflect.TypeFor[T]().Elem()).Interface().(T)
	if err := protojson.Unmarshal(v.Value, value); err != nil {
		t.Fatalf("value: %v", err)
	}
	client := vectortest.Serve(t, v)
	s, err := NewSerializer[T](client, vectorPart(v), vectorSerializerOptions(t, v)...)
	if err != nil {
		t.Fatal(err)
	}
	payload, headers, err := s.Serialize(context.Background(), v.Topic, value)
	if err != nil {
		t.Fatalf("serialize: %v", err)
	}
	if want := v.Payload(t); !bytes.Equal(payload, want) {
		t.Errorf("payload\n got %x\nwant %x", payload, want)
	}
	if len(headers) != len(v.Headers) {
		t.Fatalf("headers: got %d, want %d", len(headers), len(v.Headers))
	}
	for i, h := range v.Headers {
		if headers[i].Key != h.Key || hex.EncodeToString(headers[i].Value) != h.ValueHex {
			t.Errorf("header %d: got %s=%x, want %s=%s", i, headers[i].Key, headers[i].Value, h.Key, h.ValueHex)
		}
	}
}

func deserializeVector[T any](t *testing.T, v *vectortest.Vector) T {
	t.Helper()
	client := vectortest.Serve(t, v)
	var opts []serde.DeserializerOption
	if st := vectorStrategy(t, v); st != nil {
		opts = append(opts, serde.WithSubjectNameStrategy(st))
	}
	d, err := NewDeserializer[T](client, vectorPart(v), opts...)
	if err != nil {
		t.Fatal(err)
	}
	var hs []serde.Header
	for _, h := range v.Headers {
		hs = append(hs, serde.Header{Key: h.Key, Value: v.HeaderValue(t, h.Key)})
	}
	got, err := d.Deserialize(context.Background(), v.Topic, v.Payload(t), hs)
	if err != nil {
		t.Fatalf("deserialize into %v: %v", reflect.TypeFor[T](), err)
	}
	return got
}

func vectorPart(v *vectortest.Vector) serde.Part {
	if v.IsKey {
		return serde.Key
	}
	return serde.Value
}

func vectorStrategy(t *testing.T, v *vectortest.Vector) serde.SubjectNameStrategy {
	switch v.SubjectNameStrategy {
	case "", "TOPIC":
		return nil
	case "RECORD":
		return serde.RecordNameStrategy
	case "TOPIC_RECORD":
		return serde.TopicRecordNameStrategy
	}
	t.Fatalf("unknown strategy %q", v.SubjectNameStrategy)
	return nil
}

func vectorSerializerOptions(t *testing.T, v *vectortest.Vector) []serde.SerializerOption {
	opts := []serde.SerializerOption{serde.AutoRegister(v.Serializer.AutoRegisterSchemas)}
	if st := vectorStrategy(t, v); st != nil {
		opts = append(opts, serde.WithSubjectNameStrategy(st))
	}
	if v.Serializer.UseLatestVersion {
		opts = append(opts, serde.UseLatest())
	}
	if v.Serializer.UseLatestWithMetadata != nil {
		opts = append(opts, serde.UseLatestWithMetadata(v.Serializer.UseLatestWithMetadata))
	}
	switch v.Serializer.SchemaIDSerializer {
	case "", "prefix-id":
	case "prefix-guid":
		opts = append(opts, serde.WithPlacement(serde.PayloadGUID))
	case "header-guid":
		opts = append(opts, serde.WithPlacement(serde.HeaderGUID))
	default:
		t.Fatalf("unknown schema ID serializer %q", v.Serializer.SchemaIDSerializer)
	}
	return opts
}

// assertDecoded compares m, in the vectors' JSON mapping (protojson with
// the original field names), with the vector's expected_decoded.
func assertDecoded(t *testing.T, v *vectortest.Vector, m proto.Message) {
	t.Helper()
	b, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var got, want any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(v.ExpectedDecoded, &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decoded %T\n got %s\nwant %s", m, b, v.ExpectedDecoded)
	}
}
