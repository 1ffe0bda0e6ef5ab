// Command avro-generic produces and consumes Avro "generic" records:
// map[string]any values checked against a schema given as text, with no Go
// type for the record. The consumer reads them back as maps, using the
// writer schema each message names.
//
//	go run ./examples/avro-generic
//
// It runs against in-process Kafka and the mock registry, or against the
// cluster and registry the environment names (see examples/quickstart).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/consumer"
	"github.com/srkit-go/srkit/examples/internal/exampleenv"
	"github.com/srkit-go/srkit/producer"
	"github.com/srkit-go/srkit/serde"
)

// sensorSchema is the schema of the generic records.
const sensorSchema = `{
  "type": "record", "name": "Reading", "namespace": "srkit.examples.sensors",
  "fields": [
    {"name": "sensor", "type": "string"},
    {"name": "celsius", "type": "double"},
    {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
    {"name": "tags", "type": {"type": "map", "values": "string"}},
    {"name": "battery", "type": ["null", "int"], "default": null}
  ]
}`

func main() { exampleenv.Main("avro-generic", run) }

func run(ctx context.Context, cfg exampleenv.Config, out io.Writer) error {
	env, err := exampleenv.Start(cfg)
	if err != nil {
		return err
	}
	defer env.Close()
	const topic = "srkit-example-readings"
	if err := env.CreateTopic(ctx, topic, 1); err != nil {
		return err
	}

	pcl, err := env.NewClient()
	if err != nil {
		return err
	}
	defer pcl.Close()
	// Generic values need the schema: here as text, registered on first use.
	ser, err := avro.NewSerializer[map[string]any](env.Registry, serde.Value, avro.WithSchema(sensorSchema))
	if err != nil {
		return err
	}
	p, err := producer.New(pcl, producer.String(), ser)
	if err != nil {
		return err
	}
	start := time.Now()
	at := start.UTC().Truncate(time.Millisecond)
	readings := []map[string]any{
		{"sensor": "greenhouse-1", "celsius": 24.5, "at": at, "tags": map[string]any{"room": "tomatoes"}, "battery": 87},
		{"sensor": "cellar", "celsius": 11.25, "at": at, "tags": map[string]any{}, "battery": nil},
	}
	for _, r := range readings {
		if _, err := p.Produce(ctx, topic, r["sensor"].(string), r); err != nil {
			return err
		}
		fmt.Fprintf(out, "produced %v\n", r)
	}
	// A map that does not fit the schema fails alone, before reaching Kafka.
	_, err = p.Produce(ctx, topic, "broken", map[string]any{"sensor": "broken", "celsius": "warm"})
	var se *producer.SerializeError
	if !errors.As(err, &se) {
		return fmt.Errorf("a reading without a valid celsius was accepted: %v", err)
	}
	fmt.Fprintf(out, "rejected a reading that does not fit the schema: %v\n", err)

	// Read them back as maps. Without a Go type the deserializer reads with
	// the writer schema each message names (or, with serde.UseLatest, into
	// the subject's latest schema).
	ccl, err := env.NewClient(exampleenv.ConsumerOpts(exampleenv.UniqueGroup("avro-generic"), topic, start)...)
	if err != nil {
		return err
	}
	defer ccl.Close()
	deser, err := avro.NewDeserializer[map[string]any](env.Registry, serde.Value)
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
	err = c.Run(runCtx, func(_ context.Context, r consumer.Record[string, map[string]any]) error {
		fmt.Fprintf(out, "consumed %s: %.2f°C at %v, tags %v, battery %v\n", r.Key, r.Value["celsius"], r.Value["at"], r.Value["tags"], r.Value["battery"])
		if got++; got == len(readings) {
			done()
		}
		return nil
	})
	if err != nil {
		return err
	}
	if got != len(readings) {
		return fmt.Errorf("consumed %d of %d readings", got, len(readings))
	}
	return nil
}
