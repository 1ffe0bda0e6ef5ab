// Protobuf and RecordNameStrategy across the two clients. For the first
// message of a file both name the subject after it and write the same
// bytes. For any other message they differ: srkit names the subject after
// the message written (its full name, as Confluent's Java serializer's
// ProtobufSchema.name() does), confluent-kafka-go after the first message
// of the file (GetRecordName takes fd.GetMessageTypes()[0]).
package protobufinterop

import (
	"context"
	"slices"
	"testing"

	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	ckgpb "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/protobuf"
	"github.com/srkit-go/srkit/internal/interop/interoppb"
	"github.com/srkit-go/srkit/internal/interop/interoptest"
	srserde "github.com/srkit-go/srkit/serde"
)

func TestProtobufRecordNameStrategy(t *testing.T) {
	ctx := context.Background()
	c, client := interoptest.BothClients(t)
	cfg := ckgpb.NewSerializerConfig()
	cfg.SubjectNameStrategyType = serde.RecordNameStrategyType
	theirSer, err := ckgpb.NewSerializer(c, serde.ValueSerde, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ours := srkitSerializers(t, client, srserde.Value, srserde.WithSubjectNameStrategy(srserde.RecordNameStrategy))

	theirs, err := theirSer.Serialize("orders", sampleOrder())
	if err != nil {
		t.Fatal(err)
	}
	mine, _, err := ours["first"](ctx, "orders", sampleOrder())
	if err != nil {
		t.Fatal(err)
	}
	if string(mine) != string(theirs) {
		t.Fatalf("first message: bytes differ:\n srkit % x\n ckg   % x", mine, theirs)
	}
	subjects, err := client.Subjects(ctx)
	if want := []string{"interop.orders.Order", "interop/common.proto"}; err != nil || !slices.Equal(subjects, want) {
		t.Fatalf("subjects %v, %v; want %v", subjects, err, want)
	}

	refund := &interoppb.Refund{OrderId: "o-1"}
	if _, err := theirSer.Serialize("orders", refund); err != nil {
		t.Fatal(err)
	}
	if vs, err := client.Versions(ctx, "interop.orders.Order"); err != nil || len(vs) != 1 {
		t.Fatalf("confluent-kafka-go put Refund under %v, %v; the test expected the first message's subject", vs, err)
	}
	if _, _, err := ours["second"](ctx, "orders", refund); err != nil {
		t.Fatal(err)
	}
	subjects, err = client.Subjects(ctx)
	if want := []string{"interop.orders.Order", "interop.orders.Refund", "interop/common.proto"}; err != nil || !slices.Equal(subjects, want) {
		t.Fatalf("subjects %v, %v; want srkit to add %v", subjects, err, want[1])
	}
}
