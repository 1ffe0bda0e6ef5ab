package consumer_test

import (
	"context"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/srkit-go/srkit/consumer"
)

// NewClient is kgo.NewClient plus the group options: the consumer accepts
// its client, and what it processes is committed through marks.
func TestNewClient(t *testing.T) {
	e := newEnv(t, "orders")
	e.produceOrders(t, "orders", 0, 20)
	opts := make([]kgo.Opt, 4, 8) // spare capacity: NewClient must not write into it
	opts[0] = kgo.SeedBrokers(e.Cluster.ListenAddrs()...)
	opts[1] = kgo.ConsumerGroup("billing")
	opts[2] = kgo.ConsumeTopics("orders")
	opts[3] = kgo.ConsumeResetOffset(kgo.NewOffset().AtStart())
	cl, err := consumer.NewClient(opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if spare := opts[:5][4]; spare != nil {
		t.Fatalf("NewClient wrote %v into the caller's options", spare)
	}
	marks, _ := cl.OptValue(kgo.AutoCommitMarks).(bool)
	block, _ := cl.OptValue(kgo.BlockRebalanceOnPoll).(bool)
	if !marks || !block {
		t.Fatalf("AutoCommitMarks %v, BlockRebalanceOnPoll %v; want both", marks, block)
	}
	c := newConsumer(t, e, cl)
	ctx, cancel := testContext(t)
	defer cancel()
	runCtx, stop := context.WithCancel(ctx)
	col := newCollector(t, 20, stop)
	if err := c.Run(runCtx, col.handle); err != nil {
		t.Fatal(err)
	}
	if col.distinct() != 20 {
		t.Fatalf("handled %d of 20", col.distinct())
	}
	lagOf(t, e, "billing", "orders", 0)
}

// Without a group, or with manual commits, kgo refuses the group options:
// NewClient reports it.
func TestNewClientRefusals(t *testing.T) {
	e := newEnv(t, "orders")
	seeds := kgo.SeedBrokers(e.Cluster.ListenAddrs()...)
	for name, opts := range map[string][]kgo.Opt{
		"no group":       {seeds, kgo.ConsumeTopics("orders")},
		"manual commits": {seeds, kgo.ConsumerGroup("g"), kgo.ConsumeTopics("orders"), kgo.DisableAutoCommit()},
	} {
		if cl, err := consumer.NewClient(opts...); err == nil {
			cl.Close()
			t.Errorf("%s: NewClient succeeded", name)
		}
	}
}
