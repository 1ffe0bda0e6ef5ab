package consumer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/srkit-go/srkit/compat"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// order is the record value of these tests.
type order struct {
	ID     int     `json:"id"`
	Item   string  `json:"item"`
	Amount float64 `json:"amount"`
}

// errPoison is what the test codec fails with for values it cannot encode.
var errPoison = errors.New("test codec: poison value")

// testCodec is a minimal serde codec for JSON-encoded Go values, so that the
// producer is tested against the serde core without depending on a schema
// format package. Values whose Item is "poison" fail to encode.
type testCodec[T any] struct{ schema string }

const orderSchema = `{"type":"object","title":"order"}`

func (testCodec[T]) SchemaType() registry.SchemaType { return registry.JSON }
func (testCodec[T]) UsesMessageIndexes() bool        { return false }
func (testCodec[T]) SchemaKey(T) any                 { return nil }

func (c testCodec[T]) Schema(context.Context, T) (*serde.ResolvedSchema, string, error) {
	s := &serde.ResolvedSchema{}
	s.Schema.SchemaType = registry.JSON
	s.Schema.Schema = c.schema
	return s, "order", nil
}

func (testCodec[T]) Encoder(context.Context, *serde.ResolvedSchema, T) (serde.Encoder[T], []int, error) {
	return jsonEncoder[T]{}, nil, nil
}

func (testCodec[T]) RecordName(*serde.ResolvedSchema, []int) (string, error) { return "order", nil }

func (testCodec[T]) Decoder(context.Context, *serde.ResolvedSchema, []int, *serde.ResolvedSchema) (serde.Decoder[T], error) {
	return jsonDecoder[T]{}, nil
}

type jsonEncoder[T any] struct{}

func (jsonEncoder[T]) AppendEncode(dst []byte, v T) ([]byte, error) {
	if o, ok := any(v).(*order); ok && o.Item == "poison" {
		return nil, errPoison
	}
	b, err := json.Marshal(v)
	return append(dst, b...), err
}

type jsonDecoder[T any] struct{}

func (jsonDecoder[T]) Decode(body []byte, v *T) error { return json.Unmarshal(body, v) }

// testFormat lets the mock registry accept the test codec's schemas.
type testFormat struct{}

func (testFormat) Type() registry.SchemaType { return registry.JSON }
func (testFormat) Parse(schema string, _ []compat.Dependency) (compat.Schema, error) {
	if !json.Valid([]byte(schema)) {
		return nil, errors.New("not JSON")
	}
	return testSchema(strings.TrimSpace(schema)), nil
}

type testSchema string

func (s testSchema) Canonical() string                    { return string(s) }
func (s testSchema) Normalized() string                   { return string(s) }
func (s testSchema) CheckBackward(compat.Schema) []string { return nil }

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
	srv := mockregistry.StartServer(t, mockregistry.WithFormats(testFormat{}))
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
	s, err := serde.NewSerializer[*order](e.client, part, testCodec[*order]{schema: orderSchema}, serde.NewSerializerConfig(opts...))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (e *env) deserializer(t testing.TB, part serde.Part) *serde.Deserializer[order] {
	t.Helper()
	d, err := serde.NewDeserializer[order](e.client, part, testCodec[order]{schema: orderSchema}, serde.NewDeserializerConfig())
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
		v, _, err := ser.Serialize(ctx, topic, &order{ID: i, Item: "item" + strconv.Itoa(i), Amount: float64(i)})
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
