package serde_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

func TestRegistryOutageIsNotUnknownSchema(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	client, err := registry.New(registry.URLs(srv.URL), registry.Retries(0, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	de, _ := serde.NewDeserializer[string](client, serde.Value, &rawCodec{}, deserCfg())
	_, err = de.Deserialize(context.Background(), "orders", []byte{0, 0, 0, 0, 7, 'x'}, nil)
	if err == nil || errors.Is(err, serde.ErrUnknownSchema) {
		t.Fatalf("outage reported as %v", err)
	}
	if !errors.Is(err, registry.ErrorCode(503)) {
		t.Fatalf("outage error does not carry the 503: %v", err)
	}
}

// TestProxyAnswersAreNotUnknownSchema: only the registry's own JSON
// not-found answer (40403) makes a schema unknown. A proxy's HTML 404 page,
// a 200 that is not the registry's JSON, or the registry's JSON 404 for a
// path it does not serve are not a verdict on the message.
func TestProxyAnswersAreNotUnknownSchema(t *testing.T) {
	answers := map[string]func(w http.ResponseWriter){
		"html 404": func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte("<html><body><h1>404 Not Found</h1></body></html>"))
		},
		"html 200": func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<html><body>Please log in</body></html>"))
		},
		"json 404 without schema code": func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"error_code":404,"message":"HTTP 404 Not Found"}`))
		},
	}
	for name, answer := range answers {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { answer(w) }))
			defer srv.Close()
			client, err := registry.New(registry.URLs(srv.URL), registry.Retries(0, 0, 0))
			if err != nil {
				t.Fatal(err)
			}
			de, _ := serde.NewDeserializer[string](client, serde.Value, &rawCodec{}, deserCfg())
			_, err = de.Deserialize(context.Background(), "orders", []byte{0, 0, 0, 0, 7, 'x'}, nil)
			if err == nil || errors.Is(err, serde.ErrUnknownSchema) {
				t.Fatalf("proxy answer reported as %v", err)
			}
			if !serde.IsTransient(err) {
				t.Fatalf("proxy answer %v is not transient: a consumer would skip or dead-letter the record", err)
			}
		})
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"error_code":40403,"message":"Schema 7 not found"}`))
	}))
	defer srv.Close()
	client, err := registry.New(registry.URLs(srv.URL), registry.Retries(0, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	de, _ := serde.NewDeserializer[string](client, serde.Value, &rawCodec{}, deserCfg())
	_, err = de.Deserialize(context.Background(), "orders", []byte{0, 0, 0, 0, 7, 'x'}, nil)
	if !errors.Is(err, serde.ErrUnknownSchema) {
		t.Fatalf("registry's 40403 reported as %v, want ErrUnknownSchema", err)
	}
	if serde.IsTransient(err) {
		t.Fatalf("registry's 40403 (%v) reported as transient", err)
	}
}
