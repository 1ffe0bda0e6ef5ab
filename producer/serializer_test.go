package producer_test

import (
	"context"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/srkit-go/srkit/internal/kafkatest"
	"github.com/srkit-go/srkit/producer"
	"github.com/srkit-go/srkit/serde"
)

// bufferedHook records the value slices kgo is given.
type bufferedHook struct {
	mu     sync.Mutex
	values [][]byte
}

func (h *bufferedHook) OnProduceRecordBuffered(r *kgo.Record) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.values = append(h.values, r.Value)
}

// Bytes values go to kgo as they are, not copied; other serializers append
// into the producer's own buffers.
func TestBytesAreNotCopied(t *testing.T) {
	e := kafkatest.NewEnv(t, "raw")
	hook := &bufferedHook{}
	cl := e.KafkaClient(t, kgo.WithHooks(hook))
	p, err := producer.New(cl, producer.Bytes(), producer.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	payload := []byte("pre-serialized")
	if _, err := p.Produce(context.Background(), "raw", []byte("k"), payload); err != nil {
		t.Fatal(err)
	}
	if len(hook.values) != 1 || &hook.values[0][0] != &payload[0] {
		t.Fatal("the Bytes value was copied")
	}
	ps, err := producer.New[[]byte](cl, nil, producer.String())
	if err != nil {
		t.Fatal(err)
	}
	s := "text"
	if _, err := ps.Produce(context.Background(), "raw", nil, s); err != nil {
		t.Fatal(err)
	}
	if len(hook.values) != 2 || string(hook.values[1]) != s {
		t.Fatalf("String value sent as %q", hook.values[1])
	}
	got := map[string][]byte{}
	for _, r := range e.ConsumeN(t, "raw", 2) {
		got[string(r.Value)] = r.Key
	}
	if k, ok := got["pre-serialized"]; !ok || string(k) != "k" {
		t.Fatalf("records %q", got)
	}
	if k, ok := got["text"]; !ok || k != nil {
		t.Fatalf("records %q", got)
	}
}

func TestSchemalessSerializers(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name string
		got  []byte
		want []byte
	}{
		{"empty string", must(producer.String().AppendSerialize(ctx, nil, "t", "")), []byte{}},
		{"string", must(producer.String().AppendSerialize(ctx, []byte("x"), "t", "yz")), []byte("xyz")},
		{"nil bytes", must(producer.Bytes().AppendSerialize(ctx, nil, "t", nil)), nil},
		{"empty bytes", must(producer.Bytes().AppendSerialize(ctx, nil, "t", []byte{})), []byte{}},
	} {
		if (c.got == nil) != (c.want == nil) || string(c.got) != string(c.want) {
			t.Errorf("%s: %q (nil %v), want %q (nil %v)", c.name, c.got, c.got == nil, c.want, c.want == nil)
		}
	}
}

func must(b []byte, _ []serde.Header, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func TestEncodeForDeadLetter(t *testing.T) {
	id := uuid.MustParse("6db60d7f-ee4a-46f5-9857-ce8458e2a78f")
	for _, c := range []struct {
		v    any
		want string
	}{
		{nil, ""},
		{[]byte{1, 2}, "\x01\x02"},
		{"text", "text"},
		{id, "6db60d7f-ee4a-46f5-9857-ce8458e2a78f"},
		{int64(-2), "\xff\xff\xff\xff\xff\xff\xff\xfe"},
		{int32(258), "\x00\x00\x01\x02"},
		{int16(1), "\x00\x01"},
		{1.5, "\x3f\xf8\x00\x00\x00\x00\x00\x00"},
		{float32(1.5), "\x3f\xc0\x00\x00"},
		{struct {
			A int `json:"a"`
		}{7}, `{"a":7}`},
	} {
		got, err := producer.EncodeForDeadLetter(c.v)
		if err != nil || string(got) != c.want {
			t.Errorf("EncodeForDeadLetter(%#v) = %q, %v; want %q", c.v, got, err, c.want)
		}
	}
	if _, err := producer.EncodeForDeadLetter(make(chan int)); err == nil {
		t.Error("a channel encoded")
	}
}
