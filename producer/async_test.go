package producer_test

import (
	"context"
	"errors"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/srkit-go/srkit/internal/kafkatest"
	"github.com/srkit-go/srkit/producer"
	"github.com/srkit-go/srkit/serde"
)

// blackHole is a "broker" that accepts connections and never answers: the
// records sent to it stay buffered in the client.
func blackHole(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}

// Many goroutines call ProduceAsync at once on a client whose buffer is
// full and does not drain: every call returns once its context ends (none
// waits for room the context no longer allows), and every record is
// reported exactly once, the ones that found room with the client's own
// error, the others with their context's.
func TestProduceAsyncFullBufferHonoursContext(t *testing.T) {
	const room, callers = 4, 32
	cl, err := kgo.NewClient(kgo.SeedBrokers(blackHole(t)), kgo.MaxBufferedRecords(room))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	p, err := producer.New[[]byte](cl, nil, producer.String())
	if err != nil {
		t.Fatal(err)
	}
	var reported sync.WaitGroup
	var ctxErrs, otherErrs, delivered atomic.Int32
	reported.Add(callers)
	callback := func(_ producer.Result, err error) {
		defer reported.Done()
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			ctxErrs.Add(1)
		case err != nil:
			otherErrs.Add(1)
		default:
			delivered.Add(1)
		}
	}
	var calls sync.WaitGroup
	start := make(chan struct{})
	for i := range callers {
		calls.Add(1)
		go func() {
			defer calls.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			<-start
			if err := p.ProduceAsync(ctx, "orders", nil, strconv.Itoa(i), callback); err != nil {
				t.Errorf("ProduceAsync: %v", err)
				reported.Done()
			}
		}()
	}
	close(start)
	returned := make(chan struct{})
	go func() { calls.Wait(); close(returned) }()
	select {
	case <-returned:
	case <-time.After(30 * time.Second):
		t.Fatal("ProduceAsync calls still waiting for buffer space long after their contexts ended")
	}
	cl.Close() // fails the records that found room
	reported.Wait()
	if ctxErrs.Load() != callers-room || otherErrs.Load() != room || delivered.Load() != 0 {
		t.Fatalf("%d context errors, %d other errors, %d delivered; want %d, %d, 0",
			ctxErrs.Load(), otherErrs.Load(), delivered.Load(), callers-room, room)
	}
}

// Request handlers producing at once through a small client buffer, each
// with a context that may end at any moment: every record is reported
// exactly once, and the ones reported delivered are in the topic exactly
// once and intact, the others not at all.
func TestProduceAsyncConcurrentCancellations(t *testing.T) {
	e := kafkatest.NewEnv(t, "orders")
	cl := e.KafkaClient(t, kgo.MaxBufferedRecords(16), kgo.ProducerLinger(time.Millisecond))
	p, err := producer.New(cl, producer.String(), e.Serializer(t, serde.Value))
	if err != nil {
		t.Fatal(err)
	}
	const goroutines, each = 16, 150
	const total = goroutines * each
	outcome := make([]atomic.Int32, total) // 1 delivered, 2 failed; more: reported twice
	var reported sync.WaitGroup
	reported.Add(total)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				id := g*each + i
				ctx, cancel := context.WithTimeout(context.Background(), time.Duration(id%7)*100*time.Microsecond)
				err := p.ProduceAsync(ctx, "orders", strconv.Itoa(id), &order{ID: id, Item: strconv.Itoa(id * 7), Status: "NEW"},
					func(_ producer.Result, err error) {
						defer reported.Done()
						if err == nil {
							outcome[id].Add(1)
							return
						}
						if !errors.Is(err, context.DeadlineExceeded) {
							t.Errorf("record %d: %v", id, err)
						}
						outcome[id].Add(2)
					})
				cancel()
				if err != nil {
					var se *producer.SerializeError
					if !errors.As(err, &se) || !errors.Is(err, context.DeadlineExceeded) {
						t.Errorf("record %d: %v", id, err)
					}
					outcome[id].Add(2)
					reported.Done()
				}
			}
		}()
	}
	wg.Wait()
	reported.Wait()
	var want int
	for id := range outcome {
		switch outcome[id].Load() {
		case 1:
			want++
		case 2:
		default:
			t.Fatalf("record %d reported %d", id, outcome[id].Load())
		}
	}
	t.Logf("%d of %d records delivered, the others' contexts ended first", want, total)
	d := e.Deserializer(t, serde.Value)
	for _, r := range e.ConsumeN(t, "orders", want) {
		v, err := d.Deserialize(context.Background(), r.Topic, r.Value, nil)
		if err != nil {
			t.Fatal(err)
		}
		if string(r.Key) != strconv.Itoa(v.ID) || v.Item != strconv.Itoa(v.ID*7) {
			t.Fatalf("record key %q holds %+v", r.Key, v)
		}
		if outcome[v.ID].Load() != 1 {
			t.Fatalf("record %d is in the topic but was reported %d", v.ID, outcome[v.ID].Load())
		}
		outcome[v.ID].Store(-1) // seen
	}
}

type traceKey struct{}

// tracingHook does to records what a tracing plugin (plugin/kotel) does:
// it reads the record's context, adds a header when the record is buffered
// and reads the record again when kgo is done with it.
type tracingHook struct {
	t     *testing.T
	deser interface {
		Deserialize(ctx context.Context, topic string, payload []byte, hs []serde.Header) (order, error)
	}
	unbuffered atomic.Int32
}

func (h *tracingHook) OnProduceRecordBuffered(r *kgo.Record) {
	id, _ := r.Context.Value(traceKey{}).(string)
	r.Headers = append(r.Headers, kgo.RecordHeader{Key: "traceparent", Value: []byte(id)})
}

func (h *tracingHook) OnProduceRecordUnbuffered(r *kgo.Record, err error) {
	h.unbuffered.Add(1)
	id, _ := r.Context.Value(traceKey{}).(string)
	if err != nil {
		h.t.Errorf("record %s: %v", id, err)
		return
	}
	if r.Context.Err() != nil {
		h.t.Errorf("record %s: its context ended with the caller's: %v", id, r.Context.Err())
	}
	v, derr := h.deser.Deserialize(context.Background(), r.Topic, r.Value, nil)
	if derr != nil || strconv.Itoa(v.ID) != id || string(r.Key) != id {
		h.t.Errorf("record %s, once acknowledged, holds key %q value %+v (%v)", id, r.Key, v, derr)
	}
}

// kgo hooks see each record as it was produced, with the caller's context
// values, from the moment it is buffered until kgo is done with it, however
// the producer recycles records and buffers, and although the callers'
// contexts have ended.
func TestKgoHooksSeeIntactRecords(t *testing.T) {
	e := kafkatest.NewEnv(t, "orders")
	hook := &tracingHook{t: t, deser: e.Deserializer(t, serde.Value)}
	cl := e.KafkaClient(t, kgo.WithHooks(hook), kgo.ProducerLinger(2*time.Millisecond))
	p, err := producer.New(cl, producer.String(), e.Serializer(t, serde.Value))
	if err != nil {
		t.Fatal(err)
	}
	const goroutines, each = 8, 100
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				id := strconv.Itoa(g*each + i)
				ctx, cancel := context.WithCancel(context.WithValue(context.Background(), traceKey{}, id))
				err := p.ProduceAsync(ctx, "orders", id, &order{ID: g*each + i, Item: id, Status: "NEW"}, nil)
				cancel()
				if err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if err := p.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := hook.unbuffered.Load(); n != goroutines*each {
		t.Fatalf("%d records unbuffered, want %d", n, goroutines*each)
	}
	for _, r := range e.ConsumeN(t, "orders", goroutines*each) {
		if h, _ := kafkatest.Header(r, "traceparent"); string(h) != string(r.Key) {
			t.Fatalf("record %s carries trace header %q", r.Key, h)
		}
	}
}
