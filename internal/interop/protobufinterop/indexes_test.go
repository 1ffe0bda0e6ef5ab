// Message indexes where the two clients differ: nested messages next to
// map fields. A map field's entry type (LabelsEntry) is a nested message
// of the generated descriptor but not of the schema text; srkit counts
// like Confluent's Java serializer (map entries skipped, see
// protobuf.MessageIndexes), confluent-kafka-go counts the descriptor's
// nested messages as they are (Descriptor.Index). These tests pin what
// each client writes and reads, so that a change on either side shows.
package protobufinterop

import (
	"context"
	"errors"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	ckgpb "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/protobuf"
	"github.com/srkit-go/srkit/internal/interop/interoppb"
	"github.com/srkit-go/srkit/internal/interop/interoptest"
	"github.com/srkit-go/srkit/protobuf"
	srserde "github.com/srkit-go/srkit/serde"
)

// TestProtobufMapBeforeNestedIndexes: Tagged declares its map before
// Inner. srkit writes Inner as [2, 0], as Java does; confluent-kafka-go
// writes [2, 1], counting LabelsEntry. Neither reads the other's message
// into the right type: srkit finds no message [2, 1] (Tagged has one
// nested message in the schema), and confluent-kafka-go's Deserialize
// resolves [2, 0] to LabelsEntry, which has no Go type. Only
// confluent-kafka-go's DeserializeInto works, because it decodes into the
// caller's type without looking at the indexes.
func TestProtobufMapBeforeNestedIndexes(t *testing.T) {
	ctx := context.Background()
	c, client := interoptest.BothClients(t)
	in := &interoppb.Tagged_Inner{Value: "x"}
	body, err := proto.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	theirSer, err := ckgpb.NewSerializer(c, serde.ValueSerde, ckgpb.NewSerializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := theirSer.Serialize("tagged", in)
	if err != nil {
		t.Fatal(err)
	}
	ours, _, err := srkitSerializers(t, client, srserde.Value)["map-sibling"](ctx, "tagged", in)
	if err != nil {
		t.Fatal(err)
	}
	const prefix = "\x00\x00\x00\x00\x02"
	if want := prefix + "\x04\x04\x00" + string(body); string(ours) != want {
		t.Errorf("srkit wrote % x, want indexes [2 0] (Java's count): % x", ours, want)
	}
	if want := prefix + "\x04\x04\x02" + string(body); string(theirs) != want {
		t.Errorf("confluent-kafka-go wrote % x; the test expected indexes [2 1] (map entry counted): % x", theirs, want)
	}

	got, err := srkitDeserializers(t, client, srserde.Value)["map-sibling"](ctx, "tagged", theirs, nil)
	if !errors.Is(err, protobuf.ErrUnknownMessage) {
		t.Errorf("srkit reading confluent-kafka-go's [2 1]: %v, %v; want ErrUnknownMessage", got, err)
	}
	theirDe := theirProtoDeserializer(t, c, serde.ValueSerde)
	if got, err := theirDe.Deserialize("tagged", ours); err == nil || !strings.Contains(err.Error(), "Tagged.LabelsEntry") {
		t.Errorf("confluent-kafka-go reading srkit's [2 0]: %v, %v; the test expected it to pick LabelsEntry", got, err)
	}
	var into interoppb.Tagged_Inner
	if err := theirDe.DeserializeInto("tagged", ours, &into); err != nil || !proto.Equal(&into, in) {
		t.Errorf("confluent-kafka-go DeserializeInto srkit's bytes: %v, %v", &into, err)
	}
}

// TestProtobufMapAfterNestedIndexes: MapAfterNested declares Inner before
// its map, so the generated descriptor lists Inner first and both clients
// write [3, 0], byte for byte alike. The registered text, printed by both
// alike, puts fields before nested messages; parsed back, LabelsEntry
// comes first. srkit, skipping map entries, reads both payloads as Inner;
// confluent-kafka-go's Deserialize resolves [3, 0] to LabelsEntry and
// cannot read its own message.
func TestProtobufMapAfterNestedIndexes(t *testing.T) {
	ctx := context.Background()
	c, client := interoptest.BothClients(t)
	in := &interoppb.MapAfterNested_Inner{Value: "y"}
	theirSer, err := ckgpb.NewSerializer(c, serde.ValueSerde, ckgpb.NewSerializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := theirSer.Serialize("after", in)
	if err != nil {
		t.Fatal(err)
	}
	ours, _, err := srkitSerializers(t, client, srserde.Value)["map-after"](ctx, "after", in)
	if err != nil {
		t.Fatal(err)
	}
	if string(ours) != string(theirs) || string(ours[5:8]) != "\x04\x06\x00" {
		t.Fatalf("want the same bytes with indexes [3 0]:\n srkit % x\n ckg   % x", ours, theirs)
	}
	read := srkitDeserializers(t, client, srserde.Value)["map-after"]
	for _, payload := range [][]byte{ours, theirs} {
		if got, err := read(ctx, "after", payload, nil); err != nil || !proto.Equal(got, in) {
			t.Fatalf("srkit reading [3 0]: %v, %v", got, err)
		}
	}
	theirDe := theirProtoDeserializer(t, c, serde.ValueSerde)
	if got, err := theirDe.Deserialize("after", theirs); err == nil || !strings.Contains(err.Error(), "MapAfterNested.LabelsEntry") {
		t.Errorf("confluent-kafka-go reading its own [3 0]: %v, %v; the test expected it to pick LabelsEntry", got, err)
	}
}
