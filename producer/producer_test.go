package producer_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/internal/kafkatest"
	"github.com/srkit-go/srkit/producer"
	"github.com/srkit-go/srkit/serde"
)

func TestProduceRoundTrip(t *testing.T) {
	e := kafkatest.NewEnv(t, "orders")
	cl := e.KafkaClient(t)
	p, err := producer.New(cl, producer.String(), e.Serializer(t, serde.Value))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const n = 50
	seen := map[int32]int64{}
	for i := range n {
		res, err := p.Produce(ctx, "orders", "k"+strconv.Itoa(i), &order{ID: i, Item: "book", Amount: float64(i) / 2, Status: "NEW"},
			producer.Header{Key: "trace", Value: []byte("t" + strconv.Itoa(i))})
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		if res.Topic != "orders" || res.DeadLetter != nil {
			t.Fatalf("record %d: result %+v", i, res)
		}
		if last, ok := seen[res.Partition]; ok && res.Offset != last+1 {
			t.Fatalf("record %d: partition %d offset %d after %d", i, res.Partition, res.Offset, last)
		}
		seen[res.Partition] = res.Offset
		if res.Timestamp.IsZero() {
			t.Fatalf("record %d: no timestamp", i)
		}
	}

	d := e.Deserializer(t, serde.Value)
	recs := e.ConsumeN(t, "orders", n)
	got := map[int]bool{}
	for _, r := range recs {
		v, err := d.Deserialize(ctx, r.Topic, r.Value, serde.HeadersFrom(r.Headers))
		if err != nil {
			t.Fatal(err)
		}
		if string(r.Key) != "k"+strconv.Itoa(v.ID) || v.Item != "book" || v.Amount != float64(v.ID)/2 {
			t.Fatalf("record %s = %+v", r.Key, v)
		}
		if h, _ := kafkatest.Header(r, "trace"); string(h) != "t"+strconv.Itoa(v.ID) {
			t.Fatalf("record %d: trace header %q", v.ID, h)
		}
		if r.Value[0] != serde.MagicID {
			t.Fatalf("record %d: payload does not start with magic 0: % x", v.ID, r.Value[:5])
		}
		got[v.ID] = true
	}
	if len(got) != n {
		t.Fatalf("got %d distinct records, want %d", len(got), n)
	}
}

// The schema GUID travels in a record header next to the caller's headers
// when the serializer is configured so; the key stays schema-less.
func TestProduceGUIDHeaders(t *testing.T) {
	e := kafkatest.NewEnv(t, "orders")
	cl := e.KafkaClient(t)
	p, err := producer.New(cl, e.Serializer(t, serde.Key, serde.WithPlacement(serde.HeaderGUID)),
		e.Serializer(t, serde.Value, serde.WithPlacement(serde.HeaderGUID)))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := p.Produce(ctx, "orders", &order{ID: 1, Status: "NEW"}, &order{ID: 7, Item: "pen", Status: "NEW"},
		producer.Header{Key: "a", Value: []byte("1")}, producer.Header{Key: "b", Value: []byte("2")}); err != nil {
		t.Fatal(err)
	}
	r := e.ConsumeN(t, "orders", 1)[0]
	var keys []string
	for _, h := range r.Headers {
		keys = append(keys, h.Key)
	}
	want := []string{"a", "b", serde.KeySchemaIDHeader, serde.ValueSchemaIDHeader}
	if fmt.Sprint(keys) != fmt.Sprint(want) {
		t.Fatalf("headers %v, want %v", keys, want)
	}
	for _, name := range want[2:] {
		h, _ := kafkatest.Header(r, name)
		if len(h) != 17 || h[0] != serde.MagicGUID {
			t.Fatalf("header %s = % x, want magic 1 + 16-byte GUID", name, h)
		}
	}
	// The payload is the bare Avro body: no schema reference in it.
	if _, err := e.Deserializer(t, serde.Value).Deserialize(ctx, "orders", r.Value, nil); !errors.Is(err, serde.ErrUnknownMagicByte) {
		t.Fatalf("payload without its header: %v, want serde.ErrUnknownMagicByte", err)
	}
	v, err := e.Deserializer(t, serde.Value).Deserialize(ctx, "orders", r.Value, serde.HeadersFrom(r.Headers))
	if err != nil || v.ID != 7 || v.Item != "pen" {
		t.Fatalf("deserialized %+v, %v", v, err)
	}
	k, err := e.Deserializer(t, serde.Key).Deserialize(ctx, "orders", r.Key, serde.HeadersFrom(r.Headers))
	if err != nil || k.ID != 1 {
		t.Fatalf("deserialized key %+v, %v", k, err)
	}
}

// A value that cannot be serialized fails alone: the records around it, in
// the same batch, are delivered.
func TestSerializeErrorIsPerRecord(t *testing.T) {
	e := kafkatest.NewEnv(t, "orders")
	cl := e.KafkaClient(t, kgo.ProducerLinger(50*time.Millisecond))
	rec := new(recorder)
	p, err := producer.New[[]byte](cl, nil, e.Serializer(t, serde.Value), producer.WithHooks(rec))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	var delivered atomic.Int32
	var failures int
	for i := range 30 {
		status := "NEW"
		if i%10 == 5 {
			status = "BOGUS" // not a symbol of the Status enum
		}
		wg.Add(1)
		err := p.ProduceAsync(ctx, "orders", nil, &order{ID: i, Item: "x", Status: status}, func(_ producer.Result, err error) {
			defer wg.Done()
			if err != nil {
				t.Errorf("delivery: %v", err)
				return
			}
			delivered.Add(1)
		})
		if err != nil {
			wg.Done()
			failures++
			var se *producer.SerializeError
			if !errors.As(err, &se) || se.Topic != "orders" || se.Part != serde.Value || !errors.Is(err, avro.ErrInvalidValue) {
				t.Fatalf("record %d: error %v, want a *SerializeError wrapping the codec error", i, err)
			}
		}
	}
	wg.Wait()
	if failures != 3 || delivered.Load() != 27 {
		t.Fatalf("failures %d, delivered %d; want 3, 27", failures, delivered.Load())
	}
	// One produce event per record: 27 acknowledged, 3 not sent.
	produced, _ := rec.events()
	var acked, refused int
	offsets := map[int64]bool{}
	for _, ev := range produced {
		var se *producer.SerializeError
		switch {
		case ev.Err == nil && ev.Topic == "orders" && ev.Offset >= 0 && !offsets[ev.Offset] && ev.Duration > 0 && !ev.DeadLettered:
			acked++
			offsets[ev.Offset] = true
		case errors.As(ev.Err, &se) && errors.Is(ev.Err, avro.ErrInvalidValue) && ev.Topic == "orders" && ev.Partition == -1 && ev.Offset == -1:
			refused++
		default:
			t.Errorf("unexpected event %+v", ev)
		}
	}
	if acked != 27 || refused != 3 {
		t.Fatalf("%d events: %d acknowledged, %d refused; want 27 and 3", len(produced), acked, refused)
	}
	for _, r := range e.ConsumeN(t, "orders", 27) {
		if r.Key != nil {
			t.Fatalf("record has key %q, want none", r.Key)
		}
	}
}

func TestDeadLetter(t *testing.T) {
	e := kafkatest.NewEnv(t, "orders", "orders.dlq")
	cl := e.KafkaClient(t)
	rec := new(recorder)
	p, err := producer.New(cl, producer.String(), e.Serializer(t, serde.Value),
		producer.DeadLetterTopicFunc(func(topic string) string { return topic + ".dlq" }),
		producer.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
		producer.WithHooks(rec))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := range 4 {
		status := "PAID"
		if i == 2 {
			status = "BOGUS"
		}
		res, err := p.Produce(ctx, "orders", "key-"+strconv.Itoa(i), &order{ID: i, Item: "x", Status: status}, producer.Header{Key: "user", Value: []byte("u")})
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		switch {
		case i == 2 && (res.Topic != "orders.dlq" || !errors.Is(res.DeadLetter, avro.ErrInvalidValue)):
			t.Fatalf("poison record: result %+v", res)
		case i != 2 && (res.Topic != "orders" || res.DeadLetter != nil):
			t.Fatalf("record %d: result %+v", i, res)
		}
	}
	produced, dead := rec.events()
	if len(dead) != 1 || dead[0].SourceTopic != "orders" || dead[0].Topic != "orders.dlq" || dead[0].Err != nil ||
		!errors.Is(dead[0].Cause, avro.ErrInvalidValue) {
		t.Fatalf("dead-letter events %+v, want one for orders -> orders.dlq", dead)
	}
	if len(produced) != 4 {
		t.Fatalf("%d produce events, want 4", len(produced))
	}
	for i, ev := range produced {
		if ev.Err != nil || ev.DeadLettered != (i == 2) || (ev.Topic == "orders.dlq") != (i == 2) || ev.Offset < 0 {
			t.Errorf("produce event %d: %+v", i, ev)
		}
	}
	if n := len(e.ConsumeN(t, "orders", 3)); n != 3 {
		t.Fatalf("%d records in orders", n)
	}
	r := e.ConsumeN(t, "orders.dlq", 1)[0]
	if string(r.Key) != "key-2" {
		t.Fatalf("dead-letter key %q", r.Key)
	}
	var v order
	if err := json.Unmarshal(r.Value, &v); err != nil || v.ID != 2 || v.Status != "BOGUS" {
		t.Fatalf("dead-letter value %s: %v", r.Value, err)
	}
	want := map[string]string{
		"user":                   "u",
		producer.HeaderStage:     "serialize",
		producer.HeaderPart:      "value",
		producer.HeaderTopic:     "orders",
		producer.HeaderPartition: "",
	}
	for k, w := range want {
		h, ok := kafkatest.Header(r, k)
		if k == producer.HeaderPartition {
			if ok {
				t.Fatalf("producer dead letters have no %s header", k)
			}
			continue
		}
		if !ok || string(h) != w {
			t.Fatalf("header %s = %q, want %q", k, h, w)
		}
	}
	if h, _ := kafkatest.Header(r, producer.HeaderError); !strings.Contains(string(h), "BOGUS") {
		t.Fatalf("error header %q does not name the cause", h)
	}
}

// Errors that say nothing about the data (a cancelled context, the registry
// being down) are returned even with a dead-letter topic.
func TestDeadLetterOnlyForDataErrors(t *testing.T) {
	e := kafkatest.NewEnv(t, "orders", "dlq")
	cl := e.KafkaClient(t)
	failing := producer.SerializerFunc[string](func(ctx context.Context, dst []byte, topic, v string) ([]byte, []serde.Header, error) {
		return nil, nil, fmt.Errorf("registry lookup: %w", context.Canceled)
	})
	p, err := producer.New[[]byte](cl, nil, failing, producer.DeadLetterTopic("dlq"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Produce(context.Background(), "orders", nil, "v")
	var se *producer.SerializeError
	if !errors.As(err, &se) || !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want a *SerializeError wrapping context.Canceled", err)
	}
}

// A record given to ProduceAsync is delivered even when the caller's context
// ends right after the call, as a request handler's does.
func TestProduceAsyncOutlivesContext(t *testing.T) {
	e := kafkatest.NewEnv(t, "orders")
	cl := e.KafkaClient(t, kgo.ProducerLinger(300*time.Millisecond))
	p, err := producer.New(cl, producer.String(), e.Serializer(t, serde.Value))
	if err != nil {
		t.Fatal(err)
	}
	var futures []*producer.Future
	for i := range 5 {
		ctx, cancel := context.WithCancel(context.Background())
		f, err := p.Send(ctx, "orders", "k", &order{ID: i, Status: "NEW"})
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		futures = append(futures, f)
	}
	for i, f := range futures {
		res, err := f.Wait(context.Background())
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		if res.Offset != int64(i) {
			t.Fatalf("record %d at offset %d", i, res.Offset)
		}
		select {
		case <-f.Done():
		default:
			t.Fatal("Done not closed after Wait returned")
		}
	}
}

// Many goroutines producing at once: every record arrives exactly once
// and intact (pooled buffers are never reused before kgo is done with them).
func TestProduceAsyncConcurrent(t *testing.T) {
	e := kafkatest.NewEnv(t, "orders")
	cl := e.KafkaClient(t, kgo.ProducerLinger(5*time.Millisecond))
	p, err := producer.New(cl, producer.String(), e.Serializer(t, serde.Value))
	if err != nil {
		t.Fatal(err)
	}
	const goroutines, each = 16, 300
	ctx := context.Background()
	var wg, reported sync.WaitGroup
	var acked, failed atomic.Int32
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				id := g*each + i
				var err error
				if i%3 == 0 {
					var f *producer.Future
					if f, err = p.Send(ctx, "orders", strconv.Itoa(id), &order{ID: id, Item: strconv.Itoa(id * 7), Status: "NEW"}); err == nil {
						reported.Add(1)
						go func() {
							defer reported.Done()
							if _, err := f.Wait(ctx); err != nil {
								failed.Add(1)
							} else {
								acked.Add(1)
							}
						}()
					}
				} else {
					reported.Add(1)
					err = p.ProduceAsync(ctx, "orders", strconv.Itoa(id), &order{ID: id, Item: strconv.Itoa(id * 7), Status: "NEW"}, func(_ producer.Result, err error) {
						defer reported.Done()
						if err != nil {
							failed.Add(1)
						} else {
							acked.Add(1)
						}
					})
					if err != nil {
						reported.Done() // the callback is not called
					}
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := p.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	const total = goroutines * each
	recs := e.ConsumeN(t, "orders", total)
	d := e.Deserializer(t, serde.Value)
	seen := make([]bool, total)
	for _, r := range recs {
		v, err := d.Deserialize(ctx, r.Topic, r.Value, nil)
		if err != nil {
			t.Fatal(err)
		}
		if string(r.Key) != strconv.Itoa(v.ID) || v.Item != strconv.Itoa(v.ID*7) {
			t.Fatalf("record key %q holds %+v", r.Key, v)
		}
		if seen[v.ID] {
			t.Fatalf("record %d twice", v.ID)
		}
		seen[v.ID] = true
	}
	reported.Wait()
	if acked.Load() != total || failed.Load() != 0 {
		t.Fatalf("acked %d, failed %d, want %d, 0", acked.Load(), failed.Load(), total)
	}
}

func TestTombstone(t *testing.T) {
	e := kafkatest.NewEnv(t, "orders")
	cl := e.KafkaClient(t)
	p, err := producer.New(cl, producer.String(), e.Serializer(t, serde.Value))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Produce(context.Background(), "orders", "gone", nil); err != nil {
		t.Fatal(err)
	}
	r := e.ConsumeN(t, "orders", 1)[0]
	if r.Value != nil || string(r.Key) != "gone" {
		t.Fatalf("tombstone: key %q value %q", r.Key, r.Value)
	}
}

func TestClose(t *testing.T) {
	e := kafkatest.NewEnv(t, "orders")
	cl := e.KafkaClient(t, kgo.ProducerLinger(200*time.Millisecond))
	p, err := producer.New[[]byte](cl, nil, e.Serializer(t, serde.Value))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var acked atomic.Int32
	for i := range 10 {
		if err := p.ProduceAsync(ctx, "orders", nil, &order{ID: i, Status: "NEW"}, func(_ producer.Result, err error) {
			if err == nil {
				acked.Add(1)
			}
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if acked.Load() != 10 {
		t.Fatalf("Close returned with %d of 10 records acknowledged", acked.Load())
	}
	if _, err := p.Produce(ctx, "orders", nil, &order{Status: "NEW"}); !errors.Is(err, producer.ErrClosed) {
		t.Fatalf("Produce after Close: %v", err)
	}
	if err := p.ProduceAsync(ctx, "orders", nil, &order{Status: "NEW"}, nil); !errors.Is(err, producer.ErrClosed) {
		t.Fatalf("ProduceAsync after Close: %v", err)
	}
}

func TestNewValidates(t *testing.T) {
	e := kafkatest.NewEnv(t)
	cl := e.KafkaClient(t)
	if _, err := producer.New[string, string](nil, nil, producer.String()); err == nil {
		t.Error("nil client accepted")
	}
	if _, err := producer.New[string, string](cl, producer.String(), nil); err == nil {
		t.Error("nil value serializer accepted")
	}
	for name, o := range map[string]producer.Option{
		"empty topic":    producer.DeadLetterTopic(""),
		"nil topic func": producer.DeadLetterTopicFunc(nil),
		"nil encoder":    producer.DeadLetterEncoder(nil),
		"nil predicate":  producer.DeadLetterWhen(nil),
		"nil logger":     producer.WithLogger(nil),
	} {
		if _, err := producer.New[[]byte](cl, nil, producer.String(), o); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
}

// Delivery errors come back per record, with the record's topic.
func TestDeliveryError(t *testing.T) {
	e := kafkatest.NewEnv(t)
	cl := e.KafkaClient(t, kgo.RecordDeliveryTimeout(time.Second), kgo.UnknownTopicRetries(1))
	p, err := producer.New[[]byte](cl, nil, producer.String())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// kfake here does not auto-create topics for produce requests from
	// clients that did not ask: use a topic name Kafka rejects.
	_, err = p.Produce(ctx, "bad topic name!", nil, "v")
	if err == nil {
		t.Fatal("produce to an invalid topic succeeded")
	}
}

// A hook value that implements no producer hook is refused: it would never
// be called.
func TestWithHooksRefusesNonHooks(t *testing.T) {
	e := kafkatest.NewEnv(t, "orders")
	_, err := producer.New(e.KafkaClient(t), producer.Bytes(), producer.Bytes(), producer.WithHooks(struct{}{}))
	if err == nil || !strings.Contains(err.Error(), "implements no producer Hook") {
		t.Fatalf("New with a non-hook: %v", err)
	}
}
