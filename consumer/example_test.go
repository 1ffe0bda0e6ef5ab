package consumer_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/consumer"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/producer"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// Greeting is the value type of the examples.
type Greeting struct {
	To   string `avro:"to"`
	Text string `avro:"text"`
}

// exampleSetup starts an in-process Kafka with a one-partition topic holding
// three greetings, and the mock registry; in production these are your
// cluster and registry.
func exampleSetup() (seeds []string, rc *registry.Client, stop func()) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "greetings", "greetings.dlq"))
	if err != nil {
		log.Fatal(err)
	}
	reg, err := mockregistry.NewServer()
	if err != nil {
		log.Fatal(err)
	}
	rc, _ = reg.Client()
	cl, _ := kgo.NewClient(kgo.SeedBrokers(cluster.ListenAddrs()...))
	defer cl.Close()
	ser, _ := avro.NewSerializer[Greeting](rc, serde.Value)
	p, _ := producer.New(cl, producer.String(), ser)
	for _, to := range []string{"Ada", "Grace", "Linus"} {
		if _, err := p.Produce(context.Background(), "greetings", to, Greeting{To: to, Text: "hello"}); err != nil {
			log.Fatal(err)
		}
	}
	return cluster.ListenAddrs(), rc, func() { reg.Close(); cluster.Close() }
}

func ExampleConsumer_Run() {
	seeds, rc, stop := exampleSetup()
	defer stop()
	cl, err := consumer.NewClient(
		kgo.SeedBrokers(seeds...),
		kgo.ConsumerGroup("greeters"),
		kgo.ConsumeTopics("greetings"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
	)
	if err != nil {
		log.Fatal(err)
	}
	defer cl.Close()
	deser, _ := avro.NewDeserializer[Greeting](rc, serde.Value)
	c, err := consumer.New(cl, consumer.String(), deser)
	if err != nil {
		log.Fatal(err)
	}

	// Cancel the context to stop (signal.NotifyContext in a service): the
	// records in hand finish, offsets are committed, the group is left.
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	err = c.Run(ctx, func(ctx context.Context, r consumer.Record[string, Greeting]) error {
		fmt.Printf("%s: %s, %s (offset %d)\n", r.Key, r.Value.Text, r.Value.To, r.Offset)
		if n++; n == 3 {
			cancel()
		}
		return nil
	})
	fmt.Println("Run:", err)
	// Output:
	// Ada: hello, Ada (offset 0)
	// Grace: hello, Grace (offset 1)
	// Linus: hello, Linus (offset 2)
	// Run: <nil>
}

func ExampleConsumer_Poll() {
	seeds, rc, stop := exampleSetup()
	defer stop()
	cl, _ := kgo.NewClient(kgo.SeedBrokers(seeds...), kgo.ConsumeTopics("greetings"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	defer cl.Close()
	deser, _ := avro.NewDeserializer[Greeting](rc, serde.Value)
	c, _ := consumer.New(cl, consumer.String(), deser)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for seen := 0; seen < 3; {
		recs, err := c.Poll(ctx)
		if err != nil {
			log.Fatal(err)
		}
		for _, r := range recs {
			fmt.Println(r.Topic, r.Partition, r.Offset, r.Value.To)
		}
		seen += len(recs)
	}
	// Output:
	// greetings 0 0 Ada
	// greetings 0 1 Grace
	// greetings 0 2 Linus
}

func ExampleOnErrorFunc() {
	seeds, rc, stop := exampleSetup()
	defer stop()
	cl, _ := consumer.NewClient(kgo.SeedBrokers(seeds...), kgo.ConsumerGroup("picky"),
		kgo.ConsumeTopics("greetings"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	defer cl.Close()
	deser, _ := avro.NewDeserializer[Greeting](rc, serde.Value)

	errNotWelcome := errors.New("not welcome")
	c, _ := consumer.New(cl, consumer.String(), deser,
		consumer.DeadLetterTopic("greetings.dlq"),
		// Records of unknown schemas and records the handler rejects go to
		// the dead-letter topic; anything else stops the consumer.
		consumer.OnErrorFunc(func(e *consumer.RecordError) consumer.Action {
			if errors.Is(e, serde.ErrUnknownSchema) || errors.Is(e, errNotWelcome) {
				return consumer.DeadLetter
			}
			return consumer.Stop
		}))
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	_ = c.Run(ctx, func(_ context.Context, r consumer.Record[string, Greeting]) error {
		defer func() {
			if n++; n == 3 {
				cancel()
			}
		}()
		if r.Key == "Grace" {
			return errNotWelcome
		}
		fmt.Println("handled", r.Key)
		return nil
	})
	// Output:
	// handled Ada
	// handled Linus
}

func ExampleConsumer_Lag() {
	seeds, rc, stop := exampleSetup()
	defer stop()
	cl, _ := kgo.NewClient(kgo.SeedBrokers(seeds...), kgo.ConsumerGroup("reporting"), kgo.ConsumeTopics("greetings"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.DisableAutoCommit())
	defer cl.Close()
	deser, _ := avro.NewDeserializer[Greeting](rc, serde.Value)
	c, _ := consumer.New(cl, consumer.String(), deser, consumer.MaxPollRecords(1))

	// Process and commit the first greeting only.
	ctx := context.Background()
	recs, err := c.Poll(ctx)
	if err != nil {
		log.Fatal(err)
	}
	if err := c.Commit(ctx, recs...); err != nil {
		log.Fatal(err)
	}

	lag, err := c.Lag(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range lag {
		fmt.Printf("%s/%d: committed %d, end %d, lag %d\n", p.Topic, p.Partition, p.Committed, p.End, p.Lag)
	}
	fmt.Println("total:", lag.Total())
	// Output:
	// greetings/0: committed 1, end 3, lag 2
	// total: 2
}

// outcomeCounter is a consumer hook: it counts outcomes (a metrics
// library would export them) and gives each record's context a value (a
// tracer would start a span there).
type outcomeCounter struct {
	outcomes map[consumer.Outcome]int // Concurrency is 1: no lock needed
}

type recordKey struct{}

func (h *outcomeCounter) OnRecordStart(ctx context.Context, r *kgo.Record) context.Context {
	return context.WithValue(ctx, recordKey{}, fmt.Sprintf("%s/%d@%d", r.Topic, r.Partition, r.Offset))
}

func (h *outcomeCounter) OnRecord(_ context.Context, ev consumer.RecordEvent) {
	h.outcomes[ev.Outcome]++
}

func ExampleWithHooks() {
	seeds, rc, stop := exampleSetup()
	defer stop()
	cl, _ := kgo.NewClient(kgo.SeedBrokers(seeds...), kgo.ConsumeTopics("greetings"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	defer cl.Close()
	deser, _ := avro.NewDeserializer[Greeting](rc, serde.Value)

	counter := &outcomeCounter{outcomes: map[consumer.Outcome]int{}}
	c, _ := consumer.New(cl, consumer.String(), deser, consumer.WithHooks(counter))
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	_ = c.Run(ctx, func(ctx context.Context, r consumer.Record[string, Greeting]) error {
		fmt.Println("handling", ctx.Value(recordKey{}))
		if n++; n == 3 {
			cancel()
		}
		return nil
	})
	fmt.Println(counter.outcomes[consumer.Handled], "handled")
	// Output:
	// handling greetings/0@0
	// handling greetings/0@1
	// handling greetings/0@2
	// 3 handled
}

func ExampleNewClient() {
	seeds, _, stop := exampleSetup()
	defer stop()
	// The same as kgo.NewClient(append(opts, consumer.GroupOptions()...)...).
	cl, err := consumer.NewClient(
		kgo.SeedBrokers(seeds...),
		kgo.ConsumerGroup("billing"),
		kgo.ConsumeTopics("greetings"),
	)
	if err != nil {
		log.Fatal(err)
	}
	defer cl.Close()
	fmt.Println("commits marks:", cl.OptValue(kgo.AutoCommitMarks))
	fmt.Println("blocks rebalances while a batch is handled:", cl.OptValue(kgo.BlockRebalanceOnPoll))
	// Output:
	// commits marks: true
	// blocks rebalances while a batch is handled: true
}

// A plain kgo consume loop, without Run or Poll: serde.HeadersFrom views the
// record's headers (where a schema GUID may travel) as serde's.
func Example_kgoLoop() {
	seeds, rc, stop := exampleSetup()
	defer stop()
	cl, _ := kgo.NewClient(kgo.SeedBrokers(seeds...), kgo.ConsumeTopics("greetings"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	defer cl.Close()
	deser, _ := avro.NewDeserializer[Greeting](rc, serde.Value)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for seen := 0; seen < 3; {
		fetches := cl.PollFetches(ctx)
		if err := fetches.Err0(); err != nil {
			log.Fatal(err)
		}
		fetches.EachRecord(func(r *kgo.Record) {
			g, err := deser.Deserialize(ctx, r.Topic, r.Value, serde.HeadersFrom(r.Headers))
			if err != nil {
				log.Fatal(err)
			}
			fmt.Println(string(r.Key), g.Text)
			seen++
		})
	}
	// Output:
	// Ada hello
	// Grace hello
	// Linus hello
}
