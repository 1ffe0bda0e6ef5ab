package producer_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/srkit-go/srkit/internal/kafkatest"
	"github.com/srkit-go/srkit/producer"
)

// contextProbe is a kgo hook that checks, as kgo and its plugins may at
// any time, that a record's context keeps the context contract: Done
// returns the same value on every call, and Err is nil until Done is
// closed and non-nil after. Records are told apart by the probeKey value
// in their context.
type contextProbe struct {
	t    *testing.T
	mu   sync.Mutex
	seen map[int]probed
}

// probed is a record's context and its Done as seen while buffering.
type probed struct {
	ctx  context.Context
	done <-chan struct{}
}

func (c *contextProbe) OnProduceRecordBuffered(r *kgo.Record) {
	id, _ := r.Context.Value(probeKey{}).(int)
	c.mu.Lock()
	c.seen[id] = probed{r.Context, r.Context.Done()}
	c.mu.Unlock()
	checkErr(c.t, "buffered", r.Context)
}

func (c *contextProbe) OnProduceRecordUnbuffered(r *kgo.Record, _ error) {
	id, _ := r.Context.Value(probeKey{}).(int)
	c.check("unbuffered", id, r.Context)
}

// check compares the Done of record id's context ctx with the one seen
// while buffering.
func (c *contextProbe) check(when string, id int, ctx context.Context) {
	c.t.Helper()
	c.mu.Lock()
	p, ok := c.seen[id]
	c.mu.Unlock()
	if !ok {
		c.t.Errorf("%s: record %d never seen buffered", when, id)
		return
	}
	if ctx == nil {
		ctx = p.ctx
	}
	if got := ctx.Done(); got != p.done {
		c.t.Errorf("%s: record %d's context's Done returns %v, while it was buffered %v", when, id, got, p.done)
	}
	checkErr(c.t, when, ctx)
}

// checkErr fails unless ctx.Err() is consistent with ctx.Done().
func checkErr(t *testing.T, when string, ctx context.Context) {
	t.Helper()
	closed := false
	if d := ctx.Done(); d != nil {
		select {
		case <-d:
			closed = true
		default:
		}
	}
	if err := ctx.Err(); closed != (err != nil) {
		t.Errorf("%s: Done closed %v but Err %v", when, closed, err)
	}
}

type probeKey struct{}

// Regression (issue 10, item 10): the context ProduceAsync handed to kgo
// returned the caller's Done channel while the record was being buffered
// and nil after, and its Err followed; kgo and plugins that call Done at
// another moment saw a different context. Now the record's context is the
// same before, during and after the hand-off, whether the caller's
// context ends or not, and carries the caller's values; the record is
// delivered although the caller's context ended right after the call.
func TestProduceAsyncRecordContextKeepsContract(t *testing.T) {
	e := kafkatest.NewEnv(t, "orders")
	probe := &contextProbe{t: t, seen: map[int]probed{}}
	cl := e.KafkaClient(t, kgo.WithHooks(probe), kgo.ProducerLinger(5*time.Millisecond))
	p, err := producer.New[[]byte](cl, nil, producer.String())
	if err != nil {
		t.Fatal(err)
	}
	// Two rounds: the second reuses the first round's pending records.
	for round := range 2 {
		const n = 50
		var wg sync.WaitGroup
		wg.Add(n)
		for i := range n {
			id := round*n + i
			ctx, cancel := context.WithCancel(context.WithValue(context.Background(), probeKey{}, id))
			err := p.ProduceAsync(ctx, "orders", nil, "v", func(_ producer.Result, err error) {
				defer wg.Done()
				if err != nil {
					t.Errorf("record %d: %v", id, err)
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			probe.check("returned", id, nil)
			cancel()
			probe.check("caller's context cancelled", id, nil)
		}
		wg.Wait()
	}
	probe.mu.Lock()
	defer probe.mu.Unlock()
	if len(probe.seen) != 100 {
		t.Fatalf("%d records seen buffered, want 100", len(probe.seen))
	}
	for id, p := range probe.seen {
		if v, _ := p.ctx.Value(probeKey{}).(int); v != id {
			t.Fatalf("record %d's context lost the caller's values (%v)", id, p.ctx.Value(probeKey{}))
		}
	}
}

// A caller whose context has already ended waits for nothing and sends
// nothing: the callback reports the context's error, whether or not the
// client has room.
func TestProduceAsyncEndedContext(t *testing.T) {
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	t.Run("room", func(t *testing.T) {
		e := kafkatest.NewEnv(t, "orders")
		p, err := producer.New[[]byte](e.KafkaClient(t), nil, producer.String())
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		if err := p.ProduceAsync(ended, "orders", nil, "not sent", func(_ producer.Result, err error) { done <- err }); err != nil {
			t.Fatal(err)
		}
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("record with an ended context: %v, want context.Canceled", err)
		}
		if _, err := p.Produce(context.Background(), "orders", nil, "sent"); err != nil {
			t.Fatal(err)
		}
		if r := e.ConsumeN(t, "orders", 1); string(r[0].Value) != "sent" {
			t.Fatalf("topic holds %q", r[0].Value)
		}
	})
	t.Run("full", func(t *testing.T) {
		cl, err := kgo.NewClient(kgo.SeedBrokers(blackHole(t)), kgo.MaxBufferedRecords(1))
		if err != nil {
			t.Fatal(err)
		}
		defer cl.Close()
		p, err := producer.New[[]byte](cl, nil, producer.String())
		if err != nil {
			t.Fatal(err)
		}
		if err := p.ProduceAsync(context.Background(), "orders", nil, "fills the buffer", nil); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		if err := p.ProduceAsync(ended, "orders", nil, "v", func(_ producer.Result, err error) { done <- err }); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("record with no room and an ended context: %v, want context.Canceled", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a record with an ended context waits for buffer space")
		}
	})
}

// stealHook makes another user of the client take the buffer's last slot
// while a record of the producer is in Produce, after the producer saw
// room for it.
type stealHook struct {
	cl    atomic.Pointer[kgo.Client]
	stole atomic.Bool
}

func (h *stealHook) OnProduceRecordBuffered(r *kgo.Record) {
	if string(r.Value) == "victim" && h.stole.CompareAndSwap(false, true) {
		h.cl.Load().TryProduce(context.Background(), &kgo.Record{Topic: "orders", Value: []byte("thief")}, nil)
	}
}

// When another user of the client takes the room the producer saw for a
// record, kgo's Produce waits for space: the caller's context still ends
// that wait (within the hand-off grace), and the record is reported with
// the context's error.
func TestProduceAsyncRoomTakenByAnotherUser(t *testing.T) {
	hook := &stealHook{}
	cl, err := kgo.NewClient(kgo.SeedBrokers(blackHole(t)), kgo.MaxBufferedRecords(1), kgo.WithHooks(hook))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	hook.cl.Store(cl)
	p, err := producer.New[[]byte](cl, nil, producer.String())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	returned := make(chan error, 1)
	go func() {
		returned <- p.ProduceAsync(ctx, "orders", nil, "victim", func(_ producer.Result, err error) { done <- err })
	}()
	select {
	case err := <-returned:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ProduceAsync still waits for buffer space another user took, long after its context ended")
	}
	if !hook.stole.Load() {
		t.Fatal("the hook did not take the room")
	}
	if err := <-done; !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("record: %v, want context.DeadlineExceeded", err)
	}
}
