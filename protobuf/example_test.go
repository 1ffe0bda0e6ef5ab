package protobuf_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/protobuf"
	"github.com/srkit-go/srkit/protobuf/internal/testpb/srkittestpb"
	"github.com/srkit-go/srkit/registry"
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

func ExampleParse() {
	common := compat.Dependency{Name: "shop/money.proto", Subject: "shop/money.proto", Version: 1,
		Schema: registry.Schema{Schema: `syntax = "proto3"; package shop; message Money { int64 cents = 1; string currency = 2; }`, SchemaType: registry.Protobuf}}
	s, err := protobuf.Parse(`syntax = "proto3";
package shop;
import "shop/money.proto";
import "google/protobuf/timestamp.proto"; // a builtin: no reference needed

message Order {
  string id = 1;
  Money total = 2;
  google.protobuf.Timestamp at = 3;
  message Line { string sku = 1; }
}`, common)
	if err != nil {
		log.Fatal(err)
	}
	line, err := s.MessageAt([]int{0, 0})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(line.FullName(), protobuf.MessageIndexes(line))
	fmt.Println(s.Descriptor().Messages().Get(0).Fields().ByName("total").Message().FullName())
	// Output:
	// shop.Order.Line [0 0]
	// shop.Money
}

func ExampleCompare() {
	writer, _ := protobuf.Parse(`syntax = "proto3"; message Order { int64 cents = 1; string note = 2; }`)
	reader, _ := protobuf.Parse(`syntax = "proto3"; message Order { string cents = 1; string remark = 2; int32 qty = 3; }`)
	for _, d := range protobuf.Compare(reader, writer) {
		fmt.Println(d, d.Type.Compatible())
	}
	// Output:
	// Difference{fullPath='#/Order/1', type=FIELD_SCALAR_KIND_CHANGED} false
	// Difference{fullPath='#/Order/2', type=FIELD_NAME_CHANGED} true
	// Difference{fullPath='#/Order/3', type=FIELD_ADDED} true
}

func ExampleParseWithLimits() {
	deep := `syntax = "proto3"; option (x) = ` + strings.Repeat("{a: ", 100) + "1" + strings.Repeat("}", 100) + ";"
	_, err := protobuf.Parse(deep)
	var limit *protobuf.LimitError
	if errors.As(err, &limit) {
		fmt.Println(limit.Limit, limit.Max, errors.Is(err, protobuf.ErrInvalidSchema))
	}
	// With a higher limit the text reaches the compiler (which has its own
	// complaint: there is no option x).
	_, err = protobuf.ParseWithLimits(protobuf.Limits{MaxDepth: 200}, deep)
	fmt.Println(errors.As(err, &limit), errors.Is(err, protobuf.ErrInvalidSchema))
	// Output:
	// MaxDepth 64 true
	// false true
}

func ExampleUseDeprecatedFormat() {
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

	// Write as confluent-kafka-python before 1.8.2 does: OrderCancelled is
	// message [1], written 01 01 (Confluent's encoding: 02 02).
	ser, _ := protobuf.NewSerializer[*srkittestpb.OrderCancelled](client, serde.Value, protobuf.UseDeprecatedFormat())
	payload, _, err := ser.Serialize(ctx, "orders", &srkittestpb.OrderCancelled{OrderId: "o-1"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("message indexes % x\n", payload[5:7])

	old, _ := protobuf.NewDeserializer[*srkittestpb.OrderCancelled](client, serde.Value, protobuf.UseDeprecatedFormat())
	order, err := old.Deserialize(ctx, "orders", payload, nil)
	fmt.Println(order.GetOrderId(), err)

	current, _ := protobuf.NewDeserializer[*srkittestpb.OrderCancelled](client, serde.Value)
	_, err = current.Deserialize(ctx, "orders", payload, nil)
	fmt.Println(errors.Is(err, serde.ErrInvalidMessageIndexes))
	// Output:
	// message indexes 01 01
	// o-1 <nil>
	// true
}

func ExampleFieldTags() {
	s, err := protobuf.Parse(`syntax = "proto3";
import "confluent/meta.proto";
message Customer {
  string email = 1 [(confluent.field_meta).tags = "PII", (confluent.field_meta).tags = "EMAIL"];
}`)
	if err != nil {
		log.Fatal(err)
	}
	email := s.Descriptor().Messages().ByName("Customer").Fields().ByName("email")
	fmt.Println(protobuf.FieldTags(email))
	// Output:
	// [PII EMAIL]
}
