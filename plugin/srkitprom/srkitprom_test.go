package srkitprom_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/mockregistry"
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
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
		if calls.Add(1) == 1 {
			w.WriteHeader(503)
			_, _ = w.Write([]byte(`{"error_code":50301,"message":"busy"}`))
			return
		}
		_, _ = w.Write([]byte(`{"schema":"\"string\""}`))
	}))
	defer srv.Close()
	reg := prometheus.NewRegistry()
	m, err := srkitprom.New(reg)
	if err != nil {
		t.Fatal(err)
	}
	c, err := registry.New(registry.URLs(srv.URL), registry.WithHooks(m), registry.Retries(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := c.SchemaByID(context.Background(), 3); err != nil {
			t.Fatal(err)
		}
	}
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
	ctx := context.Background()
	reg := prometheus.NewRegistry()
	m, err := srkitprom.New(reg)
	if err != nil {
		t.Fatal(err)
	}
	mock, err := mockregistry.New()
	if err != nil {
		t.Fatal(err)
	}
	client, err := mock.Client(registry.WithHooks(m))
	if err != nil {
		t.Fatal(err)
	}
	ser, err := avro.NewSerializer[string](client, serde.Value, serde.WithHooks(m))
	if err != nil {
		t.Fatal(err)
	}
	de, err := avro.NewDeserializer[string](client, serde.Value, serde.WithHooks(m))
	if err != nil {
		t.Fatal(err)
	}
	var b []byte
	for range 3 {
		if b, _, err = ser.Serialize(ctx, "orders", "hello"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := de.Deserialize(ctx, "orders", b, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := de.Deserialize(ctx, "orders", []byte{7}, nil); err == nil {
		t.Fatal("malformed record accepted")
	}
	checks := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"srkit_serde_serialize_total", map[string]string{"topic": "orders", "part": "value", "kind": "ok"}, 3},
		{"srkit_serde_deserialize_total", map[string]string{"topic": "orders", "part": "value", "kind": "ok"}, 1},
		{"srkit_serde_deserialize_total", map[string]string{"topic": "orders", "part": "value", "kind": "malformed"}, 1},
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
