package srkitotel_test

import (
	"fmt"

	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/plugin/srkitotel"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
)

// Example wires one Instruments value into a registry client and its
// serdes. A service passes its meter provider (otel.GetMeterProvider()).
func Example() {
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	in, err := srkitotel.New(mp)
	if err != nil {
		panic(err)
	}
	mock, _ := mockregistry.New()
	client, err := mock.Client(registry.WithHooks(in)) // registry.New(registry.URLs(url), registry.WithHooks(in))
	if err != nil {
		panic(err)
	}
	_ = client              // avro.NewSerializer[Order](client, serde.Value, serde.WithHooks(in)), ...
	_ = serde.WithHooks(in) // the same value for every serializer and deserializer
	fmt.Println("ok")
	// Output: ok
}
