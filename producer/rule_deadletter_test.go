package producer_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/srkit-go/srkit/internal/kafkatest"
	"github.com/srkit-go/srkit/producer"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/rules"
	"github.com/srkit-go/srkit/serde"
)

// TestRuleDeadLetter: a record failing a CEL condition whose onFailure is
// DLQ goes, once, to the rule's dlq.topic with the __rule.* headers, the
// record's own headers and the value as JSON; the caller's Result says so
// and names the rule. Records that pass go to their topic.
func TestRuleDeadLetter(t *testing.T) {
	e := kafkatest.NewEnv(t, "orders", "orders.rules")
	ctx := context.Background()
	rs := &registry.RuleSet{DomainRules: []registry.Rule{{Name: "positive", Kind: registry.RuleKindCondition,
		Mode: registry.RuleModeWrite, Type: "CEL", Expr: "message.amount > 0.0", OnFailure: "DLQ",
		Params: map[string]string{"dlq.topic": "orders.rules"}}}}
	if _, err := e.Registry.Register(ctx, "orders-value", registry.Schema{Schema: kafkatest.OrderSchema, RuleSet: rs}); err != nil {
		t.Fatal(err)
	}
	p, err := producer.New(e.KafkaClient(t), producer.String(),
		e.Serializer(t, serde.Value, rules.Standard(), serde.UseLatest(), serde.AutoRegister(false)))
	if err != nil {
		t.Fatal(err)
	}
	for i, amount := range []float64{5, -1, 7} {
		res, err := p.Produce(ctx, "orders", "k", &order{ID: i, Item: "x", Amount: amount, Status: "PAID"},
			producer.Header{Key: "user", Value: []byte("u")})
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		var re *serde.RuleError
		switch {
		case amount < 0 && (res.Topic != "orders.rules" || !errors.As(res.DeadLetter, &re) || re.Rule.Name != "positive" ||
			!errors.Is(res.DeadLetter, serde.ErrRuleConditionFailed)):
			t.Fatalf("failing record: result %+v", res)
		case amount > 0 && (res.Topic != "orders" || res.DeadLetter != nil):
			t.Fatalf("record %d: result %+v", i, res)
		}
	}
	if n := len(e.ConsumeN(t, "orders", 2)); n != 2 {
		t.Fatalf("%d records in orders", n)
	}
	r := e.ConsumeN(t, "orders.rules", 1)[0]
	var v map[string]any
	if err := json.Unmarshal(r.Value, &v); err != nil || v["amount"] != -1.0 || v["id"] != 1.0 {
		t.Fatalf("dead-letter value %s: %v", r.Value, err)
	}
	if string(r.Key) != "k" {
		t.Fatalf("dead-letter key %q", r.Key)
	}
	for k, w := range map[string]string{serde.HeaderRuleName: "positive", serde.HeaderRuleMode: "WRITE",
		serde.HeaderRuleSubject: "orders-value", serde.HeaderRuleTopic: "orders", "user": "u"} {
		if h, ok := kafkatest.Header(r, k); !ok || string(h) != w {
			t.Errorf("header %s = %q, want %q", k, h, w)
		}
	}
	if _, ok := kafkatest.Header(r, serde.HeaderRuleException); !ok {
		t.Errorf("no %s header", serde.HeaderRuleException)
	}
	// The rule's headers come first, then the record's own.
	order := []string{serde.HeaderRuleName, serde.HeaderRuleMode, serde.HeaderRuleSubject, serde.HeaderRuleTopic, serde.HeaderRuleException, "user"}
	if len(r.Headers) != len(order) {
		t.Fatalf("headers %v, want keys %v", r.Headers, order)
	}
	for i, k := range order {
		if r.Headers[i].Key != k {
			t.Errorf("header %d is %q, want %q", i, r.Headers[i].Key, k)
		}
	}
}

// TestRuleDeadLetterWithoutTopic: with no dlq.topic and no dead-letter topic
// of the producer's, the caller gets the rule's error and nothing is written.
func TestRuleDeadLetterWithoutTopic(t *testing.T) {
	e := kafkatest.NewEnv(t, "orders")
	ctx := context.Background()
	rs := &registry.RuleSet{DomainRules: []registry.Rule{{Name: "positive", Kind: registry.RuleKindCondition,
		Mode: registry.RuleModeWrite, Type: "CEL", Expr: "message.amount > 0.0", OnFailure: "DLQ"}}}
	if _, err := e.Registry.Register(ctx, "orders-value", registry.Schema{Schema: kafkatest.OrderSchema, RuleSet: rs}); err != nil {
		t.Fatal(err)
	}
	p, err := producer.New(e.KafkaClient(t), producer.String(),
		e.Serializer(t, serde.Value, rules.Standard(), serde.UseLatest(), serde.AutoRegister(false)))
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Produce(ctx, "orders", "k", &order{ID: 1, Item: "x", Amount: -1, Status: "PAID"})
	var re *serde.RuleError
	if !errors.As(err, &re) || re.DeadLetter == nil {
		t.Fatalf("err = %v, want the rule's DLQ error", err)
	}
}
