// Command evolution walks through a schema change the safe way: records are
// written with version 1 of a schema; a consumer built for version 1 is
// running; version 2 adds a field with a default, is checked for
// compatibility before it is registered, and producers switch to it; the
// old consumer keeps reading every record (the new field is dropped for it)
// and a new consumer reads the old records too (the default fills the new
// field). An incompatible version 3 is refused by the check.
//
//	go run ./examples/evolution
//
// It runs against in-process Kafka and the mock registry, or against the
// cluster and registry the environment names (see examples/quickstart).
package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/consumer"
	"github.com/srkit-go/srkit/examples/internal/exampleenv"
	"github.com/srkit-go/srkit/producer"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// UserV1 is what the first version of the producers and consumers know.
type UserV1 struct {
	Name  string `avro:"name"`
	Email string `avro:"email"`
}

// UserV2 adds a plan.
type UserV2 struct {
	Name  string `avro:"name"`
	Email string `avro:"email"`
	Plan  string `avro:"plan"`
}

const (
	userV1 = `{"type":"record","name":"User","namespace":"srkit.examples","fields":[
  {"name":"name","type":"string"},
  {"name":"email","type":"string"}]}`
	// v2 adds a field WITH a default: readers of v2 can read v1 data
	// (BACKWARD), readers of v1 ignore the new field.
	userV2 = `{"type":"record","name":"User","namespace":"srkit.examples","fields":[
  {"name":"name","type":"string"},
  {"name":"email","type":"string"},
  {"name":"plan","type":"string","default":"free"}]}`
	// v3 adds a field WITHOUT a default: v3 readers could not read v1 and
	// v2 data, so the registry refuses it under BACKWARD compatibility.
	userV3 = `{"type":"record","name":"User","namespace":"srkit.examples","fields":[
  {"name":"name","type":"string"},
  {"name":"email","type":"string"},
  {"name":"plan","type":"string","default":"free"},
  {"name":"country","type":"string"}]}`
)

func main() { exampleenv.Main("evolution", run) }

func run(ctx context.Context, cfg exampleenv.Config, out io.Writer) error {
	env, err := exampleenv.Start(cfg)
	if err != nil {
		return err
	}
	defer env.Close()
	const topic = "srkit-example-users"
	subject := topic + "-value"
	if err := env.CreateTopic(ctx, topic, 1); err != nil {
		return err
	}
	pcl, err := env.NewClient()
	if err != nil {
		return err
	}
	defer pcl.Close()
	start := time.Now()

	// 1. Version 1: producers register it on first use, as written,
	// defaults included, which is what lets the subject evolve.
	serV1, err := avro.NewSerializer[UserV1](env.Registry, serde.Value, avro.WithSchema(userV1))
	if err != nil {
		return err
	}
	pV1, err := producer.New(pcl, producer.String(), serV1)
	if err != nil {
		return err
	}
	for _, u := range []UserV1{{"ada", "ada@example.com"}, {"grace", "grace@example.com"}} {
		if _, err := pV1.Produce(ctx, topic, u.Name, u); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "v1: registered and produced 2 users\n")

	// 2. A consumer built for v1 is running. Its reader schema is v1:
	// records written with later versions are resolved into it.
	oldReader, err := startReader[UserV1](ctx, env, topic, start, userV1, 4, out, "old consumer (v1)")
	if err != nil {
		return err
	}

	// 3. Check v2 before registering it; then register it.
	v2 := registry.Schema{Schema: userV2, SchemaType: registry.Avro}
	res, err := env.Registry.CheckCompatibility(ctx, subject, registry.Latest, v2, registry.Verbose())
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "v2 (adds plan with default \"free\") compatible with the latest version: %v\n", res.IsCompatible)
	if !res.IsCompatible {
		return fmt.Errorf("v2 refused: %s", strings.Join(res.Messages, "; "))
	}
	registered, err := env.Registry.Register(ctx, subject, v2)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "v2: registered as version %d, schema ID %d\n", registered.Version, registered.ID)

	// 4. An incompatible v3 is caught by the same check, before anything
	// is registered or produced.
	res, err = env.Registry.CheckCompatibility(ctx, subject, registry.Latest, registry.Schema{Schema: userV3, SchemaType: registry.Avro}, registry.Verbose())
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "v3 (adds country without a default) compatible: %v\n", res.IsCompatible)
	for _, m := range res.Messages {
		fmt.Fprintf(out, "  %s\n", m)
	}
	if res.IsCompatible {
		return fmt.Errorf("v3 should have been refused")
	}

	// 5. Producers switch to v2: they write with the subject's latest
	// version and never register anything themselves.
	serV2, err := avro.NewSerializer[UserV2](env.Registry, serde.Value, serde.UseLatest(), serde.AutoRegister(false))
	if err != nil {
		return err
	}
	pV2, err := producer.New(pcl, producer.String(), serV2)
	if err != nil {
		return err
	}
	for _, u := range []UserV2{{"linus", "linus@example.com", "pro"}, {"barbara", "barbara@example.com", "team"}} {
		if _, err := pV2.Produce(ctx, topic, u.Name, u); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "v2: produced 2 users with plans\n")

	// 6. The old consumer read all four; a new consumer, built for v2,
	// reads the v1 records with the default plan.
	if err := oldReader(); err != nil {
		return err
	}
	newReader, err := startReader[UserV2](ctx, env, topic, start, userV2, 4, out, "new consumer (v2)")
	if err != nil {
		return err
	}
	return newReader()
}

// startReader starts a consumer that reads want records of type T with the
// reader schema given, printing them; the returned function waits for it.
func startReader[T any](ctx context.Context, env *exampleenv.Env, topic string, since time.Time, readerSchema string, want int, out io.Writer, name string) (func() error, error) {
	cl, err := env.NewClient(exampleenv.ConsumerOpts(exampleenv.UniqueGroup("evolution"), topic, since)...)
	if err != nil {
		return nil, err
	}
	deser, err := avro.NewDeserializer[T](env.Registry, serde.Value, avro.WithSchema(readerSchema))
	if err != nil {
		cl.Close()
		return nil, err
	}
	c, err := consumer.New(cl, consumer.String(), deser)
	if err != nil {
		cl.Close()
		return nil, err
	}
	runCtx, done := context.WithTimeout(ctx, time.Minute)
	var mu sync.Mutex
	var lines []string
	errc := make(chan error, 1)
	go func() {
		got := 0
		errc <- c.Run(runCtx, func(_ context.Context, r consumer.Record[string, T]) error {
			mu.Lock()
			lines = append(lines, fmt.Sprintf("  %s read %+v", name, r.Value))
			mu.Unlock()
			if got++; got == want {
				done()
			}
			return nil
		})
	}()
	return func() error {
		defer cl.Close()
		defer done()
		err := <-errc
		mu.Lock()
		defer mu.Unlock()
		for _, l := range lines {
			fmt.Fprintln(out, l)
		}
		if err != nil {
			return err
		}
		if len(lines) != want {
			return fmt.Errorf("%s read %d of %d users", name, len(lines), want)
		}
		return nil
	}, nil
}
