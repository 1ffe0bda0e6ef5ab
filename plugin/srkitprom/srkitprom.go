// Package srkitprom exports srkit's hook events as Prometheus metrics. One
// [*Metrics] value is a hook for the registry client and for serializers
// and deserializers:
//
//	m, err := srkitprom.New(prometheus.DefaultRegisterer)
//	client, err := registry.New(registry.URLs(url), registry.WithHooks(m))
//	ser, err := avro.NewSerializer[Order](client, serde.Value, serde.WithHooks(m))
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
//
// endpoint is a path template ("/subjects/{subject}/versions"), status the
// HTTP status ("0" when no answer came). Topic and rule names are labels:
// both are few per service.
package srkitprom

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// Metrics turns srkit hook events into Prometheus metrics. It implements
// registry.HookRequest, registry.HookCache, serde.HookSerialize,
// serde.HookDeserialize, serde.HookResolve and serde.HookRule. It is safe
// for concurrent use; give the same value to every client and serde.
type Metrics struct {
	reqDuration *prometheus.HistogramVec
	reqRetries  *prometheus.CounterVec
	cache       *prometheus.CounterVec
	serialize   *prometheus.CounterVec
	deserialize *prometheus.CounterVec
	resolve     *prometheus.HistogramVec
	rules       *prometheus.CounterVec
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
	}
	for _, c := range []prometheus.Collector{m.reqDuration, m.reqRetries, m.cache, m.serialize, m.deserialize, m.resolve, m.rules} {
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
