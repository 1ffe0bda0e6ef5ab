package consumer_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/srkit-go/srkit/consumer"
	"github.com/srkit-go/srkit/serde"
)

// interrupting wraps the test deserializer: at offset 3, the first time, it
// calls interrupt and fails as a registry call cut short by the cancelled
// context would.
func interrupting(e *env, t *testing.T, interrupt func()) consumer.Deserializer[order] {
	d := e.Deserializer(t, serde.Value)
	done := false
	return consumer.DeserializerFunc[order](func(ctx context.Context, topic string, p []byte, hs []serde.Header) (order, error) {
		v, err := d.Deserialize(ctx, topic, p, hs)
		if err == nil && v.ID == 3 && !done {
			done = true
			interrupt()
			return order{}, fmt.Errorf("fetching the schema: %w", context.Canceled)
		}
		return v, err
	})
}

// A Poll interrupted while deserializing returns what it had and leaves the
// interrupted record to the next Poll: nothing is dropped.
func TestPollInterruptedKeepsTheRecord(t *testing.T) {
	e := newEnv(t)
	if err := e.CreateTopic("orders", 1); err != nil {
		t.Fatal(err)
	}
	e.produceOrders(t, "orders", 0, 6)
	cl := e.groupClient(t, "g", []string{"orders"}, kgo.DisableAutoCommit())
	ctx, cancel := context.WithCancel(context.Background())
	c, err := consumer.New(cl, consumer.String(), interrupting(e, t, cancel), consumer.OnError(consumer.Skip))
	if err != nil {
		t.Fatal(err)
	}
	var ids []int
	for len(ids) < 3 {
		recs, err := c.Poll(ctx)
		if err != nil && ctx.Err() == nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			ids = append(ids, r.Value.ID)
		}
		if ctx.Err() != nil {
			break
		}
	}
	if fmt.Sprint(ids) != "[0 1 2]" {
		t.Fatalf("first Poll returned %v, want [0 1 2]", ids)
	}
	ctx2, cancel2 := testContext(t)
	defer cancel2()
	for len(ids) < 6 {
		recs, err := c.Poll(ctx2)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			ids = append(ids, r.Value.ID)
		}
	}
	if fmt.Sprint(ids) != "[0 1 2 3 4 5]" {
		t.Fatalf("records %v, want [0 1 2 3 4 5]: the interrupted one was dropped", ids)
	}
}

// A shutdown that interrupts deserialization (a registry call cut short) is
// a clean shutdown, and the record is not committed: the next member reads
// it, even with the Skip policy.
func TestRunInterruptedDeserializationIsNotSkipped(t *testing.T) {
	e := newEnv(t)
	if err := e.CreateTopic("orders", 1); err != nil {
		t.Fatal(err)
	}
	e.produceOrders(t, "orders", 0, 6)
	ctx, cancel := testContext(t)
	defer cancel()
	runCtx, stop := context.WithCancel(ctx)
	cl := e.groupClient(t, "g", []string{"orders"}, consumer.GroupOptions()...)
	c, err := consumer.New(cl, consumer.String(), interrupting(e, t, stop), consumer.OnError(consumer.Skip))
	if err != nil {
		t.Fatal(err)
	}
	col := newCollector(t, 6, nil)
	if err := c.Run(runCtx, col.handle); err != nil {
		t.Fatalf("Run: %v, want a clean shutdown", err)
	}
	if col.count() != 3 {
		t.Fatalf("handled %d, want 3", col.count())
	}
	lag := lagOf(t, e, "g", "orders", 3)
	if lag[0].Committed != 3 {
		t.Fatalf("committed %d, want 3 (the interrupted record)", lag[0].Committed)
	}
}
