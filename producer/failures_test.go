package producer_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/internal/kafkatest"
	"github.com/srkit-go/srkit/producer"
	"github.com/srkit-go/srkit/serde"
)

// Records kgo fails before buffering them (here: too large for the
// client's buffer) are reported like any other failure, through Produce's
// error or the callback, exactly once; the pooled records they used go on
// to carry other records intact.
func TestRecordsFailedBeforeBuffering(t *testing.T) {
	e := kafkatest.NewEnv(t, "orders")
	cl := e.KafkaClient(t, kgo.MaxBufferedBytes(512))
	p, err := producer.New[[]byte](cl, nil, producer.String())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	huge := strings.Repeat("x", 1024)
	if _, err := p.Produce(ctx, "orders", nil, huge); !errors.Is(err, kerr.MessageTooLarge) {
		t.Fatalf("Produce of a record larger than the buffer: %v, want kerr.MessageTooLarge", err)
	}
	const n = 200
	var wg sync.WaitGroup
	var tooLarge, delivered atomic.Int32
	for i := range n {
		wg.Add(1)
		value := "small"
		if i%2 == 0 {
			value = huge
		}
		cctx, cancel := context.WithCancel(ctx) // cancellable: the hand-off path
		err := p.ProduceAsync(cctx, "orders", nil, value, func(_ producer.Result, err error) {
			defer wg.Done()
			switch {
			case errors.Is(err, kerr.MessageTooLarge):
				tooLarge.Add(1)
			case err == nil:
				delivered.Add(1)
			default:
				t.Errorf("record %d: %v", i, err)
			}
		})
		cancel()
		if err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	if tooLarge.Load() != n/2 || delivered.Load() != n/2 {
		t.Fatalf("%d too large, %d delivered; want %d each", tooLarge.Load(), delivered.Load(), n/2)
	}
	for _, r := range e.ConsumeN(t, "orders", n/2) {
		if string(r.Value) != "small" {
			t.Fatalf("record value %q", r.Value)
		}
	}
}

// A record that failed to serialize and then could not be written to the
// dead-letter topic either is reported as failed, with the serialization
// error in Result.DeadLetter and the write error as the error; the hook
// sees both.
func TestDeadLetterWriteFails(t *testing.T) {
	e := kafkatest.NewEnv(t, "orders")
	cl := e.KafkaClient(t, kgo.RecordDeliveryTimeout(time.Second), kgo.UnknownTopicRetries(1))
	var hookErr atomic.Pointer[error]
	p, err := producer.New(cl, producer.String(), e.Serializer(t, serde.Value),
		producer.DeadLetterTopic("not a valid topic name!"),
		producer.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
		producer.WithHooks(producer.Hooks{OnDeadLetter: func(_, _ string, cause, produceErr error) {
			if errors.Is(cause, avro.ErrInvalidValue) {
				hookErr.Store(&produceErr)
			}
		}}))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := p.Produce(ctx, "orders", "k", &order{ID: 1, Status: "BOGUS"})
	if err == nil || !errors.Is(res.DeadLetter, avro.ErrInvalidValue) {
		t.Fatalf("Produce: result %+v, error %v; want the write error and the serialization error in DeadLetter", res, err)
	}
	if pe := hookErr.Load(); pe == nil || *pe == nil {
		t.Fatal("OnDeadLetter did not report the failed write")
	}
	f, err := p.Send(ctx, "orders", "k", &order{ID: 2, Status: "BOGUS"})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := f.Wait(ctx); err == nil || res.DeadLetter == nil {
		t.Fatalf("Send: result %+v, error %v", res, err)
	}
}
