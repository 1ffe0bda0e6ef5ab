package srkitprom_test

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"github.com/srkit-go/srkit/internal/hooktest"
	"github.com/srkit-go/srkit/plugin/srkitprom"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// family returns the metric of name whose labels include want, or nil.
func family(t *testing.T, reg *prometheus.Registry, name string, want map[string]string) *dto.Metric {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			got := map[string]string{}
			for _, l := range m.GetLabel() {
				got[l.GetName()] = l.GetValue()
			}
			for k, v := range want {
				if got[k] != v {
					continue next
				}
			}
			return m
		}
	}
	return nil
}

func TestRegistryRequestOnceUnderRetry(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := srkitprom.New(reg)
	if err != nil {
		t.Fatal(err)
	}
	hooktest.RetriedLookup(t, m)
	h := family(t, reg, "srkit_registry_request_duration_seconds", map[string]string{"method": "GET", "endpoint": "/schemas/ids/{id}", "status": "200"})
	if h == nil || h.GetHistogram().GetSampleCount() != 1 {
		t.Fatalf("request histogram %v", h)
	}
	if r := family(t, reg, "srkit_registry_request_retries_total", map[string]string{"endpoint": "/schemas/ids/{id}"}); r == nil || r.GetCounter().GetValue() != 1 {
		t.Errorf("retries %v", r)
	}
	for outcome, want := range map[string]float64{"hit": 1, "miss": 1} {
		if r := family(t, reg, "srkit_registry_cache_total", map[string]string{"cache": "schema_by_id", "outcome": outcome}); r == nil || r.GetCounter().GetValue() != want {
			t.Errorf("cache %s: %v", outcome, r)
		}
	}
	if n := testutil.CollectAndCount(reg, "srkit_registry_request_duration_seconds"); n != 1 {
		t.Errorf("%d request series, want 1", n)
	}
}

func TestSerdeMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := srkitprom.New(reg)
	if err != nil {
		t.Fatal(err)
	}
	hooktest.Serdes(t, m)
	checks := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"srkit_serde_serialize_total", map[string]string{"topic": "orders", "part": "value", "kind": "ok"}, 3},
		{"srkit_serde_deserialize_total", map[string]string{"topic": "orders", "part": "value", "kind": "ok"}, 1},
		{"srkit_serde_deserialize_total", map[string]string{"topic": "orders", "part": "value", "kind": "malformed"}, 1},
		{"srkit_serde_deserialize_total", map[string]string{"topic": "orders", "part": "value", "kind": "unknown_schema"}, 1},
	}
	for _, c := range checks {
		if r := family(t, reg, c.name, c.labels); r == nil || r.GetCounter().GetValue() != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, r, c.want)
		}
	}
	if h := family(t, reg, "srkit_serde_resolve_duration_seconds", map[string]string{"part": "value", "kind": "ok"}); h == nil || h.GetHistogram().GetSampleCount() != 2 {
		t.Errorf("resolutions %v, want 2 (the serializer's and the deserializer's)", h)
	}
	if h := family(t, reg, "srkit_registry_request_duration_seconds", map[string]string{"method": "POST", "endpoint": "/subjects/{subject}/versions", "status": "200"}); h == nil || h.GetHistogram().GetSampleCount() != 1 {
		t.Errorf("register requests %v", h)
	}
}

func TestRuleMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := srkitprom.New(reg)
	if err != nil {
		t.Fatal(err)
	}
	m.OnRule(serde.RuleEvent{Rule: "qty", Type: "CEL", Kind: registry.RuleKindCondition, Mode: registry.RuleModeWrite, Action: "DLQ", Err: serde.ErrRuleConditionFailed})
	if r := family(t, reg, "srkit_serde_rule_total", map[string]string{"rule": "qty", "type": "CEL", "kind": "CONDITION", "mode": "WRITE", "phase": "DOMAIN", "action": "DLQ", "result": "failed"}); r == nil || r.GetCounter().GetValue() != 1 {
		t.Errorf("rule counter %v", r)
	}
}

func TestNewRefusesDoubleRegistration(t *testing.T) {
	reg := prometheus.NewRegistry()
	if _, err := srkitprom.New(reg); err != nil {
		t.Fatal(err)
	}
	if _, err := srkitprom.New(reg); err == nil {
		t.Error("second New on one registry succeeded")
	}
}

func TestProducerConsumerMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := srkitprom.New(reg)
	if err != nil {
		t.Fatal(err)
	}
	hooktest.ProduceConsume(t, m)
	hists := []struct {
		name   string
		labels map[string]string
		want   uint64
	}{
		{"srkit_producer_produce_duration_seconds", map[string]string{"topic": "orders", "result": "ok"}, 3},
		{"srkit_producer_produce_duration_seconds", map[string]string{"topic": "orders.dlq", "result": "dead_lettered"}, 1},
		{"srkit_consumer_record_duration_seconds", map[string]string{"topic": "orders", "outcome": "handled"}, 3},
		{"srkit_consumer_record_duration_seconds", map[string]string{"topic": "orders", "outcome": "skipped"}, 1},
	}
	for _, c := range hists {
		if h := family(t, reg, c.name, c.labels); h == nil || h.GetHistogram().GetSampleCount() != c.want {
			t.Errorf("%s%v = %v, want %d observations", c.name, c.labels, h, c.want)
		}
	}
	if r := family(t, reg, "srkit_producer_dead_letters_total", map[string]string{"source_topic": "orders", "topic": "orders.dlq", "result": "ok"}); r == nil || r.GetCounter().GetValue() != 1 {
		t.Errorf("dead letters %v", r)
	}
	if r := family(t, reg, "srkit_consumer_commits_total", map[string]string{"result": "ok"}); r == nil || r.GetCounter().GetValue() < 1 {
		t.Errorf("commits %v", r)
	}
	if g := family(t, reg, "srkit_consumer_fetch_lag", map[string]string{"topic": "orders", "partition": "0"}); g == nil || g.GetGauge().GetValue() != 0 {
		t.Errorf("lag %v, want 0", g)
	}
	if n := testutil.CollectAndCount(reg, "srkit_consumer_fetch_errors_total"); n != 0 {
		t.Errorf("%d fetch error series, want none", n)
	}
}
