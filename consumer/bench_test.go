package consumer_test

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/consumer"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/producer"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// The end-to-end benchmarks produce b.N records to an in-process Kafka
// (kfake) and consume them back: typed (an Avro order serialized by the
// producer, deserialized by the consumer's Run), raw (the same bytes,
// serialized beforehand, produced and fetched with plain kgo) and
// passthrough (those bytes through the producer and Run with schema-less
// serde). Raw's ns/op over Typed's is the throughput ratio the project's
// goal (0.9) is stated in; it includes the format's encoding and decoding,
// which AvroCodecOnly measures alone. Raw's over Passthrough's is srkit's
// own cost.

type benchItem struct {
	SKU      string  `avro:"sku"`
	Quantity int32   `avro:"quantity"`
	Price    float64 `avro:"price"`
}

type benchOrder struct {
	ID        string            `avro:"id"`
	Customer  int64             `avro:"customer"`
	Email     string            `avro:"email"`
	Status    string            `avro:"status"`
	Total     float64           `avro:"total"`
	Currency  string            `avro:"currency"`
	CreatedAt time.Time         `avro:"createdAt"`
	Items     []benchItem       `avro:"items"`
	Attrs     map[string]string `avro:"attrs"`
	Note      *string           `avro:"note"`
}

const benchSchema = `{"type":"record","name":"Order","namespace":"srkit.bench","fields":[
 {"name":"id","type":{"type":"string","logicalType":"uuid"}},
 {"name":"customer","type":"long"},
 {"name":"email","type":"string"},
 {"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID","SHIPPED","DELIVERED","CANCELLED"]}},
 {"name":"total","type":"double"},
 {"name":"currency","type":"string"},
 {"name":"createdAt","type":{"type":"long","logicalType":"timestamp-millis"}},
 {"name":"items","type":{"type":"array","items":{"type":"record","name":"Item","fields":[
   {"name":"sku","type":"string"},{"name":"quantity","type":"int"},{"name":"price","type":"double"}]}}},
 {"name":"attrs","type":{"type":"map","values":"string"}},
 {"name":"note","type":["null","string"],"default":null}]}`

func newBenchOrder() *benchOrder {
	note := "leave at the door"
	return &benchOrder{
		ID: "5b0e7e2a-3c4d-4e8f-9a1b-2c3d4e5f6a7b", Customer: 1234567, Email: "ada.lovelace@example.com",
		Status: "PAID", Total: 1234.56, Currency: "EUR", CreatedAt: time.Date(2024, 3, 15, 12, 34, 56, 789e6, time.UTC),
		Items: []benchItem{{"SKU-0001", 1, 9.99}, {"SKU-0002", 2, 19.99}, {"SKU-0003", 3, 29.99},
			{"SKU-0004", 4, 39.99}, {"SKU-0005", 5, 49.99}},
		Attrs: map[string]string{"channel": "web", "campaign": "spring", "coupon": "ADA10"},
		Note:  &note,
	}
}

type benchEnv struct {
	cluster *kfake.Cluster
	reg     *mockregistry.Server
	rc      *registry.Client
	topics  atomic.Int64
}

var sharedBench *benchEnv

// benchSetup starts one cluster and registry for all benchmarks of the
// run, and returns a fresh topic with 3 partitions.
func benchSetup(b *testing.B) (*benchEnv, string) {
	b.Helper()
	if sharedBench == nil {
		c, err := kfake.NewCluster(kfake.NumBrokers(1))
		if err != nil {
			b.Fatal(err)
		}
		srv, err := mockregistry.NewServer()
		if err != nil {
			b.Fatal(err)
		}
		rc, err := srv.Client()
		if err != nil {
			b.Fatal(err)
		}
		sharedBench = &benchEnv{cluster: c, reg: srv, rc: rc}
	}
	e := sharedBench
	topic := "bench-" + strconv.FormatInt(e.topics.Add(1), 10)
	cl := e.client(b)
	defer cl.Close()
	if _, err := kadm.NewClient(cl).CreateTopic(context.Background(), 3, 1, nil, topic); err != nil {
		b.Fatal(err)
	}
	return e, topic
}

func (e *benchEnv) client(b *testing.B, opts ...kgo.Opt) *kgo.Client {
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(e.cluster.ListenAddrs()...)}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	return cl
}

func (e *benchEnv) consumerClient(b *testing.B, topic string) *kgo.Client {
	return e.client(b, kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
}

// BenchmarkEndToEndRaw is the floor: pre-serialized bytes through plain kgo.
func BenchmarkEndToEndRaw(b *testing.B) { benchRaw(b, benchSchema, newBenchOrder()) }

// BenchmarkEndToEndRawSmall is BenchmarkEndToEndRaw with a three-field record.
func BenchmarkEndToEndRawSmall(b *testing.B) { benchRaw(b, tickSchema, newTick()) }

func benchRaw[T any](b *testing.B, schema string, v *T) {
	e, topic := benchSetup(b)
	payload := serializedOnce(b, e, topic, schema, v)
	pcl := e.client(b)
	defer pcl.Close()
	ccl := e.consumerClient(b, topic)
	defer ccl.Close()
	b.ReportAllocs()
	b.ResetTimer()
	produceRaw(b, pcl, topic, payload, b.N)
	consumeRaw(b, ccl, b.N, len(payload))
	b.StopTimer()
}

// BenchmarkEndToEndTyped is the same records as typed values: the producer
// serializes each order, the consumer's Run deserializes each one and
// hands it to a handler.
func BenchmarkEndToEndTyped(b *testing.B) {
	benchTyped(b, false, 1, benchSchema, newBenchOrder(), sameOrder)
}

// BenchmarkEndToEndTypedGroup is BenchmarkEndToEndTyped consuming in a
// consumer group with the recommended options (marks, commits).
func BenchmarkEndToEndTypedGroup(b *testing.B) {
	benchTyped(b, true, 1, benchSchema, newBenchOrder(), sameOrder)
}

// BenchmarkEndToEndTypedParallel spreads the format work over the cores:
// two goroutines produce, and Run decodes the 3 partitions concurrently.
func BenchmarkEndToEndTypedParallel(b *testing.B) {
	benchTyped(b, false, 2, benchSchema, newBenchOrder(), sameOrder)
}

// BenchmarkEndToEndTypedSmall is BenchmarkEndToEndTyped with a three-field
// record, where the format's work is small.
func BenchmarkEndToEndTypedSmall(b *testing.B) {
	benchTyped(b, false, 1, tickSchema, newTick(), func(got benchTick, want *benchTick) bool { return got == *want })
}

func sameOrder(got benchOrder, want *benchOrder) bool {
	return got.Total == want.Total && len(got.Items) == len(want.Items)
}

// benchTick is the small record.
type benchTick struct {
	Symbol string  `avro:"symbol"`
	Price  float64 `avro:"price"`
	Volume int64   `avro:"volume"`
}

const tickSchema = `{"type":"record","name":"Tick","namespace":"srkit.bench","fields":[
 {"name":"symbol","type":"string"},{"name":"price","type":"double"},{"name":"volume","type":"long"}]}`

func newTick() *benchTick { return &benchTick{Symbol: "ACME", Price: 123.45, Volume: 1000} }

func benchTyped[T any](b *testing.B, group bool, parallel int, schema string, v *T, same func(got T, want *T) bool) {
	e, topic := benchSetup(b)
	ser, err := avro.NewSerializer[*T](e.rc, serde.Value, avro.WithSchema(schema))
	if err != nil {
		b.Fatal(err)
	}
	deser, err := avro.NewDeserializer[T](e.rc, serde.Value)
	if err != nil {
		b.Fatal(err)
	}
	pcl := e.client(b)
	defer pcl.Close()
	p, err := producer.New[[]byte](pcl, nil, ser)
	if err != nil {
		b.Fatal(err)
	}
	var ccl *kgo.Client
	if group {
		ccl = e.client(b, append(consumer.GroupOptions(), kgo.ConsumerGroup(topic), kgo.ConsumeTopics(topic),
			kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))...)
	} else {
		ccl = e.consumerClient(b, topic)
	}
	defer ccl.Close()
	c, err := consumer.New[[]byte](ccl, nil, deser, consumer.Concurrency(1+2*(parallel-1)))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	// Warm the serializer's and the deserializer's schema caches, as a
	// running service has them.
	if _, err := p.Produce(ctx, topic, nil, v); err != nil {
		b.Fatal(err)
	}
	var failed atomic.Int64
	callback := func(_ producer.Result, err error) {
		if err != nil {
			failed.Add(1)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	var wg sync.WaitGroup
	for g := range parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < b.N; i += parallel {
				if err := p.ProduceAsync(ctx, topic, nil, v, callback); err != nil {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if err := p.Flush(ctx); err != nil || failed.Load() != 0 {
		b.Fatalf("flush: %v, %d failed", err, failed.Load())
	}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	var got, intact atomic.Int64
	err = c.Run(runCtx, func(_ context.Context, r consumer.Record[[]byte, T]) error {
		if same(r.Value, v) { // by value: taking &r.Value would move r to the heap
			intact.Add(1)
		}
		if got.Add(1) == int64(b.N+1) {
			stop()
		}
		return nil
	})
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	if got.Load() != int64(b.N+1) || intact.Load() != got.Load() {
		b.Fatalf("consumed %d records (%d intact), want %d", got.Load(), intact.Load(), b.N+1)
	}
}

// BenchmarkEndToEndPassthrough is BenchmarkEndToEndRaw's pre-serialized
// bytes sent and received through the producer and the consumer's Run with
// schema-less []byte serializers: srkit's own per-record cost, without a
// format's encoding and decoding.
func BenchmarkEndToEndPassthrough(b *testing.B) {
	e, topic := benchSetup(b)
	payload := benchPayload(b, e, topic)
	pcl := e.client(b)
	defer pcl.Close()
	p := bytesProducer(b, pcl)
	ccl := e.consumerClient(b, topic)
	defer ccl.Close()
	c := bytesConsumer(b, ccl)
	b.ReportAllocs()
	b.ResetTimer()
	produceSrkit(b, p, topic, payload, b.N)
	consumeSrkit(b, c, b.N, len(payload), true)
}

// BenchmarkAvroCodecOnly is the format's share of BenchmarkEndToEndTyped:
// serializing the order into a reused buffer and deserializing it into a
// zeroed value, as the producer and the consumer do, with no Kafka at all.
func BenchmarkAvroCodecOnly(b *testing.B) {
	e, topic := benchSetup(b)
	ser, err := avro.NewSerializer[*benchOrder](e.rc, serde.Value, avro.WithSchema(benchSchema))
	if err != nil {
		b.Fatal(err)
	}
	deser, err := avro.NewDeserializer[benchOrder](e.rc, serde.Value)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	v := newBenchOrder()
	buf, _, err := ser.AppendSerialize(ctx, nil, topic, v)
	if err != nil {
		b.Fatal(err)
	}
	var got benchOrder
	if err := deser.DeserializeInto(ctx, topic, buf, nil, &got); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		buf, _, err = ser.AppendSerialize(ctx, buf[:0], topic, v)
		if err != nil {
			b.Fatal(err)
		}
		got = benchOrder{}
		if err := deser.DeserializeInto(ctx, topic, buf, nil, &got); err != nil {
			b.Fatal(err)
		}
	}
}
