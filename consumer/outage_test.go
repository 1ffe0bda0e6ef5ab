package consumer_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/consumer"
	"github.com/srkit-go/srkit/internal/kafkatest"
	"github.com/srkit-go/srkit/serde"
)

// Regression (issue 10, item 2): a registry behind a proxy that answers a
// bare HTML 404, then 200 with an HTML page, was read as "unknown schema":
// under Skip 1000 of 1000 good records were skipped and committed, under
// DeadLetter 1000 of 1000 dead-lettered. Now such answers are an outage:
// the consumer retries the record, skips and dead-letters nothing, commits
// nothing past it, and once the registry is back handles every record.
func TestProxiedRegistryOutageLosesNothing(t *testing.T) {
	for _, policy := range []consumer.Action{consumer.Skip, consumer.DeadLetter} {
		t.Run(policy.String(), func(t *testing.T) {
			const n = 1000
			e := newEnv(t, "orders")
			e.produceOrders(t, "orders", 0, n) // registers the schema directly
			if err := e.CreateTopic("orders.dlq", 1); err != nil {
				t.Fatal(err)
			}
			outage := e.NewOutage(t,
				kafkatest.OutageStep{Answer: kafkatest.HTML404, Requests: 2},
				kafkatest.OutageStep{Answer: kafkatest.HTML200}, // until Recover
			)
			deser, err := avro.NewDeserializer[order](outage.Client(t), serde.Value)
			if err != nil {
				t.Fatal(err)
			}
			cl := e.groupClient(t, "billing", []string{"orders"},
				append(consumer.GroupOptions(), kgo.AutoCommitInterval(100*time.Millisecond))...)
			rec := new(recorder)
			c, err := consumer.New(cl, consumer.String(), deser,
				consumer.OnError(policy), consumer.DeadLetterTopic("orders.dlq"),
				consumer.TransientRetries(1000, time.Millisecond),
				consumer.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
				consumer.WithHooks(rec))
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := testContext(t)
			defer cancel()
			runCtx, stop := context.WithCancel(ctx)
			col := newCollector(t, n, stop)
			ran := make(chan error, 1)
			go func() { ran <- c.Run(runCtx, col.handle) }()

			// Both kinds of answer were seen, and retried.
			outage.AwaitAnswered(t, 0, 2)
			outage.AwaitAnswered(t, 1, 3)
			time.Sleep(300 * time.Millisecond) // three autocommit intervals
			if col.count() != 0 || failed(rec) != 0 {
				t.Fatalf("during the outage: %d handled, %d skipped or dead-lettered", col.count(), failed(rec))
			}
			if committed := committedOffsets(t, e, "billing"); committed != 0 {
				t.Fatalf("during the outage the group committed %d records", committed)
			}

			outage.Recover()
			select {
			case err := <-ran:
				if err != nil {
					t.Fatal(err)
				}
			case <-ctx.Done():
				t.Fatalf("after the outage: %d of %d handled", col.distinct(), n)
			}
			if col.distinct() != n || failed(rec) != 0 {
				t.Fatalf("%d of %d records handled, %d skipped or dead-lettered", col.distinct(), n, failed(rec))
			}
			if dl := endOffsets(t, e, "orders.dlq"); dl != 0 {
				t.Fatalf("%d records in the dead-letter topic", dl)
			}
			lagOf(t, e, "billing", "orders", 0)
		})
	}
}

// committedOffsets is the sum of the group's committed offsets.
func committedOffsets(t testing.TB, e *env, group string) int64 {
	t.Helper()
	ctx, cancel := testContext(t)
	defer cancel()
	os, err := kadm.NewClient(e.KafkaClient(t)).FetchOffsets(ctx, group)
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	os.Each(func(o kadm.OffsetResponse) {
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		sum += max(o.At, 0)
	})
	return sum
}

// endOffsets is the number of records in topic (all partitions).
func endOffsets(t testing.TB, e *env, topic string) int64 {
	t.Helper()
	ctx, cancel := testContext(t)
	defer cancel()
	os, err := kadm.NewClient(e.KafkaClient(t)).ListEndOffsets(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	os.Each(func(o kadm.ListedOffset) {
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		sum += o.Offset
	})
	return sum
}

// failed counts the records rec saw skipped or dead-lettered.
func failed(rec *recorder) int {
	o := rec.outcomes()
	return o[consumer.Skipped] + o[consumer.DeadLettered]
}
