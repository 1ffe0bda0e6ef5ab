package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestMetricsEndpoint: /metrics shows srkit's registry, serde, producer and
// consumer metrics for the orders the service produced and consumed.
func TestMetricsEndpoint(t *testing.T) {
	svc := startService(t)
	base := svc.base
	if code, m := post(t, base+"/orders?wait=true", orderJSON("metrics", 1)); code != http.StatusCreated {
		t.Fatalf("POST: %d %v", code, m)
	}
	want := []string{
		`srkit_registry_request_duration_seconds_count{endpoint="/subjects/{subject}/versions",method="POST",status="200"} 1`,
		`srkit_serde_serialize_total{kind="ok",part="value",topic="orders"} 1`,
		`srkit_serde_deserialize_total{kind="ok",part="value",topic="orders"} 1`,
		`srkit_producer_produce_duration_seconds_count{result="ok",topic="orders"} 1`,
		`srkit_consumer_record_duration_seconds_count{outcome="handled",topic="orders"} 1`,
		`srkit_consumer_fetch_lag{partition=`,
	}
	deadline := time.Now().Add(15 * time.Second)
	var body string
	for {
		resp, err := http.Get(base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		body = string(b)
		missing := ""
		for _, w := range want {
			if !strings.Contains(body, w) {
				missing = w
			}
		}
		if missing == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/metrics lacks %s:\n%s", missing, grepSrkit(body))
		}
		time.Sleep(100 * time.Millisecond)
	}
	svc.stop(t)
}

func grepSrkit(body string) string {
	var out []string
	for _, l := range strings.Split(body, "\n") {
		if strings.HasPrefix(l, "srkit_") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
