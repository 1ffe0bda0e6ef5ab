package srkitprom_test

import (
	"fmt"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/plugin/srkitprom"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// Example wires one Metrics value into a registry client and its serdes
// and serves the metrics.
func Example() {
	reg := prometheus.NewRegistry()
	m, err := srkitprom.New(reg)
	if err != nil {
		panic(err)
	}
	mock, _ := mockregistry.New()
	client, err := mock.Client(registry.WithHooks(m)) // registry.New(registry.URLs(url), registry.WithHooks(m))
	if err != nil {
		panic(err)
	}
	_ = client             // avro.NewSerializer[Order](client, serde.Value, serde.WithHooks(m)), ...
	_ = serde.WithHooks(m) // the same value for every serializer and deserializer
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	fmt.Println("ok")
	// Output: ok
}
