// Package srkitotel records srkit's hook events as OpenTelemetry metrics.
// One [*Instruments] value is a hook for the registry client, serializers
// and deserializers, producers and consumers:
//
//	in, err := srkitotel.New(otel.GetMeterProvider())
//	client, err := registry.New(registry.URLs(url), registry.WithHooks(in))
//	ser, err := avro.NewSerializer[Order](client, serde.Value, serde.WithHooks(in))
//	p, err := producer.New(cl, producer.String(), ser, producer.WithHooks(in))
//	c, err := consumer.New(cl, consumer.String(), deser, consumer.WithHooks(in))
//
// A group consumer's client made with kgo.AutoCommitMarks (the
// recommended setting) commits on its own: add consumer.AutoCommitHooks(in)
// to its options to count those commits too.
//
// # Instruments
//
// Names and attributes are stable:
//
//	srkit.registry.request.duration  histogram (s)  method, endpoint, status     one per logical request
//	srkit.registry.request.retries   counter        method, endpoint             attempts beyond the first
//	srkit.registry.cache             counter        cache, outcome               hit, miss, eviction
//	srkit.serde.serialize            counter        topic, part, kind            kind "ok" or a serde.ErrorKind
//	srkit.serde.deserialize          counter        topic, part, kind
//	srkit.serde.resolve.duration     histogram (s)  part, kind                   schema resolutions on cache misses
//	srkit.serde.rule                 counter        rule, type, kind, mode, phase, action, result (ok, failed)
//	srkit.producer.produce.duration  histogram (s)  topic, result                call to acknowledgement; ok, dead_lettered, error
//	srkit.producer.dead_letters      counter        source_topic, topic, result  ok, error
//	srkit.consumer.record.duration   histogram (s)  topic, outcome               a consumer.Outcome
//	srkit.consumer.commits           counter        result                       ok, error
//	srkit.consumer.fetch_errors      counter        topic
//	srkit.consumer.fetch_lag         gauge          topic, partition             records after the last fetched
//
// # Traces
//
// Trace context travels in record headers (W3C traceparent) through
// franz-go's kotel plugin: install kotel's tracer hooks on the kgo client
// that srkit's producer and consumer use, produce with the request's ctx,
// and start the handler's spans from the ctx the consumer hands it (it
// carries the record's context, where kotel put the consume span). srkit
// does not inject or extract traceparent itself, so a service that already
// uses kotel gets one trace; the package test shows the chain.
package srkitotel

import (
	"context"

	"github.com/srkit-go/srkit/consumer"
	"github.com/srkit-go/srkit/producer"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// ScopeName is the instrumentation scope of the meter.
const ScopeName = "github.com/srkit-go/srkit/plugin/srkitotel"

// Instruments turns srkit hook events into OpenTelemetry measurements. It
// implements registry.HookRequest, registry.HookCache, serde.HookSerialize,
// serde.HookDeserialize, serde.HookResolve, serde.HookRule,
// producer.HookProduce, producer.HookDeadLetter, consumer.HookRecord,
// consumer.HookCommit, consumer.HookFetchError and consumer.HookLag, and
// is safe for concurrent use.
type Instruments struct {
	reqDuration metric.Float64Histogram
	reqRetries  metric.Int64Counter
	cache       metric.Int64Counter
	serialize   metric.Int64Counter
	deserialize metric.Int64Counter
	resolve     metric.Float64Histogram
	rules       metric.Int64Counter
	produce     metric.Float64Histogram
	deadLetters metric.Int64Counter
	records     metric.Float64Histogram
	commits     metric.Int64Counter
	fetchErrors metric.Int64Counter
	lag         metric.Int64Gauge
}

// New creates srkit's instruments with a meter of mp.
func New(mp metric.MeterProvider) (*Instruments, error) {
	m := mp.Meter(ScopeName)
	in := &Instruments{}
	var err error
	if in.reqDuration, err = m.Float64Histogram("srkit.registry.request.duration", metric.WithUnit("s"),
		metric.WithDescription("Schema Registry requests (all attempts of one call)")); err != nil {
		return nil, err
	}
	if in.reqRetries, err = m.Int64Counter("srkit.registry.request.retries",
		metric.WithDescription("Schema Registry attempts beyond the first")); err != nil {
		return nil, err
	}
	if in.cache, err = m.Int64Counter("srkit.registry.cache",
		metric.WithDescription("Schema Registry client cache lookups and evictions")); err != nil {
		return nil, err
	}
	if in.serialize, err = m.Int64Counter("srkit.serde.serialize", metric.WithDescription("Serializations")); err != nil {
		return nil, err
	}
	if in.deserialize, err = m.Int64Counter("srkit.serde.deserialize", metric.WithDescription("Deserializations")); err != nil {
		return nil, err
	}
	if in.resolve, err = m.Float64Histogram("srkit.serde.resolve.duration", metric.WithUnit("s"),
		metric.WithDescription("Schema resolutions on serde cache misses")); err != nil {
		return nil, err
	}
	if in.rules, err = m.Int64Counter("srkit.serde.rule", metric.WithDescription("Data-contract rule runs")); err != nil {
		return nil, err
	}
	if in.produce, err = m.Float64Histogram("srkit.producer.produce.duration", metric.WithUnit("s"),
		metric.WithDescription("Produced records, from the call to the acknowledgement")); err != nil {
		return nil, err
	}
	if in.deadLetters, err = m.Int64Counter("srkit.producer.dead_letters",
		metric.WithDescription("Records the producer sent to a dead-letter topic")); err != nil {
		return nil, err
	}
	if in.records, err = m.Float64Histogram("srkit.consumer.record.duration", metric.WithUnit("s"),
		metric.WithDescription("Consumed records, from start to outcome")); err != nil {
		return nil, err
	}
	if in.commits, err = m.Int64Counter("srkit.consumer.commits", metric.WithDescription("Offset commits")); err != nil {
		return nil, err
	}
	if in.fetchErrors, err = m.Int64Counter("srkit.consumer.fetch_errors",
		metric.WithDescription("Errors the client reported while fetching")); err != nil {
		return nil, err
	}
	if in.lag, err = m.Int64Gauge("srkit.consumer.fetch_lag",
		metric.WithDescription("Records in the partition after the last one fetched, as of the last poll")); err != nil {
		return nil, err
	}
	return in, nil
}

// kind is the attribute value of an error kind: "ok" for success.
func kind(k serde.ErrorKind) string {
	if k == serde.KindNone {
		return "ok"
	}
	return string(k)
}

// Most hook methods have no ctx: their measurements carry none (no
// exemplars).
var bg = context.Background()

// OnRequest implements registry.HookRequest.
func (in *Instruments) OnRequest(e registry.RequestEvent) {
	in.reqDuration.Record(bg, e.Duration.Seconds(), metric.WithAttributes(
		attribute.String("method", e.Method), attribute.String("endpoint", e.Endpoint), attribute.Int("status", e.Status)))
	if e.Attempts > 1 {
		in.reqRetries.Add(bg, int64(e.Attempts-1), metric.WithAttributes(
			attribute.String("method", e.Method), attribute.String("endpoint", e.Endpoint)))
	}
}

// OnCache implements registry.HookCache.
func (in *Instruments) OnCache(e registry.CacheEvent) {
	in.cache.Add(bg, 1, metric.WithAttributes(attribute.String("cache", string(e.Cache)), attribute.String("outcome", string(e.Outcome))))
}

// OnSerialize implements serde.HookSerialize.
func (in *Instruments) OnSerialize(e serde.SerializeEvent) {
	in.serialize.Add(bg, 1, metric.WithAttributes(attribute.String("topic", e.Topic), attribute.String("part", e.Part.String()),
		attribute.String("kind", kind(e.Kind))))
}

// OnDeserialize implements serde.HookDeserialize.
func (in *Instruments) OnDeserialize(e serde.DeserializeEvent) {
	in.deserialize.Add(bg, 1, metric.WithAttributes(attribute.String("topic", e.Topic), attribute.String("part", e.Part.String()),
		attribute.String("kind", kind(e.Kind))))
}

// OnResolve implements serde.HookResolve.
func (in *Instruments) OnResolve(e serde.ResolveEvent) {
	in.resolve.Record(bg, e.Duration.Seconds(), metric.WithAttributes(attribute.String("part", e.Part.String()),
		attribute.String("kind", kind(e.Kind))))
}

// OnRule implements serde.HookRule.
func (in *Instruments) OnRule(e serde.RuleEvent) {
	result := "ok"
	if e.Err != nil {
		result = "failed"
	}
	in.rules.Add(bg, 1, metric.WithAttributes(attribute.String("rule", e.Rule), attribute.String("type", e.Type),
		attribute.String("kind", string(e.Kind)), attribute.String("mode", string(e.Mode)), attribute.String("phase", e.Phase.String()),
		attribute.String("action", e.Action), attribute.String("result", result)))
}

// result is the attribute value of an error: "ok" for nil.
func result(err error) string {
	if err == nil {
		return "ok"
	}
	return "error"
}

// OnProduce implements producer.HookProduce.
func (in *Instruments) OnProduce(e producer.ProduceEvent) {
	r := result(e.Err)
	if r == "ok" && e.DeadLettered {
		r = "dead_lettered"
	}
	in.produce.Record(bg, e.Duration.Seconds(), metric.WithAttributes(attribute.String("topic", e.Topic), attribute.String("result", r)))
}

// OnDeadLetter implements producer.HookDeadLetter.
func (in *Instruments) OnDeadLetter(e producer.DeadLetterEvent) {
	in.deadLetters.Add(bg, 1, metric.WithAttributes(attribute.String("source_topic", e.SourceTopic), attribute.String("topic", e.Topic),
		attribute.String("result", result(e.Err))))
}

// OnRecord implements consumer.HookRecord. The measurement carries the
// record's context (its span, for exemplars).
func (in *Instruments) OnRecord(ctx context.Context, e consumer.RecordEvent) {
	in.records.Record(ctx, e.Duration.Seconds(), metric.WithAttributes(attribute.String("topic", e.Topic),
		attribute.String("outcome", e.Outcome.String())))
}

// OnCommit implements consumer.HookCommit.
func (in *Instruments) OnCommit(e consumer.CommitEvent) {
	in.commits.Add(bg, 1, metric.WithAttributes(attribute.String("result", result(e.Err))))
}

// OnFetchError implements consumer.HookFetchError.
func (in *Instruments) OnFetchError(e consumer.FetchErrorEvent) {
	in.fetchErrors.Add(bg, 1, metric.WithAttributes(attribute.String("topic", e.Topic)))
}

// OnLag implements consumer.HookLag.
func (in *Instruments) OnLag(e consumer.LagEvent) {
	in.lag.Record(bg, e.Lag, metric.WithAttributes(attribute.String("topic", e.Topic), attribute.Int("partition", int(e.Partition))))
}
