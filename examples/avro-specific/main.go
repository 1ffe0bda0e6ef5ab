// Command avro-specific produces and consumes Go structs as Avro "specific"
// records: the schema is derived from the struct (its avro tags), registered
// on first use, and the consumer decodes straight into the struct.
//
//	go run ./examples/avro-specific
//
// It runs against in-process Kafka and the mock registry, or against the
// cluster and registry the environment names (see examples/quickstart).
package main

import (
	"context"
	"fmt"
	"io"
	"reflect"
	"time"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/consumer"
	"github.com/srkit-go/srkit/examples/internal/exampleenv"
	"github.com/srkit-go/srkit/producer"
	"github.com/srkit-go/srkit/serde"
)

// Payment is the record. The avro tags name the fields and choose logical
// types; a pointer is a nullable union; AvroName names the record.
type Payment struct {
	ID        string    `avro:"id,uuid"`
	Account   string    `avro:"account"`
	Cents     int64     `avro:"cents"`
	Currency  string    `avro:"currency"`
	Booked    time.Time `avro:"booked,timestamp-millis"`
	Reference *string   `avro:"reference"`
}

// AvroName gives the record its full Avro name.
func (Payment) AvroName() string { return "srkit.examples.Payment" }

func main() { exampleenv.Main("avro-specific", run) }

func run(ctx context.Context, cfg exampleenv.Config, out io.Writer) error {
	env, err := exampleenv.Start(cfg)
	if err != nil {
		return err
	}
	defer env.Close()
	const topic = "srkit-example-payments"
	if err := env.CreateTopic(ctx, topic, 1); err != nil {
		return err
	}
	schema, err := avro.DeriveSchema(reflect.TypeFor[Payment]())
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "schema derived from Payment:\n  %s\n", schema)

	// Produce.
	pcl, err := env.NewClient()
	if err != nil {
		return err
	}
	defer pcl.Close()
	ser, err := avro.NewSerializer[Payment](env.Registry, serde.Value)
	if err != nil {
		return err
	}
	p, err := producer.New(pcl, producer.String(), ser)
	if err != nil {
		return err
	}
	start := time.Now()
	ref := "invoice 2025-0042"
	payments := []Payment{
		{ID: "0b9f7a1e-5c1d-4e57-9a43-8c2a3b4d5e6f", Account: "DE89 3704 0044 0532 0130 00", Cents: 12999, Currency: "EUR", Booked: start.UTC().Truncate(time.Millisecond), Reference: &ref},
		{ID: "7d4c2b1a-9e8f-4a6b-8c5d-3e2f1a0b9c8d", Account: "GB29 NWBK 6016 1331 9268 19", Cents: 4500, Currency: "GBP", Booked: start.UTC().Truncate(time.Millisecond)},
	}
	for _, pay := range payments {
		res, err := p.Produce(ctx, topic, pay.Account, pay)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "produced payment %s to partition %d at offset %d\n", pay.ID, res.Partition, res.Offset)
	}
	latest, err := env.Registry.LatestSchema(ctx, topic+"-value")
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "registered as subject %s version %d, schema ID %d\n", latest.Subject, latest.Version, latest.ID)

	// Consume into the same struct.
	ccl, err := env.NewClient(exampleenv.ConsumerOpts(exampleenv.UniqueGroup("avro-specific"), topic, start)...)
	if err != nil {
		return err
	}
	defer ccl.Close()
	deser, err := avro.NewDeserializer[Payment](env.Registry, serde.Value)
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
	err = c.Run(runCtx, func(_ context.Context, r consumer.Record[string, Payment]) error {
		pay := r.Value
		refText := "(none)"
		if pay.Reference != nil {
			refText = *pay.Reference
		}
		fmt.Fprintf(out, "consumed %s: %d.%02d %s from %s, reference %s\n", pay.ID, pay.Cents/100, pay.Cents%100, pay.Currency, r.Key, refText)
		if got++; got == len(payments) {
			done()
		}
		return nil
	})
	if err != nil {
		return err
	}
	if got != len(payments) {
		return fmt.Errorf("consumed %d of %d payments", got, len(payments))
	}
	return nil
}
