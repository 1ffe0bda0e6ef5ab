// Interop between srkit's protobuf package and confluent-kafka-go's
// Protobuf serde (v2.15.1), through srkit's mock registry over HTTP, with
// the same generated Go types (package interoppb) on both sides. It proves
// that for a message with an import, a message that is not first in its
// file and nested messages, both serializers register the same schemas
// (one version per subject) and write identical bytes, message indexes
// included; and that each deserializer reads what the other wrote into the
// right message type, with the schema ID in the payload and with the
// schema GUID (and the indexes) in a record header.
//
// The package's test binary links srkit's protobuf package and
// confluent-kafka-go's Protobuf serde side by side; see doc.go.
package protobufinterop

import (
	"context"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	ckgpb "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/protobuf"
	"github.com/srkit-go/srkit/internal/interop/interoppb"
	"github.com/srkit-go/srkit/internal/interop/interoptest"
	"github.com/srkit-go/srkit/protobuf"
	"github.com/srkit-go/srkit/registry"
	srserde "github.com/srkit-go/srkit/serde"
)

func sampleOrder() *interoppb.Order {
	return &interoppb.Order{
		Id:    "o-1",
		Total: &interoppb.Money{Currency: "EUR", Units: 99, Nanos: 500_000_000},
		Lines: []*interoppb.Order_Line{
			{Sku: "A-1", Quantity: 2, Discount: &interoppb.Order_Line_Discount{Code: "X", Percent: 5}},
			{Sku: "B-2", Quantity: 1},
		},
		PlacedAt: timestamppb.New(timestamppb.Now().AsTime().Truncate(1e9)),
		Channel:  interoppb.Channel_STORE,
	}
}

// protoCase is one message type with the message indexes both clients
// must write for it, as the wire encodes them (zig-zag varints).
type protoCase struct {
	name    string
	msg     proto.Message
	indexes string
}

func protoCases() []protoCase {
	return []protoCase{
		{"first", sampleOrder(), "\x00"},
		{"second", &interoppb.Refund{OrderId: "o-1", Amount: &interoppb.Money{Currency: "EUR", Units: 5}, Reason: &interoppb.Refund_Code{Code: 7}}, "\x02\x02"},
		{"nested", &interoppb.Order_Line{Sku: "C-3", Quantity: 4}, "\x04\x00\x00"},
		{"nested-twice", &interoppb.Order_Line_Discount{Code: "Y", Percent: 12.5}, "\x06\x00\x00\x00"},
		// One map entry: proto.Marshal's map order is random.
		{"with-map", &interoppb.Tagged{Labels: map[string]string{"k": "v"}, Inner: &interoppb.Tagged_Inner{Value: "i"}}, "\x02\x04"},
	}
}

// theirProtoDeserializer returns Confluent's deserializer, with every
// interoppb type in its registry so that Deserialize builds the message
// the indexes name.
func theirProtoDeserializer(t *testing.T, c schemaregistry.Client, part serde.Type) *ckgpb.Deserializer {
	t.Helper()
	d, err := ckgpb.NewDeserializer(c, part, ckgpb.NewDeserializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []proto.Message{&interoppb.Order{}, &interoppb.Order_Line{}, &interoppb.Order_Line_Discount{},
		&interoppb.Refund{}, &interoppb.Tagged{}, &interoppb.Tagged_Inner{}, &interoppb.MapAfterNested{},
		&interoppb.MapAfterNested_Inner{}, &interoppb.Money{}} {
		if err := d.ProtoRegistry.RegisterMessage(m.ProtoReflect().Type()); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

// TestProtobufInteropSameBytes: for each message, both serializers
// (auto-registering) write the same bytes: magic 0, the one schema ID of
// orders.proto, the message indexes, the body.
func TestProtobufInteropSameBytes(t *testing.T) {
	ctx := context.Background()
	c, client := interoptest.BothClients(t)
	theirSer, err := ckgpb.NewSerializer(c, serde.ValueSerde, ckgpb.NewSerializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	ours := srkitSerializers(t, client, srserde.Value)
	for _, tc := range protoCases() {
		theirs, err := theirSer.Serialize("orders", tc.msg)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		mine, _, err := ours[tc.name](ctx, "orders", tc.msg)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if string(mine) != string(theirs) {
			t.Fatalf("%s: bytes differ:\n srkit % x\n ckg   % x", tc.name, mine, theirs)
		}
		body, err := proto.Marshal(tc.msg)
		if err != nil {
			t.Fatal(err)
		}
		if want := "\x00\x00\x00\x00\x02" + tc.indexes + string(body); string(mine) != want {
			t.Fatalf("%s: wrote % x, want % x (ID 2: common.proto is 1)", tc.name, mine, want)
		}
	}
	for _, subject := range []string{"interop/common.proto", "orders-value"} {
		if vs, err := client.Versions(ctx, subject); err != nil || len(vs) != 1 {
			t.Fatalf("%s versions %v, %v: the two clients registered different schemas", subject, vs, err)
		}
	}
}

// TestProtobufInteropPayloadID: each deserializer reads what the other
// serializer wrote, into the message type the indexes name.
func TestProtobufInteropPayloadID(t *testing.T) {
	ctx := context.Background()
	c, client := interoptest.BothClients(t)
	theirSer, err := ckgpb.NewSerializer(c, serde.ValueSerde, ckgpb.NewSerializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	theirDe := theirProtoDeserializer(t, c, serde.ValueSerde)
	ours := srkitSerializers(t, client, srserde.Value)
	readers := srkitDeserializers(t, client, srserde.Value)
	for _, tc := range protoCases() {
		theirs, err := theirSer.Serialize("from-ckg", tc.msg)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got, err := readers[tc.name](ctx, "from-ckg", theirs, nil); err != nil || !proto.Equal(got, tc.msg) {
			t.Fatalf("%s: srkit reading confluent-kafka-go: %v, %v", tc.name, got, err)
		}
		mine, _, err := ours[tc.name](ctx, "from-srkit", tc.msg)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got, err := theirDe.Deserialize("from-srkit", mine)
		if err != nil {
			t.Fatalf("%s: confluent-kafka-go reading srkit: %v", tc.name, err)
		}
		if m, ok := got.(proto.Message); !ok || !proto.Equal(m, tc.msg) {
			t.Fatalf("%s: confluent-kafka-go reading srkit: %T %v", tc.name, got, got)
		}
	}
}

// TestProtobufInteropHeaderGUID: with the schema GUID in the record
// header, the message indexes travel in the header value after the GUID;
// both clients write the same header and body, and each reads the other's.
func TestProtobufInteropHeaderGUID(t *testing.T) {
	ctx := context.Background()
	c, client := interoptest.BothClients(t)
	for _, part := range []struct {
		ckg    serde.Type
		sr     srserde.Part
		header string
	}{{serde.ValueSerde, srserde.Value, "__value_schema_id"}, {serde.KeySerde, srserde.Key, "__key_schema_id"}} {
		theirSer, err := ckgpb.NewSerializer(c, part.ckg, ckgpb.NewSerializerConfig())
		if err != nil {
			t.Fatal(err)
		}
		theirSer.SchemaIDSerializer = serde.HeaderSchemaIDSerializer
		theirDe := theirProtoDeserializer(t, c, part.ckg)
		ours := srkitSerializers(t, client, part.sr, srserde.WithPlacement(srserde.HeaderGUID))
		readers := srkitDeserializers(t, client, part.sr)
		for _, tc := range protoCases() {
			theirHeaders, theirs, err := theirSer.SerializeWithHeaders("guids", tc.msg)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			mine, ourHeaders, err := ours[tc.name](ctx, "guids", tc.msg)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if string(mine) != string(theirs) || !interoptest.SameHeaders(ourHeaders, theirHeaders) {
				t.Fatalf("%s/%s differs:\n srkit %v % x\n ckg   %v % x", part.sr, tc.name, ourHeaders, mine, theirHeaders, theirs)
			}
			if len(ourHeaders) != 1 || ourHeaders[0].Key != part.header || string(ourHeaders[0].Value[17:]) != tc.indexes {
				t.Fatalf("%s/%s: header %v, want %s = magic 1 + GUID + indexes % x", part.sr, tc.name, ourHeaders, part.header, tc.indexes)
			}
			if got, err := readers[tc.name](ctx, "guids", theirs, interoptest.FromKafka(theirHeaders)); err != nil || !proto.Equal(got, tc.msg) {
				t.Fatalf("%s/%s: srkit reading confluent-kafka-go: %v, %v", part.sr, tc.name, got, err)
			}
			got, err := theirDe.DeserializeWithHeaders("guids", interoptest.ToKafka(ourHeaders), mine)
			if m, ok := got.(proto.Message); err != nil || !ok || !proto.Equal(m, tc.msg) {
				t.Fatalf("%s/%s: confluent-kafka-go reading srkit: %v, %v", part.sr, tc.name, got, err)
			}
		}
	}
}

// serializeFunc and deserializeFunc erase the message type of srkit's
// generic serde, so that one table drives every generated type.
type (
	serializeFunc   func(ctx context.Context, topic string, m proto.Message) ([]byte, []srserde.Header, error)
	deserializeFunc func(ctx context.Context, topic string, payload []byte, hs []srserde.Header) (proto.Message, error)
)

func srkitSerializers(t *testing.T, client *registry.Client, part srserde.Part, opts ...srserde.SerializerOption) map[string]serializeFunc {
	t.Helper()
	return map[string]serializeFunc{
		"first":        srkitSerializer[*interoppb.Order](t, client, part, opts...),
		"second":       srkitSerializer[*interoppb.Refund](t, client, part, opts...),
		"nested":       srkitSerializer[*interoppb.Order_Line](t, client, part, opts...),
		"nested-twice": srkitSerializer[*interoppb.Order_Line_Discount](t, client, part, opts...),
		"with-map":     srkitSerializer[*interoppb.Tagged](t, client, part, opts...),
		"map-sibling":  srkitSerializer[*interoppb.Tagged_Inner](t, client, part, opts...),
		"map-after":    srkitSerializer[*interoppb.MapAfterNested_Inner](t, client, part, opts...),
	}
}

func srkitSerializer[T proto.Message](t *testing.T, client *registry.Client, part srserde.Part, opts ...srserde.SerializerOption) serializeFunc {
	t.Helper()
	s, err := protobuf.NewSerializer[T](client, part, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return func(ctx context.Context, topic string, m proto.Message) ([]byte, []srserde.Header, error) {
		return s.Serialize(ctx, topic, m.(T))
	}
}

func srkitDeserializers(t *testing.T, client *registry.Client, part srserde.Part, opts ...srserde.DeserializerOption) map[string]deserializeFunc {
	t.Helper()
	return map[string]deserializeFunc{
		"first":        srkitDeserializer[*interoppb.Order](t, client, part, opts...),
		"second":       srkitDeserializer[*interoppb.Refund](t, client, part, opts...),
		"nested":       srkitDeserializer[*interoppb.Order_Line](t, client, part, opts...),
		"nested-twice": srkitDeserializer[*interoppb.Order_Line_Discount](t, client, part, opts...),
		"with-map":     srkitDeserializer[*interoppb.Tagged](t, client, part, opts...),
		"map-sibling":  srkitDeserializer[*interoppb.Tagged_Inner](t, client, part, opts...),
		"map-after":    srkitDeserializer[*interoppb.MapAfterNested_Inner](t, client, part, opts...),
	}
}

func srkitDeserializer[T proto.Message](t *testing.T, client *registry.Client, part srserde.Part, opts ...srserde.DeserializerOption) deserializeFunc {
	t.Helper()
	d, err := protobuf.NewDeserializer[T](client, part, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return func(ctx context.Context, topic string, payload []byte, hs []srserde.Header) (proto.Message, error) {
		return d.Deserialize(ctx, topic, payload, hs)
	}
}
