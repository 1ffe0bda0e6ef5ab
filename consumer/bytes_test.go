package consumer_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/srkit-go/srkit/consumer"
)

// Schema-less consumers (Bytes values, with no key deserializer or Bytes
// or String keys) take the consumer's shortest path: these tests hold it
// to what the general path does.

// produceBytes writes n records with key "k<i>", value "v<i>" and a header
// "n" = i to topic (one partition), and returns them as acknowledged.
func produceBytes(t *testing.T, e *env, topic string, n int) []*kgo.Record {
	t.Helper()
	if err := e.CreateTopic(topic, 1); err != nil {
		t.Fatal(err)
	}
	var rs []*kgo.Record
	for i := range n {
		s := strconv.Itoa(i)
		rs = append(rs, &kgo.Record{Topic: topic, Key: []byte("k" + s), Value: []byte("v" + s),
			Headers: []kgo.RecordHeader{{Key: "n", Value: []byte(s)}}})
	}
	if err := e.KafkaClient(t).ProduceSync(context.Background(), rs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	return rs
}

// bytesClient consumes topic from the start, without a group.
func bytesClient(t *testing.T, e *env, topic string, opts ...kgo.Opt) *kgo.Client {
	return e.KafkaClient(t, append([]kgo.Opt{kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart())}, opts...)...)
}

// checkRecord fails unless r is want as the consumer hands it over, its key
// read as key.
func checkRecord[K any](t *testing.T, r consumer.Record[K, []byte], want *kgo.Record, key K, wantKey K, eq func(a, b K) bool) {
	t.Helper()
	if !eq(key, wantKey) || !bytes.Equal(r.Value, want.Value) || r.Topic != want.Topic || r.Partition != want.Partition ||
		r.Offset != want.Offset || !r.Timestamp.Equal(want.Timestamp) || r.Raw == nil || r.Raw.Offset != want.Offset ||
		len(r.Headers) != 1 || r.Headers[0].Key != "n" || !bytes.Equal(r.Headers[0].Value, want.Headers[0].Value) {
		t.Errorf("record %d: got key %v value %q topic %q partition %d offset %d ts %v headers %v", want.Offset, key, r.Value,
			r.Topic, r.Partition, r.Offset, r.Timestamp, r.Headers)
	}
}

func TestBytesConsumerRecords(t *testing.T) {
	e := newEnv(t)
	want := produceBytes(t, e, "raw", 5)
	ctx := context.Background()

	t.Run("no key deserializer", func(t *testing.T) {
		c, err := consumer.New[[]byte](bytesClient(t, e, "raw"), nil, consumer.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		runAll(t, c, 5, func(i int, r consumer.Record[[]byte, []byte]) {
			checkRecord(t, r, want[i], r.Key, nil, bytes.Equal)
		})
	})
	t.Run("bytes key", func(t *testing.T) {
		c, err := consumer.New(bytesClient(t, e, "raw"), consumer.Bytes(), consumer.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		runAll(t, c, 5, func(i int, r consumer.Record[[]byte, []byte]) {
			checkRecord(t, r, want[i], r.Key, want[i].Key, bytes.Equal)
		})
	})
	t.Run("string key", func(t *testing.T) {
		c, err := consumer.New(bytesClient(t, e, "raw"), consumer.String(), consumer.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		runAll(t, c, 5, func(i int, r consumer.Record[string, []byte]) {
			checkRecord(t, r, want[i], r.Key, string(want[i].Key), func(a, b string) bool { return a == b })
		})
	})
	t.Run("record with a kgo context", func(t *testing.T) {
		c, err := consumer.New(bytesClient(t, e, "raw", kgo.WithHooks(recordContext{})), consumer.Bytes(), consumer.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		rctx, cancel := testContext(t)
		defer cancel()
		n := 0
		err = c.Run(rctx, func(hctx context.Context, r consumer.Record[[]byte, []byte]) error {
			if hctx.Value(kgoKey{}) != r.Offset {
				t.Errorf("record %d: handler context without the record's kgo context values", r.Offset)
			}
			checkRecord(t, r, want[n], r.Key, want[n].Key, bytes.Equal)
			if n++; n == 5 {
				cancel()
			}
			return nil
		})
		if err != nil || n != 5 {
			t.Fatalf("Run: %v after %d records", err, n)
		}
	})
	t.Run("poll", func(t *testing.T) {
		c, err := consumer.New[[]byte](bytesClient(t, e, "raw"), nil, consumer.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		var got []consumer.Record[[]byte, []byte]
		for len(got) < 5 {
			rs, err := c.Poll(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, rs...)
		}
		for i, r := range got {
			checkRecord(t, r, want[i], r.Key, nil, bytes.Equal)
		}
	})
}

// runAll runs c until it has handled n records, calling check with each
// record's index.
func runAll[K any](t *testing.T, c *consumer.Consumer[K, []byte], n int, check func(i int, r consumer.Record[K, []byte])) {
	t.Helper()
	ctx, cancel := testContext(t)
	defer cancel()
	i := 0
	err := c.Run(ctx, func(_ context.Context, r consumer.Record[K, []byte]) error {
		check(i, r)
		if i++; i == n {
			cancel()
		}
		return nil
	})
	if err != nil || i != n {
		t.Fatalf("Run: %v after %d records", err, i)
	}
}

// A failing handler on the short path is retried and then handed to the
// error policy, as on the general path.
func TestBytesConsumerFailures(t *testing.T) {
	e := newEnv(t)
	produceBytes(t, e, "raw", 5)
	errFlaky, errBad := errors.New("flaky"), errors.New("bad")

	t.Run("retry then skip", func(t *testing.T) {
		c, err := consumer.New[[]byte](bytesClient(t, e, "raw"), nil, consumer.Bytes(),
			consumer.HandlerRetries(1, 0), consumer.OnError(consumer.Skip), quiet())
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := testContext(t)
		defer cancel()
		var calls, handled []int64
		err = c.Run(ctx, func(_ context.Context, r consumer.Record[[]byte, []byte]) error {
			calls = append(calls, r.Offset)
			switch {
			case r.Offset == 1 && slices.Index(calls, 1) == len(calls)-1:
				return errFlaky // the first call only
			case r.Offset == 3:
				return errBad
			}
			if !bytes.Equal(r.Value, []byte("v"+strconv.FormatInt(r.Offset, 10))) {
				t.Errorf("record %d retried with value %q", r.Offset, r.Value)
			}
			handled = append(handled, r.Offset)
			if r.Offset == 4 {
				cancel()
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := []int64{0, 1, 1, 2, 3, 3, 4}; !slices.Equal(calls, want) {
			t.Errorf("handler calls %v, want %v", calls, want)
		}
		if want := []int64{0, 1, 2, 4}; !slices.Equal(handled, want) {
			t.Errorf("handled %v, want %v", handled, want)
		}
	})
	t.Run("stop", func(t *testing.T) {
		cl := bytesClient(t, e, "raw")
		c, err := consumer.New[[]byte](cl, nil, consumer.Bytes(), consumer.OnError(consumer.Stop), quiet())
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := testContext(t)
		defer cancel()
		err = c.Run(ctx, func(_ context.Context, r consumer.Record[[]byte, []byte]) error {
			if r.Offset == 2 {
				return errBad
			}
			return nil
		})
		var re *consumer.RecordError
		if !errors.As(err, &re) || !errors.Is(err, errBad) || re.Offset != 2 || re.Stage != consumer.StageHandler {
			t.Fatalf("Run: %v, want the handler's error at offset 2", err)
		}
		// The next Run starts at the failed record.
		err = c.Run(ctx, func(_ context.Context, r consumer.Record[[]byte, []byte]) error {
			if r.Offset != 2 {
				t.Errorf("next Run started at offset %d, want 2", r.Offset)
			}
			cancel()
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
