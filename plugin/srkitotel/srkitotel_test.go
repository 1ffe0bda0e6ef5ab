package srkitotel_test

import (
	"context"
	"strings"
	"testing"

	"github.com/srkit-go/srkit/internal/hooktest"
	"github.com/srkit-go/srkit/plugin/srkitotel"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

func collect(t *testing.T, r *sdkmetric.ManualReader) map[string]metricdata.Aggregation {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := r.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	out := map[string]metricdata.Aggregation{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			out[m.Name] = m.Data
		}
	}
	return out
}

// sum returns the value of the counter's data point with exactly attrs.
func sum(t *testing.T, data metricdata.Aggregation, attrs ...attribute.KeyValue) int64 {
	t.Helper()
	s, ok := data.(metricdata.Sum[int64])
	if !ok {
		t.Fatalf("not an int64 sum: %T", data)
	}
	want := attribute.NewSet(attrs...)
	for _, dp := range s.DataPoints {
		if dp.Attributes.Equals(&want) {
			return dp.Value
		}
	}
	return 0
}

// histCount returns the count of the histogram's data point with attrs.
func histCount(t *testing.T, data metricdata.Aggregation, attrs ...attribute.KeyValue) uint64 {
	t.Helper()
	h, ok := data.(metricdata.Histogram[float64])
	if !ok {
		t.Fatalf("not a float64 histogram: %T", data)
	}
	want := attribute.NewSet(attrs...)
	for _, dp := range h.DataPoints {
		if dp.Attributes.Equals(&want) {
			return dp.Count
		}
	}
	return 0
}

func TestRegistryRequestOnceUnderRetry(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	in, err := srkitotel.New(sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)))
	if err != nil {
		t.Fatal(err)
	}
	hooktest.RetriedLookup(t, in)
	got := collect(t, reader)
	ep := []attribute.KeyValue{attribute.String("method", "GET"), attribute.String("endpoint", "/schemas/ids/{id}")}
	if n := histCount(t, got["srkit.registry.request.duration"], append(ep, attribute.Int("status", 200))...); n != 1 {
		t.Errorf("%d requests recorded, want 1", n)
	}
	if n := sum(t, got["srkit.registry.request.retries"], ep...); n != 1 {
		t.Errorf("%d retries, want 1", n)
	}
	for _, o := range []string{"hit", "miss"} {
		if n := sum(t, got["srkit.registry.cache"], attribute.String("cache", "schema_by_id"), attribute.String("outcome", o)); n != 1 {
			t.Errorf("cache %s: %d, want 1", o, n)
		}
	}
}

func TestSerdeInstruments(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	in, err := srkitotel.New(sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)))
	if err != nil {
		t.Fatal(err)
	}
	hooktest.Serdes(t, in)
	got := collect(t, reader)
	topic := []attribute.KeyValue{attribute.String("topic", "orders"), attribute.String("part", "value")}
	for name, want := range map[string]int64{"srkit.serde.serialize/ok": 3, "srkit.serde.deserialize/ok": 1,
		"srkit.serde.deserialize/malformed": 1, "srkit.serde.deserialize/unknown_schema": 1} {
		instrument, kind, _ := strings.Cut(name, "/")
		if n := sum(t, got[instrument], append(topic, attribute.String("kind", kind))...); n != want {
			t.Errorf("%s kind %s: %d, want %d", instrument, kind, n, want)
		}
	}
	if n := histCount(t, got["srkit.serde.resolve.duration"], attribute.String("part", "value"), attribute.String("kind", "ok")); n != 2 {
		t.Errorf("resolutions %d, want 2", n)
	}
	if n := histCount(t, got["srkit.registry.request.duration"], attribute.String("method", "POST"),
		attribute.String("endpoint", "/subjects/{subject}/versions"), attribute.Int("status", 200)); n != 1 {
		t.Errorf("register requests %d, want 1", n)
	}
}

func TestRuleInstrument(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	in, err := srkitotel.New(sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)))
	if err != nil {
		t.Fatal(err)
	}
	in.OnRule(serde.RuleEvent{Rule: "qty", Type: "CEL", Kind: registry.RuleKindCondition, Mode: registry.RuleModeRead, Action: "NONE", Err: serde.ErrRuleConditionFailed})
	got := collect(t, reader)
	if n := sum(t, got["srkit.serde.rule"], attribute.String("rule", "qty"), attribute.String("type", "CEL"), attribute.String("kind", "CONDITION"),
		attribute.String("mode", "READ"), attribute.String("phase", "DOMAIN"), attribute.String("action", "NONE"), attribute.String("result", "failed")); n != 1 {
		t.Errorf("rule runs %d, want 1", n)
	}
}

func TestProducerConsumerInstruments(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	in, err := srkitotel.New(sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)))
	if err != nil {
		t.Fatal(err)
	}
	hooktest.ProduceConsume(t, in)
	got := collect(t, reader)
	str := attribute.String
	hists := []struct {
		name  string
		attrs []attribute.KeyValue
		want  uint64
	}{
		{"srkit.producer.produce.duration", []attribute.KeyValue{str("topic", "orders"), str("result", "ok")}, 3},
		{"srkit.producer.produce.duration", []attribute.KeyValue{str("topic", "orders.dlq"), str("result", "dead_lettered")}, 1},
		{"srkit.consumer.record.duration", []attribute.KeyValue{str("topic", "orders"), str("outcome", "handled")}, 3},
		{"srkit.consumer.record.duration", []attribute.KeyValue{str("topic", "orders"), str("outcome", "skipped")}, 1},
	}
	for _, c := range hists {
		if n := histCount(t, got[c.name], c.attrs...); n != c.want {
			t.Errorf("%s%v: %d, want %d", c.name, c.attrs, n, c.want)
		}
	}
	if n := sum(t, got["srkit.producer.dead_letters"], str("source_topic", "orders"), str("topic", "orders.dlq"), str("result", "ok")); n != 1 {
		t.Errorf("dead letters %d, want 1", n)
	}
	if n := sum(t, got["srkit.consumer.commits"], str("result", "ok")); n < 1 {
		t.Errorf("commits %d, want at least 1", n)
	}
	lag, ok := got["srkit.consumer.fetch_lag"].(metricdata.Gauge[int64])
	if !ok || len(lag.DataPoints) != 1 || lag.DataPoints[0].Value != 0 {
		t.Errorf("lag %+v, want one partition at 0", got["srkit.consumer.fetch_lag"])
	}
	if _, ok := got["srkit.consumer.fetch_errors"]; ok {
		t.Errorf("fetch errors recorded: %+v", got["srkit.consumer.fetch_errors"])
	}
}
