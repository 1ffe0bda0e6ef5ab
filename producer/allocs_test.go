package producer_test

import (
	"context"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/srkit-go/srkit/internal/kafkatest"
	"github.com/srkit-go/srkit/internal/race"
	"github.com/srkit-go/srkit/producer"
)

// Once warm, a record whose pending state is pooled (with a produce hook
// here; a serializer's buffers, headers or a cancellable context do the
// same) costs the producer no allocation of its own: what remains is kgo's
// share of a batch, a fraction of an allocation per record. A lean record
// (raw bytes, no headers, a context that cannot end) costs one, its
// 192-byte pending record, in place of the kgo.Record a caller of kgo's
// Produce allocates. A cancellable context costs three more than the
// pooled case, the standard contexts that keep the context contract
// (context.WithoutCancel for the record's context, context.AfterFunc's
// registration to bound the wait for buffer space).
func TestProduceAsyncAllocations(t *testing.T) {
	if testing.Short() || race.Enabled {
		t.Skip("measures allocations over many records, without the race detector")
	}
	e := kafkatest.NewEnv(t, "raw")
	cl := e.KafkaClient(t, kgo.MaxBufferedRecords(1<<20))
	p, err := producer.New(cl, producer.Bytes(), producer.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	hooked, err := producer.New(cl, producer.Bytes(), producer.Bytes(), producer.WithHooks(nopHook{}))
	if err != nil {
		t.Fatal(err)
	}
	key, value := []byte("k"), []byte("a pre-serialized value")
	cancellable, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, c := range []struct {
		name string
		p    *producer.Producer[[]byte, []byte]
		ctx  context.Context
		own  float64 // the producer's allocations per record
	}{
		{"lean", p, context.Background(), 1},
		{"cancellable", p, cancellable, 3},
		{"pooled (no-op hook)", hooked, context.Background(), 0},
	} {
		ctx, p := c.ctx, c.p
		produce := func() {
			if err := p.ProduceAsync(ctx, "raw", key, value, nil); err != nil {
				t.Fatal(err)
			}
		}
		for range 6000 { // warm the pool (as many as are measured) and kgo's partition buffers
			produce()
		}
		if err := p.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		n := testing.AllocsPerRun(5000, produce)
		t.Logf("%s context: %.2f allocations per record", c.name, n)
		if n >= c.own+0.5 {
			t.Errorf("%s context: %.2f allocations per record, want %.0f and kgo's fraction", c.name, n, c.own)
		}
		if err := p.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}

// BenchmarkProduceAsync hands pre-serialized records to kgo (on kfake),
// with a context that cannot end and with a cancellable one, reporting the
// producer's allocations per record beside kgo's.
func BenchmarkProduceAsync(b *testing.B) {
	e := kafkatest.NewEnv(b, "raw")
	cl := e.KafkaClient(b, kgo.MaxBufferedRecords(1<<20))
	p, err := producer.New(cl, producer.Bytes(), producer.Bytes())
	if err != nil {
		b.Fatal(err)
	}
	key, value := []byte("k"), []byte("a pre-serialized value")
	cancellable, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, bc := range []struct {
		name string
		ctx  context.Context
	}{{"background", context.Background()}, {"cancellable", cancellable}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				if err := p.ProduceAsync(bc.ctx, "raw", key, value, nil); err != nil {
					b.Fatal(err)
				}
			}
			if err := p.Flush(context.Background()); err != nil {
				b.Fatal(err)
			}
		})
	}
}
