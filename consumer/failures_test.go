package consumer_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/srkit-go/srkit/consumer"
	"github.com/srkit-go/srkit/serde"
)

// A record that could not be dead-lettered is not committed: Run stops on
// it as with Stop, naming it and both errors, and the next Run and Poll
// meet it again.
func TestDeadLetterWriteFailureIsNotCommitted(t *testing.T) {
	for _, c := range []struct {
		name string
		opt  func(e *env) consumer.Option
	}{
		{"invalid topic", func(e *env) consumer.Option {
			return consumer.DeadLetterClient(e.KafkaClient(t, kgo.RecordDeliveryTimeout(time.Second), kgo.UnknownTopicRetries(1)))
		}},
		{"closed client", func(e *env) consumer.Option {
			cl := e.KafkaClient(t)
			cl.Close()
			return consumer.DeadLetterClient(cl)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			if err := e.CreateTopic("orders", 1); err != nil {
				t.Fatal(err)
			}
			e.produceOrders(t, "orders", 0, 5)
			poison := e.produceRaw(t, "orders", "bad", []byte("garbage"))
			e.produceOrders(t, "orders", 5, 10)
			cl := e.groupClient(t, "g", []string{"orders"}, consumer.GroupOptions()...)
			ctx, cancel := testContext(t)
			defer cancel()
			col := newCollector(t, 9, cancel)
			c := newConsumer(t, e, cl, consumer.OnError(consumer.DeadLetter), consumer.DeadLetterTopic("not a valid topic name!"), c.opt(e))
			for run := range 2 {
				err := c.Run(ctx, col.handle)
				var re *consumer.RecordError
				if !errors.As(err, &re) || re.Offset != poison || re.DeadLetterErr == nil || !errors.Is(err, serde.ErrUnknownMagicByte) {
					t.Fatalf("Run %d: %v, want a RecordError at offset %d with the dead-letter error", run, err, poison)
				}
			}
			if col.count() != 5 {
				t.Fatalf("handled %d records, want the 5 before the one that could not be dead-lettered", col.count())
			}
			recs, err := c.Poll(ctx)
			c.AllowRebalance()
			var re *consumer.RecordError
			if !errors.As(err, &re) || re.Offset != poison || re.DeadLetterErr == nil || len(recs) != 0 {
				t.Fatalf("Poll: %d records, %v", len(recs), err)
			}
			lag := lagOf(t, e, "g", "orders", 6)
			if lag[0].Committed != poison {
				t.Fatalf("committed %d, want %d: the record that was neither handled nor dead-lettered", lag[0].Committed, poison)
			}
		})
	}
}

// The kgo client closed under a running consumer: Run returns
// ErrClientClosed, nothing is committed past what was handled, and the
// group's next member gets every record not committed.
func TestClientClosedUnderRun(t *testing.T) {
	for _, mode := range []struct {
		name string
		opts []kgo.Opt
	}{
		{"marks", consumer.GroupOptions()},
		{"manual", []kgo.Opt{kgo.DisableAutoCommit()}},
	} {
		t.Run(mode.name, func(t *testing.T) {
			e := newEnv(t)
			if err := e.CreateTopic("orders", 1); err != nil {
				t.Fatal(err)
			}
			const n = 1000
			e.produceOrders(t, "orders", 0, n)
			ctx, cancel := testContext(t)
			defer cancel()
			cl := e.groupClient(t, "g", []string{"orders"}, mode.opts...)
			a := newConsumer(t, e, cl, consumer.MaxPollRecords(20))
			colA := newCollector(t, n, nil)
			var closing sync.Once
			closed := make(chan struct{})
			err := a.Run(ctx, func(ctx context.Context, r consumer.Record[string, order]) error {
				if r.Value.ID == 50 {
					closing.Do(func() { go func() { cl.Close(); close(closed) }() })
				}
				if r.Value.ID > 50 {
					// Slow down, so that the close lands in the
					// middle of the topic (it may not: both ends are
					// checked below).
					time.Sleep(time.Millisecond)
				}
				return colA.handle(ctx, r)
			})
			if !errors.Is(err, consumer.ErrClientClosed) {
				t.Fatalf("Run: %v, want ErrClientClosed", err)
			}
			<-closed
			committed := groupLag(t, e, "g")[0].Committed
			if committed < 0 {
				committed = 0
			}
			if committed > int64(colA.count()) {
				t.Fatalf("committed %d with %d records handled", committed, colA.count())
			}
			t.Logf("handled %d before the close, committed %d", colA.count(), committed)
			if committed == n {
				return // the close came after the last record
			}
			// The next member starts at the commit: nothing is lost.
			b := newConsumer(t, e, e.groupClient(t, "g", []string{"orders"}, mode.opts...))
			runCtx, stop := context.WithCancel(ctx)
			colB := newCollector(t, n-int(committed), stop)
			if err := b.Run(runCtx, colB.handle); err != nil {
				t.Fatal(err)
			}
			for id := int(committed); id < n; id++ {
				if colB.seen[id] != 1 {
					t.Fatalf("record %d handled %d times by the next member, want once", id, colB.seen[id])
				}
			}
		})
	}
}
