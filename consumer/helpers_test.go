package consumer_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/srkit-go/srkit/consumer"
	"github.com/srkit-go/srkit/internal/kafkatest"
	"github.com/srkit-go/srkit/serde"
)

// order is the record value of these tests (see kafkatest.Order).
type order = kafkatest.Order

// env is a Kafka cluster and a schema registry for one test, with the
// consumer tests' own helpers.
type env struct{ *kafkatest.Env }

func newEnv(t testing.TB, topics ...string) *env { return &env{kafkatest.NewEnv(t, topics...)} }

// quiet is the option of a consumer that logs nothing.
func quiet() consumer.Option {
	return consumer.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// groupClient returns a client consuming topics in group, from the start,
// with the options the consumer recommends plus opts.
func (e *env) groupClient(t testing.TB, group string, topics []string, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	base := []kgo.Opt{
		kgo.ConsumerGroup(group),
		kgo.ConsumeTopics(topics...),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchMaxWait(100 * time.Millisecond),
	}
	return e.KafkaClient(t, append(base, opts...)...)
}

// produceOrders writes orders with IDs from..to-1 (keys "k<ID>", a header
// "n" with the ID) to topic, synchronously and in order.
func (e *env) produceOrders(t testing.TB, topic string, from, to int) {
	t.Helper()
	cl := e.KafkaClient(t)
	ser := e.Serializer(t, serde.Value)
	ctx := context.Background()
	var rs []*kgo.Record
	for i := from; i < to; i++ {
		v, _, err := ser.Serialize(ctx, topic, &order{ID: i, Item: "item" + strconv.Itoa(i), Amount: float64(i), Status: "NEW"})
		if err != nil {
			t.Fatal(err)
		}
		rs = append(rs, &kgo.Record{Topic: topic, Key: []byte("k" + strconv.Itoa(i)), Value: v,
			Headers: []kgo.RecordHeader{{Key: "n", Value: []byte(strconv.Itoa(i))}}})
	}
	if err := cl.ProduceSync(ctx, rs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

// produceRaw writes one record with the given value bytes to topic.
func (e *env) produceRaw(t testing.TB, topic string, key string, value []byte) int64 {
	t.Helper()
	cl := e.KafkaClient(t)
	r, err := cl.ProduceSync(context.Background(), &kgo.Record{Topic: topic, Key: []byte(key), Value: value,
		Headers: []kgo.RecordHeader{{Key: "poison", Value: []byte("yes")}}}).First()
	if err != nil {
		t.Fatal(err)
	}
	return r.Offset
}

// recorder is a consumer hook that keeps every event. start, when set, is
// its OnRecordStart.
type recorder struct {
	start func(ctx context.Context, r *kgo.Record) context.Context

	mu          sync.Mutex
	records     []consumer.RecordEvent
	contexts    []context.Context
	commits     []consumer.CommitEvent
	fetchErrors []consumer.FetchErrorEvent
	lags        []consumer.LagEvent
}

func (h *recorder) OnRecordStart(ctx context.Context, r *kgo.Record) context.Context {
	if h.start == nil {
		return nil
	}
	return h.start(ctx, r)
}

func (h *recorder) OnRecord(ctx context.Context, e consumer.RecordEvent) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.records = append(h.records, e)
	h.contexts = append(h.contexts, ctx)
}

func (h *recorder) OnCommit(e consumer.CommitEvent) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.commits = append(h.commits, e)
}

func (h *recorder) OnFetchError(e consumer.FetchErrorEvent) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.fetchErrors = append(h.fetchErrors, e)
}

func (h *recorder) OnLag(e consumer.LagEvent) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lags = append(h.lags, e)
}

// outcomes counts the record events by outcome.
func (h *recorder) outcomes() map[consumer.Outcome]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	m := map[consumer.Outcome]int{}
	for _, e := range h.records {
		m[e.Outcome]++
	}
	return m
}

// recordEvents returns a copy of the record events so far.
func (h *recorder) recordEvents() []consumer.RecordEvent {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.records)
}
