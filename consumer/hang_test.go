package consumer_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/srkit-go/srkit/consumer"
	"github.com/srkit-go/srkit/serde"
)

// Regression (issue 10, item 1, the consumer's side): a deserializer that
// never returns and ignores its context (the Avro resolver looping over a
// 2^62 block count) kept Run from returning after its context was
// cancelled. Now Run returns once the shutdown timeout has run out, with
// an error naming the record left behind, having committed the records
// before it and nothing after.
func TestRunReturnsDespiteAHangingDeserializer(t *testing.T) {
	e := newEnv(t)
	if err := e.CreateTopic("orders", 1); err != nil {
		t.Fatal(err)
	}
	e.produceOrders(t, "orders", 0, 5)
	inner := e.Deserializer(t, serde.Value)
	release := make(chan struct{})
	hung := make(chan struct{})
	deser := consumer.DeserializerFunc[order](func(ctx context.Context, topic string, payload []byte, hs []serde.Header) (order, error) {
		v, err := inner.Deserialize(ctx, topic, payload, hs)
		if err == nil && v.ID == 2 {
			close(hung)
			<-release // ignores ctx
		}
		return v, err
	})
	cl := e.groupClient(t, "g", []string{"orders"}, consumer.GroupOptions()...)
	c, err := consumer.New(cl, consumer.String(), deser, consumer.ShutdownTimeout(200*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { close(release) }) // lets the hung goroutine end first when the test ends
	ctx, cancel := testContext(t)
	defer cancel()
	runCtx, stop := context.WithCancel(ctx)
	col := newCollector(t, 5, nil)
	ran := make(chan error, 1)
	go func() { ran <- c.Run(runCtx, col.handle) }()
	<-hung
	stopped := time.Now()
	stop()
	select {
	case err = <-ran:
	case <-time.After(10 * time.Second):
		t.Fatal("Run has not returned 10s after its context was cancelled (shutdown timeout 200ms)")
	}
	if took := time.Since(stopped); took > 5*time.Second {
		t.Fatalf("Run returned %v after its context was cancelled (shutdown timeout 200ms)", took)
	}
	if !errors.Is(err, consumer.ErrShutdownTimeout) {
		t.Fatalf("Run: %v, want ErrShutdownTimeout", err)
	}
	if col.count() != 2 {
		t.Fatalf("handled %d records, want 2 (0 and 1)", col.count())
	}
	if lag := lagOf(t, e, "g", "orders", 3); lag[0].Committed != 2 {
		t.Fatalf("committed %d, want 2: the record left behind is not committed past", lag[0].Committed)
	}
}
