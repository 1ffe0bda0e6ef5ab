// Interop between srkit's avro package and confluent-kafka-go's avrov2
// serde (v2.15.1), through srkit's mock registry over HTTP. It proves that
// for the same Go struct (schema derived from the type on both sides) the
// two serializers register the same schema (one subject version, one ID)
// and write identical bytes, and that each deserializer reads what the
// other wrote, with the schema ID in the payload and with the schema GUID
// in a record header.
package interop

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/avrov2"
	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/internal/interop/interoptest"
	srserde "github.com/srkit-go/srkit/serde"
)

type avAddress struct {
	Street string `avro:"street"`
	Zip    int32  `avro:"zip"`
}

// avCustomer uses only Go types that srkit's DeriveSchema and avrov2's
// StructToSchema map alike (see TestAvroDerivedSchemaDifferences for the
// others). Its map has one entry: Go's map order would make the bytes of
// a larger one vary from run to run.
type avCustomer struct {
	ID     int64             `avro:"id"`
	Name   string            `avro:"name"`
	Score  float64           `avro:"score"`
	Ratio  float32           `avro:"ratio"`
	Active bool              `avro:"active"`
	Avatar []byte            `avro:"avatar"`
	Email  *string           `avro:"email"`
	Tags   []string          `avro:"tags"`
	Home   avAddress         `avro:"home"`
	Attrs  map[string]string `avro:"attrs"`
	Joined time.Time         `avro:"joined"`
}

func sampleCustomer() avCustomer {
	email := "ada@example.com"
	return avCustomer{
		ID: 1 << 40, Name: "Ada", Score: 99.5, Ratio: 0.25, Active: true, Avatar: []byte{0, 1, 0xff},
		Email: &email, Tags: []string{"vip", "beta"}, Home: avAddress{"Main St 1", 10115},
		Attrs:  map[string]string{"tier": "gold"},
		Joined: time.UnixMilli(1_710_506_096_789).UTC(),
	}
}

// TestAvroInteropSameBytes: both serializers auto-register the schema they
// derive from avCustomer. With avro.CanonicalSchemaText srkit registers
// Confluent's exact text: the registry keeps one version and the two
// payloads are identical, key and value. With default options srkit
// registers the full schema (the email field's null default included):
// that is a second, compatible version with an ID of its own, and the
// Avro bodies are still identical.
func TestAvroInteropSameBytes(t *testing.T) {
	ctx := context.Background()
	c, client := interoptest.BothClients(t)
	in := sampleCustomer()
	for _, part := range []struct {
		ckg serde.Type
		sr  srserde.Part
	}{{serde.ValueSerde, srserde.Value}, {serde.KeySerde, srserde.Key}} {
		theirSer, err := avrov2.NewSerializer(c, part.ckg, avrov2.NewSerializerConfig())
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := theirSer.Serialize("customers", &in)
		if err != nil {
			t.Fatal(err)
		}
		s, err := avro.NewSerializer[avCustomer](client, part.sr, avro.CanonicalSchemaText())
		if err != nil {
			t.Fatal(err)
		}
		ours, _, err := s.Serialize(ctx, "customers", in)
		if err != nil {
			t.Fatal(err)
		}
		if string(ours) != string(theirs) {
			t.Fatalf("%s: bytes differ:\n srkit % x\n ckg   % x", part.sr, ours, theirs)
		}
		subject := "customers-" + part.sr.String()
		if vs, err := client.Versions(ctx, subject); err != nil || len(vs) != 1 {
			t.Fatalf("%s versions %v, %v: the two clients registered different schemas", subject, vs, err)
		}

		full, err := avro.NewSerializer[avCustomer](client, part.sr)
		if err != nil {
			t.Fatal(err)
		}
		withDefaults, _, err := full.Serialize(ctx, "customers", in)
		if err != nil {
			t.Fatal(err)
		}
		if string(withDefaults[5:]) != string(theirs[5:]) || string(withDefaults[:5]) == string(theirs[:5]) {
			t.Fatalf("%s: with the full schema:\n srkit % x\n ckg   % x", part.sr, withDefaults, theirs)
		}
		if vs, err := client.Versions(ctx, subject); err != nil || len(vs) != 2 {
			t.Fatalf("%s versions %v, %v: want the full schema as version 2", subject, vs, err)
		}
		theirDe, err := avrov2.NewDeserializer(c, part.ckg, avrov2.NewDeserializerConfig())
		if err != nil {
			t.Fatal(err)
		}
		var back avCustomer
		if err := theirDe.DeserializeInto("customers", withDefaults, &back); err != nil || !reflect.DeepEqual(back, in) {
			t.Fatalf("%s: confluent-kafka-go reading srkit's full-schema record: %+v, %v", part.sr, back, err)
		}
	}
	// Both parts share the schemas, so Confluent's and srkit's canonical
	// payloads name ID 1, srkit's full-schema ones ID 2.
	if md, err := c.GetLatestSchemaMetadata("customers-key"); err != nil || md.ID != 2 {
		t.Fatalf("key schema %+v, %v", md, err)
	}
}

// TestAvroInteropPayloadID: each deserializer reads what the other
// serializer wrote, with magic 0 and the schema ID in the payload.
func TestAvroInteropPayloadID(t *testing.T) {
	ctx := context.Background()
	c, client := interoptest.BothClients(t)
	in := sampleCustomer()
	theirSer, err := avrov2.NewSerializer(c, serde.ValueSerde, avrov2.NewSerializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := theirSer.Serialize("readers", &in)
	if err != nil {
		t.Fatal(err)
	}
	if string(theirs[:5]) != "\x00\x00\x00\x00\x01" {
		t.Fatalf("prefix % x, want magic 0 and ID 1", theirs[:5])
	}
	d, err := avro.NewDeserializer[avCustomer](client, srserde.Value)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := d.Deserialize(ctx, "readers", theirs, nil); err != nil || !reflect.DeepEqual(got, in) {
		t.Fatalf("srkit reading confluent-kafka-go: %+v, %v", got, err)
	}

	// srkit writes first on a fresh topic: Confluent's deserializer
	// fetches the schema srkit registered.
	s, err := avro.NewSerializer[avCustomer](client, srserde.Value)
	if err != nil {
		t.Fatal(err)
	}
	in.Email, in.Tags = nil, nil
	ours, _, err := s.Serialize(ctx, "writers", in)
	if err != nil {
		t.Fatal(err)
	}
	theirDe, err := avrov2.NewDeserializer(c, serde.ValueSerde, avrov2.NewDeserializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	var back avCustomer
	if err := theirDe.DeserializeInto("writers", ours, &back); err != nil {
		t.Fatalf("confluent-kafka-go reading srkit: %v", err)
	}
	back.Tags = normalizeEmpty(back.Tags)
	if !reflect.DeepEqual(back, in) {
		t.Fatalf("confluent-kafka-go reading srkit:\n got  %+v\n want %+v", back, in)
	}
}

// TestAvroInteropHeaderGUID: with the schema GUID in the record header
// (Confluent's HeaderSchemaIDSerializer, srkit's serde.HeaderGUID) and
// Confluent's schema text (avro.CanonicalSchemaText) both write the same
// header and the bare body, and each reads the other's.
func TestAvroInteropHeaderGUID(t *testing.T) {
	ctx := context.Background()
	c, client := interoptest.BothClients(t)
	in := sampleCustomer()
	for _, part := range []struct {
		ckg    serde.Type
		sr     srserde.Part
		header string
	}{{serde.ValueSerde, srserde.Value, "__value_schema_id"}, {serde.KeySerde, srserde.Key, "__key_schema_id"}} {
		theirSer, err := avrov2.NewSerializer(c, part.ckg, avrov2.NewSerializerConfig())
		if err != nil {
			t.Fatal(err)
		}
		theirSer.SchemaIDSerializer = serde.HeaderSchemaIDSerializer
		theirHeaders, theirs, err := theirSer.SerializeWithHeaders("guids", &in)
		if err != nil {
			t.Fatal(err)
		}
		s, err := avro.NewSerializer[avCustomer](client, part.sr, srserde.WithPlacement(srserde.HeaderGUID), avro.CanonicalSchemaText())
		if err != nil {
			t.Fatal(err)
		}
		ours, ourHeaders, err := s.Serialize(ctx, "guids", in)
		if err != nil {
			t.Fatal(err)
		}
		if string(ours) != string(theirs) || !interoptest.SameHeaders(ourHeaders, theirHeaders) {
			t.Fatalf("%s differs:\n srkit %v % x\n ckg   %v % x", part.sr, ourHeaders, ours, theirHeaders, theirs)
		}
		if len(ourHeaders) != 1 || ourHeaders[0].Key != part.header || len(ourHeaders[0].Value) != 17 || ourHeaders[0].Value[0] != 1 {
			t.Fatalf("%s header %v, want %s = magic 1 + GUID", part.sr, ourHeaders, part.header)
		}

		d, err := avro.NewDeserializer[avCustomer](client, part.sr)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := d.Deserialize(ctx, "guids", theirs, interoptest.FromKafka(theirHeaders)); err != nil || !reflect.DeepEqual(got, in) {
			t.Fatalf("%s: srkit reading confluent-kafka-go: %+v, %v", part.sr, got, err)
		}
		theirDe, err := avrov2.NewDeserializer(c, part.ckg, avrov2.NewDeserializerConfig())
		if err != nil {
			t.Fatal(err)
		}
		var back avCustomer
		if err := theirDe.DeserializeWithHeadersInto("guids", interoptest.ToKafka(ourHeaders), ours, &back); err != nil || !reflect.DeepEqual(back, in) {
			t.Fatalf("%s: confluent-kafka-go reading srkit: %+v, %v", part.sr, back, err)
		}
	}
}

// normalizeEmpty maps an empty slice to nil: an empty Avro array decodes
// to an empty slice, a nil one is what the test wrote.
func normalizeEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}
