package consumer_test

import (
	"context"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/srkit-go/srkit/consumer"
)

// Lag, asked while Run is handling the first batch (nothing committed
// yet), covers every partition of the topic, sorted, with the member that
// consumes it.
func TestLagWhileRunning(t *testing.T) {
	e := newEnv(t)
	if err := e.CreateTopic("orders", 3); err != nil {
		t.Fatal(err)
	}
	const n = 30
	e.produceOrders(t, "orders", 0, n)
	cl := e.groupClient(t, "g", []string{"orders"}, append(consumer.GroupOptions(), kgo.ClientID("billing-1"))...)
	c := newConsumer(t, e, cl)
	ctx, cancel := testContext(t)
	defer cancel()
	var lag consumer.Lag
	var lagErr error
	err := c.Run(ctx, func(ctx context.Context, r consumer.Record[string, order]) error {
		if lag == nil && lagErr == nil {
			lag, lagErr = c.Lag(ctx)
		}
		cancel()
		return nil
	})
	if err != nil || lagErr != nil {
		t.Fatalf("Run: %v, Lag: %v", err, lagErr)
	}
	var ends int64
	for i, p := range lag {
		if p.Topic != "orders" || p.Partition != int32(i) || p.Member != "billing-1" || p.Committed != -1 || p.Lag != p.End {
			t.Fatalf("partition %d: %+v", i, p)
		}
		ends += p.End
	}
	if len(lag) != 3 || ends != n || lag.Total() != n {
		t.Fatalf("lag %+v: %d partitions, ends summing to %d, total %d; want 3, %d, %d", lag, len(lag), ends, lag.Total(), n, n)
	}
}
