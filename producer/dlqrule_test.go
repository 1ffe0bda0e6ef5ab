package producer_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/internal/kafkatest"
	"github.com/srkit-go/srkit/producer"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/rules"
	"github.com/srkit-go/srkit/serde"
)

// ruleSerializer returns an Avro serializer of orders with schema id and
// the standard rule executors plus execs.
func ruleSerializer(t *testing.T, e *kafkatest.Env, id int, execs ...serde.RuleExecutor) *serde.Serializer[*order] {
	t.Helper()
	s, err := avro.NewSerializer[*order](e.Registry, serde.Value, serde.UseSchemaID(id), rules.Standard(), serde.WithRuleExecutors(execs...))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func quiet() producer.Option {
	return producer.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// A record that fails a CEL CONDITION whose onFailure is DLQ goes to the
// rule's dlq.topic once: the key as the dead-letter encoder writes it, the
// value as JSON with the field of the ENCRYPT rule's tag redacted, the
// __rule.* headers followed by the caller's. Produce succeeds and says the
// record was dead-lettered, with the rule error as the cause; good records
// go where they were sent.
func TestDLQRuleOnWrite(t *testing.T) {
	e := kafkatest.NewEnv(t, "orders", "orders-dlq")
	id := e.RegisterOrderRules(t, "orders-value", kafkatest.RedactPII, kafkatest.AmountBelow1000(registry.RuleModeWrite, "orders-dlq"))
	p, err := producer.New(e.KafkaClient(t), producer.String(), ruleSerializer(t, e, id), quiet())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := p.Produce(ctx, "orders", "k1", &order{ID: 1, Item: "secret", Amount: 5000, Status: "NEW"}, producer.Header{Key: "trace", Value: []byte("t1")})
	var re *serde.RuleError
	if err != nil || !errors.As(res.DeadLetter, &re) || re.DeadLetter == nil || !errors.Is(res.DeadLetter, serde.ErrRuleConditionFailed) {
		t.Fatalf("Produce: result %+v, error %v; want success dead-lettered by the rule", res, err)
	}
	if res.Topic != "orders-dlq" {
		t.Fatalf("dead-lettered to %q", res.Topic)
	}
	if _, err := p.Produce(ctx, "orders", "k2", &order{ID: 2, Item: "fine", Amount: 10, Status: "NEW"}); err != nil {
		t.Fatal(err)
	}
	dl := e.ConsumeN(t, "orders-dlq", 1)[0]
	wantRuleHeaders(t, dl, "WRITE", "orders")
	if n := len(dl.Headers); n != 6 || dl.Headers[5].Key != "trace" || string(dl.Headers[5].Value) != "t1" {
		t.Errorf("headers %v: want the five __rule.* headers, then the caller's", dl.Headers)
	}
	if string(dl.Key) != "k1" {
		t.Errorf("key %q", dl.Key)
	}
	var v map[string]any
	if err := json.Unmarshal(dl.Value, &v); err != nil || v["item"] != "<REDACTED>" || v["amount"] != 5000.0 {
		t.Errorf("dead-letter value %s (%v): want JSON with item redacted", dl.Value, err)
	}
	if strings.Contains(string(dl.Value), "secret") {
		t.Errorf("the tagged field leaked into the dead letter: %s", dl.Value)
	}
	if r := e.ConsumeN(t, "orders", 1)[0]; string(r.Key) != "k2" {
		t.Errorf("orders holds %q", r.Key)
	}
}

// wantRuleHeaders checks the __rule.* headers at the start of dead letter r.
func wantRuleHeaders(t *testing.T, r *kgo.Record, mode, topic string) {
	t.Helper()
	want := []struct{ key, value string }{
		{serde.HeaderRuleName, "amount-below-1000"}, {serde.HeaderRuleMode, mode},
		{serde.HeaderRuleSubject, "orders-value"}, {serde.HeaderRuleTopic, topic}, {serde.HeaderRuleException, ""},
	}
	if len(r.Headers) < len(want) {
		t.Fatalf("headers %v", r.Headers)
	}
	for i, w := range want {
		h := r.Headers[i]
		if h.Key != w.key || (w.value != "" && string(h.Value) != w.value) {
			t.Errorf("header %d: %s=%q, want %s=%q", i, h.Key, h.Value, w.key, w.value)
		}
	}
	if ex := string(r.Headers[4].Value); !strings.Contains(ex, "condition failed") {
		t.Errorf("%s = %q", serde.HeaderRuleException, ex)
	}
}

// Without dlq.topic the DLQ rule writes to the producer's dead-letter
// topic, asynchronously too, reporting once; with no topic anywhere the
// caller gets the rule error.
func TestDLQRuleTopics(t *testing.T) {
	e := kafkatest.NewEnv(t, "orders", "orders.dlq")
	id := e.RegisterOrderRules(t, "orders-value", kafkatest.AmountBelow1000(registry.RuleModeWrite, ""))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cl := e.KafkaClient(t)

	bare, err := producer.New(cl, producer.String(), ruleSerializer(t, e, id), quiet())
	if err != nil {
		t.Fatal(err)
	}
	_, err = bare.Produce(ctx, "orders", "k", &order{ID: 1, Amount: 5000, Status: "NEW"})
	var re *serde.RuleError
	var se *producer.SerializeError
	if !errors.As(err, &re) || re.DeadLetter == nil || !errors.As(err, &se) || se.Part != serde.Value {
		t.Fatalf("no dead-letter topic: %v; want the rule error", err)
	}

	p, err := producer.New(cl, producer.String(), ruleSerializer(t, e, id), quiet(),
		producer.DeadLetterTopicFunc(func(t string) string { return t + ".dlq" }))
	if err != nil {
		t.Fatal(err)
	}
	calls := make(chan error, 2)
	err = p.ProduceAsync(ctx, "orders", "k", &order{ID: 2, Amount: 5000, Status: "NEW"}, func(res producer.Result, err error) {
		if err == nil && res.DeadLetter == nil {
			err = errors.New("not dead-lettered")
		}
		if err == nil && res.Topic != "orders.dlq" {
			err = fmt.Errorf("dead-lettered to %q", res.Topic)
		}
		calls <- err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := <-calls; err != nil {
		t.Fatal(err)
	}
	if err := p.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if len(calls) != 0 {
		t.Fatal("callback called twice")
	}
	wantRuleHeaders(t, e.ConsumeN(t, "orders.dlq", 1)[0], "WRITE", "orders")
}

// outageExecutor runs rules of type OUTAGE, which fail as a KMS outage
// does.
type outageExecutor struct{}

func (outageExecutor) Type() string { return "OUTAGE" }

func (outageExecutor) Compile(context.Context, *registry.Rule, *serde.ResolvedSchema) (serde.CompiledRule, error) {
	return outageExecutor{}, nil
}

func (outageExecutor) Run(context.Context, *serde.RuleContext, *serde.Message) (bool, error) {
	return false, fmt.Errorf("kms: %w", serde.ErrUnavailable)
}

// A rule that fails for an outage is never dead-lettered, whatever its
// onFailure says and whatever dead-letter topic the producer has: the
// caller gets the transient error.
func TestDLQRuleOutageNotDeadLettered(t *testing.T) {
	e := kafkatest.NewEnv(t, "orders", "orders-dlq")
	id := e.RegisterOrderRules(t, "orders-value", registry.Rule{Name: "kms", Kind: registry.RuleKindCondition,
		Mode: registry.RuleModeWrite, Type: "OUTAGE", OnFailure: "DLQ", Params: map[string]string{"dlq.topic": "orders-dlq"}})
	p, err := producer.New(e.KafkaClient(t), producer.String(), ruleSerializer(t, e, id, outageExecutor{}), quiet(),
		producer.DeadLetterTopic("orders-dlq"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Produce(context.Background(), "orders", "k", &order{ID: 1, Status: "NEW"})
	if !serde.IsTransient(err) || res.DeadLetter != nil {
		t.Fatalf("Produce: result %+v, error %v; want the transient error", res, err)
	}
}
