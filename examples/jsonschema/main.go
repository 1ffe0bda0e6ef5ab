// Command jsonschema produces and consumes a Go type as JSON Schema-framed
// JSON: the schema is generated from the struct (json and jsonschema tags),
// every value is validated against it before it is written, and a value
// that does not validate goes to a dead-letter topic instead of failing the
// caller.
//
//	go run ./examples/jsonschema
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

	"github.com/srkit-go/srkit/consumer"
	"github.com/srkit-go/srkit/examples/internal/exampleenv"
	"github.com/srkit-go/srkit/jsonschema"
	"github.com/srkit-go/srkit/producer"
	"github.com/srkit-go/srkit/serde"
)

// Signup is the record. The jsonschema tags become constraints of the
// generated schema.
type Signup struct {
	Email string   `json:"email" jsonschema:"format=email"`
	Age   int      `json:"age" jsonschema:"minimum=13"`
	Plan  string   `json:"plan" jsonschema:"enum=free,enum=pro"`
	Tags  []string `json:"tags,omitempty" jsonschema:"maxItems=3"`
}

func main() { exampleenv.Main("jsonschema", run) }

func run(ctx context.Context, cfg exampleenv.Config, out io.Writer) error {
	env, err := exampleenv.Start(cfg)
	if err != nil {
		return err
	}
	defer env.Close()
	const topic, dlq = "srkit-example-signups", "srkit-example-signups.dlq"
	for _, t := range []string{topic, dlq} {
		if err := env.CreateTopic(ctx, t, 1); err != nil {
			return err
		}
	}
	schema, err := jsonschema.DeriveSchema(reflect.TypeFor[Signup]())
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "schema generated from Signup:\n  %s\n", schema)

	pcl, err := env.NewClient()
	if err != nil {
		return err
	}
	defer pcl.Close()
	ser, err := jsonschema.NewSerializer[Signup](env.Registry, serde.Value)
	if err != nil {
		return err
	}
	p, err := producer.New(pcl, producer.String(), ser, producer.DeadLetterTopic(dlq))
	if err != nil {
		return err
	}
	start := time.Now()
	signups := []Signup{
		{Email: "ada@example.com", Age: 36, Plan: "pro", Tags: []string{"math"}},
		{Email: "kid@example.com", Age: 9, Plan: "free"}, // too young: fails validation
		{Email: "grace@example.com", Age: 45, Plan: "free"},
	}
	valid := 0
	for _, s := range signups {
		res, err := p.Produce(ctx, topic, s.Email, s)
		if err != nil {
			return err
		}
		if res.DeadLetter != nil {
			fmt.Fprintf(out, "signup %s failed validation and went to %s (offset %d):\n  %v\n", s.Email, res.Topic, res.Offset, res.DeadLetter)
			continue
		}
		valid++
		fmt.Fprintf(out, "produced signup %s to %s at offset %d\n", s.Email, res.Topic, res.Offset)
	}

	ccl, err := env.NewClient(exampleenv.ConsumerOpts(exampleenv.UniqueGroup("jsonschema"), topic, start)...)
	if err != nil {
		return err
	}
	defer ccl.Close()
	deser, err := jsonschema.NewDeserializer[Signup](env.Registry, serde.Value)
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
	err = c.Run(runCtx, func(_ context.Context, r consumer.Record[string, Signup]) error {
		fmt.Fprintf(out, "consumed %+v (JSON body %s)\n", r.Value, r.Raw.Value[5:])
		if got++; got == valid {
			done()
		}
		return nil
	})
	if err != nil {
		return err
	}
	if got != valid {
		return fmt.Errorf("consumed %d of %d signups", got, valid)
	}
	return nil
}
