package consumer_test

import (
	"bytes"
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// order is the record value of these tests, written in Avro.
type order struct {
	ID     int     `avro:"id"`
	Item   string  `avro:"item"`
	Amount float64 `avro:"amount"`
	Status string  `avro:"status"`
}

// orderSchema makes Status an enum: an order with another status does not
// fit the schema and fails to serialize.
const orderSchema = `{"type":"record","name":"Order","namespace":"srkit.test","fields":[
	{"name":"id","type":"long"},
	{"name":"item","type":"string"},
	{"name":"amount","type":"double"},
	{"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID"]},"default":"NEW"}]}`

// env is a Kafka cluster and a schema registry for one test.
type env struct {
	cluster *kfake.Cluster
	reg     *mockregistry.Server
	client  *registry.Client
}

func newEnv(t testing.TB, topics ...string) *env {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(3, topics...), kfake.AllowAutoTopicCreation())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	srv := mockregistry.StartServer(t)
	rc, err := srv.Client()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rc.Close() })
	return &env{cluster: c, reg: srv, client: rc}
}

func (e *env) kgoClient(t testing.TB, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(e.cluster.ListenAddrs()...)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

func (e *env) serializer(t testing.TB, part serde.Part, opts ...serde.SerializerOption) *serde.Serializer[*order] {
	t.Helper()
	s, err := avro.NewSerializer[*order](e.client, part, append([]serde.SerializerOption{avro.WithSchema(orderSchema)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (e *env) deserializer(t testing.TB, part serde.Part) *serde.Deserializer[order] {
	t.Helper()
	d, err := avro.NewDeserializer[order](e.client, part)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// consumeN reads n records from topic (from the start) with a plain kgo
// client, failing the test when they do not arrive in time.
func (e *env) consumeN(t testing.TB, topic string, n int) []*kgo.Record {
	t.Helper()
	cl := e.kgoClient(t, kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out []*kgo.Record
	for len(out) < n {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatalf("consumed %d of %d records from %s: %v", len(out), n, topic, err)
		}
		fs.EachError(func(t2 string, p int32, err error) { t.Fatalf("fetch %s/%d: %v", t2, p, err) })
		out = append(out, fs.Records()...)
	}
	if len(out) != n {
		t.Fatalf("consumed %d records from %s, want %d", len(out), topic, n)
	}
	return out
}

func header(r *kgo.Record, key string) ([]byte, bool) {
	for _, h := range r.Headers {
		if h.Key == key {
			return h.Value, true
		}
	}
	return nil, false
}

func toSerde(hs []kgo.RecordHeader) []serde.Header {
	out := make([]serde.Header, len(hs))
	for i, h := range hs {
		out[i] = serde.Header(h)
	}
	return out
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
	return e.kgoClient(t, append(base, opts...)...)
}

// produceOrders writes orders with IDs from..to-1 (keys "k<ID>", a header
// "n" with the ID) to topic, synchronously and in order.
func (e *env) produceOrders(t testing.TB, topic string, from, to int) {
	t.Helper()
	cl := e.kgoClient(t)
	ser := e.serializer(t, serde.Value)
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
	cl := e.kgoClient(t)
	r, err := cl.ProduceSync(context.Background(), &kgo.Record{Topic: topic, Key: []byte(key), Value: value,
		Headers: []kgo.RecordHeader{{Key: "poison", Value: []byte("yes")}}}).First()
	if err != nil {
		t.Fatal(err)
	}
	return r.Offset
}

// syncBuffer is a bytes.Buffer safe for concurrent writers (log output).
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// createTopic creates topic with the given number of partitions.
func (e *env) createTopic(name string, partitions int32) error {
	cl, err := kgo.NewClient(kgo.SeedBrokers(e.cluster.ListenAddrs()...))
	if err != nil {
		return err
	}
	defer cl.Close()
	_, err = kadm.NewClient(cl).CreateTopic(context.Background(), partitions, 1, nil, name)
	return err
}
