package main

import (
	"context"
	"errors"
	"net/http"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/srkit-go/srkit/consumer"
	"github.com/srkit-go/srkit/plugin/srkitotel"
	"github.com/srkit-go/srkit/plugin/srkitprom"
	"github.com/srkit-go/srkit/producer"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/plugin/kotel"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// telemetry is the service's metrics and traces: Prometheus metrics on
// /metrics always; with OTEL_EXPORTER_OTLP_ENDPOINT set, OTLP/HTTP metrics
// and traces as well (the exporters read the OTEL_EXPORTER_OTLP_*
// variables). Records carry W3C trace context from the HTTP request that
// produced them to the handler that consumes them (kotel on the kgo
// clients).
type telemetry struct {
	prom    *prometheus.Registry
	hooks   []hook // srkit hooks: registry, serde, producer, consumer
	kotel   []kgo.Opt
	tracer  trace.Tracer
	metrics *sdkmetric.MeterProvider // nil without OTLP
	traces  *sdktrace.TracerProvider // nil without OTLP
}

// hook is a value that implements the hooks of every srkit package the
// service uses (srkitprom.Metrics and srkitotel.Instruments do).
type hook interface {
	registry.HookRequest
	serde.HookSerialize
	producer.HookProduce
	consumer.HookRecord
	consumer.HookCommit
}

// hooksAs returns hs as a slice of one package's hook type (registry.Hook,
// serde.Hook, consumer.HookCommit, ...), for its WithHooks.
func hooksAs[H any](hs []hook) []H {
	out := make([]H, len(hs))
	for i, h := range hs {
		out[i] = any(h).(H)
	}
	return out
}

func newTelemetry(ctx context.Context) (*telemetry, error) {
	t := &telemetry{prom: prometheus.NewRegistry()}
	t.prom.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m, err := srkitprom.New(t.prom)
	if err != nil {
		return nil, err
	}
	t.hooks = append(t.hooks, m)
	var tp trace.TracerProvider = noop.NewTracerProvider()
	if os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" {
		me, err := otlpmetrichttp.New(ctx)
		if err != nil {
			return nil, err
		}
		te, err := otlptracehttp.New(ctx)
		if err != nil {
			return nil, err
		}
		t.metrics = sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewPeriodicReader(me)))
		t.traces = sdktrace.NewTracerProvider(sdktrace.WithBatcher(te))
		in, err := srkitotel.New(t.metrics)
		if err != nil {
			return nil, err
		}
		t.hooks = append(t.hooks, in)
		tp = t.traces
	}
	t.tracer = tp.Tracer("github.com/srkit-go/srkit/examples/httpservice")
	k := kotel.NewKotel(kotel.WithTracer(kotel.NewTracer(kotel.TracerProvider(tp), kotel.TracerPropagator(propagation.TraceContext{}))))
	t.kotel = []kgo.Opt{kgo.WithHooks(k.Hooks()...)}
	return t, nil
}

// handler serves /metrics and h, each request of h in a server span.
func (t *telemetry) handler(h http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(t.prom, promhttp.HandlerOpts{}))
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, span := t.tracer.Start(r.Context(), r.Method, trace.WithSpanKind(trace.SpanKindServer))
		defer span.End()
		h.ServeHTTP(w, r.WithContext(ctx))
	}))
	return mux
}

// shutdown flushes the OTLP exporters.
func (t *telemetry) shutdown(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var errs []error
	if t.traces != nil {
		errs = append(errs, t.traces.Shutdown(ctx))
	}
	if t.metrics != nil {
		errs = append(errs, t.metrics.Shutdown(ctx))
	}
	return errors.Join(errs...)
}
