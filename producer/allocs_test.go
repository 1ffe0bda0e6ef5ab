package producer_test

import (
	"context"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/srkit-go/srkit/internal/kafkatest"
	"github.com/srkit-go/srkit/producer"
)

// Once warm, handing a record to kgo costs the producer no allocation of
// its own, whether the caller's context can be cancelled or not: what
// remains is kgo's share of a batch, a fraction of an allocation per
// record.
func TestProduceAsyncAllocations(t *testing.T) {
	if testing.Short() {
		t.Skip("measures allocations over many records")
	}
	e := kafkatest.NewEnv(t, "raw")
	cl := e.KafkaClient(t, kgo.MaxBufferedRecords(1<<20))
	p, err := producer.New(cl, producer.Bytes(), producer.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	key, value := []byte("k"), []byte("a pre-serialized value")
	cancellable, cancel := context.WithCancel(context.Background())
	defer cancel()
	for name, ctx := range map[string]context.Context{"background": context.Background(), "cancellable": cancellable} {
		produce := func() {
			if err := p.ProduceAsync(ctx, "raw", key, value, nil); err != nil {
				t.Fatal(err)
			}
		}
		for range 1000 { // warm the pool and kgo's partition buffers
			produce()
		}
		if err := p.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n := testing.AllocsPerRun(5000, produce); n >= 0.5 {
			t.Errorf("%s context: %.2f allocations per record, want kgo's fraction only", name, n)
		}
		if err := p.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}
