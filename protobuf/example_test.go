package protobuf_test

import (
	"context"
	"fmt"
	"log"

	"google.golang.org/protobuf/proto"

	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/protobuf"
	"github.com/srkit-go/srkit/protobuf/internal/testpb/srkittestpb"
	"github.com/srkit-go/srkit/serde"
)

func ExampleNewSerializer() {
	reg, err := mockregistry.New(mockregistry.WithFormats(protobuf.Format()))
	if err != nil {
		log.Fatal(err)
	}
	client, err := reg.Client()
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	ser, err := protobuf.NewSerializer[*srkittestpb.OrderPlaced](client, serde.Value)
	if err != nil {
		log.Fatal(err)
	}
	payload, _, err := ser.Serialize(context.Background(), "orders", &srkittestpb.OrderPlaced{OrderId: "o-1"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("magic %d, schema id %d, message indexes % x\n", payload[0], payload[4], payload[5:6])

	// The imports were registered first, each under its import path.
	subjects, _ := client.Subjects(context.Background())
	fmt.Println(subjects)
	// Output:
	// magic 0, schema id 3, message indexes 00
	// [orders-value srkittest/base.proto srkittest/common.proto]
}

func ExampleNewDeserializer() {
	reg, err := mockregistry.New(mockregistry.WithFormats(protobuf.Format()))
	if err != nil {
		log.Fatal(err)
	}
	client, err := reg.Client()
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	ctx := context.Background()

	ser, _ := protobuf.NewSerializer[proto.Message](client, serde.Value)
	payload, _, err := ser.Serialize(ctx, "orders", &srkittestpb.OrderCancelled{OrderId: "o-1", Reason: "late"})
	if err != nil {
		log.Fatal(err)
	}

	// Into the generated type.
	typed, _ := protobuf.NewDeserializer[*srkittestpb.OrderCancelled](client, serde.Value)
	order, err := typed.Deserialize(ctx, "orders", payload, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(order.GetReason())

	// Into a dynamic message built from the registered schema.
	dynamic, _ := protobuf.NewDeserializer[proto.Message](client, serde.Value)
	msg, err := dynamic.Deserialize(ctx, "orders", payload, nil)
	if err != nil {
		log.Fatal(err)
	}
	md := msg.ProtoReflect().Descriptor()
	fmt.Println(md.FullName(), msg.ProtoReflect().Get(md.Fields().ByName("reason")))
	// Output:
	// late
	// srkit.test.events.OrderCancelled late
}

func ExampleFormat() {
	v1, _ := protobuf.Format().Parse(`syntax = "proto3"; message Order { int64 cents = 1; }`, nil)
	v2, _ := protobuf.Format().Parse(`syntax = "proto3"; message Order { string cents = 1; }`, nil)
	fmt.Println(v2.CheckRead(v1, "new", "old"))
	// Output:
	// [Difference{fullPath='#/Order/1', type=FIELD_SCALAR_KIND_CHANGED}]
}
