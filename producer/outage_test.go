package producer_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strconv"
	"testing"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/internal/kafkatest"
	"github.com/srkit-go/srkit/producer"
	"github.com/srkit-go/srkit/serde"
)

// Regression (issue 10, item 2): a registry behind a proxy that answers a
// bare HTML 404, then 200 with an HTML page, was read as "the record is
// bad": a producer with a dead-letter topic diverted 100 of 100 good
// records. Now every such failure is reported to the caller as an outage
// (serde.IsTransient), nothing is dead-lettered, and once the registry is
// back the same records go to their topic.
func TestProxiedRegistryOutageIsNotDeadLettered(t *testing.T) {
	const n = 100
	e := kafkatest.NewEnv(t, "orders", "orders.dlq")
	outage := e.NewOutage(t,
		kafkatest.OutageStep{Answer: kafkatest.HTML404, Requests: n / 2},
		kafkatest.OutageStep{Answer: kafkatest.HTML200}, // until Recover
	)
	ser, err := avro.NewSerializer[*order](outage.Client(t), serde.Value, avro.WithSchema(kafkatest.OrderSchema))
	if err != nil {
		t.Fatal(err)
	}
	rec := new(recorder)
	p, err := producer.New(e.KafkaClient(t), producer.String(), ser,
		producer.DeadLetterTopic("orders.dlq"),
		producer.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
		producer.WithHooks(rec))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	produce := func(i int) (producer.Result, error) {
		return p.Produce(ctx, "orders", strconv.Itoa(i), &order{ID: i, Item: "item", Status: "NEW"})
	}
	for i := range n {
		res, err := produce(i)
		var se *producer.SerializeError
		if !errors.As(err, &se) || !serde.IsTransient(err) || res.DeadLetter != nil {
			t.Fatalf("record %d during the outage: %+v, %v; want a transient *SerializeError and no dead letter", i, res, err)
		}
	}
	if a := outage.Answered(); a[0] != n/2 || a[1] < n/2 {
		t.Fatalf("the proxy answered %v requests, want %d HTML 404s and at least %d HTML 200s", a, n/2, n/2)
	}
	outage.Recover()
	for i := range n {
		res, err := produce(i)
		if err != nil || res.DeadLetter != nil || res.Topic != "orders" {
			t.Fatalf("record %d after the outage: %+v, %v", i, res, err)
		}
	}
	produced, dead := rec.events()
	if len(dead) != 0 {
		t.Fatalf("%d records dead-lettered", len(dead))
	}
	if len(produced) != 2*n {
		t.Fatalf("%d produce events, want %d", len(produced), 2*n)
	}
	for i, ev := range produced {
		if (i < n) != serde.IsTransient(ev.Err) || (i >= n) != (ev.Err == nil) {
			t.Errorf("produce event %d: %+v", i, ev)
		}
	}
	e.ConsumeN(t, "orders", n)
	if _, err := p.Produce(ctx, "orders.dlq", "marker", &order{ID: -1, Item: "marker", Status: "NEW"}); err != nil {
		t.Fatal(err)
	}
	if rs := e.ConsumeN(t, "orders.dlq", 1); string(rs[0].Key) != "marker" {
		t.Fatalf("the dead-letter topic holds %q", rs[0].Key)
	}
}
