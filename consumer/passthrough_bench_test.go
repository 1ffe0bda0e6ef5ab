package consumer_test

import (
	"context"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/consumer"
	"github.com/srkit-go/srkit/producer"
	"github.com/srkit-go/srkit/serde"
)

// The passthrough benchmarks split BenchmarkEndToEndRaw and
// BenchmarkEndToEndPassthrough into their two halves, so that srkit's
// producer and consumer are each measured against plain kgo moving the
// same bytes: Produce* hands b.N pre-serialized orders to the client and
// flushes; Consume* fetches b.N records produced beforehand (not timed).
// The four moves (produceRaw, produceSrkit, consumeRaw, consumeSrkit) are
// shared with the end-to-end benchmarks.

// benchPayload is the serialized benchmark order.
func benchPayload(b *testing.B, e *benchEnv, topic string) []byte {
	return serializedOnce(b, e, topic, benchSchema, newBenchOrder())
}

// serializedOnce is v serialized with schema for topic.
func serializedOnce[T any](b *testing.B, e *benchEnv, topic, schema string, v *T) []byte {
	ser, err := avro.NewSerializer[*T](e.rc, serde.Value, avro.WithSchema(schema))
	if err != nil {
		b.Fatal(err)
	}
	payload, _, err := ser.Serialize(context.Background(), topic, v)
	if err != nil {
		b.Fatal(err)
	}
	return payload
}

// produceRaw hands n copies of payload to pcl with kgo's Produce and
// flushes.
func produceRaw(b *testing.B, pcl *kgo.Client, topic string, payload []byte, n int) {
	ctx := context.Background()
	var failed atomic.Int64
	promise := func(_ *kgo.Record, err error) {
		if err != nil {
			failed.Add(1)
		}
	}
	for range n {
		pcl.Produce(ctx, &kgo.Record{Topic: topic, Value: payload}, promise)
	}
	if err := pcl.Flush(ctx); err != nil || failed.Load() != 0 {
		b.Fatalf("flush: %v, %d failed", err, failed.Load())
	}
}

// produceSrkit hands n copies of payload to p with ProduceAsync and
// flushes.
func produceSrkit(b *testing.B, p *producer.Producer[[]byte, []byte], topic string, payload []byte, n int) {
	ctx := context.Background()
	var failed atomic.Int64
	callback := func(_ producer.Result, err error) {
		if err != nil {
			failed.Add(1)
		}
	}
	for range n {
		if err := p.ProduceAsync(ctx, topic, nil, payload, callback); err != nil {
			b.Fatal(err)
		}
	}
	if err := p.Flush(ctx); err != nil || failed.Load() != 0 {
		b.Fatalf("flush: %v, %d failed", err, failed.Load())
	}
}

// bytesProducer is a producer of raw bytes through pcl.
func bytesProducer(b *testing.B, pcl *kgo.Client) *producer.Producer[[]byte, []byte] {
	p, err := producer.New[[]byte](pcl, nil, producer.Bytes())
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// consumeRaw fetches n records of size bytes each with kgo's PollRecords.
func consumeRaw(b *testing.B, ccl *kgo.Client, n, size int) {
	ctx := context.Background()
	got, bytes := 0, 0
	for got < n {
		ccl.PollRecords(ctx, 1000).EachRecord(func(r *kgo.Record) {
			got++
			bytes += len(r.Value)
		})
	}
	if bytes != n*size {
		b.Fatalf("consumed %d bytes, want %d", bytes, n*size)
	}
}

// consumeSrkit fetches n records of size bytes each with c's Run; the
// timer stops when Run returns, if stopTimer.
func consumeSrkit(b *testing.B, c *consumer.Consumer[[]byte, []byte], n, size int, stopTimer bool) {
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	got, bytes := 0, 0
	err := c.Run(ctx, func(_ context.Context, r consumer.Record[[]byte, []byte]) error {
		got++
		bytes += len(r.Value)
		if got == n {
			stop()
		}
		return nil
	})
	if stopTimer {
		b.StopTimer()
	}
	if err != nil {
		b.Fatal(err)
	}
	if bytes != n*size {
		b.Fatalf("consumed %d bytes, want %d", bytes, n*size)
	}
}

// bytesConsumer is a consumer of raw bytes through ccl.
func bytesConsumer(b *testing.B, ccl *kgo.Client, opts ...consumer.Option) *consumer.Consumer[[]byte, []byte] {
	c, err := consumer.New[[]byte](ccl, nil, consumer.Bytes(), opts...)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

func BenchmarkProduceRaw(b *testing.B) {
	e, topic := benchSetup(b)
	payload := benchPayload(b, e, topic)
	pcl := e.client(b)
	defer pcl.Close()
	b.ReportAllocs()
	b.ResetTimer()
	produceRaw(b, pcl, topic, payload, b.N)
}

func BenchmarkProducePassthrough(b *testing.B) {
	e, topic := benchSetup(b)
	payload := benchPayload(b, e, topic)
	pcl := e.client(b)
	defer pcl.Close()
	p := bytesProducer(b, pcl)
	b.ReportAllocs()
	b.ResetTimer()
	produceSrkit(b, p, topic, payload, b.N)
}

// fill produces n copies of payload to topic, untimed.
func fill(b *testing.B, e *benchEnv, topic string, payload []byte, n int) {
	b.Helper()
	b.StopTimer()
	defer b.StartTimer()
	pcl := e.client(b)
	defer pcl.Close()
	produceRaw(b, pcl, topic, payload, n)
}

func BenchmarkConsumeRaw(b *testing.B) {
	e, topic := benchSetup(b)
	payload := benchPayload(b, e, topic)
	fill(b, e, topic, payload, b.N)
	ccl := e.consumerClient(b, topic)
	defer ccl.Close()
	b.ReportAllocs()
	b.ResetTimer()
	consumeRaw(b, ccl, b.N, len(payload))
}

func BenchmarkConsumePassthrough(b *testing.B) { benchConsumePassthrough(b) }

// BenchmarkConsumePassthroughHooked is BenchmarkConsumePassthrough with a
// hook that implements every consumer hook and does nothing: the events'
// cost (no allocation).
func BenchmarkConsumePassthroughHooked(b *testing.B) {
	benchConsumePassthrough(b, consumer.WithHooks(nopHook{}))
}

// nopHook implements every consumer hook and does nothing.
type nopHook struct{}

func (nopHook) OnRecordStart(context.Context, *kgo.Record) context.Context { return nil }
func (nopHook) OnRecord(context.Context, consumer.RecordEvent)             {}
func (nopHook) OnCommit(consumer.CommitEvent)                              {}
func (nopHook) OnFetchError(consumer.FetchErrorEvent)                      {}
func (nopHook) OnLag(consumer.LagEvent)                                    {}

func benchConsumePassthrough(b *testing.B, opts ...consumer.Option) {
	e, topic := benchSetup(b)
	payload := benchPayload(b, e, topic)
	fill(b, e, topic, payload, b.N)
	ccl := e.consumerClient(b, topic)
	defer ccl.Close()
	c := bytesConsumer(b, ccl, opts...)
	b.ReportAllocs()
	b.ResetTimer()
	consumeSrkit(b, c, b.N, len(payload), true)
}

// BenchmarkPassthroughRatio runs the halves above in interleaved rounds in
// one process (raw produce, srkit produce, raw consume, srkit consume; 8
// rounds of b.N records each, a fresh topic per half) and reports srkit's
// throughput as a fraction of raw kgo's on each side: produce-ratio and
// consume-ratio (1 is parity, above 1 faster than raw), the median of the
// rounds' ratios, and the same over the rounds' summed times
// (produce-sum-ratio, consume-sum-ratio). Interleaving spreads the
// machine's load over both sides of each ratio; the median keeps a burst
// of load during one half from deciding the result.
func BenchmarkPassthroughRatio(b *testing.B) {
	const rounds = 8
	var raw, srkit [2]time.Duration // produce, consume: summed
	var ratios [2][]float64         // produce, consume: per round
	for round := range rounds {
		for side := range 2 {
			// Alternate which goes first, so that neither side always
			// runs on a warmer (or more loaded) process.
			var d [2]time.Duration // raw, srkit
			for _, viaSrkit := range []bool{round%2 == 1, round%2 == 0} {
				if viaSrkit {
					d[1] = passthroughHalf(b, side == 1, true)
				} else {
					d[0] = passthroughHalf(b, side == 1, false)
				}
			}
			raw[side] += d[0]
			srkit[side] += d[1]
			ratios[side] = append(ratios[side], float64(d[0])/float64(d[1]))
		}
	}
	b.ReportMetric(median(ratios[0]), "produce-ratio")
	b.ReportMetric(median(ratios[1]), "consume-ratio")
	b.ReportMetric(float64(raw[0])/float64(srkit[0]), "produce-sum-ratio")
	b.ReportMetric(float64(raw[1])/float64(srkit[1]), "consume-sum-ratio")
	b.ReportMetric(float64(srkit[0]+srkit[1])/float64(rounds*b.N), "srkit-ns/record")
	b.ReportMetric(float64(raw[0]+raw[1])/float64(rounds*b.N), "raw-ns/record")
	b.ReportMetric(0, "ns/op")
}

// median is the median of xs (which it sorts).
func median(xs []float64) float64 {
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

// passthroughHalf moves b.N pre-serialized records one way (produce, or
// consume after an untimed fill) through plain kgo or srkit, and returns
// how long that took. A producing client has the topic's metadata
// beforehand (one record produced untimed): the first records would wait
// for it, longer or shorter from half to half. Consuming is timed from the
// consumer's start: kgo's fetching and decoding, which a consumer waits
// for, is most of the work (records already fetched are iterated in about
// 20 ns each).
func passthroughHalf(b *testing.B, consume, viaSrkit bool) time.Duration {
	e, topic := benchSetup(b)
	// Delete the topic afterwards: kfake keeps every record in memory, and
	// a heap that grows round after round would slow the later halves.
	defer deleteTopic(b, e, topic)
	payload := benchPayload(b, e, topic)
	if !consume {
		pcl := e.client(b)
		defer pcl.Close()
		if err := pcl.ProduceSync(context.Background(), &kgo.Record{Topic: topic, Value: payload}).FirstErr(); err != nil {
			b.Fatal(err)
		}
		if viaSrkit {
			p := bytesProducer(b, pcl)
			start := time.Now()
			produceSrkit(b, p, topic, payload, b.N)
			return time.Since(start)
		}
		start := time.Now()
		produceRaw(b, pcl, topic, payload, b.N)
		return time.Since(start)
	}
	fill(b, e, topic, payload, b.N)
	ccl := e.consumerClient(b, topic)
	defer ccl.Close()
	if viaSrkit {
		c := bytesConsumer(b, ccl)
		start := time.Now()
		consumeSrkit(b, c, b.N, len(payload), false)
		return time.Since(start)
	}
	start := time.Now()
	consumeRaw(b, ccl, b.N, len(payload))
	return time.Since(start)
}

// deleteTopic deletes topic and collects the garbage its records leave.
func deleteTopic(b *testing.B, e *benchEnv, topic string) {
	cl := e.client(b)
	defer cl.Close()
	if _, err := kadm.NewClient(cl).DeleteTopics(context.Background(), topic); err != nil {
		b.Fatal(err)
	}
	runtime.GC()
}
