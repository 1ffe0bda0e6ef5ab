// Schema references across the two clients: orders.proto imports
// interop/common.proto (and the builtin google/protobuf/timestamp.proto).
// Whichever client registers first, both register common.proto under its
// import path, never the builtin, and reference it from the orders schema
// by the same name, subject and version; the registered texts are the same
// either way, so the second client finds the first one's versions.
package protobufinterop

import (
	"context"
	"slices"
	"testing"

	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	ckgpb "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/protobuf"
	"github.com/srkit-go/srkit/internal/interop/interoptest"
	srserde "github.com/srkit-go/srkit/serde"
)

func TestProtobufInteropReferences(t *testing.T) {
	ctx := context.Background()
	texts := map[string][]string{}
	for _, first := range []string{"srkit", "confluent-kafka-go"} {
		c, client := interoptest.BothClients(t)
		theirSer, err := ckgpb.NewSerializer(c, serde.ValueSerde, ckgpb.NewSerializerConfig())
		if err != nil {
			t.Fatal(err)
		}
		ckgWrite := func() ([]byte, error) { return theirSer.Serialize("orders", sampleOrder()) }
		ours := srkitSerializers(t, client, srserde.Value)["first"]
		srkitWrite := func() ([]byte, error) {
			b, _, err := ours(ctx, "orders", sampleOrder())
			return b, err
		}
		writes := []func() ([]byte, error){srkitWrite, ckgWrite}
		if first != "srkit" {
			slices.Reverse(writes)
		}
		var ids []byte
		for _, w := range writes {
			b, err := w()
			if err != nil {
				t.Fatalf("%s first: %v", first, err)
			}
			ids = append(ids, b[4])
		}
		if ids[0] != 2 || ids[1] != 2 {
			t.Fatalf("%s first: schema IDs %v, want 2 and 2 (common.proto is 1)", first, ids)
		}

		subjects, err := client.Subjects(ctx)
		if want := []string{"interop/common.proto", "orders-value"}; err != nil || !slices.Equal(subjects, want) {
			t.Fatalf("%s first: subjects %v, %v; want %v", first, subjects, err, want)
		}
		for _, s := range subjects {
			if vs, err := client.Versions(ctx, s); err != nil || len(vs) != 1 {
				t.Fatalf("%s first: %s versions %v, %v", first, s, vs, err)
			}
		}
		md, err := c.GetLatestSchemaMetadata("orders-value")
		want := []schemaregistry.Reference{{Name: "interop/common.proto", Subject: "interop/common.proto", Version: 1}}
		if err != nil || !slices.Equal(md.References, want) {
			t.Fatalf("%s first: references %+v, %v; want %+v", first, md.References, err, want)
		}
		common, err := c.GetLatestSchemaMetadata("interop/common.proto")
		if err != nil {
			t.Fatal(err)
		}
		texts[first] = []string{md.Schema, common.Schema}
	}
	if !slices.Equal(texts["srkit"], texts["confluent-kafka-go"]) {
		t.Fatalf("registered texts depend on who registered first:\n srkit first %q\n ckg first   %q", texts["srkit"], texts["confluent-kafka-go"])
	}
}
