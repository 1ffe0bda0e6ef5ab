package consumer_test

import (
	"context"
	"encoding/binary"
	"sync/atomic"
	"testing"

	havro "github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/kgo"
)

// BenchmarkEndToEndHandRolled is what a service does without srkit, with the
// same codec: hamba Marshal and Unmarshal of the same order, the 5-byte
// Confluent prefix written and parsed by hand, plain kgo. Typed's ns/op over
// HandRolled's is srkit's cost with the format's work included on both
// sides (the schema ID is fixed here; srkit resolves it once and caches it).
func BenchmarkEndToEndHandRolled(b *testing.B) {
	e, topic := benchSetup(b)
	schema, err := havro.ParseWithCache(benchSchema, "", &havro.SchemaCache{})
	if err != nil {
		b.Fatal(err)
	}
	api := havro.Config{}.Freeze()
	v := newBenchOrder()
	pcl := e.client(b)
	defer pcl.Close()
	ccl := e.consumerClient(b, topic)
	defer ccl.Close()
	ctx := context.Background()
	var failed atomic.Int64
	promise := func(_ *kgo.Record, err error) {
		if err != nil {
			failed.Add(1)
		}
	}
	const schemaID = 1
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		body, err := api.Marshal(schema, v)
		if err != nil {
			b.Fatal(err)
		}
		payload := make([]byte, 5, 5+len(body))
		binary.BigEndian.PutUint32(payload[1:], schemaID)
		pcl.Produce(ctx, &kgo.Record{Topic: topic, Value: append(payload, body...)}, promise)
	}
	if err := pcl.Flush(ctx); err != nil || failed.Load() != 0 {
		b.Fatalf("flush: %v, %d failed", err, failed.Load())
	}
	var got, intact int
	for got < b.N {
		ccl.PollRecords(ctx, 1000).EachRecord(func(r *kgo.Record) {
			got++
			if len(r.Value) < 5 || r.Value[0] != 0 || binary.BigEndian.Uint32(r.Value[1:5]) != schemaID {
				return
			}
			var o benchOrder
			if api.Unmarshal(schema, r.Value[5:], &o) == nil && sameOrder(o, v) {
				intact++
			}
		})
	}
	b.StopTimer()
	if intact != b.N {
		b.Fatalf("%d of %d records intact", intact, b.N)
	}
}
