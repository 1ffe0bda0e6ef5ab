package srkitotel_test

import (
	"context"
	"testing"
	"time"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/consumer"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/producer"
	"github.com/srkit-go/srkit/serde"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/plugin/kotel"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// TestTraceProducerToConsumer: a record produced by srkit's producer
// inside a span, with kotel's hooks on the kgo clients, is consumed by
// srkit's consumer, whose handler's context carries kotel's consume span:
// the handler's span joins the trace of the request that produced the
// record. srkit's serializer and deserializer sit in between and neither
// add nor drop trace headers.
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

	pcl, err := kgo.NewClient(kgo.SeedBrokers(cluster.ListenAddrs()...), kgo.WithHooks(newKotel().Hooks()...))
	if err != nil {
		t.Fatal(err)
	}
	defer pcl.Close()
	p, err := producer.New[[]byte](pcl, nil, ser)
	if err != nil {
		t.Fatal(err)
	}
	reqCtx, reqSpan := tp.Tracer("test").Start(ctx, "POST /orders")
	if _, err := p.Produce(reqCtx, "orders", nil, "order-1"); err != nil {
		t.Fatal(err)
	}
	reqSpan.End()

	ccl, err := kgo.NewClient(kgo.SeedBrokers(cluster.ListenAddrs()...), kgo.ConsumeTopics("orders"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.WithHooks(newKotel().Hooks()...))
	if err != nil {
		t.Fatal(err)
	}
	defer ccl.Close()
	c, err := consumer.New[[]byte](ccl, nil, de)
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	err = c.Run(runCtx, func(hctx context.Context, r consumer.Record[[]byte, string]) error {
		_, span := tp.Tracer("test").Start(hctx, "handle order")
		defer span.End()
		if r.Value != "order-1" {
			t.Errorf("consumed %q", r.Value)
		}
		stop()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ccl.Close() // ends kotel's receive spans

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
