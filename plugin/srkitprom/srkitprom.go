// Package srkitprom exports srkit's hook events as Prometheus metrics. One
// [*Metrics] value is a hook for the registry client, serializers and
// deserializers, producers and consumers:
//
//	m, err := srkitprom.New(prometheus.DefaultRegisterer)
//	client, err := registry.New(registry.URLs(url), registry.WithHooks(m))
//	ser, err := avro.NewSerializer[Order](client, serde.Value, serde.WithHooks(m))
//	p, err := producer.New(cl, producer.String(), ser, producer.WithHooks(m))
//	c, err := consumer.New(cl, consumer.String(), deser, consumer.WithHooks(m))
//
// A group consumer's client made with kgo.AutoCommitMarks (the
// recommended setting) commits on its own: add consumer.AutoCommitHooks(m)
// to its options to count those commits too.
//
// # Metrics
//
// Names and labels are stable:
//
//	srkit_registry_request_duration_seconds{method,endpoint,status}  histogram, one observation per logical request
//	srkit_registry_request_retries_total{method,endpoint}             counter, attempts beyond the first
//	srkit_registry_cache_total{cache,outcome}                          counter, outcome hit|miss|eviction
//	srkit_serde_serialize_total{topic,part,kind}                       counter, kind "ok" or a serde.ErrorKind
//	srkit_serde_deserialize_total{topic,part,kind}                     counter
//	srkit_serde_resolve_duration_seconds{part,kind}                    histogram, schema resolutions on cache misses
//	srkit_serde_rule_total{rule,type,kind,mode,phase,action,result}    counter, result ok|failed
//	srkit_producer_produce_duration_seconds{topic,result}              histogram, call to acknowledgement; result ok|dead_lettered|error
//	srkit_producer_dead_letters_total{source_topic,topic,result}       counter, result ok|error
//	srkit_consumer_record_duration_seconds{topic,outcome}              histogram, outcome a consumer.Outcome
//	srkit_consumer_commits_total{result}                               counter, result ok|error
//	srkit_consumer_fetch_errors_total{topic}                           counter
//	srkit_consumer_fetch_lag{topic,partition}                          gauge, records after the last fetched
//
// endpoint is a path template ("/subjects/{subject}/versions"), status the
// HTTP status ("0" when no answer came). Topic and rule names are labels:
// both are few per service.
package srkitprom

import (
	"context"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/srkit-go/srkit/consumer"
	"github.com/srkit-go/srkit/producer"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// Metrics turns srkit hook events into Prometheus metrics. It implements
// registry.HookRequest, registry.HookCache, serde.HookSerialize,
// serde.HookDeserialize, serde.HookResolve, serde.HookRule,
// producer.HookProduce, producer.HookDeadLetter, consumer.HookRecord,
// consumer.HookCommit, consumer.HookFetchError and consumer.HookLag. It is
// safe for concurrent use; give the same value to every client, serde,
// producer and consumer.
type Metrics struct {
	reqDuration *prometheus.HistogramVec
	reqRetries  *prometheus.CounterVec
	cache       *prometheus.CounterVec
	serialize   *prometheus.CounterVec
	deserialize *prometheus.CounterVec
	resolve     *prometheus.HistogramVec
	rules       *prometheus.CounterVec
	produce     *prometheus.HistogramVec
	deadLetters *prometheus.CounterVec
	records     *prometheus.HistogramVec
	commits     *prometheus.CounterVec
	fetchErrors *prometheus.CounterVec
	lag         *prometheus.GaugeVec
}

// Option configures [New].
type Option func(*settings)

type settings struct {
	buckets []float64
}

// Buckets sets the histogram buckets in seconds (default
// prometheus.DefBuckets).
func Buckets(b ...float64) Option { return func(s *settings) { s.buckets = b } }

// New registers srkit's metrics with reg and returns the hook that feeds
// them. It fails if reg already holds metrics of those names.
func New(reg prometheus.Registerer, opts ...Option) (*Metrics, error) {
	s := settings{buckets: prometheus.DefBuckets}
	for _, o := range opts {
		o(&s)
	}
	m := &Metrics{
		reqDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "srkit_registry_request_duration_seconds", Help: "Schema Registry requests (all attempts of one call), by endpoint template and final HTTP status.",
			Buckets: s.buckets,
		}, []string{"method", "endpoint", "status"}),
		reqRetries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "srkit_registry_request_retries_total", Help: "Schema Registry request attempts beyond the first (retries and failovers).",
		}, []string{"method", "endpoint"}),
		cache: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "srkit_registry_cache_total", Help: "Schema Registry client cache lookups and evictions.",
		}, []string{"cache", "outcome"}),
		serialize: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "srkit_serde_serialize_total", Help: "Serializations, by topic, part and error kind (ok on success).",
		}, []string{"topic", "part", "kind"}),
		deserialize: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "srkit_serde_deserialize_total", Help: "Deserializations, by topic, part and error kind (ok on success).",
		}, []string{"topic", "part", "kind"}),
		resolve: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "srkit_serde_resolve_duration_seconds", Help: "Schema resolutions on serde cache misses.",
			Buckets: s.buckets,
		}, []string{"part", "kind"}),
		rules: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "srkit_serde_rule_total", Help: "Data-contract rule runs, by rule, the action that followed and the result.",
		}, []string{"rule", "type", "kind", "mode", "phase", "action", "result"}),
		produce: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "srkit_producer_produce_duration_seconds", Help: "Produced records, from the call to the acknowledgement, by topic and result.",
			Buckets: s.buckets,
		}, []string{"topic", "result"}),
		deadLetters: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "srkit_producer_dead_letters_total", Help: "Records the producer sent to a dead-letter topic, by source topic, dead-letter topic and result.",
		}, []string{"source_topic", "topic", "result"}),
		records: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "srkit_consumer_record_duration_seconds", Help: "Consumed records, from start to outcome, by topic and outcome.",
			Buckets: s.buckets,
		}, []string{"topic", "outcome"}),
		commits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "srkit_consumer_commits_total", Help: "Offset commits, by result.",
		}, []string{"result"}),
		fetchErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "srkit_consumer_fetch_errors_total", Help: "Errors the client reported while fetching, by topic.",
		}, []string{"topic"}),
		lag: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "srkit_consumer_fetch_lag", Help: "Records in the partition after the last one fetched, as of the last poll.",
		}, []string{"topic", "partition"}),
	}
	for _, c := range []prometheus.Collector{m.reqDuration, m.reqRetries, m.cache, m.serialize, m.deserialize, m.resolve, m.rules,
		m.produce, m.deadLetters, m.records, m.commits, m.fetchErrors, m.lag} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// kind is the label value of an error kind: "ok" for success.
func kind(k serde.ErrorKind) string {
	if k == serde.KindNone {
		return "ok"
	}
	return string(k)
}

// OnRequest implements registry.HookRequest.
func (m *Metrics) OnRequest(e registry.RequestEvent) {
	m.reqDuration.WithLabelValues(e.Method, e.Endpoint, strconv.Itoa(e.Status)).Observe(e.Duration.Seconds())
	if e.Attempts > 1 {
		m.reqRetries.WithLabelValues(e.Method, e.Endpoint).Add(float64(e.Attempts - 1))
	}
}

// OnCache implements registry.HookCache.
func (m *Metrics) OnCache(e registry.CacheEvent) {
	m.cache.WithLabelValues(string(e.Cache), string(e.Outcome)).Inc()
}

// OnSerialize implements serde.HookSerialize.
func (m *Metrics) OnSerialize(e serde.SerializeEvent) {
	m.serialize.WithLabelValues(e.Topic, e.Part.String(), kind(e.Kind)).Inc()
}

// OnDeserialize implements serde.HookDeserialize.
func (m *Metrics) OnDeserialize(e serde.DeserializeEvent) {
	m.deserialize.WithLabelValues(e.Topic, e.Part.String(), kind(e.Kind)).Inc()
}

// OnResolve implements serde.HookResolve.
func (m *Metrics) OnResolve(e serde.ResolveEvent) {
	m.resolve.WithLabelValues(e.Part.String(), kind(e.Kind)).Observe(e.Duration.Seconds())
}

// OnRule implements serde.HookRule.
func (m *Metrics) OnRule(e serde.RuleEvent) {
	result := "ok"
	if e.Err != nil {
		result = "failed"
	}
	m.rules.WithLabelValues(e.Rule, e.Type, string(e.Kind), string(e.Mode), e.Phase.String(), e.Action, result).Inc()
}

// result is the label value of an error: "ok" for nil.
func result(err error) string {
	if err == nil {
		return "ok"
	}
	return "error"
}

// OnProduce implements producer.HookProduce.
func (m *Metrics) OnProduce(e producer.ProduceEvent) {
	r := result(e.Err)
	if r == "ok" && e.DeadLettered {
		r = "dead_lettered"
	}
	m.produce.WithLabelValues(e.Topic, r).Observe(e.Duration.Seconds())
}

// OnDeadLetter implements producer.HookDeadLetter.
func (m *Metrics) OnDeadLetter(e producer.DeadLetterEvent) {
	m.deadLetters.WithLabelValues(e.SourceTopic, e.Topic, result(e.Err)).Inc()
}

// OnRecord implements consumer.HookRecord.
func (m *Metrics) OnRecord(_ context.Context, e consumer.RecordEvent) {
	m.records.WithLabelValues(e.Topic, e.Outcome.String()).Observe(e.Duration.Seconds())
}

// OnCommit implements consumer.HookCommit.
func (m *Metrics) OnCommit(e consumer.CommitEvent) {
	m.commits.WithLabelValues(result(e.Err)).Inc()
}

// OnFetchError implements consumer.HookFetchError.
func (m *Metrics) OnFetchError(e consumer.FetchErrorEvent) {
	m.fetchErrors.WithLabelValues(e.Topic).Inc()
}

// OnLag implements consumer.HookLag.
func (m *Metrics) OnLag(e consumer.LagEvent) {
	m.lag.WithLabelValues(e.Topic, strconv.Itoa(int(e.Partition))).Set(float64(e.Lag))
}
