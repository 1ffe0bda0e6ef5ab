package consumer_test

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/srkit-go/srkit/consumer"
	"github.com/srkit-go/srkit/internal/kafkatest"
	"github.com/srkit-go/srkit/serde"
)

// collector is a handler that counts what it sees and cancels its context
// once it has seen want distinct records.
type collector struct {
	mu      sync.Mutex
	seen    map[int]int     // order ID → times handled
	offsets map[int32]int64 // partition → last offset handled
	handled int
	want    int
	cancel  context.CancelFunc
	reject  func(consumer.Record[string, order]) error
	t       testing.TB
}

func newCollector(t testing.TB, want int, cancel context.CancelFunc) *collector {
	return &collector{seen: map[int]int{}, offsets: map[int32]int64{}, want: want, cancel: cancel, t: t}
}

func (c *collector) handle(_ context.Context, r consumer.Record[string, order]) error {
	if c.reject != nil {
		if err := c.reject(r); err != nil {
			return err
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if last, ok := c.offsets[r.Partition]; ok && r.Offset <= last && c.seen[r.Value.ID] == 0 {
		c.t.Errorf("partition %d: offset %d handled after %d", r.Partition, r.Offset, last)
	}
	c.offsets[r.Partition] = r.Offset
	if r.Key != "k"+strconv.Itoa(r.Value.ID) || r.Value.Item != "item"+strconv.Itoa(r.Value.ID) {
		c.t.Errorf("record %s holds %+v", r.Key, r.Value)
	}
	c.seen[r.Value.ID]++
	c.handled++
	if len(c.seen) == c.want && c.cancel != nil {
		c.cancel()
	}
	return nil
}

func (c *collector) distinct() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.seen)
}

func (c *collector) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.handled
}

func newConsumer(t testing.TB, e *env, cl *kgo.Client, opts ...consumer.Option) *consumer.Consumer[string, order] {
	t.Helper()
	c, err := consumer.New(cl, consumer.String(), e.Deserializer(t, serde.Value), append([]consumer.Option{quiet()}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func testContext(t testing.TB) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 60*time.Second)
}

func TestRunRoundTrip(t *testing.T) {
	for _, mode := range []struct {
		name string
		opts []kgo.Opt
	}{
		{"marks", consumer.GroupOptions()},
		{"manual", []kgo.Opt{kgo.DisableAutoCommit()}},
	} {
		t.Run(mode.name, func(t *testing.T) {
			e := newEnv(t, "orders")
			const n = 300
			e.produceOrders(t, "orders", 0, n)
			cl := e.groupClient(t, "g", []string{"orders"}, mode.opts...)
			ctx, cancel := testContext(t)
			defer cancel()
			col := newCollector(t, n, cancel)
			var headerOK sync.Once
			c := newConsumer(t, e, cl)
			err := c.Run(ctx, func(ctx context.Context, r consumer.Record[string, order]) error {
				headerOK.Do(func() {
					if len(r.Headers) != 1 || r.Headers[0].Key != "n" || string(r.Headers[0].Value) != strconv.Itoa(r.Value.ID) {
						t.Errorf("headers %v", r.Headers)
					}
					if r.Raw == nil || r.Raw.Offset != r.Offset || r.Topic != "orders" || r.Timestamp.IsZero() {
						t.Errorf("record metadata %+v", r)
					}
				})
				return col.handle(ctx, r)
			})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if col.distinct() != n || col.count() != n {
				t.Fatalf("handled %d records (%d distinct), want %d", col.count(), col.distinct(), n)
			}
			// Everything handled is committed: a fresh look at the
			// group's lag finds nothing left.
			lagOf(t, e, "g", "orders", 0)
		})
	}
}

// lagOf checks the group's total lag through a consumer on a new client
// that does not join the group.
func lagOf(t testing.TB, e *env, group, topic string, want int64) consumer.Lag {
	t.Helper()
	lag := groupLag(t, e, group)
	if lag.Total() != want {
		t.Fatalf("group %s lag %d, want %d: %+v", group, lag.Total(), want, lag)
	}
	return lag
}

// groupLag is the group's lag, asked through a consumer on a new client
// that does not join the group.
func groupLag(t testing.TB, e *env, group string) consumer.Lag {
	t.Helper()
	cl := e.KafkaClient(t, kgo.ConsumerGroup(group), kgo.AutoCommitMarks())
	c := newConsumer(t, e, cl)
	ctx, cancel := testContext(t)
	defer cancel()
	lag, err := c.Lag(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return lag
}

func TestPoisonPillStop(t *testing.T) {
	e := newEnv(t)
	if err := e.CreateTopic("orders", 1); err != nil {
		t.Fatal(err)
	}
	e.produceOrders(t, "orders", 0, 10)
	poison := e.produceRaw(t, "orders", "bad", []byte("not a schema registry payload"))
	e.produceOrders(t, "orders", 10, 20)

	cl := e.groupClient(t, "g", []string{"orders"}, consumer.GroupOptions()...)
	ctx, cancel := testContext(t)
	defer cancel()
	col := newCollector(t, 20, cancel)
	c := newConsumer(t, e, cl)
	err := c.Run(ctx, col.handle)
	var re *consumer.RecordError
	if !errors.As(err, &re) {
		t.Fatalf("Run returned %v, want a *consumer.RecordError", err)
	}
	if re.Topic != "orders" || re.Partition != 0 || re.Offset != poison || re.Stage != consumer.StageDeserialize || re.Part != serde.Value {
		t.Fatalf("RecordError %+v, want orders/0 offset %d value deserialization", re, poison)
	}
	if !errors.Is(err, serde.ErrUnknownMagicByte) {
		t.Fatalf("error %v does not wrap serde.ErrUnknownMagicByte", err)
	}
	if !strings.Contains(err.Error(), `topic "orders" partition 0 offset 10`) {
		t.Fatalf("error text %q does not name the record", err)
	}
	if col.count() != 10 || col.distinct() != 10 {
		t.Fatalf("handled %d records before the poison pill, want exactly 10", col.count())
	}
	// The commit stops right before the poison pill.
	lag := lagOf(t, e, "g", "orders", 11)
	if lag[0].Committed != poison {
		t.Fatalf("committed %d, want %d", lag[0].Committed, poison)
	}

	// The same client, run again, meets the poison pill again: nothing
	// after it was consumed behind its back.
	err = c.Run(ctx, col.handle)
	if !errors.As(err, &re) || re.Offset != poison {
		t.Fatalf("second Run: %v, want the same poison pill", err)
	}
	if col.count() != 10 {
		t.Fatalf("second Run handled %d records past the poison pill", col.count()-10)
	}
	// Poll meets it too, and returns nothing after it.
	recs, err := c.Poll(ctx)
	c.AllowRebalance()
	if !errors.As(err, &re) || re.Offset != poison || len(recs) != 0 {
		t.Fatalf("Poll: %d records, %v", len(recs), err)
	}
}

func TestPoisonPillSkip(t *testing.T) {
	e := newEnv(t)
	if err := e.CreateTopic("orders", 1); err != nil {
		t.Fatal(err)
	}
	e.produceOrders(t, "orders", 0, 5)
	bad1 := e.produceRaw(t, "orders", "bad1", []byte{0, 0, 0, 0x7a, 0x69, '{', '}'}) // schema ID 31337: unknown
	e.produceOrders(t, "orders", 5, 10)
	bad2 := e.produceRaw(t, "orders", "bad2", []byte{0xff})
	e.produceOrders(t, "orders", 10, 15)

	var logs kafkatest.SyncBuffer
	cl := e.groupClient(t, "g", []string{"orders"}, kgo.DisableAutoCommit())
	ctx, cancel := testContext(t)
	defer cancel()
	col := newCollector(t, 15, cancel)
	rec := new(recorder)
	c := newConsumer(t, e, cl, consumer.OnError(consumer.Skip),
		consumer.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))),
		consumer.WithHooks(rec))
	if err := c.Run(ctx, col.handle); err != nil {
		t.Fatal(err)
	}
	if col.count() != 15 || col.distinct() != 15 {
		t.Fatalf("handled %d records, want 15", col.count())
	}
	outcomes := map[int64]consumer.RecordEvent{}
	for _, ev := range rec.recordEvents() {
		outcomes[ev.Offset] = ev
	}
	if ev := outcomes[bad1]; !errors.Is(ev.Err, serde.ErrUnknownSchema) {
		t.Errorf("skipped record %d: error %v, want serde.ErrUnknownSchema", bad1, ev.Err)
	}
	for _, off := range []int64{bad1, bad2} {
		if o := outcomes[off].Outcome; o != consumer.Skipped {
			t.Fatalf("record %d: outcome %v, want skipped", off, o)
		}
		if !strings.Contains(logs.String(), "offset="+strconv.FormatInt(off, 10)) {
			t.Fatalf("no log line for skipped record %d:\n%s", off, logs.String())
		}
	}
	if n := strings.Count(logs.String(), "skipping record"); n != 2 {
		t.Fatalf("%d skip log lines, want 2:\n%s", n, logs.String())
	}
	lagOf(t, e, "g", "orders", 0)
}

func TestPoisonPillDeadLetter(t *testing.T) {
	e := newEnv(t, "orders.dlq")
	if err := e.CreateTopic("orders", 1); err != nil {
		t.Fatal(err)
	}
	e.produceOrders(t, "orders", 0, 5)
	garbage := []byte{0, 0, 0, 0x7a, 0x69, '{', '}'}
	bad := e.produceRaw(t, "orders", "bad", garbage)
	e.produceOrders(t, "orders", 5, 10)

	cl := e.groupClient(t, "billing", []string{"orders"}, consumer.GroupOptions()...)
	ctx, cancel := testContext(t)
	defer cancel()
	col := newCollector(t, 9, cancel)
	// The handler rejects order 7.
	col.reject = func(r consumer.Record[string, order]) error {
		if r.Value.ID == 7 {
			return errRejected
		}
		return nil
	}
	rec := new(recorder)
	c := newConsumer(t, e, cl, consumer.OnError(consumer.DeadLetter), consumer.DeadLetterTopicFunc(func(t string) string { return t + ".dlq" }),
		consumer.WithHooks(rec))
	if err := c.Run(ctx, col.handle); err != nil {
		t.Fatal(err)
	}
	if col.count() != 9 {
		t.Fatalf("handled %d records, want 9", col.count())
	}
	// The two dead letters are reported once each, with their stage.
	var dead []consumer.RecordEvent
	for _, ev := range rec.recordEvents() {
		if ev.Outcome == consumer.DeadLettered {
			dead = append(dead, ev)
		}
	}
	var re0, re1 *consumer.RecordError
	if len(dead) != 2 || dead[0].Offset != bad || !errors.As(dead[0].Err, &re0) || re0.Stage != consumer.StageDeserialize ||
		dead[1].Offset != 8 || !errors.As(dead[1].Err, &re1) || re1.Stage != consumer.StageHandler {
		t.Fatalf("dead-lettered events %+v", dead)
	}
	if o := rec.outcomes(); o[consumer.Handled] != 9 {
		t.Fatalf("outcomes %v, want 9 handled", o)
	}
	lagOf(t, e, "billing", "orders", 0)

	dl := e.ConsumeN(t, "orders.dlq", 2)
	want := []struct {
		key, stage, part, offset string
		value                    []byte
		errText                  string
	}{
		{"bad", "deserialize", "value", strconv.FormatInt(bad, 10), garbage, "unknown schema"},
		{"k7", "handler", "", "8", nil, errRejected.Error()},
	}
	for i, w := range want {
		r := dl[i]
		if string(r.Key) != w.key {
			t.Fatalf("dead letter %d: key %q, want %q", i, r.Key, w.key)
		}
		if w.value != nil && string(r.Value) != string(w.value) {
			t.Fatalf("dead letter %d: value % x, want the original % x", i, r.Value, w.value)
		}
		hs := map[string]string{}
		for _, h := range r.Headers {
			hs[h.Key] = string(h.Value)
		}
		if hs[consumer.HeaderStage] != w.stage || hs[consumer.HeaderPart] != w.part || hs[consumer.HeaderTopic] != "orders" ||
			hs[consumer.HeaderPartition] != "0" || hs[consumer.HeaderOffset] != w.offset || hs[consumer.HeaderGroup] != "billing" ||
			!strings.Contains(hs[consumer.HeaderError], w.errText) {
			t.Fatalf("dead letter %d: headers %v", i, hs)
		}
		// The original headers are kept.
		if i == 0 && hs["poison"] != "yes" || i == 1 && hs["n"] != "7" {
			t.Fatalf("dead letter %d lost its original headers: %v", i, hs)
		}
	}
	// The handler-rejected record's value is the original framed bytes.
	v, err := e.Deserializer(t, serde.Value).Deserialize(ctx, "orders", dl[1].Value, nil)
	if err != nil || v.ID != 7 {
		t.Fatalf("dead-lettered value: %+v, %v", v, err)
	}
}

var errRejected = errors.New("handler: order rejected")

type rejection struct{ id int }

func (r *rejection) Error() string { return "rejected order " + strconv.Itoa(r.id) }

func TestHandlerRejectStops(t *testing.T) {
	e := newEnv(t)
	if err := e.CreateTopic("orders", 1); err != nil {
		t.Fatal(err)
	}
	e.produceOrders(t, "orders", 0, 10)
	cl := e.groupClient(t, "g", []string{"orders"}, kgo.DisableAutoCommit())
	ctx, cancel := testContext(t)
	defer cancel()
	col := newCollector(t, 10, cancel)
	col.reject = func(r consumer.Record[string, order]) error {
		if r.Value.ID == 4 {
			return &rejection{4}
		}
		return nil
	}
	c := newConsumer(t, e, cl)
	err := c.Run(ctx, col.handle)
	var re *consumer.RecordError
	var rj *rejection
	if !errors.As(err, &re) || re.Stage != consumer.StageHandler || re.Offset != 4 || !errors.As(err, &rj) || rj.id != 4 {
		t.Fatalf("Run: %v, want a handler RecordError at offset 4 wrapping *rejection", err)
	}
	if col.count() != 4 {
		t.Fatalf("handled %d, want 4", col.count())
	}
	lagOf(t, e, "g", "orders", 6)
}

func TestHandlerRetries(t *testing.T) {
	e := newEnv(t)
	if err := e.CreateTopic("orders", 1); err != nil {
		t.Fatal(err)
	}
	e.produceOrders(t, "orders", 0, 5)
	cl := e.groupClient(t, "g", []string{"orders"}, consumer.GroupOptions()...)
	ctx, cancel := testContext(t)
	defer cancel()
	col := newCollector(t, 5, cancel)
	attempts := 0
	col.reject = func(r consumer.Record[string, order]) error {
		if r.Value.ID == 2 {
			attempts++
			if attempts < 3 {
				return errRejected
			}
		}
		return nil
	}
	c := newConsumer(t, e, cl, consumer.HandlerRetries(2, time.Millisecond))
	if err := c.Run(ctx, col.handle); err != nil {
		t.Fatal(err)
	}
	if attempts != 3 || col.count() != 5 {
		t.Fatalf("attempts %d, handled %d; want 3, 5", attempts, col.count())
	}
}

func TestNewValidates(t *testing.T) {
	e := newEnv(t, "orders")
	d := e.Deserializer(t, serde.Value)
	plain := e.groupClient(t, "g", []string{"orders"})
	if _, err := consumer.New[string](plain, nil, d); err == nil || !strings.Contains(err.Error(), "AutoCommitMarks") {
		t.Fatalf("default autocommit accepted: %v", err)
	}
	greedy := e.groupClient(t, "g", []string{"orders"}, kgo.GreedyAutoCommit())
	if _, err := consumer.New[string](greedy, nil, d); err == nil {
		t.Fatal("greedy autocommit accepted")
	}
	ok := e.groupClient(t, "g", []string{"orders"}, consumer.GroupOptions()...)
	if _, err := consumer.New[string, order](nil, nil, d); err == nil {
		t.Fatal("nil client accepted")
	}
	if _, err := consumer.New[string, order](ok, nil, nil); err == nil {
		t.Fatal("nil value deserializer accepted")
	}
	for name, o := range map[string]consumer.Option{
		"dead letter without topic": consumer.OnError(consumer.DeadLetter),
		"unknown action":            consumer.OnError(consumer.Action(9)),
		"nil policy":                consumer.OnErrorFunc(nil),
		"empty topic":               consumer.DeadLetterTopic(""),
		"nil topic func":            consumer.DeadLetterTopicFunc(nil),
		"nil dlq client":            consumer.DeadLetterClient(nil),
		"zero concurrency":          consumer.Concurrency(0),
		"zero max poll":             consumer.MaxPollRecords(0),
		"negative retries":          consumer.HandlerRetries(-1, 0),
		"negative shutdown":         consumer.ShutdownTimeout(-1),
		"nil logger":                consumer.WithLogger(nil),
	} {
		if _, err := consumer.New[string](ok, nil, d, o); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
	if _, err := consumer.New[string](ok, nil, d, consumer.OnError(consumer.DeadLetter), consumer.DeadLetterTopic("dlq")); err != nil {
		t.Fatal(err)
	}
}
