// Package interoptest holds the helpers the serde interop tests share
// (package interop for Avro and JSON Schema, package protobufinterop for
// Protobuf): srkit's mock registry over HTTP with Confluent's client and
// srkit's client both talking to it, and conversions between the two
// clients' record headers.
package interoptest

import (
	"testing"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry"
	"github.com/srkit-go/srkit/mockregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// ConfluentClient returns Confluent's registry client for url, closed when
// the test ends.
func ConfluentClient(t testing.TB, url string) schemaregistry.Client {
	t.Helper()
	c, err := schemaregistry.NewClient(schemaregistry.NewConfig(url))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// BothClients starts the mock registry (with srkit's real formats) over
// HTTP and returns Confluent's client and srkit's client for it.
func BothClients(t testing.TB) (schemaregistry.Client, *registry.Client) {
	t.Helper()
	srv := mockregistry.StartServer(t)
	client, err := srv.Client()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	return ConfluentClient(t, srv.URL()), client
}

// ToKafka converts srkit's record headers to confluent-kafka-go's.
func ToKafka(hs []serde.Header) []kafka.Header {
	out := make([]kafka.Header, len(hs))
	for i, h := range hs {
		out[i] = kafka.Header(h)
	}
	return out
}

// FromKafka converts confluent-kafka-go's record headers to srkit's.
func FromKafka(hs []kafka.Header) []serde.Header {
	out := make([]serde.Header, len(hs))
	for i, h := range hs {
		out[i] = serde.Header(h)
	}
	return out
}

// SameHeaders reports whether the two clients wrote the same headers, in
// the same order.
func SameHeaders(ours []serde.Header, theirs []kafka.Header) bool {
	if len(ours) != len(theirs) {
		return false
	}
	for i := range ours {
		if ours[i].Key != theirs[i].Key || string(ours[i].Value) != string(theirs[i].Value) {
			return false
		}
	}
	return true
}
