package consumer_test

import (
	"context"
	"runtime"
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

// benchPayload is the serialized benchmark order.
func benchPayload(b *testing.B, e *benchEnv, topic string) []byte {
	ser, err := avro.NewSerializer[*benchOrder](e.rc, serde.Value, avro.WithSchema(benchSchema))
	if err != nil {
		b.Fatal(err)
	}
	payload, _, err := ser.Serialize(context.Background(), topic, newBenchOrder())
	if err != nil {
		b.Fatal(err)
	}
	return payload
}

func BenchmarkProduceRaw(b *testing.B) {
	e, topic := benchSetup(b)
	payload := benchPayload(b, e, topic)
	pcl := e.client(b)
	defer pcl.Close()
	ctx := context.Background()
	var failed atomic.Int64
	promise := func(_ *kgo.Record, err error) {
		if err != nil {
			failed.Add(1)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		pcl.Produce(ctx, &kgo.Record{Topic: topic, Value: payload}, promise)
	}
	if err := pcl.Flush(ctx); err != nil || failed.Load() != 0 {
		b.Fatalf("flush: %v, %d failed", err, failed.Load())
	}
}

func BenchmarkProducePassthrough(b *testing.B) {
	e, topic := benchSetup(b)
	payload := benchPayload(b, e, topic)
	pcl := e.client(b)
	defer pcl.Close()
	p, err := producer.New[[]byte](pcl, nil, producer.Bytes())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var failed atomic.Int64
	callback := func(_ producer.Result, err error) {
		if err != nil {
			failed.Add(1)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := p.ProduceAsync(ctx, topic, nil, payload, callback); err != nil {
			b.Fatal(err)
		}
	}
	if err := p.Flush(ctx); err != nil || failed.Load() != 0 {
		b.Fatalf("flush: %v, %d failed", err, failed.Load())
	}
}

// fill produces n copies of payload to topic, untimed.
func fill(b *testing.B, e *benchEnv, topic string, payload []byte, n int) {
	b.Helper()
	b.StopTimer()
	defer b.StartTimer()
	pcl := e.client(b)
	defer pcl.Close()
	ctx := context.Background()
	for range n {
		pcl.Produce(ctx, &kgo.Record{Topic: topic, Value: payload}, nil)
	}
	if err := pcl.Flush(ctx); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkConsumeRaw(b *testing.B) {
	e, topic := benchSetup(b)
	payload := benchPayload(b, e, topic)
	fill(b, e, topic, payload, b.N)
	ccl := e.consumerClient(b, topic)
	defer ccl.Close()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	got, bytes := 0, 0
	for got < b.N {
		fs := ccl.PollRecords(ctx, 1000)
		fs.EachRecord(func(r *kgo.Record) {
			got++
			bytes += len(r.Value)
		})
	}
	b.StopTimer()
	if bytes != b.N*len(payload) {
		b.Fatalf("consumed %d bytes, want %d", bytes, b.N*len(payload))
	}
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
	c, err := consumer.New[[]byte](ccl, nil, consumer.Bytes(), opts...)
	if err != nil {
		b.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	b.ReportAllocs()
	b.ResetTimer()
	got, bytes := 0, 0
	err = c.Run(ctx, func(_ context.Context, r consumer.Record[[]byte, []byte]) error {
		got++
		bytes += len(r.Value)
		if got == b.N {
			stop()
		}
		return nil
	})
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	if bytes != b.N*len(payload) {
		b.Fatalf("consumed %d bytes, want %d", bytes, b.N*len(payload))
	}
}

// BenchmarkPassthroughRatio runs the halves above in interleaved rounds in
// one process (raw produce, srkit produce, raw consume, srkit consume; 8
// rounds of b.N records each, a fresh topic per half) and reports srkit's
// throughput as a fraction of raw kgo's on each side: produce-ratio and
// consume-ratio (1 is parity, above 1 faster than raw). Interleaving spreads
// the machine's load over both sides of each ratio.
func BenchmarkPassthroughRatio(b *testing.B) {
	const rounds = 8
	var raw, srkit [2]time.Duration // produce, consume
	for round := range rounds {
		for side := range 2 {
			// Alternate which goes first, so that neither side always
			// runs on a warmer (or more loaded) process.
			for _, viaSrkit := range []bool{round%2 == 1, round%2 == 0} {
				d := passthroughHalf(b, side == 1, viaSrkit)
				if viaSrkit {
					srkit[side] += d
				} else {
					raw[side] += d
				}
			}
		}
	}
	b.ReportMetric(float64(raw[0])/float64(srkit[0]), "produce-ratio")
	b.ReportMetric(float64(raw[1])/float64(srkit[1]), "consume-ratio")
	b.ReportMetric(float64(srkit[0]+srkit[1])/float64(rounds*b.N), "srkit-ns/record")
	b.ReportMetric(float64(raw[0]+raw[1])/float64(rounds*b.N), "raw-ns/record")
	b.ReportMetric(0, "ns/op")
}

// passthroughHalf moves b.N pre-serialized records one way (produce, or
// consume after an untimed fill) through plain kgo or srkit, and returns
// how long that took.
func passthroughHalf(b *testing.B, consume, viaSrkit bool) time.Duration {
	e, topic := benchSetup(b)
	// Delete the topic afterwards: kfake keeps every record in memory, and
	// a heap that grows round after round would slow the later halves.
	defer deleteTopic(b, e, topic)
	payload := benchPayload(b, e, topic)
	ctx := context.Background()
	n := b.N
	if !consume {
		pcl := e.client(b)
		defer pcl.Close()
		var failed atomic.Int64
		start := time.Now()
		if viaSrkit {
			p, err := producer.New[[]byte](pcl, nil, producer.Bytes())
			if err != nil {
				b.Fatal(err)
			}
			callback := func(_ producer.Result, err error) {
				if err != nil {
					failed.Add(1)
				}
			}
			start = time.Now()
			for range n {
				if err := p.ProduceAsync(ctx, topic, nil, payload, callback); err != nil {
					b.Fatal(err)
				}
			}
		} else {
			promise := func(_ *kgo.Record, err error) {
				if err != nil {
					failed.Add(1)
				}
			}
			for range n {
				pcl.Produce(ctx, &kgo.Record{Topic: topic, Value: payload}, promise)
			}
		}
		if err := pcl.Flush(ctx); err != nil || failed.Load() != 0 {
			b.Fatalf("flush: %v, %d failed", err, failed.Load())
		}
		return time.Since(start)
	}
	fill(b, e, topic, payload, n)
	ccl := e.consumerClient(b, topic)
	defer ccl.Close()
	got, bytes := 0, 0
	var start time.Time
	if viaSrkit {
		c, err := consumer.New[[]byte](ccl, nil, consumer.Bytes())
		if err != nil {
			b.Fatal(err)
		}
		runCtx, stop := context.WithCancel(ctx)
		defer stop()
		start = time.Now()
		err = c.Run(runCtx, func(_ context.Context, r consumer.Record[[]byte, []byte]) error {
			got++
			bytes += len(r.Value)
			if got == n {
				stop()
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	} else {
		start = time.Now()
		for got < n {
			ccl.PollRecords(ctx, 1000).EachRecord(func(r *kgo.Record) {
				got++
				bytes += len(r.Value)
			})
		}
	}
	d := time.Since(start)
	if bytes != n*len(payload) {
		b.Fatalf("consumed %d bytes, want %d", bytes, n*len(payload))
	}
	return d
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
