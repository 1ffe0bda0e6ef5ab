package srkitotel_test

import (
	"context"
	"testing"
	"time"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/serde"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/plugin/kotel"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// TestTraceProducerToConsumer: a record produced inside a span, with
// kotel's hooks on the kgo clients, is consumed with a context whose span
// is a child of the producer's: the handler's span joins the trace of the
// request that produced the record. srkit's serializer and deserializer
// sit in between and neither add nor drop trace headers.
//
// The consumer here is a plain kgo client handing r.Context to the
// handler, which is what srkit's consumer does with its handler's ctx.
func TestTraceProducerToConsumer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "orders"))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()

	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	defer func() { _ = tp.Shutdown(context.Background()) }()
	newKotel := func() *kotel.Kotel {
		return kotel.NewKotel(kotel.WithTracer(kotel.NewTracer(kotel.TracerProvider(tp), kotel.TracerPropagator(propagation.TraceContext{}))))
	}

	mock, err := mockregistry.New()
	if err != nil {
		t.Fatal(err)
	}
	client, err := mock.Client()
	if err != nil {
		t.Fatal(err)
	}
	ser, err := avro.NewSerializer[string](client, serde.Value)
	if err != nil {
		t.Fatal(err)
	}
	de, err := avro.NewDeserializer[string](client, serde.Value)
	if err != nil {
		t.Fatal(err)
	}

	producer, err := kgo.NewClient(kgo.SeedBrokers(cluster.ListenAddrs()...), kgo.WithHooks(newKotel().Hooks()...))
	if err != nil {
		t.Fatal(err)
	}
	defer producer.Close()
	reqCtx, reqSpan := tp.Tracer("test").Start(ctx, "POST /orders")
	value, _, err := ser.Serialize(reqCtx, "orders", "order-1")
	if err != nil {
		t.Fatal(err)
	}
	if err := producer.ProduceSync(reqCtx, &kgo.Record{Topic: "orders", Value: value}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	reqSpan.End()

	consumer, err := kgo.NewClient(kgo.SeedBrokers(cluster.ListenAddrs()...), kgo.ConsumeTopics("orders"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.WithHooks(newKotel().Hooks()...))
	if err != nil {
		t.Fatal(err)
	}
	defer consumer.Close()
	handled := false
	for !handled {
		fs := consumer.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatal(err)
		}
		fs.EachRecord(func(r *kgo.Record) {
			// The handler: its ctx carries the record's context.
			hctx, span := tp.Tracer("test").Start(r.Context, "handle order")
			if v, err := de.Deserialize(hctx, r.Topic, r.Value, nil); err != nil || v != "order-1" {
				t.Errorf("deserialized %q, %v", v, err)
			}
			span.End()
			handled = true
		})
	}
	consumer.Close() // ends kotel's receive spans

	spans := map[string]sdktrace.ReadOnlySpan{}
	for _, s := range rec.Ended() {
		spans[s.Name()] = s
	}
	req, publish, receive, handle := spans["POST /orders"], spans["orders publish"], spans["orders receive"], spans["handle order"]
	if req == nil || publish == nil || receive == nil || handle == nil {
		t.Fatalf("spans %v", names(rec.Ended()))
	}
	trace := req.SpanContext().TraceID()
	for _, s := range []sdktrace.ReadOnlySpan{publish, receive, handle} {
		if s.SpanContext().TraceID() != trace {
			t.Errorf("span %q is in trace %s, want %s", s.Name(), s.SpanContext().TraceID(), trace)
		}
	}
	chain := []struct{ child, parent sdktrace.ReadOnlySpan }{{publish, req}, {receive, publish}, {handle, receive}}
	for _, c := range chain {
		if c.child.Parent().SpanID() != c.parent.SpanContext().SpanID() {
			t.Errorf("span %q's parent is %s, want %q (%s)", c.child.Name(), c.child.Parent().SpanID(), c.parent.Name(), c.parent.SpanContext().SpanID())
		}
	}
}

func names(spans []sdktrace.ReadOnlySpan) []string {
	var out []string
	for _, s := range spans {
		out = append(out, s.Name())
	}
	return out
}
