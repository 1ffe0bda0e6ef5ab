package producer_test

import (
	"context"
	"testing"
	"time"

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
