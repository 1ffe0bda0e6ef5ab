// Command protobuf produces and consumes generated Protobuf messages
// (orderpb.Order, generated from orderpb/proto/shop/order.proto). The
// serializer registers the message's .proto file (its import of
// google/protobuf/timestamp.proto is a well-known type and is not
// registered) and, in this example, puts the schema GUID in the
// __value_schema_id record header rather than in the payload.
//
//	go run ./examples/protobuf
//
// It runs against in-process Kafka and the mock registry, or against the
// cluster and registry the environment names (see examples/quickstart).
// GUID headers need a registry that assigns GUIDs (Confluent Schema
// Registry 8.0 or later, or the mock).
package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/srkit-go/srkit/consumer"
	"github.com/srkit-go/srkit/examples/internal/exampleenv"
	"github.com/srkit-go/srkit/examples/protobuf/orderpb"
	"github.com/srkit-go/srkit/producer"
	"github.com/srkit-go/srkit/protobuf"
	"github.com/srkit-go/srkit/serde"
)

func main() { exampleenv.Main("protobuf", run) }

func run(ctx context.Context, cfg exampleenv.Config, out io.Writer) error {
	env, err := exampleenv.Start(cfg)
	if err != nil {
		return err
	}
	defer env.Close()
	const topic = "srkit-example-shop-orders"
	if err := env.CreateTopic(ctx, topic, 3); err != nil {
		return err
	}

	pcl, err := env.NewClient()
	if err != nil {
		return err
	}
	defer pcl.Close()
	ser, err := protobuf.NewSerializer[*orderpb.Order](env.Registry, serde.Value, serde.WithPlacement(serde.HeaderGUID))
	if err != nil {
		return err
	}
	p, err := producer.New(pcl, producer.String(), ser)
	if err != nil {
		return err
	}
	start := time.Now()
	orders := []*orderpb.Order{
		{Id: "o-1001", Customer: "ada", Status: orderpb.Order_STATUS_PAID, PlacedAt: timestamppb.New(start),
			Lines: []*orderpb.Order_Line{{Sku: "BOOK-1", Quantity: 2, PriceCents: 1250}}, TotalCents: 2500},
		{Id: "o-1002", Customer: "grace", Status: orderpb.Order_STATUS_NEW, PlacedAt: timestamppb.New(start),
			Lines: []*orderpb.Order_Line{{Sku: "PEN-7", Quantity: 10, PriceCents: 99}, {Sku: "INK-3", Quantity: 1, PriceCents: 450}}, TotalCents: 1440},
	}
	for _, o := range orders {
		res, err := p.Produce(ctx, topic, o.GetId(), o)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "produced order %s to partition %d at offset %d\n", o.GetId(), res.Partition, res.Offset)
	}
	latest, err := env.Registry.LatestSchema(ctx, topic+"-value")
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "registered as subject %s version %d, schema ID %d, GUID %s\n", latest.Subject, latest.Version, latest.ID, latest.GUID)

	ccl, err := env.NewClient(exampleenv.ConsumerOpts(exampleenv.UniqueGroup("protobuf"), topic, start)...)
	if err != nil {
		return err
	}
	defer ccl.Close()
	deser, err := protobuf.NewDeserializer[*orderpb.Order](env.Registry, serde.Value)
	if err != nil {
		return err
	}
	c, err := consumer.New(ccl, consumer.String(), deser)
	if err != nil {
		return err
	}
	runCtx, done := context.WithTimeout(ctx, time.Minute)
	defer done()
	got := 0
	err = c.Run(runCtx, func(_ context.Context, r consumer.Record[string, *orderpb.Order]) error {
		o := r.Value
		schema := "named in the payload"
		for _, h := range r.Headers {
			if h.Key == serde.ValueSchemaIDHeader {
				ref, _, err := serde.ParseSchemaRef(h.Value, serde.ZigzagIndexes)
				if err != nil {
					return err
				}
				schema = ref.String() + " (from the " + h.Key + " header)"
			}
		}
		fmt.Fprintf(out, "consumed order %s (%s, %d lines, total %d cents), schema %s\n",
			o.GetId(), o.GetStatus(), len(o.GetLines()), o.GetTotalCents(), schema)
		if got++; got == len(orders) {
			done()
		}
		return nil
	})
	if err != nil {
		return err
	}
	if got != len(orders) {
		return fmt.Errorf("consumed %d of %d orders", got, len(orders))
	}
	return nil
}
