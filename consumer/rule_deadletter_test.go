package consumer_test

import (
	"strconv"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/consumer"
	"github.com/srkit-go/srkit/internal/kafkatest"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/rules"
	"github.com/srkit-go/srkit/serde"
)

// TestRuleDeadLetter: a record failing a READ condition whose onFailure is
// DLQ goes, once, to the rule's dlq.topic with its original key and value
// and the __rule.* headers then its own — whatever the error policy (here
// Stop) — and the group commits past it: the others are handled, the lag
// ends at 0.
func TestRuleDeadLetter(t *testing.T) {
	e := newEnv(t, "orders.rules")
	if err := e.CreateTopic("orders", 1); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := testContext(t)
	defer cancel()
	rs := &registry.RuleSet{DomainRules: []registry.Rule{{Name: "notTwo", Kind: registry.RuleKindCondition,
		Mode: registry.RuleModeRead, Type: "CEL", Expr: "message.id != 2", OnFailure: "DLQ",
		Params: map[string]string{"dlq.topic": "orders.rules"}}}}
	if _, err := e.Registry.Register(ctx, "orders-value", registry.Schema{Schema: kafkatest.OrderSchema, RuleSet: rs}); err != nil {
		t.Fatal(err)
	}
	ser := e.Serializer(t, serde.Value, serde.UseLatest(), serde.AutoRegister(false))
	var originals [][]byte
	pcl := e.KafkaClient(t)
	for i := range 5 {
		v, _, err := ser.Serialize(ctx, "orders", &order{ID: i, Item: "item" + strconv.Itoa(i), Amount: float64(i), Status: "NEW"})
		if err != nil {
			t.Fatal(err)
		}
		originals = append(originals, v)
		r := &kgo.Record{Topic: "orders", Key: []byte("k" + strconv.Itoa(i)), Value: v,
			Headers: []kgo.RecordHeader{{Key: "n", Value: []byte(strconv.Itoa(i))}}}
		if err := pcl.ProduceSync(ctx, r).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	de, err := avro.NewDeserializer[order](e.Registry, serde.Value, rules.Standard())
	if err != nil {
		t.Fatal(err)
	}
	cl := e.groupClient(t, "billing", []string{"orders"}, consumer.GroupOptions()...)
	c, err := consumer.New(cl, consumer.String(), de, consumer.OnError(consumer.Stop))
	if err != nil {
		t.Fatal(err)
	}
	col := newCollector(t, 4, cancel)
	if err := c.Run(ctx, col.handle); err != nil {
		t.Fatal(err)
	}
	if col.count() != 4 || col.seen[2] != 0 {
		t.Fatalf("handled %d records (%v), want the 4 but order 2", col.count(), col.seen)
	}
	lagOf(t, e, "billing", "orders", 0)
	dl := e.ConsumeN(t, "orders.rules", 1)[0]
	if string(dl.Key) != "k2" || string(dl.Value) != string(originals[2]) {
		t.Fatalf("dead letter %q = % x, want k2 with the original bytes", dl.Key, dl.Value)
	}
	for k, w := range map[string]string{serde.HeaderRuleName: "notTwo", serde.HeaderRuleMode: "READ",
		serde.HeaderRuleSubject: "orders-value", serde.HeaderRuleTopic: "orders", "n": "2"} {
		if h, ok := kafkatest.Header(dl, k); !ok || string(h) != w {
			t.Errorf("header %s = %q, want %q", k, h, w)
		}
	}
}
