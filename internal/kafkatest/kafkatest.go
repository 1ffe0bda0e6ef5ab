// Package kafkatest is the test bed of srkit's producer and consumer tests:
// an in-process Kafka cluster (franz-go's kfake), the mock Schema Registry
// served over HTTP, and the Avro order record both packages' tests produce
// and consume. It is imported by tests only.
package kafkatest

import (
	"bytes"
	"context"
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

// Order is the record value of the tests, written in Avro with
// [OrderSchema].
type Order struct {
	ID     int     `avro:"id"`
	Item   string  `avro:"item"`
	Amount float64 `avro:"amount"`
	Status string  `avro:"status"`
}

// OrderSchema makes Status an enum: an order with a status other than NEW
// or PAID does not fit the schema and fails to serialize.
const OrderSchema = `{"type":"record","name":"Order","namespace":"srkit.test","fields":[
	{"name":"id","type":"long"},
	{"name":"item","type":"string"},
	{"name":"amount","type":"double"},
	{"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID"]},"default":"NEW"}]}`

// Env is a Kafka cluster and a Schema Registry for one test, closed when
// the test ends.
type Env struct {
	Cluster  *kfake.Cluster
	Mock     *mockregistry.Server // the registry, served over HTTP
	Registry *registry.Client     // a client of Mock
}

// NewEnv starts a one-broker cluster (topics seeded with 3 partitions each,
// others created on first use) and a mock registry.
func NewEnv(t testing.TB, topics ...string) *Env {
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
	return &Env{Cluster: c, Mock: srv, Registry: rc}
}

// KafkaClient returns a kgo client of the cluster with opts, closed when
// the test ends.
func (e *Env) KafkaClient(t testing.TB, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(e.Cluster.ListenAddrs()...)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

// CreateTopic creates topic with the given number of partitions.
func (e *Env) CreateTopic(name string, partitions int32) error {
	cl, err := kgo.NewClient(kgo.SeedBrokers(e.Cluster.ListenAddrs()...))
	if err != nil {
		return err
	}
	defer cl.Close()
	_, err = kadm.NewClient(cl).CreateTopic(context.Background(), partitions, 1, nil, name)
	return err
}

// Serializer returns an Avro serializer of orders with [OrderSchema].
func (e *Env) Serializer(t testing.TB, part serde.Part, opts ...serde.SerializerOption) *serde.Serializer[*Order] {
	t.Helper()
	s, err := avro.NewSerializer[*Order](e.Registry, part, append([]serde.SerializerOption{avro.WithSchema(OrderSchema)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Deserializer returns an Avro deserializer of orders.
func (e *Env) Deserializer(t testing.TB, part serde.Part) *serde.Deserializer[Order] {
	t.Helper()
	d, err := avro.NewDeserializer[Order](e.Registry, part)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// ConsumeN reads exactly n records from topic (from the start) with a plain
// kgo client, failing the test when fewer arrive within 30 seconds or more
// are there.
func (e *Env) ConsumeN(t testing.TB, topic string, n int) []*kgo.Record {
	t.Helper()
	cl := e.KafkaClient(t, kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
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

// Header returns the value of r's header key and whether r has it.
func Header(r *kgo.Record, key string) ([]byte, bool) {
	for _, h := range r.Headers {
		if h.Key == key {
			return h.Value, true
		}
	}
	return nil, false
}

// SyncBuffer is a bytes.Buffer safe for concurrent writers, to capture log
// output.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what was written.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
