package producer_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

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
	rec := new(recorder)
	p, err := producer.New(cl, producer.String(), e.Serializer(t, serde.Value),
		producer.DeadLetterTopic("not a valid topic name!"),
		producer.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
		producer.WithHooks(rec))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := p.Produce(ctx, "orders", "k", &order{ID: 1, Status: "BOGUS"})
	if err == nil || !errors.Is(res.DeadLetter, avro.ErrInvalidValue) {
		t.Fatalf("Produce: result %+v, error %v; want the write error and the serialization error in DeadLetter", res, err)
	}
	produced, dead := rec.events()
	if len(dead) != 1 || dead[0].Err == nil || dead[0].Topic != "not a valid topic name!" || !errors.Is(dead[0].Cause, avro.ErrInvalidValue) {
		t.Fatalf("dead-letter events %+v, want the failed write", dead)
	}
	if len(produced) != 1 || produced[0].Err == nil || !produced[0].DeadLettered || produced[0].Offset != -1 {
		t.Fatalf("produce events %+v, want the failed dead letter", produced)
	}
	f, err := p.Send(ctx, "orders", "k", &order{ID: 2, Status: "BOGUS"})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := f.Wait(ctx); err == nil || res.DeadLetter == nil {
		t.Fatalf("Send: result %+v, error %v", res, err)
	}
}

// Records kgo retries (the broker answers NOT_LEADER_FOR_PARTITION to the
// first produce requests) keep their bytes: the pooled buffers are not
// recycled before kgo is done, each record is reported once and arrives
// once, intact.
func TestRetriedRecordsStayIntact(t *testing.T) {
	e := kafkatest.NewEnv(t, "orders")
	var failedRequests atomic.Int32
	e.Cluster.ControlKey(int16(kmsg.Produce), func(kr kmsg.Request) (kmsg.Response, error, bool) {
		e.Cluster.KeepControl()
		if failedRequests.Add(1) > 5 {
			return nil, nil, false
		}
		req := kr.(*kmsg.ProduceRequest)
		resp := req.ResponseKind().(*kmsg.ProduceResponse)
		for _, rt := range req.Topics {
			st := kmsg.NewProduceResponseTopic()
			st.Topic, st.TopicID = rt.Topic, rt.TopicID
			for _, rp := range rt.Partitions {
				sp := kmsg.NewProduceResponseTopicPartition()
				sp.Partition = rp.Partition
				sp.ErrorCode = kerr.NotLeaderForPartition.Code
				st.Partitions = append(st.Partitions, sp)
			}
			resp.Topics = append(resp.Topics, st)
		}
		return resp, nil, true
	})
	cl := e.KafkaClient(t, kgo.ProducerLinger(time.Millisecond), kgo.MetadataMinAge(10*time.Millisecond),
		kgo.RetryBackoffFn(func(int) time.Duration { return time.Millisecond }))
	p, err := producer.New(cl, producer.String(), e.Serializer(t, serde.Value))
	if err != nil {
		t.Fatal(err)
	}
	const goroutines, each = 8, 100
	reported := make([]atomic.Int32, goroutines*each)
	var wg, cbs sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				id := g*each + i
				cbs.Add(1)
				err := p.ProduceAsync(context.Background(), "orders", strconv.Itoa(id), &order{ID: id, Item: strings.Repeat("x", id%50), Status: "NEW"},
					func(_ producer.Result, err error) {
						defer cbs.Done()
						if err != nil {
							t.Errorf("record %d: %v", id, err)
						}
						reported[id].Add(1)
					})
				if err != nil {
					t.Error(err)
					cbs.Done()
				}
			}
		}()
	}
	wg.Wait()
	cbs.Wait()
	if failedRequests.Load() <= 5 {
		t.Fatalf("only %d produce requests: no retry happened", failedRequests.Load())
	}
	d := e.Deserializer(t, serde.Value)
	seen := map[int]bool{}
	for _, r := range e.ConsumeN(t, "orders", goroutines*each) {
		v, err := d.Deserialize(context.Background(), r.Topic, r.Value, nil)
		if err != nil || string(r.Key) != strconv.Itoa(v.ID) || v.Item != strings.Repeat("x", v.ID%50) || seen[v.ID] {
			t.Fatalf("record key %q holds %+v (%v), seen before: %v", r.Key, v, err, seen[v.ID])
		}
		seen[v.ID] = true
	}
	for id := range reported {
		if n := reported[id].Load(); n != 1 {
			t.Fatalf("record %d reported %d times", id, n)
		}
	}
}
