package hooktest

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/srkit-go/srkit/consumer"
	"github.com/srkit-go/srkit/internal/kafkatest"
	"github.com/srkit-go/srkit/producer"
	"github.com/srkit-go/srkit/serde"
)

// KafkaHook is a value implementing the producer's and consumer's hooks.
type KafkaHook interface {
	producer.HookProduce
	producer.HookDeadLetter
	consumer.HookRecord
	consumer.HookCommit
	consumer.HookFetchError
	consumer.HookLag
}

// ProduceConsume runs a producer and a consumer with hook on kfake, topic
// "orders" with one partition. The producer (dead-letter topic
// "orders.dlq") writes 3 orders and one that does not serialize: 4 produce
// events, 3 to "orders" and one dead-lettered to "orders.dlq", and one
// dead-letter event (orders -> orders.dlq, written). A plain client writes
// a record that is not Avro before the last order. The consumer (group "g", committing
// after every batch, skipping what fails) takes the 4 records of "orders":
// 3 handled and 1 skipped, at least one commit of 1 partition, and lag
// events, the last at 0.
func ProduceConsume(t *testing.T, hook KafkaHook) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	e := kafkatest.NewEnv(t)
	for _, topic := range []string{"orders", "orders.dlq"} {
		if err := e.CreateTopic(topic, 1); err != nil {
			t.Fatal(err)
		}
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	p, err := producer.New(e.KafkaClient(t), producer.String(), e.Serializer(t, serde.Value),
		producer.DeadLetterTopic("orders.dlq"), producer.WithLogger(quiet), producer.WithHooks(hook))
	if err != nil {
		t.Fatal(err)
	}
	raw := e.KafkaClient(t)
	for i, status := range []string{"NEW", "PAID", "BOGUS", "NEW"} {
		if i == 3 { // before the last order, so that the consumer meets it before stopping
			if err := raw.ProduceSync(ctx, &kgo.Record{Topic: "orders", Value: []byte("not avro")}).FirstErr(); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := p.Produce(ctx, "orders", "k", &kafkatest.Order{ID: i, Item: "x", Status: status}); err != nil {
			t.Fatal(err)
		}
	}

	cl := e.KafkaClient(t, kgo.ConsumerGroup("g"), kgo.ConsumeTopics("orders"), kgo.DisableAutoCommit(),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchMaxWait(100*time.Millisecond))
	c, err := consumer.New(cl, consumer.String(), e.Deserializer(t, serde.Value),
		consumer.OnError(consumer.Skip), consumer.WithLogger(quiet), consumer.WithHooks(hook))
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	handled := 0
	err = c.Run(runCtx, func(context.Context, consumer.Record[string, kafkatest.Order]) error {
		if handled++; handled == 3 {
			stop()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
