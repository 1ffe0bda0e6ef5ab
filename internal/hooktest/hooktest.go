// Package hooktest drives srkit's registry and serde hooks through one
// known scenario, so that the hook adapters (plugin/srkitprom,
// plugin/srkitotel) test their output against the same events.
package hooktest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/srkit-go/srkit/avro"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// Hook is a value implementing the registry's and serde's hooks.
type Hook interface {
	registry.HookRequest
	registry.HookCache
	serde.HookSerialize
	serde.HookDeserialize
	serde.HookResolve
	serde.HookRule
}

// RetriedLookup makes one registry client with hook look schema 3 up twice
// from a server that answers the first request 503 and then 200: one
// logical request (GET /schemas/ids/{id}, status 200, 2 attempts), one cache
// miss and one hit of cache schema_by_id.
func RetriedLookup(t *testing.T, hook Hook) {
	t.Helper()
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
	c, err := registry.New(registry.URLs(srv.URL), registry.WithHooks(hook), registry.Retries(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for range 2 {
		if _, err := c.SchemaByID(context.Background(), 3); err != nil {
			t.Fatal(err)
		}
	}
}

// Serdes runs an Avro string serializer and deserializer with hook on the
// mock registry: 3 serializations to topic "orders" (value), then 3
// deserializations: one fine, one malformed (kind malformed), one of
// unknown schema 99 (kind unknown_schema). That is one register request
// (POST /subjects/{subject}/versions, 200) and 2 successful resolutions
// (the serializer's and the deserializer's) plus a failed one.
func Serdes(t *testing.T, hook Hook) {
	t.Helper()
	ctx := context.Background()
	mock, err := mockregistry.New()
	if err != nil {
		t.Fatal(err)
	}
	client, err := mock.Client(registry.WithHooks(hook))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	ser, err := avro.NewSerializer[string](client, serde.Value, serde.WithHooks(hook))
	if err != nil {
		t.Fatal(err)
	}
	de, err := avro.NewDeserializer[string](client, serde.Value, serde.WithHooks(hook))
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
	if _, err := de.Deserialize(ctx, "orders", []byte{0, 0, 0, 0, 99, 1}, nil); err == nil {
		t.Fatal("record of an unknown schema accepted")
	}
}
