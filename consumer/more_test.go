package consumer_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/consumer"
	"github.com/srkit-go/srkit/internal/kafkatest"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// A registry outage while deserializing is retried, and never skipped: the
// records are fine, the registry is not.
func TestRegistryOutageIsRetriedNotSkipped(t *testing.T) {
	e := newEnv(t)
	if err := e.CreateTopic("orders", 1); err != nil {
		t.Fatal(err)
	}
	e.produceOrders(t, "orders", 0, 5)
	// A deserializer with cold caches, on a registry client that does not
	// retry by itself.
	newDeser := func() *serde.Deserializer[order] {
		rc, err := e.Mock.Client(registry.Retries(0, time.Millisecond, time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { rc.Close() })
		d, err := avro.NewDeserializer[order](rc, serde.Value)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	ctx, cancel := testContext(t)
	defer cancel()

	t.Run("passing outage", func(t *testing.T) {
		e.Mock.Registry.InjectFault(mockregistry.Fault{Path: "/schemas/ids/", Status: 503, Times: 2})
		defer e.Mock.Registry.ClearFaults()
		var logs kafkatest.SyncBuffer
		cl := e.groupClient(t, "g1", []string{"orders"}, consumer.GroupOptions()...)
		c, err := consumer.New(cl, consumer.String(), newDeser(), consumer.OnError(consumer.Skip),
			consumer.TransientRetries(5, time.Millisecond), consumer.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
		if err != nil {
			t.Fatal(err)
		}
		runCtx, stop := context.WithCancel(ctx)
		col := newCollector(t, 5, stop)
		if err := c.Run(runCtx, col.handle); err != nil {
			t.Fatal(err)
		}
		if col.count() != 5 || strings.Contains(logs.String(), "skipping") {
			t.Fatalf("handled %d of 5; log:\n%s", col.count(), logs.String())
		}
		if n := strings.Count(logs.String(), "retrying"); n != 2 {
			t.Fatalf("%d retry log lines, want 2:\n%s", n, logs.String())
		}
	})

	t.Run("lasting outage", func(t *testing.T) {
		e.Mock.Registry.InjectFault(mockregistry.Fault{Path: "/schemas/ids/", Status: 503})
		defer e.Mock.Registry.ClearFaults()
		cl := e.groupClient(t, "g2", []string{"orders"}, consumer.GroupOptions()...)
		c, err := consumer.New(cl, consumer.String(), newDeser(), consumer.OnError(consumer.Skip),
			consumer.TransientRetries(3, time.Millisecond), consumer.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
		if err != nil {
			t.Fatal(err)
		}
		col := newCollector(t, 5, nil)
		err = c.Run(ctx, col.handle)
		var re *consumer.RecordError
		if !errors.As(err, &re) || re.Offset != 0 || !errors.Is(err, registry.ErrorCode(503)) {
			t.Fatalf("Run: %v, want a RecordError at offset 0 wrapping the 503", err)
		}
		if col.count() != 0 {
			t.Fatalf("handled %d records during the outage", col.count())
		}
		// Nothing was skipped: the group has committed nothing.
		lagOf(t, e, "g2", "orders", 5)
	})
}

type ctxKey struct{}

// kgoKey is the key of the value recordContext puts in every fetched
// record's kgo context, as plugin/kotel puts its consume span there.
type kgoKey struct{}

type recordContext struct{}

func (recordContext) OnFetchRecordBuffered(r *kgo.Record) {
	r.Context = context.WithValue(context.Background(), kgoKey{}, r.Offset)
}

// Every record is reported once, with its outcome, in the context its
// handler got: one with the values of the record's kgo context and of
// OnRecordStart, and the consumer's cancellation. Commits and lag are
// reported too.
func TestHooks(t *testing.T) {
	e := newEnv(t)
	if err := e.CreateTopic("orders", 1); err != nil {
		t.Fatal(err)
	}
	e.produceOrders(t, "orders", 0, 3)
	bad := e.produceRaw(t, "orders", "bad", []byte("garbage"))
	e.produceOrders(t, "orders", 3, 6)
	cl := e.groupClient(t, "g", []string{"orders"}, kgo.DisableAutoCommit(), kgo.WithHooks(recordContext{}))
	ctx, cancel := testContext(t)
	defer cancel()
	rec := &recorder{start: func(ctx context.Context, r *kgo.Record) context.Context {
		return context.WithValue(ctx, ctxKey{}, r.Offset)
	}}
	col := newCollector(t, 6, cancel)
	c := newConsumer(t, e, cl, consumer.OnError(consumer.Skip), consumer.WithHooks(rec))
	err := c.Run(ctx, func(hctx context.Context, r consumer.Record[string, order]) error {
		if hctx.Value(ctxKey{}) != r.Offset || hctx.Value(kgoKey{}) != r.Offset {
			t.Errorf("record %d: handler context without the values of OnRecordStart and of the record's kgo context", r.Offset)
		}
		if hctx.Done() == nil {
			t.Errorf("record %d: handler context cannot be cancelled", r.Offset)
		}
		return col.handle(hctx, r)
	})
	if err != nil {
		t.Fatal(err)
	}
	events := rec.recordEvents()
	if len(events) != 7 {
		t.Fatalf("%d record events, want 7: %+v", len(events), events)
	}
	for i, ev := range events {
		want := consumer.Handled
		if ev.Offset == bad {
			want = consumer.Skipped
		}
		var re *consumer.RecordError
		switch {
		case ev.Offset != int64(i) || ev.Topic != "orders" || ev.Partition != 0 || ev.Outcome != want || ev.Duration <= 0:
			t.Errorf("event %d: %+v, want offset %d %s", i, ev, i, want)
		case want == consumer.Handled && ev.Err != nil, want == consumer.Skipped && !errors.As(ev.Err, &re):
			t.Errorf("event %d: error %v", i, ev.Err)
		case rec.contexts[i].Value(ctxKey{}) != ev.Offset:
			t.Errorf("event %d: not in the record's context", i)
		}
	}
	if len(rec.commits) == 0 {
		t.Fatal("no commit reported")
	}
	for _, cm := range rec.commits {
		if cm.Err != nil || cm.Partitions != 1 {
			t.Errorf("commit %+v, want 1 partition, no error", cm)
		}
	}
	if len(rec.lags) == 0 || rec.lags[len(rec.lags)-1] != (consumer.LagEvent{Topic: "orders", Partition: 0, Lag: 0}) {
		t.Fatalf("lag events %+v, want the last at 0", rec.lags)
	}
}

// Poll reports the records its error policy took: the caller handles the
// rest.
func TestHooksPoll(t *testing.T) {
	e := newEnv(t)
	if err := e.CreateTopic("orders", 1); err != nil {
		t.Fatal(err)
	}
	e.produceOrders(t, "orders", 0, 2)
	bad := e.produceRaw(t, "orders", "bad", []byte("garbage"))
	cl := e.groupClient(t, "g", []string{"orders"}, kgo.DisableAutoCommit())
	ctx, cancel := testContext(t)
	defer cancel()
	rec := new(recorder)
	c := newConsumer(t, e, cl, consumer.OnError(consumer.Skip), consumer.WithHooks(rec))
	got := 0
	for got < 2 {
		rs, err := c.Poll(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got += len(rs)
	}
	events := rec.recordEvents()
	if len(events) != 1 || events[0].Offset != bad || events[0].Outcome != consumer.Skipped {
		t.Fatalf("record events %+v, want the skipped record only", events)
	}
	if len(rec.lags) == 0 {
		t.Fatal("no lag reported")
	}
}

// A hook value that implements no consumer hook is refused.
func TestWithHooksRefusesNonHooks(t *testing.T) {
	e := newEnv(t, "orders")
	_, err := consumer.New(e.KafkaClient(t), consumer.String(), consumer.Bytes(), consumer.WithHooks(42))
	if err == nil || !strings.Contains(err.Error(), "implements no consumer Hook") {
		t.Fatalf("New with a non-hook: %v", err)
	}
}

// Several partitions handled at once; each partition's records in order.
func TestConcurrency(t *testing.T) {
	e := newEnv(t)
	if err := e.CreateTopic("orders", 6); err != nil {
		t.Fatal(err)
	}
	const n = 1200
	e.produceOrders(t, "orders", 0, n)
	cl := e.groupClient(t, "g", []string{"orders"}, consumer.GroupOptions()...)
	ctx, cancel := testContext(t)
	defer cancel()
	col := newCollector(t, n, cancel)
	var inFlight, maxInFlight atomic.Int32
	c := newConsumer(t, e, cl, consumer.Concurrency(4))
	err := c.Run(ctx, func(ctx context.Context, r consumer.Record[string, order]) error {
		cur := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			m := maxInFlight.Load()
			if cur <= m || maxInFlight.CompareAndSwap(m, cur) {
				break
			}
		}
		return col.handle(ctx, r)
	})
	if err != nil {
		t.Fatal(err)
	}
	if col.count() != n || col.distinct() != n {
		t.Fatalf("handled %d (%d distinct), want %d", col.count(), col.distinct(), n)
	}
	if maxInFlight.Load() > 4 {
		t.Fatalf("%d handlers ran at once, more than Concurrency(4)", maxInFlight.Load())
	}
	lagOf(t, e, "g", "orders", 0)
}

func TestPollAndCommit(t *testing.T) {
	e := newEnv(t, "orders")
	const n = 120
	e.produceOrders(t, "orders", 0, n)
	cl := e.groupClient(t, "g", []string{"orders"}, kgo.DisableAutoCommit())
	c := newConsumer(t, e, cl, consumer.MaxPollRecords(25))
	ctx, cancel := testContext(t)
	defer cancel()
	seen := map[int]bool{}
	var first []consumer.Record[string, order]
	for len(seen) < n {
		recs, err := c.Poll(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) > 25 {
			t.Fatalf("Poll returned %d records, more than MaxPollRecords(25)", len(recs))
		}
		for _, r := range recs {
			if seen[r.Value.ID] {
				t.Fatalf("record %d polled twice", r.Value.ID)
			}
			seen[r.Value.ID] = true
		}
		if first == nil {
			first = recs
			// Commit only the first batch, to check the lag below.
			if err := c.Commit(ctx, recs...); err != nil {
				t.Fatal(err)
			}
		}
	}
	lagOf(t, e, "g", "orders", int64(n-len(first)))
}

func TestWithoutGroup(t *testing.T) {
	e := newEnv(t)
	if err := e.CreateTopic("orders", 1); err != nil {
		t.Fatal(err)
	}
	e.produceOrders(t, "orders", 0, 10)
	cl := e.KafkaClient(t, kgo.ConsumeTopics("orders"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	c := newConsumer(t, e, cl)
	ctx, cancel := testContext(t)
	defer cancel()
	col := newCollector(t, 10, cancel)
	if err := c.Run(ctx, col.handle); err != nil {
		t.Fatal(err)
	}
	if col.count() != 10 {
		t.Fatalf("handled %d", col.count())
	}
	if _, err := c.Lag(context.Background()); !errors.Is(err, consumer.ErrNoGroup) {
		t.Fatalf("Lag without group: %v", err)
	}
	if err := c.Commit(context.Background()); !errors.Is(err, consumer.ErrNoGroup) {
		t.Fatalf("Commit without group: %v", err)
	}
}

func TestRunIsNotReentrant(t *testing.T) {
	e := newEnv(t, "orders")
	e.produceOrders(t, "orders", 0, 1)
	cl := e.groupClient(t, "g", []string{"orders"}, consumer.GroupOptions()...)
	c := newConsumer(t, e, cl)
	ctx, cancel := testContext(t)
	defer cancel()
	inside := make(chan struct{})
	done := make(chan error)
	go func() {
		done <- c.Run(ctx, func(context.Context, consumer.Record[string, order]) error {
			close(inside)
			<-ctx.Done()
			return nil
		})
	}()
	<-inside
	if err := c.Run(ctx, func(context.Context, consumer.Record[string, order]) error { return nil }); !errors.Is(err, consumer.ErrRunning) {
		t.Fatalf("second Run: %v", err)
	}
	if _, err := c.Poll(ctx); !errors.Is(err, consumer.ErrRunning) {
		t.Fatalf("Poll during Run: %v", err)
	}
	if err := c.Run(ctx, nil); err == nil {
		t.Fatal("nil handler accepted")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// Keys and values of any type, including schema-less ones.
func TestSchemalessDeserializers(t *testing.T) {
	ctx := context.Background()
	s, err := consumer.String().Deserialize(ctx, "t", []byte("héllo"), nil)
	if err != nil || s != "héllo" {
		t.Fatalf("String: %q, %v", s, err)
	}
	b := []byte{1, 2, 3}
	got, err := consumer.Bytes().Deserialize(ctx, "t", b, nil)
	if err != nil || &got[0] != &b[0] {
		t.Fatal("Bytes copied or failed")
	}
	f := consumer.DeserializerFunc[int](func(_ context.Context, _ string, p []byte, hs []serde.Header) (int, error) {
		return len(p) + len(hs), nil
	})
	if n, _ := f.Deserialize(ctx, "t", b, []serde.Header{{Key: "a"}}); n != 4 {
		t.Fatalf("DeserializerFunc: %d", n)
	}
}

func TestRecordErrorText(t *testing.T) {
	err := &consumer.RecordError{Topic: "orders", Partition: 2, Offset: 41, Stage: consumer.StageDeserialize, Part: serde.Key,
		Err: serde.ErrTruncated, DeadLetterErr: errors.New("broker down")}
	want := `consumer: topic "orders" partition 2 offset 41: deserializing key: serde: truncated schema reference (and could not dead-letter it: broker down)`
	if err.Error() != want {
		t.Fatalf("got  %s\nwant %s", err, want)
	}
	if !errors.Is(err, serde.ErrTruncated) {
		t.Fatal("errors.Is does not see the cause")
	}
	for a, s := range map[consumer.Action]string{consumer.Stop: "stop", consumer.Skip: "skip", consumer.DeadLetter: "dead-letter", 7: "unknown"} {
		if a.String() != s {
			t.Errorf("Action(%d) = %s", a, a)
		}
	}
}

// AutoCommitHooks reports kgo's own periodic commits of the marks (the
// consumer has no hooks of its own here: every event is kgo's).
func TestAutoCommitHooks(t *testing.T) {
	e := newEnv(t)
	if err := e.CreateTopic("orders", 1); err != nil {
		t.Fatal(err)
	}
	e.produceOrders(t, "orders", 0, 5)
	rec := new(recorder)
	cl := e.groupClient(t, "g", []string{"orders"},
		append(consumer.GroupOptions(), kgo.AutoCommitInterval(100*time.Millisecond), consumer.AutoCommitHooks(rec))...)
	ctx, cancel := testContext(t)
	defer cancel()
	c := newConsumer(t, e, cl)
	ran := make(chan error, 1)
	go func() {
		ran <- c.Run(ctx, func(context.Context, consumer.Record[string, order]) error { return nil })
	}()
	committed := func() bool {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		for _, cm := range rec.commits {
			if cm.Err == nil && cm.Partitions == 1 {
				return true
			}
		}
		return false
	}
	deadline := time.Now().Add(10 * time.Second)
	for !committed() {
		if time.Now().After(deadline) {
			t.Fatalf("no autocommit reported: %+v", rec.commits)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-ran; err != nil {
		t.Fatal(err)
	}
	lagOf(t, e, "g", "orders", 0)
}
